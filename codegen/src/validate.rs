//! Stage 2: check the rules that later stages rely on, so that they never meet
//! a dangling reference or a shape of the wrong kind.

use crate::error::{Error, Result};
use crate::model::{Model, Shape, ShapeId, ShapeKind, Simple};

/// Checks every shape of the model.
pub fn validate(model: &Model) -> Result<()> {
    for shape in model.shapes.values() {
        validate_shape(model, shape)?;
    }
    Ok(())
}

fn validate_shape(model: &Model, shape: &Shape) -> Result<()> {
    let path = || shape.source.as_ref().clone();
    let resolve = |referrer: ShapeId, target: &ShapeId| -> Result<&Shape> {
        model.get(target).ok_or_else(|| Error::UnresolvedTarget {
            path: path(),
            shape: referrer.to_string(),
            target: target.to_string(),
        })
    };
    let invalid = |referrer: ShapeId, message: String| Error::Invalid { path: path(), shape: referrer.to_string(), message };
    for member in shape.kind.members() {
        let member_id = shape.id.with_member(&member.name);
        let target = resolve(member_id.clone(), &member.target)?;
        if matches!(target.kind, ShapeKind::Operation(_) | ShapeKind::Service(_) | ShapeKind::Resource(_)) {
            return Err(invalid(
                member_id,
                format!("a member cannot target the {} `{}`", target.kind.type_name(), target.id),
            ));
        }
    }
    match &shape.kind {
        ShapeKind::Map { key, .. } => {
            let target = resolve(shape.id.with_member("key"), &key.target)?;
            if !matches!(target.kind, ShapeKind::Simple(Simple::String) | ShapeKind::Enum(_)) {
                return Err(invalid(shape.id.with_member("key"), "a map key must target a string or enum shape".into()));
            }
        }
        ShapeKind::Operation(op) => {
            for target in op.input.iter().chain(&op.output) {
                let found = resolve(shape.id.clone(), target)?;
                if !matches!(found.kind, ShapeKind::Structure(_)) {
                    return Err(invalid(shape.id.clone(), format!("input and output must be structures, `{target}` is not")));
                }
            }
            for target in &op.errors {
                check_error(model, shape, target, resolve(shape.id.clone(), target)?)?;
            }
        }
        ShapeKind::Service(container) | ShapeKind::Resource(container) => {
            for target in &container.operations {
                if !matches!(resolve(shape.id.clone(), target)?.kind, ShapeKind::Operation(_)) {
                    return Err(invalid(shape.id.clone(), format!("`{target}` is bound as an operation but is not one")));
                }
            }
            for target in &container.resources {
                if !matches!(resolve(shape.id.clone(), target)?.kind, ShapeKind::Resource(_)) {
                    return Err(invalid(shape.id.clone(), format!("`{target}` is bound as a resource but is not one")));
                }
            }
            for target in &container.errors {
                check_error(model, shape, target, resolve(shape.id.clone(), target)?)?;
            }
        }
        _ => {}
    }
    if shape.traits.has(crate::model::traits::ENUM) && !matches!(shape.kind, ShapeKind::Simple(Simple::String)) {
        return Err(invalid(shape.id.clone(), "the smithy.api#enum trait applies only to string shapes".into()));
    }
    Ok(())
}

fn check_error(_model: &Model, referrer: &Shape, target: &ShapeId, found: &Shape) -> Result<()> {
    if matches!(found.kind, ShapeKind::Structure(_)) && found.traits.has(crate::model::traits::ERROR) {
        return Ok(());
    }
    Err(Error::Invalid {
        path: referrer.source.as_ref().clone(),
        shape: referrer.id.to_string(),
        message: format!("`{target}` is listed as an error but is not a structure with the smithy.api#error trait"),
    })
}

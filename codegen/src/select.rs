//! Stage 3: pick the service and the operations to generate, and compute the
//! closure of shapes that they reach.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::model::{Model, ShapeId, ShapeKind};

/// What the later stages generate.
#[derive(Debug, Clone)]
pub struct Selection {
    pub service: ShapeId,
    /// The chosen operations, in shape-id order.
    pub operations: Vec<ShapeId>,
    /// Every shape reachable from those operations (inputs, outputs, errors
    /// and their members), including the service's common errors.
    pub shapes: BTreeSet<ShapeId>,
}

/// Chooses the service (`requested` or the only one) and the operations
/// (`operations` by name or id, or all of them).
pub fn select(model: &Model, requested: Option<&str>, operations: &[String]) -> Result<Selection> {
    let services: Vec<&ShapeId> = model.services().map(|s| &s.id).collect();
    let service = match requested {
        Some(text) => services
            .iter()
            .find(|id| id.to_string() == text || id.name == text)
            .copied()
            .ok_or_else(|| Error::ServiceNotFound {
                requested: text.to_owned(),
                services: services.iter().map(|s| s.to_string()).collect(),
            })?,
        None => match services.as_slice() {
            [] => return Err(Error::NoService { paths: model.files.clone() }),
            [only] => *only,
            many => return Err(Error::AmbiguousService { services: many.iter().map(|s| s.to_string()).collect() }),
        },
    };
    let all = service_operations(model, service);
    let chosen = if operations.is_empty() {
        all.iter().cloned().collect()
    } else {
        let mut chosen = BTreeSet::new();
        for name in operations {
            let found = all.iter().find(|id| &id.name == name || &id.to_string() == name).ok_or_else(|| {
                Error::OperationNotFound {
                    requested: name.clone(),
                    service: service.to_string(),
                    available: all.iter().map(|id| id.name.clone()).collect(),
                }
            })?;
            chosen.insert(found.clone());
        }
        chosen
    };
    let mut shapes = BTreeSet::new();
    let mut stack: Vec<ShapeId> = chosen.iter().cloned().collect();
    if let Some(ShapeKind::Service(container)) = model.get(service).map(|s| &s.kind) {
        stack.extend(container.errors.iter().cloned());
    }
    while let Some(id) = stack.pop() {
        if !shapes.insert(id.clone()) {
            continue;
        }
        let Some(shape) = model.get(&id) else { continue };
        match &shape.kind {
            ShapeKind::Operation(op) => {
                stack.extend(op.input.iter().chain(&op.output).chain(&op.errors).cloned());
            }
            // Enum members target `smithy.api#Unit`: nothing to generate.
            ShapeKind::Enum(_) | ShapeKind::IntEnum(_) => {}
            kind => stack.extend(kind.members().into_iter().map(|m| m.target.clone())),
        }
    }
    Ok(Selection { service: service.clone(), operations: chosen.into_iter().collect(), shapes })
}

/// Every operation bound to the service, directly or through its resources.
pub fn service_operations(model: &Model, service: &ShapeId) -> BTreeSet<ShapeId> {
    let mut operations = BTreeSet::new();
    let mut visited = BTreeSet::new();
    let mut stack = vec![service.clone()];
    while let Some(id) = stack.pop() {
        if !visited.insert(id.clone()) {
            continue;
        }
        if let Some(ShapeKind::Service(c) | ShapeKind::Resource(c)) = model.get(&id).map(|s| &s.kind) {
            operations.extend(c.operations.iter().cloned());
            stack.extend(c.resources.iter().cloned());
        }
    }
    operations
}

//! Passes over the built crate: waiter paths compiled against the types,
//! pagination resolved to members, and which codec directions each type
//! needs.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::*;
use crate::error::{Error, Result};
use crate::model::{traits, Model, ShapeId};
use super::build::shape;

/// Compiles each waiter's path matchers against the crate's types.
pub(super) fn resolve_waiter_paths(krate: &mut Crate, model: &Model) -> Result<()> {
    waiter::resolve(krate, model)
}

/// The paging tokens that are written: a string, or (DynamoDB's keys) a map
/// with string keys, the same in the input and the output.
const TOKEN_TYPES: &str = "tokens that are not strings or string-keyed maps of the same type";

/// The error of an operation's `smithy.api#paginated` trait that breaks the
/// specification (`Invalid`) or asks for what is not written (`Unsupported`).
fn paging_error(model: &Model, op: &Operation, invalid: bool, what: String) -> Error {
    let path = model.get(&op.shape).map(|s| s.source.as_ref().clone()).unwrap_or_default();
    let shape = op.shape.to_string();
    if invalid {
        Error::Invalid { path, shape, message: format!("smithy.api#paginated: {what}") }
    } else {
        Error::Unsupported { path, shape, feature: format!("smithy.api#paginated with {what}") }
    }
}

/// The operation's `smithy.api#paginated` trait merged with the service's:
/// its input members resolved to fields, its output paths kept as the
/// trait writes them (`resolve_pagination_paths` resolves them once the
/// crate's types are built); `None` when the operation does not page.
pub(super) fn pagination(model: &Model, op: &Operation, service: Option<&Value>) -> Result<Option<Pagination>> {
    let shape = shape(model, &op.shape)?;
    let Some(own) = shape.traits.get(traits::PAGINATED) else { return Ok(None) };
    let key = |name: &str| -> Option<String> {
        own.get(name).or_else(|| service.and_then(|s| s.get(name))).and_then(Value::as_str).map(str::to_owned)
    };
    let invalid = |what: String| paging_error(model, op, true, what);
    // The specification allows only top-level input members.
    let input_member = |key: &str, member: &str| -> Result<Field> {
        if member.contains('.') {
            return Err(invalid(format!("{key} `{member}` is a path; it must name a top-level member of the input")));
        }
        op.input
            .fields
            .iter()
            .find(|f| f.member == member)
            .cloned()
            .ok_or_else(|| invalid(format!("{key} `{member}` is not a member of the input")))
    };
    let (Some(input_token), Some(output_token)) = (key("inputToken"), key("outputToken")) else {
        return Err(paging_error(model, op, false, "no inputToken or outputToken".into()));
    };
    let input_token = input_member("inputToken", &input_token)?;
    // A string, or (DynamoDB's keys) a map with string keys; the output's
    // token must have the same type (checked with the output's paths).
    if !matches!(&input_token.ty, RustType::String | RustType::Map { sparse: false, .. }) {
        return Err(paging_error(model, op, false, TOKEN_TYPES.into()));
    }
    let page_size = match key("pageSize") {
        None => None,
        Some(member) => {
            let field = input_member("pageSize", &member)?;
            Some((field.name, field.ty))
        }
    };
    let unresolved = |path: String| OutputPath { path, steps: Vec::new() };
    Ok(Some(Pagination {
        token_type: input_token.ty,
        input_token: input_token.name,
        output_token: unresolved(output_token),
        items: key("items").map(unresolved),
        page_size,
    }))
}

/// Resolves each paginator's output token and items paths through the
/// output and the structures it holds (each step may be absent), and checks
/// what they reach: a token of the input token's type, and items in a list
/// or a map (dense or sparse). It needs every type of the crate, as the
/// waiters' paths do.
pub(super) fn resolve_pagination_paths(krate: &mut Crate, model: &Model) -> Result<()> {
    let mut resolved = Vec::new();
    for (key, op) in &krate.operations {
        let Some(pagination) = &op.pagination else { continue };
        let token = resolve_output_path(krate, model, op, &pagination.output_token.path)?;
        if token.last().map(|step| &step.ty) != Some(&pagination.token_type) {
            return Err(paging_error(model, op, false, TOKEN_TYPES.into()));
        }
        let items = match &pagination.items {
            None => None,
            Some(items) => {
                let steps = resolve_output_path(krate, model, op, &items.path)?;
                if !matches!(steps.last().map(|step| &step.ty), Some(RustType::List { .. } | RustType::Map { .. })) {
                    return Err(paging_error(
                        model,
                        op,
                        true,
                        format!("items `{}` is neither a list nor a map", items.path),
                    ));
                }
                Some(steps)
            }
        };
        resolved.push((key.clone(), token, items));
    }
    for (key, token, items) in resolved {
        let Some(pagination) = krate.operations.get_mut(&key).and_then(|op| op.pagination.as_mut()) else { continue };
        pagination.output_token.steps = token;
        if let (Some(path), Some(steps)) = (pagination.items.as_mut(), items) {
            path.steps = steps;
        }
    }
    Ok(())
}

/// The fields of a dotted member path from `op`'s output: every step but the
/// last must be a structure.
fn resolve_output_path(krate: &Crate, model: &Model, op: &Operation, path: &str) -> Result<Vec<PathStep>> {
    let invalid = |what: String| paging_error(model, op, true, format!("the output path `{path}`: {what}"));
    let mut at = &op.output;
    let mut steps = Vec::new();
    let mut members = path.split('.').peekable();
    while let Some(member) = members.next() {
        let field = at
            .fields
            .iter()
            .find(|f| f.member == member)
            .ok_or_else(|| invalid(format!("`{}` has no member `{member}`", at.shape)))?;
        steps.push(PathStep { field: field.name.clone(), optional: field.optional, ty: field.ty.clone() });
        if members.peek().is_none() {
            break;
        }
        at = match &field.ty {
            RustType::Named(r) => match krate.types.get(&r.name) {
                Some(TypeDef::Struct(s)) if s.kind == StructKind::Plain => s,
                _ => return Err(invalid(format!("`{member}` is not a structure"))),
            },
            _ => return Err(invalid(format!("`{member}` is not a structure"))),
        };
    }
    Ok(steps)
}

/// Marks which types need a serializer (reachable from an input) and which a
/// deserializer (reachable from an output or an error).
pub(super) fn mark_serde_directions(krate: &mut Crate) {
    let mut ser = BTreeSet::new();
    let mut de = BTreeSet::new();
    // Every structure a member can name: shared types and errors.
    let structs: BTreeMap<&ShapeId, &Struct> = krate
        .types
        .values()
        .filter_map(|t| match t {
            TypeDef::Struct(s) => Some((&s.shape, s)),
            TypeDef::Enum(_) => None,
        })
        .chain(krate.errors.values().map(|e| (&e.shape, e)))
        .collect();
    let walk = |start: &Struct, into: &mut BTreeSet<ShapeId>| {
        let mut stack: Vec<&RustType> = start.fields.iter().map(|f| &f.ty).collect();
        while let Some(ty) = stack.pop() {
            match ty {
                RustType::List { item: inner, .. } | RustType::Map { value: inner, .. } => stack.push(inner),
                RustType::Named(r) | RustType::EventStream(r) | RustType::EventSender(r) if into.insert(r.shape.clone()) => {
                    if let Some(s) = structs.get(&r.shape) {
                        stack.extend(s.fields.iter().map(|f| &f.ty));
                    }
                }
                _ => {}
            }
        }
    };
    for op in krate.operations.values() {
        walk(&op.input, &mut ser);
        walk(&op.output, &mut de);
    }
    for error in krate.errors.values() {
        de.insert(error.shape.clone());
        walk(error, &mut de);
    }
    for t in krate.types.values_mut() {
        let (shape, serde) = match t {
            TypeDef::Struct(s) => (&s.shape, &mut s.serde),
            TypeDef::Enum(e) => (&e.shape, &mut e.serde),
        };
        *serde = Serde { serialize: ser.contains(shape), deserialize: de.contains(shape) };
    }
    for e in krate.errors.values_mut() {
        e.serde = Serde { serialize: ser.contains(&e.shape), deserialize: true };
    }
    for op in krate.operations.values_mut() {
        op.input.serde = Serde { serialize: true, deserialize: false };
        op.output.serde = Serde { serialize: false, deserialize: true };
    }
}

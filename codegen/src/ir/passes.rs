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

/// The operation's `smithy.api#paginated` trait merged with the service's,
/// resolved to fields; `None` when the operation does not page.
pub(super) fn pagination(model: &Model, op: &Operation, service: Option<&Value>) -> Result<Option<Pagination>> {
    let shape = shape(model, &op.shape)?;
    let Some(own) = shape.traits.get(traits::PAGINATED) else { return Ok(None) };
    let key = |name: &str| -> Option<String> {
        own.get(name).or_else(|| service.and_then(|s| s.get(name))).and_then(Value::as_str).map(str::to_owned)
    };
    let unsupported = |what: String| Error::Unsupported {
        path: shape.source.as_ref().clone(),
        shape: op.shape.to_string(),
        feature: format!("smithy.api#paginated with {what}"),
    };
    let find = |s: &Struct, member: &str| -> Result<Field> {
        if member.contains('.') {
            return Err(unsupported(format!("the nested path `{member}`")));
        }
        s.fields.iter().find(|f| f.member == member).cloned().ok_or_else(|| unsupported(format!("no member `{member}`")))
    };
    let (Some(input_token), Some(output_token)) = (key("inputToken"), key("outputToken")) else {
        return Err(unsupported("no inputToken or outputToken".into()));
    };
    let input_token = find(&op.input, &input_token)?;
    let output_token = find(&op.output, &output_token)?;
    // A string, or (DynamoDB's keys) a map with string keys; the input's
    // token takes what the output's gives.
    let token_type = matches!(&input_token.ty, RustType::String | RustType::Map { sparse: false, .. });
    if !token_type || input_token.ty != output_token.ty {
        return Err(unsupported("tokens that are not strings or string-keyed maps of the same type".into()));
    }
    let items = match key("items") {
        None => None,
        Some(member) => {
            let field = find(&op.output, &member)?;
            match &field.ty {
                RustType::List { item, sparse: false } => Some((field.name.clone(), (**item).clone(), field.optional)),
                _ => return Err(unsupported(format!("items `{member}` that are not a dense list"))),
            }
        }
    };
    let page_size = match key("pageSize") {
        None => None,
        Some(member) => {
            let field = find(&op.input, &member)?;
            Some((field.name.clone(), field.ty.clone()))
        }
    };
    Ok(Some(Pagination {
        token_type: input_token.ty.clone(),
        input_token: input_token.name,
        output_token_optional: output_token.optional,
        output_token: output_token.name,
        items,
        page_size,
    }))
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

//! Mixins flattened into the shapes that use them, as the specification
//! describes: members inherited in mixin order before the shape's own,
//! traits inherited except `@mixin` and the mixin's `localTraits`, the
//! shape's own definitions winning.

use serde_json::{Map, Value};

use crate::model::traits::MIXIN;

/// How deeply mixins may use mixins (a cycle stops here).
const MAX_DEPTH: usize = 32;

/// A shape body by absolute id.
pub type Lookup<'a, 'b> = &'a dyn Fn(&str) -> Option<&'b Value>;

/// The body with every mixin applied and `mixins` removed; the body itself
/// when it has no mixins.
pub fn flatten(body: &Value, lookup: Lookup<'_, '_>) -> Result<Value, String> {
    let mut budget = MAX_VISITS;
    flatten_at(body, lookup, 0, &mut budget)
}

/// How many mixin shapes flattening one shape may visit, so that a model
/// whose mixins fan out at every level cannot take exponential time.
const MAX_VISITS: usize = 10_000;

fn flatten_at(body: &Value, lookup: Lookup<'_, '_>, depth: usize, budget: &mut usize) -> Result<Value, String> {
    let Some(mixins) = body.get("mixins") else { return Ok(body.clone()) };
    if *budget == 0 {
        return Err(format!("its mixins use more than {MAX_VISITS} mixin shapes in all"));
    }
    *budget -= 1;
    let Some(mixins) = mixins.as_array() else { return Err("\"mixins\" must be an array".into()) };
    let Value::Object(local) = body else { return Err("a shape must be a JSON object".into()) };
    if depth > MAX_DEPTH {
        return Err(format!("mixins nest more than {MAX_DEPTH} levels deep (is there a cycle?)"));
    }
    let mut out = Map::new();
    if let Some(kind) = local.get("type") {
        out.insert("type".into(), kind.clone());
    }
    let mut traits = Map::new();
    for mixin in mixins {
        let id = mixin.get("target").and_then(Value::as_str).ok_or("a mixin must be an object with a \"target\"")?;
        let mixin_body = lookup(id).ok_or_else(|| format!("mixin `{id}` is not defined in the model"))?;
        let marker = mixin_body.get("traits").and_then(|t| t.get(MIXIN));
        let Some(marker) = marker else {
            return Err(format!("`{id}` is used as a mixin but does not have the @mixin trait"));
        };
        let local_traits: Vec<&str> = marker
            .get("localTraits")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let flat = flatten_at(mixin_body, lookup, depth + 1, budget)?;
        let Value::Object(flat) = flat else { continue };
        for (key, value) in flat {
            match key.as_str() {
                "type" => {}
                "traits" => {
                    if let Value::Object(map) = value {
                        for (trait_id, trait_value) in map {
                            if trait_id != MIXIN && !local_traits.contains(&trait_id.as_str()) {
                                traits.insert(trait_id, trait_value);
                            }
                        }
                    }
                }
                _ => merge_property(&mut out, key, value),
            }
        }
    }
    for (key, value) in local {
        match key.as_str() {
            "type" | "mixins" => {}
            "traits" => {
                if let Value::Object(map) = value {
                    traits.extend(map.clone());
                }
            }
            "members" => {
                let slot = out.entry("members").or_insert_with(|| Value::Object(Map::new()));
                if let (Value::Object(inherited), Value::Object(own)) = (slot, value) {
                    for (name, member) in own {
                        match inherited.get_mut(name) {
                            Some(existing) => redefine(existing, member),
                            None => {
                                inherited.insert(name.clone(), member.clone());
                            }
                        }
                    }
                }
            }
            "member" | "key" | "value" if out.contains_key(key) => {
                if let Some(existing) = out.get_mut(key) {
                    redefine(existing, value);
                }
            }
            _ => merge_property(&mut out, key.clone(), value.clone()),
        }
    }
    if !traits.is_empty() {
        out.insert("traits".into(), Value::Object(traits));
    }
    Ok(Value::Object(out))
}

/// A shape's own definition of an inherited member: its traits are added,
/// its target (when given) kept.
fn redefine(existing: &mut Value, own: &Value) {
    let Value::Object(existing) = existing else { return };
    if let Some(target) = own.get("target").filter(|t| t.as_str().is_some_and(|t| !t.is_empty())) {
        existing.insert("target".into(), target.clone());
    }
    if let Some(Value::Object(own_traits)) = own.get("traits") {
        let slot = existing.entry("traits").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(traits) = slot {
            traits.extend(own_traits.clone());
        }
    }
}

/// Lists concatenate (without repeats), objects merge, other values are
/// replaced: inherited operations, errors, identifiers, ...
fn merge_property(out: &mut Map<String, Value>, key: String, value: Value) {
    match (out.get_mut(&key), value) {
        (Some(Value::Array(existing)), Value::Array(items)) => {
            for item in items {
                if !existing.contains(&item) {
                    existing.push(item);
                }
            }
        }
        (Some(Value::Object(existing)), Value::Object(entries)) => existing.extend(entries),
        (_, value) => {
            out.insert(key, value);
        }
    }
}

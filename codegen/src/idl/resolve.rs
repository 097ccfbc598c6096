//! Shape id resolution and conversion of a parsed file to JSON AST values.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{error_at, MemberDef, Node, ParsedFile, Ref, ShapeDef, TraitDef};
use crate::error::{Error, Result};

/// A shape of the file as a JSON AST value (mixins not flattened; elided
/// member targets are the empty string until [`fill_elided`] runs).
#[derive(Clone, Debug)]
pub struct ResolvedShape {
    pub id: String,
    pub body: Value,
    pub at: usize,
}

/// An `apply` statement with its target and traits resolved.
#[derive(Clone, Debug)]
pub struct ResolvedApply {
    pub target: String,
    pub traits: Map<String, Value>,
    pub at: usize,
}

/// A member written `$name`, whose target comes from the `for` resource or
/// from a mixin once every file is read.
#[derive(Clone, Debug)]
pub struct Elided {
    pub shape: String,
    pub member: String,
    pub at: usize,
    pub for_resource: Option<String>,
    pub mixins: Vec<String>,
}

/// One file as JSON AST pieces.
#[derive(Clone, Debug, Default)]
pub struct FileAst {
    pub shapes: Vec<ResolvedShape>,
    pub applies: Vec<ResolvedApply>,
    pub metadata: Vec<(String, Value, usize)>,
    pub elided: Vec<Elided>,
}

/// Resolves every reference of `file`. `known` holds the absolute id of
/// every shape the model defines (in any file, IDL or JSON); the prelude
/// is always known.
pub fn resolve(file: &ParsedFile, known: &HashSet<String>) -> Result<FileAst> {
    let resolver = Resolver { file, known };
    let mut ast = FileAst::default();
    for (key, node, at) in &file.metadata {
        ast.metadata.push((key.clone(), resolver.node(node), *at));
    }
    for shape in &file.shapes {
        let body = resolver.shape(shape, &mut ast.elided)?;
        ast.shapes.push(ResolvedShape { id: shape.id.clone(), body, at: shape.at });
    }
    for apply in &file.applies {
        let target = resolver.strict(&apply.target, "as the target of `apply`")?;
        let traits = resolver.traits(&apply.traits)?;
        ast.applies.push(ResolvedApply { target, traits, at: apply.target.at });
    }
    Ok(ast)
}

/// Gives each elided member the target of the same-named identifier or
/// property of its `for` resource, else of the member of a mixin.
/// `shapes` looks up a shape body by absolute id.
pub fn fill_elided<'a>(
    elided: &Elided,
    shapes: &dyn Fn(&str) -> Option<&'a Value>,
) -> Option<String> {
    if let Some(resource) = elided.for_resource.as_deref().and_then(shapes) {
        for key in ["identifiers", "properties"] {
            if let Some(target) = resource.get(key).and_then(|m| m.get(&elided.member)).and_then(target_of) {
                return Some(target);
            }
        }
    }
    let mut budget = 10_000;
    elided.mixins.iter().find_map(|mixin| member_in_mixins(mixin, &elided.member, shapes, 0, &mut budget))
}

fn target_of(member: &Value) -> Option<String> {
    member.get("target").and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_owned)
}

fn member_in_mixins<'a>(
    id: &str,
    member: &str,
    shapes: &dyn Fn(&str) -> Option<&'a Value>,
    depth: usize,
    budget: &mut usize,
) -> Option<String> {
    // Bounded depth (cycles) and visits (mixins fanning out at every level).
    if depth > 32 || *budget == 0 {
        return None;
    }
    *budget -= 1;
    let shape = shapes(id)?;
    let local = match member {
        "member" | "key" | "value" => shape.get(member),
        _ => None,
    }
    .or_else(|| shape.get("members").and_then(|m| m.get(member)));
    if let Some(target) = local.and_then(target_of) {
        return Some(target);
    }
    let mixins = shape.get("mixins").and_then(Value::as_array)?;
    mixins
        .iter()
        .filter_map(|m| m.get("target").and_then(Value::as_str))
        .find_map(|m| member_in_mixins(m, member, shapes, depth + 1, budget))
}

struct Resolver<'a> {
    file: &'a ParsedFile,
    known: &'a HashSet<String>,
}

fn target(id: String) -> Value {
    let mut map = Map::new();
    map.insert("target".into(), Value::String(id));
    Value::Object(map)
}

impl Resolver<'_> {
    fn error(&self, at: usize, message: impl Into<String>) -> Error {
        error_at(&self.file.source, &self.file.text, at, message)
    }

    /// The absolute id for a shape id as written, if it resolves.
    fn lookup(&self, text: &str) -> Option<String> {
        if text.contains('#') {
            return Some(text.to_owned());
        }
        let (name, member) = match text.split_once('$') {
            Some((name, member)) => (name, Some(member)),
            None => (text, None),
        };
        let with_member = |root: String| match member {
            Some(m) => format!("{root}${m}"),
            None => root,
        };
        if let Some((_, absolute)) = self.file.uses.iter().find(|(n, _)| n == name) {
            return Some(with_member(absolute.clone()));
        }
        if let Some(namespace) = &self.file.namespace {
            let candidate = format!("{namespace}#{name}");
            if self.known.contains(&candidate) {
                return Some(with_member(candidate));
            }
        }
        if crate::load::prelude::is_prelude_shape(name) {
            return Some(with_member(format!("smithy.api#{name}")));
        }
        None
    }

    /// A reference that must name a shape.
    fn strict(&self, r: &Ref, role: &str) -> Result<String> {
        self.lookup(&r.text).ok_or_else(|| {
            let namespace = self.file.namespace.as_deref().unwrap_or("(none)");
            self.error(
                r.at,
                format!(
                    "unknown shape `{}` {role}: it is not imported with `use`, not defined in namespace `{namespace}`, and not in the prelude",
                    r.text
                ),
            )
        })
    }

    /// A shape id in a node value: when it does not resolve, it names a
    /// shape of the file's namespace (as the specification says).
    fn lenient(&self, r: &Ref) -> String {
        self.lookup(&r.text).unwrap_or_else(|| match &self.file.namespace {
            Some(ns) => format!("{ns}#{}", r.text),
            None => r.text.clone(),
        })
    }

    fn node(&self, node: &Node) -> Value {
        match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::Str(s) => Value::String(s.clone()),
            Node::Id(r) => Value::String(self.lenient(r)),
            Node::Array(items) => Value::Array(items.iter().map(|n| self.node(n)).collect()),
            Node::Object(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), self.node(v))).collect()),
        }
    }

    fn traits(&self, traits: &[TraitDef]) -> Result<Map<String, Value>> {
        let mut map = Map::new();
        for t in traits {
            let id = self.strict(&t.id, "as a trait")?;
            if map.contains_key(&id) {
                return Err(self.error(t.id.at, format!("trait `{id}` is applied twice")));
            }
            map.insert(id, self.node(&t.value));
        }
        Ok(map)
    }

    fn member(&self, shape: &ShapeDef, member: &MemberDef, elided: &mut Vec<Elided>) -> Result<Value> {
        let mut body = Map::new();
        let target = match &member.target {
            Some(r) => self.strict(r, &format!("as the target of member `{}`", member.name))?,
            None => {
                elided.push(Elided {
                    shape: shape.id.clone(),
                    member: member.name.clone(),
                    at: member.at,
                    for_resource: shape.for_resource.as_ref().map(|r| self.strict(r, "after `for`")).transpose()?,
                    mixins: shape.mixins.iter().map(|r| self.strict(r, "as a mixin")).collect::<Result<_>>()?,
                });
                String::new()
            }
        };
        body.insert("target".into(), Value::String(target));
        let traits = self.traits(&member.traits)?;
        if !traits.is_empty() {
            body.insert("traits".into(), Value::Object(traits));
        }
        Ok(Value::Object(body))
    }

    fn shape(&self, shape: &ShapeDef, elided: &mut Vec<Elided>) -> Result<Value> {
        let mut body = Map::new();
        body.insert("type".into(), Value::from(shape.kind));
        if !shape.mixins.is_empty() {
            let mixins = shape.mixins.iter().map(|r| Ok(target(self.strict(r, "as a mixin")?))).collect::<Result<_>>()?;
            body.insert("mixins".into(), Value::Array(mixins));
        }
        if let Some(r) = &shape.for_resource {
            // Checked here; the JSON AST has no place for the binding.
            self.strict(r, "after `for`")?;
        }
        match shape.kind {
            "list" | "set" | "map" => {
                let allowed: &[&str] = if shape.kind == "map" { &["key", "value"] } else { &["member"] };
                for member in &shape.members {
                    if !allowed.contains(&member.name.as_str()) {
                        return Err(self.error(
                            member.at,
                            format!("a {} has only the members {}, not `{}`", shape.kind, allowed.join(" and "), member.name),
                        ));
                    }
                    body.insert(member.name.clone(), self.member(shape, member, elided)?);
                }
            }
            "structure" | "union" | "enum" | "intEnum" => {
                let mut members = Map::new();
                for member in &shape.members {
                    members.insert(member.name.clone(), self.member(shape, member, elided)?);
                }
                body.insert("members".into(), Value::Object(members));
            }
            "operation" | "service" | "resource" => {
                for (key, node, at) in &shape.properties {
                    let value = self.property(shape.kind, key, node, *at)?;
                    body.insert(key.clone(), value);
                }
            }
            _ => {}
        }
        let traits = self.traits(&shape.traits)?;
        if !traits.is_empty() {
            body.insert("traits".into(), Value::Object(traits));
        }
        Ok(Value::Object(body))
    }

    /// A property of an operation, service or resource body.
    fn property(&self, kind: &str, key: &str, node: &Node, at: usize) -> Result<Value> {
        let reference = |node: &Node| -> Result<Value> {
            match node {
                Node::Id(r) => Ok(target(self.strict(r, &format!("in `{key}`"))?)),
                _ => Err(self.error(at, format!("`{key}` must be a shape id"))),
            }
        };
        let references = |node: &Node| -> Result<Value> {
            match node {
                Node::Array(items) => Ok(Value::Array(items.iter().map(reference).collect::<Result<_>>()?)),
                _ => Err(self.error(at, format!("`{key}` must be a list of shape ids (`[A, B]`)"))),
            }
        };
        let named_references = |node: &Node| -> Result<Value> {
            match node {
                Node::Object(entries) => {
                    Ok(Value::Object(entries.iter().map(|(k, v)| Ok((k.clone(), reference(v)?))).collect::<Result<_>>()?))
                }
                _ => Err(self.error(at, format!("`{key}` must be an object of names to shape ids"))),
            }
        };
        let expected: &[&str] = match kind {
            "operation" => &["input", "output", "errors"],
            "service" => &["version", "operations", "resources", "errors", "rename"],
            _ => &[
                "identifiers",
                "properties",
                "create",
                "put",
                "read",
                "update",
                "delete",
                "list",
                "operations",
                "collectionOperations",
                "resources",
            ],
        };
        if !expected.contains(&key) {
            return Err(self.error(at, format!("unknown {kind} property `{key}`; expected one of: {}", expected.join(", "))));
        }
        match key {
            "input" | "output" | "create" | "put" | "read" | "update" | "delete" | "list" => reference(node),
            "errors" | "operations" | "resources" | "collectionOperations" => references(node),
            "identifiers" | "properties" => named_references(node),
            "version" => match node {
                Node::Str(s) => Ok(Value::String(s.clone())),
                _ => Err(self.error(at, "`version` must be a string")),
            },
            // rename: absolute shape ids (quoted) to names.
            _ => match node {
                Node::Object(entries) => {
                    let mut map = Map::new();
                    for (k, v) in entries {
                        let Node::Str(name) = v else {
                            return Err(self.error(at, "`rename` values must be strings"));
                        };
                        let id = self.lookup(k).unwrap_or_else(|| k.clone());
                        map.insert(id, Value::String(name.clone()));
                    }
                    Ok(Value::Object(map))
                }
                _ => Err(self.error(at, "`rename` must be an object of shape ids to names")),
            },
        }
    }
}

//! A reader for the Smithy IDL (versions 2.0 and 1.0), natively in Rust.
//!
//! Reading happens in two steps, because a relative shape id can name a
//! shape that another file defines:
//!
//! 1. [`parse`] turns one file into a [`ParsedFile`]: shapes with absolute
//!    ids, and references (member targets, trait names, node values that
//!    are shape ids, ...) as written, each with its position;
//! 2. [`resolve`] turns a parsed file into JSON AST values with absolute
//!    ids, given the ids of every shape of the model being loaded: a
//!    relative id is looked up in the file's `use` statements, then in its
//!    namespace (across all files), then in the prelude.
//!
//! [`crate::load`] combines the results of several files into one model.
//! Every error carries the file, line and column ([`Error::Syntax`]).

mod lexer;
mod parser;
mod resolve;
mod text;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::{Error, Result, Source};

pub use resolve::{fill_elided, resolve, Elided, FileAst, ResolvedApply, ResolvedShape};

/// How deeply node values (arrays and objects) may nest.
pub const MAX_NESTING: usize = 64;

/// The IDL version a file declares with `$version`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// A shape id as written in the file, with the byte offset where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Ref {
    pub text: String,
    pub at: usize,
}

/// A node value as written: shape ids not yet resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(String),
    /// An unquoted shape id; it becomes the absolute id as a string.
    Id(Ref),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

/// A trait application: `@id` or `@id(value)`.
#[derive(Clone, Debug, PartialEq)]
pub struct TraitDef {
    pub id: Ref,
    pub value: Node,
}

/// A member of an aggregate or enum shape.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberDef {
    pub name: String,
    pub at: usize,
    /// `None` for an elided target (`$name`).
    pub target: Option<Ref>,
    /// Including `@default` from `= value` and `@enumValue` of enums.
    pub traits: Vec<TraitDef>,
}

/// A shape statement.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeDef {
    /// The absolute id (the file's namespace and the shape name).
    pub id: String,
    pub at: usize,
    /// The JSON AST type name (`structure`, `string`, `set`, ...).
    pub kind: &'static str,
    pub traits: Vec<TraitDef>,
    pub mixins: Vec<Ref>,
    pub for_resource: Option<Ref>,
    /// Members of aggregate and enum shapes, in order.
    pub members: Vec<MemberDef>,
    /// The properties of a service, resource or operation body.
    pub properties: Vec<(String, Node, usize)>,
}

/// `apply target @trait...`.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplyDef {
    pub target: Ref,
    pub traits: Vec<TraitDef>,
}

/// One IDL file, parsed but not resolved.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    pub source: Source,
    /// The file's text, for error messages that quote the offending line.
    pub text: Arc<str>,
    pub version: Version,
    pub namespace: Option<String>,
    /// `use` statements: shape name to absolute id.
    pub uses: Vec<(String, String)>,
    pub metadata: Vec<(String, Node, usize)>,
    pub shapes: Vec<ShapeDef>,
    pub applies: Vec<ApplyDef>,
}

/// Parses one IDL file.
pub fn parse(text: &str, source: &Source) -> Result<ParsedFile> {
    parser::parse(text, source)
}

/// Parses and resolves one file on its own (with the prelude), giving its
/// JSON AST document: `apply` statements appear as `"type": "apply"`
/// entries and mixins are not flattened.
pub fn to_json_ast(text: &str, path: &Path) -> Result<Value> {
    let source: Source = Arc::new(path.to_path_buf());
    let parsed = parse(text, &source)?;
    let known: HashSet<String> = parsed.shapes.iter().map(|s| s.id.clone()).collect();
    let ast = resolve(&parsed, &known)?;
    let mut shapes = Map::new();
    for shape in ast.shapes {
        shapes.insert(shape.id, shape.body);
    }
    for elided in &ast.elided {
        let lookup = |id: &str| shapes.get(id);
        let target = fill_elided(elided, &lookup).ok_or_else(|| {
            error_at(&source, text, elided.at, format!("no mixin or `for` resource gives member `{}` a target", elided.member))
        })?;
        if let Some(body) = shapes.get_mut(&elided.shape) {
            set_member_target(body, &elided.member, target);
        }
    }
    for apply in ast.applies {
        // Traits applied to a shape of this file join its definition; the
        // others stay `apply` entries.
        if let Some(traits) = local_traits(&mut shapes, &apply.target) {
            for (id, value) in apply.traits {
                match (traits.get_mut(&id), value) {
                    (Some(Value::Array(items)), Value::Array(more)) => items.extend(more),
                    (_, value) => {
                        traits.insert(id, value);
                    }
                }
            }
            continue;
        }
        let mut body = Map::new();
        body.insert("type".into(), Value::from("apply"));
        body.insert("traits".into(), Value::Object(apply.traits));
        shapes.insert(apply.target, Value::Object(body));
    }
    let mut root = Map::new();
    root.insert("smithy".into(), Value::from("2.0"));
    if !ast.metadata.is_empty() {
        root.insert("metadata".into(), Value::Object(ast.metadata.into_iter().map(|(k, v, _)| (k, v)).collect()));
    }
    root.insert("shapes".into(), Value::Object(shapes));
    Ok(Value::Object(root))
}

/// The trait map of a shape or member defined in `shapes`, created if
/// missing; `None` when the target is not there.
fn local_traits<'a>(shapes: &'a mut Map<String, Value>, target: &str) -> Option<&'a mut Map<String, Value>> {
    let (root, member) = match target.split_once('$') {
        Some((root, member)) => (root, Some(member)),
        None => (target, None),
    };
    let body = shapes.get_mut(root)?;
    let holder = match member {
        None => body,
        Some(m) => match body.get("members") {
            Some(_) => body.get_mut("members")?.get_mut(m)?,
            None => body.get_mut(m)?,
        },
    };
    let Value::Object(holder) = holder else { return None };
    match holder.entry("traits").or_insert_with(|| Value::Object(Map::new())) {
        Value::Object(traits) => Some(traits),
        _ => None,
    }
}

/// Builds an [`Error::Syntax`] for a byte offset of a file's text.
pub fn error_at(source: &Source, text: &str, at: usize, message: impl Into<String>) -> Error {
    let (line, column, line_text) = position(text, at);
    Error::Syntax { path: source.as_ref().clone(), line, column, line_text, message: message.into() }
}

/// The 1-based line and column (in characters) of a byte offset, and the
/// text of that line.
pub fn position(text: &str, at: usize) -> (usize, usize, String) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
    let line_text = text[line_start..line_end].trim_end_matches('\r').to_owned();
    (line, column, line_text)
}

/// An identifier: a letter or `_`, then letters, digits and `_`, with at
/// least one character that is not `_`.
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && text.chars().any(|c| c != '_')
}

/// Whether `text` is a shape id, absolute or relative, with or without a
/// member.
pub fn is_shape_id(text: &str) -> bool {
    let (namespace, rest) = match text.split_once('#') {
        Some((ns, rest)) => (Some(ns), rest),
        None => (None, text),
    };
    let (name, member) = match rest.split_once('$') {
        Some((name, member)) => (name, Some(member)),
        None => (rest, None),
    };
    namespace.is_none_or(|ns| ns.split('.').all(is_identifier))
        && is_identifier(name)
        && member.is_none_or(is_identifier)
}

/// Sets the target of a member of a JSON AST shape body.
pub fn set_member_target(body: &mut Value, member: &str, target: String) {
    let slot = match member {
        "member" | "key" | "value" if body.get("members").is_none() => body.get_mut(member),
        _ => body.get_mut("members").and_then(|m| m.get_mut(member)),
    };
    if let Some(Value::Object(m)) = slot {
        m.insert("target".into(), Value::String(target));
    }
}

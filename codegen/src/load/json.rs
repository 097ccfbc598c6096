//! The Smithy JSON AST reader: JSON text to typed shapes, with every error
//! naming the file and the shape.

use serde_json::{Map, Value};

use crate::error::{Error, Result, Source};
use crate::model::{Container, Member, Operation, Shape, ShapeId, ShapeKind, Simple, Traits};

/// The `smithy` versions whose JSON AST this reader understands.
const SUPPORTED_VERSIONS: &[&str] = &["2", "2.0"];

/// Parses a JSON AST document and checks its `smithy` version; returns the
/// top-level object.
pub fn parse_root(text: &str, source: &Source) -> Result<Map<String, Value>> {
    let path = || source.as_ref().clone();
    let root: Value = serde_json::from_str(text).map_err(|e| Error::Json {
        path: path(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    let Value::Object(root) = root else {
        return Err(Error::Malformed { path: path(), shape: None, message: "the top level must be a JSON object".into() });
    };
    let version = match root.get("smithy") {
        Some(Value::String(v)) => v.as_str(),
        Some(_) => return Err(Error::Malformed { path: path(), shape: None, message: "\"smithy\" must be a string".into() }),
        None => {
            return Err(Error::Malformed {
                path: path(),
                shape: None,
                message: "missing the \"smithy\" version property; is this a Smithy JSON AST file?".into(),
            })
        }
    };
    if !SUPPORTED_VERSIONS.contains(&version) {
        return Err(Error::UnsupportedVersion { path: path(), version: version.to_owned() });
    }
    match root.get("shapes") {
        None | Some(Value::Object(_)) => {}
        Some(_) => return Err(Error::Malformed { path: path(), shape: None, message: "\"shapes\" must be an object".into() }),
    }
    match root.get("metadata") {
        None | Some(Value::Object(_)) => {}
        Some(_) => return Err(Error::Malformed { path: path(), shape: None, message: "\"metadata\" must be an object".into() }),
    }
    Ok(root)
}

/// Checks the key and `type` of a JSON AST shape entry; returns whether it
/// is an `apply` entry.
pub fn check_entry(id_text: &str, body: &Value, source: &Source) -> Result<bool> {
    let reader = ShapeReader { source, shape: id_text };
    let body = body.as_object().ok_or_else(|| reader.malformed("a shape must be a JSON object"))?;
    let kind = body.get("type").and_then(Value::as_str).ok_or_else(|| reader.malformed("missing \"type\""))?;
    let member_allowed = kind == "apply";
    ShapeId::parse(id_text)
        .filter(|id| member_allowed || id.member.is_none())
        .ok_or_else(|| reader.malformed("the key is not an absolute shape id such as `example.ns#Name`"))?;
    reader.traits(body.get("traits"))?;
    Ok(kind == "apply")
}

/// Reads one shape of a JSON AST document (mixins already flattened).
pub fn read_shape(id_text: &str, body: &Value, source: &Source) -> Result<Shape> {
    let reader = ShapeReader { source, shape: id_text };
    let id = ShapeId::parse(id_text)
        .filter(|id| id.member.is_none())
        .ok_or_else(|| reader.malformed("the key is not an absolute shape id such as `example.ns#Name`"))?;
    let body = body.as_object().ok_or_else(|| reader.malformed("a shape must be a JSON object"))?;
    let kind_text = body.get("type").and_then(Value::as_str).ok_or_else(|| reader.malformed("missing \"type\""))?;
    let traits = reader.traits(body.get("traits"))?;
    let kind = reader.kind(&id, kind_text, body)?;
    Ok(Shape { id, kind, traits, source: source.clone() })
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

struct ShapeReader<'a> {
    source: &'a Source,
    shape: &'a str,
}

impl ShapeReader<'_> {
    fn malformed(&self, message: impl Into<String>) -> Error {
        Error::Malformed { path: self.source.as_ref().clone(), shape: Some(self.shape.to_owned()), message: message.into() }
    }

    fn traits(&self, value: Option<&Value>) -> Result<Traits> {
        let mut traits = Traits::default();
        let Some(value) = value else { return Ok(traits) };
        let map = value.as_object().ok_or_else(|| self.malformed("\"traits\" must be an object"))?;
        for (key, value) in map {
            if ShapeId::parse(key).is_none_or(|id| id.member.is_some()) {
                return Err(self.malformed(format!("trait key `{key}` is not an absolute shape id")));
            }
            traits.0.insert(key.clone(), value.clone());
        }
        Ok(traits)
    }

    fn reference(&self, value: &Value, what: &str) -> Result<ShapeId> {
        let target = value
            .as_object()
            .and_then(|o| o.get("target"))
            .and_then(Value::as_str)
            .ok_or_else(|| self.malformed(format!("{what} must be an object with a \"target\" string")))?;
        ShapeId::parse(target)
            .filter(|id| id.member.is_none())
            .ok_or_else(|| self.malformed(format!("{what} target `{target}` is not an absolute shape id")))
    }

    fn references(&self, body: &Map<String, Value>, key: &str) -> Result<Vec<ShapeId>> {
        match body.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().map(|v| self.reference(v, &format!("an entry of \"{key}\""))).collect(),
            Some(_) => Err(self.malformed(format!("\"{key}\" must be an array"))),
        }
    }

    fn optional_reference(&self, body: &Map<String, Value>, key: &str) -> Result<Option<ShapeId>> {
        body.get(key).map(|v| self.reference(v, &format!("\"{key}\""))).transpose()
    }

    fn member(&self, name: &str, value: &Value) -> Result<Member> {
        if ShapeId::parse(&format!("a#A${name}")).is_none() {
            return Err(self.malformed(format!("member name `{name}` is not a valid identifier")));
        }
        let target = self.reference(value, &format!("member `{name}`"))?;
        let traits = self.traits(value.get("traits"))?;
        Ok(Member { name: name.to_owned(), target, traits })
    }

    fn named_member(&self, body: &Map<String, Value>, name: &str) -> Result<Member> {
        let value = body.get(name).ok_or_else(|| self.malformed(format!("missing \"{name}\"")))?;
        self.member(name, value)
    }

    fn members(&self, body: &Map<String, Value>) -> Result<Vec<Member>> {
        match body.get("members") {
            None => Ok(Vec::new()),
            Some(Value::Object(members)) => members.iter().map(|(name, v)| self.member(name, v)).collect(),
            Some(_) => Err(self.malformed("\"members\" must be an object")),
        }
    }

    fn kind(&self, id: &ShapeId, kind: &str, body: &Map<String, Value>) -> Result<ShapeKind> {
        if let Some(simple) = Simple::from_type(kind) {
            return Ok(ShapeKind::Simple(simple));
        }
        Ok(match kind {
            "enum" => ShapeKind::Enum(self.members(body)?),
            "intEnum" => ShapeKind::IntEnum(self.members(body)?),
            "list" | "set" => ShapeKind::List(self.named_member(body, "member")?),
            "map" => ShapeKind::Map { key: self.named_member(body, "key")?, value: self.named_member(body, "value")? },
            "structure" => ShapeKind::Structure(self.members(body)?),
            "union" => ShapeKind::Union(self.members(body)?),
            "operation" => ShapeKind::Operation(Operation {
                input: self.optional_reference(body, "input")?,
                output: self.optional_reference(body, "output")?,
                errors: self.references(body, "errors")?,
            }),
            "service" | "resource" => {
                let mut operations = Vec::new();
                for key in ["create", "put", "read", "update", "delete", "list"] {
                    operations.extend(self.optional_reference(body, key)?);
                }
                operations.extend(self.references(body, "operations")?);
                operations.extend(self.references(body, "collectionOperations")?);
                let container = Container {
                    version: body.get("version").and_then(Value::as_str).map(str::to_owned),
                    operations,
                    resources: self.references(body, "resources")?,
                    errors: self.references(body, "errors")?,
                };
                if kind == "service" {
                    ShapeKind::Service(container)
                } else {
                    ShapeKind::Resource(container)
                }
            }
            other => {
                return Err(Error::UnknownShapeType {
                    path: self.source.as_ref().clone(),
                    shape: id.to_string(),
                    kind: other.to_owned(),
                })
            }
        })
    }
}

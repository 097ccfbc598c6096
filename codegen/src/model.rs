//! The typed Smithy model that every later stage reads: shape ids parsed,
//! shapes by kind, traits by absolute shape id.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::error::Source;

/// Well-known trait ids, so that a typo is a compile error and not a silently
/// missing trait.
pub mod traits {
    pub const DOCUMENTATION: &str = "smithy.api#documentation";
    pub const REQUIRED: &str = "smithy.api#required";
    pub const CLIENT_OPTIONAL: &str = "smithy.api#clientOptional";
    pub const DEFAULT: &str = "smithy.api#default";
    pub const ENUM: &str = "smithy.api#enum";
    pub const ENUM_VALUE: &str = "smithy.api#enumValue";
    pub const ERROR: &str = "smithy.api#error";
    pub const HTTP: &str = "smithy.api#http";
    pub const HTTP_ERROR: &str = "smithy.api#httpError";
    pub const HTTP_LABEL: &str = "smithy.api#httpLabel";
    pub const HTTP_QUERY: &str = "smithy.api#httpQuery";
    pub const HTTP_QUERY_PARAMS: &str = "smithy.api#httpQueryParams";
    pub const HTTP_HEADER: &str = "smithy.api#httpHeader";
    pub const HTTP_PREFIX_HEADERS: &str = "smithy.api#httpPrefixHeaders";
    pub const HTTP_RESPONSE_CODE: &str = "smithy.api#httpResponseCode";
    pub const HTTP_PAYLOAD: &str = "smithy.api#httpPayload";
    pub const INPUT: &str = "smithy.api#input";
    pub const JSON_NAME: &str = "smithy.api#jsonName";
    pub const SENSITIVE: &str = "smithy.api#sensitive";
    pub const SPARSE: &str = "smithy.api#sparse";
    pub const TIMESTAMP_FORMAT: &str = "smithy.api#timestampFormat";
    pub const TITLE: &str = "smithy.api#title";
    pub const UNIT_TYPE: &str = "smithy.api#unitType";
    pub const MIXIN: &str = "smithy.api#mixin";
    pub const RETRYABLE: &str = "smithy.api#retryable";
    pub const AWS_SERVICE: &str = "aws.api#service";
    pub const SIGV4: &str = "aws.auth#sigv4";
    pub const REST_JSON1: &str = "aws.protocols#restJson1";
    pub const AWS_JSON1_0: &str = "aws.protocols#awsJson1_0";
    pub const AWS_JSON1_1: &str = "aws.protocols#awsJson1_1";
    pub const REST_XML: &str = "aws.protocols#restXml";
    pub const AWS_QUERY: &str = "aws.protocols#awsQuery";
    pub const EC2_QUERY: &str = "aws.protocols#ec2Query";
    pub const AWS_QUERY_COMPATIBLE: &str = "aws.protocols#awsQueryCompatible";
    pub const AWS_QUERY_ERROR: &str = "aws.protocols#awsQueryError";
    pub const ENDPOINT_RULE_SET: &str = "smithy.rules#endpointRuleSet";
    pub const ENDPOINT: &str = "smithy.api#endpoint";
    pub const WAITABLE: &str = "smithy.waiters#waitable";
    pub const HOST_LABEL: &str = "smithy.api#hostLabel";
    pub const READONLY: &str = "smithy.api#readonly";
    pub const MEDIA_TYPE: &str = "smithy.api#mediaType";
    pub const STREAMING: &str = "smithy.api#streaming";
    pub const REQUEST_COMPRESSION: &str = "smithy.api#requestCompression";
    pub const PAGINATED: &str = "smithy.api#paginated";
}

/// An absolute shape id: `namespace#Name` or `namespace#Name$member`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShapeId {
    pub namespace: String,
    pub name: String,
    pub member: Option<String>,
}

impl ShapeId {
    /// Parses an absolute shape id; `None` when the text is not one.
    pub fn parse(text: &str) -> Option<ShapeId> {
        let (namespace, rest) = text.split_once('#')?;
        let (name, member) = match rest.split_once('$') {
            Some((name, member)) => (name, Some(member)),
            None => (rest, None),
        };
        let namespace_ok = !namespace.is_empty() && namespace.split('.').all(is_identifier);
        if !namespace_ok || !is_identifier(name) || !member.is_none_or(is_identifier) {
            return None;
        }
        Some(ShapeId {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            member: member.map(str::to_owned),
        })
    }

    /// The id of a member of this shape.
    pub fn with_member(&self, member: &str) -> ShapeId {
        ShapeId { namespace: self.namespace.clone(), name: self.name.clone(), member: Some(member.to_owned()) }
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && text.chars().any(|c| c != '_')
}

impl fmt::Display for ShapeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.namespace, self.name)?;
        if let Some(member) = &self.member {
            write!(f, "${member}")?;
        }
        Ok(())
    }
}

/// Traits applied to a shape or member, keyed by absolute trait id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Traits(pub BTreeMap<String, Value>);

impl Traits {
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.0.get(id)
    }

    pub fn has(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    /// A trait whose value is a string (documentation, jsonName, ...).
    pub fn string(&self, id: &str) -> Option<&str> {
        self.get(id).and_then(Value::as_str)
    }
}

/// The simple shape types of Smithy 2.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Simple {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
}

impl Simple {
    pub fn from_type(kind: &str) -> Option<Simple> {
        Some(match kind {
            "blob" => Simple::Blob,
            "boolean" => Simple::Boolean,
            "string" => Simple::String,
            "byte" => Simple::Byte,
            "short" => Simple::Short,
            "integer" => Simple::Integer,
            "long" => Simple::Long,
            "float" => Simple::Float,
            "double" => Simple::Double,
            "bigInteger" => Simple::BigInteger,
            "bigDecimal" => Simple::BigDecimal,
            "timestamp" => Simple::Timestamp,
            "document" => Simple::Document,
            _ => return None,
        })
    }
}

/// A member of an aggregate shape (or of an enum).
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub target: ShapeId,
    pub traits: Traits,
}

/// An operation's shape references.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Operation {
    pub input: Option<ShapeId>,
    pub output: Option<ShapeId>,
    pub errors: Vec<ShapeId>,
}

/// A service or resource: what it binds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Container {
    pub version: Option<String>,
    /// Operations bound directly, including a resource's lifecycle operations.
    pub operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
    pub errors: Vec<ShapeId>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ShapeKind {
    Simple(Simple),
    /// An `enum` shape; members carry `smithy.api#enumValue`.
    Enum(Vec<Member>),
    /// An `intEnum` shape.
    IntEnum(Vec<Member>),
    List(Member),
    Map { key: Member, value: Member },
    Structure(Vec<Member>),
    Union(Vec<Member>),
    Operation(Operation),
    Service(Container),
    Resource(Container),
}

impl ShapeKind {
    /// The Smithy name of the type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ShapeKind::Simple(_) => "simple",
            ShapeKind::Enum(_) => "enum",
            ShapeKind::IntEnum(_) => "intEnum",
            ShapeKind::List(_) => "list",
            ShapeKind::Map { .. } => "map",
            ShapeKind::Structure(_) => "structure",
            ShapeKind::Union(_) => "union",
            ShapeKind::Operation(_) => "operation",
            ShapeKind::Service(_) => "service",
            ShapeKind::Resource(_) => "resource",
        }
    }

    /// Every member, in model order.
    pub fn members(&self) -> Vec<&Member> {
        match self {
            ShapeKind::Enum(m) | ShapeKind::IntEnum(m) | ShapeKind::Structure(m) | ShapeKind::Union(m) => {
                m.iter().collect()
            }
            ShapeKind::List(m) => vec![m],
            ShapeKind::Map { key, value } => vec![key, value],
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    pub id: ShapeId,
    pub kind: ShapeKind,
    pub traits: Traits,
    /// The file the shape came from (`<prelude>` for built-in shapes).
    pub source: Source,
}

/// A whole loaded model: every shape of every file, plus the prelude.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub shapes: BTreeMap<ShapeId, Shape>,
    /// The files that were read, in the order they were read.
    pub files: Vec<std::path::PathBuf>,
    /// The metadata of every file, merged (arrays concatenated).
    pub metadata: serde_json::Map<String, Value>,
    /// Every shape read from a file, by absolute id, as its JSON AST value:
    /// applied traits merged in, mixins not flattened. This is what
    /// `codegen ast` writes back out.
    pub ast_shapes: BTreeMap<String, Value>,
}

impl Model {
    pub fn get(&self, id: &ShapeId) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// The service shapes, in shape-id order.
    pub fn services(&self) -> impl Iterator<Item = &Shape> {
        self.shapes.values().filter(|s| matches!(s.kind, ShapeKind::Service(_)))
    }
}

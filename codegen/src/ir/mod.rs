//! Stage 4: the intermediate representation. Every Rust name, type,
//! Option-ness and Box is decided here, once, with the wire name kept beside
//! it; the emitters only render what this module decided.
//!
//! This file holds the IR's types; `build.rs` builds them from the model,
//! `passes.rs` resolves what needs the whole crate (waiter paths,
//! pagination, codec directions), `bindings.rs` decides where members
//! travel in HTTP messages, `protocol.rs` and `auth.rs` what the service's
//! protocol and auth traits mean, `names.rs` every Rust name.

pub mod auth;
pub mod docs;
pub mod endpoint;
pub mod http;
pub mod names;
pub mod protocol;
pub mod waiter;

mod bindings;
mod boxing;
mod build;
mod passes;

pub use build::{build, build_with_protocol, ERROR_MODULE_RESERVED};

use std::collections::BTreeMap;

use crate::model::ShapeId;

/// The module of the generated crate a type lives in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Module {
    Types,
    Error,
    Operation(String),
}

/// A reference to a generated type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypeRef {
    pub module: Module,
    pub name: String,
    pub shape: ShapeId,
    /// An `intEnum` (its wire form is a number).
    pub int_enum: bool,
    /// An enum (string or int).
    pub is_enum: bool,
}

/// Timestamp wire formats (`smithy.api#timestampFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    DateTime,
    EpochSeconds,
    HttpDate,
}

/// The Rust type of a member.
#[derive(Clone, Debug, PartialEq)]
pub enum RustType {
    String,
    Bool,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    /// A timestamp, with the format its shape (or list/map member) asks
    /// for; a structure member's own trait is in [`Field::timestamp_format`].
    Timestamp(Option<TimestampFormat>),
    /// A blob: bytes, base64 in JSON.
    Blob,
    /// A `@streaming` blob: an HTTP payload read or sent in chunks.
    /// `requires_length`: uploads must say their length (`@requiresLength`).
    ByteStream { requires_length: bool },
    /// An event stream (a `@streaming` union) in an output: the events as
    /// they arrive.
    EventStream(TypeRef),
    /// An event stream in an input: the events the caller sends, framed
    /// and signed one by one as they come.
    EventSender(TypeRef),
    /// A document: any JSON value.
    Document,
    List { item: Box<RustType>, sparse: bool },
    Map { value: Box<RustType>, sparse: bool },
    Named(TypeRef),
}

/// A member's default value (`smithy.api#default`), already checked against its type.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    /// The type's zero: `false`, `0`, `""`, empty collection.
    Zero,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// An enum value, by variant name.
    Variant(String),
    /// A timestamp, as epoch seconds.
    Timestamp(f64),
    /// A blob, as the model writes it (base64).
    Blob(String),
    /// A document other than `null`, as the model gives it.
    Document(serde_json::Value),
}

/// One member of a structure.
#[derive(Clone, Debug)]
pub struct Field {
    /// The member name in the model.
    pub member: String,
    /// The name on the wire (`jsonName` or the member name).
    pub wire_name: String,
    /// The Rust field name, which is also the builder setter's name.
    pub name: String,
    pub ty: RustType,
    /// `Box` around the type, to break a recursive cycle.
    pub boxed: bool,
    /// `Option` around the (boxed) type.
    pub optional: bool,
    /// Marked `smithy.api#required`: builders reject a missing value.
    pub required: bool,
    pub default: Option<DefaultValue>,
    /// An explicit `timestampFormat` on the member or its target.
    pub timestamp_format: Option<TimestampFormat>,
    pub sensitive: bool,
    /// Where the member travels in an HTTP message.
    pub binding: Binding,
    /// The `smithy.api#mediaType` of the member's target (for payloads).
    pub media_type: Option<String>,
    /// Marked `smithy.api#idempotencyToken`: the client fills it when unset.
    pub idempotency_token: bool,
    /// A header read leniently: a value that does not parse leaves the
    /// member unset instead of failing the response (S3's `Expires`).
    pub lenient: bool,
    /// How the member travels in an XML body (restXml).
    pub xml: XmlField,
    pub docs: Vec<String>,
}

/// An XML namespace (`smithy.api#xmlNamespace`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlNamespace {
    pub uri: String,
    pub prefix: Option<String>,
}

/// The XML traits of a member: its element is named by
/// [`Field::wire_name`]; `name` is its own `xmlName`, if any (a payload's
/// element takes it before its structure's).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct XmlField {
    pub name: Option<String>,
    /// `xmlAttribute`: an attribute of the parent's element.
    pub attribute: bool,
    /// `xmlFlattened`: a list's items or a map's entries as elements of
    /// the parent, named by the member, without a wrapper.
    pub flattened: bool,
    pub namespace: Option<XmlNamespace>,
    /// The names of a list's or map's items, when the member is one.
    pub items: Option<Box<XmlItems>>,
    /// `aws.protocols#ec2QueryName`: the member's key in an ec2Query request.
    pub ec2_query_name: Option<String>,
}

/// The elements of a list's items or a map's keys and values.
#[derive(Clone, Debug, PartialEq)]
pub enum XmlItems {
    List { member: XmlNode },
    Map { key: XmlNode, value: XmlNode },
}

/// A list's or map's member as an element: its name (`member`, `key`,
/// `value`, or its `xmlName`), namespace, and its own items when it is a
/// collection too.
#[derive(Clone, Debug, PartialEq)]
pub struct XmlNode {
    pub name: String,
    pub namespace: Option<XmlNamespace>,
    pub items: Option<Box<XmlItems>>,
}

/// The HTTP binding of a member (`smithy.api#httpLabel`, `httpQuery`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    Body,
    Label,
    Query(String),
    QueryParams,
    Header(String),
    PrefixHeaders(String),
    ResponseCode,
    Payload,
    /// `smithy.api#eventHeader`: a header of an event stream message.
    EventHeader(String),
    /// `smithy.api#eventPayload`: the whole payload of an event message.
    EventPayload,
}

/// Which JSON directions a type needs: serializers only for what requests
/// carry, deserializers only for what responses carry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Serde {
    pub serialize: bool,
    pub deserialize: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StructKind {
    Plain,
    /// A union: each field is a variant (its `name` is the variant name).
    Union,
    Input,
    Output,
    /// `query_code`: the `@awsQueryError` code, which an
    /// `@awsQueryCompatible` service sends instead of the shape's name.
    Error { fault: ErrorFault, http_status: Option<u16>, retryable: bool, throttling: bool, query_code: Option<String> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorFault {
    Client,
    Server,
}

#[derive(Clone, Debug)]
pub struct Struct {
    pub shape: ShapeId,
    pub name: String,
    pub kind: StructKind,
    pub docs: Vec<String>,
    pub fields: Vec<Field>,
    pub sensitive: bool,
    pub serde: Serde,
    /// For the union of an event stream: the name of its error enum (the
    /// members that are errors become its variants, not events).
    pub event_errors: Option<String>,
    /// `xmlName` of the shape: its element's name as a body's root.
    pub xml_name: Option<String>,
    /// `xmlNamespace` of the shape (written only on a body's root).
    pub xml_namespace: Option<XmlNamespace>,
}

#[derive(Clone, Debug)]
pub struct Variant {
    pub name: String,
    /// The wire value: a string, or the integer of an intEnum.
    pub value: EnumValue,
    pub docs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EnumValue {
    String(String),
    Int(i32),
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub shape: ShapeId,
    pub name: String,
    pub docs: Vec<String>,
    pub variants: Vec<Variant>,
    pub int: bool,
    pub sensitive: bool,
    pub serde: Serde,
}

#[derive(Clone, Debug)]
pub enum TypeDef {
    Struct(Struct),
    Enum(Enum),
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub shape: ShapeId,
    /// `GetReferenceImportJob`.
    pub name: String,
    /// `get_reference_import_job`: the module.
    pub module: String,
    /// The client method (the module name, unless that clashes with a
    /// method of the client itself).
    pub method: String,
    /// The error enum (`GetReferenceImportJobError`).
    pub error: String,
    /// The fluent builder that sends it (`GetReferenceImportJobFluentBuilder`).
    pub fluent: String,
    /// Marked `smithy.api#readonly`.
    pub readonly: bool,
    pub docs: Vec<String>,
    pub http: Option<http::Http>,
    /// The `smithy.api#endpoint` host prefix.
    pub host_prefix: Option<Vec<http::HostPart>>,
    pub input: Struct,
    pub output: Struct,
    pub errors: Vec<TypeRef>,
    pub waiters: Vec<waiter::Waiter>,
    /// `smithy.api#paginated`, merged with the service's defaults.
    pub pagination: Option<Pagination>,
    /// Marked `smithy.api#httpChecksumRequired`: requests carry `Content-MD5`.
    pub checksum_required: bool,
    /// `aws.protocols#httpChecksum`: flexible checksums.
    pub http_checksum: Option<HttpChecksum>,
    /// `smithy.api#requestCompression` asks for gzip.
    pub gzip: bool,
    /// Marked `aws.auth#unsignedPayload`: the signature does not cover the body.
    pub unsigned_payload: bool,
    /// The operation's own auth schemes (`smithy.api#auth`,
    /// `smithy.api#optionalAuth`); `None`: the service's.
    pub auth: Option<Vec<auth::AuthScheme>>,
    /// The endpoint parameters the operation sets (`smithy.rules#contextParam`,
    /// `staticContextParams`, `operationContextParams`).
    pub endpoint_params: Vec<endpoint::ContextParam>,
    /// `aws.customizations#s3UnwrappedXmlOutput`: the output's only body
    /// member is the XML body's root element itself (S3's
    /// `GetBucketLocation`), not a child of an element named for the output.
    pub unwrapped_xml_output: bool,
    /// Sent over HTTP/2: an operation that sends events, when the
    /// protocol's `eventStreamHttp` prefers `h2`, or (unsaid) when events
    /// also stream back (bidirectional streams need HTTP/2).
    pub http2: bool,
}

impl Operation {
    /// Its input has an event stream: the operation sends events.
    pub fn sends_events(&self) -> bool {
        self.input.fields.iter().any(|f| matches!(f.ty, RustType::EventSender(_)))
    }

    /// Its output has an event stream: the operation reads events.
    pub fn receives_events(&self) -> bool {
        self.output.fields.iter().any(|f| matches!(f.ty, RustType::EventStream(_)))
    }
}

/// `aws.protocols#httpChecksum` of an operation: members by their model
/// names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpChecksum {
    /// The input member naming the request checksum's algorithm.
    pub request_algorithm_member: Option<String>,
    /// Requests always carry a checksum.
    pub request_checksum_required: bool,
    /// The input member that asks for response checksums (`ENABLED`).
    pub request_validation_mode_member: Option<String>,
    /// The algorithms of response checksums, as the model lists them.
    pub response_algorithms: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub shape: ShapeId,
    pub title: String,
    pub version: Option<String>,
    pub docs: Vec<String>,
    /// `aws.api#service` `sdkId`, else the service's name (`Omics`).
    pub sdk_id: String,
    /// The auth schemes requests may be sent with, in order of preference.
    pub auth: Vec<auth::AuthScheme>,
    /// `@awsQueryCompatible`: errors also carry the codes of the service's
    /// former awsQuery protocol (SQS).
    pub query_compatible: bool,
    /// `xmlNamespace` of the service: on every XML body's root element.
    pub xml_namespace: Option<XmlNamespace>,
    /// `@restXml(noErrorWrapping: true)`: errors are a bare `<Error>` (S3).
    pub no_error_wrapping: bool,
}

/// How an operation pages: Rust field names of its input and output.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// The token's type: `String`, or a map with string keys.
    pub token_type: RustType,
    /// The input's token member (a top-level member, as the spec requires).
    pub input_token: String,
    /// Where the output holds the next token.
    pub output_token: OutputPath,
    /// Where the output holds the items (a list or a map), if the trait says.
    pub items: Option<OutputPath>,
    /// The input's page size member and its type.
    pub page_size: Option<(String, RustType)>,
}

/// A member path of `smithy.api#paginated` into an operation's output
/// (`nextToken`, or through nested structures: `Result.NextToken`).
#[derive(Clone, Debug, PartialEq)]
pub struct OutputPath {
    /// The path as the trait writes it (model member names, dotted).
    pub path: String,
    /// The fields from the output to the value, each one an `Option` or not;
    /// filled once the crate's types are built (empty before).
    pub steps: Vec<PathStep>,
}

/// One field of an [`OutputPath`].
#[derive(Clone, Debug, PartialEq)]
pub struct PathStep {
    /// The Rust field name.
    pub field: String,
    pub optional: bool,
    /// The field's type (a structure's for all steps but the last).
    pub ty: RustType,
}

impl OutputPath {
    /// The type of the value at the end of the path (once resolved).
    pub fn value_type(&self) -> Option<&RustType> {
        self.steps.last().map(|step| &step.ty)
    }
}

/// Everything the emitters need, in a deterministic order.
#[derive(Clone, Debug)]
pub struct Crate {
    pub name: String,
    pub service: Service,
    /// Shapes of the `types` module (structures and enums), by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// The file of each type of `types` (`src/types/<module>.rs`), by Rust name.
    pub type_modules: BTreeMap<String, String>,
    /// Error structures, by Rust name.
    pub errors: BTreeMap<String, Struct>,
    /// Operations, by module name.
    pub operations: BTreeMap<String, Operation>,
    /// The endpoint rule set (for a service without one: use `endpoint_url`).
    pub endpoint: endpoint::RuleSet,
    /// The wire protocol the crate is written for.
    pub protocol: protocol::Protocol,
    /// Emitted as a module of another crate (the credential chain's clients
    /// in `crate::chain`), sharing that crate's runtime: its error and
    /// endpoint modules hold only the service's own items, and it adds no
    /// `Config` constructors.
    pub nested: bool,
    /// The package name of the crate holding the runtime, when it is one
    /// of its own (`<name>-runtime`, in `runtime/`); `None` when the
    /// runtime's files are modules of this crate.
    pub runtime_crate: Option<String>,
}

impl Crate {
    /// The runtime crate's Rust name, when the runtime is a crate of its own.
    pub fn runtime_lib(&self) -> Option<String> {
        self.runtime_crate.as_ref().map(|name| name.replace('-', "_"))
    }

    /// Where the runtime's files go, relative to the output directory:
    /// `runtime/` for a runtime crate of its own, else beside the client's.
    pub fn runtime_dir(&self) -> &'static str {
        if self.runtime_crate.is_some() { "runtime/" } else { "" }
    }
}

impl Crate {
    /// Whether any field anywhere is a timestamp.
    pub fn uses_timestamps(&self) -> bool {
        self.all_structs().any(|s| s.fields.iter().any(|f| f.ty.contains_timestamp()))
    }

    pub fn all_structs(&self) -> impl Iterator<Item = &Struct> {
        let types = self.types.values().filter_map(|t| match t {
            TypeDef::Struct(s) => Some(s),
            TypeDef::Enum(_) => None,
        });
        let ops = self.operations.values().flat_map(|o| [&o.input, &o.output]);
        types.chain(self.errors.values()).chain(ops)
    }
}

impl RustType {
    pub fn contains_timestamp(&self) -> bool {
        match self {
            RustType::Timestamp(_) => true,
            RustType::List { item: inner, .. } | RustType::Map { value: inner, .. } => inner.contains_timestamp(),
            _ => false,
        }
    }
}

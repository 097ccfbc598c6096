//! Building the IR from the selected shapes: names first (every type a
//! shape becomes), then structures, enums, errors and operations, then the
//! passes of `passes.rs` over the whole crate.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::*;
use crate::error::{Error, Result};
use crate::model::{traits, Member, Model, Shape, ShapeId, ShapeKind, Simple};
use crate::select::Selection;
use names::Scope;
use super::bindings::{binding, check_labels};
use super::passes::{mark_serde_directions, pagination, resolve_pagination_paths, resolve_waiter_paths};

/// Traits the IR reads that the model module does not name.
const IDEMPOTENCY_TOKEN: &str = "smithy.api#idempotencyToken";
const HTTP_CHECKSUM_REQUIRED: &str = "smithy.api#httpChecksumRequired";
const HTTP_CHECKSUM: &str = "aws.protocols#httpChecksum";
const REQUIRES_LENGTH: &str = "smithy.api#requiresLength";
pub(super) const EVENT_HEADER: &str = "smithy.api#eventHeader";
pub(super) const EVENT_PAYLOAD: &str = "smithy.api#eventPayload";
const UNSIGNED_PAYLOAD: &str = "aws.auth#unsignedPayload";
const S3_UNWRAPPED_XML_OUTPUT: &str = "aws.customizations#s3UnwrappedXmlOutput";


/// Names that the hand-written parts of the `error` module already use.
pub const ERROR_MODULE_RESERVED: &[&str] =
    &["BuildError", "DisplayErrorContext", "ErrorMetadata", "ErrorType", "ErrorVariant", "Unhandled", "UnhandledKind", "builders"];

/// The error for a `@streaming` blob that is not an operation's HTTP payload.
fn misplaced_stream(shape: &Shape, owner: &ShapeId, member: &str) -> Error {
    Error::Unsupported {
        path: shape.source.as_ref().clone(),
        shape: format!("{owner}${member}"),
        feature: "a @streaming blob other than the httpPayload of an operation's input or output".into(),
    }
}

/// Builds the IR for the selected shapes.
pub fn build(model: &Model, selection: &Selection, crate_name: &str) -> Result<Crate> {
    build_with_protocol(model, selection, crate_name, None)
}

/// Builds the IR for the selected shapes, written for the protocol
/// `protocol` names (`--protocol`) instead of the service's preferred one.
pub fn build_with_protocol(
    model: &Model,
    selection: &Selection,
    crate_name: &str,
    protocol: Option<&str>,
) -> Result<Crate> {
    let service_errors = match model.get(&selection.service).map(|s| &s.kind) {
        Some(ShapeKind::Service(c)) => c.errors.clone(),
        _ => Vec::new(),
    };
    let service_shape = shape(model, &selection.service)?;
    let protocol = protocol::Protocol::choose(service_shape, protocol)?;
    let has_version = matches!(&service_shape.kind, ShapeKind::Service(c) if c.version.as_deref().is_some_and(|v| !v.is_empty()));
    if matches!(protocol, protocol::Protocol::AwsQuery | protocol::Protocol::Ec2Query) && !has_version {
        return Err(Error::Invalid {
            path: service_shape.source.as_ref().clone(),
            shape: service_shape.id.to_string(),
            message: format!("the service has no version, which every {} request names", protocol.trait_id()),
        });
    }
    let mut builder = IrBuilder {
        model,
        service: service_shape,
        protocol,
        refs: BTreeMap::new(),
        service_errors,
        event_errors: BTreeMap::new(),
    };
    builder.assign_names(selection)?;

    let title = service_shape.traits.string(traits::TITLE).unwrap_or(&selection.service.name).to_owned();
    let service = Service {
        shape: selection.service.clone(),
        title,
        version: match &service_shape.kind {
            ShapeKind::Service(c) => c.version.clone(),
            _ => None,
        },
        docs: docs_of(&service_shape.traits),
        sdk_id: service_shape
            .traits
            .get(traits::AWS_SERVICE)
            .and_then(|t| t.get("sdkId"))
            .and_then(Value::as_str)
            .unwrap_or(&selection.service.name)
            .to_owned(),
        auth: auth::service_schemes(service_shape)?,
        query_compatible: service_shape.traits.has(traits::AWS_QUERY_COMPATIBLE),
        xml_namespace: xml_namespace(&service_shape.traits),
        no_error_wrapping: service_shape
            .traits
            .get("aws.protocols#restXml")
            .and_then(|t| t.get("noErrorWrapping"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
    };
    let endpoint = match service_shape.traits.get(traits::ENDPOINT_RULE_SET) {
        Some(rules) => endpoint::parse(service_shape, rules)?,
        None => endpoint::endpoint_url_only(),
    };

    let mut types = BTreeMap::new();
    let mut errors = BTreeMap::new();
    for (id, reference) in &builder.refs {
        let shape = shape(model, id)?;
        match (&reference.module, &shape.kind) {
            (Module::Error, ShapeKind::Structure(members)) => {
                let built = builder.structure(shape, members, &reference.name, StructKind::Plain)?;
                errors.insert(reference.name.clone(), Struct { kind: error_kind(shape), ..built });
            }
            (Module::Types, ShapeKind::Structure(members)) => {
                let built = builder.structure(shape, members, &reference.name, StructKind::Plain)?;
                types.insert(reference.name.clone(), TypeDef::Struct(built));
            }
            (Module::Types, ShapeKind::Union(members)) => {
                let built = builder.structure(shape, members, &reference.name, StructKind::Union)?;
                types.insert(reference.name.clone(), TypeDef::Struct(built));
            }
            (Module::Types, _) => {
                types.insert(reference.name.clone(), TypeDef::Enum(builder.enumeration(shape, &reference.name)?));
            }
            _ => {}
        }
    }

    let mut operations = BTreeMap::new();
    // `builders` is a module of each operation; `errors` and `types` are
    // files of `src/wire/` beside the operations'.
    let mut modules = Scope::with_reserved(&["builders", "errors", "types"]);
    let mut methods = Scope::with_reserved(&["new", "from_conf", "config", "clone", "fmt", "handle"]);
    for id in &selection.operations {
        let mut op = builder.operation(id, &mut modules)?;
        op.method = methods.claim(&op.module, "_");
        for waiter in &mut op.waiters {
            waiter.method = methods.claim(&waiter.method, "_");
        }
        operations.insert(op.module.clone(), op);
    }

    let service_paging = service_shape.traits.get(traits::PAGINATED).cloned();
    for op in operations.values_mut() {
        op.pagination = pagination(model, op, service_paging.as_ref())?;
    }
    // One file per type, named after it; `builders` is the module of builders.
    let mut files = Scope::with_reserved(&["builders"]);
    let type_modules = types.keys().map(|name| (name.clone(), files.claim(&names::module_name(name), "_"))).collect();
    let mut krate =
        Crate { name: crate_name.to_owned(), service, types, type_modules, errors, operations, endpoint, protocol, nested: false, runtime_crate: None };
    resolve_waiter_paths(&mut krate, model)?;
    resolve_pagination_paths(&mut krate, model)?;
    endpoint::resolve_context_params(&mut krate, model)?;
    boxing::box_recursive_fields(&mut krate);
    mark_serde_directions(&mut krate);
    Ok(krate)
}

/// The `smithy.api#timestampFormat` of a shape or member.
fn timestamp_format(traits: &crate::model::Traits) -> Option<TimestampFormat> {
    match traits.string(traits::TIMESTAMP_FORMAT)? {
        "date-time" => Some(TimestampFormat::DateTime),
        "epoch-seconds" => Some(TimestampFormat::EpochSeconds),
        "http-date" => Some(TimestampFormat::HttpDate),
        _ => None,
    }
}

/// A list or map member's own `timestampFormat` wins over its target's.
fn with_member_format(ty: RustType, member: &crate::model::Traits) -> RustType {
    match (ty, timestamp_format(member)) {
        (RustType::Timestamp(_), Some(format)) => RustType::Timestamp(Some(format)),
        (ty, _) => ty,
    }
}

/// Whether `text` is canonical base64 (the form of blob default values).
fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    text.len() % 4 == 0
        && text.len() - body.len() <= 2
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

pub(super) fn shape<'m>(model: &'m Model, id: &ShapeId) -> Result<&'m Shape> {
    model.get(id).ok_or_else(|| Error::UnresolvedTarget {
        path: std::path::PathBuf::from("<model>"),
        shape: id.to_string(),
        target: id.to_string(),
    })
}

fn docs_of(traits: &crate::model::Traits) -> Vec<String> {
    traits.string(traits::DOCUMENTATION).map(docs::html_to_markdown).unwrap_or_default()
}

fn error_kind(shape: &Shape) -> StructKind {
    let fault = match shape.traits.string(traits::ERROR) {
        Some("server") => ErrorFault::Server,
        _ => ErrorFault::Client,
    };
    let http_status = shape.traits.get(traits::HTTP_ERROR).and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok());
    let retryable = shape.traits.get(traits::RETRYABLE);
    let throttling = retryable.and_then(|r| r.get("throttling")).and_then(Value::as_bool).unwrap_or(false);
    let query_code =
        shape.traits.get(traits::AWS_QUERY_ERROR).and_then(|q| q.get("code")).and_then(Value::as_str).map(str::to_owned);
    StructKind::Error { fault, http_status, retryable: retryable.is_some(), throttling, query_code }
}

struct IrBuilder<'m> {
    model: &'m Model,
    /// The service shape.
    service: &'m Shape,
    protocol: protocol::Protocol,
    /// Every shape that becomes a named type, with its Rust name and module.
    refs: BTreeMap<ShapeId, TypeRef>,
    /// Errors every operation of the service can return.
    service_errors: Vec<ShapeId>,
    /// The error enum names of event stream unions.
    event_errors: BTreeMap<ShapeId, String>,
}

impl IrBuilder<'_> {
    /// Names every type-producing shape of the selection (structures reached as
    /// members, errors, enums), with collisions suffixed in shape-id order.
    fn assign_names(&mut self, selection: &Selection) -> Result<()> {
        let mut member_targets = BTreeSet::new();
        for id in &selection.shapes {
            if let Some(shape) = self.model.get(id) {
                if !matches!(shape.kind, ShapeKind::Operation(_) | ShapeKind::Enum(_) | ShapeKind::IntEnum(_)) {
                    member_targets.extend(shape.kind.members().into_iter().map(|m| m.target.clone()));
                }
            }
        }
        let mut types = Scope::with_reserved(&["builders"]);
        let mut errors = Scope::with_reserved(ERROR_MODULE_RESERVED);
        for id in &selection.shapes {
            let shape = shape(self.model, id)?;
            let is_enum = matches!(shape.kind, ShapeKind::Enum(_) | ShapeKind::IntEnum(_))
                || (shape.traits.has(traits::ENUM) && matches!(shape.kind, ShapeKind::Simple(Simple::String)));
            let is_error = matches!(shape.kind, ShapeKind::Structure(_)) && shape.traits.has(traits::ERROR);
            let is_struct = matches!(shape.kind, ShapeKind::Structure(_)) && member_targets.contains(id);
            let is_union = matches!(shape.kind, ShapeKind::Union(_));
            let module = if is_error {
                Module::Error
            } else if is_enum || is_struct || is_union {
                Module::Types
            } else {
                continue;
            };
            let scope = if module == Module::Error { &mut errors } else { &mut types };
            let name = scope.claim(&names::type_name(&id.name), "");
            if is_union && shape.traits.has(traits::STREAMING) {
                self.event_errors.insert(id.clone(), types.claim(&format!("{name}Error"), "_"));
            }
            let int_enum = matches!(shape.kind, ShapeKind::IntEnum(_));
            self.refs.insert(id.clone(), TypeRef { module, name, shape: id.clone(), int_enum, is_enum });
        }
        Ok(())
    }

    fn unsupported(&self, shape: &Shape, feature: &str) -> Error {
        Error::Unsupported { path: shape.source.as_ref().clone(), shape: shape.id.to_string(), feature: feature.to_owned() }
    }

    fn operation(&self, id: &ShapeId, modules: &mut Scope) -> Result<Operation> {
        let shape = shape(self.model, id)?;
        let ShapeKind::Operation(op) = &shape.kind else {
            return Err(Error::Invalid {
                path: shape.source.as_ref().clone(),
                shape: id.to_string(),
                message: "not an operation".into(),
            });
        };
        let name = names::type_name(&id.name);
        let module = modules.claim(&names::module_name(&id.name), "_");
        let http = match shape.traits.get(traits::HTTP) {
            Some(h) if self.protocol.http_bindings() => {
                let method = h.get("method").and_then(Value::as_str).unwrap_or("POST");
                let uri = h.get("uri").and_then(Value::as_str).unwrap_or("/");
                let code = h.get("code").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok()).unwrap_or(200);
                Some(http::parse_uri(shape, method, uri, code)?)
            }
            None if self.protocol.http_bindings() => {
                return Err(Error::Unsupported {
                    path: shape.source.as_ref().clone(),
                    shape: id.to_string(),
                    feature: format!("an operation without the smithy.api#http trait ({} needs it)", self.protocol.trait_id()),
                })
            }
            _ => None,
        };
        // Endpoint discovery: an operation that may use a discovered
        // endpoint (DynamoDB's) is sent to the resolved one, as the AWS SDK
        // for Rust does; one that must (Timestream's) cannot be sent.
        let discovery = shape.traits.get("aws.api#clientDiscoveredEndpoint");
        if discovery.and_then(|d| d.get("required")).and_then(Value::as_bool) == Some(true) {
            return Err(Error::Unsupported {
                path: shape.source.as_ref().clone(),
                shape: id.to_string(),
                feature: "endpoint discovery (aws.api#clientDiscoveredEndpoint with required: true)".into(),
            });
        }
        let host_prefix = shape
            .traits
            .get(traits::ENDPOINT)
            .and_then(|e| e.get("hostPrefix"))
            .and_then(Value::as_str)
            .map(|prefix| http::parse_host_prefix(shape, prefix))
            .transpose()?;
        let waiters = match shape.traits.get(traits::WAITABLE) {
            Some(value) => waiter::parse(shape, value)?,
            None => Vec::new(),
        };
        let io = |target: &Option<ShapeId>, suffix: &str, kind: StructKind| -> Result<Struct> {
            let struct_name = names::type_name_with_suffix(&id.name, suffix);
            match target {
                Some(target) if !self.is_unit(target) => {
                    let io_shape = self::shape(self.model, target)?;
                    let ShapeKind::Structure(members) = &io_shape.kind else {
                        return Err(self.unsupported(io_shape, "a non-structure operation input or output"));
                    };
                    self.structure(io_shape, members, &struct_name, kind)
                }
                _ => Ok(Struct {
                    shape: id.clone(),
                    name: struct_name,
                    kind,
                    docs: Vec::new(),
                    fields: Vec::new(),
                    sensitive: false,
                    serde: Serde::default(),
                    event_errors: None,
                    xml_name: None,
                    xml_namespace: None,
                }),
            }
        };
        let mut input = io(&op.input, "Input", StructKind::Input)?;
        let mut output = io(&op.output, "Output", StructKind::Output)?;
        check_labels(shape, http.as_ref(), host_prefix.as_deref(), &input)?;
        let sends_events = input.fields.iter().any(|f| matches!(f.ty, RustType::EventSender(_)));
        let receives_events = output.fields.iter().any(|f| matches!(f.ty, RustType::EventStream(_)));
        let http2 = sends_events && {
            // The protocol trait's `eventStreamHttp` lists the HTTP versions
            // of event streams in the service's order of preference.
            let versions = self
                .service
                .traits
                .get(self.protocol.trait_id())
                .and_then(|t| t.get("eventStreamHttp"))
                .and_then(Value::as_array)
                .and_then(|v| v.first())
                .and_then(Value::as_str);
            match versions {
                Some(first) => first == "h2",
                None => receives_events,
            }
        };
        let route = http.as_ref().map(|h| format!("`{} {}`", h.method, h.uri));
        if input.docs.is_empty() {
            input.docs.push(format!("The input of [`{name}`](crate::operation::{module})."));
            if let Some(route) = &route {
                input.docs.push(String::new());
                input.docs.push(format!("Sent as {route}."));
            }
        }
        if output.docs.is_empty() {
            output.docs.push(format!("The output of [`{name}`](crate::operation::{module})."));
        }
        let mut docs = docs_of(&shape.traits);
        if docs.is_empty() {
            docs.push(format!("The `{name}` operation."));
        }
        if let Some(route) = &route {
            docs.push(String::new());
            docs.push(format!("Sends {route}."));
        }
        let mut errors: Vec<TypeRef> = Vec::new();
        for error in op.errors.iter().chain(&self.service_errors) {
            if let Some(reference) = self.refs.get(error) {
                if !errors.contains(reference) {
                    errors.push(reference.clone());
                }
            }
        }
        for s in [&input, &output] {
            for f in &s.fields {
                if matches!(f.ty, RustType::ByteStream { .. } | RustType::EventStream(_) | RustType::EventSender(_))
                    && f.binding != Binding::Payload
                {
                    return Err(misplaced_stream(shape, &s.shape, &f.member));
                }
                let supported = match (&f.binding, &f.ty) {
                    (Binding::Payload, _) => true,
                    (Binding::QueryParams, RustType::Map { value, .. }) => {
                        matches!(**value, RustType::String) || matches!(&**value, RustType::List { item, .. } if **item == RustType::String)
                    }
                    (Binding::PrefixHeaders(_), RustType::Map { value, .. }) => **value == RustType::String,
                    (Binding::QueryParams | Binding::PrefixHeaders(_), _) => false,
                    _ => true,
                };
                if !supported {
                    return Err(Error::Unsupported {
                        path: shape.source.as_ref().clone(),
                        shape: format!("{}${}", s.shape, f.member),
                        feature: "httpQueryParams or httpPrefixHeaders on something other than a map of strings".into(),
                    });
                }
            }
        }
        Ok(Operation {
            shape: id.clone(),
            error: names::type_name_with_suffix(&id.name, "Error"),
            fluent: names::type_name_with_suffix(&id.name, "FluentBuilder"),
            readonly: shape.traits.has(traits::READONLY),
            name,
            method: module.clone(),
            module,
            docs,
            http,
            host_prefix,
            input,
            output,
            errors,
            waiters,
            checksum_required: shape.traits.has(HTTP_CHECKSUM_REQUIRED),
            http_checksum: shape.traits.get(HTTP_CHECKSUM).map(|t| {
                let member = |key: &str| t.get(key).and_then(Value::as_str).map(str::to_owned);
                super::HttpChecksum {
                    request_algorithm_member: member("requestAlgorithmMember"),
                    request_checksum_required: t.get("requestChecksumRequired").and_then(Value::as_bool).unwrap_or(false),
                    request_validation_mode_member: member("requestValidationModeMember"),
                    response_algorithms: t
                        .get("responseAlgorithms")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                        .unwrap_or_default(),
                }
            }),
            unsigned_payload: shape.traits.has(UNSIGNED_PAYLOAD),
            auth: auth::operation_schemes(shape, self.service)?,
            gzip: shape
                .traits
                .get(traits::REQUEST_COMPRESSION)
                .and_then(|t| t.get("encodings"))
                .and_then(Value::as_array)
                .is_some_and(|encodings| encodings.iter().any(|e| e.as_str() == Some("gzip"))),
            pagination: None,
            endpoint_params: Vec::new(),
            unwrapped_xml_output: shape.traits.has(S3_UNWRAPPED_XML_OUTPUT),
            http2,
        })
    }

    fn is_unit(&self, id: &ShapeId) -> bool {
        self.model.get(id).is_some_and(|s| s.traits.has(traits::UNIT_TYPE))
    }

    fn structure(&self, shape: &Shape, members: &[Member], name: &str, kind: StructKind) -> Result<Struct> {
        let mut scope = Scope::default();
        let mut variants = Scope::with_reserved(&["Unknown"]);
        let is_input = kind == StructKind::Input || shape.traits.has(traits::INPUT);
        let mut fields = Vec::new();
        for member in members {
            let mut field = self.field(shape, member, is_input, &mut scope)?;
            if kind == StructKind::Union {
                // A union member is a variant: always present when chosen.
                field.name = variants.claim(&names::variant_name(&member.name), "");
                field.optional = false;
                field.required = false;
                field.default = None;
            }
            // HTTP binding traits mean something only on an operation's input
            // or output and on errors; elsewhere the member is in the body.
            if matches!(kind, StructKind::Plain | StructKind::Union)
                && !shape.traits.has(traits::ERROR)
                && !matches!(field.binding, Binding::EventHeader(_) | Binding::EventPayload)
            {
                field.binding = Binding::Body;
            }
            if let Binding::EventHeader(name) = &mut field.binding {
                if name.is_empty() {
                    name.clone_from(&member.name);
                }
            }
            // Labels and query strings exist only in requests: in a response
            // such a member is read from the body.
            if (kind == StructKind::Output || shape.traits.has(traits::ERROR))
                && matches!(field.binding, Binding::Label | Binding::Query(_) | Binding::QueryParams)
            {
                field.binding = Binding::Body;
            }
            if let RustType::EventStream(events) = &field.ty {
                // Without HTTP bindings (awsJson), an output's event stream
                // is its payload: the whole body after the head.
                if kind == StructKind::Output && !self.protocol.http_bindings() {
                    field.binding = Binding::Payload;
                }
                // An input's event stream is sent, in restJson1 as the
                // payload after the request's head. Without HTTP bindings
                // (awsJson), the other members would travel in an
                // `initial-request` event, which is not written yet; no
                // restXml service sends events.
                if kind == StructKind::Input && self.protocol == protocol::Protocol::RestJson1 {
                    field.ty = RustType::EventSender(events.clone());
                } else if kind != StructKind::Output {
                    let feature = if kind == StructKind::Input {
                        format!(
                            "sending events in {} (the input's other members travel in an `initial-request` event)",
                            self.protocol.trait_id()
                        )
                    } else {
                        "an event stream outside an operation's input or output".to_owned()
                    };
                    return Err(Error::Unsupported {
                        path: shape.source.as_ref().clone(),
                        shape: format!("{}${}", shape.id, field.member),
                        feature,
                    });
                }
                field.optional = false;
                field.default = None;
            }
            if matches!(field.ty, RustType::ByteStream { .. }) {
                if !matches!(kind, StructKind::Input | StructKind::Output) {
                    return Err(misplaced_stream(shape, &shape.id, &field.member));
                }
                // An absent stream is an empty one.
                field.optional = false;
                field.default = None;
            }
            fields.push(field);
        }
        // awsJson sends an output's other members in an `initial-response`
        // event before the stream's events; not read yet.
        if kind == StructKind::Output
            && !self.protocol.http_bindings()
            && fields.iter().any(|f| matches!(f.ty, RustType::EventStream(_)))
        {
            if let Some(other) = fields.iter().find(|f| !matches!(f.ty, RustType::EventStream(_))) {
                return Err(Error::Unsupported {
                    path: shape.source.as_ref().clone(),
                    shape: format!("{}${}", shape.id, other.member),
                    feature: format!(
                        "an output member beside an event stream in {} (it travels in an `initial-response` event)",
                        self.protocol.trait_id()
                    ),
                });
            }
        }
        let mut docs = docs_of(&shape.traits);
        if docs.is_empty() && kind == StructKind::Plain {
            docs.push(format!("The `{}` structure.", shape.id.name));
        }
        if docs.is_empty() && kind == StructKind::Union {
            docs.push(format!("The `{}` union: exactly one of its variants.", shape.id.name));
        }
        let event_errors = if kind == StructKind::Union { self.event_errors.get(&shape.id).cloned() } else { None };
        Ok(Struct {
            shape: shape.id.clone(),
            name: name.to_owned(),
            kind,
            docs,
            fields,
            sensitive: shape.traits.has(traits::SENSITIVE),
            serde: Serde::default(),
            event_errors,
            xml_name: shape.traits.string(XML_NAME).map(str::to_owned),
            xml_namespace: xml_namespace(&shape.traits),
        })
    }

    fn field(&self, parent: &Shape, member: &Member, is_input: bool, scope: &mut Scope) -> Result<Field> {
        let member_id = parent.id.with_member(&member.name);
        let target = shape(self.model, &member.target)?;
        let ty = self.rust_type(&member_id, parent, target)?;
        let required = member.traits.has(traits::REQUIRED);
        let client_optional = member.traits.has(traits::CLIENT_OPTIONAL);
        let default = match member.traits.get(traits::DEFAULT) {
            None | Some(Value::Null) => None,
            Some(value) => Some(self.default_value(parent, &member_id, &ty, target, value)?),
        };
        // Smithy 2.0 nullability: members of @input structures and
        // @clientOptional members are always optional; otherwise a required
        // member or a member with a default is never absent.
        let optional = is_input || client_optional || !(required || default.is_some());
        let name = scope.claim_with(&names::field_name(&member.name), "_", |n| vec![names::derived::setter(n)]);
        let idempotency_token = member.traits.has(IDEMPOTENCY_TOKEN) && ty == RustType::String;
        let wire_name = self.protocol.wire_name(member);
        let timestamp_format = timestamp_format(&member.traits).or_else(|| timestamp_format(&target.traits));
        let mut docs = docs_of(&member.traits);
        if docs.is_empty() {
            docs = docs_of(&target.traits);
        }
        Ok(Field {
            member: member.name.clone(),
            wire_name,
            name,
            ty,
            boxed: false,
            optional,
            required,
            default,
            timestamp_format,
            sensitive: member.traits.has(traits::SENSITIVE)
                || target.traits.has(traits::SENSITIVE)
                || holds_sensitive(self.model, target, 0),
            binding: binding(&member.traits, self.protocol),
            media_type: target.traits.string(traits::MEDIA_TYPE).map(str::to_owned),
            idempotency_token,
            lenient: false,
            xml: XmlField {
                name: member.traits.string(XML_NAME).map(str::to_owned),
                attribute: member.traits.has("smithy.api#xmlAttribute"),
                flattened: member.traits.has("smithy.api#xmlFlattened"),
                namespace: xml_namespace(&member.traits),
                items: self.xml_items(target, 0),
                ec2_query_name: member.traits.string("aws.protocols#ec2QueryName").map(str::to_owned),
            },
            docs,
        })
    }

    /// The XML names of a list's or map's items (nested collections too,
    /// to a bounded depth: a collection cannot hold itself directly).
    fn xml_items(&self, target: &Shape, depth: usize) -> Option<Box<XmlItems>> {
        let node = |member: &Member, default: &str| XmlNode {
            name: member.traits.string(XML_NAME).unwrap_or(default).to_owned(),
            namespace: xml_namespace(&member.traits),
            items: match self.model.get(&member.target) {
                Some(t) if depth < 32 => self.xml_items(t, depth + 1),
                _ => None,
            },
        };
        match &target.kind {
            ShapeKind::List(member) => Some(Box::new(XmlItems::List { member: node(member, "member") })),
            ShapeKind::Map { key, value } => {
                Some(Box::new(XmlItems::Map { key: node(key, "key"), value: node(value, "value") }))
            }
            _ => None,
        }
    }

    fn rust_type(&self, member_id: &ShapeId, parent: &Shape, target: &Shape) -> Result<RustType> {
        self.rust_type_within(member_id, parent, target, &mut Vec::new())
    }

    /// `collections` holds the lists and maps being resolved, to reject a
    /// collection that contains itself without a structure in between
    /// (Smithy forbids it; it would have no finite Rust type).
    fn rust_type_within(
        &self,
        member_id: &ShapeId,
        parent: &Shape,
        target: &Shape,
        collections: &mut Vec<ShapeId>,
    ) -> Result<RustType> {
        let unsupported = |feature: &str| Error::Unsupported {
            path: parent.source.as_ref().clone(),
            shape: member_id.to_string(),
            feature: format!("{feature} (target `{}`)", target.id),
        };
        if matches!(target.kind, ShapeKind::Union(_)) && target.traits.has(traits::STREAMING) {
            return match self.refs.get(&target.id) {
                Some(reference) => Ok(RustType::EventStream(reference.clone())),
                None => Err(unsupported("an event stream that was not selected")),
            };
        }
        if let Some(reference) = self.refs.get(&target.id) {
            return Ok(RustType::Named(reference.clone()));
        }
        Ok(match &target.kind {
            ShapeKind::Simple(simple) => match simple {
                Simple::String => RustType::String,
                Simple::Boolean => RustType::Bool,
                Simple::Byte => RustType::I8,
                Simple::Short => RustType::I16,
                Simple::Integer => RustType::I32,
                Simple::Long => RustType::I64,
                Simple::Float => RustType::F32,
                Simple::Double => RustType::F64,
                Simple::Timestamp => RustType::Timestamp(timestamp_format(&target.traits)),
                Simple::Blob if target.traits.has(traits::STREAMING) => {
                    RustType::ByteStream { requires_length: target.traits.has(REQUIRES_LENGTH) }
                }
                Simple::Blob => RustType::Blob,
                Simple::Document => RustType::Document,
                Simple::BigInteger | Simple::BigDecimal => return Err(unsupported("bigInteger/bigDecimal members")),
            },
            ShapeKind::List(_) | ShapeKind::Map { .. } if collections.contains(&target.id) => {
                return Err(Error::Invalid {
                    path: target.source.as_ref().clone(),
                    shape: target.id.to_string(),
                    message: "a list or map contains itself without a structure or union in between".into(),
                })
            }
            ShapeKind::List(item) => {
                let item_shape = shape(self.model, &item.target)?;
                collections.push(target.id.clone());
                let item_ty = self.rust_type_within(&target.id.with_member("member"), target, item_shape, collections)?;
                collections.pop();
                let item_ty = with_member_format(item_ty, &item.traits);
                RustType::List { item: Box::new(item_ty), sparse: target.traits.has(traits::SPARSE) }
            }
            ShapeKind::Map { value, .. } => {
                let value_shape = shape(self.model, &value.target)?;
                collections.push(target.id.clone());
                let value_ty = self.rust_type_within(&target.id.with_member("value"), target, value_shape, collections)?;
                collections.pop();
                let value_ty = with_member_format(value_ty, &value.traits);
                RustType::Map { value: Box::new(value_ty), sparse: target.traits.has(traits::SPARSE) }
            }
            other => return Err(unsupported(&format!("{} members", other.type_name()))),
        })
    }

    fn default_value(
        &self,
        parent: &Shape,
        member_id: &ShapeId,
        ty: &RustType,
        target: &Shape,
        value: &Value,
    ) -> Result<DefaultValue> {
        let invalid = || Error::Invalid {
            path: parent.source.as_ref().clone(),
            shape: member_id.to_string(),
            message: format!("default value {value} does not fit the member's type"),
        };
        Ok(match (ty, value) {
            (RustType::Bool, Value::Bool(false)) => DefaultValue::Zero,
            (RustType::Bool, Value::Bool(b)) => DefaultValue::Bool(*b),
            (RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64, Value::Number(n)) => {
                let fits = |i: i64| match ty {
                    RustType::I8 => i8::try_from(i).is_ok(),
                    RustType::I16 => i16::try_from(i).is_ok(),
                    RustType::I32 => i32::try_from(i).is_ok(),
                    _ => true,
                };
                match n.as_i64() {
                    Some(0) => DefaultValue::Zero,
                    Some(i) if fits(i) => DefaultValue::Int(i),
                    _ => return Err(invalid()),
                }
            }
            (RustType::F32 | RustType::F64, Value::Number(n)) => match n.as_f64() {
                Some(0.0) => DefaultValue::Zero,
                Some(f) if *ty == RustType::F64 || (f.abs() <= f64::from(f32::MAX)) => DefaultValue::Float(f),
                _ => return Err(invalid()),
            },
            (RustType::String, Value::String(s)) if s.is_empty() => DefaultValue::Zero,
            (RustType::String, Value::String(s)) => DefaultValue::String(s.clone()),
            (RustType::ByteStream { .. }, Value::String(s)) if s.is_empty() => DefaultValue::Zero,
            (RustType::List { .. }, Value::Array(a)) if a.is_empty() => DefaultValue::Zero,
            (RustType::Map { .. }, Value::Object(o)) if o.is_empty() => DefaultValue::Zero,
            (RustType::Named(_), Value::String(s)) => {
                let variant = self.enumeration(target, "")?.variants.into_iter().find(|v| v.value == EnumValue::String(s.clone()));
                DefaultValue::Variant(variant.ok_or_else(invalid)?.name)
            }
            (RustType::Named(_), Value::Number(n)) => {
                let int = n.as_i64().and_then(|i| i32::try_from(i).ok()).ok_or_else(invalid)?;
                let variant = self.enumeration(target, "")?.variants.into_iter().find(|v| v.value == EnumValue::Int(int));
                DefaultValue::Variant(variant.ok_or_else(invalid)?.name)
            }
            (RustType::Blob, Value::String(s)) if s.is_empty() => DefaultValue::Zero,
            (RustType::Blob, Value::String(s)) if is_base64(s) => DefaultValue::Blob(s.clone()),
            (RustType::Document, Value::Null) => DefaultValue::Zero,
            (RustType::Document, value) => DefaultValue::Document(value.clone()),
            (RustType::Timestamp(_), Value::Number(n)) => match n.as_f64() {
                Some(seconds) if seconds.is_finite() && seconds.abs() < 253_402_300_800.0 => DefaultValue::Timestamp(seconds),
                _ => return Err(invalid()),
            },
            (RustType::Timestamp(_), Value::String(_)) => {
                return Err(Error::Unsupported {
                    path: parent.source.as_ref().clone(),
                    shape: member_id.to_string(),
                    feature: "timestamp default values written as text".into(),
                })
            }
            _ => return Err(invalid()),
        })
    }

    fn enumeration(&self, shape: &Shape, name: &str) -> Result<Enum> {
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        let invalid = |message: String| Error::Invalid {
            path: shape.source.as_ref().clone(),
            shape: shape.id.to_string(),
            message,
        };
        let int = matches!(shape.kind, ShapeKind::IntEnum(_));
        match &shape.kind {
            ShapeKind::Enum(members) | ShapeKind::IntEnum(members) => {
                for member in members {
                    let value = match member.traits.get(traits::ENUM_VALUE) {
                        Some(Value::String(s)) if !int => EnumValue::String(s.clone()),
                        None if !int => EnumValue::String(member.name.clone()),
                        Some(Value::Number(n)) if int => EnumValue::Int(
                            n.as_i64()
                                .and_then(|i| i32::try_from(i).ok())
                                .ok_or_else(|| invalid(format!("member `{}` has an out-of-range value", member.name)))?,
                        ),
                        _ => return Err(invalid(format!("member `{}` has no valid enumValue", member.name))),
                    };
                    variants.push(Variant {
                        name: scope.claim(&names::variant_name(&member.name), ""),
                        value,
                        docs: docs_of(&member.traits),
                    });
                }
            }
            _ => {
                let Some(Value::Array(definitions)) = shape.traits.get(traits::ENUM) else {
                    return Err(invalid("the smithy.api#enum trait must be a list of definitions".into()));
                };
                for definition in definitions {
                    let value = definition
                        .get("value")
                        .and_then(Value::as_str)
                        .ok_or_else(|| invalid("an enum definition has no string \"value\"".into()))?;
                    let label = definition.get("name").and_then(Value::as_str).unwrap_or(value);
                    let docs = definition.get("documentation").and_then(Value::as_str).map(docs::html_to_markdown);
                    variants.push(Variant {
                        name: scope.claim(&names::variant_name(label), ""),
                        value: EnumValue::String(value.to_owned()),
                        docs: docs.unwrap_or_default(),
                    });
                }
            }
        }
        for (i, variant) in variants.iter().enumerate() {
            if variants[..i].iter().any(|v| v.value == variant.value) {
                return Err(invalid(format!("the value {:?} appears twice", variant.value)));
            }
        }
        let mut docs = docs_of(&shape.traits);
        if docs.is_empty() {
            docs.push(format!("The values of `{}`.", shape.id.name));
        }
        Ok(Enum {
            shape: shape.id.clone(),
            name: name.to_owned(),
            docs,
            variants,
            int,
            sensitive: shape.traits.has(traits::SENSITIVE),
            serde: Serde::default(),
        })
    }
}

/// Whether a list or map holds `@sensitive` data at any depth (its members,
/// keys or values, or their targets). A field of such a collection is
/// redacted whole in `Debug`: a `Vec<String>` cannot redact its own items.
/// Structures, unions and enums stop the walk; their own `Debug` redacts.
fn holds_sensitive(model: &Model, shape: &Shape, depth: usize) -> bool {
    let members: Vec<&Member> = match &shape.kind {
        ShapeKind::List(member) => vec![member],
        ShapeKind::Map { key, value } => vec![key, value],
        _ => return false,
    };
    // Lists and maps cannot contain themselves without a structure between;
    // the bound keeps an invalid model from recursing forever.
    depth < 64
        && members.iter().any(|member| {
            member.traits.has(traits::SENSITIVE)
                || model.get(&member.target).is_some_and(|target| {
                    target.traits.has(traits::SENSITIVE) || holds_sensitive(model, target, depth + 1)
                })
        })
}

const XML_NAME: &str = "smithy.api#xmlName";

/// `smithy.api#xmlNamespace`, if the traits hold it.
fn xml_namespace(traits: &crate::model::Traits) -> Option<XmlNamespace> {
    let value = traits.get("smithy.api#xmlNamespace")?;
    Some(XmlNamespace {
        uri: value.get("uri")?.as_str()?.to_owned(),
        prefix: value.get("prefix").and_then(Value::as_str).map(str::to_owned),
    })
}

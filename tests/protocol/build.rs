//! Generates, for each service of each suite of the official Smithy
//! protocol tests (`../shared/smithy/protocol-tests/<suite>/`), its client
//! as one source file, `OUT_DIR/<module>.rs`, with every `httpRequestTests`
//! and `httpResponseTests` case that applies to clients as an async
//! function, and a table `CASES` of them. A protocol adds its suite to
//! [`SUITES`], a module to `src/lib.rs` per service, and
//! `known-failures/<suite>.txt`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use codegen::ir::{Crate, Field, Module, Operation, RustType, Struct, StructKind, TypeDef, TypeRef};
use codegen::model::{Model, ShapeId, ShapeKind};
use serde_json::Value;

/// The suites run, each a directory of `protocol-tests/`, with the services
/// that have client cases: shape id, the module (and crate) name.
const SUITES: &[(&str, &[(&str, &str)])] = &[
    (
        "restJson1",
        &[
            ("aws.protocoltests.restjson#RestJson", "rest_json_service"),
            ("com.amazonaws.glacier#Glacier", "glacier_service"),
            ("com.amazonaws.apigateway#BackplaneControlService", "apigateway_service"),
        ],
    ),
    (
        "awsJson1_0",
        &[
            ("aws.protocoltests.json10#JsonRpc10", "json_rpc10_service"),
            ("aws.protocoltests.json10#QueryCompatibleJsonRpc10", "query_compatible_json_rpc10_service"),
        ],
    ),
    (
        "awsJson1_1",
        &[
            ("aws.protocoltests.json#JsonProtocol", "json_protocol_service"),
            ("com.amazonaws.machinelearning#AmazonML_20141212", "machine_learning_service"),
        ],
    ),
    (
        "restXml",
        &[("aws.protocoltests.restxml#RestXml", "rest_xml_service"), ("com.amazonaws.s3#AmazonS3", "s3_service")],
    ),
    ("restXmlWithNamespace", &[("aws.protocoltests.restxml.xmlns#RestXmlWithNamespace", "rest_xml_with_namespace_service")]),
    ("awsQuery", &[("aws.protocoltests.query#AwsQuery", "aws_query_service")]),
    ("ec2Query", &[("aws.protocoltests.ec2#AwsEc2", "ec2_query_service")]),
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    // tests/protocol -> the checkout -> its parent, where ../shared lives.
    let shared = manifest.join("../../../shared/smithy");
    let suites = shared.join("protocol-tests");
    println!("cargo:rerun-if-changed={}", suites.join("shared-types.smithy").display());
    println!("cargo:rerun-if-changed=src/harness.rs");
    println!("cargo:rerun-if-changed=src/harness_xml.rs");
    println!("cargo:rerun-if-changed=src/harness_events.rs");
    let harness = std::fs::read_to_string(manifest.join("src/harness.rs")).expect("src/harness.rs");
    let harness_xml = std::fs::read_to_string(manifest.join("src/harness_xml.rs")).expect("src/harness_xml.rs");
    let harness_events = std::fs::read_to_string(manifest.join("src/harness_events.rs")).expect("src/harness_events.rs");
    let harness = Harness { main: &harness, xml: &harness_xml, events: &harness_events };
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    for (suite, services) in SUITES {
        let dir = suites.join(suite);
        if !dir.is_dir() {
            panic!(
                "the Smithy protocol tests are missing: expected {} (the reference material `../shared` beside the checkout)",
                dir.display()
            );
        }
        println!("cargo:rerun-if-changed={}", dir.display());
        let models = vec![
            dir,
            suites.join("shared-types.smithy"),
            // The server-side validation cases refer to it.
            shared.join("traits/smithy.framework.validation.smithy"),
        ];
        let model = codegen::load::load(&models).unwrap_or_else(|e| panic!("cannot load the {suite} protocol tests: {e}"));
        for (service_id, module) in *services {
            let patched;
            let model = if *service_id == S3_SERVICE {
                patched = with_s3_endpoint_rules(&model, &shared.join("../models/aws-more/s3-2006-03-01.json"));
                &patched
            } else {
                &model
            };
            generate_service(model, &models, service_id, module, &harness, &out);
        }
    }
}

/// The S3 service of the restXml suite (`services/s3.smithy`).
const S3_SERVICE: &str = "com.amazonaws.s3#AmazonS3";

/// The suite's S3 model with what addressing needs of the real S3 model (the
/// AWS SDKs test S3's cases against it): the service's endpoint rule set,
/// and the operations' and members' context parameters, shape by shape of
/// the same id.
fn with_s3_endpoint_rules(model: &Model, s3: &Path) -> Model {
    println!("cargo:rerun-if-changed={}", s3.display());
    let real = codegen::load::load(&[s3.to_path_buf()]).unwrap_or_else(|e| panic!("cannot load {}: {e}", s3.display()));
    let mut model = model.clone();
    const RULES: &[&str] = &["smithy.rules#endpointRuleSet", "smithy.rules#clientContextParams", "smithy.rules#staticContextParams"];
    for (id, shape) in model.shapes.iter_mut() {
        let Some(source) = real.get(id) else { continue };
        for name in RULES {
            if let Some(value) = source.traits.get(name) {
                shape.traits.0.insert((*name).to_owned(), value.clone());
            }
        }
        let sources = source.kind.members();
        if let ShapeKind::Structure(members) = &mut shape.kind {
            for member in members.iter_mut() {
                let from = sources.iter().find(|m| m.name == member.name);
                if let Some(value) = from.and_then(|m| m.traits.get("smithy.rules#contextParam")) {
                    member.traits.0.insert("smithy.rules#contextParam".to_owned(), value.clone());
                }
            }
        }
    }
    model
}

/// Writes `OUT_DIR/<module>.rs`: the service's client, the harness and the cases.
/// The harness's source files.
struct Harness<'a> {
    main: &'a str,
    xml: &'a str,
    /// Only for services whose operations send events.
    events: &'a str,
}

fn generate_service(model: &Model, models: &[PathBuf], service_id: &str, module: &str, harness: &Harness<'_>, out: &Path) {
    let service = ShapeId::parse(service_id).expect("service id");
    let operations: Vec<String> = codegen::select::service_operations(model, &service).into_iter().map(|op| op.to_string()).collect();
    let crate_name = module.trim_end_matches("_service").replace('_', "-");
    let options = codegen::Options {
        models: models.to_vec(),
        service: Some(service_id.to_owned()),
        operations: operations.clone(),
        crate_name: Some(crate_name.clone()),
        protocol: None,
        // Stitched into one file: the runtime's modules in the client's.
        runtime: codegen::RuntimeLayout::Inline,
    };
    let files = codegen::generate_from_model(model, &options).unwrap_or_else(|e| panic!("cannot generate the {service_id} client: {e}"));
    // Everything of this service lives in `crate::<module>`.
    let client = codegen::single_file::as_module(&files, module).unwrap_or_else(|e| panic!("{e}"));
    let selection = codegen::select::select(model, Some(service_id), &operations).expect("select");
    let krate = codegen::ir::build(model, &selection, &crate_name).expect("ir");
    let cases = Cases::new(model, &krate).render();
    let nested = |text: &str| codegen::single_file::nest(text, module);
    // Bodies in XML are compared with the client's own XML reader; the
    // JSON protocols' clients have none, and no case of theirs sends XML.
    let sends_events = krate.operations.values().any(|op| op.sends_events());
    let harness_events = if sends_events { format!("\nmod events {{\n{}\n}}\npub(crate) use events::*;\n", nested(harness.events)) } else { String::new() };
    let harness_xml = if krate.protocol.xml() {
        nested(harness.xml)
    } else {
        String::from("pub(crate) fn xml_equal(_: &[u8], _: &str) -> Result<bool, String> {\n    Err(String::from(\"a JSON protocol's client reads no XML\"))\n}\n")
    };
    let text = format!(
        "{}\n\nmod harness_xml {{\n#![allow(dead_code)]\n{}\n}}\n\nmod harness {{\n// Not every service's cases use every helper.\n#![allow(dead_code)]\n{}\n{}\n}}\n\npub use harness::{{CaseFn, CaseKind, CASES, TEST_IDEMPOTENCY_TOKEN}};\n",
        client,
        harness_xml,
        nested(harness.main) + &harness_events,
        nested(&cases)
    );
    write(&out.join(format!("{module}.rs")), &text);
}

fn write(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

struct Cases<'a> {
    model: &'a Model,
    krate: &'a Crate,
    /// Functions, and the table rows `(id, kind, function)`.
    functions: Vec<String>,
    rows: Vec<String>,
    names: BTreeSet<String>,
}

/// The configuration a case's `vendorParams` (`AwsConfig`) asks for, as
/// builder calls, when it names a region: the endpoint then comes from the
/// rules, not the case's `host`. S3's settings of the operation's scope
/// win over the client's (the client has no per-operation configuration).
fn configured(case: &Value) -> Option<String> {
    let scoped = case.get("vendorParams")?.get("scopedConfig")?;
    let region = scoped.get("client")?.get("region")?.as_str()?;
    let mut calls = format!(".region({})", lit(region));
    let s3 = |scope: &str| scoped.get(scope).and_then(|c| c.get("s3")).and_then(Value::as_object).cloned().unwrap_or_default();
    let mut settings = s3("client");
    settings.extend(s3("operation"));
    for (key, value) in &settings {
        match (key.as_str(), value) {
            ("addressing_style", Value::String(style)) if style == "path" => calls.push_str(".force_path_style(true)"),
            ("addressing_style", Value::String(style)) if style == "virtual" => calls.push_str(".force_path_style(false)"),
            ("use_accelerate_endpoint", Value::Bool(b)) => { let _ = write!(calls, ".accelerate({b})"); }
            ("use_dualstack_endpoint", Value::Bool(b)) => { let _ = write!(calls, ".use_dual_stack({b})"); }
            _ => {}
        }
    }
    Some(calls)
}

/// A Rust string literal.
fn lit(text: &str) -> String {
    format!("{text:?}")
}

fn applies_to_client(case: &Value) -> bool {
    match case.get("appliesTo").and_then(Value::as_str) {
        None => true,
        Some(target) => target == "client",
    }
}

impl<'a> Cases<'a> {
    fn new(model: &'a Model, krate: &'a Crate) -> Self {
        Cases { model, krate, functions: Vec::new(), rows: Vec::new(), names: BTreeSet::new() }
    }

    fn render(mut self) -> String {
        let krate = self.krate;
        for op in krate.operations.values() {
            let Some(shape) = self.model.get(&op.shape) else { continue };
            if let Some(Value::Array(cases)) = shape.traits.get("smithy.test#httpRequestTests") {
                for case in cases.iter().filter(|c| applies_to_client(c)) {
                    self.request_case(op, case, "Request");
                }
            }
            if let Some(Value::Array(cases)) = shape.traits.get("smithy.test#httpResponseTests") {
                for case in cases.iter().filter(|c| applies_to_client(c)) {
                    self.response_case(op, &op.output, None, case);
                }
            }
            if let Some(Value::Array(cases)) = shape.traits.get("smithy.test#eventStreamTests") {
                for case in cases.iter().filter(|c| applies_to_client(c)) {
                    self.event_stream_case(op, case);
                }
            }
        }
        for error in krate.errors.values() {
            let Some(shape) = self.model.get(&error.shape) else { continue };
            let Some(Value::Array(cases)) = shape.traits.get("smithy.test#httpResponseTests") else { continue };
            // Decoded by an operation that can return it.
            let op = krate.operations.values().find(|op| op.errors.iter().any(|e| e.shape == error.shape));
            for case in cases.iter().filter(|c| applies_to_client(c)) {
                match op {
                    Some(op) => {
                        let variant = op.errors.iter().find(|e| e.shape == error.shape).map(|e| e.name.clone());
                        self.response_case(op, error, variant, case);
                    }
                    None => {
                        let id = case.get("id").and_then(Value::as_str).unwrap_or("?");
                        self.failing(id, "Response", "no generated operation returns this error");
                    }
                }
            }
        }
        let mut out = String::from("// Generated by build.rs from the smithy.test traits of the protocol tests.\n\n");
        for f in &self.functions {
            out.push_str(f);
            out.push('\n');
        }
        out.push_str("/// Every client case: its id, whether it is a request or a response case, and its test.\n");
        out.push_str("pub static CASES: &[(&str, CaseKind, CaseFn)] = &[\n");
        for row in &self.rows {
            let _ = writeln!(out, "    {row},");
        }
        out.push_str("];\n");
        out
    }

    fn fn_name(&mut self, id: &str, kind: &str) -> String {
        let mut name = kind.to_ascii_lowercase();
        name.push('_');
        for c in id.chars() {
            name.push(if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' });
        }
        let base = name.clone();
        let mut n = 2;
        while !self.names.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }

    fn push(&mut self, id: &str, kind: &str, body: String) {
        let name = self.fn_name(id, kind);
        self.functions.push(format!("async fn {name}() -> ::std::result::Result<(), ::std::string::String> {{\n{body}\n}}\n"));
        self.rows.push(format!("({}, CaseKind::{kind}, || Box::pin({name}()))", lit(id)));
    }

    /// A case the harness cannot express: it fails with the reason.
    fn failing(&mut self, id: &str, kind: &str, why: &str) {
        self.push(id, kind, format!("    Err(::std::string::String::from({}))", lit(&format!("harness: {why}"))));
    }

    fn request_case(&mut self, op: &Operation, case: &Value, kind: &str) {
        let id = case.get("id").and_then(Value::as_str).unwrap_or("?").to_owned();
        let params = case.get("params").cloned().unwrap_or(Value::Object(Default::default()));
        let mut setters = String::new();
        let Value::Object(params) = params else {
            return self.failing(&id, kind, "params is not an object");
        };
        for (key, value) in params.iter().filter(|(_, v)| !v.is_null()) {
            let Some(field) = op.input.fields.iter().find(|f| &f.member == key) else {
                return self.failing(&id, kind, &format!("the input has no member `{key}`"));
            };
            match self.expr(&field.ty, value) {
                Ok(expr) => {
                    let setter = format!("set_{}", field.name.trim_start_matches("r#"));
                    let _ = write!(setters, "\n        .{setter}(::std::option::Option::Some({expr}))");
                }
                Err(why) => return self.failing(&id, kind, &format!("member `{key}`: {why}")),
            }
        }
        let strings = |key: &str| -> String {
            let items: Vec<String> = case
                .get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(lit).collect())
                .unwrap_or_default();
            format!("&[{}]", items.join(", "))
        };
        let headers: Vec<String> = case
            .get("headers")
            .and_then(Value::as_object)
            .map(|h| h.iter().map(|(k, v)| format!("({}, {})", lit(k), lit(v.as_str().unwrap_or_default()))).collect())
            .unwrap_or_default();
        let opt = |key: &str| match case.get(key).and_then(Value::as_str) {
            Some(text) => format!("::std::option::Option::Some({})", lit(text)),
            None => "::std::option::Option::None".to_owned(),
        };
        let client = match configured(case) {
            Some(configure) => format!("request_client_configured(|builder| builder{configure})"),
            None => format!("request_client({})", opt("host")),
        };
        let body = format!(
            "    let (client, transport) = {client};\n    \
             let sent = client.{method}(){setters}\n        .send()\n        .await;\n    \
             check_request(&transport, sent.err().map(|e| ::std::format!(\"{{e:?}}\")), &ExpectedRequest {{\n        \
             method: {http_method},\n        uri: {uri},\n        query_params: {query},\n        \
             forbid_query_params: {forbid_query},\n        require_query_params: {require_query},\n        \
             headers: &[{headers}],\n        forbid_headers: {forbid_headers},\n        require_headers: {require_headers},\n        \
             body: {body},\n        body_media_type: {media},\n        resolved_host: {resolved},\n    }})",
            method = op.method,
            http_method = lit(case.get("method").and_then(Value::as_str).unwrap_or_default()),
            uri = lit(case.get("uri").and_then(Value::as_str).unwrap_or_default()),
            query = strings("queryParams"),
            forbid_query = strings("forbidQueryParams"),
            require_query = strings("requireQueryParams"),
            headers = headers.join(", "),
            forbid_headers = strings("forbidHeaders"),
            require_headers = strings("requireHeaders"),
            body = opt("body"),
            media = opt("bodyMediaType"),
            resolved = opt("resolvedHost"),
        );
        self.push(&id, kind, body);
    }

    /// A response case: decodes the canned response as the operation does,
    /// and compares the output (or the error `variant`) with `params`.
    fn response_case(&mut self, op: &Operation, target: &Struct, variant: Option<String>, case: &Value) {
        let id = case.get("id").and_then(Value::as_str).unwrap_or("?").to_owned();
        let empty = serde_json::Map::new();
        let params = match case.get("params") {
            None => &empty,
            Some(Value::Object(p)) => p,
            Some(_) => return self.failing(&id, "Response", "params is not an object"),
        };
        let mut checks = String::new();
        for key in params.keys() {
            if !target.fields.iter().any(|f| &f.member == key) {
                return self.failing(&id, "Response", &format!("`{}` has no member `{key}`", target.name));
            }
        }
        for field in &target.fields {
            // A stream has no value to compare: compare the bytes it holds.
            if let RustType::ByteStream { .. } = field.ty {
                let expected = match params.get(&field.member).and_then(Value::as_str) {
                    Some(text) => format!("::std::option::Option::Some({}.as_bytes())", lit(text)),
                    None => "::std::option::Option::Some(b\"\".as_slice())".to_owned(),
                };
                let _ = write!(checks, "\n    same({}, &actual.{}.as_bytes().map(|b| b.as_ref()), &{expected})?;", lit(&field.member), field.name);
                continue;
            }
            let expected = match params.get(&field.member).filter(|v| !v.is_null()) {
                Some(value) => match self.expr(&field.ty, value) {
                    Ok(expr) => {
                        let expr = if field.boxed { format!("::std::boxed::Box::new({expr})") } else { expr };
                        if field.optional {
                            format!("::std::option::Option::Some({expr})")
                        } else {
                            expr
                        }
                    }
                    Err(why) => return self.failing(&id, "Response", &format!("member `{}`: {why}", field.member)),
                },
                None if field.optional => "::std::option::Option::None".to_owned(),
                None => continue,
            };
            let name = &field.name;
            let _ = write!(checks, "\n    same({}, &actual.{name}, &{expected})?;", lit(&field.member));
        }
        let headers: Vec<String> = case
            .get("headers")
            .and_then(Value::as_object)
            .map(|h| h.iter().map(|(k, v)| format!("({}, {})", lit(k), lit(v.as_str().unwrap_or_default()))).collect())
            .unwrap_or_default();
        let code = case.get("code").and_then(Value::as_u64).unwrap_or(200);
        let body = case.get("body").and_then(Value::as_str).unwrap_or_default();
        let module = &op.module;
        let marker = &op.name;
        let decode = match &variant {
            None => "decode_output".to_owned(),
            Some(_) => "decode_error".to_owned(),
        };
        // The error code and type a case's vendor parameters give
        // (`aws.protocoltests.config#ErrorCodeParams`: awsQuery codes).
        if variant.is_some() {
            let vendor = case.get("vendorParams");
            if let Some(code) = vendor.and_then(|v| v.get("code")).and_then(Value::as_str) {
                let _ = write!(
                    checks,
                    "\n    same(\"code\", &crate::error::ErrorVariant::meta(&actual).code(), &::std::option::Option::Some({}))?;",
                    lit(code)
                );
            }
            if let Some(error_type) = vendor.and_then(|v| v.get("type")).and_then(Value::as_str) {
                let _ = write!(
                    checks,
                    "\n    same(\"type\", &crate::error::ErrorVariant::meta(&actual).error_type().map(|t| ::std::format!(\"{{t:?}}\")), &::std::option::Option::Some({}.to_owned()))?;",
                    lit(error_type)
                );
            }
        }
        let actual = if checks.is_empty() { "_actual" } else { "actual" };
        let unpack = match &variant {
            None => format!("    let {actual} = result?;"),
            Some(v) => format!(
                "    let {actual} = match result? {{\n        crate::operation::{module}::{error}::{v}(e) => e,\n        \
                 other => return Err(::std::format!(\"decoded as another error: {{other:?}}\")),\n    }};",
                error = op.error
            ),
        };
        let body = format!(
            "    let response = canned_response({code}, &[{headers}], {body});\n    \
             let result = {decode}::<crate::wire::{module}::{marker}>(&response);\n{unpack}{checks}\n    Ok(())",
            headers = headers.join(", "),
            body = lit(body),
        );
        self.push(&id, "Response", body);
    }

    /// An event stream case: the initial response and the event messages
    /// (their bytes as the case gives them) decoded as the client does,
    /// compared with the case's parameters and expectation.
    fn event_stream_case(&mut self, op: &Operation, case: &Value) {
        let id = case.get("id").and_then(Value::as_str).unwrap_or("?").to_owned();
        let events: Vec<&Value> = case.get("events").and_then(Value::as_array).map(|e| e.iter().collect()).unwrap_or_default();
        if case.get("initialRequest").is_some() {
            return self.initial_request_case(op, case);
        }
        if !events.is_empty() && events.iter().all(|e| e.get("type").and_then(Value::as_str) == Some("request")) {
            return self.sent_events_case(op, &id, &events);
        }
        let Some(stream) = op.output.fields.iter().find(|f| matches!(f.ty, RustType::EventStream(_))) else {
            return self.failing(&id, "EventStream", "the output has no event stream");
        };
        let RustType::EventStream(union) = &stream.ty else { return };
        let union_struct = match self.krate.types.get(&union.name) {
            Some(TypeDef::Struct(s)) => s,
            _ => return self.failing(&id, "EventStream", "the event union is not generated"),
        };
        let union_error = union_struct.event_errors.clone().unwrap_or_default();
        if events.iter().any(|e| e.get("type").and_then(Value::as_str) != Some("response")) {
            return self.failing(&id, "EventStream", "a client case that sends events");
        }
        let mut bytes = Vec::new();
        for event in &events {
            match event.get("bytes").and_then(Value::as_str) {
                Some(b64) => bytes.push(format!("crate::primitives::base64_decode({}).ok_or(\"bytes are not base64\")?", lit(b64))),
                None => return self.failing(&id, "EventStream", "an event without bytes"),
            }
        }
        let initial = case.get("initialResponse");
        let code = initial.and_then(|r| r.get("code")).and_then(Value::as_u64).unwrap_or(200);
        let mut headers: Vec<String> = initial
            .and_then(|r| r.get("headers"))
            .and_then(Value::as_object)
            .map(|h| h.iter().map(|(k, v)| format!("({}, {})", lit(k), lit(v.as_str().unwrap_or_default()))).collect())
            .unwrap_or_default();
        if initial.is_none() {
            headers.push("(\"content-type\", \"application/vnd.amazon.eventstream\")".to_owned());
        }
        let initial_body = initial.and_then(|r| r.get("body")).and_then(Value::as_str).unwrap_or_default();
        let body = if bytes.is_empty() {
            format!("{}.as_bytes().to_vec()", lit(initial_body))
        } else {
            format!("[{}].concat()", bytes.join(", "))
        };
        let expectation = case.get("expectation");
        let failure = expectation.and_then(|e| e.get("failure"));
        let error_id = failure.and_then(|f| f.get("errorId")).and_then(Value::as_str).map(|id| id.rsplit('#').next().unwrap_or(id).to_owned());
        let mut checks = String::new();
        if let Some(Value::Object(params)) = case.get("initialResponseParams") {
            for (key, value) in params {
                let Some(field) = op.output.fields.iter().find(|f| &f.member == key) else {
                    return self.failing(&id, "EventStream", &format!("the output has no member `{key}`"));
                };
                let expected = match self.expr(&field.ty, value) {
                    Ok(expr) if field.optional => format!("::std::option::Option::Some({expr})"),
                    Ok(expr) => expr,
                    Err(why) => return self.failing(&id, "EventStream", &format!("member `{key}`: {why}")),
                };
                let _ = write!(checks, "\n        same({}, &actual.{}, &{expected})?;", lit(key), field.name);
            }
        }
        let stream_field = &stream.name;
        let union_ty = RustType::Named(union.clone());
        let mut reads = String::new();
        if failure.is_none() {
            for (n, event) in events.iter().enumerate() {
                let Some(params) = event.get("params") else { continue };
                let expected = match self.expr(&union_ty, params) {
                    Ok(expr) => expr,
                    Err(why) => return self.failing(&id, "EventStream", &format!("event {n}: {why}")),
                };
                let _ = write!(
                    reads,
                    "\n        match actual.{stream_field}.recv().await {{\n            \
                     Ok(Some(event)) => same(\"event {n}\", &event, &{expected})?,\n            \
                     other => return Err(::std::format!(\"event {n}: got {{other:?}}\")),\n        }}"
                );
            }
            let _ = write!(
                reads,
                "\n        match actual.{stream_field}.recv().await {{\n            Ok(None) => Ok(()),\n            \
                 other => Err(::std::format!(\"after the events: got {{other:?}}\")),\n        }}"
            );
        } else {
            // The error enum sits beside the union, in `types`.
            let union_error_path = format!("crate::types::{union_error}");
            let wanted = match &error_id {
                Some(error) => {
                    let variant = union_struct.fields.iter().find_map(|f| match &f.ty {
                        RustType::Named(r) if r.shape.name == *error && r.module == Module::Error => Some(r.name.clone()),
                        _ => None,
                    });
                    match variant {
                        Some(v) => format!("Err({union_error_path}::{v}(_))"),
                        // An error of the operation: the initial response fails.
                        None => "Err(_) if false".to_owned(),
                    }
                }
                None => "Err(_)".to_owned(),
            };
            let _ = write!(
                reads,
                "\n        for _ in 0..={count} {{\n            match actual.{stream_field}.recv().await {{\n                \
                 {wanted} => return Ok(()),\n                Ok(Some(_)) => continue,\n                \
                 other => return Err(::std::format!(\"expected a failure, got {{other:?}}\")),\n            }}\n        }}\n        \
                 Err(::std::string::String::from(\"the stream did not fail\"))",
                count = events.len(),
            );
        }
        let on_error = match (&error_id, failure) {
            (_, None) => "Err(::std::format!(\"expected a success, got {error:?}\"))".to_owned(),
            (Some(error), Some(_)) => match op.errors.iter().find(|e| e.shape.name == *error) {
                Some(e) => format!(
                    "match error {{\n            crate::operation::{}::{}::{}(_) => Ok(()),\n            \
                     other => Err(::std::format!(\"decoded as another error: {{other:?}}\")),\n        }}",
                    op.module, op.error, e.name
                ),
                None => format!("Err(::std::format!(\"expected the event stream error `{error}`, got {{error:?}}\"))"),
            },
            (None, Some(_)) => format!(
                "match error {{\n            crate::operation::{}::{}::Unhandled(_) => Ok(()),\n            \
                 #[allow(unreachable_patterns)]\n            other => Err(::std::format!(\"expected an unmodeled error, got {{other:?}}\")),\n        }}",
                op.module, op.error
            ),
        };
        // A failure may come as soon as the initial response is read.
        let decode = if failure.is_some() && error_id.is_none() {
            format!(
                "match decode_output::<crate::wire::{}::{}>(&response) {{\n            Ok(actual) => actual,\n            Err(_) => return Ok(()),\n        }}",
                op.module, op.name
            )
        } else {
            format!("decode_output::<crate::wire::{}::{}>(&response)?", op.module, op.name)
        };
        let body = format!(
            "    let body: ::std::vec::Vec<u8> = {body};\n    \
             let response = canned_response_bytes({code}, &[{headers}], body);\n    \
             if response.status().is_success() {{\n        \
             #[allow(unused_mut)]\n        let mut actual = {decode};{checks}{reads}\n    \
             }} else {{\n        let error = decode_error::<crate::wire::{module}::{marker}>(&response)?;\n        {on_error}\n    }}",
            headers = headers.join(", "),
            module = op.module,
            marker = op.name,
        );
        self.push(&id, "EventStream", body);
    }

    /// An event stream case's initial request: the request's head as a
    /// request case checks it, the input given by `initialRequestParams`.
    fn initial_request_case(&mut self, op: &Operation, case: &Value) {
        let mut request = case.get("initialRequest").cloned().unwrap_or_default();
        if let Value::Object(fields) = &mut request {
            fields.insert("id".into(), case.get("id").cloned().unwrap_or_default());
            fields.insert("params".into(), case.get("initialRequestParams").cloned().unwrap_or_else(|| Value::Object(Default::default())));
        }
        self.request_case(op, &request, "EventStream");
    }

    /// Events the client sends: each event of the case's parameters (or
    /// modeled exception) written as the client writes it, compared with
    /// the case's message (headers in any order, payload as JSON when it
    /// is JSON).
    fn sent_events_case(&mut self, op: &Operation, id: &str, events: &[&Value]) {
        let Some(stream) = op.input.fields.iter().find(|f| matches!(f.ty, RustType::EventSender(_))) else {
            return self.failing(id, "EventStream", "the input sends no events");
        };
        let RustType::EventSender(union) = &stream.ty else { return };
        let Some(TypeDef::Struct(union_struct)) = self.krate.types.get(&union.name) else {
            return self.failing(id, "EventStream", "the event union is not generated");
        };
        let union_path = self.named(union);
        let union_error = union_struct.event_errors.clone().unwrap_or_default();
        let mut body = String::new();
        for (n, event) in events.iter().enumerate() {
            let Some(bytes) = event.get("bytes").and_then(Value::as_str) else {
                return self.failing(id, "EventStream", "an event without bytes");
            };
            let json = event.get("bodyMediaType").and_then(Value::as_str) == Some("application/json");
            let Some(Value::Object(params)) = event.get("params") else {
                return self.failing(id, "EventStream", &format!("event {n} has no params"));
            };
            // A member that names one of the stream's errors is an exception.
            let error = params.iter().find_map(|(key, value)| {
                let field = union_struct.fields.iter().find(|f| &f.member == key)?;
                match &field.ty {
                    RustType::Named(r) if r.module == Module::Error => Some((r.clone(), field.ty.clone(), value)),
                    _ => None,
                }
            });
            let actual = match error {
                Some((r, ty, value)) => match self.expr(&ty, value) {
                    Ok(expr) => format!(
                        "sent_exception::<{union_path}>(&crate::types::{union_error}::{}({expr}))?",
                        r.name
                    ),
                    Err(why) => return self.failing(id, "EventStream", &format!("event {n}: {why}")),
                },
                None => match self.expr(&RustType::Named(union.clone()), &Value::Object(params.clone())) {
                    Ok(expr) => format!("sent_event({expr}).await?"),
                    Err(why) => return self.failing(id, "EventStream", &format!("event {n}: {why}")),
                },
            };
            let _ = write!(
                body,
                "    let actual = {actual};\n    same_message(&actual, {}, {json}).map_err(|e| ::std::format!(\"event {n}: {{e}}\"))?;\n",
                lit(bytes)
            );
        }
        body.push_str("    Ok(())");
        self.push(id, "EventStream", body);
    }

    fn named(&self, r: &TypeRef) -> String {
        match &r.module {
            Module::Types => format!("crate::types::{}", r.name),
            Module::Error => format!("crate::error::{}", r.name),
            Module::Operation(m) => format!("crate::operation::{m}::{}", r.name),
        }
    }

    fn find_struct(&self, r: &TypeRef) -> Option<&'a Struct> {
        match &r.module {
            Module::Types => match self.krate.types.get(&r.name)? {
                TypeDef::Struct(s) => Some(s),
                TypeDef::Enum(_) => None,
            },
            Module::Error => self.krate.errors.get(&r.name),
            Module::Operation(m) => {
                let op = self.krate.operations.get(m)?;
                [&op.input, &op.output].into_iter().find(|s| s.name == r.name)
            }
        }
    }

    /// A Rust expression of type `ty` for the node value `v`.
    fn expr(&self, ty: &RustType, v: &Value) -> Result<String, String> {
        let wrong = || Err(format!("{v} does not fit {ty:?}"));
        Ok(match (ty, v) {
            (RustType::String, Value::String(s)) => format!("::std::string::String::from({})", lit(s)),
            (RustType::Bool, Value::Bool(b)) => b.to_string(),
            (RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64, Value::Number(n)) => {
                let suffix = match ty {
                    RustType::I8 => "i8",
                    RustType::I16 => "i16",
                    RustType::I32 => "i32",
                    _ => "i64",
                };
                match n.as_i64() {
                    Some(i) => format!("{i}{suffix}"),
                    None => return wrong(),
                }
            }
            (RustType::F32 | RustType::F64, _) => {
                let t = if *ty == RustType::F32 { "f32" } else { "f64" };
                match v {
                    Value::Number(n) => format!("{}_{t}", n.as_f64().ok_or("not a number")?),
                    Value::String(s) if s == "NaN" => format!("{t}::NAN"),
                    Value::String(s) if s == "Infinity" => format!("{t}::INFINITY"),
                    Value::String(s) if s == "-Infinity" => format!("{t}::NEG_INFINITY"),
                    _ => return wrong(),
                }
            }
            (RustType::Timestamp(_), Value::Number(n)) => format!("ts_nanos({})", epoch_nanos(&n.to_string())?),
            (RustType::Timestamp(_), Value::String(s)) => format!("ts_parse({})", lit(s)),
            (RustType::Blob, Value::String(s)) => format!("crate::primitives::Blob::from({})", lit(s)),
            (RustType::ByteStream { .. }, Value::String(s)) => {
                format!("crate::primitives::ByteStream::from(::std::string::String::from({}))", lit(s))
            }
            (RustType::Document, v) => format!("doc_value({})", lit(&v.to_string())),
            (RustType::List { item, sparse }, Value::Array(items)) => {
                let items = items
                    .iter()
                    .map(|i| self.maybe(item, *sparse, i))
                    .collect::<Result<Vec<_>, _>>()?;
                format!("::std::vec![{}]", items.join(", "))
            }
            (RustType::Map { value, sparse }, Value::Object(entries)) => {
                let entries = entries
                    .iter()
                    .map(|(k, e)| Ok(format!("(::std::string::String::from({}), {})", lit(k), self.maybe(value, *sparse, e)?)))
                    .collect::<Result<Vec<_>, String>>()?;
                format!(
                    "[{}].into_iter().collect::<::std::collections::HashMap<::std::string::String, _>>()",
                    entries.join(", ")
                )
            }
            (RustType::Named(r), _) if r.is_enum => {
                let path = self.named(r);
                match v {
                    Value::String(s) if !r.int_enum => format!("{path}::from({})", lit(s)),
                    Value::Number(n) if r.int_enum => format!("{path}::from({}i32)", n.as_i64().ok_or("not an integer")?),
                    _ => return wrong(),
                }
            }
            (RustType::Named(r), Value::Object(members)) => {
                let s = self.find_struct(r).ok_or_else(|| format!("no structure {}", r.name))?;
                let path = self.named(r);
                if s.kind == StructKind::Union {
                    let (key, value) = match members.iter().next() {
                        Some(entry) if members.len() == 1 => entry,
                        _ => return Err(format!("union {} needs exactly one member", r.name)),
                    };
                    let f = field(s, key)?;
                    let inner = self.expr(&f.ty, value)?;
                    let inner = if f.boxed { format!("::std::boxed::Box::new({inner})") } else { inner };
                    format!("{path}::{}({inner})", f.name)
                } else {
                    let mut text = format!("{path}::builder()");
                    for (key, value) in members.iter().filter(|(_, v)| !v.is_null()) {
                        let f = field(s, key)?;
                        let setter = format!("set_{}", f.name.trim_start_matches("r#"));
                        let _ = write!(text, ".{setter}(::std::option::Option::Some({}))", self.expr(&f.ty, value)?);
                    }
                    text.push_str(".build()");
                    if s.fields.iter().any(|f| f.required && f.default.is_none()) {
                        text.push_str(".map_err(|e| ::std::format!(\"building the expected value: {e}\"))?");
                    }
                    text
                }
            }
            _ => return wrong(),
        })
    }

    /// An item of a list or map: `Option` when sparse.
    fn maybe(&self, ty: &RustType, sparse: bool, v: &Value) -> Result<String, String> {
        match (sparse, v) {
            (true, Value::Null) => Ok("::std::option::Option::None".to_owned()),
            (true, v) => Ok(format!("::std::option::Option::Some({})", self.expr(ty, v)?)),
            (false, v) => self.expr(ty, v),
        }
    }
}

fn field<'s>(s: &'s Struct, member: &str) -> Result<&'s Field, String> {
    s.fields.iter().find(|f| f.member == member).ok_or_else(|| format!("`{}` has no member `{member}`", s.name))
}

/// Epoch seconds as written in the model (`1576540098`, `1.5`, `-0.25`,
/// `1e3`) as nanoseconds, exactly when the text is decimal.
fn epoch_nanos(text: &str) -> Result<String, String> {
    if text.contains(['e', 'E']) {
        let seconds: f64 = text.parse().map_err(|_| format!("bad timestamp {text}"))?;
        return Ok(format!("{}i128", (seconds * 1e9).round() as i128));
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut fraction = fraction.to_owned();
    fraction.truncate(9);
    while fraction.len() < 9 {
        fraction.push('0');
    }
    let whole: i128 = whole.parse().map_err(|_| format!("bad timestamp {text}"))?;
    let fraction: i128 = fraction.parse().map_err(|_| format!("bad timestamp {text}"))?;
    let nanos = whole * 1_000_000_000 + fraction;
    Ok(format!("{}i128", if negative { -nanos } else { nanos }))
}

//! Stage 5: render the IR as Rust tokens, one module per shape kind, one
//! job per generated file.

mod client;
mod crate_files;
mod customize;
mod endpoint;
mod enumeration;
mod error;
mod examples;
mod fluent;
mod operation;
mod paginator;
pub(crate) mod prelude_paths;
pub(crate) mod at_use;
mod protocol;
mod json;
mod query;
mod xml;
mod structure;
mod union;
mod waiters;

use std::collections::BTreeSet;

pub use endpoint::standalone as standalone_endpoint;
pub use endpoint::service_setting;

/// Applies the service's customizations to its IR, before emitting.
pub fn customize(krate: &mut Crate) {
    customize::transform(krate)
}

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{names, Crate, Operation, RustType, TypeDef};

/// A file of the generated crate: Rust tokens still to be formatted, or text.
pub enum FileContent {
    /// Tokens with absolute std paths, the names the file defines at its
    /// top level (which keep their absolute paths; see `prelude_paths`),
    /// and where its functions are compiled to machine code.
    Rust(TokenStream, BTreeSet<String>, Codegen),
    /// A runtime file (`codegen/runtime/src/<path>`, its path and text),
    /// copied verbatim but for its unit tests; in a runtime crate of its
    /// own, with its crate-private items public ([`for_runtime_crate`]).
    Runtime(&'static str, std::borrow::Cow<'static, str>),
    Text(String),
    /// The emitter found a problem in the model.
    Failed(crate::error::Error),
}

/// Where the functions of a file are compiled to machine code.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Codegen {
    /// In the generated crate, as Rust does by default.
    Here,
    /// In the crates that call them: every function is `#[inline]`
    /// ([`at_use`]). Rust generates no code in the defining crate for a
    /// non-generic `#[inline]` function that nothing there calls; a crate
    /// that calls it compiles its own copy. The wire modules (each
    /// operation's codec and `Operation` impl, and what they call) are
    /// reached only from `send` and its kin, which are `#[inline]` too,
    /// so an operation is compiled where it is called, and one nobody
    /// calls costs only its analysis.
    AtUse,
}

/// Which optional dependencies the emitted code uses.
#[derive(Default, Clone, Copy)]
pub struct Deps {
    pub time: bool,
    /// The protocol reads and writes XML (quick-xml).
    pub xml: bool,
    /// Some operation sends `Content-MD5` (`src/checksum.rs`).
    pub checksum: bool,
    /// Some operation gzips its request (`src/compression.rs`, flate2).
    pub gzip: bool,
    /// Some operation pages (`src/pagination.rs`).
    pub pagination: bool,
    /// Some input or output is an event stream (`src/event_stream.rs`, crc32fast).
    pub event_stream: bool,
    /// Some operation sends events (`src/event_signing.rs`, aws-sigv4's
    /// event stream signing).
    pub sends_events: bool,
    /// Some operation is sent over HTTP/2 (bidirectional event streams:
    /// AWS takes those only over HTTP/2): the crate's `http2` feature,
    /// which every crate has, is in its default features.
    pub http2: bool,
}

/// One file to emit. Files are independent, so they can be emitted (and
/// formatted) on several threads; tokens themselves cannot cross threads.
#[derive(Clone, Copy)]
pub enum Job<'a> {
    /// `src/types.rs`: the index of the shared types.
    Types,
    /// `src/types/<module>.rs`: one shared type (and its builder).
    Type(&'a str, &'a TypeDef),
    Errors,
    OperationIndex,
    Operation(&'a Operation),
    /// `src/wire.rs`, the private module of how things travel.
    WireIndex,
    /// `src/wire/types.rs`: the codec of the shared types.
    WireTypes,
    /// `src/wire/errors.rs`: the codec and readers of the errors.
    WireErrors,
    /// `src/wire/<operation>.rs`.
    Wire(&'a Operation),
    Lib,
    Manifest,
    Service,
    Client,
    Waiters,
    Endpoint,
    Example(&'a Operation),
    /// A runtime file copied verbatim: its path and text.
    Runtime(RuntimeFile),
    /// `runtime/src/lib.rs`, the root of a runtime crate of its own.
    RuntimeLib,
    /// `runtime/Cargo.toml`.
    RuntimeManifest,
    /// `runtime/src/service_config.rs`: the service's own `Config`
    /// constructors and settings, which must sit in the crate that
    /// defines `Config`.
    ServiceConfig,
}

/// A runtime file: its path, the same in `codegen/runtime/` and in the
/// generated crate, and its text.
type RuntimeFile = (&'static str, &'static str);

macro_rules! runtime_file {
    ($path:literal) => {
        ($path, include_str!(concat!("../../runtime/", $path)))
    };
}

/// The shells of the runtime's `error` and `endpoint` modules, the roots
/// of those modules in a runtime crate of its own (a client that holds its
/// runtime writes its own, adding the service's items).
const ERROR_SHELL: RuntimeFile = runtime_file!("src/error.rs");
const ENDPOINT_SHELL: RuntimeFile = runtime_file!("src/endpoint.rs");

/// Runtime files copied into every crate.
const RUNTIME: &[RuntimeFile] = &[
    runtime_file!("src/auth.rs"),
    runtime_file!("src/byte_stream.rs"),
    runtime_file!("src/clock.rs"),
    runtime_file!("src/config.rs"),
    runtime_file!("src/endpoint/functions.rs"),
    runtime_file!("src/endpoint/partitions.rs"),
    runtime_file!("src/endpoint/types.rs"),
    runtime_file!("src/error/build.rs"),
    runtime_file!("src/error/meta.rs"),
    runtime_file!("src/facts.rs"),
    runtime_file!("src/interceptor.rs"),
    runtime_file!("src/orchestrator.rs"),
    runtime_file!("src/primitives.rs"),
    runtime_file!("src/protocol.rs"),
    runtime_file!("src/retry.rs"),
    runtime_file!("src/telemetry.rs"),
    runtime_file!("src/testing.rs"),
    runtime_file!("src/transport.rs"),
];

/// Runtime files copied into crates that use them.
const TIMESTAMP: RuntimeFile = runtime_file!("src/timestamp.rs");
const PAGINATION: RuntimeFile = runtime_file!("src/pagination.rs");
const EVENT_STREAM: RuntimeFile = runtime_file!("src/event_stream.rs");
const EVENT_SIGNING: RuntimeFile = runtime_file!("src/event_signing.rs");
pub(crate) const GLACIER: RuntimeFile = runtime_file!("src/glacier.rs");
pub(crate) const DYNAMODB: RuntimeFile = runtime_file!("src/dynamodb.rs");
pub(crate) const DYNAMODB_ITEMS: RuntimeFile = runtime_file!("src/dynamodb_items.rs");

/// Runtime files that hold macros the client's own code expands: modules
/// of the client's crate also when the rest of the runtime is a crate of
/// its own.
pub(crate) const CLIENT_SIDE: &[&str] = &["src/dynamodb_items.rs"];
pub(crate) const HTTP_CHECKSUM: RuntimeFile = runtime_file!("src/http_checksum.rs");
pub(crate) const S3: RuntimeFile = runtime_file!("src/s3.rs");
const COMPRESSION: RuntimeFile = runtime_file!("src/compression.rs");
const CHECKSUM: RuntimeFile = runtime_file!("src/checksum.rs");
const WAITER: RuntimeFile = runtime_file!("src/waiter.rs");
const PRESIGNING: RuntimeFile = runtime_file!("src/presigning.rs");

/// The default credential chain and what it reads (`Config::load`), behind
/// the generated crate's `credentials-chain` feature.
pub(crate) const CREDENTIALS_CHAIN: &[RuntimeFile] = &[
    runtime_file!("src/chain.rs"),
    runtime_file!("src/chain_calls.rs"),
    runtime_file!("src/container.rs"),
    runtime_file!("src/credentials_chain.rs"),
    runtime_file!("src/imds.rs"),
    runtime_file!("src/profile.rs"),
    runtime_file!("src/profile_chain.rs"),
    runtime_file!("src/provider_env.rs"),
];
pub(crate) const JSON: &[RuntimeFile] = &[
    runtime_file!("src/json.rs"),
    runtime_file!("src/json/fallback.rs"),
    runtime_file!("src/json/reader.rs"),
    runtime_file!("src/json/response.rs"),
    runtime_file!("src/json/wire.rs"),
    runtime_file!("src/json/writer.rs"),
];
pub(crate) const HTTP_BINDING: RuntimeFile = runtime_file!("src/http_binding.rs");
pub(crate) const REST_JSON: RuntimeFile = runtime_file!("src/rest_json.rs");
pub(crate) const AWS_JSON: RuntimeFile = runtime_file!("src/aws_json.rs");
pub(crate) const XML: RuntimeFile = runtime_file!("src/xml.rs");
pub(crate) const REST_XML: RuntimeFile = runtime_file!("src/rest_xml.rs");
pub(crate) const QUERY: RuntimeFile = runtime_file!("src/query.rs");

/// A runtime file as a generated crate holds it: without its unit tests,
/// which run once, in the runtime crate. They are the file's last item,
/// `#[cfg(test)]` then `mod tests {` at the start of a line.
pub(crate) fn without_tests(text: &str) -> &str {
    match text.find("\n#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at + 1],
        None => text,
    }
}

/// A runtime file as a runtime crate of its own holds it: what is
/// `pub(crate)` (the API the generated code uses, inside one crate) is
/// `pub` for the client's crate, and hidden from the documentation, so
/// that the modules the client re-exports (`config`, `primitives`, ...)
/// show users what they showed before. Every `pub(crate)` of the runtime
/// starts an item or a named field, where an attribute may stand.
pub(crate) fn for_runtime_crate(text: &str) -> String {
    text.replace("pub(crate) ", "#[doc(hidden)] pub ")
}

impl Job<'_> {
    /// A rough size of the job's output, to start the largest first.
    pub fn weight(&self) -> usize {
        match self {
            Job::Types => 50,
            Job::Type(_, TypeDef::Struct(s)) => 10 + s.fields.len(),
            Job::Type(..) => 5,
            Job::Errors | Job::Client => 500,
            Job::Endpoint | Job::Waiters => 200,
            Job::Operation(op) | Job::Wire(op) => 20 + op.input.fields.len() + op.output.fields.len() + op.errors.len(),
            Job::WireTypes => 500,
            Job::Runtime((_, text)) => text.len() / 2000,
            _ => 1,
        }
    }
}

/// Every file of the crate, as jobs keyed by path relative to the crate root.
pub fn jobs(krate: &Crate) -> Vec<(String, Job<'_>)> {
    let mut jobs = vec![
        ("src/error.rs".to_owned(), Job::Errors),
        ("src/operation.rs".to_owned(), Job::OperationIndex),
        ("src/lib.rs".to_owned(), Job::Lib),
        ("Cargo.toml".to_owned(), Job::Manifest),
        ("src/service.rs".to_owned(), Job::Service),
        ("src/client.rs".to_owned(), Job::Client),
        ("src/endpoint.rs".to_owned(), Job::Endpoint),
    ];
    if krate.nested {
        // Only the service's own modules: the runtime is the outer crate's.
        jobs.retain(|(path, _)| path != "src/lib.rs" && path != "Cargo.toml");
    } else {
        let own = own_runtime(krate);
        let chain = CREDENTIALS_CHAIN.iter().copied().chain(chain_only_runtime(&own));
        for file in own.into_iter().chain(chain) {
            let dir = if CLIENT_SIDE.contains(&file.0) { "" } else { krate.runtime_dir() };
            jobs.push((format!("{dir}{}", file.0), Job::Runtime(file)));
        }
        if krate.runtime_crate.is_some() {
            jobs.push(("runtime/src/lib.rs".to_owned(), Job::RuntimeLib));
            jobs.push(("runtime/Cargo.toml".to_owned(), Job::RuntimeManifest));
            jobs.push(("runtime/src/service_config.rs".to_owned(), Job::ServiceConfig));
            jobs.push(("runtime/src/error.rs".to_owned(), Job::Runtime(ERROR_SHELL)));
            jobs.push(("runtime/src/endpoint.rs".to_owned(), Job::Runtime(ENDPOINT_SHELL)));
        }
    }
    if !krate.types.is_empty() {
        jobs.push(("src/types.rs".to_owned(), Job::Types));
    }
    for (name, def) in &krate.types {
        if let Some(module) = krate.type_modules.get(name) {
            jobs.push((format!("src/types/{module}.rs"), Job::Type(name, def)));
        }
    }
    if has_waiters(krate) {
        jobs.push(("src/waiters.rs".to_owned(), Job::Waiters));
    }
    jobs.push(("src/wire.rs".to_owned(), Job::WireIndex));
    if !krate.errors.is_empty() {
        jobs.push(("src/wire/errors.rs".to_owned(), Job::WireErrors));
    }
    if !krate.types.is_empty() {
        jobs.push(("src/wire/types.rs".to_owned(), Job::WireTypes));
    }
    for op in krate.operations.values() {
        jobs.push((format!("src/operation/{}.rs", op.module), Job::Operation(op)));
        jobs.push((format!("src/wire/{}.rs", op.module), Job::Wire(op)));
    }
    if !krate.nested {
        for op in examples::example_operations(krate) {
            jobs.push((format!("examples/{}.rs", op.module), Job::Example(op)));
        }
    }
    jobs
}

/// The runtime files the crate's service uses (the credential chain's
/// aside).
fn own_runtime(krate: &Crate) -> Vec<RuntimeFile> {
    let deps = deps(krate);
    let optional = [
        (deps.time, TIMESTAMP),
        (deps.pagination, PAGINATION),
        (deps.event_stream, EVENT_STREAM),
        (deps.sends_events, EVENT_SIGNING),
        (deps.gzip, COMPRESSION),
        (deps.checksum, CHECKSUM),
        (has_waiters(krate), WAITER),
        (fluent::presigns(krate), PRESIGNING),
    ];
    let protocol = protocol::for_crate(krate).runtime();
    let customized = customize::decorators(krate).into_iter().flat_map(|d| d.runtime().0.iter().copied());
    RUNTIME
        .iter()
        .copied()
        .chain(protocol)
        .chain(optional.into_iter().filter_map(|(used, file)| used.then_some(file)))
        .chain(customized)
        .collect()
}

/// What the credential chain's clients (`src/chain/`: STS speaks
/// awsQuery, SSO and SSO-OIDC restJson1) need of the runtime beyond what
/// the service itself uses: declared behind the `credentials-chain` feature.
fn chain_only_runtime(own: &[RuntimeFile]) -> Vec<RuntimeFile> {
    let needed = [TIMESTAMP, XML, QUERY, REST_JSON, HTTP_BINDING].into_iter().chain(JSON.iter().copied());
    needed.filter(|file| !own.iter().any(|o| o.0 == file.0)).collect()
}

/// The runtime files of the credential chain that only it uses (the
/// protocol modules of its clients the service does not speak).
pub(crate) fn chain_only_runtime_of(krate: &Crate) -> Vec<RuntimeFile> {
    chain_only_runtime(&own_runtime(krate))
}

/// `src/types.rs`: one module per shared type, re-exported, and the
/// builders of the structures.
fn types_index(krate: &Crate) -> TokenStream {
    let mut modules = Vec::new();
    let mut builders = Vec::new();
    for (name, def) in &krate.types {
        let Some(module) = krate.type_modules.get(name) else { continue };
        let module = ident(module);
        let mut exported = vec![ident(name)];
        match def {
            TypeDef::Struct(s) if s.kind == crate::ir::StructKind::Union => exported.extend(s.event_errors.iter().map(|e| ident(e))),
            TypeDef::Struct(s) => {
                let builder = ident(&names::derived::builder(&s.name));
                builders.push(quote!(pub use super::#module::#builder;));
            }
            TypeDef::Enum(_) => {}
        }
        modules.push(quote! {
            mod #module;
            pub use #module::{#(#exported),*};
        });
    }
    quote! {
        //! Structures and enums that operations share.
        #(#modules)*
        /// Builders for the structures of this module.
        pub mod builders {
            #(#builders)*
        }
    }
}

/// `src/wire.rs`: how operations, types and errors travel, apart from the
/// public modules (as the SDK's `protocol_serde`).
fn wire_index(krate: &Crate) -> TokenStream {
    let operations = krate.operations.values().map(|op| {
        let module = ident(&op.module);
        quote!(pub(crate) mod #module;)
    });
    let types = (!krate.types.is_empty()).then(|| quote!(mod types;));
    let errors = (!krate.errors.is_empty()).then(|| quote!(mod errors;));
    quote! {
        //! How each operation, type and error travels on the wire: the
        //! protocol's codec and each operation's request writer and response
        //! reader. Private: the public modules hold what a user reads.
        #errors
        #types
        #(#operations)*
    }
}

pub(crate) fn has_waiters(krate: &Crate) -> bool {
    krate.operations.values().any(|op| !op.waiters.is_empty())
}

pub fn deps(krate: &Crate) -> Deps {
    let xml = krate.protocol.xml();
    Deps {
        // The XML codec reads timestamps of every format.
        time: krate.uses_timestamps() || xml,
        xml,
        checksum: krate.operations.values().any(|op| op.checksum_required),
        gzip: krate.operations.values().any(|op| op.gzip),
        pagination: krate.operations.values().any(|op| op.pagination.is_some()),
        event_stream: krate.operations.values().any(|op| op.sends_events() || op.receives_events()),
        sends_events: krate.operations.values().any(|op| op.sends_events()),
        http2: krate.operations.values().any(|op| op.http2),
    }
}

/// Emits one file.
pub fn render(krate: &Crate, job: Job<'_>) -> FileContent {
    let deps = deps(krate);
    let (tokens, defined): (TokenStream, BTreeSet<String>) = match job {
        Job::Types => (types_index(krate), BTreeSet::new()),
        Job::Type(name, def) => {
            let mut defined: BTreeSet<String> = [name.to_owned()].into_iter().collect();
            let tokens = match def {
                TypeDef::Struct(s) if s.kind == crate::ir::StructKind::Union => {
                    defined.extend(s.event_errors.iter().cloned());
                    union::emit(krate, s)
                }
                TypeDef::Struct(s) => {
                    let (item, builder) = structure::emit(s, quote!(crate::types::builders), &[]);
                    defined.insert(names::derived::builder(&s.name));
                    quote!(#item #builder)
                }
                TypeDef::Enum(e) => enumeration::emit(e),
            };
            (tokens, defined)
        }
        Job::Errors => {
            let mut defined: BTreeSet<String> = krate.errors.keys().cloned().collect();
            defined.insert("BuildError".to_owned());
            (error::emit_module(krate), defined)
        }
        Job::OperationIndex => (operation::emit_index(krate), BTreeSet::new()),
        Job::Operation(op) => {
            let defined = [op.input.name.clone(), op.output.name.clone(), op.error.clone(), op.fluent.clone()];
            // (The paginator lives in `builders`, where prelude names are free.)
            (operation::emit(krate, op), defined.into_iter().collect())
        }
        Job::WireIndex => (wire_index(krate), BTreeSet::new()),
        Job::WireTypes => {
            let codec = protocol::for_crate(krate).codec();
            let items = krate.types.values().map(|def| match def {
                TypeDef::Struct(s) if s.kind == crate::ir::StructKind::Union => union::wire(krate, s, codec),
                TypeDef::Struct(s) => codec.structure(s),
                TypeDef::Enum(e) => codec.enumeration(e),
            });
            let tokens = quote! {
                //! How the shared types travel: the protocol's codec for each.
                #[allow(unused_imports)]
                use crate::types::*;
                #(#items)*
            };
            // The glob import names every type: none may be shortened to.
            (tokens, krate.types.keys().cloned().collect())
        }
        Job::WireErrors => {
            let mut defined: BTreeSet<String> = krate.errors.keys().cloned().collect();
            defined.extend(crate::ir::ERROR_MODULE_RESERVED.iter().map(|s| s.to_string()));
            (error::emit_wire(krate), defined)
        }
        Job::Wire(op) => {
            let defined = [op.input.name.clone(), op.output.name.clone(), op.error.clone(), op.name.clone()];
            (operation::emit_wire(krate, op), defined.into_iter().collect())
        }
        Job::Service => (client::service(krate), BTreeSet::new()),
        Job::Example(op) => (examples::example(krate, op), BTreeSet::new()),
        Job::Client => (client::client(krate), ["Client".to_owned()].into_iter().collect()),
        Job::Waiters => {
            let defined = krate.operations.values().flat_map(|op| op.waiters.iter().map(|w| w.name.clone())).collect();
            (waiters::waiters(krate), defined)
        }
        Job::Endpoint => match endpoint::emit(&krate.endpoint, &krate.service, true, krate.nested, krate.runtime_lib().as_deref()) {
            Ok(tokens) => (tokens, ["Params", "Endpoint", "EndpointError", "Value"].iter().map(|s| s.to_string()).collect()),
            Err(e) => return FileContent::Failed(e),
        },
        Job::Lib => (crate_files::lib_rs(krate, deps), BTreeSet::new()),
        Job::Manifest => return FileContent::Text(crate_files::cargo_toml(krate, deps)),
        Job::RuntimeLib => (crate_files::runtime_lib_rs(krate, deps), BTreeSet::new()),
        Job::RuntimeManifest => return FileContent::Text(crate_files::runtime_cargo_toml(krate, deps)),
        Job::ServiceConfig => {
            let constructors = client::config_constructors(krate);
            let settings = endpoint::service_settings(&krate.endpoint);
            let tokens = quote! {
                //! The service's own `Config` constructors and settings (in
                //! the runtime crate, which defines `Config`).
                #constructors
                #settings
            };
            (tokens, BTreeSet::new())
        }
        Job::Runtime((path, text)) => {
            let text = without_tests(text);
            let text = if krate.runtime_crate.is_some() && !CLIENT_SIDE.contains(&path) {
                std::borrow::Cow::Owned(for_runtime_crate(text))
            } else {
                std::borrow::Cow::Borrowed(text)
            };
            return FileContent::Runtime(path, text);
        }
    };
    let codegen = match job {
        Job::WireTypes | Job::WireErrors | Job::Wire(_) => Codegen::AtUse,
        _ => Codegen::Here,
    };
    FileContent::Rust(tokens, defined, codegen)
}

/// A `&[crate::auth::AuthScheme]` expression.
pub(crate) fn auth_schemes(schemes: &[crate::ir::auth::AuthScheme]) -> TokenStream {
    use crate::ir::auth::AuthScheme;
    let schemes = schemes.iter().map(|scheme| match scheme {
        AuthScheme::SigV4 { signing_name } => quote!(crate::auth::AuthScheme::SigV4 { signing_name: #signing_name }),
        AuthScheme::Bearer => quote!(crate::auth::AuthScheme::Bearer),
        AuthScheme::NoAuth => quote!(crate::auth::AuthScheme::NoAuth),
    });
    quote!(&[#(#schemes),*])
}

/// An identifier from a name the IR already sanitised (`r#type` is raw).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// One `#[doc]` attribute per line, so prettyplease prints `///` comments.
pub(crate) fn docs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let text = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// The path of a type, always absolute so that model names cannot shadow it.
pub(crate) fn type_tokens(ty: &RustType) -> TokenStream {
    match ty {
        RustType::String => quote!(::std::string::String),
        RustType::Bool => quote!(bool),
        RustType::I8 => quote!(i8),
        RustType::I16 => quote!(i16),
        RustType::I32 => quote!(i32),
        RustType::I64 => quote!(i64),
        RustType::F32 => quote!(f32),
        RustType::F64 => quote!(f64),
        RustType::Timestamp(_) => quote!(::time::OffsetDateTime),
        RustType::Blob => quote!(crate::primitives::Blob),
        RustType::ByteStream { .. } => quote!(crate::primitives::ByteStream),
        RustType::EventStream(r) => {
            let events = type_tokens(&RustType::Named(r.clone()));
            quote!(crate::event_stream::EventReceiver<#events>)
        }
        RustType::EventSender(r) => {
            let events = type_tokens(&RustType::Named(r.clone()));
            quote!(crate::event_stream::EventSender<#events>)
        }
        RustType::Document => quote!(crate::primitives::Document),
        RustType::List { item, sparse } => {
            let item = type_tokens(item);
            if *sparse {
                quote!(::std::vec::Vec<::std::option::Option<#item>>)
            } else {
                quote!(::std::vec::Vec<#item>)
            }
        }
        RustType::Map { value, sparse } => {
            let value = type_tokens(value);
            let value = if *sparse { quote!(::std::option::Option<#value>) } else { value };
            quote!(::std::collections::HashMap<::std::string::String, #value>)
        }
        RustType::Named(r) => {
            let name = ident(&r.name);
            match &r.module {
                crate::ir::Module::Types => quote!(crate::types::#name),
                crate::ir::Module::Error => quote!(crate::error::#name),
                crate::ir::Module::Operation(m) => {
                    let m = ident(m);
                    quote!(crate::operation::#m::#name)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every runtime file (the crate's shells aside) loses exactly its test
    /// module when copied, and nothing else: the module must be the file's
    /// last item, so a line after it at the left margin is an error.
    #[test]
    fn runtime_files_lose_their_tests_and_only_them() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
        let mut files = Vec::new();
        let mut dirs = vec![src.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 20, "the runtime files are missing from {}", src.display());
        for path in files {
            let relative = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            if ["lib.rs", "error.rs", "endpoint.rs"].contains(&relative.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains('\r'), "{relative}: carriage returns (see .gitattributes)");
            let kept = super::without_tests(&text);
            assert!(!kept.contains("#[cfg(test)]"), "{relative}: a test item is left in the copy");
            let tail = &text[kept.len()..];
            if tail.is_empty() {
                continue;
            }
            let lines: Vec<&str> = tail.lines().collect();
            assert_eq!(lines[..2], ["#[cfg(test)]", "mod tests {"], "{relative}");
            assert_eq!(lines.last(), Some(&"}"), "{relative}: the test module must end the file");
            let inner = &lines[2..lines.len() - 1];
            if let Some(line) = inner.iter().find(|l| !l.is_empty() && !l.starts_with(' ')) {
                panic!("{relative}: `{line}` at the left margin: an item after the test module would be cut off");
            }
        }
    }
}

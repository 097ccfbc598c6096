//! The crate root (`src/lib.rs`) and the manifest (`Cargo.toml`).

use proc_macro2::TokenStream;
use quote::quote;

use super::Deps;
use crate::ir::Crate;

/// The dependencies generated crates use, kept in one place: `(name,
/// specification, feature)`. Optional ones belong to a feature: `rustls`,
/// the default HTTP transport (the `tracing` feature, the spans of calls,
/// needs no dependency of its own).
pub(super) const DEPENDENCIES: &[(&str, &str, Option<&str>)] = &[
    ("aws-credential-types", r#""1.3.1""#, None),
    ("aws-sigv4", r#"{ version = "1.2.0", default-features = false, features = ["sign-http", "http1"] }"#, None),
    // Already built for aws-sigv4: parses the `Date` of responses (clock
    // skew), and its `Document` is the crate's, as in the AWS SDK.
    ("aws-smithy-types", r#""1.9.3""#, None),
    ("bytes", r#""1.5.0""#, None),
    // Flexible checksums (`aws.protocols#httpChecksum`): CRC32C and
    // CRC64/NVME, and SHA-1; SHA-256 is sha2, CRC32 crc32fast.
    ("crc32c", r#""0.6.9""#, None),
    ("crc32fast", r#""1.4.0""#, None),
    ("crc64fast-nvme", r#""1.2.1""#, None),
    ("flate2", r#"{ version = "1.0.30", default-features = false, features = ["rust_backend"] }"#, None),
    ("futures-core", r#""0.3.30""#, None),
    ("http", r#""1.1.0""#, None),
    ("http-body", r#"{ version = "1.0.0", optional = true }"#, Some("rustls")),
    ("http-body-util", r#"{ version = "0.1.2", optional = true }"#, Some("rustls")),
    ("hyper", r#"{ version = "1.4.0", default-features = false, features = ["client", "http1"], optional = true }"#, Some("rustls")),
    ("hyper-rustls", r#"{ version = "0.27.2", default-features = false, features = ["http1", "tls12", "ring", "native-tokio"], optional = true }"#, Some("rustls")),
    ("hyper-util", r#"{ version = "0.1.6", default-features = false, features = ["client-legacy", "http1", "tokio"], optional = true }"#, Some("rustls")),
    ("rustls", r#"{ version = "0.23.10", default-features = false, features = ["ring", "std", "tls12"], optional = true }"#, Some("rustls")),
    ("rustls-native-certs", r#"{ version = "0.8", optional = true }"#, Some("rustls")),
    // `Content-MD5` (`smithy.api#httpChecksumRequired`).
    ("md-5", r#""0.11.0""#, None),
    // Already built for aws-sigv4: S3's URL-encoded listings.
    ("percent-encoding", r#""2.3.1""#, None),
    ("quick-xml", r#"{ version = "0.42", default-features = false }"#, None),
    ("sha1", r#""0.11.0""#, None),
    ("sha2", r#""0.11.0""#, None),
    ("time", r#"{ version = "0.3.36", default-features = false, features = ["std", "parsing", "formatting"] }"#, None),
    ("tokio", r#"{ version = "1.38.0", default-features = false, features = ["fs", "sync", "time"] }"#, None),
    ("tower-service", r#"{ version = "0.3.2", optional = true }"#, Some("rustls")),
    // Already built for aws-sigv4: keeps its trace events, which print
    // `@sensitive` values, from subscribers while signing; and, with the
    // `tracing` feature, the spans of calls and attempts.
    ("tracing", r#"{ version = "0.1.40", default-features = false, features = ["std"] }"#, None),
];

pub fn lib_rs(krate: &Crate, deps: Deps) -> TokenStream {
    let mut lines = vec![format!("A Rust client for {}.", krate.service.title), String::new()];
    lines.extend(krate.service.docs.iter().cloned());
    lines.push(String::new());
    lines.push(format!(
        "Generated from the Smithy model of `{}`{}.",
        krate.service.shape,
        krate.service.version.as_ref().map(|v| format!(" (API version {v})")).unwrap_or_default()
    ));
    lines.push(String::new());
    lines.push("- [`Client`]: one method per operation (and `wait_until_*` per waiter), configured by [`Config`];".to_owned());
    lines.push("- [`operation`]: one module per operation, with its input, output and error types;".to_owned());
    if !krate.types.is_empty() {
        lines.push("- [`types`]: the structures and enums that operations share;".to_owned());
    }
    lines.push("- [`error`]: the errors the service models, [`error::Unhandled`] and [`error::BuildError`];".to_owned());
    if super::fluent::presigns(krate) {
        lines.push("- [`presigning`]: presigned requests (each operation's `presigned`), for any HTTP client to send;".to_owned());
    }
    lines.push("- [`testing`]: a transport with canned responses and a clock, for your tests.".to_owned());
    let crate_docs = lines.iter().map(|line| {
        let text = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #text])
    });
    let modules = runtime_modules(krate, deps);
    let types = (!krate.types.is_empty()).then(|| quote!(pub mod types;));
    let waiters = super::has_waiters(krate).then(|| quote!(pub mod waiters;));
    let time = deps.time.then(|| {
        quote! {
            /// The date-time crate used for timestamp members, re-exported.
            pub use ::time;
        }
    });
    let runtime = match krate.runtime_lib() {
        // The runtime crate's modules, under the names the generated code
        // uses (`crate::config`, `crate::orchestrator`, ...); the public
        // ones documented here as if they were this crate's. The chain's
        // modules stay in the runtime crate: only its `Config` calls them.
        Some(runtime) => {
            let runtime = super::ident(&runtime);
            let imports = modules.iter().filter(|m| !m.chain).map(|m| {
                let name = super::ident(m.name);
                if m.client_side {
                    quote!(mod #name;)
                } else if m.public {
                    quote!(#[doc(inline)] pub use ::#runtime::#name;)
                } else {
                    quote!(#[allow(unused_imports)] use ::#runtime::#name;)
                }
            });
            quote!(#(#imports)*)
        }
        None => {
            let declarations = modules.iter().map(|m| {
                let name = super::ident(m.name);
                let cfg = m.chain.then(|| quote!(#[cfg(feature = "credentials-chain")]));
                let vis = m.public.then(|| quote!(pub));
                quote!(#cfg #vis mod #name;)
            });
            quote!(#(#declarations)*)
        }
    };
    quote! {
        #(#crate_docs)*
        pub mod client;
        pub mod endpoint;
        pub mod error;
        pub mod operation;
        #types
        #waiters
        mod service;
        mod wire;
        #runtime
        #time

        pub use client::Client;
        pub use config::Config;
    }
}

/// A module of the runtime, as the crate root declares it.
struct RuntimeModule {
    name: &'static str,
    /// Part of the client's public API (`config`, `primitives`, ...).
    public: bool,
    /// Only the credential chain uses it (behind `credentials-chain`).
    chain: bool,
    /// A module of the client's crate in either layout ([`super::CLIENT_SIDE`]).
    client_side: bool,
}

/// The runtime's top-level modules a crate holds, in the order the crate
/// root declares them (files in folders are submodules, which their
/// parent declares; the `error` and `endpoint` shells are the client's).
fn runtime_modules(krate: &Crate, deps: Deps) -> Vec<RuntimeModule> {
    let module = |public: bool, chain: bool| {
        move |(path, _): &super::RuntimeFile| {
            let name = path.strip_prefix("src/")?.strip_suffix(".rs").filter(|m| !m.contains('/'))?;
            Some(RuntimeModule { name, public, chain, client_side: super::CLIENT_SIDE.contains(path) })
        }
    };
    let named = |name: &'static str, public: bool| RuntimeModule { name, public, chain: false, client_side: false };
    let mut modules = vec![
        named("clock", true),
        named("auth", false),
        named("byte_stream", false),
        named("config", true),
        named("facts", false),
        named("interceptor", false),
        named("primitives", true),
        named("protocol", false),
        named("retry", false),
        named("telemetry", false),
        named("testing", true),
        named("transport", true),
    ];
    if super::has_waiters(krate) {
        modules.push(named("waiter", false));
    }
    modules.extend(super::protocol::for_crate(krate).runtime().iter().filter_map(module(false, false)));
    modules.push(named("orchestrator", false));
    if deps.time {
        modules.push(named("timestamp", false));
    }
    if deps.checksum {
        modules.push(named("checksum", false));
    }
    if deps.gzip {
        modules.push(named("compression", false));
    }
    for decorator in super::customize::decorators(krate) {
        modules.extend(decorator.runtime().0.iter().filter_map(module(false, false)));
    }
    if deps.pagination {
        modules.push(named("pagination", true));
    }
    if super::fluent::presigns(krate) {
        modules.push(named("presigning", true));
    }
    if deps.event_stream {
        modules.push(named("event_stream", true));
    }
    if deps.sends_events {
        modules.push(named("event_signing", false));
    }
    // The chain, and the protocol modules only its clients use.
    let chain_only = super::chain_only_runtime_of(krate);
    modules.extend(super::CREDENTIALS_CHAIN.iter().chain(chain_only.iter()).filter_map(module(false, true)));
    modules
}

/// `runtime/src/lib.rs`: the root of a runtime crate of its own. Every
/// module is public, for the client's crate to use.
pub fn runtime_lib_rs(krate: &Crate, deps: Deps) -> TokenStream {
    let doc = format!(
        " The runtime of the `{}` client (configuration, transport, signing, retries, codecs, the credential chain), generated with it.",
        krate.name
    );
    let declarations = runtime_modules(krate, deps).into_iter().filter(|m| !m.client_side).map(|m| {
        let name = super::ident(m.name);
        let cfg = m.chain.then(|| quote!(#[cfg(feature = "credentials-chain")]));
        quote!(#cfg pub mod #name;)
    });
    quote! {
        #![doc = #doc]
        //!
        //! Use it through the client's crate, which re-exports what a user
        //! reads (`config`, `primitives`, `testing`, `transport`, ...).
        pub mod endpoint;
        pub mod error;
        #(#declarations)*
        mod service_config;
    }
}

/// `Cargo.toml`: the client's manifest. With a runtime crate of its own,
/// the client depends on it by path and passes its features on.
pub fn cargo_toml(krate: &Crate, deps: Deps) -> String {
    manifest(krate, deps, false)
}

/// `runtime/Cargo.toml`: the manifest of a runtime crate of its own.
pub fn runtime_cargo_toml(krate: &Crate, deps: Deps) -> String {
    manifest(krate, deps, true)
}

/// Whether the crate's code uses a dependency of [`DEPENDENCIES`].
fn used(krate: &Crate, deps: Deps, name: &str) -> bool {
    let customized = |name: &str| super::customize::decorators(krate).iter().any(|d| d.runtime().1.contains(&name));
    match name {
        "time" => deps.time,
        "flate2" => deps.gzip,
        "md-5" => deps.checksum,
        "quick-xml" => deps.xml,
        "crc32fast" => deps.event_stream || customized(name),
        "sha2" | "crc32c" | "crc64fast-nvme" | "sha1" | "percent-encoding" => customized(name),
        _ => true,
    }
}

/// A manifest: the runtime crate's (`runtime_only`), or the client's, which
/// holds the runtime itself unless it has a runtime crate of its own.
fn manifest(krate: &Crate, deps: Deps, runtime_only: bool) -> String {
    let used = |name: &str| used(krate, deps, name);
    let runtime_crate = krate.runtime_crate.as_deref().filter(|_| !runtime_only);
    let (name, description) = match krate.runtime_crate.as_deref().filter(|_| runtime_only) {
        Some(name) => (
            name,
            format!("The runtime of `{}`, the Rust client for {} generated from its Smithy model", krate.name, krate.service.title),
        ),
        None => (krate.name.as_str(), format!("A Rust client for {}, generated from its Smithy model", krate.service.title)),
    };
    // The features' lists, and the dependencies: the runtime's own, or the
    // runtime crate's features passed on.
    let (chain, rustls, http2, tracing, dependencies) = match runtime_crate {
        Some(runtime) => {
            let mut dependencies = vec![format!(
                "# The runtime (configuration, transport, signing, retries, codecs, the credential chain), generated\n\
                 # beside this crate.\n{runtime} = {{ path = \"runtime\", version = \"0.1.0\", default-features = false }}"
            )];
            dependencies.extend(
                DEPENDENCIES
                    .iter()
                    .filter(|(name, spec, _)| !spec.contains("optional") && used(name))
                    .map(|(name, spec, _)| format!("{name} = {spec}")),
            );
            let passed_on = |feature: &str| format!("\"{runtime}/{feature}\"");
            (passed_on("credentials-chain"), passed_on("rustls"), format!("\"rustls\", {}", passed_on("http2")), passed_on("tracing"), dependencies)
        }
        None => {
            // The chain's clients read XML (STS) and timestamps, and the SSO
            // token cache is named by a SHA-1 (the login cache by a SHA-256):
            // a crate whose service does not has them as optional
            // dependencies of the feature.
            let chain_only: Vec<&str> = ["quick-xml", "sha1", "sha2", "time"].into_iter().filter(|name| !used(name)).collect();
            let dependencies = DEPENDENCIES
                .iter()
                .filter(|(name, ..)| used(name) || chain_only.contains(name))
                .map(|(name, spec, _)| {
                    if chain_only.contains(name) {
                        format!("{name} = {}", optional(spec))
                    } else if *name == "aws-sigv4" && deps.sends_events {
                        // The signatures of the events an operation sends.
                        format!("{name} = {}", spec.replace("\"sign-http\"", "\"sign-http\", \"sign-eventstream\""))
                    } else {
                        format!("{name} = {spec}")
                    }
                })
                .collect();
            let chain: Vec<String> = chain_only.iter().map(|name| format!("\"dep:{name}\"")).collect();
            let feature = |feature: &str| -> String {
                let deps: Vec<String> =
                    DEPENDENCIES.iter().filter(|(.., of)| *of == Some(feature)).map(|(name, ..)| format!("\"dep:{name}\"")).collect();
                deps.join(", ")
            };
            let http2 = "\"rustls\", \"hyper/http2\", \"hyper-util/http2\", \"hyper-rustls/http2\"".to_owned();
            (chain.join(", "), feature("rustls"), http2, feature("tracing"), dependencies)
        }
    };
    let dev = if runtime_only || super::examples::example_operations(krate).is_empty() {
        ""
    } else {
        "\n[dev-dependencies]\n# For the examples.\ntokio = { version = \"1.38.0\", features = [\"macros\", \"rt\"] }\n"
    };
    format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = {description}\npublish = false\n\n\
         [features]\ndefault = [\"credentials-chain\", {http2_default}\"rustls\", \"tracing\"]\n\
         # `Config::load`: region, credentials and settings from the environment, the shared config and\n\
         # credentials files, containers (ECS, EKS) and EC2 instance metadata, as the AWS SDKs find them.\n\
         credentials-chain = [{chain}]\n\
         # The default HTTP transport: hyper with rustls (ring) and the system's root certificates.\n\
         rustls = [{rustls}]\n\
         # HTTP/2 in the default transport (the `h2` crate): the requests that need it (input event streams),\n\
         # or all of them with `HyperClientBuilder::http2_for_all`. {http2_note}\n\
         http2 = [{http2}]\n\
         # `tracing` spans of each call and attempt: service, operation, attempt, status, request id, retry reason.\n\
         tracing = [{tracing}]\n\n[dependencies]\n{deps}\n{dev}",
        header = crate::format::toml_header(),
        description = toml_string(&description),
        http2_default = if deps.http2 { "\"http2\", " } else { "" },
        http2_note = if deps.http2 {
            "On by default: this service's event streams need it."
        } else {
            "This service needs it for none of its operations."
        },
        deps = dependencies.join("\n"),
    )
}

/// A dependency's specification, made optional.
fn optional(spec: &str) -> String {
    match spec.strip_suffix(" }") {
        Some(table) => format!("{table}, optional = true }}"),
        None => format!("{{ version = {spec}, optional = true }}"),
    }
}

/// A TOML basic string, quoted and escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(super::toml_string("a \"b\" c\\d\ne"), "\"a \\\"b\\\" c\\\\d\\u000Ae\"");
    }
}

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
    let types = (!krate.types.is_empty()).then(|| quote!(pub mod types;));
    let time = deps.time.then(|| {
        quote! {
            mod timestamp;
            /// The date-time crate used for timestamp members, re-exported.
            pub use ::time;
        }
    });
    let checksum = deps.checksum.then(|| quote!(mod checksum;));
    let compression = deps.gzip.then(|| quote!(mod compression;));
    // The runtime modules of the protocol and of customizations (files in
    // folders are submodules, which their parent declares).
    let module = |(path, _): &super::RuntimeFile| {
        let module = path.strip_prefix("src/")?.strip_suffix(".rs").filter(|m| !m.contains('/'))?;
        let module = super::ident(module);
        Some(quote!(mod #module;))
    };
    let protocol: Vec<TokenStream> = super::protocol::for_crate(krate).runtime().iter().filter_map(module).collect();
    let customized = super::customize::decorators(krate).into_iter().flat_map(|d| d.runtime().0.iter()).filter_map(module);
    let pagination = deps.pagination.then(|| quote!(pub mod pagination;));
    let presigning = super::fluent::presigns(krate).then(|| quote!(pub mod presigning;));
    let event_stream = deps.event_stream.then(|| quote!(pub mod event_stream;));
    let event_signing = deps.sends_events.then(|| quote!(mod event_signing;));
    // The chain, and the protocol modules only its clients use.
    let chain_only = super::chain_only_runtime_of(krate);
    let chain = super::CREDENTIALS_CHAIN.iter().chain(chain_only.iter()).filter_map(module).map(|declaration| {
        quote! {
            #[cfg(feature = "credentials-chain")]
            #declaration
        }
    });
    let waiters = super::has_waiters(krate).then(|| {
        quote! {
            mod waiter;
            pub mod waiters;
        }
    });
    quote! {
        #(#crate_docs)*
        pub mod client;
        pub mod clock;
        mod auth;
        mod byte_stream;
        pub mod config;
        pub mod endpoint;
        pub mod error;
        mod facts;
        mod interceptor;
        pub mod operation;
        pub mod primitives;
        mod protocol;
        mod retry;
        mod telemetry;
        pub mod testing;
        pub mod transport;
        #types
        #waiters
        #(#protocol)*
        mod orchestrator;
        mod service;
        mod wire;
        #time
        #checksum
        #compression
        #(#customized)*
        #pagination
        #presigning
        #event_stream
        #event_signing
        #(#chain)*

        pub use client::Client;
        pub use config::Config;
    }
}

pub fn cargo_toml(krate: &Crate, deps: Deps) -> String {
    let customized = |name: &str| super::customize::decorators(krate).iter().any(|d| d.runtime().1.contains(&name));
    let used = |name: &str| match name {
        "time" => deps.time,
        "flate2" => deps.gzip,
        "md-5" => deps.checksum,
        "quick-xml" => deps.xml,
        "crc32fast" => deps.event_stream || customized(name),
        "sha2" | "crc32c" | "crc64fast-nvme" | "sha1" | "percent-encoding" => customized(name),
        _ => true,
    };
    // The chain's clients read XML (STS) and timestamps, and the SSO token
    // cache is named by a SHA-1 (the login cache by a SHA-256): a crate whose
    // service does not has them as optional dependencies of the feature.
    let chain_only: Vec<&str> = ["quick-xml", "sha1", "sha2", "time"].into_iter().filter(|name| !used(name)).collect();
    let dependencies: Vec<String> = DEPENDENCIES
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
    let chain_deps: Vec<String> = chain_only.iter().map(|name| format!("\"dep:{name}\"")).collect();
    let chain_deps = chain_deps.join(", ");
    let feature = |feature: &str| -> String {
        let deps: Vec<String> =
            DEPENDENCIES.iter().filter(|(.., of)| *of == Some(feature)).map(|(name, ..)| format!("\"dep:{name}\"")).collect();
        deps.join(", ")
    };
    let description = format!("A Rust client for {}, generated from its Smithy model", krate.service.title);
    format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = {description}\npublish = false\n\n\
         [features]\ndefault = [\"credentials-chain\", {http2_default}\"rustls\", \"tracing\"]\n\
         # `Config::load`: region, credentials and settings from the environment, the shared config and\n\
         # credentials files, containers (ECS, EKS) and EC2 instance metadata, as the AWS SDKs find them.\n\
         credentials-chain = [{chain_deps}]\n\
         # The default HTTP transport: hyper with rustls (ring) and the system's root certificates.\n\
         rustls = [{rustls}]\n\
         # HTTP/2 in the default transport (the `h2` crate): the requests that need it (input event streams),\n\
         # or all of them with `HyperClientBuilder::http2_for_all`. {http2_note}\n\
         http2 = [\"rustls\", \"hyper/http2\", \"hyper-util/http2\", \"hyper-rustls/http2\"]\n\
         # `tracing` spans of each call and attempt: service, operation, attempt, status, request id, retry reason.\n\
         tracing = [{tracing}]\n\n[dependencies]\n{deps}\n{dev}",
        header = crate::format::toml_header(),
        name = krate.name,
        description = toml_string(&description),
        rustls = feature("rustls"),
        http2_default = if deps.http2 { "\"http2\", " } else { "" },
        http2_note = if deps.http2 {
            "On by default: this service's event streams need it."
        } else {
            "This service needs it for none of its operations."
        },
        tracing = feature("tracing"),
        chain_deps = chain_deps,
        deps = dependencies.join("\n"),
        dev = if super::examples::example_operations(krate).is_empty() {
            String::new()
        } else {
            "\n[dev-dependencies]\n# For the examples.\ntokio = { version = \"1.38.0\", features = [\"macros\", \"rt\"] }\n".to_owned()
        },
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

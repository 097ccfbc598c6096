//! The protocol layer of the emitters. A protocol decides how an
//! operation's input becomes an HTTP request, how a response (an output or
//! a modeled error) is read, and which codec writes and reads the types it
//! carries in bodies; everything else (types, builders, the client, error
//! enums, the `Operation` impl around the protocol's parts) is the same
//! for every protocol and emitted elsewhere.
//!
//! A protocol is added as one module here implementing [`ProtocolGen`],
//! one arm in [`for_crate`], its runtime module in `codegen/runtime/src/`
//! (implementing the runtime's `protocol::Protocol`), and, for a new body
//! format, a [`Codec`] beside `emit/json.rs`.

mod aws_json;
mod query;
mod rest_json;
mod rest_xml;

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;

use super::RuntimeFile;
use crate::ir::protocol::Protocol;
use crate::ir::http::HostPart;
use crate::ir::{Crate, Enum, Operation, Struct};

/// What a protocol emits.
pub(crate) trait ProtocolGen: Sync {
    /// The runtime files the protocol's generated code calls.
    fn runtime(&self) -> Vec<RuntimeFile>;

    /// The runtime value implementing `crate::protocol::Protocol`, for the
    /// service's facts.
    fn runtime_value(&self, krate: &Crate) -> TokenStream;

    /// How types are written to and read from bodies.
    fn codec(&self) -> &'static dyn Codec;

    /// The body of `Operation::serialize`: `input` and `config` in scope,
    /// evaluates to `Result<crate::orchestrator::Request, BuildError>`.
    fn write_request(&self, krate: &Crate, op: &Operation) -> TokenStream;

    /// Statements reading `response` into `var` of the structure's type
    /// (an output, or an error structure), ending in `Ok(var)`.
    fn read_response(&self, s: &Struct, var: TokenStream) -> TokenStream;

    /// Statements reading an operation's successful response into `var`
    /// of its output type, ending in `Ok(var)`.
    fn read_output(&self, op: &Operation, var: TokenStream) -> TokenStream {
        self.read_response(&op.output, var)
    }

    /// The error codes a response may name a modeled error by: its shape's
    /// name, and for an `@awsQueryCompatible` service its `@awsQueryError`
    /// code.
    fn error_codes(&self, krate: &Crate, error: &Struct) -> Vec<String> {
        let mut codes = vec![error.shape.name.clone()];
        if let crate::ir::StructKind::Error { query_code: Some(code), .. } = &error.kind {
            if krate.service.query_compatible && !codes.contains(code) {
                codes.push(code.clone());
            }
        }
        codes
    }
}

/// How a body format writes and reads the types of a crate: the trait
/// impls it adds beside each structure, union and enum (only in the
/// directions the IR marks as needed).
pub(crate) trait Codec: Sync {
    fn structure(&self, s: &Struct) -> TokenStream;
    fn union(&self, s: &Struct) -> TokenStream;
    fn enumeration(&self, e: &Enum) -> TokenStream;
    /// An expression reading the bytes `bytes` (an event's payload) as
    /// type `ty`, with `?`-able errors.
    fn read_payload(&self, ty: TokenStream, bytes: TokenStream) -> TokenStream;

    /// An expression of a type's zero value (Smithy's client error
    /// correction), for a structure filled from elsewhere than a body.
    fn zero_value(&self) -> TokenStream;
}

/// The emitter of the crate's protocol.
pub(crate) fn for_crate(krate: &Crate) -> &'static dyn ProtocolGen {
    match krate.protocol {
        Protocol::RestJson1 => &rest_json::RestJson1,
        Protocol::AwsJson1_0 => &aws_json::AwsJson { version: "1.0" },
        Protocol::AwsJson1_1 => &aws_json::AwsJson { version: "1.1" },
        Protocol::RestXml => &rest_xml::RestXml,
        Protocol::AwsQuery => &query::Query { ec2: false },
        Protocol::Ec2Query => &query::Query { ec2: true },
    }
}

/// An expression of the operation's host prefix (`Option<String>`), with
/// its `@hostLabel` members substituted and checked (the same for every
/// protocol: the `endpoint` trait is protocol-neutral).
fn host_prefix(op: &Operation) -> TokenStream {
    let input = &op.input;
    let field = |member: &str| input.fields.iter().find(|f| f.member == member);
    match &op.host_prefix {
        None => quote!(::std::option::Option::None),
        Some(parts) => {
            let pieces = parts.iter().map(|part| match part {
                HostPart::Text(text) => match text.chars().collect::<Vec<_>>()[..] {
                    [c] => quote!(prefix.push(#c);),
                    _ => quote!(prefix.push_str(#text);),
                },
                HostPart::Label(member) => match field(member) {
                    Some(f) => {
                        let name = ident(&f.name);
                        let (shape, field_name, member) = (input.name.clone(), f.name.clone(), f.member.clone());
                        quote! {
                            let value = crate::error::BuildError::require(input.#name.as_deref(), #shape, #field_name, #member)?;
                            if !crate::http_binding::is_host_label(value) {
                                return ::std::result::Result::Err(crate::error::BuildError::invalid_host_label(#shape, #field_name, #member));
                            }
                            prefix.push_str(value);
                        }
                    }
                    None => quote!(),
                },
            });
            quote!({
                let mut prefix = ::std::string::String::new();
                #(#pieces)*
                ::std::option::Option::Some(prefix)
            })
        }
}
}

/// An expression of the endpoint URL the operation's input names
/// (`Option<String>`), which replaces the resolved one: a customization's.
fn endpoint_override(krate: &Crate, op: &Operation) -> TokenStream {
    super::customize::decorators(krate)
        .iter()
        .find_map(|d| d.endpoint_override(op))
        .unwrap_or_else(|| quote!(::std::option::Option::None))
}

/// Statements on a body in memory (`body: Vec<u8>`, `headers` and `config`
/// in scope): request compression (`@requestCompression`), then Content-MD5
/// (`@httpChecksumRequired`), which covers the bytes actually sent.
fn body_checks(op: &Operation) -> TokenStream {
    let compression = op.gzip.then(|| quote!(let body = crate::compression::gzip_body(body, &mut headers, config);));
    let checksum = op.checksum_required.then(|| {
        quote! {
            if let ::std::option::Option::Some(header) = crate::http_binding::header("content-md5", &crate::checksum::content_md5(&body)) {
                headers.push(header);
            }
        }
    });
    quote!(#compression #checksum)
}

//! Operations: one public module per operation holding its input, output
//! and error types and their builders, an index module that lists them,
//! and one private `wire` module per operation with how it travels.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, structure, type_tokens};
use crate::ir::{Crate, Operation, RustType, StructKind};

/// `src/operation.rs`: the operation modules.
pub fn emit_index(krate: &Crate) -> TokenStream {
    let modules = krate.operations.values().map(|op| {
        let module = ident(&op.module);
        let summary = op.docs.first().cloned().unwrap_or_default();
        let doc = docs(&[summary]);
        quote! {
            #doc
            pub mod #module;
        }
    });
    quote! {
        //! One module per operation, each with its input and output types.
        #(#modules)*
    }
}

/// `src/operation/<name>.rs`.
pub fn emit(krate: &Crate, op: &Operation) -> TokenStream {
    let mut lines: Vec<String> = op.docs.clone();
    if !op.errors.is_empty() {
        lines.push(String::new());
        lines.push("Errors the service may return:".to_owned());
        for e in &op.errors {
            let path = type_tokens(&RustType::Named(e.clone())).to_string().replace(' ', "");
            lines.push(format!("- [`{}`]({path})", e.name));
        }
    }
    let module_docs = lines.iter().map(|line| {
        let text = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #text])
    });
    let fills = super::customize::input_fills(krate, op);
    let (input, input_builder) = structure::emit(&op.input, quote!(self::builders), &fills);
    let (output, output_builder) = structure::emit(&op.output, quote!(self::builders), &[]);
    let error_enum = error_enum(krate, op);
    let fluent = super::fluent::fluent_builder(krate, op, &fills);
    let paginator = super::paginator::paginator(op);
    quote! {
        #(#module_docs)*
        #input
        #output
        #error_enum
        /// Builders for this operation's input and output, and the fluent
        /// builder that sends it.
        pub mod builders {
            #input_builder
            #output_builder
            #fluent
            #paginator
        }
    }
}

/// `src/wire/<name>.rs`: how the operation travels. The codec's impls for
/// its input and output, its marker type and the marker's `Operation` impl
/// around the protocol's request writer and response reader; private, so
/// that the public module holds only what a user reads.
pub fn emit_wire(krate: &Crate, op: &Operation) -> TokenStream {
    let module = ident(&op.module);
    let (input, output, error) = (ident(&op.input.name), ident(&op.output.name), ident(&op.error));
    let codec = super::protocol::for_crate(krate).codec();
    let input_codec = codec.structure(&op.input);
    let output_codec = codec.structure(&op.output);
    let operation = operation_impl(krate, op);
    let doc = format!(" How [`{0}`](crate::operation::{1}) travels: its codec and its `Operation` impl.", op.name, op.module);
    quote! {
        #![doc = #doc]
        use crate::operation::#module::{#input, #output, #error};
        #input_codec
        #output_codec
        #operation
    }
}

/// The operation's marker type and the marker's `Operation` impl.
fn operation_impl(krate: &Crate, op: &Operation) -> TokenStream {
    let protocol = super::protocol::for_crate(krate);
    let marker = ident(&op.name);
    let input = ident(&op.input.name);
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let name = &op.name;
    let serialize = protocol.write_request(krate, op);
    let read_output = protocol.read_output(op, quote!(output));
    // The codes each error may be named by; a code an earlier error of the
    // operation already has stays with that one (its shape name first).
    let mut claimed: std::collections::BTreeSet<String> = op.errors.iter().map(|e| e.shape.name.clone()).collect();
    let all_codes: std::collections::BTreeMap<String, Vec<String>> = op
        .errors
        .iter()
        .map(|e| {
            let mut codes = vec![e.shape.name.clone()];
            if let Some(shape) = krate.errors.get(&e.name) {
                codes.extend(protocol.error_codes(krate, shape).into_iter().filter(|c| claimed.insert(c.clone())));
            }
            (e.name.clone(), codes)
        })
        .collect();
    let codes = |e: &crate::ir::TypeRef| all_codes.get(&e.name).cloned().unwrap_or_else(|| vec![e.shape.name.clone()]);
    let error_arms = op.errors.iter().map(|e| {
        let variant = ident(&e.name);
        let codes = codes(e);
        quote! {
            #(::std::option::Option::Some(#codes))|* => match crate::error::#variant::read_response(response, meta) {
                ::std::result::Result::Ok(error) => #error::#variant(error),
                ::std::result::Result::Err(unhandled) => #error::Unhandled(unhandled),
            },
        }
    });
    let retry_arms = op.errors.iter().filter_map(|e| {
        let shape = krate.errors.get(&e.name)?;
        match shape.kind {
            StructKind::Error { retryable: true, throttling, .. } => {
                let codes = codes(e);
                Some(quote!(#(#codes)|* => ::std::option::Option::Some(#throttling),))
            }
            _ => None,
        }
    });
    let unhandled = quote!(#error::Unhandled(crate::error::Unhandled::new(
        crate::error::UnhandledKind::Service,
        meta,
        ::std::option::Option::None,
    )));
    let error_body = if op.errors.is_empty() {
        quote! {
            let _ = response;
            #unhandled
        }
    } else {
        quote! {
            match meta.code() {
                #(#error_arms)*
                _ => #unhandled,
            }
        }
    };
    let retry_arms: Vec<TokenStream> = retry_arms.collect();
    let retry_body = if retry_arms.is_empty() {
        quote! {
            let _ = code;
            ::std::option::Option::None
        }
    } else {
        quote! {
            match code {
                #(#retry_arms)*
                _ => ::std::option::Option::None,
            }
        }
    };
    let sends_events = op.sends_events();
    let config_param = if op.gzip || sends_events { quote!(config) } else { quote!(_config) };
    // A streaming output payload: the orchestrator hands the body over as
    // it arrives, after `deserialize` has read the head.
    let streaming_output = op.output.fields.iter().find_map(|f| {
        let field = ident(&f.name);
        let value = match f.ty {
            RustType::ByteStream { .. } => quote!(body),
            RustType::EventStream(_) => quote!(crate::event_stream::EventReceiver::new(body)),
            _ => return None,
        };
        Some(quote! {
            const STREAMING_OUTPUT: ::std::option::Option<fn(&mut #output, crate::primitives::ByteStream)> =
                ::std::option::Option::Some(|output, body| output.#field = #value);
        })
    });
    let unsigned_payload = op.unsigned_payload.then(|| {
        quote!(
            const UNSIGNED_PAYLOAD: bool = true;
        )
    });
    let event_stream = op.receives_events().then(|| {
        quote!(
            const EVENT_STREAM: bool = true;
        )
    });
    let sign_events = sends_events.then(|| {
        quote!(
            const SIGN_EVENTS: ::std::option::Option<crate::orchestrator::SignEvents> =
                ::std::option::Option::Some(crate::event_signing::sign_events);
        )
    });
    let http2 = op.http2.then(|| {
        quote!(
            const HTTP2: bool = true;
        )
    });
    let interceptors: Vec<TokenStream> =
        super::customize::decorators(krate).iter().flat_map(|d| d.operation_interceptors(op)).collect();
    let interceptors = (!interceptors.is_empty()).then(|| {
        quote!(
            const INTERCEPTORS: &'static [&'static dyn crate::interceptor::Interceptor] = &[#(#interceptors),*];
        )
    });
    let auth = op.auth.as_ref().map(|schemes| {
        let schemes = super::auth_schemes(schemes);
        quote!(
            const AUTH: ::std::option::Option<&'static [crate::auth::AuthScheme]> = ::std::option::Option::Some(#schemes);
        )
    });
    let endpoint_params = super::endpoint::operation_params(op);
    let marker_doc = format!(" The `{name}` operation, as the orchestrator sends it.");
    quote! {
        #[doc = #marker_doc]
        pub(crate) struct #marker;

        impl crate::orchestrator::Operation for #marker {
            type Input = #input;
            type Output = #output;
            type Error = #error;

            const NAME: &'static str = #name;
            #streaming_output
            #unsigned_payload
            #event_stream
            #sign_events
            #http2
            #interceptors
            #auth

            fn serialize(input: &#input, #config_param: &crate::config::Config) -> ::std::result::Result<crate::orchestrator::Request, crate::error::BuildError> {
                #serialize
            }

            fn deserialize(response: &crate::transport::HttpResponse) -> ::std::result::Result<#output, crate::orchestrator::BoxError> {
                #read_output
            }

            fn error(meta: crate::error::ErrorMetadata, response: &crate::transport::HttpResponse) -> #error {
                #error_body
            }

            fn unhandled(error: crate::error::Unhandled) -> #error {
                #error::Unhandled(error)
            }

            fn modeled_retry(code: &str) -> ::std::option::Option<bool> {
                #retry_body
            }

            #endpoint_params
        }

    }
}

fn error_enum(krate: &Crate, op: &Operation) -> TokenStream {
    let doc = format!(
        " An error of [`{0}`](self): one variant per error the model lists, and `Unhandled` for everything else.",
        op.name
    );
    error_enum_named(krate, &op.error, &doc, &op.errors)
}

/// An enum with one variant per modeled error and `Unhandled`, with the
/// accessors of the error metadata, `Display` and `Error`.
pub(super) fn error_enum_named(krate: &Crate, name: &str, doc: &str, errors: &[crate::ir::TypeRef]) -> TokenStream {
    let error = ident(name);
    let variants = errors.iter().map(|e| {
        let variant = ident(&e.name);
        let ty = type_tokens(&RustType::Named(e.clone()));
        let first = krate.errors.get(&e.name).and_then(|s| s.docs.first().cloned()).unwrap_or_default();
        let doc = format!(" {first}");
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let variant_arms = errors.iter().map(|e| {
        let variant = ident(&e.name);
        quote!(Self::#variant(e) => e,)
    });
    quote! {
        #[doc = #doc]
        ///
        /// Every variant carries the code, message, HTTP status and request
        /// id of the response ([`meta`](Self::meta)); `Display` shows them.
        #[derive(Debug)]
        #[non_exhaustive]
        // Each variant is the modeled error as it is, to match on directly;
        // an error with large members makes the enum large.
        #[allow(clippy::large_enum_variant)]
        pub enum #error {
            #(#variants)*
            /// An error the model does not describe: an unmodeled error code,
            /// a failed connection, a timeout, an invalid input or an
            /// unreadable response.
            Unhandled(crate::error::Unhandled),
        }

        impl #error {
            /// The variant's error, for the methods below (one match).
            fn variant(&self) -> &dyn crate::error::ErrorVariant {
                match self {
                    #(#variant_arms)*
                    Self::Unhandled(e) => e,
                }
            }

            // The accessors are `#[inline]`: compiled only in the crates
            // that call them, not in every build of the client.

            /// The code, message, HTTP status and request id of the response.
            #[inline]
            pub fn meta(&self) -> &crate::error::ErrorMetadata {
                self.variant().meta()
            }

            /// The error code, such as `ThrottlingException`.
            #[inline]
            pub fn code(&self) -> ::std::option::Option<&str> {
                let variant = self.variant();
                variant.meta().code().or(variant.modeled_code())
            }

            /// The service's message.
            #[inline]
            pub fn message(&self) -> ::std::option::Option<&str> {
                self.meta().message()
            }

            /// The HTTP status of the response, when there was one.
            #[inline]
            pub fn status(&self) -> ::std::option::Option<u16> {
                self.meta().status()
            }

            /// The request id of the response (`x-amzn-requestid`).
            #[inline]
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                self.meta().request_id()
            }

            /// Whether the model marks this error retryable.
            #[inline]
            pub fn is_retryable(&self) -> bool {
                self.variant().retryable()
            }
        }

        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(self.variant().as_error(), f)
            }
        }

        // Transparent: the enum only wraps its variant, so it shows the
        // variant's text and hands on the variant's cause (returning the
        // variant itself would print its text twice in a chain).
        impl ::std::error::Error for #error {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                self.variant().as_error().source()
            }
        }
    }
}

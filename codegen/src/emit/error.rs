//! The `error` module: one type per modeled error shape, each a structure
//! with `Display` and `std::error::Error`, plus the builders' `BuildError`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, structure};
use crate::ir::{Crate, ErrorFault, StructKind};

pub fn emit_module(krate: &Crate) -> TokenStream {
    let mut items = Vec::new();
    let mut builders = Vec::new();
    for e in krate.errors.values() {
        let (item, builder) = structure::emit(e, quote!(crate::error::builders), &[]);
        items.push(item);
        builders.push(builder);
        items.push(error_impls(krate, e));
    }
    let builders = (!builders.is_empty()).then(|| {
        quote! {
            /// Builders for the error types of this module.
            pub mod builders {
                #(#builders)*
            }
        }
    });
    // A nested client's errors share the runtime's, in the crate's `error`.
    let runtime = if krate.nested {
        quote! {
            //! Errors: the service's modeled errors; `Unhandled`, `BuildError`
            //! and the rest are the crate's (`crate::error`).
        }
    } else if let Some(runtime) = krate.runtime_lib() {
        let runtime = super::ident(&runtime);
        quote! {
            //! Errors: the service's modeled errors, [`Unhandled`] for everything
            //! else, and the builders' [`BuildError`].
            pub use ::#runtime::error::{BuildError, DisplayErrorContext, ErrorMetadata, ErrorType, Unhandled, UnhandledKind};
            pub(crate) use ::#runtime::error::ErrorVariant;
        }
    } else {
        quote! {
            //! Errors: the service's modeled errors, [`Unhandled`] for everything
            //! else, and the builders' [`BuildError`].
            mod build;
            mod meta;
            pub use build::BuildError;
            pub use meta::{DisplayErrorContext, ErrorMetadata, ErrorType, Unhandled, UnhandledKind};
            pub(crate) use meta::ErrorVariant;
        }
    };
    quote! {
        #runtime
        #(#items)*
        #builders
    }
}

fn error_impls(krate: &Crate, e: &crate::ir::Struct) -> TokenStream {
    let name = ident(&e.name);
    // The code on the wire: the first the protocol reads this error by
    // (the shape's name, or the query protocols' `@awsQueryError` code).
    let codes = super::protocol::for_crate(krate).error_codes(krate, e);
    let code = codes.first().unwrap_or(&e.shape.name);
    let message =
        e.fields.iter().find(|f| f.member.eq_ignore_ascii_case("message") && f.ty == crate::ir::RustType::String);
    // Errors say what they are by their shape's name, as the AWS SDKs do,
    // even where the wire names them otherwise (`@awsQueryError` codes).
    let shape_name = &e.shape.name;
    // The service's message wins over the member (they are usually the same).
    let display = match message {
        Some(f) if !f.sensitive => {
            let field = ident(&f.name);
            let member = if f.optional {
                quote!(self.#field.as_deref())
            } else {
                quote!(::std::option::Option::Some(self.#field.as_str()))
            };
            quote! {
                f.write_str(#shape_name)?;
                if let ::std::option::Option::Some(message) = self._meta.message().or(#member) {
                    ::std::write!(f, ": {message}")?;
                }
                self._meta.fmt_suffix(f)
            }
        }
        _ => quote! {
            f.write_str(#shape_name)?;
            self._meta.fmt_suffix(f)
        },
    };
    let (fault, status, retryable, throttling) = match &e.kind {
        StructKind::Error { fault, http_status, retryable, throttling, .. } => {
            (*fault, *http_status, *retryable, *throttling)
        }
        _ => (ErrorFault::Client, None, false, false),
    };
    let is_server = fault == ErrorFault::Server;
    let status = match status {
        Some(code) => quote!(::std::option::Option::Some(#code)),
        None => quote!(::std::option::Option::None),
    };
    quote! {
        impl #name {
            /// The error code the service sends for this error.
            pub const CODE: &'static str = #code;

            /// The HTTP status the model gives this error, if any.
            pub const HTTP_STATUS: ::std::option::Option<u16> = #status;

            /// Whether the fault lies with the service (`true`) or the caller.
            pub const IS_SERVER_FAULT: bool = #is_server;

            /// Whether the model marks this error as retryable.
            pub const RETRYABLE: bool = #retryable;

            /// Whether the model marks this error as a throttling error.
            pub const THROTTLING: bool = #throttling;
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #display
            }
        }

        impl ::std::error::Error for #name {}

        impl crate::error::ErrorVariant for #name {
            fn meta(&self) -> &crate::error::ErrorMetadata {
                &self._meta
            }

            fn modeled_code(&self) -> ::std::option::Option<&'static str> {
                ::std::option::Option::Some(Self::CODE)
            }

            fn retryable(&self) -> bool {
                Self::RETRYABLE
            }

            fn as_error(&self) -> &(dyn ::std::error::Error + 'static) {
                self
            }
        }
    }
}

/// `src/wire/errors.rs`: the codec's impls for the error structures, and
/// one reader per modeled error that some operation can return, shared by
/// every operation's error mapping.
pub fn emit_wire(krate: &Crate) -> TokenStream {
    let protocol = super::protocol::for_crate(krate);
    let codecs = krate.errors.values().map(|e| protocol.codec().structure(e));
    let used: std::collections::BTreeSet<&str> =
        krate.operations.values().flat_map(|op| op.errors.iter().map(|e| e.name.as_str())).collect();
    let readers = krate.errors.iter().filter(|(name, _)| used.contains(name.as_str())).map(|(_, shape)| {
        let ty = ident(&shape.name);
        let body = protocol.read_response(shape, quote!(error));
        let doc = format!(" Reads a `{}` error response.", shape.shape.name);
        quote! {
            impl #ty {
            #[doc = #doc]
            pub(crate) fn read_response(
                response: &crate::transport::HttpResponse,
                meta: crate::error::ErrorMetadata,
            ) -> ::std::result::Result<Self, crate::error::Unhandled> {
                let read = || -> ::std::result::Result<#ty, crate::orchestrator::BoxError> { #body };
                match read() {
                    ::std::result::Result::Ok(mut error) => {
                        error._meta = meta;
                        ::std::result::Result::Ok(error)
                    }
                    ::std::result::Result::Err(source) => ::std::result::Result::Err(crate::error::Unhandled::new(
                        crate::error::UnhandledKind::Response,
                        meta,
                        ::std::option::Option::Some(source),
                    )),
                }
            }
            }
        }
    });
    quote! {
        //! How the service's errors travel: their codec and their readers.
        #[allow(unused_imports)]
        use crate::error::*;
        #(#codecs)*
        #(#readers)*
    }
}

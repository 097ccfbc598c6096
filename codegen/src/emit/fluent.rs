//! The fluent builder of each operation (in its module's `builders`): the
//! input's setters, then `send`.

use proc_macro2::TokenStream;
use quote::quote;

use super::customize::Fill;
use super::{docs, ident, type_tokens};
use crate::ir::auth::AuthScheme;
use crate::ir::{names, Crate, Field, Operation, Struct};

/// Whether an operation can be presigned: it signs with SigV4 (its own
/// schemes, else the service's) and its input is not an event stream.
pub(crate) fn presignable(krate: &Crate, op: &Operation) -> bool {
    // The credential chain's clients (nested) only send.
    if krate.nested {
        return false;
    }
    let schemes = op.auth.as_ref().unwrap_or(&krate.service.auth);
    schemes.iter().any(|s| matches!(s, AuthScheme::SigV4 { .. }))
        && !op.sends_events()
}

/// Whether the crate presigns (and carries `src/presigning.rs`).
pub(crate) fn presigns(krate: &Crate) -> bool {
    krate.operations.values().any(|op| presignable(krate, op))
}

/// Setters that forward to the builder in `self.inner`.
pub(super) fn forwarding_setters(input: &Struct, fills: &[Fill]) -> Vec<TokenStream> {
    input
        .fields
        .iter()
        .map(|f: &Field| {
            let field = ident(&f.name);
            let set = super::ident(&names::derived::setter(&f.name));
            let ty = type_tokens(&f.ty);
            let doc = docs(&super::structure::field_docs(f, fills));
            let allow = super::structure::operator_named(&f.name);
            let (param, _) = super::structure::setter_input(&f.ty);
            quote! {
                #doc
                #allow
                pub fn #field(mut self, input: #param) -> Self {
                    self.inner = self.inner.#field(input);
                    self
                }

                // `#[inline]`: compiled only in the crates that call it.
                #doc
                #[inline]
                pub fn #set(mut self, input: ::std::option::Option<#ty>) -> Self {
                    self.inner = self.inner.#set(input);
                    self
                }
            }
        })
        .collect()
}

/// `self.inner.build()` as the operation's input, or the operation's error.
pub(super) fn build_input(op: &Operation, fills: &[Fill], error: TokenStream) -> TokenStream {
    if needs_check(op, fills) {
        quote! {
            self.inner.build().map_err(|e| #error)?
        }
    } else {
        quote!(self.inner.build())
    }
}
/// Whether building the operation's input can fail (a required member
/// with no default that nothing fills in).
fn needs_check(op: &Operation, fills: &[Fill]) -> bool {
    op.input.fields.iter().any(|f| f.required && f.default.is_none() && super::structure::fill_of(f, fills).is_none())
}

/// The fluent builder of an operation (in its module's `builders`).
pub fn fluent_builder(krate: &Crate, op: &Operation, fills: &[Fill]) -> TokenStream {
    let fluent = ident(&op.fluent);
    let input_builder = super::ident(&names::derived::builder(&op.input.name));
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let marker = ident(&op.name);
    let module = ident(&op.module);
    let setters = forwarding_setters(&op.input, fills);
    // `@idempotencyToken` members left unset get a token from the config.
    let tokens: Vec<TokenStream> = op
        .input
        .fields
        .iter()
        .filter(|f| f.idempotency_token)
        .map(|f| {
            let field = ident(&f.name);
            quote! {
                if self.inner.#field.is_none() {
                    self.inner.#field = ::std::option::Option::Some((self.handle.config.idempotency_token)());
                }
            }
        })
        .collect();
    let send_mut = if tokens.is_empty() { quote!() } else { quote!(mut) };
    let clone = if super::structure::has_stream(&op.input) { quote!() } else { quote!(Clone) };
    let doc = format!(" Sends [`{0}`](super): set the input's members, then call [`send`](Self::send).", op.name);
    // The input, or why it could not be built: the runtime's future turns
    // the latter into the operation's error.
    let input = if needs_check(op, fills) {
        quote!(self.inner.build())
    } else {
        quote!(::std::result::Result::Ok(self.inner.build()))
    };
    let presigned = presignable(krate, op).then(|| {
        quote! {
            /// A presigned request for this input, valid as `config` says:
            /// the input is checked and the endpoint resolved as
            /// [`send`](Self::send) does, and the request signed with SigV4
            /// in its query string, for any HTTP client to send. Nothing is
            /// sent.
            #[inline]
            pub fn presigned(
                #send_mut self,
                config: crate::presigning::PresigningConfig,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<crate::presigning::PresignedRequest, super::#error>> {
                #(#tokens)*
                crate::presigning::presign_built::<crate::wire::#module::#marker>(self.handle, #input, config)
            }
        }
    });
    let config_override = config_override(&[
        "Changes the configuration of this builder's calls only",
        "(`send`, `presigned`, a paginator's pages): `change` gets",
        "the current configuration as a builder, such as",
        "`|c| c.region(\"eu-west-1\")`. The client is unchanged; its",
        "retry budget, connection pool and cached credentials serve",
        "unless the override changes the connect timeout or the",
        "credentials.",
    ]);
    quote! {
        #[doc = #doc]
        #[derive(Debug, #clone)]
        pub struct #fluent {
            handle: ::std::sync::Arc<crate::orchestrator::Handle>,
            inner: #input_builder,
        }

        impl #fluent {
            pub(crate) fn new(handle: ::std::sync::Arc<crate::orchestrator::Handle>) -> Self {
                Self { handle, inner: ::std::default::Default::default() }
            }

            /// The input as set so far.
            pub fn as_input(&self) -> &#input_builder {
                &self.inner
            }

            #(#setters)*

            #config_override

            /// Sends the request: checks the input (a missing required member
            /// fails here, before any I/O), resolves the endpoint, signs,
            /// sends with retries and timeouts, and reads the response.
            // `#[inline]`, as the operation's codec (`Codegen::AtUse`):
            // an operation is compiled to machine code in the crates that
            // send it, not in this one.
            #[inline]
            pub fn send(#send_mut self) -> impl ::std::future::Future<Output = ::std::result::Result<super::#output, super::#error>> {
                #(#tokens)*
                crate::orchestrator::invoke_built::<crate::wire::#module::#marker>(self.handle, #input)
            }

            #presigned
        }
    }
}

/// `config_override` of a type that holds the client's `handle` (a fluent
/// builder, a waiter), with its doc comment's `lines`.
pub(super) fn config_override(lines: &[&str]) -> TokenStream {
    let doc = docs(&lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>());
    quote! {
        #doc
        pub fn config_override(
            mut self,
            change: impl ::std::ops::FnOnce(crate::config::ConfigBuilder) -> crate::config::ConfigBuilder,
        ) -> Self {
            self.handle = crate::orchestrator::with_override(&self.handle, change);
            self
        }
    }
}

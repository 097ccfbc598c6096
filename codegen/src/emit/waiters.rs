//! `src/waiters.rs`: a type per waiter, which polls its operation until an
//! acceptor decides.

use proc_macro2::TokenStream;
use quote::quote;

use super::fluent::{build_input, forwarding_setters};
use super::{docs, ident};
use crate::ir::waiter::{Comparator, Leaf, Matcher, State, Waiter};
use crate::ir::{Crate, Operation};
use crate::ir::names;

/// `src/waiters.rs`.
pub fn waiters(krate: &Crate) -> TokenStream {
    let mut items = Vec::new();
    for op in krate.operations.values() {
        for waiter in &op.waiters {
            items.push(waiter_item(op, waiter));
        }
    }
    quote! {
        //! Waiters: each polls an operation until the resource it describes
        //! reaches a state, with the backoff the model sets.
        pub use crate::waiter::{FinalPoll, WaiterError};
        #(#items)*
    }
}

fn waiter_item(op: &Operation, waiter: &Waiter) -> TokenStream {
    let ty = ident(&waiter.name);
    let module = ident(&op.module);
    let input_builder = super::ident(&names::derived::builder(&op.input.name));
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let marker = ident(&op.name);
    let setters = forwarding_setters(&op.input);
    let name = &waiter.name;
    let classify = super::ident(&names::derived::waiter_classifier(&waiter.snake));
    let (min, max) = (waiter.min_delay, waiter.max_delay);
    let mut lines = vec![format!(
        "Polls [`{}`](crate::operation::{}) until {}; set the input's members, then call [`wait`](Self::wait).",
        op.name,
        op.module,
        waiter_goal(waiter)
    )];
    if !waiter.docs.is_empty() {
        lines.push(String::new());
        lines.extend(waiter.docs.iter().cloned());
    }
    lines.push(String::new());
    lines.push(format!("Delays between attempts: from {min} s up to {max} s, exponential with jitter."));
    let doc = docs(&lines);
    let acceptors = waiter.acceptors.iter().map(|acceptor| {
        let state = match acceptor.state {
            State::Success => quote!(crate::waiter::AcceptorState::Success),
            State::Failure => quote!(crate::waiter::AcceptorState::Failure),
            State::Retry => quote!(crate::waiter::AcceptorState::Retry),
        };
        let description = describe(&acceptor.matcher);
        let test = matcher_test(&acceptor.matcher, &error);
        quote! {
            if #test {
                return ::std::option::Option::Some((#state, #description));
            }
        }
    });
    let input = build_input(
        op,
        quote!(crate::waiter::WaiterError::OperationFailed {
            waiter: #name,
            error: crate::operation::#module::#error::Unhandled(crate::error::Unhandled::new(
                crate::error::UnhandledKind::InvalidInput,
                ::std::default::Default::default(),
                ::std::option::Option::Some(::std::boxed::Box::new(e)),
            )),
            attempts: 0,
        }),
    );
    let classify_doc = format!(" The acceptors of `{name}`, in order: the first that matches decides.");
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct #ty {
            handle: ::std::sync::Arc<crate::orchestrator::Handle>,
            inner: crate::operation::#module::builders::#input_builder,
        }

        impl #ty {
            pub(crate) fn new(handle: ::std::sync::Arc<crate::orchestrator::Handle>) -> Self {
                Self { handle, inner: ::std::default::Default::default() }
            }

            #(#setters)*

            /// Polls until an acceptor decides, or `max_wait` has passed.
            pub async fn wait(
                self,
                max_wait: ::std::time::Duration,
            ) -> ::std::result::Result<
                crate::waiter::FinalPoll<crate::operation::#module::#output, crate::operation::#module::#error>,
                crate::waiter::WaiterError<crate::operation::#module::#output, crate::operation::#module::#error>,
            > {
                let input = #input;
                let waiter = crate::waiter::Waiter {
                    name: #name,
                    min_delay: ::std::time::Duration::from_secs(#min),
                    max_delay: ::std::time::Duration::from_secs(#max),
                };
                let handle = &self.handle;
                waiter
                    .wait(
                        &handle.config,
                        max_wait,
                        || crate::orchestrator::invoke::<crate::wire::#module::#marker>(handle, &input),
                        #classify,
                    )
                    .await
            }
        }

        #[doc = #classify_doc]
        fn #classify(
            result: &::std::result::Result<crate::operation::#module::#output, crate::operation::#module::#error>,
        ) -> ::std::option::Option<(crate::waiter::AcceptorState, &'static str)> {
            #(#acceptors)*
            ::std::option::Option::None
        }
    }
}
/// What the waiter waits for, in words: its success acceptors.
pub(super) fn waiter_goal(waiter: &Waiter) -> String {
    let success: Vec<String> = waiter
        .acceptors
        .iter()
        .filter(|a| a.state == State::Success)
        .map(|a| describe(&a.matcher))
        .collect();
    if success.is_empty() {
        "it succeeds".to_owned()
    } else {
        success.join(" or ")
    }
}

/// A matcher in words, for docs and for the waiter's messages.
fn describe(matcher: &Matcher) -> String {
    match matcher {
        Matcher::Output { path, expected, .. } => format!("`{} == \"{expected}\"`", path.join(".")),
        Matcher::Success(true) => "the operation succeeds".to_owned(),
        Matcher::Success(false) => "the operation fails".to_owned(),
        Matcher::ErrorType(code) => format!("it fails with `{code}`"),
    }
}
/// A boolean expression over `result` that is true when the matcher matches.
fn matcher_test(matcher: &Matcher, error: &proc_macro2::Ident) -> TokenStream {
    let _ = error;
    match matcher {
        Matcher::Success(true) => quote!(result.is_ok()),
        Matcher::Success(false) => quote!(result.is_err()),
        Matcher::ErrorType(code) => quote!(result.as_ref().err().and_then(|e| e.code()) == ::std::option::Option::Some(#code)),
        Matcher::Output { expected, comparator, steps, .. } => {
            // Walk the path with `?` inside a closure-free chain of `and_then`.
            let mut chain = quote!(result.as_ref().ok());
            for step in steps {
                let field = ident(&step.field);
                let last = step.leaf != Leaf::Struct;
                let access = match (step.optional, step.boxed) {
                    (true, true) => quote!(.and_then(|v| v.#field.as_deref())),
                    (true, false) => quote!(.and_then(|v| v.#field.as_ref())),
                    (false, true) => quote!(.map(|v| &*v.#field)),
                    (false, false) => quote!(.map(|v| &v.#field)),
                };
                chain = quote!(#chain #access);
                if last {
                    chain = match step.leaf {
                        Leaf::Str => quote!(#chain.map(|v| v.as_str())),
                        _ => quote!(#chain.copied()),
                    };
                }
            }
            match comparator {
                Comparator::StringEquals => quote!(#chain == ::std::option::Option::Some(#expected)),
                Comparator::BooleanEquals => {
                    let expected = expected == "true";
                    quote!(#chain == ::std::option::Option::Some(#expected))
                }
            }
        }
    }
}

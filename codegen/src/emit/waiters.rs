//! `src/waiters.rs`: a type per waiter, which polls its operation until an
//! acceptor decides.

mod path;

use proc_macro2::TokenStream;
use quote::quote;

use super::fluent::{build_input, forwarding_setters};
use super::{docs, ident};
use crate::ir::waiter::{Comparator, Matcher, State, Waiter};
use crate::ir::{Crate, Operation};
use crate::ir::names;

/// `src/waiters.rs`.
pub fn waiters(krate: &Crate) -> TokenStream {
    let mut items = Vec::new();
    for op in krate.operations.values() {
        for waiter in &op.waiters {
            items.push(waiter_item(krate, op, waiter, &super::customize::input_fills(krate, op)));
        }
    }
    quote! {
        //! Waiters: each polls an operation until the resource it describes
        //! reaches a state, with the backoff the model sets.
        pub use crate::waiter::{FinalPoll, WaiterError};
        #(#items)*
    }
}

fn waiter_item(krate: &Crate, op: &Operation, waiter: &Waiter, fills: &[super::customize::Fill]) -> TokenStream {
    let ty = ident(&waiter.name);
    let module = ident(&op.module);
    let input_builder = super::ident(&names::derived::builder(&op.input.name));
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let marker = ident(&op.name);
    let setters = forwarding_setters(&op.input, fills);
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
    let classifier = classifier(krate, op, waiter);
    let input = build_input(
        op,
        fills,
        quote!(crate::waiter::WaiterError::OperationFailed {
            waiter: #name,
            error: crate::orchestrator::invalid_input::<crate::wire::#module::#marker>(e),
            attempts: 0,
        }),
    );
    let classify_call = if classifier_reads_input(waiter) {
        quote!(|result| #classify(&input, result))
    } else {
        quote!(#classify)
    };
    let config_override = super::fluent::config_override(&[
        "Changes the configuration of this waiter's polls only, as a",
        "fluent builder's `config_override` does for its calls: `change`",
        "gets the current configuration as a builder, such as",
        "`|c| c.region(\"eu-west-1\")`. The client is unchanged.",
    ]);
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

            #config_override

            /// Polls until an acceptor decides, or `max_wait` has passed.
            #[inline]
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
                        #classify_call,
                    )
                    .await
            }
        }

        #classifier
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
        Matcher::Path(m) => {
            let (path, expected) = (&m.path, &m.expected);
            match m.comparator {
                Comparator::StringEquals => code(&format!("{path} == \"{expected}\"")),
                Comparator::BooleanEquals => format!("{} is {expected}", code(path)),
                Comparator::AnyStringEquals => format!("any of {} is \"{expected}\"", code(path)),
                Comparator::AllStringEquals => format!("all of {} are \"{expected}\"", code(path)),
            }
        }
        Matcher::Success(true) => "the operation succeeds".to_owned(),
        Matcher::Success(false) => "the operation fails".to_owned(),
        Matcher::ErrorType(code) => format!("it fails with `{code}`"),
    }
}

/// `text` as Markdown code, with a delimiter its own backticks cannot end.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// The acceptors of one arm of a classifier (an output, or an error).
#[derive(Default)]
struct Arm {
    tests: Vec<TokenStream>,
    /// An acceptor that matches whatever the arm binds.
    otherwise: Option<TokenStream>,
}

impl Arm {
    fn test(&mut self, test: TokenStream, decision: TokenStream) {
        if self.otherwise.is_none() {
            self.tests.push(quote! {
                if #test {
                    return #decision;
                }
            });
        }
    }

    fn always(&mut self, decision: TokenStream) {
        self.otherwise.get_or_insert(decision);
    }

    fn is_empty(&self) -> bool {
        self.tests.is_empty() && self.otherwise.is_none()
    }

    /// `Ok(output) => { if .. { return ..; } None }`.
    fn render(self, variant: TokenStream, binding: TokenStream) -> TokenStream {
        let otherwise = self.otherwise.unwrap_or_else(|| quote!(::std::option::Option::None));
        if self.tests.is_empty() {
            return quote!(#variant(_) => #otherwise,);
        }
        let tests = self.tests;
        quote! {
            #variant(#binding) => {
                #(#tests)*
                #otherwise
            }
        }
    }
}

/// Whether an acceptor of the waiter reads the operation's input.
fn classifier_reads_input(waiter: &Waiter) -> bool {
    waiter.acceptors.iter().any(|a| match &a.matcher {
        Matcher::Path(m) => m.test.as_ref().is_some_and(|t| path::render_test(t).is_some() && path::reads_input(t)),
        _ => false,
    })
}

/// The function that classifies a response, one `match` arm per acceptor
/// in the model's order (the first that matches decides), and a function
/// per acceptor whose test can fail (`?`).
fn classifier(krate: &Crate, op: &Operation, waiter: &Waiter) -> TokenStream {
    let module = ident(&op.module);
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let input_ty = ident(&op.input.name);
    let classify = ident(&names::derived::waiter_classifier(&waiter.snake));
    let reads_input = classifier_reads_input(waiter);
    // The tests on an output and on an error, in the model's order, and
    // what the arm gives when none matches (an unconditional acceptor
    // ends the arm).
    let (mut ok, mut err) = (Arm::default(), Arm::default());
    let mut helpers = Vec::new();
    for (i, acceptor) in waiter.acceptors.iter().enumerate() {
        let state = match acceptor.state {
            State::Success => quote!(crate::waiter::AcceptorState::Success),
            State::Failure => quote!(crate::waiter::AcceptorState::Failure),
            State::Retry => quote!(crate::waiter::AcceptorState::Retry),
        };
        let description = describe(&acceptor.matcher);
        let decision = quote!(::std::option::Option::Some((#state, #description)));
        match &acceptor.matcher {
            Matcher::Success(true) => ok.always(decision),
            Matcher::Success(false) => err.always(decision),
            Matcher::ErrorType(code) => {
                // An acceptor may name a modeled error by its shape name
                // while the service sends another code (awsQuery's
                // `@awsQueryError`): any code of that error matches.
                let test = match error_codes(krate, op, code).as_slice() {
                    [one] => quote!(error.code() == ::std::option::Option::Some(#one)),
                    codes => quote!(matches!(error.code(), #(::std::option::Option::Some(#codes))|*)),
                };
                err.test(test, decision);
            }
            Matcher::Path(m) => match m.test.as_ref().and_then(path::render_test) {
                // The types say it never matches.
                None => {}
                Some(test) if test.always => ok.always(decision),
                Some(test) if test.fallible => {
                    let helper = ident(&names::derived::waiter_acceptor(&waiter.snake, i + 1));
                    let reads_input = m.test.as_ref().is_some_and(path::reads_input);
                    let (params, args) = if reads_input {
                        (
                            quote!(input: &crate::operation::#module::#input_ty, output: &crate::operation::#module::#output),
                            quote!(input, output),
                        )
                    } else {
                        (quote!(output: &crate::operation::#module::#output), quote!(output))
                    };
                    let doc = format!(
                        " Acceptor {} of `{}`, {description}; `None` when evaluating the path fails (as `length` of a missing member does).",
                        i + 1,
                        waiter.name,
                    );
                    let tokens = &test.tokens;
                    helpers.push(quote! {
                        #[doc = #doc]
                        fn #helper(#params) -> ::std::option::Option<bool> {
                            ::std::option::Option::Some(#tokens)
                        }
                    });
                    ok.test(quote!(#helper(#args) == ::std::option::Option::Some(true)), decision);
                }
                Some(test) => ok.test(test.tokens, decision),
            },
        }
    }
    let input_param = reads_input.then(|| quote!(input: &crate::operation::#module::#input_ty,));
    let result_type = quote!(::std::result::Result<crate::operation::#module::#output, crate::operation::#module::#error>);
    let none = quote!(::std::option::Option::None);
    let body = match (ok.is_empty(), err.is_empty()) {
        // (No acceptor can ever match.)
        (true, true) => quote!({
            let _ = result;
            #none
        }),
        // Only outputs (or only errors) are tested: the other kind returns early.
        (false, true) if !ok.tests.is_empty() => {
            let (tests, otherwise) = (&ok.tests, ok.otherwise.as_ref().unwrap_or(&none));
            quote!({
                let ::std::result::Result::Ok(output) = result else { return #none; };
                #(#tests)*
                #otherwise
            })
        }
        (true, false) if !err.tests.is_empty() => {
            let (tests, otherwise) = (&err.tests, err.otherwise.as_ref().unwrap_or(&none));
            quote!({
                let ::std::result::Result::Err(error) = result else { return #none; };
                #(#tests)*
                #otherwise
            })
        }
        _ => {
            let ok = ok.render(quote!(::std::result::Result::Ok), quote!(output));
            let err = err.render(quote!(::std::result::Result::Err), quote!(error));
            quote!({ match result { #ok #err } })
        }
    };
    let doc = format!(" The acceptors of `{}`, in order: the first that matches decides.", waiter.name);
    quote! {
        #[doc = #doc]
        fn #classify(
            #input_param
            result: &#result_type,
        ) -> ::std::option::Option<(crate::waiter::AcceptorState, &'static str)> #body

        #(#helpers)*
    }
}

/// The codes an `errorType` acceptor matches: the text itself, and when it
/// names one of the operation's modeled errors, every code the protocol
/// reads as that error.
fn error_codes(krate: &Crate, op: &Operation, code: &str) -> Vec<String> {
    let mut codes = vec![code.to_owned()];
    let protocol = super::protocol::for_crate(krate);
    for error in op.errors.iter().filter(|e| e.shape.name == code) {
        if let Some(shape) = krate.errors.get(&error.name) {
            for other in protocol.error_codes(krate, shape) {
                if !codes.contains(&other) {
                    codes.push(other);
                }
            }
        }
    }
    codes
}

//! The client: `Client` with one method per operation and per waiter, the
//! fluent builders that send an operation, the waiters, and the service's
//! constants (`service.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, ident, type_tokens};
use crate::ir::waiter::{Comparator, Leaf, Matcher, State, Waiter};
use crate::ir::{Crate, Field, Operation, Struct};

/// `src/service.rs`.
pub fn service(krate: &Crate) -> TokenStream {
    let env_suffix: String = krate
        .service
        .sdk_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
        .collect();
    let endpoint_env = format!("AWS_ENDPOINT_URL_{env_suffix}");
    let endpoint_doc = format!(" `{endpoint_env}` or else `AWS_ENDPOINT_URL` (unless");
    let auth = super::auth_schemes(&krate.service.auth);
    let protocol = super::protocol::for_crate(krate).runtime_value();
    let decorators = super::customize::decorators(krate);
    let interceptors = decorators.iter().flat_map(|d| d.service_interceptors(krate));
    quote! {
        //! Facts about the service that the client hands to the runtime.

        /// What the runtime needs to know of this service.
        pub(crate) static SERVICE: crate::facts::ServiceFacts = crate::facts::ServiceFacts {
            user_agent: USER_AGENT,
            resolve_endpoint,
            protocol: &#protocol,
            auth: #auth,
            interceptors: &[#(#interceptors),*],
            retry_classifiers: &[],
        };

        /// The service-specific endpoint variable `Config::from_env` reads.
        const ENDPOINT_URL_ENV: &str = #endpoint_env;

        /// Sent as `User-Agent`: this crate's name and version.
        const USER_AGENT: &str = ::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION"));

        /// The endpoint of a request: the service's rules for the configuration.
        fn resolve_endpoint(config: &crate::config::Config) -> ::std::result::Result<crate::facts::ResolvedEndpoint, crate::orchestrator::BoxError> {
            let endpoint = crate::endpoint::resolve(&crate::endpoint::Params::from_config(config))?;
            ::std::result::Result::Ok(endpoint.into_resolved())
        }

        impl crate::config::Config {
            /// Reads the settings the AWS SDKs read from the environment:
            /// `AWS_REGION` (or `AWS_DEFAULT_REGION`), the credentials in
            /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
            /// (read again when the client's cached credentials are refreshed,
            /// every 15 minutes), the endpoint in the service's own
            #[doc = #endpoint_doc]
            /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true), `AWS_USE_FIPS_ENDPOINT`,
            /// `AWS_USE_DUALSTACK_ENDPOINT`, `AWS_MAX_ATTEMPTS`,
            /// `AWS_DISABLE_REQUEST_COMPRESSION` and
            /// `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`. Returns a builder, so
            /// that any of them can still be overridden.
            pub fn from_env() -> crate::config::ConfigBuilder {
                Self::from_env_for(ENDPOINT_URL_ENV)
            }

            /// [`Config::from_env`](Self::from_env) reading variables from
            /// `lookup` instead of the process environment (for tests);
            /// credentials are read once.
            pub fn from_env_source(lookup: impl Fn(&str) -> ::std::option::Option<::std::string::String>) -> crate::config::ConfigBuilder {
                Self::from_env_source_for(ENDPOINT_URL_ENV, lookup)
            }
        }
    }
}

/// `src/client.rs`.
pub fn client(krate: &Crate) -> TokenStream {
    let mut methods = Vec::new();
    for op in krate.operations.values() {
        let method = ident(&op.method);
        let module = ident(&op.module);
        let fluent = ident(&op.fluent);
        let doc = docs(&op.docs);
        methods.push(quote! {
            #doc
            pub fn #method(&self) -> crate::operation::#module::builders::#fluent {
                crate::operation::#module::builders::#fluent::new(self.handle.clone())
            }
        });
        for waiter in &op.waiters {
            let method = ident(&waiter.method);
            let ty = ident(&waiter.name);
            let mut lines = vec![format!("Waits on [`{}`](Self::{}) until {}.", op.name, op.method, waiter_goal(waiter))];
            if !waiter.docs.is_empty() {
                lines.push(String::new());
                lines.extend(waiter.docs.iter().cloned());
            }
            let doc = docs(&lines);
            methods.push(quote! {
                #doc
                pub fn #method(&self) -> crate::waiters::#ty {
                    crate::waiters::#ty::new(self.handle.clone())
                }
            });
        }
    }
    let title = format!(" A client for {}.", krate.service.title);
    quote! {
        //! The client.

        #[doc = #title]
        ///
        /// Cheap to clone: clones share the configuration, the connection
        /// pool and the retry budget.
        #[derive(Debug, Clone)]
        pub struct Client {
            handle: ::std::sync::Arc<crate::orchestrator::Handle>,
        }

        impl Client {
            /// A client with this configuration.
            pub fn new(config: crate::config::Config) -> Self {
                Client { handle: ::std::sync::Arc::new(crate::orchestrator::Handle::new(config, &crate::service::SERVICE)) }
            }

            /// The same as [`Client::new`].
            pub fn from_conf(config: crate::config::Config) -> Self {
                Self::new(config)
            }

            /// The client's configuration.
            pub fn config(&self) -> &crate::config::Config {
                &self.handle.config
            }

            #(#methods)*
        }
    }
}

fn waiter_goal(waiter: &Waiter) -> String {
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

/// Setters that forward to the builder in `self.inner`.
fn forwarding_setters(input: &Struct) -> Vec<TokenStream> {
    input
        .fields
        .iter()
        .map(|f: &Field| {
            let field = ident(&f.name);
            let set = format_ident!("set_{}", f.name.trim_start_matches("r#"));
            let ty = type_tokens(&f.ty);
            let doc = docs(&super::structure::field_docs(f));
            quote! {
                #doc
                pub fn #field(mut self, input: impl ::std::convert::Into<#ty>) -> Self {
                    self.inner = self.inner.#field(input);
                    self
                }

                #doc
                pub fn #set(mut self, input: ::std::option::Option<#ty>) -> Self {
                    self.inner = self.inner.#set(input);
                    self
                }
            }
        })
        .collect()
}

/// `self.inner.build()` as the operation's input, or the operation's error.
fn build_input(op: &Operation, error: TokenStream) -> TokenStream {
    let fallible = op.input.fields.iter().any(|f| f.required && f.default.is_none());
    if fallible {
        quote! {
            self.inner.build().map_err(|e| #error)?
        }
    } else {
        quote!(self.inner.build())
    }
}

/// The fluent builder of an operation (in its module's `builders`).
pub fn fluent_builder(op: &Operation) -> TokenStream {
    let fluent = ident(&op.fluent);
    let input_builder = format_ident!("{}Builder", op.input.name);
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let marker = ident(&op.name);
    let setters = forwarding_setters(&op.input);
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
    let input = build_input(
        op,
        quote!(super::#error::Unhandled(crate::error::Unhandled::new(
            crate::error::UnhandledKind::InvalidInput,
            ::std::default::Default::default(),
            ::std::option::Option::Some(::std::boxed::Box::new(e)),
        ))),
    );
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

            /// Sends the request: checks the input (a missing required member
            /// fails here, before any I/O), resolves the endpoint, signs,
            /// sends with retries and timeouts, and reads the response.
            pub async fn send(#send_mut self) -> ::std::result::Result<super::#output, super::#error> {
                #(#tokens)*
                let input = #input;
                crate::orchestrator::invoke::<super::#marker>(&self.handle, &input).await
            }
        }
    }
}

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
    let input_builder = format_ident!("{}Builder", op.input.name);
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let marker = ident(&op.name);
    let setters = forwarding_setters(&op.input);
    let name = &waiter.name;
    let classify = format_ident!("classify_{}", waiter.snake);
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
                        || crate::orchestrator::invoke::<crate::operation::#module::#marker>(handle, &input),
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

/// Operations that get a runnable example: read-only operations whose
/// required input members are all strings, passed on the command line.
pub fn example_operations(krate: &Crate) -> Vec<&Operation> {
    krate
        .operations
        .values()
        .filter(|op| op.readonly)
        .filter(|op| op.input.fields.iter().filter(|f| f.required).all(|f| f.ty == crate::ir::RustType::String))
        .collect()
}

/// `examples/<operation>.rs`: calls the operation with settings from the
/// environment and the required members from the command line.
pub fn example(krate: &Crate, op: &Operation) -> TokenStream {
    // Path labels in URI order first (as the API reads), then the others.
    let labels: Vec<&str> = op
        .http
        .iter()
        .flat_map(|h| &h.path)
        .filter_map(|s| match s {
            crate::ir::http::Segment::Label { member, .. } => Some(member.as_str()),
            crate::ir::http::Segment::Literal(_) => None,
        })
        .collect();
    let mut required: Vec<&Field> = op.input.fields.iter().filter(|f| f.required).collect();
    required.sort_by_key(|f| labels.iter().position(|l| *l == f.member).unwrap_or(usize::MAX));
    let crate_ident = ident(&krate.name.replace('-', "_"));
    let method = ident(&op.method);
    let stream = op.output.fields.iter().find(|f| matches!(f.ty, crate::ir::RustType::ByteStream { .. }));
    let on_output = match stream {
        None => quote! {
            Ok(output) => {
                println!("{output:#?}");
                ExitCode::SUCCESS
            }
        },
        Some(f) => {
            let field = ident(&f.name);
            quote! {
                Ok(mut output) => {
                    use std::io::Write;
                    let mut stdout = std::io::stdout().lock();
                    while let Some(chunk) = output.#field.next().await {
                        let written = match chunk {
                            Ok(bytes) => stdout.write_all(&bytes).map_err(|e| e.to_string()),
                            Err(error) => Err(#crate_ident::error::DisplayErrorContext(&error).to_string()),
                        };
                        if let Err(error) = written {
                            eprintln!("error: {error}");
                            return ExitCode::FAILURE;
                        }
                    }
                    ExitCode::SUCCESS
                }
            }
        }
    };
    let args: Vec<String> = required.iter().map(|f| format!("<{}>", f.member)).collect();
    let usage = format!(
        "usage: cargo run -p {} --example {} -- {}",
        krate.name,
        op.module,
        args.join(" ")
    );
    let names: Vec<proc_macro2::Ident> = required.iter().map(|f| format_ident!("arg_{}", f.name.trim_start_matches("r#"))).collect();
    let setters = required.iter().zip(&names).map(|(f, name)| {
        let field = ident(&f.name);
        quote!(.#field(#name.as_str()))
    });
    let doc_lines = vec![
        format!("Calls `{}` on {} with the settings of the environment:", op.name, krate.service.title),
        "`AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and".to_owned(),
        "`AWS_SESSION_TOKEN`), optionally `AWS_ENDPOINT_URL`.".to_owned(),
        String::new(),
        "```text".to_owned(),
        usage.clone(),
        "```".to_owned(),
        String::new(),
        if stream.is_some() {
            "Writes the body to standard output as it arrives; on failure prints the".to_owned()
        } else {
            "Prints the output; on failure prints the error's code, message, HTTP".to_owned()
        },
        if stream.is_some() {
            "error's code, message, HTTP status and request id, and exits with status 1.".to_owned()
        } else {
            "status and request id, and exits with status 1.".to_owned()
        },
    ];
    let doc = doc_lines.iter().map(|line| {
        let text = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #text])
    });
    quote! {
        #(#doc)*

        use std::process::ExitCode;

        #[tokio::main(flavor = "current_thread")]
        async fn main() -> ExitCode {
            let args: Vec<String> = std::env::args().skip(1).collect();
            let [#(#names),*] = args.as_slice() else {
                eprintln!(#usage);
                return ExitCode::from(2);
            };
            let client = #crate_ident::Client::new(#crate_ident::Config::from_env().build());
            match client.#method() #(#setters)* .send().await {
                #on_output
                Err(error) => {
                    eprintln!("error: {}", #crate_ident::error::DisplayErrorContext(&error));
                    eprintln!("  code:       {}", error.code().unwrap_or("-"));
                    eprintln!("  message:    {}", error.message().unwrap_or("-"));
                    eprintln!("  status:     {}", error.status().map_or("-".to_owned(), |s| s.to_string()));
                    eprintln!("  request id: {}", error.request_id().unwrap_or("-"));
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// The paginator of a paginated operation (in its module's `builders`).
pub fn paginator(op: &Operation) -> TokenStream {
    let Some(pagination) = &op.pagination else { return quote!() };
    let fluent = ident(&op.fluent);
    let paginator = format_ident!("{}Paginator", op.name.trim_end_matches('_'));
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let set_token = format_ident!("set_{}", pagination.input_token.trim_start_matches("r#"));
    let output_token = ident(&pagination.output_token);
    let token_of = if pagination.output_token_optional {
        quote!(|page| page.#output_token.clone())
    } else {
        quote!(|page| ::std::option::Option::Some(page.#output_token.clone()))
    };
    let page_size = pagination.page_size.as_ref().map(|(field, ty)| {
        let field = ident(field);
        let ty = type_tokens(ty);
        quote! {
            /// How many results each page may hold (the operation's page-size member).
            pub fn page_size(mut self, size: impl ::std::convert::Into<#ty>) -> Self {
                self.builder = self.builder.#field(size);
                self
            }
        }
    });
    let items = pagination.items.as_ref().map(|(field, item, optional)| {
        let field = ident(field);
        let item = type_tokens(item);
        let take = if *optional { quote!(page.#field.unwrap_or_default()) } else { quote!(page.#field) };
        quote! {
            /// The items of every page, in order, as a `Stream` (or with `next().await`).
            pub fn items(self) -> crate::pagination::ItemStream<super::#output, #item, super::#error> {
                crate::pagination::ItemStream::new(self.send(), |page| #take)
            }
        }
    });
    let doc = format!(
        " Pages through [`{0}`](super): each page is one call, with the token of the previous page.",
        op.name
    );
    quote! {
        impl #fluent {
            /// Pages through the results instead of sending one request.
            pub fn into_paginator(self) -> #paginator {
                #paginator { builder: self }
            }
        }

        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #paginator {
            builder: #fluent,
        }

        impl #paginator {
            #page_size

            /// The pages, as a `Stream` (or with `next().await`). It ends after
            /// a page without a next token, with an empty or repeated token,
            /// and after the first error.
            pub fn send(self) -> crate::pagination::PageStream<super::#output, super::#error> {
                let builder = self.builder;
                crate::pagination::PageStream::new(
                    ::std::boxed::Box::new(move |token| {
                        let request = match token {
                            ::std::option::Option::Some(token) => builder.clone().#set_token(::std::option::Option::Some(token)),
                            ::std::option::Option::None => builder.clone(),
                        };
                        ::std::boxed::Box::pin(request.send())
                    }),
                    #token_of,
                )
            }

            #items
        }
    }
}

//! awsQuery and ec2Query: every request is `POST /` with a form body,
//! `Action=<operation>&Version=<service version>` and the input's members as
//! query keys (written by the query codec, `emit/query.rs`); every response
//! is XML, read by the XML codec: awsQuery's output inside
//! `<OperationResponse><OperationResult>`, ec2Query's directly inside
//! `<OperationResponse>`; errors inside awsQuery's
//! `<ErrorResponse><Error>` or ec2Query's `<Response><Errors><Error>`.
//! Modeled errors are named by their `@awsQueryError` code when they have
//! one.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::ident;
use super::{Codec, ProtocolGen};
use crate::ir::{Binding, Crate, Operation, RustType, Struct, StructKind};

/// The query emitter; `ec2` for ec2Query.
pub(crate) struct Query {
    pub(crate) ec2: bool,
}

impl ProtocolGen for Query {
    fn runtime(&self) -> Vec<crate::emit::RuntimeFile> {
        use crate::emit::{HTTP_BINDING, JSON, QUERY, XML};
        // The JSON module brings the zero values of client error correction.
        JSON.iter().copied().chain([HTTP_BINDING, XML, QUERY]).collect()
    }

    fn runtime_value(&self, _krate: &Crate) -> TokenStream {
        let ec2 = self.ec2;
        quote!(crate::query::Query { ec2: #ec2 })
    }

    fn codec(&self) -> &'static dyn Codec {
        if self.ec2 {
            &crate::emit::query::EC2_QUERY
        } else {
            &crate::emit::query::AWS_QUERY
        }
    }

    fn write_request(&self, krate: &Crate, op: &Operation) -> TokenStream {
        let action = &op.shape.name;
        // IR building refuses a query service without a version.
        let version = krate.service.version.as_deref().unwrap_or_default();
        let (writer_mut, write) = if op.input.fields.is_empty() {
            (quote!(), quote!(let _ = input;))
        } else {
            (quote!(mut), quote!(crate::query::ToQuery::write_query(input, &mut writer, "");))
        };
        let shape = &op.input.name;
        let host_prefix = super::host_prefix(op);
        let endpoint = super::endpoint_override(krate, op);
        let body_checks = super::body_checks(op);
        let headers_mut = (op.gzip || op.checksum_required).then(|| quote!(mut));
        quote! {
            let #writer_mut writer = crate::query::FormWriter::new(#action, #version);
            #write
            let body = writer.finish().map_err(|_| crate::error::BuildError::invalid_value(#shape, "", ""))?;
            let #headers_mut headers = ::std::vec![
                (::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static("application/x-www-form-urlencoded")),
            ];
            #body_checks
            ::std::result::Result::Ok(crate::orchestrator::Request {
                method: ::http::Method::POST,
                path_and_query: ::std::string::String::from("/"),
                headers,
                body: body.into(),
                host_prefix: #host_prefix,
                endpoint: #endpoint,
            })
        }
    }

    /// Errors (outputs are read by [`read_output`](Self::read_output)).
    /// An error's `message` member (lower case in most query models, while
    /// the body says `<Message>`) takes the error's message when its own
    /// element is absent, as the AWS SDKs fill it.
    fn read_response(&self, s: &Struct, var: TokenStream) -> TokenStream {
        let ty = ident(&s.name);
        let ec2 = self.ec2;
        let message = s.fields.iter().find(|f| {
            f.member.eq_ignore_ascii_case("message") && f.optional && f.ty == RustType::String && f.binding == Binding::Body
        });
        let fill = message.map(|f| {
            let field = ident(&f.name);
            quote! {
                if #var.#field.is_none() {
                    #var.#field = meta.message().map(::std::borrow::ToOwned::to_owned);
                }
            }
        });
        let mutable = fill.is_some().then(|| quote!(mut));
        let read = if s.fields.is_empty() {
            quote!(let _ = response; let #var: crate::error::#ty = crate::json::Fallback::fallback();)
        } else {
            quote!(let #mutable #var: crate::error::#ty = crate::query::read_error(response.body(), #ec2)?;)
        };
        quote! {
            #read
            #fill
            ::std::result::Result::Ok(#var)
        }
    }

    fn read_output(&self, op: &Operation, var: TokenStream) -> TokenStream {
        let s = &op.output;
        let ty = ident(&s.name);
        let response_name = format!("{}Response", op.shape.name);
        let result_name = (!self.ec2).then(|| format!("{}Result", op.shape.name));
        let result_name = match result_name {
            Some(name) => quote!(::std::option::Option::Some(#name)),
            None => quote!(::std::option::Option::None),
        };
        quote! {
            let (mut #var, request_id): (#ty, _) = crate::query::read_output(response.body(), #response_name, #result_name)?;
            #var._request_id = crate::query::request_id(response.headers()).or(request_id);
            ::std::result::Result::Ok(#var)
        }
    }

    /// A modeled error's code is its `@awsQueryError` code, else its name.
    fn error_codes(&self, _krate: &Crate, error: &Struct) -> Vec<String> {
        match &error.kind {
            StructKind::Error { query_code: Some(code), .. } => vec![code.clone()],
            _ => vec![error.shape.name.clone()],
        }
    }
}

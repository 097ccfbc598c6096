//! awsJson1_0 and awsJson1_1: every request is `POST /` with the operation
//! named in `X-Amz-Target` and the whole input as a JSON body (member
//! names as modeled: `jsonName` and the HTTP binding traits do not apply);
//! every response body is the output, or an error whose code the JSON
//! protocols' common reader finds. Types are written and read by the JSON
//! codec (`emit/json.rs`), as for restJson1.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::ident;
use super::{Codec, ProtocolGen};
use crate::ir::{Crate, Operation, Struct, StructKind};

/// The awsJson emitter; `version` is `1.0` or `1.1`.
pub(crate) struct AwsJson {
    pub(crate) version: &'static str,
}

impl ProtocolGen for AwsJson {
    fn runtime(&self) -> Vec<crate::emit::RuntimeFile> {
        use crate::emit::{AWS_JSON, HTTP_BINDING, JSON};
        JSON.iter().copied().chain([HTTP_BINDING, AWS_JSON]).collect()
    }

    fn runtime_value(&self, krate: &Crate) -> TokenStream {
        let name = format!("aws.protocols#awsJson{}", self.version.replace('.', "_"));
        let query_compatible = krate.service.query_compatible;
        quote!(crate::aws_json::AwsJson { name: #name, query_compatible: #query_compatible })
    }

    fn codec(&self) -> &'static dyn Codec {
        &crate::emit::json::Json
    }

    fn write_request(&self, krate: &Crate, op: &Operation) -> TokenStream {
        let input = &op.input;
        let shape = &input.name;
        let target = format!("{}.{}", krate.service.shape.name, op.shape.name);
        let content_type = format!("application/x-amz-json-{}", self.version);
        let body = if input.fields.is_empty() {
            quote! {
                let _ = input;
                let body = b"{}".to_vec();
            }
        } else {
            quote! {
                let body = crate::json::to_vec(input)
                    .map_err(|_| crate::error::BuildError::invalid_value(#shape, "", ""))?;
            }
        };
        let query_mode = krate.service.query_compatible.then(|| {
            quote!(headers.push((::http::HeaderName::from_static("x-amzn-query-mode"), ::http::HeaderValue::from_static("true")));)
        });
        let host_prefix = super::host_prefix(op);
        let endpoint = super::endpoint_override(krate, op);
        let body_checks = super::body_checks(op);
        let headers_mut = (query_mode.is_some() || op.gzip || op.checksum_required).then(|| quote!(mut));
        quote! {
            #body
            let #headers_mut headers = ::std::vec![
                (::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static(#content_type)),
                (::http::HeaderName::from_static("x-amz-target"), ::http::HeaderValue::from_static(#target)),
            ];
            #query_mode
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

    fn read_response(&self, s: &Struct, var: TokenStream) -> TokenStream {
        let ty = ident(&s.name);
        let path = match &s.kind {
            StructKind::Error { .. } => quote!(crate::error::#ty),
            _ => quote!(#ty),
        };
        let read = match (&s.kind, s.fields.is_empty()) {
            (StructKind::Output, false) => {
                quote!(let mut #var: #path = crate::json::from_body(response.body())?;)
            }
            (StructKind::Output, true) => quote!(let mut #var: #path = crate::json::Fallback::fallback();),
            (_, false) => quote!(let #var: #path = crate::json::from_body(response.body())?;),
            (_, true) => quote!(let _ = response; let #var: #path = crate::json::Fallback::fallback();),
        };
        let request_id = (s.kind == StructKind::Output)
            .then(|| quote!(#var._request_id = crate::json::request_id(response);));
        quote! {
            #read
            #request_id
            ::std::result::Result::Ok(#var)
        }
    }
}

//! The restJson1 protocol, as the runtime sees it (copied verbatim into
//! each generated crate by codegen; the source lives in
//! `codegen/runtime/src/rest_json.rs`). Errors and request ids are found
//! where every JSON protocol keeps them (`json/response.rs`); the JSON
//! codec itself is `json.rs`.
#![allow(dead_code)]

use crate::error::ErrorMetadata;
use crate::transport::HttpResponse;

/// restJson1, as the runtime sees it.
#[derive(Debug)]
pub(crate) struct RestJson1;

impl crate::protocol::Protocol for RestJson1 {
    fn name(&self) -> &'static str {
        "aws.protocols#restJson1"
    }

    fn error_metadata(&self, response: &HttpResponse) -> ErrorMetadata {
        crate::json::error_metadata(response)
    }

    fn request_id(&self, headers: &http::HeaderMap) -> Option<String> {
        crate::json::request_id_in(headers)
    }
}

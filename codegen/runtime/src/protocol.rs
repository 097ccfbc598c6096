//! The protocol seam of the runtime: what the attempt loop asks of a wire
//! protocol (copied verbatim into each generated crate by codegen; the
//! source lives in `codegen/runtime/src/protocol.rs`). Each protocol is a
//! module of its own (`rest_json.rs`, ...) implementing [`Protocol`]; the
//! generated code hands the service's protocol to the runtime in its
//! [`ServiceFacts`](crate::facts::ServiceFacts). How a request is written
//! and a response read is generated per operation, by the protocol's
//! emitter.

use crate::error::ErrorMetadata;
use crate::transport::HttpResponse;

/// What the runtime needs to know of a wire protocol.
pub(crate) trait Protocol: Send + Sync + std::fmt::Debug {
    /// The protocol's Smithy trait, such as `aws.protocols#restJson1`.
    fn name(&self) -> &'static str;

    /// The code, message, status and request id of an error response. A
    /// body that is not what the protocol expects (an HTML page from a
    /// proxy) yields no code and no message, never an error.
    fn error_metadata(&self, response: &HttpResponse) -> ErrorMetadata;

    /// The request id of any response, from its headers: asked only when
    /// it is kept (an error, a traced call), never on every success.
    fn request_id(&self, headers: &http::HeaderMap) -> Option<String>;
}

//! Interceptors: service customizations that act on requests, registered
//! once per service (in its [`ServiceFacts`](crate::facts::ServiceFacts))
//! or per operation by the generator's decorators, instead of being
//! matched inside serializers (copied verbatim into each generated crate
//! by codegen; the source lives in `codegen/runtime/src/interceptor.rs`).

// A crate uses the schemes and interceptors its service needs.
#![allow(dead_code)]

use http::header::{HeaderName, HeaderValue};

use crate::config::Config;
use crate::error::BuildError;
use crate::orchestrator::Request;
use crate::transport::{HttpResponse, StreamingResponse};

pub(crate) trait Interceptor: Send + Sync + std::fmt::Debug {
    /// Changes a serialized request before its endpoint is resolved and it
    /// is signed, as the configuration says (flexible checksums). Runs
    /// once per call, not once per attempt.
    fn modify_request(&self, _request: &mut Request, _config: &Config) -> Result<(), BuildError> {
        Ok(())
    }

    /// Changes a response read whole before anything reads it (S3's errors
    /// in 200 responses, its URL-encoded keys). Runs once per attempt.
    fn modify_response(&self, _request: &Request, _response: &mut HttpResponse) {}

    /// Checks a response read whole (an output or an error) before it is
    /// decoded; a refusal fails the attempt, which is retried as a
    /// transient fault. Runs once per attempt.
    fn check_response(&self, _request: &Request, _response: &HttpResponse) -> Result<(), String> {
        Ok(())
    }

    /// Wraps the body of a successful streaming output (to check it as it
    /// is read).
    fn wrap_stream(&self, _request: &Request, response: StreamingResponse) -> StreamingResponse {
        response
    }

    /// Whether the request changes also apply to a presigned request. Not
    /// for flexible checksums, as in the AWS SDKs: whoever sends a
    /// presigned URL sends their own body, and a checksum header or an
    /// `aws-chunked` encoding signed into the URL would bind them to one.
    fn applies_when_presigned(&self) -> bool {
        true
    }
}

/// Sets a header unless the request already has it (API Gateway's
/// `Accept: application/json`, Glacier's `X-Amz-Glacier-Version`).
#[derive(Debug)]
pub(crate) struct DefaultHeader {
    /// Lower case.
    pub(crate) name: &'static str,
    pub(crate) value: &'static str,
}

impl Interceptor for DefaultHeader {
    fn modify_request(&self, request: &mut Request, _config: &Config) -> Result<(), BuildError> {
        if !request.headers.iter().any(|(name, _)| name.as_str() == self.name) {
            request.headers.push((HeaderName::from_static(self.name), HeaderValue::from_static(self.value)));
        }
        Ok(())
    }
}

/// Runs the request changes of the service's interceptors, then those of
/// the operation's; for a presigned request (`presigned`), only those that
/// [apply to one](Interceptor::applies_when_presigned).
pub(crate) fn run(
    service: &[&'static dyn Interceptor],
    operation: &[&'static dyn Interceptor],
    request: &mut Request,
    config: &Config,
    presigned: bool,
) -> Result<(), BuildError> {
    for interceptor in service.iter().chain(operation).filter(|i| !presigned || i.applies_when_presigned()) {
        interceptor.modify_request(request, config)?;
    }
    Ok(())
}

/// Runs the response changes, then the checks, of the service, then of the
/// operation.
pub(crate) fn check_response(
    service: &[&'static dyn Interceptor],
    operation: &[&'static dyn Interceptor],
    request: &Request,
    response: &mut HttpResponse,
) -> Result<(), String> {
    for interceptor in service.iter().chain(operation) {
        interceptor.modify_response(request, response);
    }
    service.iter().chain(operation).try_for_each(|interceptor| interceptor.check_response(request, response))
}

/// Wraps a streaming output's body by each interceptor of the service, then
/// of the operation.
pub(crate) fn wrap_stream(
    service: &[&'static dyn Interceptor],
    operation: &[&'static dyn Interceptor],
    request: &Request,
    response: StreamingResponse,
) -> StreamingResponse {
    service.iter().chain(operation).fold(response, |response, interceptor| interceptor.wrap_stream(request, response))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&'static str, &'static str)]) -> Request {
        Request {
            method: http::Method::GET,
            path_and_query: "/".into(),
            headers: headers.iter().map(|(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v))).collect(),
            body: crate::primitives::ByteStream::default(),
            host_prefix: None,
            endpoint: None,
        }
    }

    #[test]
    fn default_headers_do_not_replace_the_callers() {
        let accept = DefaultHeader { name: "accept", value: "application/json" };
        let mut plain = request(&[]);
        run(&[&ACCEPT], &[], &mut plain, &Config::builder().build(), false).unwrap();
        assert_eq!(plain.headers[0].1, "application/json");
        let mut own = request(&[("accept", "text/plain")]);
        accept.modify_request(&mut own, &Config::builder().build()).unwrap();
        assert_eq!(own.headers.len(), 1);
        assert_eq!(own.headers[0].1, "text/plain");
    }

    static ACCEPT: DefaultHeader = DefaultHeader { name: "accept", value: "application/json" };
}

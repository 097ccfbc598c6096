// The harness of one service's protocol tests. build.rs copies it into
// that service's module of OUT_DIR, with `crate::` paths pointing at the
// service's generated client, and appends the service's cases.

use std::fmt::Debug;

use crate::orchestrator::Operation;
use crate::transport::HttpResponse;

/// Whether a case checks a request the client sends or a response it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseKind {
    Request,
    Response,
    EventStream,
}

/// A case: `Ok`, or what differs.
pub type CaseFn = fn() -> crate::transport::BoxFuture<'static, Result<(), String>>;

/// The token the tests expect from an idempotency token provider.
pub const TEST_IDEMPOTENCY_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

/// A client configured as the tests ask (region `us-east-1`, static
/// credentials, endpoint `https://example.com` or `https://{host}`), whose
/// transport answers `200 {}` and records the request.
pub(crate) fn request_client(host: Option<&str>) -> (crate::Client, crate::testing::TestTransport) {
    let transport = crate::testing::TestTransport::new();
    transport.respond(200, "{}");
    let endpoint = match host {
        Some(host) => format!("https://{host}"),
        None => "https://example.com".to_owned(),
    };
    let config = crate::config::Config::builder()
        .region("us-east-1")
        .static_credentials("AKID", "SECRET")
        .endpoint_url(endpoint)
        .retry_config(crate::config::RetryConfig::disabled())
        .timeout_config(crate::config::TimeoutConfig::disabled())
        .idempotency_token_provider(|| TEST_IDEMPOTENCY_TOKEN.to_owned())
        .http_client(transport.clone())
        .build();
    (crate::Client::new(config), transport)
}

/// A client configured as a case's `vendorParams` ask (`configure`: its
/// region and settings), with static credentials and the endpoint its
/// rules give, whose transport answers `200 {}` and records the request.
pub(crate) fn request_client_configured(
    configure: impl FnOnce(crate::config::ConfigBuilder) -> crate::config::ConfigBuilder,
) -> (crate::Client, crate::testing::TestTransport) {
    let transport = crate::testing::TestTransport::new();
    transport.respond(200, "{}");
    let builder = crate::config::Config::builder()
        .static_credentials("AKID", "SECRET")
        .retry_config(crate::config::RetryConfig::disabled())
        .timeout_config(crate::config::TimeoutConfig::disabled())
        .idempotency_token_provider(|| TEST_IDEMPOTENCY_TOKEN.to_owned())
        .http_client(transport.clone());
    (crate::Client::new(configure(builder).build()), transport)
}

/// What a request case expects (the fields of `smithy.test#httpRequestTests`).
pub(crate) struct ExpectedRequest {
    pub(crate) method: &'static str,
    pub(crate) uri: &'static str,
    pub(crate) query_params: &'static [&'static str],
    pub(crate) forbid_query_params: &'static [&'static str],
    pub(crate) require_query_params: &'static [&'static str],
    pub(crate) headers: &'static [(&'static str, &'static str)],
    pub(crate) forbid_headers: &'static [&'static str],
    pub(crate) require_headers: &'static [&'static str],
    pub(crate) body: Option<&'static str>,
    pub(crate) body_media_type: Option<&'static str>,
    pub(crate) resolved_host: Option<&'static str>,
}

fn query_name(param: &str) -> &str {
    param.split_once('=').map_or(param, |(name, _)| name)
}

/// Compares the one request the client sent with the expectation.
pub(crate) fn check_request(
    transport: &crate::testing::TestTransport,
    send_error: Option<String>,
    expected: &ExpectedRequest,
) -> Result<(), String> {
    let requests = transport.requests();
    let Some(request) = requests.first() else {
        return Err(format!("no request was sent: {}", send_error.unwrap_or_default()));
    };
    let mut problems = Vec::new();
    if request.method().as_str() != expected.method {
        problems.push(format!("method {} (expected {})", request.method(), expected.method));
    }
    let path = request.uri().path();
    let query = request.uri().query().unwrap_or_default();
    let (expected_path, expected_query) = expected.uri.split_once('?').unwrap_or((expected.uri, ""));
    if path != expected_path {
        problems.push(format!("path `{path}` (expected `{expected_path}`)"));
    }
    let mut actual: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    let all = actual.clone();
    let wanted = expected.query_params.iter().copied().chain(expected_query.split('&').filter(|p| !p.is_empty()));
    for param in wanted {
        match actual.iter().position(|p| *p == param) {
            Some(i) => {
                actual.remove(i);
            }
            None => problems.push(format!("query parameter `{param}` missing (query `{query}`)")),
        }
    }
    for name in expected.forbid_query_params {
        if all.iter().any(|p| query_name(p) == *name) {
            problems.push(format!("query parameter `{name}` is forbidden (query `{query}`)"));
        }
    }
    for name in expected.require_query_params {
        if !all.iter().any(|p| query_name(p) == *name) {
            problems.push(format!("query parameter `{name}` is required (query `{query}`)"));
        }
    }
    let header = |name: &str| -> Option<String> {
        let values: Vec<&str> =
            request.headers().get_all(name).iter().map(|v| v.to_str().unwrap_or("<not text>")).collect();
        (!values.is_empty()).then(|| values.join(", "))
    };
    for (name, value) in expected.headers {
        match header(name) {
            Some(actual) if actual == *value => {}
            Some(actual) => problems.push(format!("header `{name}: {actual}` (expected `{value}`)")),
            None => problems.push(format!("header `{name}` missing (expected `{value}`)")),
        }
    }
    for name in expected.forbid_headers {
        if let Some(actual) = header(name) {
            problems.push(format!("header `{name}: {actual}` is forbidden"));
        }
    }
    for name in expected.require_headers {
        if header(name).is_none() {
            problems.push(format!("header `{name}` is required"));
        }
    }
    if let Some(body) = expected.body {
        let actual = request.body();
        let json = expected.body_media_type.is_some_and(|t| t.contains("json"));
        let xml = expected.body_media_type.is_some_and(|t| t.contains("xml"));
        let form = expected.body_media_type == Some("application/x-www-form-urlencoded");
        if body.is_empty() {
            if !actual.is_empty() {
                problems.push(format!("body `{}` (expected none)", String::from_utf8_lossy(actual)));
            }
        } else if json {
            let wanted: serde_json::Value = serde_json::from_str(body).map_err(|e| format!("the case's body: {e}"))?;
            match serde_json::from_slice::<serde_json::Value>(actual) {
                Ok(value) if value == wanted => {}
                Ok(value) => problems.push(format!("body {value} (expected {wanted})")),
                Err(_) => problems.push(format!("body `{}` is not JSON (expected {wanted})", String::from_utf8_lossy(actual))),
            }
        } else if form {
            // The same key-value pairs, in any order.
            let pairs = |text: &str| {
                let mut pairs: Vec<String> = text.trim().split('&').map(str::to_owned).collect();
                pairs.sort();
                pairs
            };
            let sent = String::from_utf8_lossy(actual);
            if pairs(&sent) != pairs(body) {
                problems.push(format!("form `{sent}` (expected `{body}`)"));
            }
        } else if xml {
            match super::harness_xml::xml_equal(actual, body) {
                Ok(true) => {}
                Ok(false) => problems.push(format!("body `{}` (expected `{body}`)", String::from_utf8_lossy(actual))),
                Err(e) => problems.push(format!("body `{}`: {e} (expected `{body}`)", String::from_utf8_lossy(actual))),
            }
        } else if actual.as_ref() != body.as_bytes() {
            problems.push(format!("body `{}` (expected `{body}`)", String::from_utf8_lossy(actual)));
        }
    }
    if let Some(host) = expected.resolved_host {
        let actual = request.uri().host().unwrap_or_default();
        if actual != host {
            problems.push(format!("host `{actual}` (expected `{host}`)"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// A response as a case describes it.
pub(crate) fn canned_response(status: u16, headers: &[(&str, &str)], body: &'static str) -> HttpResponse {
    canned_response_bytes(status, headers, body.as_bytes().to_vec())
}

/// A response with a body of bytes (event stream messages).
pub(crate) fn canned_response_bytes(status: u16, headers: &[(&str, &str)], body: Vec<u8>) -> HttpResponse {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(bytes::Bytes::from(body)).expect("a valid canned response")
}

/// A timestamp from RFC 3339 text.
pub(crate) fn ts_parse(text: &str) -> ::time::OffsetDateTime {
    ::time::OffsetDateTime::parse(text, &::time::format_description::well_known::Rfc3339).expect("an RFC 3339 timestamp")
}

/// The response as the interceptors of the service and of the operation
/// leave it before it is read (S3's customizations), as the orchestrator
/// runs them.
fn intercepted<O: Operation>(response: &HttpResponse) -> HttpResponse {
    let request = crate::orchestrator::Request {
        method: http::Method::GET,
        path_and_query: "/".into(),
        headers: Vec::new(),
        body: crate::primitives::ByteStream::default(),
        host_prefix: None,
        endpoint: None,
    };
    let mut response = response.clone();
    for interceptor in crate::service::SERVICE.interceptors.iter().chain(O::INTERCEPTORS) {
        interceptor.modify_response(&request, &mut response);
    }
    response
}

/// Reads a successful response as the orchestrator does.
pub(crate) fn decode_output<O: Operation>(response: &HttpResponse) -> Result<O::Output, String> {
    let response = &intercepted::<O>(response);
    if !response.status().is_success() {
        return Err(format!("status {} is not a success", response.status()));
    }
    let Some(put) = O::STREAMING_OUTPUT else {
        return O::deserialize(response).map_err(|e| format!("cannot read the output: {e}"));
    };
    // A streaming output: the head first, then the body as its stream.
    let mut head = http::Response::new(bytes::Bytes::new());
    *head.status_mut() = response.status();
    *head.headers_mut() = response.headers().clone();
    let mut output = O::deserialize(&head).map_err(|e| format!("cannot read the output: {e}"))?;
    put(&mut output, crate::primitives::ByteStream::new(response.body().clone()));
    Ok(output)
}

/// Reads an error response as the orchestrator does.
pub(crate) fn decode_error<O: Operation>(response: &HttpResponse) -> Result<O::Error, String> {
    let response = &intercepted::<O>(response);
    if response.status().is_success() {
        return Err(format!("status {} is a success", response.status()));
    }
    Ok(O::error(crate::service::SERVICE.protocol.error_metadata(response), response))
}

/// Equal values; `NaN` equals `NaN` (compared by their `Debug` text).
pub(crate) fn same<T: PartialEq + Debug>(member: &str, actual: &T, expected: &T) -> Result<(), String> {
    if actual == expected || format!("{actual:?}") == format!("{expected:?}") {
        Ok(())
    } else {
        Err(format!("`{member}`: got {actual:?}, expected {expected:?}"))
    }
}

/// A timestamp from nanoseconds since the epoch.
pub(crate) fn ts_nanos(nanos: i128) -> ::time::OffsetDateTime {
    ::time::OffsetDateTime::from_unix_timestamp_nanos(nanos).expect("a timestamp in range")
}

/// A document from JSON text.
pub(crate) fn doc_value(json: &str) -> crate::primitives::Document {
    crate::primitives::from_json(json).expect("a JSON document")
}

// The cases of this service (generated by build.rs) follow.


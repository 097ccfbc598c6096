//! Sending an operation: serialize, resolve the endpoint, sign, send with
//! timeouts and retries, and parse the response or the error (copied
//! verbatim into each generated crate by codegen; the source lives in
//! `codegen/runtime/orchestrator.rs`). The generated code supplies the
//! per-operation parts through [`Operation`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};

use crate::config::Config;
use crate::error::{BuildError, ErrorMetadata, Unhandled, UnhandledKind};
use crate::primitives::ByteStream;
use crate::transport::{HttpResponse, StreamingRequest, StreamingResponse};

/// Any error, boxed.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The state a client shares between its calls.
#[derive(Debug)]
pub(crate) struct Handle {
    pub(crate) config: Config,
    retry_tokens: Mutex<u32>,
}

/// Retry tokens of the standard mode: a retry spends some, a success gives
/// one back, and when they run out failures are no longer retried, so that
/// an outage is not made worse by every client retrying at once.
const RETRY_TOKENS: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;

impl Handle {
    pub(crate) fn new(config: Config) -> Self {
        Handle { config, retry_tokens: Mutex::new(RETRY_TOKENS) }
    }

    fn take_retry_tokens(&self, cost: u32) -> bool {
        let mut tokens = self.retry_tokens.lock().unwrap_or_else(PoisonError::into_inner);
        if *tokens >= cost {
            *tokens -= cost;
            true
        } else {
            false
        }
    }

    fn give_back_retry_tokens(&self, amount: u32) {
        let mut tokens = self.retry_tokens.lock().unwrap_or_else(PoisonError::into_inner);
        *tokens = (*tokens + amount).min(RETRY_TOKENS);
    }
}

/// A request as an operation serializes it, before the endpoint is known.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: http::Method,
    /// The path and query, already percent-encoded (`/a/b?c=d`).
    pub(crate) path_and_query: String,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Bytes, or a stream (sent once: not retried).
    pub(crate) body: ByteStream,
    /// The host prefix (such as `control-storage-`), labels filled in.
    pub(crate) host_prefix: Option<String>,
}

/// What the generated code says about each operation.
pub(crate) trait Operation {
    type Input;
    type Output;
    type Error;

    /// The operation's name, for messages.
    const NAME: &'static str;

    /// For an operation whose output payload is a stream: how to put the
    /// response body into the output that `deserialize` read from the head.
    const STREAMING_OUTPUT: Option<fn(&mut Self::Output, ByteStream)> = None;

    /// Marked `aws.auth#unsignedPayload`: the signature leaves the body out.
    const UNSIGNED_PAYLOAD: bool = false;

    /// The streaming output is an event stream.
    const EVENT_STREAM: bool = false;

    /// The request for `input`; the configuration decides request compression.
    fn serialize(input: &Self::Input, config: &Config) -> Result<Request, BuildError>;

    /// Reads a successful response (for a streaming output, its head).
    fn deserialize(response: &HttpResponse) -> Result<Self::Output, BoxError>;

    /// Turns an error response into the operation's error.
    fn error(meta: ErrorMetadata, response: &HttpResponse) -> Self::Error;

    fn unhandled(error: Unhandled) -> Self::Error;

    /// For an error code the model marks retryable: `Some(throttling)`.
    fn modeled_retry(code: &str) -> Option<bool>;
}

/// Sends `input` and returns the operation's output or error. Only this
/// thin layer is generic: the attempts, retries and timeouts run in
/// [`send`], compiled once for every operation.
pub(crate) async fn invoke<O: Operation>(handle: &Handle, input: &O::Input) -> Result<O::Output, O::Error> {
    let request = O::serialize(input, &handle.config)
        .map_err(|e| O::unhandled(Unhandled::new(UnhandledKind::InvalidInput, ErrorMetadata::default(), Some(e.into()))))?;
    let spec = Spec {
        name: O::NAME,
        streaming_output: O::STREAMING_OUTPUT.is_some(),
        event_stream: O::EVENT_STREAM,
        unsigned_payload: O::UNSIGNED_PAYLOAD,
        modeled_retry: O::modeled_retry,
    };
    let unreadable = |response: &http::Response<Bytes>, e: BoxError| {
        let meta = ErrorMetadata::new(None, None, Some(response.status().as_u16()), crate::rest_json::request_id(response));
        O::unhandled(Unhandled::new(UnhandledKind::Response, meta, Some(e)))
    };
    match send(handle, request, &spec).await {
        Ok(Received::Buffered(response)) => O::deserialize(&response).map_err(|e| unreadable(&response, e)),
        Ok(Received::Streaming(response)) => {
            let (parts, body) = response.into_parts();
            let head = http::Response::from_parts(parts, Bytes::new());
            let mut output = O::deserialize(&head).map_err(|e| unreadable(&head, e))?;
            if let Some(put) = O::STREAMING_OUTPUT {
                put(&mut output, body);
            }
            Ok(output)
        }
        Err(Failure::Service(meta, response)) => Err(O::error(meta, &response)),
        Err(Failure::Unhandled(error)) => Err(O::unhandled(error)),
    }
}

/// What the sending core needs to know of an operation.
struct Spec {
    name: &'static str,
    streaming_output: bool,
    event_stream: bool,
    unsigned_payload: bool,
    modeled_retry: fn(&str) -> Option<bool>,
}

/// Why sending failed: the service's error response (of the last
/// attempt), or anything else.
enum Failure {
    Service(ErrorMetadata, HttpResponse),
    Unhandled(Unhandled),
}

fn configuration_error(message: String) -> Failure {
    Failure::Unhandled(Unhandled::new(UnhandledKind::Configuration, ErrorMetadata::default(), Some(message.into())))
}

/// Sends a request under the operation timeout, with retries.
async fn send(handle: &Handle, request: Request, spec: &Spec) -> Result<Received, Failure> {
    let config = &handle.config;
    match config.timeouts.operation_timeout() {
        None => send_attempts(handle, request, spec).await,
        Some(limit) => match crate::clock::timeout(send_attempts(handle, request, spec), config.sleep.sleep(limit)).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Unhandled(Unhandled::new(
                UnhandledKind::Timeout,
                ErrorMetadata::default(),
                Some(format!("{} did not complete within the operation timeout of {limit:?}", spec.name).into()),
            ))),
        },
    }
}

async fn send_attempts(handle: &Handle, request: Request, spec: &Spec) -> Result<Received, Failure> {
    let config = &handle.config;
    let region = config.region.clone();
    let endpoint = crate::endpoint::resolve(&crate::endpoint::Params::from_config(config))
        .map_err(|e| configuration_error(format!("cannot resolve the endpoint: {e}")))?;
    let prefix = request.host_prefix.as_deref().filter(|_| config.inject_host_prefix);
    let (uri, host) = target_uri(&endpoint.url, prefix, &request.path_and_query)
        .map_err(|e| configuration_error(format!("invalid endpoint URL `{}`: {e}", endpoint.url)))?;
    // Signing: the service's SigV4 name (or the endpoint's override), the
    // configured region (or the endpoint's override), and credentials.
    let overrides = endpoint.sigv4_overrides();
    let signer = match overrides.name.or_else(|| crate::service::SIGNING_NAME.map(str::to_owned)) {
        None => None,
        Some(name) => {
            let region = overrides.region.or(region).ok_or_else(|| {
                configuration_error("no region is configured (set it with Config::builder().region(..) or AWS_REGION)".into())
            })?;
            let provider = config.credentials.as_ref().ok_or_else(|| {
                configuration_error(
                    "no credentials provider is configured (set one with Config::builder().credentials_provider(..))".into(),
                )
            })?;
            Some((name, region, provider))
        }
    };

    let retry = &config.retry;
    let mut attempt = 1;
    // What the last retry spent: a success gives it back (else 1 token).
    let mut last_retry_cost = None;
    loop {
        // One attempt: credentials, signing and sending, all under the
        // attempt timeout (a credentials provider can hang too).
        let attempt_work = async {
            let mut http_request = build_request(&request, &uri, &host, &endpoint.headers)
                .map_err(|e| configuration_error(format!("cannot build the HTTP request: {e}")))?;
            if let Some((name, region, provider)) = &signer {
                let credentials = aws_credential_types::provider::ProvideCredentials::provide_credentials(provider.as_ref())
                    .await
                    .map_err(|e| {
                        Failure::Unhandled(Unhandled::new(UnhandledKind::Credentials, ErrorMetadata::default(), Some(e.into())))
                    })?;
                sign(&mut http_request, credentials, region, name, config, spec.unsigned_payload)
                    .map_err(|e| configuration_error(format!("cannot sign the request: {e}")))?;
            }
            Ok(receive(config.http_client.send_streaming(http_request).await, spec.streaming_output).await)
        };
        let outcome = match config.timeouts.attempt_timeout() {
            None => Ok(attempt_work.await),
            Some(limit) => crate::clock::timeout(attempt_work, config.sleep.sleep(limit)).await.map_err(|_| limit),
        };
        let outcome = match outcome {
            Ok(Err(error)) => return Err(error),
            Ok(Ok(sent)) => Ok(sent),
            Err(limit) => Err(limit),
        };
        let (verdict, result) = match outcome {
            Err(limit) => (
                Some(RetryKind::Timeout),
                Err(Failure::Unhandled(Unhandled::new(
                    UnhandledKind::Timeout,
                    ErrorMetadata::default(),
                    Some(format!("attempt {attempt} of {} did not complete within the attempt timeout of {limit:?}", spec.name).into()),
                ))),
            ),
            Ok(Err(transport)) => {
                let retryable = !matches!(transport.kind(), crate::transport::TransportErrorKind::Other);
                let kind = if transport.kind() == crate::transport::TransportErrorKind::Timeout {
                    UnhandledKind::Timeout
                } else {
                    UnhandledKind::Transport
                };
                let error = Failure::Unhandled(Unhandled::new(kind, ErrorMetadata::default(), Some(transport.into())));
                (retryable.then_some(RetryKind::Transient), Err(error))
            }
            Ok(Ok(Received::Streaming(response))) => {
                handle.give_back_retry_tokens(last_retry_cost.unwrap_or(1));
                // The body outlives the attempt: a server that stops sending
                // for as long as an attempt may take fails the read instead
                // of hanging it.
                // (Not for event streams, which may rightly be quiet for long.)
                let response = match config.timeouts.attempt_timeout().filter(|_| !spec.event_stream) {
                    None => response,
                    Some(limit) => response.map(|body| {
                        let length = body.content_length();
                        let idle = IdleTimeout { body, sleep: config.sleep.clone(), limit, timer: None };
                        ByteStream::from_checked_stream(idle, length)
                    }),
                };
                return Ok(Received::Streaming(response));
            }
            Ok(Ok(Received::Buffered(response))) if response.status().is_success() => {
                handle.give_back_retry_tokens(last_retry_cost.unwrap_or(1));
                return Ok(Received::Buffered(response));
            }
            Ok(Ok(Received::Buffered(response))) => {
                let meta = crate::rest_json::error_metadata(&response);
                let modeled = meta.code().and_then(spec.modeled_retry);
                (classify(&meta, modeled), Err(Failure::Service(meta, response)))
            }
        };
        let cost = match verdict {
            Some(RetryKind::Timeout) => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        };
        // A stream body went with the first attempt: it cannot be sent again.
        if verdict.is_none()
            || attempt >= retry.max_attempts()
            || !request.body.is_replayable()
            || !handle.take_retry_tokens(cost)
        {
            return result;
        }
        last_retry_cost = Some(cost);
        config.sleep.sleep(backoff(retry, attempt)).await;
        attempt += 1;
    }
}

/// A streaming body that fails when no bytes arrive for `limit`.
struct IdleTimeout {
    body: ByteStream,
    sleep: std::sync::Arc<dyn crate::clock::AsyncSleep>,
    limit: Duration,
    timer: Option<crate::transport::BoxFuture<'static, ()>>,
}

impl futures_core::Stream for IdleTimeout {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        match std::pin::Pin::new(&mut this.body).poll_next(cx) {
            Poll::Ready(item) => {
                this.timer = None;
                Poll::Ready(item.map(|chunk| chunk.map_err(BoxError::from)))
            }
            Poll::Pending => {
                let (sleep, limit) = (&this.sleep, this.limit);
                let timer = this.timer.get_or_insert_with(|| sleep.sleep(limit));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        this.body = ByteStream::default();
                        Poll::Ready(Some(Err(format!("no data arrived for {limit:?} (the attempt timeout)").into())))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

/// A response as an attempt hands it on.
enum Received {
    /// Read completely: an error, or an output without a stream.
    Buffered(HttpResponse),
    /// A success whose body is the output's stream, still to be read.
    Streaming(StreamingResponse),
}

/// Reads the body of a response unless it is the stream of a successful
/// streaming output. Reading is part of the attempt (its timeout covers
/// it, and a broken connection is retried like any transport failure).
async fn receive(
    sent: Result<StreamingResponse, crate::transport::TransportError>,
    streaming_output: bool,
) -> Result<Received, crate::transport::TransportError> {
    let response = sent?;
    if streaming_output && response.status().is_success() {
        return Ok(Received::Streaming(response));
    }
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| crate::transport::TransportError::new(crate::transport::TransportErrorKind::Io, e))?;
    Ok(Received::Buffered(http::Response::from_parts(parts, body)))
}

/// Why an attempt may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RetryKind {
    Throttling,
    Transient,
    Timeout,
}

/// Error codes that mean "slow down", across AWS services.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes that mean "try again".
const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException", "InternalError"];

/// Statuses that mean "try again".
const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

fn classify(meta: &ErrorMetadata, modeled: Option<bool>) -> Option<RetryKind> {
    let code = meta.code().unwrap_or_default();
    match modeled {
        Some(true) => return Some(RetryKind::Throttling),
        Some(false) => return Some(RetryKind::Transient),
        None => {}
    }
    if THROTTLING_CODES.contains(&code) || meta.status() == Some(429) {
        Some(RetryKind::Throttling)
    } else if TRANSIENT_CODES.contains(&code) || meta.status().is_some_and(|s| TRANSIENT_STATUSES.contains(&s)) {
        Some(RetryKind::Transient)
    } else {
        None
    }
}

/// Exponential backoff with full jitter: a random delay in
/// `[0, min(max_backoff, initial_backoff * 2^(attempt - 1)))`.
fn backoff(retry: &crate::config::RetryConfig, attempt: u32) -> Duration {
    let exponential = retry.initial_backoff().saturating_mul(1u32 << (attempt - 1).min(20));
    exponential.min(retry.max_backoff()).mul_f64(random_unit())
}

/// A random number in `[0, 1)`, good enough for jitter (not for secrets).
pub(crate) fn random_unit() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let step = |mut x: u64| {
        if x == 0 {
            let nanos = std::time::SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
            x = nanos ^ 0x9E37_79B9_7F4A_7C15 ^ (u64::from(std::process::id()) << 32);
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    // One atomic step, so that concurrent retries draw different numbers.
    let previous = STATE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| Some(step(x))).unwrap_or_default();
    (step(previous) >> 11) as f64 / (1u64 << 53) as f64
}

/// The full URI of a request: the endpoint's scheme, host (with the
/// operation's host prefix) and base path, then the operation's path and
/// query. Returns it with the `Host` header value.
fn target_uri(endpoint: &str, host_prefix: Option<&str>, path_and_query: &str) -> Result<(http::Uri, String), String> {
    let base: http::Uri = endpoint.parse().map_err(|e: http::uri::InvalidUri| e.to_string())?;
    let scheme = base.scheme_str().ok_or("the URL has no scheme")?;
    let authority = base.authority().ok_or("the URL has no host")?;
    let host = match host_prefix {
        Some(prefix) => format!("{prefix}{authority}"),
        None => authority.to_string(),
    };
    let base_path = base.path().trim_end_matches('/');
    let uri = format!("{scheme}://{host}{base_path}{path_and_query}");
    let uri = uri.parse().map_err(|e: http::uri::InvalidUri| format!("{uri}: {e}"))?;
    Ok((uri, host))
}

fn build_request(
    request: &Request,
    uri: &http::Uri,
    host: &str,
    endpoint_headers: &[(String, String)],
) -> Result<StreamingRequest, http::Error> {
    let mut builder = http::Request::builder()
        .method(request.method.clone())
        .uri(uri.clone())
        .header(http::header::HOST, host)
        .header(http::header::USER_AGENT, crate::service::USER_AGENT);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    for (name, value) in endpoint_headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    // A stream of unknown length goes out with chunked transfer encoding.
    if let Some(length) = request.body.content_length().filter(|length| *length > 0) {
        builder = builder.header(http::header::CONTENT_LENGTH, length);
    }
    builder.body(request.body.take_for_send())
}

/// Signs the request in place with SigV4 (headers). The signature covers
/// the body when it is in memory; a stream, or the body of an operation
/// marked `unsignedPayload`, is signed as `UNSIGNED-PAYLOAD`.
fn sign(
    request: &mut StreamingRequest,
    credentials: aws_credential_types::Credentials,
    region: &str,
    name: &str,
    config: &Config,
    unsigned_payload: bool,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let identity = credentials.into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(name)
        .time(config.time_source.now())
        .settings(SigningSettings::default())
        .build()?
        .into();
    let headers = request
        .headers()
        .iter()
        .map(|(k, v)| Ok((k.as_str(), v.to_str()?)))
        .collect::<Result<Vec<_>, http::header::ToStrError>>()?;
    let uri = request.uri().to_string();
    let body = match request.body().as_bytes() {
        Some(bytes) if !unsigned_payload => SignableBody::Bytes(bytes),
        _ => SignableBody::UnsignedPayload,
    };
    let signable = SignableRequest::new(request.method().as_str(), &uri, headers.into_iter(), body)?;
    let (instructions, _signature) = sign(signable, &params)?.into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_join_endpoint_prefix_and_path() {
        let (uri, host) = target_uri("https://omics.us-west-2.amazonaws.com", Some("control-storage-"), "/a/b?x=1").unwrap();
        assert_eq!(uri.to_string(), "https://control-storage-omics.us-west-2.amazonaws.com/a/b?x=1");
        assert_eq!(host, "control-storage-omics.us-west-2.amazonaws.com");
        let (uri, host) = target_uri("http://localhost:8080/base/", None, "/a").unwrap();
        assert_eq!((uri.to_string().as_str(), host.as_str()), ("http://localhost:8080/base/a", "localhost:8080"));
        assert!(target_uri("not a url", None, "/").is_err());
        assert!(target_uri("/relative", None, "/").is_err());
    }

    #[test]
    fn retry_classification() {
        let meta = |code: Option<&str>, status| ErrorMetadata::new(code.map(str::to_owned), None, Some(status), None);
        assert_eq!(classify(&meta(Some("ThrottlingException"), 400), None), Some(RetryKind::Throttling));
        assert_eq!(classify(&meta(None, 429), None), Some(RetryKind::Throttling));
        assert_eq!(classify(&meta(None, 503), None), Some(RetryKind::Transient));
        assert_eq!(classify(&meta(Some("ValidationException"), 400), None), None);
        assert_eq!(classify(&meta(Some("AccessDeniedException"), 403), None), None);
        assert_eq!(classify(&meta(None, 501), None), None);
        assert_eq!(classify(&meta(Some("Custom"), 400), Some(false)), Some(RetryKind::Transient));
    }

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let retry = crate::config::RetryConfig::standard();
        for attempt in 1..=10 {
            let cap = Duration::from_secs(1u64 << (attempt - 1)).min(Duration::from_secs(20));
            let delay = backoff(&retry, attempt);
            assert!(delay < cap, "attempt {attempt}: {delay:?} >= {cap:?}");
        }
        let spread: Vec<_> = (0..20).map(|_| backoff(&retry, 5)).collect();
        assert!(spread.windows(2).any(|w| w[0] != w[1]), "jitter varies");
        for _ in 0..1000 {
            let x = random_unit();
            assert!((0.0..1.0).contains(&x));
        }
    }
}

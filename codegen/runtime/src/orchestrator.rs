//! Sending an operation: serialize, resolve the endpoint, sign, send with
//! timeouts and retries, and parse the response or the error (copied
//! verbatim into each generated crate by codegen; the source lives in
//! `codegen/runtime/src/orchestrator.rs`). The generated code supplies the
//! per-operation parts through [`Operation`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};

use crate::auth::{AuthScheme, Identity, IdentityCache};
use crate::config::{AccountIdEndpointMode, Config, ConfigBuilder};
use crate::endpoint::Value;
use crate::error::{BuildError, ErrorMetadata, Unhandled, UnhandledKind};
use crate::facts::{EndpointInputs, ResolvedEndpoint, ServiceFacts};
use crate::interceptor::Interceptor;
use crate::primitives::ByteStream;
use crate::retry::{RetryBudget, RetryKind, RETRY_COST, TIMEOUT_RETRY_COST};
use crate::transport::{HttpResponse, StreamingRequest, StreamingResponse};

/// Any error, boxed.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The state a client shares between its calls.
#[derive(Debug)]
pub(crate) struct Handle {
    pub(crate) config: Config,
    /// What the generated code says of its service.
    pub(crate) service: &'static ServiceFacts,
    /// Shared with the handles of the client's per-call overrides.
    retry_budget: Arc<RetryBudget>,
    /// Shared with the handles of per-call overrides that keep the
    /// client's credentials and token.
    pub(crate) identities: Arc<IdentityCache>,
    endpoints: EndpointCache,
    /// The last endpoint URL requests went to, parsed.
    targets: TargetCache,
    /// How far the service's clock is from the time source, by the `Date`
    /// of the responses so far: requests are signed at the corrected time.
    /// Shared with the handles of the client's per-call overrides.
    clock_skew: Arc<crate::clock::ClockSkew>,
}

impl Handle {
    pub(crate) fn new(config: Config, service: &'static ServiceFacts) -> Self {
        Handle {
            config,
            service,
            retry_budget: Arc::default(),
            identities: Arc::default(),
            endpoints: EndpointCache::default(),
            targets: TargetCache::default(),
            clock_skew: Arc::default(),
        }
    }

    /// The handle of the calls of one fluent builder whose configuration
    /// `builder` changed (`config_override`): the client's handle is left
    /// as it is. The retry budget and the service's clock skew stay the
    /// client's, and so do the cached credentials and token unless the
    /// override set a provider; endpoints are resolved again for the new
    /// configuration (a cache of its own); the default transport, and with
    /// it the connection pool, is kept unless the connect timeout changed.
    pub(crate) fn overridden(&self, builder: ConfigBuilder) -> Arc<Handle> {
        let (config, identity_changed) = self.config.overridden(builder);
        Arc::new(Handle {
            config,
            service: self.service,
            retry_budget: self.retry_budget.clone(),
            identities: if identity_changed { Arc::default() } else { self.identities.clone() },
            endpoints: EndpointCache::default(),
            targets: TargetCache::default(),
            clock_skew: self.clock_skew.clone(),
        })
    }
}

/// What a fluent builder's `config_override` does: the builder's calls go
/// through a handle of the configuration `change` makes of the current one.
/// Generic only over the caller's closure, so that it is compiled only where
/// it is called; the work is in [`Handle::overridden`].
#[inline]
pub(crate) fn with_override(handle: &Arc<Handle>, change: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Arc<Handle> {
    handle.overridden(change(handle.config.to_builder()))
}

/// The last endpoint a client resolved, with the inputs it was resolved
/// from: calls that repeat them (the same table, the same account) skip
/// evaluating the rule set. The configuration, the rest of the input to the
/// rules, never changes for a client.
#[derive(Debug, Default)]
struct EndpointCache(Mutex<Option<CachedEndpoint>>);

#[derive(Debug)]
struct CachedEndpoint {
    operation: Vec<(&'static str, Value)>,
    account_id: Option<String>,
    endpoint: Arc<ResolvedEndpoint>,
}

impl EndpointCache {
    fn resolve<E>(
        &self,
        inputs: &EndpointInputs<'_>,
        resolve: impl FnOnce() -> Result<ResolvedEndpoint, E>,
    ) -> Result<Arc<ResolvedEndpoint>, E> {
        let same = |cached: &CachedEndpoint| cached.operation == inputs.operation && cached.account_id.as_deref() == inputs.account_id;
        if let Some(cached) = self.0.lock().ok().as_ref().and_then(|guard| guard.as_ref().filter(|c| same(c)).map(|c| c.endpoint.clone())) {
            return Ok(cached);
        }
        // Errors are not kept: the next call evaluates the rules again.
        let endpoint = Arc::new(resolve()?);
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some(CachedEndpoint {
                operation: inputs.operation.to_vec(),
                account_id: inputs.account_id.map(str::to_owned),
                endpoint: endpoint.clone(),
            });
        }
        Ok(endpoint)
    }
}

/// The endpoint URL (with its host prefix) the last request went to, parsed
/// once: the calls that follow (every call, for most services) join their
/// path to it without parsing the URL again.
#[derive(Debug, Default)]
struct TargetCache(Mutex<Option<Arc<Target>>>);

impl TargetCache {
    fn uri(&self, endpoint: &str, host_prefix: Option<&str>, path_and_query: &str) -> Result<(http::Uri, HeaderValue), String> {
        let same = |target: &Target| target.endpoint == endpoint && target.host_prefix.as_deref() == host_prefix;
        let cached = self.0.lock().ok().and_then(|guard| guard.as_ref().filter(|target| same(target)).cloned());
        let target = match cached {
            Some(target) => target,
            None => {
                // Errors are not kept.
                let target = Arc::new(Target::parse(endpoint, host_prefix)?);
                if let Ok(mut guard) = self.0.lock() {
                    *guard = Some(target.clone());
                }
                target
            }
        };
        target.join(path_and_query)
    }
}

/// An endpoint URL with the operation's host prefix, in the parts a
/// request's URI is made of.
#[derive(Debug)]
struct Target {
    endpoint: String,
    host_prefix: Option<String>,
    scheme: http::uri::Scheme,
    /// The endpoint's host and port, the prefix before them.
    authority: http::uri::Authority,
    /// The same, as the `Host` header says it.
    host: HeaderValue,
    /// The endpoint's path, without its final `/`.
    base_path: String,
}

impl Target {
    fn parse(endpoint: &str, host_prefix: Option<&str>) -> Result<Target, String> {
        let base: http::Uri = endpoint.parse().map_err(|e: http::uri::InvalidUri| e.to_string())?;
        let scheme = base.scheme().ok_or("the URL has no scheme")?.clone();
        let authority = base.authority().ok_or("the URL has no host")?;
        let authority = match host_prefix {
            Some(prefix) => format!("{prefix}{authority}").parse().map_err(|e: http::uri::InvalidUri| format!("{prefix}{authority}: {e}"))?,
            None => authority.clone(),
        };
        let host = HeaderValue::from_str(authority.as_str()).map_err(|e| format!("{authority}: {e}"))?;
        Ok(Target {
            endpoint: endpoint.to_owned(),
            host_prefix: host_prefix.map(str::to_owned),
            scheme,
            authority,
            host,
            base_path: base.path().trim_end_matches('/').to_owned(),
        })
    }

    /// The full URI of a request with this path and query, and its `Host`.
    fn join(&self, path_and_query: &str) -> Result<(http::Uri, HeaderValue), String> {
        // A request whose own path is empty (S3's bucket operations, whose
        // `{Bucket}` the endpoint carries) goes to the endpoint's path, or `/`.
        let slash = if self.base_path.is_empty() && !path_and_query.starts_with('/') { "/" } else { "" };
        let joined = if self.base_path.is_empty() && slash.is_empty() {
            http::uri::PathAndQuery::try_from(path_and_query)
        } else {
            http::uri::PathAndQuery::try_from(format!("{}{slash}{path_and_query}", self.base_path))
        };
        let path_and_query = joined.map_err(|e| format!("{path_and_query}: {e}"))?;
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(path_and_query);
        let uri = http::Uri::from_parts(parts).map_err(|e| e.to_string())?;
        Ok((uri, self.host.clone()))
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
    /// An endpoint URL the input names, which replaces the resolved one
    /// (Machine Learning's `Predict` sends to its `PredictEndpoint`).
    pub(crate) endpoint: Option<String>,
}

/// Wraps a body of encoded events in their signed envelopes.
pub(crate) type SignEvents = fn(ByteStream, crate::auth::EventSigning) -> ByteStream;

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

    /// For an operation that sends events: how the encoded events of the
    /// request body are signed, after the request (`event_signing.rs`).
    const SIGN_EVENTS: Option<SignEvents> = None;

    /// Sent over HTTP/2 (bidirectional event streams).
    const HTTP2: bool = false;

    /// The operation's own auth schemes, when they differ from the
    /// service's (`smithy.api#auth`, `@optionalAuth`).
    const AUTH: Option<&'static [AuthScheme]> = None;

    /// Interceptors of this operation (customizations), after the service's.
    const INTERCEPTORS: &'static [&'static dyn Interceptor] = &[];

    /// The endpoint parameters the operation sets from `input` or to
    /// constants, by their names in the rule set.
    fn endpoint_params(input: &Self::Input) -> Vec<(&'static str, Value)> {
        let _ = input;
        Vec::new()
    }

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
    let mut request = O::serialize(input, &handle.config).map_err(invalid_input::<O>)?;
    crate::interceptor::run(handle.service.interceptors, O::INTERCEPTORS, &mut request, &handle.config, false)
        .map_err(invalid_input::<O>)?;
    let spec = Spec::of::<O>(handle, input);
    let unreadable = |response: &http::Response<Bytes>, e: BoxError| {
        let meta = ErrorMetadata::new(None, None, Some(response.status().as_u16()), handle.service.protocol.request_id(response.headers()));
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

/// [`invoke`] for a fluent builder's `send`: takes what the call needs by
/// value, and turns an input that could not be built into the operation's
/// error. The generated `send` is a plain function that returns this
/// future, with no state machine of its own to check in every operation.
pub(crate) async fn invoke_built<O: Operation>(handle: Arc<Handle>, input: Result<O::Input, BuildError>) -> Result<O::Output, O::Error> {
    invoke::<O>(&handle, &input.map_err(invalid_input::<O>)?).await
}

/// The operation's error for an input that could not be built, serialized
/// or passed by the interceptors: nothing was sent.
pub(crate) fn invalid_input<O: Operation>(error: BuildError) -> O::Error {
    O::unhandled(Unhandled::new(UnhandledKind::InvalidInput, ErrorMetadata::default(), Some(error.into())))
}

/// What the sending core needs to know of an operation.
pub(crate) struct Spec {
    pub(crate) name: &'static str,
    streaming_output: bool,
    event_stream: bool,
    pub(crate) unsigned_payload: bool,
    sign_events: Option<SignEvents>,
    http2: bool,
    auth: &'static [AuthScheme],
    modeled_retry: fn(&str) -> Option<bool>,
    interceptors: &'static [&'static dyn Interceptor],
    /// What the operation sets of the endpoint parameters.
    endpoint_params: Vec<(&'static str, Value)>,
}

impl Spec {
    pub(crate) fn of<O: Operation>(handle: &Handle, input: &O::Input) -> Spec {
        Spec {
            name: O::NAME,
            streaming_output: O::STREAMING_OUTPUT.is_some(),
            event_stream: O::EVENT_STREAM,
            unsigned_payload: O::UNSIGNED_PAYLOAD,
            sign_events: O::SIGN_EVENTS,
            http2: O::HTTP2,
            auth: O::AUTH.unwrap_or(handle.service.auth),
            modeled_retry: O::modeled_retry,
            interceptors: O::INTERCEPTORS,
            endpoint_params: O::endpoint_params(input),
        }
    }
}

/// Why sending failed: the service's error response (of the last
/// attempt), or anything else.
pub(crate) enum Failure {
    Service(ErrorMetadata, HttpResponse),
    Unhandled(Unhandled),
}

pub(crate) fn configuration_error(message: String) -> Failure {
    Failure::Unhandled(Unhandled::new(UnhandledKind::Configuration, ErrorMetadata::default(), Some(message.into())))
}

/// Sends a request under the operation timeout, with retries.
async fn send(handle: &Handle, request: Request, spec: &Spec) -> Result<Received, Failure> {
    let span = crate::telemetry::Span::operation(handle.service.name, spec.name);
    // Boxed: the attempt loop's state is large, and every layer of futures
    // around it would otherwise copy it as it starts.
    span.run(Box::pin(send_in_time(handle, request, spec))).await
}

async fn send_in_time(handle: &Handle, request: Request, spec: &Spec) -> Result<Received, Failure> {
    let config = &handle.config;
    match config.timeouts.operation_timeout() {
        None => send_attempts(handle, request, spec).await,
        Some(limit) => match crate::clock::timeout(send_attempts(handle, request, spec), limit, &*config.sleep).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Unhandled(Unhandled::new(
                UnhandledKind::Timeout,
                ErrorMetadata::default(),
                Some(format!("{} did not complete within the operation timeout of {limit:?}", spec.name).into()),
            ))),
        },
    }
}

/// Where and how a request goes: what the endpoint rules resolved, the
/// full URI with its `Host`, the auth scheme, and for SigV4 the signing
/// name and region.
pub(crate) struct Route {
    pub(crate) endpoint: Arc<ResolvedEndpoint>,
    pub(crate) uri: http::Uri,
    pub(crate) host: HeaderValue,
    pub(crate) scheme: AuthScheme,
    pub(crate) sigv4: Option<(String, String)>,
}

/// Chooses the auth scheme, resolves the endpoint (through the client's
/// cache) and the signing name and region: everything before the first
/// attempt, shared by sending and presigning.
pub(crate) async fn route(handle: &Handle, request: &Request, spec: &Spec) -> Result<Route, Failure> {
    let config = &handle.config;
    let service = handle.service;
    if let Some(message) = config.endpoint_flags.invalid().or(config.invalid_retry.as_deref()) {
        return Err(configuration_error(message.to_owned()));
    }
    let chosen = crate::auth::choose(spec.auth, config);
    let account_id = match chosen {
        Ok(scheme @ AuthScheme::SigV4 { .. }) => account_id(handle, scheme, spec.name).await?,
        _ => None,
    };
    let inputs = EndpointInputs { operation: &spec.endpoint_params, account_id: account_id.as_deref() };
    let mut endpoint = handle.endpoints.resolve(&inputs, || (service.resolve_endpoint)(config, &inputs)).map_err(|e| {
        // Rules that need the credentials' account id fail without
        // credentials: say that, as every other service does.
        if let (true, Err(no_credentials)) = (service.endpoint_uses_account_id, &chosen) {
            return configuration_error(no_credentials.clone());
        }
        // The rules' message names their parameter; say which setting it is.
        let required = service.endpoint_uses_account_id
            && account_id.is_none()
            && config.account_id_endpoint_mode == AccountIdEndpointMode::Required;
        let hint = if required {
            " (account_id_endpoint_mode is `required`, as set by Config::builder().account_id_endpoint_mode(..) or \
             AWS_ACCOUNT_ID_ENDPOINT_MODE, and the credentials carry no account id)"
        } else {
            ""
        };
        configuration_error(format!("cannot resolve the endpoint: {e}{hint}"))
    })?;
    if let Some(url) = &request.endpoint {
        Arc::make_mut(&mut endpoint).url.clone_from(url);
    }
    let prefix = request.host_prefix.as_deref().filter(|_| config.inject_host_prefix);
    let (uri, host) = handle
        .targets
        .uri(&endpoint.url, prefix, &request.path_and_query)
        .map_err(|e| configuration_error(format!("invalid endpoint URL `{}`: {e}", endpoint.url)))?;
    let scheme = chosen.map_err(configuration_error)?;
    if let (AuthScheme::SigV4 { .. }, Some(names)) = (scheme, &endpoint.unsupported_auth) {
        return Err(configuration_error(unsupported_auth(names)));
    }
    // SigV4: the scheme's signing name (or the endpoint's override) and the
    // configured region (or the endpoint's override).
    let sigv4 = match scheme {
        AuthScheme::SigV4 { signing_name } => {
            let region = endpoint.signing_region.clone().or_else(|| config.region.clone()).ok_or_else(|| {
                configuration_error("no region is configured (set it with Config::builder().region(..) or AWS_REGION)".into())
            })?;
            Some((endpoint.signing_name.clone().unwrap_or_else(|| signing_name.to_owned()), region))
        }
        _ => None,
    };
    Ok(Route { endpoint, uri, host, scheme, sigv4 })
}

async fn send_attempts(handle: &Handle, request: Request, spec: &Spec) -> Result<Received, Failure> {
    let config = &handle.config;
    let service = handle.service;
    let Route { endpoint, uri, host, scheme, sigv4 } = route(handle, &request, spec).await?;
    let retry = &config.retry;
    let mut attempt = 1;
    // What the last retry spent: a success gives it back (else 1 token).
    let mut last_retry_cost = None;
    // A refused signature time is retried once, at the corrected time.
    let mut skew_retried = false;
    loop {
        // Signed at the time source's time corrected by what the responses
        // so far said of the service's clock; `received_at`, when the
        // response's head arrived, is uncorrected.
        let skew = handle.clock_skew.get();
        let mut received_at = None;
        let span = crate::telemetry::Span::attempt(attempt);
        // One attempt: credentials, signing and sending, all under the
        // attempt timeout (a credentials provider can hang too).
        let attempt_work = async {
            let mut http_request = build_request(&request, &uri, &host, &endpoint, service.user_agent)
                .map_err(|e| configuration_error(format!("cannot build the HTTP request: {e}")))?;
            if spec.http2 {
                *http_request.version_mut() = http::Version::HTTP_2;
            }
            // Resolved once and cached until it nears expiry.
            let identity = handle.identities.resolve(scheme, config).await.map_err(|e| {
                Failure::Unhandled(Unhandled::new(UnhandledKind::Credentials, ErrorMetadata::default(), Some(e)))
            })?;
            let settings = sigv4.as_ref().map(|(name, region)| crate::auth::SigV4Settings {
                name,
                region,
                unsigned_payload: spec.unsigned_payload,
            });
            // Events sent with SigV4 credentials are signed one by one, in a
            // chain the request's signature starts; unsigned, they go as
            // they are.
            let event_signing = match (&identity, spec.sign_events, &sigv4) {
                (crate::auth::Identity::Credentials(credentials), Some(sign_events), Some((name, region))) => {
                    http_request
                        .headers_mut()
                        .insert("x-amz-content-sha256", http::HeaderValue::from_static(crate::auth::EVENTS_PAYLOAD));
                    Some((sign_events, credentials.clone(), name.clone(), region.clone()))
                }
                _ => None,
            };
            let signature = crate::auth::sign(&mut http_request, identity, settings, skew.apply(config.time_source.now()))
                .map_err(|e| configuration_error(format!("cannot sign the request: {e}")))?;
            if let (Some((sign_events, credentials, name, region)), Some(seed)) = (event_signing, signature) {
                let time_source = config.time_source.clone();
                let signing = crate::auth::EventSigning {
                    credentials,
                    region,
                    name,
                    seed,
                    now: std::sync::Arc::new(move || skew.apply(time_source.now())),
                };
                let body = std::mem::take(http_request.body_mut());
                *http_request.body_mut() = sign_events(body, signing);
            }
            let sent = config.http_client.send_streaming(http_request).await;
            // Before the body is read: the `Date` was written with the head.
            received_at = Some(config.time_source.now());
            Ok(receive(sent, spec.streaming_output, config.buffered_body_limit, service.protocol).await)
        };
        let attempt_work = span.run(attempt_work);
        let outcome = match config.timeouts.attempt_timeout() {
            None => Ok(attempt_work.await),
            Some(limit) => crate::clock::timeout(attempt_work, limit, &*config.sleep).await.map_err(|_| limit),
        };
        let mut outcome = match outcome {
            Ok(Err(error)) => return Err(error),
            Ok(Ok(sent)) => Ok(sent),
            Err(limit) => Err(limit),
        };
        // Every response's `Date` says how far off the client's clock is;
        // how far it moved the skew explains (or not) a refused signature.
        // The attempt's span records what came back, or that nothing did.
        let correction = match &outcome {
            Ok(Ok(received)) => {
                span.response(received.status().as_u16(), || received.request_id(service.protocol));
                let received_at = received_at.unwrap_or_else(|| config.time_source.now());
                let learnt = handle.clock_skew.observe(received_at, received.headers());
                learnt.map(|learnt| learnt.distance(skew)).filter(|_| !skew_retried)
            }
            Ok(Err(_)) => {
                span.failed("transport");
                None
            }
            Err(_) => {
                span.failed("timeout");
                None
            }
        };
        // A response the service's checks refuse (DynamoDB's CRC32) is a
        // transient fault: it may have been damaged on the way.
        let refused = match &mut outcome {
            Ok(Ok(Received::Buffered(response))) => {
                crate::interceptor::check_response(service.interceptors, spec.interceptors, &request, response).err().map(|problem| {
                    let meta = ErrorMetadata::new(None, None, Some(response.status().as_u16()), service.protocol.request_id(response.headers()));
                    Failure::Unhandled(Unhandled::new(UnhandledKind::Response, meta, Some(problem.into())))
                })
            }
            _ => None,
        };
        let (verdict, result) = match (refused, outcome) {
            (Some(failure), _) => (Some(RetryKind::Transient), Err(failure)),
            (None, outcome) => match outcome {
            Err(limit) => (
                Some(RetryKind::Timeout),
                Err(Failure::Unhandled(Unhandled::new(
                    UnhandledKind::Timeout,
                    ErrorMetadata::default(),
                    Some(format!("attempt {attempt} of {} did not complete within the attempt timeout of {limit:?}", spec.name).into()),
                ))),
            ),
            Ok(Err(Unreceived { error: transport, meta })) => {
                // A malformed or oversized response would come back the same.
                let retryable = transport.kind().is_retryable();
                let kind = transport.unhandled_kind();
                let error = Failure::Unhandled(Unhandled::new(kind, meta, Some(transport.into())));
                (retryable.then_some(RetryKind::Transient), Err(error))
            }
            Ok(Ok(Received::Streaming(response))) => {
                handle.retry_budget.give_back(last_retry_cost.unwrap_or(1));
                // The body outlives the attempt: a server that stops sending
                // for as long as an attempt may take fails the read instead
                // of hanging it.
                // (Not for event streams, which may rightly be quiet for long.)
                let response = match config.timeouts.attempt_timeout().filter(|_| !spec.event_stream) {
                    None => response,
                    Some(limit) => response.map(|body| {
                        let length = body.content_length();
                        let idle = IdleTimeout::new(body, config.sleep.clone(), limit);
                        ByteStream::from_checked_stream(idle, length)
                    }),
                };
                let response = crate::interceptor::wrap_stream(service.interceptors, spec.interceptors, &request, response);
                return Ok(Received::Streaming(response));
            }
            Ok(Ok(Received::Buffered(response))) if response.status().is_success() => {
                handle.retry_budget.give_back(last_retry_cost.unwrap_or(1));
                return Ok(Received::Buffered(response));
            }
            Ok(Ok(Received::Buffered(response))) => {
                let meta = service.protocol.error_metadata(&response).with_redirect(response.status(), response.headers());
                span.error_code(meta.code());
                let modeled = meta.code().and_then(spec.modeled_retry);
                let verdict = crate::retry::classify(&meta, modeled, service.retry_classifiers)
                    .or_else(|| crate::retry::clock_skew(&meta, correction));
                (verdict, Err(Failure::Service(meta, response)))
            }
        },
        };
        let cost = match verdict {
            Some(RetryKind::Timeout) => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        };
        // A stream body went with the first attempt: it cannot be sent again.
        if verdict.is_none()
            || attempt >= retry.max_attempts()
            || !request.body.is_replayable()
            || !handle.retry_budget.take(cost)
        {
            return result;
        }
        last_retry_cost = Some(cost);
        skew_retried |= verdict == Some(RetryKind::ClockSkew);
        if let Some(kind) = verdict {
            span.retry(kind);
        }
        span.end();
        config.sleep.sleep(crate::retry::backoff(retry, attempt)).await;
        attempt += 1;
    }
}

/// The account id of the credentials, for a service whose endpoint rules
/// use it (unless the configuration turns account endpoints off): the
/// identity is then resolved before the endpoint, as the AWS SDKs do, under
/// the attempt timeout. It goes into the client's identity cache, so the
/// first attempt finds it there rather than asking the provider again.
async fn account_id(handle: &Handle, scheme: AuthScheme, name: &str) -> Result<Option<String>, Failure> {
    let config = &handle.config;
    if !handle.service.endpoint_uses_account_id || config.account_id_endpoint_mode == AccountIdEndpointMode::Disabled {
        return Ok(None);
    }
    let resolving = handle.identities.resolve(scheme, config);
    let resolved = match config.timeouts.attempt_timeout() {
        None => resolving.await,
        Some(limit) => crate::clock::timeout(resolving, limit, &*config.sleep).await.map_err(|_| {
            Failure::Unhandled(Unhandled::new(
                UnhandledKind::Timeout,
                ErrorMetadata::default(),
                Some(format!("the credentials of {name} were not resolved within the attempt timeout of {limit:?}").into()),
            ))
        })?,
    };
    match resolved {
        Ok(Identity::Credentials(credentials)) => Ok(credentials.account_id().map(|id| id.as_str().to_owned())),
        Ok(_) => Ok(None),
        Err(e) => Err(Failure::Unhandled(Unhandled::new(UnhandledKind::Credentials, ErrorMetadata::default(), Some(e)))),
    }
}

/// A streaming body that fails when it has had nothing to give for
/// `limit` while it was read (time the reader spends elsewhere between
/// chunks does not count).
///
/// The timer is armed when the body first waits and left running while
/// chunks arrive; when it fires after some did, it is armed again for what
/// is left of `limit` since the body last started waiting. (Arming a timer
/// at every wait, a boxed future and a timer-wheel entry, cost a download
/// more than reading the chunk did.) The waits are measured on the
/// monotonic clock; a firing with no chunk since the timer was armed ends
/// the body whatever that clock says, so a sleep that completes at once
/// (a test clock's) cannot keep it waiting.
struct IdleTimeout {
    body: ByteStream,
    sleep: std::sync::Arc<dyn crate::clock::AsyncSleep>,
    limit: Duration,
    timer: Option<crate::transport::BoxFuture<'static, ()>>,
    /// Since when the body has had nothing to give; `None` right after a chunk.
    waiting_since: Option<tokio::time::Instant>,
    /// Whether a chunk arrived since the timer was armed.
    progressed: bool,
}

impl IdleTimeout {
    fn new(body: ByteStream, sleep: std::sync::Arc<dyn crate::clock::AsyncSleep>, limit: Duration) -> Self {
        IdleTimeout { body, sleep, limit, timer: None, waiting_since: None, progressed: false }
    }
}

impl futures_core::Stream for IdleTimeout {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        if let Poll::Ready(item) = std::pin::Pin::new(&mut this.body).poll_next(cx) {
            this.waiting_since = None;
            this.progressed = true;
            return Poll::Ready(item.map(|chunk| chunk.map_err(BoxError::from)));
        }
        let since = *this.waiting_since.get_or_insert_with(tokio::time::Instant::now);
        loop {
            let timer = match &mut this.timer {
                Some(timer) => timer,
                None => {
                    this.progressed = false;
                    this.timer.insert(this.sleep.sleep(this.limit))
                }
            };
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let left = this.limit.saturating_sub(since.elapsed());
            if std::mem::take(&mut this.progressed) && !left.is_zero() {
                this.timer = Some(this.sleep.sleep(left));
                continue;
            }
            this.timer = None;
            this.body = ByteStream::default();
            let limit = this.limit;
            return Poll::Ready(Some(Err(format!("no data arrived for {limit:?} (the attempt timeout)").into())));
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

impl Received {
    fn status(&self) -> http::StatusCode {
        match self {
            Received::Buffered(response) => response.status(),
            Received::Streaming(response) => response.status(),
        }
    }

    fn headers(&self) -> &http::HeaderMap {
        match self {
            Received::Buffered(response) => response.headers(),
            Received::Streaming(response) => response.headers(),
        }
    }

    fn request_id(&self, protocol: &dyn crate::protocol::Protocol) -> Option<String> {
        protocol.request_id(self.headers())
    }
}

/// Reads the body of a response unless it is the stream of a successful
/// streaming output, up to `limit` bytes. Reading is part of the attempt
/// (its timeout covers it, and a broken connection is retried like any
/// transport failure). A body that fails (too large, cut short, malformed)
/// keeps what the head said: the status and the request id.
async fn receive(
    sent: Result<StreamingResponse, crate::transport::TransportError>,
    streaming_output: bool,
    limit: u64,
    protocol: &dyn crate::protocol::Protocol,
) -> Result<Received, Unreceived> {
    let response = sent.map_err(|error| Unreceived { error, meta: ErrorMetadata::default() })?;
    if streaming_output && response.status().is_success() {
        return Ok(Received::Streaming(response));
    }
    let (parts, body) = response.into_parts();
    // The status and request id are kept only when the body fails.
    let body = crate::transport::read_limited(body, limit).await.map_err(|error| {
        let meta = ErrorMetadata::new(None, None, Some(parts.status.as_u16()), protocol.request_id(&parts.headers));
        Unreceived { error, meta }
    })?;
    Ok(Received::Buffered(http::Response::from_parts(parts, body)))
}

/// A response that did not arrive whole: the transport's error, and what
/// its head said if it arrived.
struct Unreceived {
    error: crate::transport::TransportError,
    meta: ErrorMetadata,
}

/// Why a request whose endpoint asks only for auth schemes this client
/// cannot sign with is refused before it is sent, naming the feature.
fn unsupported_auth(names: &[String]) -> String {
    let feature = |name: &str| match name {
        "sigv4a" => Some("SigV4a signing (`sigv4a`: S3 Multi-Region Access Points and other multi-region endpoints)"),
        "sigv4-s3express" => Some(
            "S3 Express One Zone session auth (`sigv4-s3express`, with CreateSession); \
             Config::builder().disable_s3_express_session_auth(true) signs with SigV4 instead",
        ),
        _ => None,
    };
    let described: Vec<String> =
        names.iter().map(|name| feature(name).map_or_else(|| format!("`{name}`"), str::to_owned)).collect();
    format!("the endpoint requires an auth scheme this client does not support: {}", described.join(", or "))
}

/// Whether the serialized input set `Content-Length` itself (a member bound
/// to it, such as S3's `ContentLength`).
pub(crate) fn sets_length(request: &Request) -> bool {
    request.headers.iter().any(|(name, _)| name == http::header::CONTENT_LENGTH)
}

pub(crate) fn build_request(
    request: &Request,
    uri: &http::Uri,
    host: &HeaderValue,
    endpoint: &ResolvedEndpoint,
    user_agent: &'static str,
) -> Result<StreamingRequest, http::Error> {
    // Room for every header, signing's too (`x-amz-date`, `authorization`,
    // `x-amz-security-token`, `x-amz-content-sha256`): the map is not
    // grown (and its entries moved) while the request is signed.
    let mut headers = http::HeaderMap::with_capacity(request.headers.len() + endpoint.headers.len() + 3 + SIGNING_HEADERS);
    headers.append(http::header::HOST, host.clone());
    // Checked, not copied.
    headers.append(http::header::USER_AGENT, HeaderValue::from_maybe_shared(Bytes::from_static(user_agent.as_bytes()))?);
    for (name, value) in &request.headers {
        headers.append(name.clone(), value.clone());
    }
    for (name, value) in &endpoint.headers {
        headers.append(http::HeaderName::from_bytes(name.as_bytes())?, http::HeaderValue::from_str(value)?);
    }
    // A stream of unknown length goes out with chunked transfer encoding.
    // An empty body is said (`Content-Length: 0`) for the methods that
    // carry one, and left unsaid for the others (GET, DELETE, HEAD).
    let has_body = matches!(request.method, http::Method::POST | http::Method::PUT | http::Method::PATCH);
    // A length the input set (S3's `ContentLength`) is not said twice.
    let said = sets_length(request);
    if let Some(length) = request.body.content_length().filter(|length| !said && (*length > 0 || has_body)) {
        headers.append(http::header::CONTENT_LENGTH, http::HeaderValue::from(length));
    }
    let mut built = http::Request::new(request.body.take_for_send());
    *built.method_mut() = request.method.clone();
    *built.uri_mut() = uri.clone();
    *built.headers_mut() = headers;
    Ok(built)
}

/// How many headers SigV4 signing may add to a request.
const SIGNING_HEADERS: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;

    /// A chunk `first` after the start, then one `every` after each is read,
    /// `left` in all (tokio's clock); then nothing ever again.
    struct Trickle {
        left: u32,
        every: Duration,
        next: std::pin::Pin<Box<tokio::time::Sleep>>,
    }

    impl Trickle {
        fn body(left: u32, first: Duration, every: Duration) -> ByteStream {
            ByteStream::from_stream(Trickle { left, every, next: Box::pin(tokio::time::sleep(first)) })
        }
    }

    impl futures_core::Stream for Trickle {
        type Item = Result<Bytes, std::io::Error>;

        fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
            if self.left == 0 || std::future::Future::poll(self.next.as_mut(), cx).is_pending() {
                return std::task::Poll::Pending;
            }
            self.left -= 1;
            let next = tokio::time::Instant::now() + self.every;
            self.next.as_mut().reset(next);
            std::task::Poll::Ready(Some(Ok(Bytes::from_static(b"chunk"))))
        }
    }

    async fn next(body: &mut IdleTimeout) -> Option<Result<Bytes, BoxError>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(std::pin::Pin::new(&mut *body), cx)).await
    }

    fn idle(body: ByteStream) -> IdleTimeout {
        IdleTimeout::new(body, std::sync::Arc::new(crate::clock::TokioSleep), Duration::from_millis(250))
    }

    #[tokio::test(start_paused = true)]
    async fn a_download_times_out_a_limit_after_its_last_chunk_however_long_it_ran() {
        let start = tokio::time::Instant::now();
        let ms = Duration::from_millis;
        let mut body = idle(Trickle::body(10, ms(100), ms(100)));
        for _ in 0..10 {
            // Ten chunks over a second: four times the limit, never idle that long.
            assert!(matches!(next(&mut body).await, Some(Ok(_))));
        }
        assert_eq!(start.elapsed(), ms(1000));
        let error = next(&mut body).await.expect("an item").expect_err("the stall fails");
        assert_eq!(error.to_string(), "no data arrived for 250ms (the attempt timeout)");
        assert_eq!(start.elapsed(), ms(1250), "a limit after the last chunk, not after the timer was first armed");
        assert!(next(&mut body).await.is_none(), "nothing after the failure");
    }

    #[tokio::test(start_paused = true)]
    async fn time_the_reader_spends_between_chunks_is_not_idle_time() {
        // Each chunk comes 500 ms after the last was read, and the reader
        // spends 400 ms on each: the body waits 100 ms at a time, though
        // chunks are 500 ms apart, twice the limit.
        let start = tokio::time::Instant::now();
        let ms = Duration::from_millis;
        let mut body = idle(Trickle::body(5, ms(100), ms(500)));
        for _ in 0..5 {
            assert!(matches!(next(&mut body).await, Some(Ok(_))), "at {:?}", start.elapsed());
            tokio::time::sleep(ms(400)).await;
        }
        assert_eq!(start.elapsed(), ms(100 + 4 * 500 + 400));
        let error = next(&mut body).await.expect("an item").expect_err("the stall fails");
        assert_eq!(error.to_string(), "no data arrived for 250ms (the attempt timeout)");
        assert_eq!(start.elapsed(), ms(100 + 4 * 500 + 400 + 250), "a limit after the body started waiting");
    }

    #[test]
    fn a_sleep_that_completes_at_once_ends_a_waiting_body_at_once() {
        // A test clock's sleep: the first firing with no chunk since the
        // timer was armed ends the body, whatever the monotonic clock says.
        let clock = std::sync::Arc::new(crate::testing::TestClock::new(std::time::UNIX_EPOCH));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime");
        let error = runtime.block_on(async {
            let mut body = IdleTimeout::new(Trickle::body(1, Duration::from_secs(3600), Duration::ZERO), clock, Duration::from_secs(60));
            next(&mut body).await.expect("an item").expect_err("it fails")
        });
        assert_eq!(error.to_string(), "no data arrived for 60s (the attempt timeout)");
    }

    #[test]
    fn the_endpoint_cache_resolves_again_only_for_other_inputs() {
        let cache = EndpointCache::default();
        let calls = std::cell::Cell::new(0);
        let resolve = |url: &str| {
            calls.set(calls.get() + 1);
            Ok::<_, String>(ResolvedEndpoint { url: url.to_owned(), ..Default::default() })
        };
        let table = |name: &str| vec![("ResourceArn", Value::from(name))];
        let users = table("users");
        let inputs = |operation, account_id| EndpointInputs { operation, account_id };
        assert_eq!(cache.resolve(&inputs(&users, None), || resolve("https://a")).unwrap().url, "https://a");
        assert_eq!(cache.resolve(&inputs(&users, None), || resolve("https://b")).unwrap().url, "https://a", "the same inputs");
        assert_eq!(calls.get(), 1);
        let orders = table("orders");
        assert_eq!(cache.resolve(&inputs(&orders, None), || resolve("https://c")).unwrap().url, "https://c", "another table");
        assert_eq!(cache.resolve(&inputs(&orders, Some("123456789012")), || resolve("https://d")).unwrap().url, "https://d", "an account");
        assert!(cache.resolve(&inputs(&users, None), || Err::<ResolvedEndpoint, _>("no".to_owned())).is_err());
        assert_eq!(cache.resolve(&inputs(&users, None), || resolve("https://e")).unwrap().url, "https://e", "errors are not kept");
        assert_eq!(calls.get(), 4);
    }

    /// The full URI of a request: the endpoint's scheme, host (with the
    /// operation's host prefix) and base path, then the operation's path and
    /// query. Returns it with the `Host` header value.
    fn target_uri(endpoint: &str, host_prefix: Option<&str>, path_and_query: &str) -> Result<(http::Uri, HeaderValue), String> {
        Target::parse(endpoint, host_prefix)?.join(path_and_query)
    }

    #[test]
    fn uris_join_endpoint_prefix_and_path() {
        let (uri, host) = target_uri("https://omics.us-west-2.amazonaws.com", Some("control-storage-"), "/a/b?x=1").unwrap();
        assert_eq!(uri.to_string(), "https://control-storage-omics.us-west-2.amazonaws.com/a/b?x=1");
        assert_eq!(host, "control-storage-omics.us-west-2.amazonaws.com");
        assert!(target_uri("https://omics.us-west-2.amazonaws.com", Some("bad prefix "), "/").is_err());
        let (uri, host) = target_uri("http://localhost:8080/base/", None, "/a").unwrap();
        assert_eq!((uri.to_string().as_str(), host.to_str().unwrap()), ("http://localhost:8080/base/a", "localhost:8080"));
        assert!(target_uri("not a url", None, "/").is_err());
        assert!(target_uri("/relative", None, "/").is_err());
        // An empty path of its own (S3's bucket operations): the endpoint's
        // path (path-style), or `/` before the query (virtual-hosted).
        let (uri, _) = target_uri("https://s3.us-west-2.amazonaws.com/bucket", None, "?list-type=2").unwrap();
        assert_eq!(uri.to_string(), "https://s3.us-west-2.amazonaws.com/bucket?list-type=2");
        let (uri, _) = target_uri("https://bucket.s3.us-west-2.amazonaws.com", None, "?list-type=2").unwrap();
        assert_eq!(uri.to_string(), "https://bucket.s3.us-west-2.amazonaws.com/?list-type=2");
        let (uri, _) = target_uri("https://bucket.s3.us-west-2.amazonaws.com", None, "").unwrap();
        assert_eq!(uri.to_string(), "https://bucket.s3.us-west-2.amazonaws.com/");
        assert!(target_uri("https://a.example.com", None, "/a b").is_err(), "a space in the path");
    }

    #[test]
    fn the_target_cache_follows_the_endpoint_and_the_prefix() {
        let cache = TargetCache::default();
        let uri = |endpoint: &str, prefix: Option<&str>, path: &str| {
            cache.uri(endpoint, prefix, path).map(|(uri, host)| (uri.to_string(), host.to_str().unwrap().to_owned()))
        };
        let a = ("https://a.example.com/".to_owned(), "a.example.com".to_owned());
        assert_eq!(uri("https://a.example.com", None, "/"), Ok(a.clone()));
        assert_eq!(uri("https://a.example.com", None, "/x?y=1").unwrap().0, "https://a.example.com/x?y=1", "cached");
        assert_eq!(uri("https://a.example.com", Some("p-"), "/").unwrap(), ("https://p-a.example.com/".to_owned(), "p-a.example.com".to_owned()));
        assert_eq!(uri("http://b.example.com:8080/base", None, "/c").unwrap().0, "http://b.example.com:8080/base/c");
        assert_eq!(uri("https://a.example.com", None, "/"), Ok(a), "back to the first");
        assert!(uri("no scheme", None, "/").is_err());
        assert_eq!(uri("https://a.example.com", None, "/").unwrap().1, "a.example.com", "an error is not kept");
    }
}

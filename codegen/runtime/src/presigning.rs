//! Presigned requests: an operation's request signed with SigV4 in its
//! query string, valid for a while, for anyone to send with a plain HTTP
//! client (copied verbatim into each generated crate whose service signs
//! with SigV4; the source lives in `codegen/runtime/src/presigning.rs`).
//!
//! Each operation's fluent builder has `presigned(config)`: the input is
//! checked and serialized, the endpoint resolved through the rules and the
//! request signed as a call would be, but nothing is sent (no transport, no
//! retries).

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::auth::{AuthScheme, Identity, SigV4Settings};
use crate::error::{ErrorMetadata, Unhandled, UnhandledKind};
use crate::orchestrator::{invalid_input, Failure, Handle, Operation, Route, Spec};

/// The longest a presigned request may stay valid: SigV4 query signatures
/// expire after a week at most.
const ONE_WEEK: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// How long a presigned request is valid, and from when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresigningConfig {
    start_time: Option<SystemTime>,
    expires_in: Duration,
}

impl PresigningConfig {
    /// Valid for `expires_in` from when it is signed (the client's time
    /// source): at most a week.
    pub fn expires_in(expires_in: Duration) -> Result<PresigningConfig, PresigningConfigError> {
        PresigningConfig::builder().expires_in(expires_in).build()
    }

    /// A builder, to set the start time as well.
    pub fn builder() -> PresigningConfigBuilder {
        PresigningConfigBuilder::default()
    }

    /// How long the request is valid.
    pub fn expires(&self) -> Duration {
        self.expires_in
    }

    /// When the validity starts, if set (else: when it is signed).
    pub fn start_time(&self) -> Option<SystemTime> {
        self.start_time
    }
}

/// Builds a [`PresigningConfig`].
#[derive(Debug, Clone, Default)]
pub struct PresigningConfigBuilder {
    start_time: Option<SystemTime>,
    expires_in: Option<Duration>,
}

impl PresigningConfigBuilder {
    /// The time the signature is made at (its `X-Amz-Date`), instead of
    /// the client's time source.
    pub fn start_time(mut self, start_time: SystemTime) -> Self {
        self.start_time = Some(start_time);
        self
    }

    /// How long the request is valid from its start time: at most a week.
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = Some(expires_in);
        self
    }

    /// The configuration; an error without an expiry or with one longer
    /// than a week.
    pub fn build(self) -> Result<PresigningConfig, PresigningConfigError> {
        let expires_in = self.expires_in.ok_or(PresigningConfigError(PresigningConfigErrorKind::ExpiresInRequired))?;
        if expires_in > ONE_WEEK {
            return Err(PresigningConfigError(PresigningConfigErrorKind::ExpiresInDurationTooLong(expires_in)));
        }
        Ok(PresigningConfig { start_time: self.start_time, expires_in })
    }
}

/// Why a [`PresigningConfig`] cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresigningConfigError(PresigningConfigErrorKind);

/// The kinds of [`PresigningConfigError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PresigningConfigErrorKind {
    /// No expiry was set.
    ExpiresInRequired,
    /// The expiry is longer than a week (SigV4's limit); it was this.
    ExpiresInDurationTooLong(Duration),
}

impl PresigningConfigError {
    pub fn kind(&self) -> &PresigningConfigErrorKind {
        &self.0
    }
}

impl fmt::Display for PresigningConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            PresigningConfigErrorKind::ExpiresInRequired => f.write_str("a presigned request needs an expiry (expires_in)"),
            PresigningConfigErrorKind::ExpiresInDurationTooLong(d) => {
                write!(f, "a presigned request is valid for a week at most (604800 s), not {} s", d.as_secs_f64())
            }
        }
    }
}

impl std::error::Error for PresigningConfigError {}

/// A signed request to send as it is: its method, its URI (which carries
/// the signature) and the headers the signature covers, which the sender
/// must send with these values. A body, if the operation has one, is not
/// part of it: the sender sends it.
#[derive(Clone)]
pub struct PresignedRequest {
    method: http::Method,
    uri: String,
    headers: http::HeaderMap,
}

impl PresignedRequest {
    /// The HTTP method (`GET`, `PUT`, ...).
    pub fn method(&self) -> &str {
        self.method.as_str()
    }

    /// The full URI, with the signature in its query string.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The headers to send, by name and value (the URI's host is not among
    /// them: an HTTP client sends it from the URI).
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
    }

    /// The value of one header to send.
    pub fn get_header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// An `http` request with `body`, ready for any HTTP client.
    pub fn make_http_1x_request<B>(&self, body: B) -> http::Request<B> {
        self.clone().into_http_1x_request(body)
    }

    /// An `http` request with `body`, ready for any HTTP client.
    pub fn into_http_1x_request<B>(self, body: B) -> http::Request<B> {
        let mut request = http::Request::new(body);
        *request.method_mut() = self.method;
        // Parsed from an `http::Uri` when it was signed.
        *request.uri_mut() = self.uri.parse().unwrap_or_default();
        *request.headers_mut() = self.headers;
        request
    }
}

impl From<PresignedRequest> for http::Request<()> {
    fn from(presigned: PresignedRequest) -> Self {
        presigned.into_http_1x_request(())
    }
}

/// The signature and the session token are credentials for as long as the
/// request is valid: `Debug` leaves their values out.
impl fmt::Debug for PresignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, query) = self.uri.split_once('?').unwrap_or((&self.uri, ""));
        let query: Vec<String> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name == "X-Amz-Signature" || name == "X-Amz-Security-Token" => format!("{name}=** redacted **"),
                _ => pair.to_owned(),
            })
            .collect();
        f.debug_struct("PresignedRequest")
            .field("method", &self.method)
            .field("uri", &format_args!("{path}?{}", query.join("&")))
            .field("headers", &self.headers)
            .finish()
    }
}

/// [`presign`] for a fluent builder's `presigned`, as
/// [`invoke_built`](crate::orchestrator::invoke_built) is for `send`.
pub(crate) async fn presign_built<O: Operation>(
    handle: std::sync::Arc<Handle>,
    input: Result<O::Input, crate::error::BuildError>,
    presigning: PresigningConfig,
) -> Result<PresignedRequest, O::Error> {
    presign::<O>(&handle, &input.map_err(invalid_input::<O>)?, presigning).await
}

/// Presigns `input`: serialized, routed and signed as [`invoke`] would,
/// with the signature in the query string, valid for `config`'s duration.
///
/// [`invoke`]: crate::orchestrator::invoke
pub(crate) async fn presign<O: Operation>(
    handle: &Handle,
    input: &O::Input,
    presigning: PresigningConfig,
) -> Result<PresignedRequest, O::Error> {
    let unhandled = |kind, e: crate::orchestrator::BoxError| O::unhandled(Unhandled::new(kind, ErrorMetadata::default(), Some(e)));
    let failed = |failure: Failure| match failure {
        Failure::Unhandled(error) => O::unhandled(error),
        // Only a response makes a service error, and nothing is sent.
        Failure::Service(meta, _) => O::unhandled(Unhandled::new(UnhandledKind::Service, meta, None)),
    };
    let config = &handle.config;
    let mut request = O::serialize(input, config).map_err(invalid_input::<O>)?;
    crate::interceptor::run(handle.service.interceptors, O::INTERCEPTORS, &mut request, config, true).map_err(invalid_input::<O>)?;
    let spec = Spec::of::<O>(handle, input);
    let Route { endpoint, uri, host, scheme, sigv4 } = crate::orchestrator::route(handle, &request, &spec).await.map_err(failed)?;
    let (Some((name, region)), AuthScheme::SigV4 { .. }) = (sigv4, scheme) else {
        let message = format!("{} cannot be presigned: presigned requests are signed with SigV4, and this call would not be", spec.name);
        return Err(unhandled(UnhandledKind::Configuration, message.into()));
    };
    let identity = handle.identities.resolve(scheme, config).await.map_err(|e| unhandled(UnhandledKind::Credentials, e))?;
    let Identity::Credentials(credentials) = identity else {
        return Err(unhandled(UnhandledKind::Credentials, "SigV4 needs credentials".into()));
    };
    let mut http_request = crate::orchestrator::build_request(&request, &uri, &host, &endpoint, handle.service.user_agent)
        .map_err(|e| unhandled(UnhandledKind::Configuration, format!("cannot build the HTTP request: {e}").into()))?;
    // Neither the user agent nor the body's length belong to the request a
    // presigned URL stands for: the sender sends its own (a length the
    // input set stays, signed).
    http_request.headers_mut().remove(http::header::USER_AGENT);
    if !crate::orchestrator::sets_length(&request) {
        http_request.headers_mut().remove(http::header::CONTENT_LENGTH);
    }
    let settings = SigV4Settings {
        name: &name,
        region: &region,
        // S3's presigned requests leave the body out of the signature
        // (`UNSIGNED-PAYLOAD`), as the AWS SDKs sign them: the sender
        // chooses the body.
        unsigned_payload: spec.unsigned_payload || crate::auth::s3_signing(&name) || name == "s3express",
    };
    let time = presigning.start_time.unwrap_or_else(|| config.time_source.now());
    crate::auth::sign_sigv4(&mut http_request, credentials, &settings, time, Some(presigning.expires_in))
        .map_err(|e| unhandled(UnhandledKind::Configuration, format!("cannot sign the request: {e}").into()))?;
    let (parts, _body) = http_request.into_parts();
    let mut headers = parts.headers;
    headers.remove(http::header::HOST);
    Ok(PresignedRequest { method: parts.method, uri: parts.uri.to_string(), headers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_required_and_at_most_a_week() {
        let week = Duration::from_secs(604_800);
        assert_eq!(PresigningConfig::expires_in(week).unwrap().expires(), week);
        let error = PresigningConfig::expires_in(week + Duration::from_secs(1)).unwrap_err();
        assert_eq!(error.kind(), &PresigningConfigErrorKind::ExpiresInDurationTooLong(week + Duration::from_secs(1)));
        assert!(error.to_string().contains("a week at most"), "{error}");
        let error = PresigningConfig::builder().start_time(SystemTime::UNIX_EPOCH).build().unwrap_err();
        assert_eq!(error.kind(), &PresigningConfigErrorKind::ExpiresInRequired);
        let config = PresigningConfig::builder().start_time(SystemTime::UNIX_EPOCH).expires_in(Duration::from_secs(60)).build().unwrap();
        assert_eq!(config.start_time(), Some(SystemTime::UNIX_EPOCH));
    }

    #[test]
    fn debug_hides_the_signature_and_the_token() {
        let presigned = PresignedRequest {
            method: http::Method::GET,
            uri: "https://b.s3.amazonaws.com/k?X-Amz-Date=20240301T120000Z&X-Amz-Security-Token=TOKEN&X-Amz-Signature=abc123".to_owned(),
            headers: http::HeaderMap::new(),
        };
        let debug = format!("{presigned:?}");
        assert!(!debug.contains("TOKEN") && !debug.contains("abc123"), "{debug}");
        assert!(debug.contains("X-Amz-Date=20240301T120000Z"), "{debug}");
        let request: http::Request<()> = presigned.into();
        assert_eq!(request.uri().host(), Some("b.s3.amazonaws.com"));
    }
}

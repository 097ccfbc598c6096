//! The auth seam: the schemes a service accepts, the identities they need,
//! a cache that resolves each identity once and reuses it until it nears
//! expiry, and signing (copied verbatim into each generated crate by
//! codegen; the source lives in `codegen/runtime/src/auth.rs`).

// A crate uses the schemes and interceptors its service needs.
#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::token::ProvideToken;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::{Credentials, Token};

use crate::config::Config;
use crate::orchestrator::BoxError;
use crate::transport::StreamingRequest;

/// An auth scheme, as the model names it on the service (and operations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthScheme {
    /// `aws.auth#sigv4`: AWS credentials, SigV4 signatures.
    SigV4 { signing_name: &'static str },
    /// `smithy.api#httpBearerAuth`: `Authorization: Bearer <token>`.
    Bearer,
    /// No auth (`smithy.api#noAuth`, or `@optionalAuth` without an identity).
    NoAuth,
}

/// What a scheme signs with.
#[derive(Debug, Clone)]
pub(crate) enum Identity {
    Credentials(Credentials),
    Token(Token),
    Anonymous,
}

/// The first of `schemes` whose identity the configuration can provide;
/// when none can, says what is missing for the first.
pub(crate) fn choose(schemes: &[AuthScheme], config: &Config) -> Result<AuthScheme, String> {
    let usable = |scheme: &AuthScheme| match scheme {
        AuthScheme::SigV4 { .. } => config.credentials.is_some(),
        AuthScheme::Bearer => config.token.is_some(),
        AuthScheme::NoAuth => true,
    };
    if let Some(scheme) = schemes.iter().find(|s| usable(s)) {
        return Ok(*scheme);
    }
    Err(match schemes.first() {
        Some(AuthScheme::Bearer) => {
            "no token provider is configured (set one with Config::builder().token_provider(..))".to_owned()
        }
        _ => "no credentials provider is configured (set one with Config::builder().credentials_provider(..))".to_owned(),
    })
}

/// Identities are refreshed this long before they expire.
const BUFFER: Duration = Duration::from_secs(10);
/// An identity without an expiry is resolved again after this long.
const DEFAULT_EXPIRATION: Duration = Duration::from_secs(15 * 60);

/// One cached identity. Callers that find it stale queue for the lock and
/// the first loads it, so a burst of calls asks the provider once; when
/// that load fails, the callers that waited for it get its error instead
/// of each asking the provider again.
struct Cached<T> {
    slot: tokio::sync::Mutex<Slot<T>>,
    /// Loads finished, successful or not.
    loads: AtomicU64,
}

struct Slot<T> {
    /// The value, when to load it again, and when it expires.
    value: Option<(T, SystemTime, Option<SystemTime>)>,
    /// Why the last load failed, if it did.
    failure: Option<String>,
}

impl<T> Default for Cached<T> {
    fn default() -> Self {
        Cached { slot: tokio::sync::Mutex::new(Slot { value: None, failure: None }), loads: AtomicU64::new(0) }
    }
}

/// Never shows the identity, only whether one is cached.
impl<T> std::fmt::Debug for Cached<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.slot.try_lock() {
            Ok(slot) if slot.value.is_some() => "cached",
            Ok(_) => "empty",
            Err(_) => "loading",
        };
        f.write_str(state)
    }
}

impl<T: Clone> Cached<T> {
    /// The cached value while `now` is before its refresh time; else what
    /// `load` gives (the value and its expiry), cached. When the load fails
    /// and the cached value has not expired yet, the cached value.
    async fn get_or_load<F, Fut>(&self, now: SystemTime, load: F) -> Result<T, BoxError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(T, Option<SystemTime>), BoxError>>,
    {
        let loads_before = self.loads.load(Ordering::SeqCst);
        let mut slot = self.slot.lock().await;
        if let Some((value, refresh_at, _)) = &slot.value {
            if now < *refresh_at {
                return Ok(value.clone());
            }
        }
        // A load finished while this call waited: it failed, or the value
        // would have been returned above. Its error is this call's too.
        if self.loads.load(Ordering::SeqCst) != loads_before {
            if let Some(failure) = &slot.failure {
                return Err(failure.clone().into());
            }
        }
        let loaded = load().await;
        self.loads.fetch_add(1, Ordering::SeqCst);
        match loaded {
            Ok((value, expiry)) => {
                let refresh_at = match expiry {
                    Some(expiry) => expiry.checked_sub(BUFFER).unwrap_or(expiry),
                    None => now.checked_add(DEFAULT_EXPIRATION).unwrap_or(now),
                };
                *slot = Slot { value: Some((value.clone(), refresh_at, expiry)), failure: None };
                Ok(value)
            }
            Err(error) => {
                // Shared as text: the whole chain, so that no cause is lost.
                slot.failure = Some(crate::error::DisplayErrorContext(&*error).to_string());
                match &slot.value {
                    // Near its expiry but not past it: still good.
                    Some((value, _, Some(expiry))) if now < *expiry => Ok(value.clone()),
                    _ => Err(error),
                }
            }
        }
    }
}

/// The identities of a client, each resolved once and reused until it
/// nears its expiry (or for 15 minutes when it has none).
#[derive(Debug, Default)]
pub(crate) struct IdentityCache {
    credentials: Cached<Credentials>,
    token: Cached<Token>,
}

impl IdentityCache {
    pub(crate) async fn resolve(&self, scheme: AuthScheme, config: &Config) -> Result<Identity, BoxError> {
        let now = config.time_source.now();
        match scheme {
            AuthScheme::SigV4 { .. } => {
                let provider = config.credentials.as_ref().ok_or("no credentials provider is configured")?;
                let credentials = self
                    .credentials
                    .get_or_load(now, || async {
                        let credentials = provider.provide_credentials().await?;
                        let expiry = credentials.expiry();
                        Ok((credentials, expiry))
                    })
                    .await?;
                Ok(Identity::Credentials(credentials))
            }
            AuthScheme::Bearer => {
                let provider = config.token.as_ref().ok_or("no token provider is configured")?;
                let token = self
                    .token
                    .get_or_load(now, || async {
                        let token = provider.provide_token().await?;
                        let expiry = token.expiration();
                        Ok((token, expiry))
                    })
                    .await?;
                Ok(Identity::Token(token))
            }
            AuthScheme::NoAuth => Ok(Identity::Anonymous),
        }
    }
}

/// What signs the events an operation sends, after the request: the
/// request's credentials, signing name and region, its signature (which
/// seeds the chain), and the clock each event is signed at.
#[allow(dead_code)]
pub(crate) struct EventSigning {
    pub(crate) credentials: Credentials,
    pub(crate) region: String,
    pub(crate) name: String,
    pub(crate) seed: String,
    pub(crate) now: std::sync::Arc<dyn Fn() -> SystemTime + Send + Sync>,
}

/// The payload hash a request that sends events is signed with.
pub(crate) const EVENTS_PAYLOAD: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

/// How a request is signed with SigV4.
pub(crate) struct SigV4Settings<'a> {
    pub(crate) name: &'a str,
    pub(crate) region: &'a str,
    /// The signature leaves the body out (`aws.auth#unsignedPayload`).
    pub(crate) unsigned_payload: bool,
}

/// Signs the request in place for its identity: SigV4 headers for
/// credentials (the signature covers the body when it is in memory; a
/// stream, or the body of an operation marked `unsignedPayload`, is signed
/// as `UNSIGNED-PAYLOAD`, said in `x-amz-content-sha256`), a bearer header
/// for a token, nothing for none.
pub(crate) fn sign(
    request: &mut StreamingRequest,
    identity: Identity,
    sigv4: Option<SigV4Settings<'_>>,
    time: SystemTime,
) -> Result<Option<String>, BoxError> {
    match identity {
        Identity::Anonymous => Ok(None),
        Identity::Token(token) => {
            let mut value = http::HeaderValue::from_str(&format!("Bearer {}", token.token()))
                .map_err(|_| "the bearer token cannot be sent in a header")?;
            value.set_sensitive(true);
            request.headers_mut().insert(http::header::AUTHORIZATION, value);
            Ok(None)
        }
        Identity::Credentials(credentials) => {
            let settings = sigv4.ok_or("SigV4 credentials without a signing name and region")?;
            sign_sigv4(request, credentials, &settings, time, None).map(Some)
        }
    }
}

/// Whether requests signed for this signing name follow S3's rules: S3
/// itself (`s3`), and the names S3's endpoints sign with for Outposts and
/// Object Lambda (`s3-outposts`, `s3-object-lambda`).
pub(crate) fn s3_signing(name: &str) -> bool {
    matches!(name, "s3" | "s3-outposts" | "s3-object-lambda")
}

/// S3's signing, as the AWS SDKs sign for it: the path is encoded once (it
/// is already percent-encoded; S3 compares it as sent) and never
/// normalized (a key may hold `.` and `..` segments and `//`), and
/// `x-amz-content-sha256` is on every request, with the payload's SHA-256
/// or `UNSIGNED-PAYLOAD`.
fn s3_settings(signing: &mut aws_sigv4::http_request::SigningSettings) {
    use aws_sigv4::http_request::{PayloadChecksumKind, PercentEncodingMode, UriPathNormalizationMode};
    signing.percent_encoding_mode = PercentEncodingMode::Single;
    signing.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    signing.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
}

/// Signs with SigV4: in headers, or, given how long the signature stays
/// valid (`presign`), in the query string (`X-Amz-Expires`, presigned
/// requests), where an unsigned payload is only said in the canonical
/// request.
pub(crate) fn sign_sigv4(
    request: &mut StreamingRequest,
    credentials: Credentials,
    settings: &SigV4Settings<'_>,
    time: SystemTime,
    presign: Option<Duration>,
) -> Result<String, BoxError> {
    use aws_sigv4::http_request::{sign, PayloadChecksumKind, SignableBody, SignableRequest, SignatureLocation, SigningSettings};
    let headers = request
        .headers()
        .iter()
        .map(|(k, v)| Ok((k.as_str(), v.to_str()?)))
        .collect::<Result<Vec<_>, http::header::ToStrError>>()?;
    let uri = uri_string(request.uri());
    // A payload hash the request already states (flexible checksums'
    // `STREAMING-UNSIGNED-PAYLOAD-TRAILER`) is signed as it is.
    let stated = request.headers().get("x-amz-content-sha256").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = match (stated, request.body().as_bytes()) {
        (Some(hash), _) => SignableBody::Precomputed(hash),
        (None, Some(bytes)) if !settings.unsigned_payload => SignableBody::Bytes(bytes),
        _ => SignableBody::UnsignedPayload,
    };
    // A payload hash other than the body's SHA-256 (`UNSIGNED-PAYLOAD`) is
    // sent as `x-amz-content-sha256` and signed, as the AWS SDKs do: the
    // service cannot compute it from the body.
    let mut signing = SigningSettings::default();
    if let Some(expires_in) = presign {
        signing.signature_location = SignatureLocation::QueryParams;
        signing.expires_in = Some(expires_in);
    } else if matches!(body, SignableBody::UnsignedPayload) {
        signing.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    if s3_signing(settings.name) {
        s3_settings(&mut signing);
        if presign.is_some() {
            // A presigned URL carries no `x-amz-content-sha256`: its sender
            // sends only the URL and the headers it was signed with.
            signing.payload_checksum_kind = PayloadChecksumKind::NoHeader;
        }
    }
    let identity = credentials.into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(settings.region)
        .name(settings.name)
        .time(time)
        .settings(signing)
        .build()?
        .into();
    let signable = SignableRequest::new(request.method().as_str(), &uri, headers.into_iter(), body)?;
    // aws-sigv4's trace events print the request and its canonical request:
    // the path, the query and the header values, which may be `@sensitive`
    // (it redacts only the credentials' headers). None of them reaches a
    // subscriber: signing runs with no subscriber at all.
    let signed = tracing::dispatcher::with_default(&tracing::Dispatch::none(), || sign(signable, &params));
    let (instructions, signature) = signed?.into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(signature)
}

/// A URI as its `Display` writes it, without the formatting machinery.
fn uri_string(uri: &http::Uri) -> String {
    let (scheme, authority, path, query) = (uri.scheme_str(), uri.authority().map(http::uri::Authority::as_str), uri.path(), uri.query());
    let mut out = String::with_capacity(scheme.map_or(0, str::len) + 3 + authority.map_or(0, str::len) + path.len() + 1 + query.map_or(0, str::len));
    if let Some(scheme) = scheme {
        out.push_str(scheme);
        out.push_str("://");
    }
    if let Some(authority) = authority {
        out.push_str(authority);
    }
    out.push_str(path);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
    }

    /// Counts its calls; its credentials expire at `expiry`. From call
    /// `fail_from` on it fails; each call takes `delay` (on tokio's clock).
    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        expiry: Option<SystemTime>,
        fail_from: usize,
        delay: Duration,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            aws_credential_types::provider::future::ProvideCredentials::new(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(self.delay).await;
                if n >= self.fail_from {
                    return Err(aws_credential_types::provider::error::CredentialsError::provider_error("the provider is down"));
                }
                Ok(Credentials::new(format!("AKID{n}"), "secret", None, self.expiry, "test"))
            })
        }
    }

    fn config(expiry: Option<SystemTime>, now: SystemTime) -> (Config, Arc<AtomicUsize>) {
        provider_config(expiry, now, usize::MAX, Duration::ZERO)
    }

    fn provider_config(expiry: Option<SystemTime>, now: SystemTime, fail_from: usize, delay: Duration) -> (Config, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let clock = crate::testing::TestClock::new(now);
        let config = Config::builder()
            .credentials_provider(Counting { calls: calls.clone(), expiry, fail_from, delay })
            .time_source(clock)
            .build();
        (config, calls)
    }

    fn at(config: &Config, time: SystemTime) -> Config {
        config.to_builder().time_source(crate::testing::TestClock::new(time)).build()
    }

    fn access_key(identity: Identity) -> String {
        match identity {
            Identity::Credentials(c) => c.access_key_id().to_owned(),
            other => panic!("not credentials: {other:?}"),
        }
    }

    const SIGV4: AuthScheme = AuthScheme::SigV4 { signing_name: "svc" };

    #[test]
    fn uris_are_written_as_their_display_writes_them() {
        for uri in ["https://a.example.com", "https://a.example.com/", "http://a:8080/x/y?z=1&w", "https://a.example.com?q", "/p?q=%20", "*"] {
            let uri: http::Uri = uri.parse().unwrap();
            assert_eq!(uri_string(&uri), uri.to_string());
        }
    }

    #[test]
    fn credentials_are_resolved_once_until_they_near_expiry() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let (config, calls) = config(Some(start + Duration::from_secs(60)), start);
        let cache = IdentityCache::default();
        for _ in 0..5 {
            assert_eq!(access_key(block_on(cache.resolve(SIGV4, &config)).unwrap()), "AKID0");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Within the buffer before expiry: resolved again.
        let later = at(&config, start + Duration::from_secs(55));
        assert_eq!(access_key(block_on(cache.resolve(SIGV4, &later)).unwrap()), "AKID1");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn credentials_without_expiry_are_kept_for_fifteen_minutes() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let (config, calls) = config(None, start);
        let cache = IdentityCache::default();
        block_on(cache.resolve(SIGV4, &config)).unwrap();
        let after = |secs| at(&config, start + Duration::from_secs(secs));
        assert_eq!(access_key(block_on(cache.resolve(SIGV4, &after(899))).unwrap()), "AKID0");
        assert_eq!(access_key(block_on(cache.resolve(SIGV4, &after(900))).unwrap()), "AKID1");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_failed_refresh_keeps_credentials_that_have_not_expired() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let expiry = start + Duration::from_secs(60);
        let (config, calls) = provider_config(Some(expiry), start, 1, Duration::ZERO);
        let cache = IdentityCache::default();
        assert_eq!(access_key(block_on(cache.resolve(SIGV4, &config)).unwrap()), "AKID0");
        // In the buffer before expiry the refresh fails: the old ones still serve.
        let near = at(&config, expiry - Duration::from_secs(5));
        assert_eq!(access_key(block_on(cache.resolve(SIGV4, &near)).unwrap()), "AKID0");
        // Past expiry they do not.
        let error = block_on(cache.resolve(SIGV4, &at(&config, expiry))).unwrap_err();
        let chain = crate::error::DisplayErrorContext(&*error).to_string();
        assert!(chain.contains("the provider is down"), "{chain}");
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn concurrent_calls_share_one_load_and_one_failure() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
        for (fail_from, ok) in [(usize::MAX, true), (0, false)] {
            let (config, calls) = provider_config(None, start, fail_from, Duration::from_millis(100));
            let cache = Arc::new(IdentityCache::default());
            let results = runtime.block_on(async {
                let tasks: Vec<_> = (0..8)
                    .map(|_| {
                        let (cache, config) = (cache.clone(), config.clone());
                        tokio::spawn(async move {
                            let resolved = cache.resolve(SIGV4, &config).await;
                            resolved.map(access_key).map_err(|e| crate::error::DisplayErrorContext(&*e).to_string())
                        })
                    })
                    .collect();
                let mut results = Vec::new();
                for task in tasks {
                    results.push(task.await.unwrap());
                }
                results
            });
            assert_eq!(calls.load(Ordering::SeqCst), 1, "one provider call for 8 concurrent resolutions");
            assert!(results.iter().all(|r| r.is_ok() == ok), "{results:?}");
            if !ok {
                assert!(results.iter().all(|r| r.as_ref().unwrap_err().contains("the provider is down")), "{results:?}");
            }
        }
    }

    #[test]
    fn debug_never_shows_the_identity() {
        let (config, _) = config(None, SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let cache = IdentityCache::default();
        block_on(cache.resolve(SIGV4, &config)).unwrap();
        let debug = format!("{cache:?}");
        assert!(!debug.contains("AKID") && !debug.contains("secret"), "{debug}");
        assert!(debug.contains("cached"), "{debug}");
    }

    #[test]
    fn schemes_are_chosen_by_the_identities_configured() {
        let with_credentials = Config::builder().static_credentials("a", "b").build();
        let with_token = Config::builder().token_provider(Token::new("t", None)).build();
        let bare = Config::builder().build();
        let both = [AuthScheme::Bearer, SIGV4];
        assert_eq!(choose(&both, &with_credentials), Ok(SIGV4));
        assert_eq!(choose(&both, &with_token), Ok(AuthScheme::Bearer));
        assert!(choose(&both, &bare).unwrap_err().contains("token provider"));
        assert!(choose(&[SIGV4], &bare).unwrap_err().contains("credentials provider"));
        assert_eq!(choose(&[SIGV4, AuthScheme::NoAuth], &bare), Ok(AuthScheme::NoAuth));
    }

    fn signed(body: crate::primitives::ByteStream, unsigned_payload: bool) -> StreamingRequest {
        let mut request = http::Request::builder().method("PUT").uri("https://example.com/a").body(body).unwrap();
        let identity = Identity::Credentials(Credentials::new("AKID", "SECRET", None, None, "test"));
        let settings = SigV4Settings { name: "svc", region: "us-east-1", unsigned_payload };
        sign(&mut request, identity, Some(settings), SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400)).unwrap();
        request
    }

    fn signed_headers(request: &StreamingRequest) -> String {
        let authorization = request.headers().get(http::header::AUTHORIZATION).unwrap().to_str().unwrap();
        authorization.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap().to_owned()
    }

    #[test]
    fn an_unsigned_payload_is_said_and_signed_in_x_amz_content_sha256() {
        let bytes = || crate::primitives::ByteStream::from(b"part".to_vec());
        // Marked `unsignedPayload`, or a stream: the hash is not the body's.
        let stream = crate::primitives::ByteStream::from_stream(futures_stream(b"part"));
        for request in [signed(bytes(), true), signed(stream, false)] {
            assert_eq!(request.headers().get("x-amz-content-sha256").unwrap(), "UNSIGNED-PAYLOAD");
            assert_eq!(signed_headers(&request), "host;x-amz-content-sha256;x-amz-date");
        }
        // A body in memory is signed by its hash, which the service computes.
        let request = signed(bytes(), false);
        assert_eq!(request.headers().get("x-amz-content-sha256"), None);
        assert_eq!(signed_headers(&request), "host;x-amz-date");
        assert_eq!(request.headers().get("x-amz-date").unwrap(), "20240301T120000Z");
    }

    /// A one-chunk stream.
    fn futures_stream(chunk: &'static [u8]) -> impl futures_core::Stream<Item = Result<bytes::Bytes, BoxError>> + Send + 'static {
        struct Once(Option<bytes::Bytes>);
        impl futures_core::Stream for Once {
            type Item = Result<bytes::Bytes, BoxError>;
            fn poll_next(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
                std::task::Poll::Ready(self.0.take().map(Ok))
            }
        }
        Once(Some(bytes::Bytes::from_static(chunk)))
    }

    #[test]
    fn bearer_tokens_go_in_the_authorization_header() {
        let mut request = http::Request::builder().uri("https://example.com/").body(crate::primitives::ByteStream::default()).unwrap();
        sign(&mut request, Identity::Token(Token::new("secret-token", None)), None, SystemTime::UNIX_EPOCH).unwrap();
        let value = request.headers().get(http::header::AUTHORIZATION).unwrap();
        assert_eq!(value.to_str().unwrap(), "Bearer secret-token");
        assert!(value.is_sensitive());
    }
}

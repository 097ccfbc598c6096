//! The HTTP transport: a small async trait that sends one `http::Request`
//! and returns its `http::Response`, and a default implementation on hyper
//! with rustls (copied verbatim into each generated crate by codegen; the
//! source lives in `codegen/runtime/src/transport.rs`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

use crate::primitives::ByteStream;

/// A boxed future, as the transport and the sleep traits return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A request as the client hands it to the transport: the body in memory.
pub type HttpRequest = http::Request<Bytes>;

/// A response as the transport hands it back: the body read completely.
pub type HttpResponse = http::Response<Bytes>;

/// A request whose body may be a stream (an upload).
pub type StreamingRequest = http::Request<ByteStream>;

/// A response whose body is read as it arrives.
pub type StreamingResponse = http::Response<ByteStream>;

/// Sends HTTP requests. Implement it to use another HTTP stack, or use
/// [`crate::testing::TestTransport`] in tests.
///
/// Only [`send`](Self::send) is required. The client calls
/// [`send_streaming`](Self::send_streaming), whose default buffers: it
/// reads the whole request body, calls `send`, and hands back the whole
/// response. A transport that can stream overrides it, as [`HyperClient`]
/// does, so that uploads and downloads never sit whole in memory.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends one request and reads the whole response.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;

    /// Sends one request, streaming its body, and returns once the
    /// response's head has arrived, its body still to be read.
    fn send_streaming(&self, request: StreamingRequest) -> BoxFuture<'_, Result<StreamingResponse, TransportError>> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            // A failing upload stream is not the network's fault: not retried.
            let body = body.collect().await.map_err(|e| TransportError::new(TransportErrorKind::Other, e))?;
            let response = self.send(http::Request::from_parts(parts, body)).await?;
            Ok(response.map(ByteStream::new))
        })
    }
}

/// What went wrong below HTTP: connecting, I/O, a response that is not
/// HTTP, or the transport itself.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// The kinds of [`TransportError`]. [`is_retryable`](Self::is_retryable)
/// says which ones the client retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (DNS, TCP, TLS).
    Connect,
    /// The connection failed while the request or response was in flight
    /// (reset, closed early, a body cut short).
    Io,
    /// The transport timed out by itself.
    Timeout,
    /// The response is not valid HTTP: a malformed status line or header,
    /// an invalid length or chunk, a head too large. The server would
    /// answer the same again.
    InvalidResponse,
    /// A response body that is read whole (not a streaming output) is
    /// larger than the configured limit
    /// (`Config::builder().buffered_body_limit(..)`).
    BodyTooLarge,
    /// Anything else, such as a transport that could not be built or an
    /// upload stream that failed.
    Other,
}

impl TransportErrorKind {
    /// Whether another attempt may succeed: a failed connection, a broken
    /// one or a timeout may; a malformed or oversized response, or a
    /// failure on this side of the connection, would happen again.
    pub fn is_retryable(self) -> bool {
        matches!(self, TransportErrorKind::Connect | TransportErrorKind::Io | TransportErrorKind::Timeout)
    }
}

impl TransportError {
    pub fn new(kind: TransportErrorKind, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportError { kind, source: source.into() }
    }

    /// An error of reading a response body, its kind told by its causes (a
    /// connection cut short is `Io`, a malformed chunk `InvalidResponse`).
    pub(crate) fn reading_body(error: crate::primitives::ByteStreamError) -> Self {
        let kind = classify(&error);
        TransportError::new(kind, error)
    }

    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// What the operation's `Unhandled` error says of it: a response that
    /// could not be read, a timeout, or a failed request.
    pub(crate) fn unhandled_kind(&self) -> crate::error::UnhandledKind {
        use crate::error::UnhandledKind;
        match self.kind {
            TransportErrorKind::Timeout => UnhandledKind::Timeout,
            TransportErrorKind::InvalidResponse | TransportErrorKind::BodyTooLarge => UnhandledKind::Response,
            _ => UnhandledKind::Transport,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Io => "connection failed",
            TransportErrorKind::Timeout => "transport timed out",
            TransportErrorKind::InvalidResponse => "the response is not valid HTTP",
            TransportErrorKind::BodyTooLarge => "the response body is too large",
            TransportErrorKind::Other => "transport error",
        };
        // The cause (hyper's "client error (Connect)", and below it
        // "Connection refused") is the `source()`: print the whole chain
        // with `crate::error::DisplayErrorContext`.
        f.write_str(what)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// The cause of a [`TransportErrorKind::BodyTooLarge`] error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyTooLarge {
    limit: u64,
    content_length: Option<u64>,
}

impl BodyTooLarge {
    /// The limit in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The length the response declared, when its `Content-Length` was
    /// over the limit (nothing of the body was read); `None` when the body
    /// grew past the limit as it was read.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }
}

impl fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.content_length {
            Some(length) => write!(f, "its Content-Length of {length} bytes is over the limit of {} bytes", self.limit),
            None => write!(f, "more than the limit of {} bytes arrived", self.limit),
        }
    }
}

impl std::error::Error for BodyTooLarge {}

/// Reads a response body that is not a stream into memory, up to `limit`
/// bytes: a body that declares more is refused before it is read, one that
/// sends more is dropped (closing its connection) at the chunk that
/// crosses the limit.
pub(crate) async fn read_limited(mut body: ByteStream, limit: u64) -> Result<Bytes, TransportError> {
    let too_large = |content_length| TransportError::new(TransportErrorKind::BodyTooLarge, BodyTooLarge { limit, content_length });
    let declared = body.content_length();
    if let Some(length) = declared.filter(|length| *length > limit) {
        return Err(too_large(Some(length)));
    }
    if let Some(bytes) = body.as_bytes() {
        return Ok(bytes.clone());
    }
    let mut buffer = Vec::with_capacity(declared.unwrap_or(0).min(1 << 24) as usize);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(TransportError::reading_body)?;
        if (buffer.len() + chunk.len()) as u64 > limit {
            return Err(too_large(None));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.into())
}

/// The kind of a transport failure, from its chain of causes: a connection
/// that could not be made, a response that is not HTTP (hyper's parse
/// errors, a malformed chunk), a failure of our own request body, a
/// timeout, or else a broken connection.
fn classify(error: &(dyn std::error::Error + 'static)) -> TransportErrorKind {
    let mut cause = Some(error);
    while let Some(error) = cause {
        #[cfg(feature = "rustls")]
        if let Some(kind) = hyper_client::classify_layer(error) {
            return kind;
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::TimedOut => return TransportErrorKind::Timeout,
                // hyper's body decoder says a bad chunk or length this way;
                // rustls says a TLS failure the same way, which is not the
                // response's fault.
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput if !is_tls(io) => {
                    return TransportErrorKind::InvalidResponse
                }
                _ => {}
            }
        }
        cause = error.source();
    }
    TransportErrorKind::Io
}

#[cfg(feature = "rustls")]
fn is_tls(io: &std::io::Error) -> bool {
    io.get_ref().is_some_and(|inner| inner.is::<rustls::Error>())
}

#[cfg(not(feature = "rustls"))]
fn is_tls(_io: &std::io::Error) -> bool {
    false
}

#[cfg(feature = "rustls")]
pub use self::hyper_client::{HyperClient, HyperClientBuilder, DEFAULT_POOL_IDLE_TIMEOUT};
#[cfg(feature = "http2")]
pub use self::hyper_client::{HTTP2_KEEP_ALIVE_INTERVAL, HTTP2_KEEP_ALIVE_TIMEOUT};

#[cfg(feature = "rustls")]
mod hyper_client {
    use std::collections::BTreeMap;
    use std::net::{IpAddr, SocketAddr};
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll};
    use std::time::Duration;

    use bytes::Bytes;
    use http_body::{Frame, SizeHint};
    use http_body_util::BodyExt;
    use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
    use std::pin::Pin;

    use hyper_util::client::legacy::connect::{capture_connection, Connected, Connection, HttpConnector};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};

    use super::{
        BoxFuture, HttpClient, HttpRequest, HttpResponse, StreamingRequest, StreamingResponse, TransportError,
        TransportErrorKind,
    };
    use crate::primitives::ByteStream;

    type Connector = hyper_rustls::HttpsConnector<Tracking>;

    /// How long a pooled connection may sit idle before it is closed, by
    /// default. Servers close idle keep-alive connections without telling
    /// the client, and a request sent on such a connection fails: S3 closes
    /// them after about 20 s, some of its front ends sooner, and load
    /// balancers after 60 s (ELB's default). The AWS SDK for Java v2 keeps
    /// S3's idle connections for 5 s; so does this client, for every
    /// service (hyper's own default, 90 s, outlives them all). A connection
    /// the server closed anyway costs an immediate resend when the server
    /// cannot have seen the request (see [`HyperClient`]), else a retry.
    pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(5);

    /// How often an HTTP/2 connection that carries a stream sends a PING.
    /// A long-lived stream (a live transcription) can be quiet for a while
    /// in one direction or both; a peer that vanished without a word (a NAT
    /// or load balancer that dropped the flow) would leave it waiting
    /// forever. PING frames are not subject to flow control, so a server
    /// that stops reading a stream still answers them: only a dead
    /// connection fails them. An idle connection (no stream) is not pinged:
    /// it is closed after the pool's idle timeout instead, and servers
    /// count pings on idle connections against the client. Every 30 s is
    /// well within what servers tolerate (gRPC's defaults refuse pings
    /// more often than every 5 s while streams are open).
    #[cfg(feature = "http2")]
    pub const HTTP2_KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(30);

    /// How long an HTTP/2 PING may go unanswered before the connection is
    /// closed, failing its streams with a transport error of kind `Io`: a
    /// dead connection under a quiet stream is noticed within 50 s.
    #[cfg(feature = "http2")]
    pub const HTTP2_KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(20);

    /// The default transport: hyper's pooled HTTP/1.1 client over rustls
    /// (ring, the operating system's root certificates), and, with the
    /// `http2` feature, its HTTP/2 client.
    ///
    /// # HTTP/2
    ///
    /// A request whose [`version`](http::Request::version) is
    /// [`http::Version::HTTP_2`] goes over HTTP/2 (as the bidirectional
    /// event streams of AWS services must), or every request does with
    /// [`HyperClientBuilder::http2_for_all`]: on `https` the TLS handshake
    /// offers only `h2` (ALPN), on plain `http` HTTP/2 is spoken from the
    /// first byte (h2c "prior knowledge"). These requests share their own
    /// pool of connections, each carrying many requests at once, with the
    /// same connect timeout, idle timeout and resolve overrides; a
    /// connection with a stream open is pinged
    /// (`HTTP2_KEEP_ALIVE_INTERVAL`, `HTTP2_KEEP_ALIVE_TIMEOUT`). The
    /// request body is sent as the response body arrives, both at once on
    /// one stream. A GOAWAY or RST_STREAM from the server, or a broken
    /// connection, fails the call or the reading of the response body with
    /// a [`TransportError`] of kind `Io`; a request body that fails (its
    /// stream yields an error) resets the stream, and the response fails
    /// with that error, of kind `Other`. A request whose body is a stream
    /// (an event stream) has a connection of its own, closed if its
    /// response body is dropped before its end: that ends the call and
    /// drops the request body at once, even when a server that stopped
    /// reading holds it back (hyper alone would keep it, waiting for a
    /// flow-control window that never opens). Dropping the response of any
    /// other request resets its stream (RST_STREAM `CANCEL`). An HTTP/2
    /// request is never resent by the transport: that is the retry
    /// policy's to decide.
    ///
    /// Without the `http2` feature, such a request fails with a
    /// [`TransportError`] of kind `Other` that says to turn the feature on:
    /// it is never sent over HTTP/1.1 instead.
    ///
    /// # HTTP/1.1
    ///
    /// A request that fails on a reused connection (one the server may
    /// have closed while it sat idle in the pool) is sent again at once,
    /// within the same attempt, without backoff and without spending the
    /// client's retry budget, when its body can be sent again and the
    /// server cannot have acted on it: none of it had been written to the
    /// connection, or it is a GET or HEAD (a safe method) that got no byte
    /// of a response. (Go's net/http decides the same way; hyper itself
    /// sends again a request it had not taken up, `retry_canceled_requests`.)
    /// The resend goes through the pool; should it meet another dead
    /// connection, one more goes on a new connection. A request that was
    /// written, even in part, on a POST, PUT, PATCH or DELETE, is never
    /// resent by the transport: it is the client's retry policy's to retry.
    #[derive(Clone)]
    pub struct HyperClient {
        inner: Result<Clients, Arc<str>>,
    }

    #[derive(Clone)]
    struct Clients {
        /// Reuses idle connections.
        pooled: Client<Connector, SendBody>,
        /// Always opens a new connection, and keeps none: for the last
        /// resend of a request whose reused connections had been closed.
        fresh: Client<Connector, SendBody>,
        /// HTTP/2 only (ALPN `h2` on https, prior knowledge on http), for
        /// requests whose body can be sent again: many share a connection.
        #[cfg(feature = "http2")]
        http2: Client<Connector, SendBody>,
        /// HTTP/2 only, a connection of its own for each request whose
        /// body is a stream: hyper keeps sending a request body after the
        /// response is dropped, and, if the server stopped reading it,
        /// waits for a window that never opens; closing the request's own
        /// connection when its response is dropped ends both.
        #[cfg(feature = "http2")]
        http2_single: Client<Connector, SendBody>,
        /// Every request goes over HTTP/2.
        http2_for_all: bool,
    }

    impl std::fmt::Debug for HyperClient {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("HyperClient").finish_non_exhaustive()
        }
    }

    /// Settings for [`HyperClient`].
    #[derive(Debug, Clone)]
    pub struct HyperClientBuilder {
        connect_timeout: Option<Duration>,
        pool_idle_timeout: Option<Duration>,
        overrides: BTreeMap<String, IpAddr>,
        http2_for_all: bool,
        /// Certificates (DER) trusted beside the system's roots.
        roots: Vec<Vec<u8>>,
    }

    impl Default for HyperClientBuilder {
        fn default() -> Self {
            HyperClientBuilder {
                connect_timeout: None,
                pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
                overrides: BTreeMap::new(),
                http2_for_all: false,
                roots: Vec::new(),
            }
        }
    }

    impl HyperClientBuilder {
        /// How long establishing a TCP connection may take.
        pub fn connect_timeout(mut self, timeout: Duration) -> Self {
            self.connect_timeout = Some(timeout);
            self
        }

        /// How long an idle connection is kept for reuse
        /// ([`DEFAULT_POOL_IDLE_TIMEOUT`] by default; `None`: no limit).
        /// Keep it below the server's own idle timeout.
        pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
            self.pool_idle_timeout = timeout;
            self
        }

        /// Resolves `host` to `ip` instead of asking DNS (as curl's
        /// `--resolve`): the request keeps its host name, for the `Host`
        /// header, TLS and signing, but connects to `ip`.
        pub fn resolve(mut self, host: impl Into<String>, ip: IpAddr) -> Self {
            self.overrides.insert(host.into().to_ascii_lowercase(), ip);
            self
        }

        /// Sends every request over HTTP/2, not only those whose version
        /// is HTTP/2 (`false` by default). The server must speak HTTP/2:
        /// on `https`, the TLS handshake offers only `h2`; on plain `http`,
        /// HTTP/2 is spoken from the first byte. Needs the crate's `http2`
        /// feature: without it, every request fails with a
        /// [`TransportError`] saying so.
        pub fn http2_for_all(mut self, enabled: bool) -> Self {
            self.http2_for_all = enabled;
            self
        }

        /// Trusts `der`, a certificate in DER form, as a root beside the
        /// system's: a private certificate authority, a proxy that
        /// inspects TLS, a local emulator served over TLS. A certificate
        /// that does not parse makes every request fail, saying so.
        pub fn root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
            self.roots.push(der.into());
            self
        }

        pub fn build(self) -> HyperClient {
            let resolver = Resolver { overrides: Arc::new(self.overrides), gai: GaiResolver::new() };
            let mut http = HttpConnector::new_with_resolver(resolver);
            http.enforce_http(false);
            http.set_connect_timeout(self.connect_timeout);
            // Without it, Nagle's algorithm holds a streamed body's small
            // writes (the tail of an event once HTTP/2's window opens)
            // until the peer's delayed ACK: milliseconds per event.
            http.set_nodelay(true);
            // rustls 0.23.48 deprecates ring's provider (no post-quantum key
            // exchange); ring keeps the crate's build small and C-free, and
            // the classical key exchanges it offers are what AWS endpoints use.
            #[allow(deprecated)]
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let pool_idle_timeout = self.pool_idle_timeout;
            let http2_for_all = self.http2_for_all;
            let inner = tls_config(provider, &self.roots).map(|tls| {
                // The root certificates are loaded once, for both versions.
                let connector = hyper_rustls::HttpsConnectorBuilder::new()
                    .with_tls_config(tls.clone())
                    .https_or_http()
                    .enable_http1()
                    .wrap_connector(Tracking(http.clone()));
                // The timer closes expired idle connections; without it
                // they would only be dropped when next checked out.
                let pooled = Client::builder(TokioExecutor::new())
                    .pool_idle_timeout(pool_idle_timeout)
                    .pool_timer(TokioTimer::new())
                    .build(connector.clone());
                let fresh = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(0).build(connector);
                #[cfg(feature = "http2")]
                let http2 = {
                    let connector = hyper_rustls::HttpsConnectorBuilder::new()
                        .with_tls_config(tls)
                        .https_or_http()
                        .enable_http2()
                        .wrap_connector(Tracking(http));
                    let mut builder = Client::builder(TokioExecutor::new());
                    builder
                        .http2_only(true)
                        .timer(TokioTimer::new())
                        .http2_keep_alive_interval(HTTP2_KEEP_ALIVE_INTERVAL)
                        .http2_keep_alive_timeout(HTTP2_KEEP_ALIVE_TIMEOUT)
                        .http2_keep_alive_while_idle(false)
                        .pool_idle_timeout(pool_idle_timeout)
                        .pool_timer(TokioTimer::new());
                    let single = builder.clone().pool_max_idle_per_host(0).build(connector.clone());
                    (builder.build(connector), single)
                };
                #[cfg(not(feature = "http2"))]
                drop(tls);
                Clients {
                    pooled,
                    fresh,
                    #[cfg(feature = "http2")]
                    http2: http2.0,
                    #[cfg(feature = "http2")]
                    http2_single: http2.1,
                    http2_for_all,
                }
            });
            HyperClient { inner }
        }
    }

    /// rustls's settings: ring, TLS 1.2 and 1.3, the system's root certificates.
    fn tls_config(provider: Arc<rustls::crypto::CryptoProvider>, roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, Arc<str>> {
        use hyper_rustls::ConfigBuilderExt;
        let fail = |e: &dyn std::fmt::Display| Arc::from(format!("cannot load the system's root certificates: {e}"));
        let builder = rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions().map_err(|e| fail(&e))?;
        if roots.is_empty() {
            return Ok(builder.with_native_roots().map_err(|e| fail(&e))?.with_no_client_auth());
        }
        // The system's roots (those that parse, as `with_native_roots`
        // takes them), then the client's own.
        let mut store = rustls::RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        store.add_parsable_certificates(native.certs);
        for (n, der) in roots.iter().enumerate() {
            store.add(rustls::pki_types::CertificateDer::from(der.clone())).map_err(|e| {
                Arc::<str>::from(format!("root certificate {} of HyperClientBuilder::root_certificate is not usable: {e}", n + 1))
            })?;
        }
        Ok(builder.with_root_certificates(store).with_no_client_auth())
    }

    impl HyperClient {
        /// A client with default settings (no connect timeout of its own:
        /// the service config passes its own).
        pub fn new() -> Self {
            Self::builder().build()
        }

        pub fn builder() -> HyperClientBuilder {
            HyperClientBuilder::default()
        }
    }

    impl Default for HyperClient {
        fn default() -> Self {
            Self::new()
        }
    }

    impl HttpClient for HyperClient {
        fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            Box::pin(async move {
                let response = self.send_streaming(request.map(ByteStream::new)).await?;
                let (parts, body) = response.into_parts();
                let body = body.collect().await.map_err(TransportError::reading_body)?;
                Ok(http::Response::from_parts(parts, body))
            })
        }

        fn send_streaming(&self, request: StreamingRequest) -> BoxFuture<'_, Result<StreamingResponse, TransportError>> {
            Box::pin(async move {
                let clients = self
                    .inner
                    .as_ref()
                    .map_err(|message| TransportError::new(TransportErrorKind::Other, message.to_string()))?;
                if request.version() == http::Version::HTTP_2 || clients.http2_for_all {
                    return send_http2(clients, request).await;
                }
                // A body in memory or in a file can be sent again; a stream cannot.
                let mut again = request.body().is_replayable().then(|| copy(&request));
                let safe = matches!(
                    *request.method(),
                    http::Method::GET | http::Method::HEAD | http::Method::OPTIONS | http::Method::TRACE
                );
                let head = request.method() == http::Method::HEAD;
                let mut result = send_on(&clients.pooled, request).await;
                // The resend goes through the pool, which no longer holds the
                // dead connection: on a new connection (kept for the next
                // call) or on another idle one. Should that one prove dead
                // too, the last resend opens a new connection.
                for client in [&clients.pooled, &clients.fresh] {
                    let failed = match result {
                        Ok(response) => return Ok(streaming(response, head)),
                        Err(failed) => failed,
                    };
                    match again.take() {
                        Some(request) if failed.resendable(safe) => {
                            again = Some(copy(&request));
                            result = send_on(client, request).await;
                        }
                        _ => return Err(transport_error(failed.error)),
                    }
                }
                result.map(|response| streaming(response, head)).map_err(|failed| transport_error(failed.error))
            })
        }
    }

    /// Sends `request` over HTTP/2, once: a stream body cannot be sent
    /// again, and hyper itself sends again a request refused before the
    /// server took it up (a GOAWAY that left it out, REFUSED_STREAM).
    ///
    /// A request whose body is a stream gets a connection of its own,
    /// closed if its response is dropped before its end (see
    /// [`Clients::http2_single`]). hyper does not hand the request body's
    /// failure to the response: it resets the stream, and the response
    /// fails with that reset; the body's own error is told instead.
    #[cfg(feature = "http2")]
    async fn send_http2(clients: &Clients, request: StreamingRequest) -> Result<StreamingResponse, TransportError> {
        let head = request.method() == http::Method::HEAD;
        let single = !request.body().is_replayable();
        let failure = BodyFailure::default();
        let mut request = request.map(|body| SendBody { body, failure: Some(failure.clone()) });
        *request.version_mut() = http::Version::HTTP_2;
        let connection = capture_connection(&mut request);
        let client = if single { &clients.http2_single } else { &clients.http2 };
        let response = match client.request(request).await {
            Ok(response) => response,
            Err(error) => return Err(failure.take().map(TransportError::from).unwrap_or_else(|| transport_error(error))),
        };
        let usage = if single { usage_of(&connection) } else { None };
        Ok(streaming_with(response, head, |chunks| Watched { chunks, failure, connection: usage, ended: false }))
    }

    /// The shared state of the connection a request went on.
    #[cfg(feature = "http2")]
    fn usage_of(connection: &hyper_util::client::legacy::connect::CaptureConnection) -> Option<Usage> {
        let connected = connection.connection_metadata();
        let mut extras = http::Extensions::new();
        connected.as_ref()?.get_extras(&mut extras);
        extras.get::<Usage>().cloned()
    }

    /// The failure of a request body, kept for its response to tell.
    #[cfg(feature = "http2")]
    #[derive(Clone, Default)]
    struct BodyFailure(Arc<Mutex<Option<RequestBodyFailed>>>);

    #[cfg(feature = "http2")]
    impl BodyFailure {
        fn take(&self) -> Option<RequestBodyFailed> {
            self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
        }
    }

    /// The chunks of an HTTP/2 response body: a failure that a request
    /// body's own caused says so, and, on a connection of its own, a body
    /// dropped before its end closes the connection.
    #[cfg(feature = "http2")]
    struct Watched {
        chunks: http_body_util::BodyDataStream<hyper::body::Incoming>,
        failure: BodyFailure,
        connection: Option<Usage>,
        ended: bool,
    }

    #[cfg(feature = "http2")]
    impl futures_core::Stream for Watched {
        type Item = Result<Bytes, Box<dyn std::error::Error + Send + Sync>>;

        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let this = self.get_mut();
            if this.ended {
                return Poll::Ready(None);
            }
            let polled = futures_core::Stream::poll_next(Pin::new(&mut this.chunks), cx);
            match polled {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => Poll::Ready(Some(Ok(chunk))),
                Poll::Ready(None) => {
                    this.ended = true;
                    Poll::Ready(None)
                }
                Poll::Ready(Some(Err(error))) => {
                    this.ended = true;
                    Poll::Ready(Some(Err(match this.failure.take() {
                        Some(failed) => Box::new(failed),
                        None => Box::new(error),
                    })))
                }
            }
        }
    }

    #[cfg(feature = "http2")]
    impl Drop for Watched {
        fn drop(&mut self) {
            if let Some(connection) = self.connection.take().filter(|_| !self.ended) {
                connection.abort();
            }
        }
    }

    /// Without the `http2` feature, an HTTP/2 request fails: sending it over
    /// HTTP/1.1 instead would fail later and less clearly (a bidirectional
    /// stream needs HTTP/2).
    #[cfg(not(feature = "http2"))]
    async fn send_http2(_clients: &Clients, request: StreamingRequest) -> Result<StreamingResponse, TransportError> {
        Err(TransportError::new(
            TransportErrorKind::Other,
            format!(
                "{} {} needs HTTP/2, which this crate's default transport sends only with its `http2` feature: turn it on in Cargo.toml",
                request.method(),
                request.uri()
            ),
        ))
    }

    /// A request that failed, and what it did on its connection (`None`
    /// when it got none).
    struct Failed {
        error: hyper_util::client::legacy::Error,
        sent: Option<Sent>,
    }

    impl Failed {
        /// Whether the request may be sent again at once, as Go's net/http
        /// decides: it failed on a connection that had carried a request
        /// before (the server may have closed it while it sat idle), and
        /// either none of it had been written (the server cannot have seen
        /// it), or it is a safe method (GET, HEAD, OPTIONS, TRACE) and the
        /// connection closed before any byte of a response. A request
        /// written even in part, on any other method, may have reached the
        /// server: it is left to the client's retry policy, which retries
        /// it only if allowed, with backoff and within the retry budget. A
        /// failure of the request's own body is never resent.
        fn resendable(&self, safe: bool) -> bool {
            let Some(sent) = &self.sent else { return false };
            if !sent.reused || self.error.is_connect() || is_user_error(&self.error) {
                return false;
            }
            !sent.written || (safe && !sent.read && closed_before_response(&self.error))
        }
    }

    /// Sends `request` through `client`, noting what it did on its connection.
    async fn send_on(
        client: &Client<Connector, SendBody>,
        request: StreamingRequest,
    ) -> Result<http::Response<hyper::body::Incoming>, Failed> {
        let mut request = request.map(SendBody::new);
        let connection = capture_connection(&mut request);
        let result = client.request(request).await;
        let sent = connection.connection_metadata().as_ref().and_then(|connected| {
            let mut extras = http::Extensions::new();
            connected.get_extras(&mut extras);
            extras.get::<Usage>().map(Usage::sent)
        });
        result.map_err(|error| Failed { error, sent })
    }

    /// The same request, to send again (its body must be replayable).
    fn copy(request: &StreamingRequest) -> StreamingRequest {
        let mut copy = http::Request::new(request.body().take_for_send());
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.version_mut() = request.version();
        *copy.headers_mut() = request.headers().clone();
        copy
    }

    /// A response whose body is read as it arrives, with its declared length.
    /// A response to HEAD, and a 204 or 304, has no body whatever its
    /// `Content-Length` says (S3's HeadObject gives the object's length).
    fn streaming(response: http::Response<hyper::body::Incoming>, head: bool) -> StreamingResponse {
        streaming_with(response, head, |chunks| chunks)
    }

    /// [`streaming`], its chunks read through `wrap`.
    fn streaming_with<S, E>(
        response: http::Response<hyper::body::Incoming>,
        head: bool,
        wrap: impl FnOnce(http_body_util::BodyDataStream<hyper::body::Incoming>) -> S,
    ) -> StreamingResponse
    where
        S: futures_core::Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let bodiless = head || matches!(response.status().as_u16(), 204 | 304);
        let length = if bodiless { Some(0) } else { content_length(&response) };
        response.map(|body| {
            let chunks = wrap(body.into_data_stream());
            match length {
                Some(length) => ByteStream::from_stream_with_length(chunks, length),
                None => ByteStream::from_stream(chunks),
            }
        })
    }

    fn content_length<B>(response: &http::Response<B>) -> Option<u64> {
        let value = response.headers().get(http::header::CONTENT_LENGTH)?;
        value.to_str().ok()?.parse().ok()
    }

    fn transport_error(error: hyper_util::client::legacy::Error) -> TransportError {
        TransportError::new(super::classify(&error), error)
    }

    /// A failure of this side: the request's body failed (a file that
    /// shrank as it was sent), or hyper was misused.
    fn is_user_error(error: &hyper_util::client::legacy::Error) -> bool {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(error) = cause {
            if error.downcast_ref::<hyper::Error>().is_some_and(hyper::Error::is_user) {
                return true;
            }
            cause = error.source();
        }
        false
    }

    /// The connection closed, or was reset, with no response: what a server
    /// that closes an idle connection as the request is written causes.
    fn closed_before_response(error: &hyper_util::client::legacy::Error) -> bool {
        if error.is_connect() {
            return false;
        }
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(error) = cause {
            if let Some(hyper) = error.downcast_ref::<hyper::Error>() {
                if hyper.is_incomplete_message() || hyper.is_closed() || hyper.is_canceled() {
                    return true;
                }
            }
            if let Some(io) = error.downcast_ref::<std::io::Error>() {
                use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
                if matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof) {
                    return true;
                }
            }
            cause = error.source();
        }
        false
    }

    /// What one layer of a failure's causes says of its kind, if anything.
    pub(super) fn classify_layer(error: &(dyn std::error::Error + 'static)) -> Option<TransportErrorKind> {
        if error.is::<RequestBodyFailed>() {
            return Some(TransportErrorKind::Other);
        }
        if let Some(client) = error.downcast_ref::<hyper_util::client::legacy::Error>() {
            if client.is_connect() {
                return Some(TransportErrorKind::Connect);
            }
        }
        let hyper = error.downcast_ref::<hyper::Error>()?;
        // `is_parse` covers them all: the status line, headers, lengths, a head too large.
        if hyper.is_parse() {
            Some(TransportErrorKind::InvalidResponse)
        } else if hyper.is_user() {
            // Our side: the request body failed, or hyper was misused.
            Some(TransportErrorKind::Other)
        } else if hyper.is_timeout() {
            Some(TransportErrorKind::Timeout)
        } else {
            None
        }
    }

    /// What a connection has carried, shared by the copies of its
    /// `Connected` (which hyper keeps with the pooled connection) and the
    /// connection itself, which counts the bytes it writes and reads.
    #[derive(Clone, Default)]
    struct Usage(Arc<Shared>);

    #[derive(Default)]
    struct Shared {
        state: Mutex<UsageState>,
        /// The connection is to fail every read and write from now on
        /// (checked on each, without the lock).
        aborted: std::sync::atomic::AtomicBool,
    }

    #[derive(Default)]
    struct UsageState {
        /// The requests sent on the connection whose outcome is known.
        requests: u64,
        /// Exchanges: a write that follows a read (or the first write)
        /// begins one, as HTTP/1.1 sends a request only after the previous
        /// response (a server answering before the request is all written
        /// splits one into two, which only makes this more cautious).
        exchanges: u64,
        /// `exchanges` when the outcome of the last request was known.
        exchanges_before: u64,
        /// Whether the last bytes moved were read.
        reading: bool,
        /// Bytes read since the current exchange began.
        read: u64,
        /// The task that last found nothing to read, woken by an abort.
        reader: Option<std::task::Waker>,
    }

    /// What a request did on its connection, told once its outcome is known.
    struct Sent {
        /// The connection had carried a request before.
        reused: bool,
        /// Some of the request was written to the connection.
        written: bool,
        /// Some of a response was read from it.
        read: bool,
    }

    impl Usage {
        fn lock(&self) -> std::sync::MutexGuard<'_, UsageState> {
            self.0.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        fn wrote(&self, n: usize) {
            if n > 0 {
                let mut state = self.lock();
                if state.reading || state.exchanges == 0 {
                    state.exchanges += 1;
                    state.reading = false;
                    state.read = 0;
                }
            }
        }

        fn read(&self, n: usize) {
            if n > 0 {
                let mut state = self.lock();
                state.reading = true;
                state.read += n as u64;
            }
        }

        /// Fails the connection's reads and writes from now on, waking the
        /// task that waits to read from it (hyper's connection task,
        /// which then closes it).
        #[cfg(feature = "http2")]
        fn abort(&self) {
            self.0.aborted.store(true, std::sync::atomic::Ordering::SeqCst);
            let reader = self.lock().reader.take();
            if let Some(reader) = reader {
                reader.wake();
            }
        }

        /// Whether the connection was aborted; if not, `waker` is woken
        /// when it is.
        fn aborted(&self, waker: Option<&std::task::Waker>) -> Result<(), std::io::Error> {
            let aborted = || {
                let aborted = self.0.aborted.load(std::sync::atomic::Ordering::SeqCst);
                match aborted {
                    true => Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "the response was dropped")),
                    false => Ok(()),
                }
            };
            aborted()?;
            if let Some(waker) = waker {
                let mut state = self.lock();
                if !state.reader.as_ref().is_some_and(|reader| reader.will_wake(waker)) {
                    state.reader = Some(waker.clone());
                }
                drop(state);
                // An abort between the check and the waker's storing found
                // no waker to wake: look again.
                aborted()?;
            }
            Ok(())
        }

        /// Called once per request, when it has its response head or its error.
        fn sent(&self) -> Sent {
            let mut state = self.lock();
            let written = state.exchanges > state.exchanges_before;
            let sent = Sent { reused: state.requests > 0, written, read: written && state.read > 0 };
            state.requests += 1;
            state.exchanges_before = state.exchanges;
            sent
        }
    }

    /// The TCP connector, whose connections count what they carry.
    #[derive(Clone)]
    struct Tracking(HttpConnector<Resolver>);

    impl tower_service::Service<http::Uri> for Tracking {
        type Response = Tracked;
        type Error = <HttpConnector<Resolver> as tower_service::Service<http::Uri>>::Error;
        type Future = BoxFuture<'static, Result<Tracked, Self::Error>>;

        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            self.0.poll_ready(cx)
        }

        fn call(&mut self, uri: http::Uri) -> Self::Future {
            let connecting = self.0.call(uri);
            Box::pin(async move {
                let stream = connecting.await?.into_inner();
                Ok(Tracked { io: TokioIo::new(Counting { stream, usage: Usage::default() }) })
            })
        }
    }

    /// A TCP connection that counts what it carries.
    struct Tracked {
        io: TokioIo<Counting>,
    }

    struct Counting {
        stream: tokio::net::TcpStream,
        usage: Usage,
    }

    impl Connection for Tracked {
        fn connected(&self) -> Connected {
            let counting = self.io.inner();
            counting.stream.connected().extra(counting.usage.clone())
        }
    }

    impl tokio::io::AsyncRead for Counting {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            let this = self.get_mut();
            if let Err(aborted) = this.usage.aborted(None) {
                return Poll::Ready(Err(aborted));
            }
            let before = buf.filled().len();
            let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
            this.usage.read(buf.filled().len() - before);
            // An abort while this waits wakes it (only HTTP/2 connections
            // are aborted: without the feature, nothing to register).
            #[cfg(feature = "http2")]
            if polled.is_pending() {
                if let Err(aborted) = this.usage.aborted(Some(cx.waker())) {
                    return Poll::Ready(Err(aborted));
                }
            }
            polled
        }
    }

    impl tokio::io::AsyncWrite for Counting {
        fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
            let this = self.get_mut();
            this.usage.aborted(None)?;
            let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
            if let Poll::Ready(Ok(n)) = polled {
                this.usage.wrote(n);
            }
            polled
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[std::io::IoSlice<'_>],
        ) -> Poll<std::io::Result<usize>> {
            let this = self.get_mut();
            this.usage.aborted(None)?;
            let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
            if let Poll::Ready(Ok(n)) = polled {
                this.usage.wrote(n);
            }
            polled
        }

        fn is_write_vectored(&self) -> bool {
            self.stream.is_write_vectored()
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.get_mut().stream).poll_flush(cx)
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
        }
    }

    impl hyper::rt::Read for Tracked {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: hyper::rt::ReadBufCursor<'_>,
        ) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
        }
    }

    impl hyper::rt::Write for Tracked {
        fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
            Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.get_mut().io).poll_flush(cx)
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
        }

        fn is_write_vectored(&self) -> bool {
            self.io.is_write_vectored()
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[std::io::IoSlice<'_>],
        ) -> Poll<std::io::Result<usize>> {
            Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
        }
    }

    /// A request body for hyper: the chunks of a [`ByteStream`] as data
    /// frames, with its length when known.
    struct SendBody {
        body: ByteStream,
        /// Where an HTTP/2 request keeps the body's failure for its response.
        #[cfg(feature = "http2")]
        failure: Option<BodyFailure>,
    }

    impl SendBody {
        fn new(body: ByteStream) -> Self {
            SendBody {
                body,
                #[cfg(feature = "http2")]
                failure: None,
            }
        }
    }

    /// The request body failed (the stream it was read from): this side's
    /// failure, not the connection's.
    #[derive(Debug, Clone)]
    struct RequestBodyFailed(Arc<crate::primitives::ByteStreamError>);

    impl std::fmt::Display for RequestBodyFailed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the request body failed")
        }
    }

    impl std::error::Error for RequestBodyFailed {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(self.0.as_ref())
        }
    }

    impl From<RequestBodyFailed> for TransportError {
        fn from(failed: RequestBodyFailed) -> Self {
            TransportError::new(TransportErrorKind::Other, failed)
        }
    }

    impl http_body::Body for SendBody {
        type Data = Bytes;
        type Error = RequestBodyFailed;

        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            let this = self.get_mut();
            let polled = futures_core::Stream::poll_next(std::pin::Pin::new(&mut this.body), cx);
            polled.map(|item| {
                item.map(|chunk| {
                    chunk.map(Frame::data).map_err(|error| {
                        let failed = RequestBodyFailed(Arc::new(error));
                        #[cfg(feature = "http2")]
                        if let Some(failure) = &this.failure {
                            *failure.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(failed.clone());
                        }
                        failed
                    })
                })
            })
        }

        fn is_end_stream(&self) -> bool {
            self.body.as_bytes().is_some_and(|bytes| bytes.is_empty())
        }

        fn size_hint(&self) -> SizeHint {
            match self.body.content_length() {
                Some(length) => SizeHint::with_exact(length),
                None => SizeHint::default(),
            }
        }
    }

    /// DNS with per-host overrides.
    #[derive(Clone)]
    struct Resolver {
        overrides: Arc<BTreeMap<String, IpAddr>>,
        gai: GaiResolver,
    }

    type Addrs = Box<dyn Iterator<Item = SocketAddr> + Send>;

    impl tower_service::Service<Name> for Resolver {
        type Response = Addrs;
        type Error = std::io::Error;
        type Future = BoxFuture<'static, Result<Addrs, std::io::Error>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, name: Name) -> Self::Future {
            if let Some(ip) = self.overrides.get(&name.as_str().to_ascii_lowercase()) {
                let addr = SocketAddr::new(*ip, 0);
                return Box::pin(async move { Ok(Box::new(std::iter::once(addr)) as Addrs) });
            }
            let lookup = self.gai.call(name);
            Box::pin(async move { Ok(Box::new(lookup.await?) as Addrs) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_kind_and_source_is_the_cause() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let e = TransportError::new(TransportErrorKind::Connect, refused);
        assert_eq!(e.to_string(), "could not connect");
        let source = std::error::Error::source(&e).expect("the cause is the source");
        assert_eq!(source.to_string(), "Connection refused");
        assert_eq!(
            crate::error::DisplayErrorContext(&e).to_string(),
            "could not connect: Connection refused"
        );
        let e = TransportError::new(TransportErrorKind::Other, "no transport");
        assert_eq!(e.to_string(), "transport error");
        assert_eq!(std::error::Error::source(&e).map(|s| s.to_string()).as_deref(), Some("no transport"));
    }

    #[test]
    fn only_failures_another_attempt_may_cure_are_retryable() {
        use TransportErrorKind::*;
        let retryable: Vec<_> = [Connect, Io, Timeout, InvalidResponse, BodyTooLarge, Other].into_iter().filter(|k| k.is_retryable()).collect();
        assert_eq!(retryable, [Connect, Io, Timeout]);
    }

    #[test]
    fn the_kind_comes_from_the_chain_of_causes() {
        let io = |kind, message: &str| std::io::Error::new(kind, message.to_owned());
        let body = |error: std::io::Error| {
            let stream = ByteStream::from_stream(futures_stream(vec![Err(error.into())]));
            futures_block_on(stream.collect()).unwrap_err()
        };
        // hyper's body decoder: a malformed chunk is the response's fault.
        let bad_chunk = TransportError::reading_body(body(io(std::io::ErrorKind::InvalidInput, "Invalid chunk size line")));
        assert_eq!(bad_chunk.kind(), TransportErrorKind::InvalidResponse);
        let cut_short = TransportError::reading_body(body(io(std::io::ErrorKind::UnexpectedEof, "end of file before message length reached")));
        assert_eq!(cut_short.kind(), TransportErrorKind::Io);
        let reset = TransportError::reading_body(body(io(std::io::ErrorKind::ConnectionReset, "reset")));
        assert_eq!(reset.kind(), TransportErrorKind::Io);
        let slow = TransportError::reading_body(body(io(std::io::ErrorKind::TimedOut, "timed out")));
        assert_eq!(slow.kind(), TransportErrorKind::Timeout);
        assert_eq!(
            crate::error::DisplayErrorContext(&cut_short).to_string(),
            "connection failed: reading the body failed: end of file before message length reached"
        );
    }

    /// A body of ten 1000-byte chunks that counts the chunks read from it.
    fn counted_body(length: Option<u64>) -> (ByteStream, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        let pulled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = pulled.clone();
        let chunks = (0..10).map(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, std::io::Error>(Bytes::from(vec![7u8; 1000]))
        });
        let stream = futures_stream_iter(chunks);
        let body = match length {
            Some(length) => ByteStream::from_stream_with_length(stream, length),
            None => ByteStream::from_stream(stream),
        };
        (body, pulled)
    }

    #[test]
    fn a_buffered_body_is_read_up_to_its_limit_and_one_chunk_more() {
        let pulled = |limit, length| {
            let (body, pulled) = counted_body(length);
            let result = futures_block_on(read_limited(body, limit));
            (result, pulled.load(std::sync::atomic::Ordering::SeqCst))
        };
        let (result, chunks) = pulled(2500, None);
        let error = result.unwrap_err();
        assert_eq!((error.kind(), chunks), (TransportErrorKind::BodyTooLarge, 3), "2000 bytes kept, the third chunk crosses");
        let cause = std::error::Error::source(&error).and_then(|s| s.downcast_ref::<BodyTooLarge>()).unwrap();
        assert_eq!((cause.limit(), cause.content_length()), (2500, None));
        assert_eq!(
            crate::error::DisplayErrorContext(&error).to_string(),
            "the response body is too large: more than the limit of 2500 bytes arrived"
        );
        // A declared length over the limit: nothing is read.
        let (result, chunks) = pulled(5000, Some(10_000));
        let error = result.unwrap_err();
        assert_eq!(chunks, 0);
        assert_eq!(
            crate::error::DisplayErrorContext(&error).to_string(),
            "the response body is too large: its Content-Length of 10000 bytes is over the limit of 5000 bytes"
        );
        // At the limit exactly: the whole body.
        let (result, chunks) = pulled(10_000, Some(10_000));
        assert_eq!((result.unwrap().len(), chunks), (10_000, 10));
        let small = futures_block_on(read_limited(ByteStream::from("abc"), 3)).unwrap();
        assert_eq!(small, Bytes::from("abc"));
        assert_eq!(futures_block_on(read_limited(ByteStream::from("abcd"), 3)).unwrap_err().kind(), TransportErrorKind::BodyTooLarge);
    }

    /// HTTP/2 on a loopback server (h2c, prior knowledge) that speaks
    /// HTTP/1.1 too, to the transport's HTTP/2 client.
    #[cfg(feature = "http2")]
    mod http2 {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::{Arc, Mutex};
        use std::time::Duration;

        use bytes::Bytes;
        use h2::Reason;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        use tokio::net::{TcpListener, TcpStream};
        use tokio::sync::mpsc;

        use crate::primitives::ByteStream;
        use crate::transport::{HttpClient, HyperClient, StreamingResponse, TransportError, TransportErrorKind};

        /// What the server does with each HTTP/2 stream.
        #[derive(Clone, Copy, Debug)]
        enum Behaviour {
            /// Answers at once, then echoes every chunk of the request
            /// body as a chunk of the response body, and ends with it.
            Echo,
            /// Echoes until this many bytes have arrived, then closes the
            /// connection with GOAWAY (INTERNAL_ERROR).
            GoAwayAfter(usize),
            /// Echoes until this many bytes have arrived, then resets the
            /// stream (RST_STREAM INTERNAL_ERROR).
            ResetAfter(usize),
            /// Resets the stream before any answer.
            ResetBeforeHead,
            /// Answers, then never reads the request body: the client's
            /// send window (64 KiB) runs out.
            StopReading,
        }

        /// What the server saw.
        #[derive(Default, Debug)]
        struct Seen {
            /// The HTTP version of each request, in order.
            versions: Vec<http::Version>,
            /// The bytes of request bodies received.
            received: usize,
            /// The reasons of the resets the client sent (a stream error on the server's side).
            client_resets: Vec<Reason>,
            /// Streams that ended with their connection.
            closed_with_connection: usize,
            /// HTTP/2 connections accepted.
            connections: usize,
        }

        struct Server {
            addr: std::net::SocketAddr,
            seen: Arc<Mutex<Seen>>,
            task: tokio::task::JoinHandle<()>,
        }

        impl Drop for Server {
            fn drop(&mut self) {
                self.task.abort();
            }
        }

        impl Server {
            fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
                self.seen.lock().unwrap()
            }

            fn url(&self) -> String {
                format!("http://{}/stream", self.addr)
            }
        }

        const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

        /// A server on 127.0.0.1 that takes at most eight connections.
        async fn serve(behaviour: Behaviour) -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let seen = Arc::new(Mutex::new(Seen::default()));
            let shared = seen.clone();
            let task = tokio::spawn(async move {
                let mut connections = tokio::task::JoinSet::new();
                for _ in 0..8 {
                    let Ok((socket, _)) = listener.accept().await else { return };
                    connections.spawn(connection(socket, behaviour, shared.clone()));
                }
                while connections.join_next().await.is_some() {}
            });
            Server { addr, seen, task }
        }

        async fn connection(socket: TcpStream, behaviour: Behaviour, seen: Arc<Mutex<Seen>>) {
            // The first bytes say the version: HTTP/2's preface, or a request line.
            let mut first = [0u8; 4];
            for _ in 0..100 {
                match socket.peek(&mut first).await {
                    Ok(n) if n >= first.len() => break,
                    Ok(0) | Err(_) => return,
                    Ok(_) => tokio::time::sleep(Duration::from_millis(5)).await,
                }
            }
            if first != PREFACE[..4] {
                return http1(socket, seen).await;
            }
            let Ok(mut connection) = h2::server::Builder::new().handshake::<_, Bytes>(socket).await else { return };
            seen.lock().unwrap().connections += 1;
            let (goaway, mut goaways) = mpsc::channel::<Reason>(1);
            let mut streams = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    accepted = connection.accept() => match accepted {
                        Some(Ok((request, respond))) => {
                            seen.lock().unwrap().versions.push(request.version());
                            streams.spawn(stream(request, respond, behaviour, seen.clone(), goaway.clone()));
                        }
                        _ => break,
                    },
                    Some(reason) = goaways.recv() => connection.abrupt_shutdown(reason),
                }
            }
            // Let the streams see the connection's end.
            let _ = tokio::time::timeout(Duration::from_secs(5), async { while streams.join_next().await.is_some() {} }).await;
        }

        /// HTTP/1.1: reads the head, answers `http1`, closes.
        async fn http1(mut socket: TcpStream, seen: Arc<Mutex<Seen>>) {
            let mut head = Vec::new();
            let mut buffer = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65_536 {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buffer[..n]),
                }
            }
            let line = String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_owned();
            let version = if line.ends_with(" HTTP/1.1") { http::Version::HTTP_11 } else { http::Version::HTTP_09 };
            seen.lock().unwrap().versions.push(version);
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhttp1").await;
        }

        async fn stream(
            request: http::Request<h2::RecvStream>,
            mut respond: h2::server::SendResponse<Bytes>,
            behaviour: Behaviour,
            seen: Arc<Mutex<Seen>>,
            goaway: mpsc::Sender<Reason>,
        ) {
            if let Behaviour::ResetBeforeHead = behaviour {
                respond.send_reset(Reason::INTERNAL_ERROR);
                return;
            }
            let Ok(mut send) = respond.send_response(http::Response::new(()), false) else { return };
            let mut body = request.into_body();
            if let Behaviour::StopReading = behaviour {
                // Holds the body unread until the client gives up on the stream.
                let reset = tokio::time::timeout(Duration::from_secs(15), std::future::poll_fn(|cx| send.poll_reset(cx))).await;
                match reset {
                    Ok(Ok(reason)) => seen.lock().unwrap().client_resets.push(reason),
                    Ok(Err(_)) => seen.lock().unwrap().closed_with_connection += 1,
                    Err(_) => {}
                }
                drop(body);
                return;
            }
            let mut received = 0;
            while let Some(chunk) = body.data().await {
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(e) => {
                        if let Some(reason) = e.reason() {
                            seen.lock().unwrap().client_resets.push(reason);
                        }
                        return;
                    }
                };
                received += chunk.len();
                seen.lock().unwrap().received += chunk.len();
                let _ = body.flow_control().release_capacity(chunk.len());
                match behaviour {
                    Behaviour::GoAwayAfter(n) if received >= n => {
                        let _ = goaway.send(Reason::INTERNAL_ERROR).await;
                        // Dropping the stream now would reset it (CANCEL)
                        // before the GOAWAY: it ends with the connection.
                        let closed = std::future::poll_fn(|cx| send.poll_reset(cx));
                        let _ = tokio::time::timeout(Duration::from_secs(10), closed).await;
                        return;
                    }
                    Behaviour::ResetAfter(n) if received >= n => {
                        send.send_reset(Reason::INTERNAL_ERROR);
                        return;
                    }
                    _ => {}
                }
                if send.send_data(chunk, false).is_err() {
                    return;
                }
            }
            let _ = send.send_data(Bytes::new(), true);
        }

        /// A request body fed by the returned channel, with a flag set
        /// once the transport has dropped the body.
        fn channel_body() -> (mpsc::Sender<Bytes>, ByteStream, Arc<AtomicBool>) {
            let (sender, receiver) = mpsc::channel::<Bytes>(1);
            let dropped = Arc::new(AtomicBool::new(false));
            let body = Receiver { receiver, dropped: dropped.clone() };
            (sender, ByteStream::from_stream(body), dropped)
        }

        struct Receiver {
            receiver: mpsc::Receiver<Bytes>,
            dropped: Arc<AtomicBool>,
        }

        impl futures_core::Stream for Receiver {
            type Item = Result<Bytes, std::io::Error>;
            fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
                self.get_mut().receiver.poll_recv(cx).map(|chunk| chunk.map(Ok))
            }
        }

        impl Drop for Receiver {
            fn drop(&mut self) {
                self.dropped.store(true, Ordering::SeqCst);
            }
        }

        /// A request body of up to 10 000 chunks of 16 KiB, counting those
        /// pulled, with a flag set once the transport has dropped it.
        fn endless_body() -> (ByteStream, Arc<AtomicUsize>, Arc<AtomicBool>) {
            let pulled = Arc::new(AtomicUsize::new(0));
            let dropped = Arc::new(AtomicBool::new(false));
            struct Endless {
                pulled: Arc<AtomicUsize>,
                dropped: Arc<AtomicBool>,
            }
            impl futures_core::Stream for Endless {
                type Item = Result<Bytes, std::io::Error>;
                fn poll_next(self: std::pin::Pin<&mut Self>, _cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
                    let n = self.pulled.fetch_add(1, Ordering::SeqCst);
                    std::task::Poll::Ready((n < 10_000).then(|| Ok(Bytes::from(vec![b'x'; 16 * 1024]))))
                }
            }
            impl Drop for Endless {
                fn drop(&mut self) {
                    self.dropped.store(true, Ordering::SeqCst);
                }
            }
            let body = Endless { pulled: pulled.clone(), dropped: dropped.clone() };
            (ByteStream::from_stream(body), pulled, dropped)
        }

        fn request(url: &str, version: http::Version, body: ByteStream) -> http::Request<ByteStream> {
            let mut request = http::Request::post(url).body(body).unwrap();
            *request.version_mut() = version;
            request
        }

        /// Reads `n` bytes of the response body (whatever its frames).
        async fn read_exactly(body: &mut ByteStream, n: usize) -> Result<Vec<u8>, TransportError> {
            let mut out = Vec::new();
            while out.len() < n {
                match body.next().await {
                    Some(chunk) => out.extend_from_slice(&chunk.map_err(TransportError::reading_body)?),
                    None => break,
                }
            }
            Ok(out)
        }

        /// Waits (at most five seconds) for `flag`.
        async fn eventually(flag: &AtomicBool) -> bool {
            for _ in 0..500 {
                if flag.load(Ordering::SeqCst) {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            false
        }

        async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
            tokio::time::timeout(Duration::from_secs(30), future).await.expect("the test finishes in time")
        }

        async fn send(client: &HyperClient, request: http::Request<ByteStream>) -> Result<StreamingResponse, TransportError> {
            client.send_streaming(request).await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn an_http2_request_goes_over_http2_and_any_other_over_http1() {
            within(async {
                let server = serve(Behaviour::Echo).await;
                let client = HyperClient::new();
                let response = send(&client, request(&server.url(), http::Version::HTTP_2, ByteStream::from("hello"))).await.unwrap();
                assert_eq!(response.version(), http::Version::HTTP_2);
                assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from("hello"));
                let response = send(&client, request(&server.url(), http::Version::HTTP_11, ByteStream::from("hello"))).await.unwrap();
                assert_eq!(response.version(), http::Version::HTTP_11);
                assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from("http1"));
                // A buffered send takes the same road.
                let response = client.send(request(&server.url(), http::Version::HTTP_2, ByteStream::new("again")).map(|_| Bytes::from("again"))).await.unwrap();
                assert_eq!(response.body(), &Bytes::from("again"));
                assert_eq!(server.seen().versions, [http::Version::HTTP_2, http::Version::HTTP_11, http::Version::HTTP_2]);
                // With `http2_for_all`, an ordinary request goes over HTTP/2 too.
                let client = HyperClient::builder().http2_for_all(true).build();
                let response = send(&client, request(&server.url(), http::Version::HTTP_11, ByteStream::from("all"))).await.unwrap();
                assert_eq!(response.version(), http::Version::HTTP_2);
                assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from("all"));
                assert_eq!(server.seen().versions.last(), Some(&http::Version::HTTP_2));
            })
            .await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn requests_in_memory_share_a_connection_and_a_stream_body_has_its_own() {
            within(async {
                let server = serve(Behaviour::Echo).await;
                let client = HyperClient::new();
                let sends = (0..3).map(|i| {
                    let body = ByteStream::from(format!("in memory {i}"));
                    send(&client, request(&server.url(), http::Version::HTTP_2, body))
                });
                let mut calls = Vec::new();
                for call in sends {
                    calls.push(call.await.unwrap());
                }
                for (i, response) in calls.into_iter().enumerate() {
                    assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from(format!("in memory {i}")));
                }
                assert_eq!(server.seen().connections, 1);
                // Two stream bodies: a connection each, closed when done.
                for _ in 0..2 {
                    let (sender, body, dropped) = channel_body();
                    let response = send(&client, request(&server.url(), http::Version::HTTP_2, body)).await.unwrap();
                    sender.send(Bytes::from_static(b"streamed")).await.unwrap();
                    drop(sender);
                    assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from_static(b"streamed"));
                    assert!(eventually(&dropped).await);
                }
                assert_eq!(server.seen().connections, 3);
                assert_eq!(server.seen().versions, [http::Version::HTTP_2; 5]);
            })
            .await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn the_request_body_and_the_response_body_flow_at_once() {
            within(async {
                let server = serve(Behaviour::Echo).await;
                let (sender, body, dropped) = channel_body();
                let response = send(&HyperClient::new(), request(&server.url(), http::Version::HTTP_2, body)).await.unwrap();
                let mut echoes = response.into_body();
                // Each chunk is sent only once the previous one came back:
                // this deadlocks unless both directions move together.
                for i in 0..20usize {
                    let chunk = Bytes::from(vec![i as u8; 1000 + i * 700]);
                    sender.send(chunk.clone()).await.unwrap();
                    let echo = read_exactly(&mut echoes, chunk.len()).await.unwrap();
                    assert_eq!(echo, chunk, "chunk {i}");
                }
                drop(sender);
                assert_eq!(echoes.next().await.map(|r| r.map(|_| ()).map_err(|e| e.to_string())), None, "the response ends with the request");
                assert!(eventually(&dropped).await);
                assert_eq!(server.seen().received, (0..20).map(|i| 1000 + i * 700).sum::<usize>());
            })
            .await
        }

        /// Sends chunks of 1000 bytes until the server fails the stream,
        /// and returns the error of the response body.
        async fn failing_mid_stream(behaviour: Behaviour) -> TransportError {
            let server = serve(behaviour).await;
            let (sender, body, dropped) = channel_body();
            let response = send(&HyperClient::new(), request(&server.url(), http::Version::HTTP_2, body)).await.unwrap();
            let mut echoes = response.into_body();
            let mut error = None;
            for _ in 0..10 {
                // The send side: the chunk goes, or the transport has dropped the body.
                if sender.send(Bytes::from(vec![1; 1000])).await.is_err() {
                    break;
                }
                if let Err(e) = read_exactly(&mut echoes, 1000).await {
                    error = Some(e);
                    break;
                }
            }
            // The body is dropped, so a producer learns the stream is gone.
            assert!(eventually(&dropped).await, "the request body is dropped");
            assert!(sender.send(Bytes::from_static(b"more")).await.is_err());
            error.expect("the response body fails")
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn a_goaway_mid_stream_is_an_io_error_on_both_sides() {
            within(async {
                let error = failing_mid_stream(Behaviour::GoAwayAfter(3000)).await;
                assert_eq!(error.kind(), TransportErrorKind::Io, "{}", crate::error::DisplayErrorContext(&error));
                assert!(error.kind().is_retryable());
            })
            .await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn a_reset_mid_stream_is_an_io_error_on_both_sides() {
            within(async {
                let error = failing_mid_stream(Behaviour::ResetAfter(3000)).await;
                assert_eq!(error.kind(), TransportErrorKind::Io, "{}", crate::error::DisplayErrorContext(&error));
                let text = crate::error::DisplayErrorContext(&error).to_string();
                assert!(text.contains("INTERNAL_ERROR") || text.contains("internal error"), "{text}");
            })
            .await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn a_reset_before_the_answer_fails_the_call() {
            within(async {
                let server = serve(Behaviour::ResetBeforeHead).await;
                let (_sender, body, _dropped) = channel_body();
                let error = send(&HyperClient::new(), request(&server.url(), http::Version::HTTP_2, body)).await.unwrap_err();
                assert_eq!(error.kind(), TransportErrorKind::Io, "{}", crate::error::DisplayErrorContext(&error));
            })
            .await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn a_server_that_stops_reading_stalls_the_sender_until_the_response_is_dropped() {
            within(async {
                let server = serve(Behaviour::StopReading).await;
                let (body, pulled, dropped) = endless_body();
                let response = send(&HyperClient::new(), request(&server.url(), http::Version::HTTP_2, body)).await.unwrap();
                tokio::time::sleep(Duration::from_millis(300)).await;
                let stalled_at = pulled.load(Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(700)).await;
                // The window (64 KiB) and the chunk hyper holds back: no more is pulled.
                assert_eq!(pulled.load(Ordering::SeqCst), stalled_at, "the sender stalls");
                assert!(stalled_at * 16 * 1024 <= 128 * 1024, "{stalled_at} chunks pulled");
                let mut body = response.into_body();
                // Nothing comes back: the caller's timeouts end it.
                assert!(tokio::time::timeout(Duration::from_millis(300), body.next()).await.is_err());
                drop(body);
                // Dropping the response ends the stream and its own
                // connection, and drops the request body.
                assert!(eventually(&dropped).await, "the request body is dropped");
                for _ in 0..500 {
                    if server.seen().closed_with_connection > 0 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                assert_eq!(server.seen().closed_with_connection, 1);
                assert_eq!(server.seen().client_resets, []);
            })
            .await
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn a_failing_request_body_resets_the_stream() {
            within(async {
                let server = serve(Behaviour::Echo).await;
                let (items, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(1);
                struct Items(mpsc::Receiver<Result<Bytes, std::io::Error>>);
                impl futures_core::Stream for Items {
                    type Item = Result<Bytes, std::io::Error>;
                    fn poll_next(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
                        self.get_mut().0.poll_recv(cx)
                    }
                }
                let body = ByteStream::from_stream(Items(receiver));
                let response = send(&HyperClient::new(), request(&server.url(), http::Version::HTTP_2, body)).await.unwrap();
                let mut echoes = response.into_body();
                items.send(Ok(Bytes::from_static(b"one"))).await.unwrap();
                assert_eq!(read_exactly(&mut echoes, 3).await.unwrap(), b"one");
                // The server has the stream: now the body fails.
                items.send(Err(std::io::Error::other("the microphone broke"))).await.unwrap();
                let error = TransportError::reading_body(echoes.collect().await.unwrap_err());
                // The body's own failure, not the reset hyper sent for it.
                assert_eq!(error.kind(), TransportErrorKind::Other, "{}", crate::error::DisplayErrorContext(&error));
                let text = crate::error::DisplayErrorContext(&error).to_string();
                assert!(text.contains("the request body failed: ") && text.ends_with("the microphone broke"), "{text}");
                for _ in 0..500 {
                    if !server.seen().client_resets.is_empty() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                assert_eq!(server.seen().client_resets, [Reason::INTERNAL_ERROR]);
            })
            .await
        }

        /// A test certificate authority and a leaf for `localhost` and
        /// 127.0.0.1 it signed (ECDSA P-256, valid until 2126, made with
        /// `openssl req` and `openssl x509 -req`), with the leaf's key.
        const TEST_CA: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ca.der"));
        const TEST_LEAF: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/leaf.der"));
        const TEST_LEAF_KEY: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/leaf.key.der"));

        /// A TLS server on 127.0.0.1 offering `h2` and `http/1.1` by ALPN:
        /// it answers HTTP/2 requests with their body, and an HTTP/1.1
        /// request with `http1`. Returns its port and what it negotiated.
        async fn serve_tls() -> (u16, Arc<Mutex<Vec<String>>>, tokio::task::JoinHandle<()>) {
            use tokio_rustls::rustls;
            #[allow(deprecated)]
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let key = rustls::pki_types::PrivateKeyDer::Pkcs8(TEST_LEAF_KEY.to_vec().into());
            let chain = vec![rustls::pki_types::CertificateDer::from(TEST_LEAF.to_vec())];
            let mut config = rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .unwrap();
            config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let negotiated = Arc::new(Mutex::new(Vec::new()));
            let seen = negotiated.clone();
            let task = tokio::spawn(async move {
                for _ in 0..8 {
                    let Ok((socket, _)) = listener.accept().await else { return };
                    let (acceptor, seen) = (acceptor.clone(), seen.clone());
                    tokio::spawn(async move {
                        let Ok(mut tls) = acceptor.accept(socket).await else {
                            seen.lock().unwrap().push("handshake failed".to_owned());
                            return;
                        };
                        let alpn = tls.get_ref().1.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned());
                        seen.lock().unwrap().push(alpn.clone().unwrap_or_default());
                        if alpn.as_deref() != Some("h2") {
                            let mut head = [0u8; 1024];
                            let _ = tls.read(&mut head).await;
                            let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhttp1").await;
                            let _ = tls.shutdown().await;
                            return;
                        }
                        let Ok(mut connection) = h2::server::handshake(tls).await else { return };
                        while let Some(Ok((request, mut respond))) = connection.accept().await {
                            tokio::spawn(async move {
                                let mut body = request.into_body();
                                let mut all = Vec::new();
                                while let Some(Ok(chunk)) = body.data().await {
                                    let _ = body.flow_control().release_capacity(chunk.len());
                                    all.extend_from_slice(&chunk);
                                }
                                if let Ok(mut send) = respond.send_response(http::Response::new(()), false) {
                                    let _ = send.send_data(Bytes::from(all), true);
                                }
                            });
                        }
                    });
                }
            });
            (port, negotiated, task)
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn over_tls_alpn_chooses_http2_for_an_http2_request_with_a_root_of_the_clients_own() {
            within(async {
                let (port, negotiated, server) = serve_tls().await;
                let localhost = std::net::IpAddr::from([127, 0, 0, 1]);
                let url = format!("https://localhost:{port}/stream");
                let client = HyperClient::builder().resolve("localhost", localhost).root_certificate(TEST_CA).build();
                let response = send(&client, request(&url, http::Version::HTTP_2, ByteStream::from("over tls"))).await.unwrap();
                assert_eq!(response.version(), http::Version::HTTP_2);
                assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from("over tls"));
                let response = send(&client, request(&url, http::Version::HTTP_11, ByteStream::from("x"))).await.unwrap();
                assert_eq!(response.version(), http::Version::HTTP_11);
                assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from("http1"));
                // The HTTP/2 client offers `h2` alone; the HTTP/1.1 one offers
                // nothing, and the server speaks HTTP/1.1.
                assert_eq!(*negotiated.lock().unwrap(), ["h2", ""]);
                // Without the test authority, the certificate is refused.
                let untrusting = HyperClient::builder().resolve("localhost", localhost).build();
                let error = send(&untrusting, request(&url, http::Version::HTTP_2, ByteStream::from("x"))).await.unwrap_err();
                let text = crate::error::DisplayErrorContext(&error).to_string();
                assert_eq!(error.kind(), TransportErrorKind::Connect, "{text}");
                assert!(text.to_lowercase().contains("certificate"), "{text}");
                // A root that is not a certificate fails every request, saying so.
                let broken = HyperClient::builder().root_certificate(b"not DER".to_vec()).build();
                let error = send(&broken, request(&url, http::Version::HTTP_2, ByteStream::from("x"))).await.unwrap_err();
                assert!(crate::error::DisplayErrorContext(&error).to_string().contains("root certificate 1"), "{error:?}");
                server.abort();
            })
            .await
        }
    }

    #[cfg(all(feature = "rustls", not(feature = "http2")))]
    #[tokio::test]
    async fn without_the_http2_feature_an_http2_request_fails_and_says_why() {
        let mut request = http::Request::post("http://127.0.0.1:9/stream").body(ByteStream::from("x")).unwrap();
        *request.version_mut() = http::Version::HTTP_2;
        let error = HyperClient::new().send_streaming(request).await.unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Other);
        let text = crate::error::DisplayErrorContext(&error).to_string();
        assert!(text.contains("`http2` feature"), "{text}");
        // Every request, with `http2_for_all`.
        let request = http::Request::get("http://127.0.0.1:9/").body(ByteStream::default()).unwrap();
        let error = HyperClient::builder().http2_for_all(true).build().send_streaming(request).await.unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Other);
    }

    fn futures_block_on<F: Future>(future: F) -> F::Output {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let mut future = std::pin::pin!(future);
        loop {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    type Item = Result<Bytes, Box<dyn std::error::Error + Send + Sync>>;

    /// A stream of the given items.
    fn futures_stream(items: Vec<Item>) -> impl futures_core::Stream<Item = Item> + Send + 'static {
        futures_stream_iter(items.into_iter())
    }

    /// A stream of an iterator's items, each taken when polled.
    fn futures_stream_iter<I, E>(items: I) -> impl futures_core::Stream<Item = Result<Bytes, E>> + Send + 'static
    where
        I: Iterator<Item = Result<Bytes, E>> + Send + Unpin + 'static,
    {
        struct Iter<I>(I);
        impl<I: Iterator + Unpin> futures_core::Stream for Iter<I> {
            type Item = I::Item;
            fn poll_next(self: Pin<&mut Self>, _cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<I::Item>> {
                std::task::Poll::Ready(self.get_mut().0.next())
            }
        }
        Iter(items)
    }
}

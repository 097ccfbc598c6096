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

    /// The default transport: hyper's pooled HTTP/1.1 client over rustls
    /// (ring, the operating system's root certificates).
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
    }

    impl Default for HyperClientBuilder {
        fn default() -> Self {
            HyperClientBuilder {
                connect_timeout: None,
                pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
                overrides: BTreeMap::new(),
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

        pub fn build(self) -> HyperClient {
            let resolver = Resolver { overrides: Arc::new(self.overrides), gai: GaiResolver::new() };
            let mut http = HttpConnector::new_with_resolver(resolver);
            http.enforce_http(false);
            http.set_connect_timeout(self.connect_timeout);
            // rustls 0.23.48 deprecates ring's provider (no post-quantum key
            // exchange); ring keeps the crate's build small and C-free, and
            // the classical key exchanges it offers are what AWS endpoints use.
            #[allow(deprecated)]
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let pool_idle_timeout = self.pool_idle_timeout;
            let inner = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_native_roots(provider)
                .map(|builder| {
                    let connector = builder.https_or_http().enable_http1().wrap_connector(Tracking(http));
                    // The timer closes expired idle connections; without it
                    // they would only be dropped when next checked out.
                    let pooled = Client::builder(TokioExecutor::new())
                        .pool_idle_timeout(pool_idle_timeout)
                        .pool_timer(TokioTimer::new())
                        .build(connector.clone());
                    let fresh = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(0).build(connector);
                    Clients { pooled, fresh }
                })
                .map_err(|e| Arc::from(format!("cannot load the system's root certificates: {e}")));
            HyperClient { inner }
        }
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
        let mut request = request.map(SendBody);
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
        let bodiless = head || matches!(response.status().as_u16(), 204 | 304);
        let length = response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let length = if bodiless { Some(0) } else { length };
        response.map(|body| {
            let chunks = body.into_data_stream();
            match length {
                Some(length) => ByteStream::from_stream_with_length(chunks, length),
                None => ByteStream::from_stream(chunks),
            }
        })
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
    struct Usage(Arc<Mutex<UsageState>>);

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
            self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
            let before = buf.filled().len();
            let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
            this.usage.read(buf.filled().len() - before);
            polled
        }
    }

    impl tokio::io::AsyncWrite for Counting {
        fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
            let this = self.get_mut();
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
    struct SendBody(ByteStream);

    impl http_body::Body for SendBody {
        type Data = Bytes;
        type Error = crate::primitives::ByteStreamError;

        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            let body = std::pin::Pin::new(&mut self.get_mut().0);
            futures_core::Stream::poll_next(body, cx).map(|item| item.map(|chunk| chunk.map(Frame::data)))
        }

        fn is_end_stream(&self) -> bool {
            self.0.as_bytes().is_some_and(|bytes| bytes.is_empty())
        }

        fn size_hint(&self) -> SizeHint {
            match self.0.content_length() {
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

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

/// What went wrong below HTTP: connecting, I/O, or the transport itself.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// The kinds of [`TransportError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (DNS, TCP, TLS).
    Connect,
    /// The connection failed while the request or response was in flight.
    Io,
    /// The transport timed out by itself.
    Timeout,
    /// Anything else, such as a transport that could not be built.
    Other,
}

impl TransportError {
    pub fn new(kind: TransportErrorKind, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportError { kind, source: source.into() }
    }

    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Io => "connection failed",
            TransportErrorKind::Timeout => "transport timed out",
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

#[cfg(feature = "rustls")]
pub use self::hyper_client::{HyperClient, HyperClientBuilder};

#[cfg(feature = "rustls")]
mod hyper_client {
    use std::collections::BTreeMap;
    use std::net::{IpAddr, SocketAddr};
    use std::sync::Arc;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use bytes::Bytes;
    use http_body::{Frame, SizeHint};
    use http_body_util::BodyExt;
    use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    use super::{
        BoxFuture, HttpClient, HttpRequest, HttpResponse, StreamingRequest, StreamingResponse, TransportError,
        TransportErrorKind,
    };
    use crate::primitives::ByteStream;

    type Connector = hyper_rustls::HttpsConnector<HttpConnector<Resolver>>;

    /// The default transport: hyper's pooled HTTP/1.1 client over rustls
    /// (ring, the operating system's root certificates).
    #[derive(Clone)]
    pub struct HyperClient {
        client: Result<Client<Connector, SendBody>, Arc<str>>,
    }

    impl std::fmt::Debug for HyperClient {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("HyperClient").finish_non_exhaustive()
        }
    }

    /// Settings for [`HyperClient`].
    #[derive(Debug, Clone, Default)]
    pub struct HyperClientBuilder {
        connect_timeout: Option<Duration>,
        overrides: BTreeMap<String, IpAddr>,
    }

    impl HyperClientBuilder {
        /// How long establishing a TCP connection may take.
        pub fn connect_timeout(mut self, timeout: Duration) -> Self {
            self.connect_timeout = Some(timeout);
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
            let client = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_native_roots(provider)
                .map(|builder| {
                    let https = builder.https_or_http().enable_http1().wrap_connector(http);
                    Client::builder(TokioExecutor::new()).build(https)
                })
                .map_err(|e| Arc::from(format!("cannot load the system's root certificates: {e}")));
            HyperClient { client }
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
                let body = body.collect().await.map_err(|e| TransportError::new(TransportErrorKind::Io, e))?;
                Ok(http::Response::from_parts(parts, body))
            })
        }

        fn send_streaming(&self, request: StreamingRequest) -> BoxFuture<'_, Result<StreamingResponse, TransportError>> {
            Box::pin(async move {
                let client = self
                    .client
                    .as_ref()
                    .map_err(|message| TransportError::new(TransportErrorKind::Other, message.to_string()))?;
                let request = request.map(SendBody);
                let response = client.request(request).await.map_err(|e| {
                    let kind = if e.is_connect() { TransportErrorKind::Connect } else { TransportErrorKind::Io };
                    TransportError::new(kind, e)
                })?;
                let length = response
                    .headers()
                    .get(http::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                Ok(response.map(|body| {
                    let chunks = body.into_data_stream();
                    match length {
                        Some(length) => ByteStream::from_stream_with_length(chunks, length),
                        None => ByteStream::from_stream(chunks),
                    }
                }))
            })
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
}

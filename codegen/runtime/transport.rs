//! The HTTP transport: a small async trait that sends one `http::Request`
//! and returns its `http::Response`, and a default implementation on hyper
//! with rustls (copied verbatim into each generated crate by codegen; the
//! source lives in `codegen/runtime/transport.rs`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

/// A boxed future, as the transport and the sleep traits return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A request as the client hands it to the transport: the body in memory.
pub type HttpRequest = http::Request<Bytes>;

/// A response as the transport hands it back: the body read completely.
pub type HttpResponse = http::Response<Bytes>;

/// Sends HTTP requests. Implement it to use another HTTP stack, or use
/// [`crate::testing::TestTransport`] in tests.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends one request and reads the whole response.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
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
        write!(f, "{what}: {}", self.source)?;
        // hyper's own messages are terse ("client error (Connect)"): the
        // causes below say what happened ("Connection refused").
        let mut cause = self.source.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
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
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    use super::{BoxFuture, HttpClient, HttpRequest, HttpResponse, TransportError, TransportErrorKind};

    type Connector = hyper_rustls::HttpsConnector<HttpConnector<Resolver>>;

    /// The default transport: hyper's pooled HTTP/1.1 client over rustls
    /// (ring, the operating system's root certificates).
    #[derive(Clone)]
    pub struct HyperClient {
        client: Result<Client<Connector, Full<Bytes>>, Arc<str>>,
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
                let client = self
                    .client
                    .as_ref()
                    .map_err(|message| TransportError::new(TransportErrorKind::Other, message.to_string()))?;
                let response = client.request(request.map(Full::new)).await.map_err(|e| {
                    let kind = if e.is_connect() { TransportErrorKind::Connect } else { TransportErrorKind::Io };
                    TransportError::new(kind, e)
                })?;
                let (parts, body) = response.into_parts();
                let body = body.collect().await.map_err(|e| TransportError::new(TransportErrorKind::Io, e))?;
                Ok(http::Response::from_parts(parts, body.to_bytes()))
            })
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

//! Test helpers for code that uses this client: a transport that replays
//! canned responses and records what was sent, and a clock that sleeps
//! instantly (copied verbatim into each generated crate by codegen; the
//! source lives in `codegen/runtime/src/testing.rs`).
//!
//! ```
//! # async fn demo() {
//! # /*
//! let transport = TestTransport::new();
//! transport.respond(200, r#"{"id": "0123456789"}"#);
//! let config = Config::builder()
//!     .region("us-west-2")
//!     .static_credentials("AKID", "SECRET")
//!     .http_client(transport.clone())
//!     .build();
//! // ... call the client, then inspect transport.requests()
//! # */
//! # }
//! ```

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use crate::clock::{AsyncSleep, TimeSource};
use crate::transport::{BoxFuture, HttpClient, HttpRequest, HttpResponse, TransportError, TransportErrorKind};

/// A transport that answers from a queue of canned responses, in order,
/// and records every request it receives.
#[derive(Debug, Clone, Default)]
pub struct TestTransport {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    replies: VecDeque<Result<HttpResponse, TransportErrorKind>>,
    requests: Vec<HttpRequest>,
}

impl TestTransport {
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a response with this status and body (and a JSON content type).
    pub fn respond(&self, status: u16, body: impl Into<Bytes>) -> &Self {
        let response = http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body.into())
            .unwrap_or_else(|_| http::Response::new(Bytes::new()));
        self.respond_with(response)
    }

    /// Queues a complete response.
    pub fn respond_with(&self, response: HttpResponse) -> &Self {
        self.state().replies.push_back(Ok(response));
        self
    }

    /// Queues a transport failure of this kind.
    pub fn fail(&self, kind: TransportErrorKind) -> &Self {
        self.state().replies.push_back(Err(kind));
        self
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.state().requests.clone()
    }

    /// How many canned replies are still queued.
    pub fn remaining(&self) -> usize {
        self.state().replies.len()
    }
}

impl HttpClient for TestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let mut state = self.state();
        state.requests.push(request);
        let reply = state.replies.pop_front();
        drop(state);
        Box::pin(async move {
            match reply {
                Some(Ok(response)) => Ok(response),
                Some(Err(kind)) => Err(TransportError::new(kind, "simulated by TestTransport")),
                None => Err(TransportError::new(TransportErrorKind::Other, "TestTransport has no canned response left")),
            }
        })
    }
}

/// A clock for tests: it starts at a fixed time and moves forward only when
/// something sleeps on it, instantly. Timeouts use the sleep implementation
/// too, so pair it with a transport that answers at once, such as
/// [`TestTransport`]. Use it as both the time source and the
/// sleep implementation to run waiters and retry schedules without waiting.
///
/// As the sleep implementation it also fires the idle timer of a streaming
/// download at once: pair it with bodies that are already in memory (as
/// [`TestTransport`]'s are), not with a live server.
#[derive(Debug, Clone)]
pub struct TestClock {
    state: Arc<Mutex<(SystemTime, Vec<Duration>)>>,
}

impl TestClock {
    pub fn new(start: SystemTime) -> Self {
        TestClock { state: Arc::new(Mutex::new((start, Vec::new()))) }
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1.clone()
    }

    /// How far the clock has moved since `start`.
    pub fn now_elapsed(&self, start: SystemTime) -> Duration {
        TimeSource::now(self).duration_since(start).unwrap_or_default()
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).0 += by;
    }
}

impl TimeSource for TestClock {
    fn now(&self) -> SystemTime {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).0
    }
}

impl AsyncSleep for TestClock {
    /// Completes at once, moving the clock forward when first polled (a
    /// timeout timer that is never polled, because the work finished first,
    /// leaves the clock alone).
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let state = self.state.clone();
        Box::pin(async move {
            let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
            state.0 += duration;
            state.1.push(duration);
        })
    }
}

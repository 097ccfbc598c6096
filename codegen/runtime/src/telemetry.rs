//! `tracing` spans of calls and attempts, with the cargo feature `tracing`
//! (copied verbatim into each generated crate by codegen; the source lives
//! in `codegen/runtime/src/telemetry.rs`). Without the feature every method
//! here does nothing and compiles away.
//!
//! A call is an `operation` span (fields `service`, `operation`); each of
//! its attempts an `attempt` span inside it (`attempt`, the number from 1;
//! then `status`, `request_id` and `error_code` of the response, `error`
//! when none came, `retry` with the reason when another attempt follows).
//! The spans never carry a header, a body, credentials or an input value:
//! only what the response says of itself.

use std::future::Future;

use crate::retry::RetryKind;

/// A span, or nothing without the `tracing` feature.
#[derive(Debug)]
pub(crate) struct Span {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl Span {
    /// The span of one call of `operation`.
    pub(crate) fn operation(service: &'static str, operation: &'static str) -> Span {
        #[cfg(not(feature = "tracing"))]
        let _ = (service, operation);
        Span {
            #[cfg(feature = "tracing")]
            span: tracing::debug_span!("operation", service, operation),
        }
    }

    /// The span of attempt `number` (from 1), inside the current operation.
    pub(crate) fn attempt(number: u32) -> Span {
        #[cfg(not(feature = "tracing"))]
        let _ = number;
        Span {
            #[cfg(feature = "tracing")]
            span: tracing::debug_span!(
                "attempt",
                attempt = number,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                error_code = tracing::field::Empty,
                error = tracing::field::Empty,
                retry = tracing::field::Empty,
            ),
        }
    }

    /// Runs `future` in the span.
    pub(crate) async fn run<F: Future>(&self, future: F) -> F::Output {
        #[cfg(feature = "tracing")]
        let future = tracing::Instrument::instrument(future, self.span.clone());
        future.await
    }

    /// Records a response: its status and, asked only when the span is
    /// recorded, its request id.
    pub(crate) fn response(&self, status: u16, request_id: impl FnOnce() -> Option<String>) {
        #[cfg(feature = "tracing")]
        if !self.span.is_disabled() {
            self.span.record("status", status);
            if let Some(id) = request_id() {
                self.span.record("request_id", id.as_str());
            }
        }
        #[cfg(not(feature = "tracing"))]
        let _ = (status, request_id);
    }

    /// Records the error code of an error response.
    pub(crate) fn error_code(&self, code: Option<&str>) {
        #[cfg(feature = "tracing")]
        if let Some(code) = code {
            self.span.record("error_code", code);
        }
        #[cfg(not(feature = "tracing"))]
        let _ = code;
    }

    /// Records why no response came (`timeout`, `transport`).
    pub(crate) fn failed(&self, why: &'static str) {
        #[cfg(feature = "tracing")]
        self.span.record("error", why);
        #[cfg(not(feature = "tracing"))]
        let _ = why;
    }

    /// Records that another attempt follows, and why.
    pub(crate) fn retry(&self, kind: RetryKind) {
        let reason = match kind {
            RetryKind::Throttling => "throttling",
            RetryKind::Transient => "transient",
            RetryKind::Timeout => "timeout",
            RetryKind::ClockSkew => "clock skew",
        };
        #[cfg(feature = "tracing")]
        self.span.record("retry", reason);
        #[cfg(not(feature = "tracing"))]
        let _ = reason;
    }

    /// Closes the span (an attempt's, before the backoff sleep that follows it).
    pub(crate) fn end(self) {}
}

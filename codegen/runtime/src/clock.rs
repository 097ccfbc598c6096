//! Clocks and sleeping, behind traits so that tests can run a waiter or a
//! retry schedule instantly and sign at a fixed time (copied verbatim into
//! each generated crate by codegen; the source lives in
//! `codegen/runtime/src/clock.rs`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use crate::transport::BoxFuture;

/// Tells the time: used to sign requests and to measure waits.
pub trait TimeSource: Send + Sync + fmt::Debug {
    fn now(&self) -> SystemTime;
}

/// Sleeps: used between retries and between waiter attempts, and for timeouts.
pub trait AsyncSleep: Send + Sync + fmt::Debug {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl TimeSource for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Sleeps with tokio's timer (needs a tokio runtime with time enabled).
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl AsyncSleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Runs `future`, or gives up when `timer` completes first.
pub(crate) async fn timeout<F: Future>(future: F, timer: BoxFuture<'static, ()>) -> Result<F::Output, Elapsed> {
    Timeout { future: Box::pin(future), timer }.await
}

/// The timer of [`timeout`] fired first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Elapsed;

struct Timeout<F> {
    future: Pin<Box<F>>,
    timer: BoxFuture<'static, ()>,
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(value) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Ok(value));
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed)),
            Poll::Pending => Poll::Pending,
        }
    }
}

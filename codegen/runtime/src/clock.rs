//! Clocks and sleeping, behind traits so that tests can run a waiter or a
//! retry schedule instantly and sign at a fixed time (copied verbatim into
//! each generated crate by codegen; the source lives in
//! `codegen/runtime/src/clock.rs`).

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
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

/// How far the service's clock is ahead of the client's (behind when
/// negative), in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Skew(i64);

impl Skew {
    /// `time` moved by the skew (left alone if that cannot be represented).
    pub(crate) fn apply(self, time: SystemTime) -> SystemTime {
        let by = Duration::from_millis(self.0.unsigned_abs());
        let moved = if self.0 >= 0 { time.checked_add(by) } else { time.checked_sub(by) };
        moved.unwrap_or(time)
    }

    /// How far apart two skews are.
    pub(crate) fn distance(self, other: Skew) -> Duration {
        Duration::from_millis(self.0.abs_diff(other.0))
    }
}

/// What a client has learnt of the service's clock, from the `Date` header
/// of every response: requests are signed at the configured time source's
/// time plus this skew, so that a client whose clock is off (a laptop
/// waking from sleep, a VM without NTP) is not refused for a stale
/// signature. Shared by the calls of a client.
#[derive(Debug, Default)]
pub(crate) struct ClockSkew {
    millis: AtomicI64,
}

impl ClockSkew {
    pub(crate) fn get(&self) -> Skew {
        Skew(self.millis.load(Ordering::Relaxed))
    }

    /// Learns the skew from a response whose head arrived at `received`
    /// (by the time source, uncorrected): the server's `Date` less that
    /// time, as aws-sdk-rust's `ServiceClockSkewInterceptor` measures it.
    /// The server writes its `Date` as it answers, after reading the
    /// request and doing the work, so however long the call took, the
    /// answer's arrival is the moment it names (give or take the time the
    /// head takes to arrive, and the second the header rounds to). Returns
    /// the new skew, or `None` when the response says nothing reliable (no
    /// or a malformed `Date`, or an `Age` header: a cached response).
    pub(crate) fn observe(&self, received: SystemTime, headers: &http::HeaderMap) -> Option<Skew> {
        if headers.contains_key(http::header::AGE) {
            return None;
        }
        let date = headers.get(http::header::DATE)?.to_str().ok()?;
        let server = aws_smithy_types::DateTime::from_str(date.trim(), aws_smithy_types::date_time::Format::HttpDate).ok()?;
        let server = SystemTime::try_from(server).ok()?;
        let millis = match server.duration_since(received) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).ok()?,
            Err(behind) => -i64::try_from(behind.duration().as_millis()).ok()?,
        };
        self.millis.store(millis, Ordering::Relaxed);
        Some(Skew(millis))
    }
}

/// Runs `future`, or gives up when `limit` has passed first (on `sleep`).
/// The timer is started only if the future does not finish at its first
/// poll (an answer from memory, a cached credential), for what is left of
/// `limit` then: a call that never waits costs no timer.
pub(crate) async fn timeout<F: Future>(future: F, limit: Duration, sleep: &dyn AsyncSleep) -> Result<F::Output, Elapsed> {
    let started = std::time::Instant::now();
    let mut future = std::pin::pin!(future);
    let mut timer: Option<BoxFuture<'static, ()>> = None;
    std::future::poll_fn(|cx: &mut Context<'_>| {
        if let Poll::Ready(value) = future.as_mut().poll(cx) {
            return Poll::Ready(Ok(value));
        }
        let timer = timer.get_or_insert_with(|| sleep.sleep(limit.saturating_sub(started.elapsed())));
        timer.as_mut().poll(cx).map(|()| Err(Elapsed))
    })
    .await
}

/// The timer of [`timeout`] fired first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Elapsed;

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-03-01T12:00:00Z.
    fn noon() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400)
    }

    fn secs(secs: i64) -> Skew {
        Skew(secs * 1000)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        pairs.iter().map(|(name, value)| (http::HeaderName::from_static(name), value.parse().unwrap())).collect()
    }

    #[test]
    fn the_date_header_sets_the_skew_against_the_time_the_response_arrived() {
        let skew = ClockSkew::default();
        assert_eq!(skew.get(), Skew::default());
        let date = headers(&[("date", "Fri, 01 Mar 2024 13:00:00 GMT")]);
        assert_eq!(skew.observe(noon(), &date), Some(secs(3600)));
        assert_eq!(skew.get().apply(noon()), noon() + Duration::from_secs(3600));
        // A server behind the client.
        let behind = headers(&[("date", "Fri, 01 Mar 2024 11:55:00 GMT")]);
        assert_eq!(skew.observe(noon(), &behind), Some(secs(-300)));
        assert_eq!(skew.get().apply(noon()), noon() - Duration::from_secs(300));
        assert_eq!(secs(3600).distance(secs(-300)), Duration::from_secs(3900));
    }

    #[test]
    fn unreliable_dates_leave_the_skew_alone() {
        let skew = ClockSkew::default();
        skew.observe(noon(), &headers(&[("date", "Fri, 01 Mar 2024 12:10:00 GMT")])).unwrap();
        let before = skew.get();
        for bad in [
            headers(&[]),
            headers(&[("date", "yesterday")]),
            headers(&[("date", "Fri, 01 Mar 2024 25:00:00 GMT")]),
            headers(&[("date", "Fri, 01 Mar 2024 13:00:00 GMT"), ("age", "30")]),
        ] {
            assert_eq!(skew.observe(noon(), &bad), None, "{bad:?}");
        }
        assert_eq!(skew.get(), before);
        // Times at the ends of what SystemTime holds do not panic.
        assert!(Skew(i64::MAX).apply(noon()) >= noon());
        assert!(Skew(i64::MIN).apply(noon()) <= noon());
    }

    /// Records the durations it is asked to sleep; sleeps never end.
    #[derive(Debug, Default)]
    struct Recording(std::sync::Mutex<Vec<Duration>>);

    impl AsyncSleep for Recording {
        fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
            self.0.lock().unwrap().push(duration);
            Box::pin(std::future::pending())
        }
    }

    #[tokio::test]
    async fn a_timeout_starts_its_timer_only_when_the_work_waits() {
        let sleep = Recording::default();
        let limit = Duration::from_secs(5);
        assert_eq!(timeout(async { 7 }, limit, &sleep).await, Ok(7));
        assert!(sleep.0.lock().unwrap().is_empty(), "work done at its first poll starts no timer");
        // Work that waits: the timer gets what is left of the limit.
        let waited = tokio::time::timeout(Duration::from_millis(50), timeout(async { tokio::task::yield_now().await }, limit, &sleep)).await;
        assert_eq!(waited, Ok(Ok(())));
        let asked = sleep.0.lock().unwrap().clone();
        assert!(asked.len() == 1 && asked[0] <= limit && asked[0] > limit - Duration::from_secs(1), "{asked:?}");
        // A timer that fires first ends the work.
        assert_eq!(timeout(std::future::pending::<()>(), Duration::ZERO, &TokioSleep).await, Err(Elapsed));
        // A limit spent before the first wait leaves the timer nothing.
        let spent = async {
            std::thread::sleep(Duration::from_millis(30));
            std::future::pending::<()>().await
        };
        let sleep = Recording::default();
        let _ = tokio::time::timeout(Duration::from_millis(50), timeout(spent, Duration::from_millis(20), &sleep)).await;
        assert_eq!(*sleep.0.lock().unwrap(), [Duration::ZERO]);
    }
}

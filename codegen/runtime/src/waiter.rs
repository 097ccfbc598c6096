//! The waiter loop of the Smithy waiters specification: poll, match the
//! acceptors in order, and sleep with jittered exponential backoff between
//! `min_delay` and `max_delay`, within a maximum wait (copied verbatim into
//! each generated crate by codegen; the source lives in
//! `codegen/runtime/src/waiter.rs`).

use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::config::Config;

/// Where an acceptor sends the waiter. (A service's waiters need not use
/// every state.)
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AcceptorState {
    Success,
    Failure,
    Retry,
}

/// The poll that ended a successful wait.
#[derive(Debug)]
pub struct FinalPoll<O, E> {
    result: Result<O, E>,
    attempts: u32,
}

impl<O, E> FinalPoll<O, E> {
    /// The output of the last poll (`None` when an error was the success
    /// condition, as for a deletion waiter).
    pub fn output(&self) -> Option<&O> {
        self.result.as_ref().ok()
    }

    pub fn into_result(self) -> Result<O, E> {
        self.result
    }

    /// How many times the operation was called.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// Why a wait ended without success.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<O, E> {
    /// An acceptor with the `failure` state matched.
    FailureState {
        waiter: &'static str,
        /// The acceptor that matched, such as `status == "FAILED"`.
        acceptor: &'static str,
        result: Result<O, E>,
        attempts: u32,
    },
    /// The operation failed with an error that no acceptor expects.
    OperationFailed { waiter: &'static str, error: E, attempts: u32 },
    /// The maximum wait elapsed first.
    ExceededMaxWait { waiter: &'static str, max_wait: Duration, elapsed: Duration, attempts: u32 },
}

/// The operation's error, when there is one, is the `source()`, not part
/// of this text (print the chain with `crate::error::DisplayErrorContext`).
impl<O, E> fmt::Display for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::FailureState { waiter, acceptor, attempts, .. } => {
                write!(f, "waiter {waiter} reached a failure state ({acceptor}) after {attempts} attempt(s)")
            }
            WaiterError::OperationFailed { waiter, attempts, .. } => {
                write!(f, "waiter {waiter} stopped on an unexpected error after {attempts} attempt(s)")
            }
            WaiterError::ExceededMaxWait { waiter, max_wait, elapsed, attempts } => write!(
                f,
                "waiter {waiter} gave up: not done after {attempts} attempt(s) in {elapsed:?} (maximum wait {max_wait:?})"
            ),
        }
    }
}

impl<O: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaiterError<O, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::OperationFailed { error, .. } => Some(error),
            WaiterError::FailureState { result: Err(error), .. } => Some(error),
            _ => None,
        }
    }
}

/// The `allStringEquals` comparator of a waiter's acceptor: there is at
/// least one value, and every value is `expected` (an empty list matches
/// no acceptor).
#[allow(dead_code)]
pub(crate) fn all_string_equals<'a>(values: impl IntoIterator<Item = &'a str>, expected: &str) -> bool {
    let mut values = values.into_iter().peekable();
    values.peek().is_some() && values.all(|value| value == expected)
}

/// The settings of one waiter.
pub(crate) struct Waiter {
    pub(crate) name: &'static str,
    pub(crate) min_delay: Duration,
    pub(crate) max_delay: Duration,
}

impl Waiter {
    /// Polls until an acceptor decides, or `max_wait` elapses. `classify`
    /// returns the state and a description of the first matching acceptor.
    pub(crate) async fn wait<O, E, Fut>(
        &self,
        config: &Config,
        max_wait: Duration,
        mut poll: impl FnMut() -> Fut,
        classify: impl Fn(&Result<O, E>) -> Option<(AcceptorState, &'static str)>,
    ) -> Result<FinalPoll<O, E>, WaiterError<O, E>>
    where
        Fut: Future<Output = Result<O, E>>,
    {
        // Elapsed time is the longest of three measures, so that the maximum
        // wait holds with a test clock (which moves only when slept on), with
        // a fixed time source, and with the real clock.
        let start = config.time_source.now();
        let started = std::time::Instant::now();
        let mut slept = Duration::ZERO;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = poll().await;
            match classify(&result) {
                Some((AcceptorState::Success, _)) => return Ok(FinalPoll { result, attempts }),
                Some((AcceptorState::Failure, acceptor)) => {
                    return Err(WaiterError::FailureState { waiter: self.name, acceptor, result, attempts })
                }
                Some((AcceptorState::Retry, _)) => {}
                None => {
                    if let Err(error) = result {
                        return Err(WaiterError::OperationFailed { waiter: self.name, error, attempts });
                    }
                }
            }
            let clock = config.time_source.now().duration_since(start).unwrap_or_default();
            let elapsed = clock.max(started.elapsed()).max(slept);
            let delay = match self.delay(attempts, max_wait.saturating_sub(elapsed)) {
                Some(delay) => delay,
                None => return Err(WaiterError::ExceededMaxWait { waiter: self.name, max_wait, elapsed, attempts }),
            };
            config.sleep.sleep(delay).await;
            slept += delay;
        }
    }

    /// The delay before the next attempt, or `None` when the remaining time
    /// does not allow another one: a random delay between `min_delay` and
    /// `min(max_delay, min_delay * 2^(attempt - 1))`, shortened so that at
    /// least `min_delay` remains before the maximum wait.
    pub(crate) fn delay(&self, attempt: u32, remaining: Duration) -> Option<Duration> {
        if remaining <= self.min_delay {
            return None;
        }
        let exponential = self.min_delay.saturating_mul(1u32 << (attempt.saturating_sub(1)).min(30));
        let ceiling = exponential.min(self.max_delay);
        let jittered = self.min_delay + (ceiling.saturating_sub(self.min_delay)).mul_f64(crate::retry::random_unit());
        Some(jittered.min(remaining - self.min_delay))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_stay_in_bounds_and_respect_the_deadline() {
        let waiter = Waiter { name: "Test", min_delay: Duration::from_secs(30), max_delay: Duration::from_secs(600) };
        let plenty = Duration::from_secs(100_000);
        for attempt in 1..=12 {
            let ceiling = Duration::from_secs(30 * (1u64 << (attempt - 1))).min(Duration::from_secs(600));
            let delay = waiter.delay(attempt, plenty).unwrap();
            assert!(delay >= Duration::from_secs(30) && delay <= ceiling, "attempt {attempt}: {delay:?}");
        }
        assert_eq!(waiter.delay(1, Duration::from_secs(30)), None);
        assert_eq!(waiter.delay(5, Duration::from_secs(45)).map(|d| d <= Duration::from_secs(15)), Some(true));
    }

    #[test]
    fn all_string_equals_needs_a_value_and_every_value_equal() {
        assert!(all_string_equals(["A", "A"], "A"));
        assert!(!all_string_equals(["A", "B"], "A"));
        assert!(!all_string_equals([], "A"), "an empty list never matches");
    }

    #[test]
    fn the_operation_error_is_the_source_not_the_text() {
        use std::error::Error;
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let e: WaiterError<(), std::io::Error> = WaiterError::OperationFailed { waiter: "Done", error: refused, attempts: 1 };
        assert_eq!(e.to_string(), "waiter Done stopped on an unexpected error after 1 attempt(s)");
        assert_eq!(e.source().map(|s| s.to_string()).as_deref(), Some("Connection refused"));
        assert_eq!(
            crate::error::DisplayErrorContext(&e).to_string(),
            "waiter Done stopped on an unexpected error after 1 attempt(s): Connection refused"
        );
        let failed = std::io::Error::other("FAILED");
        let e: WaiterError<(), std::io::Error> =
            WaiterError::FailureState { waiter: "Done", acceptor: "error", result: Err(failed), attempts: 2 };
        assert_eq!(e.to_string(), "waiter Done reached a failure state (error) after 2 attempt(s)");
        assert_eq!(e.source().map(|s| s.to_string()).as_deref(), Some("FAILED"));
        let e: WaiterError<(), std::io::Error> =
            WaiterError::FailureState { waiter: "Done", acceptor: "status", result: Ok(()), attempts: 2 };
        assert!(e.source().is_none());
    }
}

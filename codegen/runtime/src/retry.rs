//! Retries in the AWS standard mode: which failures are retried, the
//! backoff between attempts, and the retry budget a client's calls share
//! (copied verbatim into each generated crate by codegen; the source lives
//! in `codegen/runtime/src/retry.rs`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, UNIX_EPOCH};

use crate::error::ErrorMetadata;

/// Why an attempt may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryKind {
    Throttling,
    Transient,
    Timeout,
    /// The service refused the signature's time, and the response's `Date`
    /// corrected the client's clock: one more attempt, signed at the
    /// corrected time.
    ClockSkew,
}

/// Decides whether an error response is worth another attempt. Services
/// may register their own (in their facts), asked before the standard
/// rules; `None` leaves the decision to the next classifier.
pub(crate) trait ClassifyRetry: Send + Sync + std::fmt::Debug {
    fn classify(&self, meta: &ErrorMetadata) -> Option<RetryKind>;
}

/// Retry tokens of the standard mode: a retry spends some, a success gives
/// one back, and when they run out failures are no longer retried, so that
/// an outage is not made worse by every client retrying at once.
const RETRY_TOKENS: u32 = 500;
pub(crate) const RETRY_COST: u32 = 5;
pub(crate) const TIMEOUT_RETRY_COST: u32 = 10;

/// The retry tokens a client's calls share.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: Mutex<u32>,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget { tokens: Mutex::new(RETRY_TOKENS) }
    }
}

impl RetryBudget {
    pub(crate) fn take(&self, cost: u32) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        if *tokens >= cost {
            *tokens -= cost;
            true
        } else {
            false
        }
    }

    pub(crate) fn give_back(&self, amount: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        *tokens = (*tokens + amount).min(RETRY_TOKENS);
    }
}

/// Error codes that mean "slow down", across AWS services.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes that mean "try again".
const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException", "InternalError"];

/// Statuses that mean "try again".
const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// Error codes with which services refuse a request signed at the wrong
/// time, as aws-sdk-js-v3 (`CLOCK_SKEW_ERROR_CODES`) and the AWS SDK for
/// Java v2 list them: some services say it as a bad signature or a failed
/// authentication. An access denial is not among them: it is retried as
/// skew by no SDK.
const CLOCK_SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

/// A correction of the client's clock smaller than this does not explain a
/// refused signature (SigV4 accepts 5 minutes either way).
const CLOCK_SKEW_THRESHOLD: Duration = Duration::from_secs(4 * 60);

/// A refusal of the signature's time (by its error code) that the
/// response's `Date` explains: `correction`, how far that `Date` moved the
/// client's clock, is beyond the threshold. Once corrected, the signature
/// is made at the right time, so a second refusal is not retried as skew.
pub(crate) fn clock_skew(meta: &ErrorMetadata, correction: Option<Duration>) -> Option<RetryKind> {
    let code = meta.code()?;
    let corrected = correction.is_some_and(|by| by > CLOCK_SKEW_THRESHOLD);
    (corrected && CLOCK_SKEW_CODES.contains(&code)).then_some(RetryKind::ClockSkew)
}

/// Classifies an error response: the model's retryable trait first
/// (`modeled`: `Some(throttling)`), then the service's classifiers, then
/// the codes and statuses every AWS SDK retries.
pub(crate) fn classify(
    meta: &ErrorMetadata,
    modeled: Option<bool>,
    service: &[&'static dyn ClassifyRetry],
) -> Option<RetryKind> {
    match modeled {
        Some(true) => return Some(RetryKind::Throttling),
        Some(false) => return Some(RetryKind::Transient),
        None => {}
    }
    if let Some(kind) = service.iter().find_map(|c| c.classify(meta)) {
        return Some(kind);
    }
    let code = meta.code().unwrap_or_default();
    if THROTTLING_CODES.contains(&code) || meta.status() == Some(429) {
        Some(RetryKind::Throttling)
    } else if TRANSIENT_CODES.contains(&code) || meta.status().is_some_and(|s| TRANSIENT_STATUSES.contains(&s)) {
        Some(RetryKind::Transient)
    } else {
        None
    }
}

/// Exponential backoff with full jitter: a random delay in
/// `[0, min(max_backoff, initial_backoff * 2^(attempt - 1)))`.
pub(crate) fn backoff(retry: &crate::config::RetryConfig, attempt: u32) -> Duration {
    let exponential = retry.initial_backoff().saturating_mul(1u32 << (attempt - 1).min(20));
    exponential.min(retry.max_backoff()).mul_f64(random_unit())
}

/// A random number in `[0, 1)`, good enough for jitter (not for secrets).
pub(crate) fn random_unit() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let step = |mut x: u64| {
        if x == 0 {
            let nanos = std::time::SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
            x = nanos ^ 0x9E37_79B9_7F4A_7C15 ^ (u64::from(std::process::id()) << 32);
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    // One atomic step, so that concurrent retries draw different numbers.
    let previous = STATE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| Some(step(x))).unwrap_or_default();
    (step(previous) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Teapot;

    impl ClassifyRetry for Teapot {
        fn classify(&self, meta: &ErrorMetadata) -> Option<RetryKind> {
            (meta.status() == Some(418)).then_some(RetryKind::Transient)
        }
    }

    #[test]
    fn retry_classification() {
        let meta = |code: Option<&str>, status| ErrorMetadata::new(code.map(str::to_owned), None, Some(status), None);
        assert_eq!(classify(&meta(Some("ThrottlingException"), 400), None, &[]), Some(RetryKind::Throttling));
        assert_eq!(classify(&meta(None, 429), None, &[]), Some(RetryKind::Throttling));
        assert_eq!(classify(&meta(None, 503), None, &[]), Some(RetryKind::Transient));
        assert_eq!(classify(&meta(Some("ValidationException"), 400), None, &[]), None);
        assert_eq!(classify(&meta(Some("AccessDeniedException"), 403), None, &[]), None);
        assert_eq!(classify(&meta(None, 501), None, &[]), None);
        assert_eq!(classify(&meta(Some("Custom"), 400), Some(false), &[]), Some(RetryKind::Transient));
        assert_eq!(classify(&meta(None, 418), None, &[]), None);
        assert_eq!(classify(&meta(None, 418), None, &[&Teapot]), Some(RetryKind::Transient));
    }

    #[test]
    fn skew_errors_are_retried_only_when_the_date_corrected_the_clock() {
        let meta = |code: &str| ErrorMetadata::new(Some(code.to_owned()), None, Some(403), None);
        let hour = Some(Duration::from_secs(3600));
        let sdk_codes =
            ["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"];
        for code in sdk_codes {
            assert_eq!(clock_skew(&meta(code), hour), Some(RetryKind::ClockSkew), "{code}");
            assert_eq!(clock_skew(&meta(code), Some(Duration::from_secs(60))), None, "{code}: a minute explains nothing");
            assert_eq!(clock_skew(&meta(code), None), None, "{code}: no date");
        }
        assert_eq!(clock_skew(&meta("ValidationException"), hour), None);
        assert_eq!(clock_skew(&meta("AccessDeniedException"), hour), None, "no SDK retries a denial as skew");
        assert_eq!(clock_skew(&ErrorMetadata::new(None, None, Some(403), None), hour), None);
        // Not a standard retry either: only the correction makes it one.
        assert_eq!(classify(&meta("InvalidSignatureException"), None, &[]), None);
    }

    #[test]
    fn the_budget_runs_out_and_refills() {
        let budget = RetryBudget::default();
        let mut retries = 0;
        while budget.take(RETRY_COST) {
            retries += 1;
        }
        assert_eq!(retries, RETRY_TOKENS / RETRY_COST);
        budget.give_back(RETRY_COST);
        assert!(budget.take(RETRY_COST));
        budget.give_back(10_000);
        assert_eq!(*budget.tokens.lock().unwrap(), RETRY_TOKENS);
    }

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let retry = crate::config::RetryConfig::standard();
        for attempt in 1..=10 {
            let cap = Duration::from_secs(1u64 << (attempt - 1)).min(Duration::from_secs(20));
            let delay = backoff(&retry, attempt);
            assert!(delay < cap, "attempt {attempt}: {delay:?} >= {cap:?}");
        }
        let spread: Vec<_> = (0..20).map(|_| backoff(&retry, 5)).collect();
        assert!(spread.windows(2).any(|w| w[0] != w[1]), "jitter varies");
        for _ in 0..1000 {
            let x = random_unit();
            assert!((0.0..1.0).contains(&x));
        }
    }
}

//! Client configuration (copied verbatim into each generated crate by
//! codegen; the source lives in `codegen/runtime/src/config.rs`). The
//! generated crate adds `Config::from_env` with its service's endpoint
//! variable.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::provider::token::{ProvideToken, SharedTokenProvider};
use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
pub use aws_credential_types::{Credentials, Token};

use crate::clock::{AsyncSleep, SystemClock, TimeSource, TokioSleep};
use crate::transport::HttpClient;

/// How requests are retried: the AWS "standard" mode.
///
/// An attempt that fails with a throttling error, a 5xx status, an error the
/// model marks retryable, a timeout or a connection failure is retried after
/// an exponential backoff with full jitter: a random delay between zero and
/// `min(max_backoff, initial_backoff * 2^(attempt - 1))`. Other 4xx errors
/// are never retried, nor a response that is not valid HTTP or whose body
/// is over [`ConfigBuilder::buffered_body_limit`]: the server would answer
/// the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl RetryConfig {
    /// 3 attempts, backoff from 1 s up to 20 s.
    pub fn standard() -> Self {
        RetryConfig { max_attempts: 3, initial_backoff: Duration::from_secs(1), max_backoff: Duration::from_secs(20) }
    }

    /// A single attempt.
    pub fn disabled() -> Self {
        RetryConfig { max_attempts: 1, ..Self::standard() }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// Timeouts. Unlike the official SDK, a connect timeout and a per-attempt
/// timeout are set by default, so that a dead endpoint fails instead of
/// hanging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutConfig {
    connect: Option<Duration>,
    attempt: Option<Duration>,
    operation: Option<Duration>,
}

impl TimeoutConfig {
    /// Connect: 3.1 s; each attempt: 60 s; the whole operation, retries
    /// included: no limit.
    pub fn standard() -> Self {
        TimeoutConfig {
            connect: Some(Duration::from_millis(3100)),
            attempt: Some(Duration::from_secs(60)),
            operation: None,
        }
    }

    /// No timeouts at all.
    pub fn disabled() -> Self {
        TimeoutConfig { connect: None, attempt: None, operation: None }
    }

    /// Establishing the TCP connection (applies to the default transport;
    /// the TLS handshake then counts against the attempt timeout).
    pub fn with_connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect = timeout;
        self
    }

    /// One attempt: sending the request and reading the whole response.
    pub fn with_attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt = timeout;
        self
    }

    /// The whole call, every retry and backoff included.
    pub fn with_operation_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.operation = timeout;
        self
    }

    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect
    }

    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt
    }

    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation
    }
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// Whether requests go to endpoints that name the account of the
/// credentials (DynamoDB's `https://{AccountId}.ddb.{Region}.amazonaws.com`),
/// for services whose endpoint rules use the account id
/// (`AWS::Auth::AccountIdEndpointMode`); other services ignore it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AccountIdEndpointMode {
    /// The account's endpoint when the credentials carry an account id,
    /// else the regional one (the default).
    #[default]
    Preferred,
    /// Never an account's endpoint; credentials are then resolved after the
    /// endpoint, as for any other service.
    Disabled,
    /// Always an account's endpoint: a request whose credentials carry no
    /// account id fails before it is sent.
    Required,
}

impl AccountIdEndpointMode {
    /// `preferred`, `disabled` or `required`: the value the endpoint rules
    /// (and `AWS_ACCOUNT_ID_ENDPOINT_MODE`) use.
    pub fn as_str(&self) -> &'static str {
        match self {
            AccountIdEndpointMode::Preferred => "preferred",
            AccountIdEndpointMode::Disabled => "disabled",
            AccountIdEndpointMode::Required => "required",
        }
    }
}

impl std::str::FromStr for AccountIdEndpointMode {
    type Err = String;

    /// `preferred`, `disabled` or `required`, in any case.
    fn from_str(value: &str) -> Result<Self, String> {
        let value = value.trim();
        [AccountIdEndpointMode::Preferred, AccountIdEndpointMode::Disabled, AccountIdEndpointMode::Required]
            .into_iter()
            .find(|mode| mode.as_str().eq_ignore_ascii_case(value))
            .ok_or_else(|| format!("`{value}` is not an account id endpoint mode (preferred, disabled or required)"))
    }
}

impl fmt::Display for AccountIdEndpointMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When requests carry a checksum of their body (`x-amz-checksum-*`, for
/// operations with flexible checksums, `aws.protocols#httpChecksum`), as
/// aws-sdk-s3's setting of the same name and
/// `AWS_REQUEST_CHECKSUM_CALCULATION` (`when_supported`, `when_required`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RequestChecksumCalculation {
    /// Whenever the operation supports one: CRC32 unless the input names
    /// another algorithm (the default).
    #[default]
    WhenSupported,
    /// Only when the operation requires one or the input names an algorithm.
    WhenRequired,
}

/// When response bodies are checked against their checksum headers, for
/// operations whose input asks the service for them (S3's `ChecksumMode`),
/// as aws-sdk-s3's setting of the same name and
/// `AWS_RESPONSE_CHECKSUM_VALIDATION` (`when_supported`, `when_required`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResponseChecksumValidation {
    /// Whenever the operation supports it: the client asks for checksums
    /// (`ChecksumMode=ENABLED`) and checks them (the default).
    #[default]
    WhenSupported,
    /// Only when the input asks for checksums itself.
    WhenRequired,
}

/// `when_supported` or `when_required`, in any case (the environment's
/// values), as `supported` or `required`.
fn checksum_setting<T>(value: &str, supported: T, required: T) -> Option<T> {
    match value.trim().to_ascii_lowercase().as_str() {
        "when_supported" => Some(supported),
        "when_required" => Some(required),
        _ => None,
    }
}

/// The configuration of a generated client's `Client`.
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<SharedCredentialsProvider>,
    pub(crate) token: Option<SharedTokenProvider>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) account_id_endpoint_mode: AccountIdEndpointMode,
    pub(crate) inject_host_prefix: bool,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: TimeoutConfig,
    pub(crate) http_client: Arc<dyn HttpClient>,
    /// The client is the default one, built from `timeouts`.
    default_http_client: bool,
    pub(crate) time_source: Arc<dyn TimeSource>,
    pub(crate) sleep: Arc<dyn AsyncSleep>,
    pub(crate) idempotency_token: IdempotencyTokenProvider,
    pub(crate) disable_request_compression: bool,
    pub(crate) request_min_compression_size_bytes: u32,
    pub(crate) buffered_body_limit: u64,
    pub(crate) request_checksum_calculation: RequestChecksumCalculation,
    pub(crate) response_checksum_validation: ResponseChecksumValidation,
    /// The service's own endpoint settings (S3's `force_path_style`, ...),
    /// by the rule set's parameter name (`ForcePathStyle`): the generated
    /// `endpoint` module adds their setters.
    pub(crate) endpoint_flags: EndpointFlags,
    /// Why the retry settings of the environment or the profile are
    /// unusable (`AWS_MAX_ATTEMPTS=0`, ...): every request then fails with
    /// it, a configuration error, unless code sets the retry configuration.
    pub(crate) invalid_retry: Option<String>,
    /// Whether STS requests keep the global endpoint (`legacy`) or not
    /// (`regional`): see [`ConfigBuilder::sts_use_global_endpoint`].
    pub(crate) sts_use_global_endpoint: Option<bool>,
    /// Why the environment's or the profile's `sts_regional_endpoints`
    /// is unusable: the requests of an STS client fail with it.
    pub(crate) invalid_sts_regional_endpoints: Option<String>,
}

/// Boolean endpoint settings of a service's own (its rule set's built-ins
/// such as `AWS::S3::ForcePathStyle`, and its `clientContextParams`), by
/// parameter name; unset ones are absent. A setting whose environment
/// variable held no valid value keeps the message that says so, until code
/// sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EndpointFlags {
    values: Vec<(&'static str, bool)>,
    invalid: Vec<(&'static str, String)>,
}

impl EndpointFlags {
    /// The value set for the built-in, if any.
    pub(crate) fn get(&self, param: &str) -> Option<bool> {
        self.values.iter().find(|(name, _)| *name == param).map(|(_, value)| *value)
    }

    fn set(&mut self, param: &'static str, value: bool) {
        self.invalid.retain(|(name, _)| *name != param);
        match self.values.iter_mut().find(|(name, _)| *name == param) {
            Some(entry) => entry.1 = value,
            None => self.values.push((param, value)),
        }
    }

    /// Why the configuration is unusable: an environment variable of a
    /// setting that code did not set held an invalid value.
    pub(crate) fn invalid(&self) -> Option<&str> {
        self.invalid.first().map(|(_, message)| message.as_str())
    }
}

/// An endpoint setting of a service's own that `Config::from_env` reads:
/// the variable, the rule set's parameter it sets, and the values (in any
/// case) that mean `true` and `false`. The generated crate lists those its
/// rule set has (S3's `AWS_S3_USE_ARN_REGION`, ...).
pub(crate) type EnvFlag = (&'static str, &'static str, &'static str, &'static str);

/// Reads the service's endpoint settings from the environment into
/// `flags`. A value that is neither word is kept as an error naming the
/// variable: every request then fails with it (a configuration error)
/// unless code sets the setting.
fn read_env_flags(flags: &mut EndpointFlags, settings: &[EnvFlag], var: impl Fn(&str) -> Option<String>) {
    for &(name, param, when_true, when_false) in settings {
        let Some(value) = var(name) else { continue };
        let value = value.trim();
        if value.eq_ignore_ascii_case(when_true) {
            flags.set(param, true);
        } else if value.eq_ignore_ascii_case(when_false) {
            flags.set(param, false);
        } else {
            flags.values.retain(|(n, _)| *n != param);
            flags.invalid.retain(|(n, _)| *n != param);
            let message = format!("invalid configuration: {name} is `{value}`, which is neither `{when_true}` nor `{when_false}`");
            flags.invalid.push((param, message));
        }
    }
}

/// `max_attempts` as `AWS_MAX_ATTEMPTS` or a profile gives it: an integer
/// of at least 1, as aws-config accepts (it refuses 0 and anything else).
/// `source` names where the value was read, for the error.
fn parse_max_attempts(value: &str, source: &str) -> Result<u32, String> {
    let value = value.trim();
    match value.parse::<u32>() {
        Ok(0) => Err(format!(
            "invalid configuration: {source} is `0`: max attempts must be at least 1 (unset it or set it to 1 or more)"
        )),
        Ok(attempts) => Ok(attempts),
        Err(e) => Err(format!("invalid configuration: {source} is `{value}`, which is not a number of attempts: {e}")),
    }
}

/// `retry_mode` as `AWS_RETRY_MODE` or a profile gives it: `standard` or
/// `adaptive`, in any case, as aws-config accepts (it refuses `legacy` and
/// anything else). Both retry in the standard mode: this client has no
/// client-side rate limiting, which `adaptive` adds in the SDKs.
fn parse_retry_mode(value: &str, source: &str) -> Result<(), String> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("standard") || value.eq_ignore_ascii_case("adaptive") {
        Ok(())
    } else {
        Err(format!("invalid configuration: {source} is `{value}`, which is not a retry mode (`standard` or `adaptive`)"))
    }
}

/// `sts_regional_endpoints` as `AWS_STS_REGIONAL_ENDPOINTS` or a profile
/// gives it, in any case: `legacy` keeps the global endpoint (`true`),
/// `regional` does not (`false`); anything else is refused, as the SDKs
/// that read it refuse it.
fn parse_sts_regional_endpoints(value: &str, source: &str) -> Result<bool, String> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("legacy") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("regional") {
        Ok(false)
    } else {
        Err(format!("invalid configuration: {source} is `{value}`, which is neither `legacy` nor `regional`"))
    }
}

/// The largest response body read whole into memory, by default: 64 MiB.
/// Bodies that are not streams are small: the largest AWS documents are
/// DynamoDB's BatchGetItem (16 MB of items), Kinesis's GetRecords (10 MiB
/// of records, base64 in JSON: about 13.4 MiB) and Lambda's Invoke (6 MB).
/// The limit is four times the largest, against a server that sends
/// without end; streaming outputs (downloads) have no limit.
pub const DEFAULT_BUFFERED_BODY_LIMIT: u64 = 64 * 1024 * 1024;

/// Request bodies smaller than this are not compressed, by default.
const MIN_COMPRESSION_SIZE: u32 = 10_240;

/// Makes the value of an `@idempotencyToken` member that the caller left
/// unset: a random UUID (version 4) unless configured otherwise.
pub type IdempotencyTokenProvider = Arc<dyn Fn() -> String + Send + Sync>;

/// A random UUID, version 4 (`xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx`), from
/// the standard library's randomly keyed hasher.
pub fn random_uuid_v4() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let draw = || {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.finish()
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&draw().to_be_bytes());
    bytes[8..].copy_from_slice(&draw().to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = crate::primitives::hex(&bytes);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials are never printed.
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("credentials", &self.credentials.as_ref().map(|_| "** set **"))
            .field("token", &self.token.as_ref().map(|_| "** set **"))
            .field("endpoint_url", &self.endpoint_url)
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("account_id_endpoint_mode", &self.account_id_endpoint_mode)
            .field("inject_host_prefix", &self.inject_host_prefix)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("buffered_body_limit", &self.buffered_body_limit)
            .field("request_checksum_calculation", &self.request_checksum_calculation)
            .field("response_checksum_validation", &self.response_checksum_validation)
            .field("http_client", &self.http_client)
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// What `Config::from_env` reads (the generated crate names the
    /// service's own endpoint variable, `endpoint_url_env`): see there.
    pub(crate) fn from_env_for(endpoint_url_env: &str, settings: &[EnvFlag]) -> ConfigBuilder {
        let mut builder = Self::from_env_source_for(endpoint_url_env, settings, |name| std::env::var(name).ok());
        if builder.credentials.is_some() {
            // Read again when the cached ones are refreshed, so that rotated keys are picked up.
            builder.credentials = Some(SharedCredentialsProvider::new(EnvironmentCredentials));
        }
        builder
    }

    /// [`Config::from_env_for`] reading variables from `lookup` instead
    /// of the process environment (for tests); credentials are read once.
    pub(crate) fn from_env_source_for(endpoint_url_env: &str, settings: &[EnvFlag], lookup: impl Fn(&str) -> Option<String>) -> ConfigBuilder {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let flag = |name: &str| var(name).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let mut builder = Config::builder();
        builder.region = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION"));
        if !flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
            builder.endpoint_url = var(endpoint_url_env).or_else(|| var("AWS_ENDPOINT_URL"));
        }
        builder.use_fips = flag("AWS_USE_FIPS_ENDPOINT");
        builder.use_dual_stack = flag("AWS_USE_DUALSTACK_ENDPOINT");
        // A value that is not a mode is ignored, as aws-config does (it logs a warning).
        if let Some(mode) = var("AWS_ACCOUNT_ID_ENDPOINT_MODE").and_then(|v| v.parse().ok()) {
            builder.account_id_endpoint_mode = mode;
        }
        builder.disable_request_compression = flag("AWS_DISABLE_REQUEST_COMPRESSION");
        // Values that are neither are ignored, as for the account id endpoint mode.
        use {RequestChecksumCalculation as Calculation, ResponseChecksumValidation as Validation};
        let calculation = var("AWS_REQUEST_CHECKSUM_CALCULATION");
        if let Some(value) = calculation.as_deref().and_then(|v| checksum_setting(v, Calculation::WhenSupported, Calculation::WhenRequired)) {
            builder.request_checksum_calculation = value;
        }
        let validation = var("AWS_RESPONSE_CHECKSUM_VALIDATION");
        if let Some(value) = validation.as_deref().and_then(|v| checksum_setting(v, Validation::WhenSupported, Validation::WhenRequired)) {
            builder.response_checksum_validation = value;
        }
        if let Some(bytes) = var("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES").and_then(|v| v.trim().parse::<u32>().ok()) {
            builder = builder.request_min_compression_size_bytes(bytes);
        }
        if let Some(value) = var("AWS_MAX_ATTEMPTS") {
            builder.read_max_attempts(&value, "AWS_MAX_ATTEMPTS");
        }
        if let Some(value) = var("AWS_RETRY_MODE") {
            builder.read_retry_mode(&value, "AWS_RETRY_MODE");
        }
        if let Some(value) = var("AWS_STS_REGIONAL_ENDPOINTS") {
            builder.read_sts_regional_endpoints(&value, "AWS_STS_REGIONAL_ENDPOINTS");
        }
        if let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            let credentials = environment_credentials(id, secret, var("AWS_SESSION_TOKEN"), var("AWS_ACCOUNT_ID"));
            builder.credentials = Some(SharedCredentialsProvider::new(credentials));
        } else if var("AWS_ACCESS_KEY_ID").is_some() {
            // Incomplete: the provider reports what is missing at the first request.
            builder.credentials = Some(SharedCredentialsProvider::new(EnvironmentCredentials));
        }
        read_env_flags(&mut builder.endpoint_flags, settings, var);
        builder
    }

    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// Where the client's credentials come from (the default chain after
    /// [`Config::load`], which resolves them anew at each call; the client
    /// caches what it gets), to resolve or share them outside the client.
    pub fn credentials_provider(&self) -> Option<SharedCredentialsProvider> {
        self.credentials.clone()
    }

    pub fn account_id_endpoint_mode(&self) -> AccountIdEndpointMode {
        self.account_id_endpoint_mode
    }

    pub fn request_checksum_calculation(&self) -> RequestChecksumCalculation {
        self.request_checksum_calculation
    }

    pub fn response_checksum_validation(&self) -> ResponseChecksumValidation {
        self.response_checksum_validation
    }

    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    /// Whether STS requests keep the global endpoint `sts.amazonaws.com`
    /// (`Some(true)`: `sts_regional_endpoints = legacy`) or go to their
    /// region's (`Some(false)`: `regional`); `None` when nothing set it (or
    /// its value was invalid), and STS's endpoint rules then choose the
    /// regional endpoint. See [`ConfigBuilder::sts_use_global_endpoint`].
    pub fn sts_use_global_endpoint(&self) -> Option<bool> {
        self.sts_use_global_endpoint
    }

    /// The STS setting for the endpoint rules' `AWS::STS::UseGlobalEndpoint`:
    /// the error of an invalid value from the environment or the profile.
    // Used by the crates whose rule set has the built-in (STS's).
    #[allow(dead_code)]
    pub(crate) fn sts_global_endpoint_setting(&self) -> Result<Option<bool>, String> {
        match &self.invalid_sts_regional_endpoints {
            Some(message) => Err(message.clone()),
            None => Ok(self.sts_use_global_endpoint),
        }
    }

    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.timeouts
    }

    /// The largest response body read whole into memory, in bytes.
    pub fn buffered_body_limit(&self) -> u64 {
        self.buffered_body_limit
    }

    /// A builder holding this configuration, to derive a changed one.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder {
            region: self.region.clone(),
            credentials: self.credentials.clone(),
            token: self.token.clone(),
            endpoint_url: self.endpoint_url.clone(),
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            account_id_endpoint_mode: self.account_id_endpoint_mode,
            inject_host_prefix: self.inject_host_prefix,
            retry: self.retry,
            timeouts: self.timeouts,
            // A default transport is rebuilt, so that changed timeouts apply.
            http_client: (!self.default_http_client).then(|| self.http_client.clone()),
            time_source: Some(self.time_source.clone()),
            sleep: Some(self.sleep.clone()),
            idempotency_token: Some(self.idempotency_token.clone()),
            disable_request_compression: self.disable_request_compression,
            request_min_compression_size_bytes: self.request_min_compression_size_bytes,
            buffered_body_limit: self.buffered_body_limit,
            request_checksum_calculation: self.request_checksum_calculation,
            response_checksum_validation: self.response_checksum_validation,
            endpoint_flags: self.endpoint_flags.clone(),
            max_attempts_set: true,
            retry_mode_set: true,
            invalid_retry: self.invalid_retry.clone(),
            sts_use_global_endpoint: self.sts_use_global_endpoint,
            invalid_sts_regional_endpoints: self.invalid_sts_regional_endpoints.clone(),
            identity_changed: false,
            #[cfg(feature = "credentials-chain")]
            default_chain: None,
        }
    }

    /// The configuration `builder` (derived from this one by
    /// [`Config::to_builder`]) builds, for a per-call override: the default
    /// transport, and its connection pool, is this one's unless the
    /// override changed the connect timeout or set a transport. Also says
    /// whether the override set a credentials or token provider.
    pub(crate) fn overridden(&self, mut builder: ConfigBuilder) -> (Config, bool) {
        let identity_changed = builder.identity_changed;
        let keep_transport = self.default_http_client
            && builder.http_client.is_none()
            && builder.timeouts.connect_timeout() == self.timeouts.connect_timeout();
        if keep_transport {
            builder.http_client = Some(self.http_client.clone());
        }
        let mut config = builder.build();
        config.default_http_client |= keep_transport;
        (config, identity_changed)
    }

    /// The value of a service endpoint setting, by its parameter name.
    // Used by the crates whose rule set has such built-ins.
    #[allow(dead_code)]
    pub(crate) fn endpoint_flag(&self, param: &str) -> Option<bool> {
        self.endpoint_flags.get(param)
    }
}

/// Builds a [`Config`].
#[derive(Clone)]
pub struct ConfigBuilder {
    region: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    token: Option<SharedTokenProvider>,
    endpoint_url: Option<String>,
    use_fips: bool,
    use_dual_stack: bool,
    account_id_endpoint_mode: AccountIdEndpointMode,
    inject_host_prefix: bool,
    retry: RetryConfig,
    timeouts: TimeoutConfig,
    http_client: Option<Arc<dyn HttpClient>>,
    time_source: Option<Arc<dyn TimeSource>>,
    sleep: Option<Arc<dyn AsyncSleep>>,
    idempotency_token: Option<IdempotencyTokenProvider>,
    disable_request_compression: bool,
    request_min_compression_size_bytes: u32,
    buffered_body_limit: u64,
    request_checksum_calculation: RequestChecksumCalculation,
    response_checksum_validation: ResponseChecksumValidation,
    endpoint_flags: EndpointFlags,
    /// The number of attempts was set in code or by the environment
    /// (`AWS_MAX_ATTEMPTS`): [`load`](Self::load) leaves it.
    max_attempts_set: bool,
    /// The retry mode was set in code or by the environment (`AWS_RETRY_MODE`).
    retry_mode_set: bool,
    invalid_retry: Option<String>,
    sts_use_global_endpoint: Option<bool>,
    invalid_sts_regional_endpoints: Option<String>,
    /// A credentials or token provider was set since the builder was made
    /// (a per-call override then resolves its identities anew).
    identity_changed: bool,
    /// [`load`](Self::load) found no credentials set: the default chain
    /// over these variables and files gives them, through the transport
    /// the configuration ends with.
    #[cfg(feature = "credentials-chain")]
    default_chain: Option<crate::provider_env::ProviderEnv>,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        ConfigBuilder {
            region: None,
            credentials: None,
            token: None,
            endpoint_url: None,
            use_fips: false,
            use_dual_stack: false,
            account_id_endpoint_mode: AccountIdEndpointMode::Preferred,
            inject_host_prefix: true,
            retry: RetryConfig::standard(),
            timeouts: TimeoutConfig::standard(),
            http_client: None,
            time_source: None,
            sleep: None,
            idempotency_token: None,
            disable_request_compression: false,
            request_min_compression_size_bytes: MIN_COMPRESSION_SIZE,
            buffered_body_limit: DEFAULT_BUFFERED_BODY_LIMIT,
            request_checksum_calculation: RequestChecksumCalculation::WhenSupported,
            response_checksum_validation: ResponseChecksumValidation::WhenSupported,
            endpoint_flags: EndpointFlags::default(),
            max_attempts_set: false,
            retry_mode_set: false,
            invalid_retry: None,
            sts_use_global_endpoint: None,
            invalid_sts_regional_endpoints: None,
            identity_changed: false,
            #[cfg(feature = "credentials-chain")]
            default_chain: None,
        }
    }
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("credentials", &self.credentials.as_ref().map(|_| "** set **"))
            .field("endpoint_url", &self.endpoint_url)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// The AWS Region, such as `us-west-2`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Where credentials come from: anything that implements
    /// `aws_credential_types::provider::ProvideCredentials` (the providers of
    /// `aws-config` included).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self.identity_changed = true;
        self
    }

    /// Where bearer tokens come from, for services that accept
    /// `smithy.api#httpBearerAuth`: anything that implements
    /// `aws_credential_types::provider::token::ProvideToken` (a fixed
    /// [`Token`] included).
    pub fn token_provider(mut self, provider: impl ProvideToken + 'static) -> Self {
        self.token = Some(SharedTokenProvider::new(provider));
        self.identity_changed = true;
        self
    }

    /// Fixed credentials (`Credentials::builder()` sets an account id too).
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// Fixed credentials from an access key id and a secret access key.
    pub fn static_credentials(self, access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        self.credentials(Credentials::new(access_key_id, secret_access_key, None, None, "static"))
    }

    /// Fixed credentials of the account `account_id` (twelve digits), which
    /// services with account-based endpoints (DynamoDB) put in the endpoint
    /// (see [`account_id_endpoint_mode`](Self::account_id_endpoint_mode)).
    pub fn static_credentials_with_account_id(
        self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        account_id: impl Into<String>,
    ) -> Self {
        let credentials = Credentials::builder()
            .access_key_id(access_key_id)
            .secret_access_key(secret_access_key)
            .account_id(account_id.into())
            .provider_name("static")
            .build();
        self.credentials(credentials)
    }

    /// Sends requests to this URL (`https://host[:port][/path]`) instead of
    /// the endpoint the service's rules choose.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Uses FIPS endpoints.
    pub fn use_fips(mut self, enabled: bool) -> Self {
        self.use_fips = enabled;
        self
    }

    /// Uses dual-stack (IPv4 and IPv6) endpoints.
    pub fn use_dual_stack(mut self, enabled: bool) -> Self {
        self.use_dual_stack = enabled;
        self
    }

    /// Whether to send requests to endpoints that name the credentials'
    /// account (for services whose endpoint rules offer them, such as
    /// DynamoDB): `Preferred` by default, as `AWS_ACCOUNT_ID_ENDPOINT_MODE`
    /// sets it. The account id comes from the credentials (an
    /// `aws-config` provider, `AWS_ACCOUNT_ID` beside the environment's
    /// keys, or [`static_credentials_with_account_id`](Self::static_credentials_with_account_id)).
    pub fn account_id_endpoint_mode(mut self, mode: AccountIdEndpointMode) -> Self {
        self.account_id_endpoint_mode = mode;
        self
    }

    /// Whether to prepend the operations' host prefixes (such as
    /// `control-storage-`) to the endpoint's host; on by default. Turn it off
    /// for an endpoint that does not serve the prefixed names (as boto3's
    /// `inject_host_prefix=False`).
    pub fn inject_host_prefix(mut self, enabled: bool) -> Self {
        self.inject_host_prefix = enabled;
        self
    }

    /// How requests are retried. Set here, it wins over `AWS_MAX_ATTEMPTS`,
    /// `AWS_RETRY_MODE` and the profile's `max_attempts` and `retry_mode`,
    /// invalid values of theirs included.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self.max_attempts_set = true;
        self.retry_mode_set = true;
        self.invalid_retry = None;
        self
    }

    /// Takes `max_attempts` read from `source` (a variable, or a profile's
    /// key): the number of attempts, or the error every request fails with.
    fn read_max_attempts(&mut self, value: &str, source: &str) {
        self.max_attempts_set = true;
        match parse_max_attempts(value, source) {
            Ok(attempts) => self.retry = self.retry.with_max_attempts(attempts),
            Err(message) => {
                self.invalid_retry.get_or_insert(message);
            }
        }
    }

    /// Takes `retry_mode` read from `source`: the standard mode (the only
    /// one this client has), or the error every request fails with.
    fn read_retry_mode(&mut self, value: &str, source: &str) {
        self.retry_mode_set = true;
        if let Err(message) = parse_retry_mode(value, source) {
            self.invalid_retry.get_or_insert(message);
        }
    }

    /// Whether STS requests keep the global endpoint `sts.amazonaws.com`
    /// (`true`, the `legacy` value of the SDKs' `sts_regional_endpoints`
    /// setting) or go to their region's endpoint (`false`, `regional`),
    /// for STS clients (the endpoint rules' `AWS::STS::UseGlobalEndpoint`;
    /// other services ignore it). Unset, the rules choose the regional
    /// endpoint. `Config::from_env` reads `AWS_STS_REGIONAL_ENDPOINTS`,
    /// `load` also the profile's `sts_regional_endpoints`; set here, it
    /// wins over both, invalid values of theirs included.
    pub fn sts_use_global_endpoint(mut self, global: bool) -> Self {
        self.sts_use_global_endpoint = Some(global);
        self.invalid_sts_regional_endpoints = None;
        self
    }

    /// Takes `sts_regional_endpoints` read from `source`.
    fn read_sts_regional_endpoints(&mut self, value: &str, source: &str) {
        match parse_sts_regional_endpoints(value, source) {
            Ok(global) => self.sts_use_global_endpoint = Some(global),
            Err(message) => {
                self.sts_use_global_endpoint = None;
                self.invalid_sts_regional_endpoints = Some(message);
            }
        }
    }

    pub fn timeout_config(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The HTTP transport. By default: [`HyperClient`](crate::transport::HyperClient)
    /// with the connect timeout of [`TimeoutConfig`] (feature `rustls`).
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http_client = Some(Arc::new(client));
        self
    }

    /// An HTTP transport already shared (the credential chain's calls use
    /// their configuration's).
    #[cfg(feature = "credentials-chain")]
    pub(crate) fn shared_http_client(mut self, client: Arc<dyn HttpClient>) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Whether a region is set.
    #[cfg(feature = "credentials-chain")]
    pub(crate) fn region_is_set(&self) -> bool {
        self.region.is_some()
    }

    /// The clock used to sign requests and to time waiters.
    pub fn time_source(mut self, time_source: impl TimeSource + 'static) -> Self {
        self.time_source = Some(Arc::new(time_source));
        self
    }

    /// How to sleep between attempts and for timeouts (tokio's timer by default).
    pub fn sleep_impl(mut self, sleep: impl AsyncSleep + 'static) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// Makes the values of `@idempotencyToken` members left unset (by
    /// default random UUIDs); tests can make them predictable.
    /// Turns off request compression for operations that ask for it (on by
    /// default, as `AWS_DISABLE_REQUEST_COMPRESSION` turns it off).
    pub fn disable_request_compression(mut self, disabled: bool) -> Self {
        self.disable_request_compression = disabled;
        self
    }

    /// Bodies smaller than this many bytes are sent uncompressed (default
    /// 10,240; at most 10,485,760, as `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`).
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.request_min_compression_size_bytes = bytes.min(10_485_760);
        self
    }

    /// The largest response body, in bytes, that is read whole into memory
    /// (every response but the stream of a streaming output, errors
    /// included): [`DEFAULT_BUFFERED_BODY_LIMIT`] by default. A larger body
    /// fails the call with an `Unhandled` error of kind `Response` whose
    /// cause is a [`TransportError`](crate::transport::TransportError) of
    /// kind `BodyTooLarge`, after reading at most the limit and one chunk;
    /// it is not retried.
    pub fn buffered_body_limit(mut self, bytes: u64) -> Self {
        self.buffered_body_limit = bytes;
        self
    }

    /// When requests of operations with flexible checksums carry one:
    /// [`WhenSupported`](RequestChecksumCalculation::WhenSupported) by
    /// default, as `AWS_REQUEST_CHECKSUM_CALCULATION` sets it. A checksum
    /// value set in the input is always sent as it is.
    pub fn request_checksum_calculation(mut self, when: RequestChecksumCalculation) -> Self {
        self.request_checksum_calculation = when;
        self
    }

    /// When response bodies are checked against their checksums:
    /// [`WhenSupported`](ResponseChecksumValidation::WhenSupported) by
    /// default, as `AWS_RESPONSE_CHECKSUM_VALIDATION` sets it. A body that
    /// does not match fails: a buffered one fails the call (retried as a
    /// transient fault), a stream fails when its end is read.
    pub fn response_checksum_validation(mut self, when: ResponseChecksumValidation) -> Self {
        self.response_checksum_validation = when;
        self
    }

    pub fn idempotency_token_provider(mut self, provider: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.idempotency_token = Some(Arc::new(provider));
        self
    }

    pub fn build(self) -> Config {
        let timeouts = self.timeouts;
        let default_client = self.http_client.is_none();
        let http_client = self.http_client.unwrap_or_else(|| default_http_client(&timeouts));
        // `Config::load`'s chain gives what is not set: credentials, and a
        // bearer token (for the services that use one).
        #[cfg(feature = "credentials-chain")]
        let (credentials, token) = match self.default_chain {
            Some(env) => {
                let chain = crate::credentials_chain::DefaultChain::new(env, http_client.clone()).region(self.region.clone());
                let credentials = self.credentials.or_else(|| Some(SharedCredentialsProvider::new(chain.clone())));
                (credentials, self.token.or_else(|| Some(SharedTokenProvider::new(chain))))
            }
            None => (self.credentials, self.token),
        };
        #[cfg(not(feature = "credentials-chain"))]
        let (credentials, token) = (self.credentials, self.token);
        Config {
            region: self.region,
            credentials,
            token,
            endpoint_url: self.endpoint_url,
            use_fips: self.use_fips,
            use_dual_stack: self.use_dual_stack,
            account_id_endpoint_mode: self.account_id_endpoint_mode,
            inject_host_prefix: self.inject_host_prefix,
            retry: self.retry,
            timeouts,
            http_client,
            default_http_client: default_client,
            time_source: self.time_source.unwrap_or_else(|| Arc::new(SystemClock)),
            sleep: self.sleep.unwrap_or_else(|| Arc::new(TokioSleep)),
            idempotency_token: self.idempotency_token.unwrap_or_else(|| Arc::new(random_uuid_v4)),
            disable_request_compression: self.disable_request_compression,
            request_min_compression_size_bytes: self.request_min_compression_size_bytes,
            buffered_body_limit: self.buffered_body_limit,
            request_checksum_calculation: self.request_checksum_calculation,
            response_checksum_validation: self.response_checksum_validation,
            endpoint_flags: self.endpoint_flags,
            invalid_retry: self.invalid_retry,
            sts_use_global_endpoint: self.sts_use_global_endpoint,
            invalid_sts_regional_endpoints: self.invalid_sts_regional_endpoints,
        }
    }

    /// What [`Config::load`] adds to the environment's settings, reading
    /// `env` (variables and files): the region (`AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, the profile's `region`, then EC2 instance
    /// metadata, within [`REGION_TIMEOUT`](crate::imds::REGION_TIMEOUT)),
    /// the selected profile's (`AWS_PROFILE`, else `default`) `use_fips_endpoint`,
    /// `use_dualstack_endpoint`, endpoint URL (its `services` section's
    /// entry for this service, else its `endpoint_url`; not when
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or the profile's
    /// `ignore_configured_endpoint_urls` is true), `max_attempts` and
    /// `retry_mode` (after `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE`; an
    /// invalid value fails every request with a configuration error that
    /// names it, where aws-config panics), `sts_regional_endpoints` (after
    /// `AWS_STS_REGIONAL_ENDPOINTS`), and the default credential chain
    /// when no credentials are set. What is already set wins. A profile
    /// file that does not parse leaves the settings alone; the chain
    /// reports it, with the file and line, at the first call.
    #[cfg(feature = "credentials-chain")]
    pub(crate) async fn load_for(self, endpoint_url_env: &str, env: crate::provider_env::ProviderEnv) -> ConfigBuilder {
        let set = env.profile_set().ok();
        let mut builder = self.load_settings_for(endpoint_url_env, &env, set.as_ref());
        if builder.region.is_none() {
            // The last step: the instance's region, through the transport
            // set (else a default one), within IMDS's short timeouts. Not
            // found (not an EC2 instance, IMDS disabled), the region stays
            // unset, as aws-config leaves it: requests then fail saying so.
            let http = builder.http_client.clone().unwrap_or_else(|| default_http_client(&builder.timeouts));
            let profile = set.as_ref().and_then(|s| s.profile(&env.profile_name()));
            builder.region = crate::imds::region(&env, profile, &*http).await.ok().flatten();
        }
        if builder.credentials.is_none() || builder.token.is_none() {
            builder.default_chain = Some(env);
        }
        builder
    }

    /// What [`load_for`](Self::load_for) reads of the environment and of
    /// the selected profile of `set` (`env`'s files, parsed), but not from
    /// services: no region from IMDS, no credential chain (the chain's own
    /// clients are configured so).
    #[cfg(feature = "credentials-chain")]
    pub(crate) fn load_settings_for(
        mut self,
        endpoint_url_env: &str,
        env: &crate::provider_env::ProviderEnv,
        set: Option<&crate::profile::ProfileSet>,
    ) -> ConfigBuilder {
        let profile = set.and_then(|s| s.profile(&env.profile_name()));
        let get = |key: &str| profile.and_then(|p| p.get(key)).map(str::trim).filter(|v| !v.is_empty());
        let truthy = |key: &str| get(key).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if self.region.is_none() {
            self.region =
                env.var("AWS_REGION").or_else(|| env.var("AWS_DEFAULT_REGION")).or_else(|| get("region").map(str::to_owned));
        }
        // The environment's retry settings win over the profile's, and
        // what code set over both (each setting on its own, as aws-config).
        let profile_name = env.profile_name();
        if !self.max_attempts_set {
            if let Some(value) = env.var("AWS_MAX_ATTEMPTS") {
                self.read_max_attempts(&value, "AWS_MAX_ATTEMPTS");
            } else if let Some(value) = get("max_attempts") {
                self.read_max_attempts(value, &format!("`max_attempts` of profile `{profile_name}`"));
            }
        }
        if !self.retry_mode_set {
            if let Some(value) = env.var("AWS_RETRY_MODE") {
                self.read_retry_mode(&value, "AWS_RETRY_MODE");
            } else if let Some(value) = get("retry_mode") {
                self.read_retry_mode(value, &format!("`retry_mode` of profile `{profile_name}`"));
            }
        }
        if self.sts_use_global_endpoint.is_none() && self.invalid_sts_regional_endpoints.is_none() {
            if let Some(value) = env.var("AWS_STS_REGIONAL_ENDPOINTS") {
                self.read_sts_regional_endpoints(&value, "AWS_STS_REGIONAL_ENDPOINTS");
            } else if let Some(value) = get("sts_regional_endpoints") {
                self.read_sts_regional_endpoints(value, &format!("`sts_regional_endpoints` of profile `{profile_name}`"));
            }
        }
        self.use_fips |= truthy("use_fips_endpoint");
        self.use_dual_stack |= truthy("use_dualstack_endpoint");
        let ignore_endpoints = env.var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
            || truthy("ignore_configured_endpoint_urls");
        if self.endpoint_url.is_none() && !ignore_endpoints {
            let service_key = endpoint_url_env.strip_prefix("AWS_ENDPOINT_URL_").unwrap_or(endpoint_url_env).to_ascii_lowercase();
            let from_services = get("services")
                .and_then(|name| set?.services.get(name))
                .and_then(|section| section.sub_properties(&service_key).remove("endpoint_url"));
            self.endpoint_url = from_services.or_else(|| get("endpoint_url").map(str::to_owned));
        }
        self
    }

    /// Sets a service endpoint setting by its parameter name (the generated
    /// `endpoint` module's setters, such as S3's `force_path_style`).
    #[allow(dead_code)]
    pub(crate) fn endpoint_flag(mut self, param: &'static str, value: bool) -> Self {
        self.endpoint_flags.set(param, value);
        self
    }
}

#[cfg(feature = "rustls")]
fn default_http_client(timeouts: &TimeoutConfig) -> Arc<dyn HttpClient> {
    let mut builder = crate::transport::HyperClient::builder();
    if let Some(timeout) = timeouts.connect_timeout() {
        builder = builder.connect_timeout(timeout);
    }
    Arc::new(builder.build())
}

#[cfg(not(feature = "rustls"))]
fn default_http_client(_timeouts: &TimeoutConfig) -> Arc<dyn HttpClient> {
    Arc::new(no_client::NoHttpClient)
}

#[cfg(not(feature = "rustls"))]
mod no_client {
    use crate::transport::{BoxFuture, HttpClient, HttpRequest, HttpResponse, TransportError, TransportErrorKind};

    /// Stands in when the crate is built without its default transport.
    #[derive(Debug)]
    pub(super) struct NoHttpClient;

    impl HttpClient for NoHttpClient {
        fn send(&self, _request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            Box::pin(std::future::ready(Err(TransportError::new(
                TransportErrorKind::Other,
                "no HTTP client: enable the `rustls` feature or set one with Config::builder().http_client(...)",
            ))))
        }
    }
}

/// Credentials from the environment's variables, with the account id of
/// `AWS_ACCOUNT_ID` when it is set.
fn environment_credentials(id: String, secret: String, session_token: Option<String>, account_id: Option<String>) -> Credentials {
    let mut builder = Credentials::builder().access_key_id(id).secret_access_key(secret).provider_name("environment");
    builder.set_session_token(session_token);
    builder.set_account_id(account_id.map(Into::into));
    builder.build()
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_SESSION_TOKEN` and `AWS_ACCOUNT_ID`, read at each request.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvironmentCredentials;

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let result = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => Ok(environment_credentials(id, secret, var("AWS_SESSION_TOKEN"), var("AWS_ACCOUNT_ID"))),
            (None, _) => Err(aws_credential_types::provider::error::CredentialsError::not_loaded(
                "AWS_ACCESS_KEY_ID is not set",
            )),
            (_, None) => Err(aws_credential_types::provider::error::CredentialsError::not_loaded(
                "AWS_SECRET_ACCESS_KEY is not set",
            )),
        };
        future::ProvideCredentials::ready(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "credentials-chain")]
    #[tokio::test]
    async fn load_reads_the_profile_and_leaves_what_is_set() {
        use crate::provider_env::ProviderEnv;
        let config = "[profile dev]\nregion = eu-west-3\nuse_fips_endpoint = true\nservices = local\n\
                      aws_access_key_id = AKIDPROFILE\naws_secret_access_key = SECRET\n\
                      [services local]\nomics =\n  endpoint_url = http://localhost:4566\n[default]\nregion = us-east-2\n";
        let env = |vars: &[(&str, &str)]| {
            let mut all = vec![("HOME".to_owned(), "/home/me".to_owned())];
            all.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
            ProviderEnv::given(all, [(std::path::PathBuf::from("/home/me/.aws/config"), config.as_bytes().to_vec())])
        };
        let loaded = ConfigBuilder::default().load_for("AWS_ENDPOINT_URL_OMICS", env(&[("AWS_PROFILE", "dev")])).await;
        assert_eq!(loaded.region.as_deref(), Some("eu-west-3"));
        assert!(loaded.use_fips);
        assert_eq!(loaded.endpoint_url.as_deref(), Some("http://localhost:4566"));
        // The profile's keys, through the default chain.
        let built = loaded.http_client(crate::testing::TestTransport::new()).build();
        let credentials = built.credentials_provider().expect("the chain").provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "AKIDPROFILE");
        // What is set wins; another service's entry is not this one's.
        let loaded = ConfigBuilder::default()
            .region("ap-south-1")
            .static_credentials("AKID", "S")
            .load_for("AWS_ENDPOINT_URL_S3", env(&[("AWS_PROFILE", "dev")]))
            .await;
        assert_eq!((loaded.region.as_deref(), loaded.endpoint_url.as_deref()), (Some("ap-south-1"), None));
        let built = loaded.http_client(crate::testing::TestTransport::new()).build();
        let credentials = built.credentials.expect("the static keys").provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "AKID");
        // The default profile; configured endpoints can be ignored.
        let loaded = ConfigBuilder::default().load_for("AWS_ENDPOINT_URL_OMICS", env(&[])).await;
        assert_eq!(loaded.region.as_deref(), Some("us-east-2"));
        let ignored = ConfigBuilder::default()
            .load_for("AWS_ENDPOINT_URL_OMICS", env(&[("AWS_PROFILE", "dev"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")]))
            .await;
        assert_eq!(ignored.endpoint_url, None);
    }

    /// Runs `future` to its end on a runtime of its own, with timers.
    #[cfg(feature = "credentials-chain")]
    fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
    }

    #[cfg(feature = "credentials-chain")]
    #[test]
    fn retry_settings_come_from_the_environment_then_the_profile_and_code_wins() {
        use crate::provider_env::ProviderEnv;
        let load = |builder: ConfigBuilder, vars: &[(&str, &str)], profile: &str| {
            let mut all = vec![("HOME".to_owned(), "/home/me".to_owned()), ("AWS_REGION".to_owned(), "us-east-1".to_owned())];
            all.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
            let config = format!("[default]\n{profile}");
            let files = [(std::path::PathBuf::from("/home/me/.aws/config"), config.into_bytes())];
            block_on(builder.load_for("AWS_ENDPOINT_URL_X", ProviderEnv::given(all, files))).build()
        };
        let attempts = |config: &Config| config.retry_config().max_attempts();
        // The profile alone; its mode, in any case.
        let config = load(Config::builder(), &[], "max_attempts = 7\nretry_mode = Standard\n");
        assert_eq!((attempts(&config), config.invalid_retry.as_deref()), (7, None));
        let config = load(Config::builder(), &[], "retry_mode = adaptive\n");
        assert_eq!((attempts(&config), config.invalid_retry.as_deref()), (3, None));
        // The environment wins over the profile, read by `load` itself or
        // by `from_env` before it.
        let config = load(Config::builder(), &[("AWS_MAX_ATTEMPTS", "5")], "max_attempts = 7\n");
        assert_eq!(attempts(&config), 5);
        let from_env = Config::from_env_source_for("X", &[], vars(&[("AWS_MAX_ATTEMPTS", " 4 ")]));
        assert_eq!(attempts(&load(from_env, &[], "max_attempts = 7\n")), 4);
        // Code wins over both, and over their invalid values.
        let set = Config::builder().retry_config(RetryConfig::standard().with_max_attempts(2));
        let config = load(set, &[("AWS_MAX_ATTEMPTS", "0")], "max_attempts = 7\nretry_mode = legacy\n");
        assert_eq!((attempts(&config), config.invalid_retry.as_deref()), (2, None));
        let fixed = Config::from_env_source_for("X", &[], vars(&[("AWS_RETRY_MODE", "legacy")])).retry_config(RetryConfig::disabled());
        assert_eq!(load(fixed, &[], "").invalid_retry, None);
        // Invalid values, as aws-config refuses them: an error naming the
        // source; an invalid variable is not replaced by the profile's value.
        let invalid = |vars: &[(&str, &str)], profile: &str| {
            load(Config::builder(), vars, profile).invalid_retry.expect("an invalid setting")
        };
        let message = invalid(&[("AWS_MAX_ATTEMPTS", "0")], "max_attempts = 7\n");
        assert!(message.contains("AWS_MAX_ATTEMPTS is `0`") && message.contains("at least 1"), "{message}");
        let message = invalid(&[], "max_attempts = potato\n");
        assert!(message.contains("`max_attempts` of profile `default` is `potato`"), "{message}");
        let message = invalid(&[], "max_attempts = -1\n");
        assert!(message.contains("is `-1`"), "{message}");
        let message = invalid(&[("AWS_RETRY_MODE", "legacy")], "retry_mode = standard\n");
        assert!(message.contains("AWS_RETRY_MODE is `legacy`") && message.contains("`standard` or `adaptive`"), "{message}");
        let message = invalid(&[("AWS_PROFILE", "default")], "retry_mode = sometimes\n");
        assert!(message.contains("`retry_mode` of profile `default` is `sometimes`"), "{message}");
        // `from_env` alone reads the environment's the same way.
        let config = Config::from_env_source_for("X", &[], vars(&[("AWS_MAX_ATTEMPTS", "many")])).build();
        assert!(config.invalid_retry.as_deref().is_some_and(|m| m.contains("AWS_MAX_ATTEMPTS is `many`")));
        assert_eq!(attempts(&Config::from_env_source_for("X", &[], vars(&[("AWS_MAX_ATTEMPTS", "1")])).build()), 1);
        // Derived configurations keep the error until code sets the retries.
        assert!(config.to_builder().build().invalid_retry.is_some());
        assert_eq!(config.to_builder().retry_config(RetryConfig::standard()).build().invalid_retry, None);
    }

    #[cfg(feature = "credentials-chain")]
    #[test]
    fn sts_regional_endpoints_come_from_the_environment_then_the_profile_and_code_wins() {
        use crate::provider_env::ProviderEnv;
        let load = |builder: ConfigBuilder, vars: &[(&str, &str)], profile: &str| {
            let mut all = vec![("HOME".to_owned(), "/home/me".to_owned()), ("AWS_REGION".to_owned(), "us-east-1".to_owned())];
            all.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
            let files = [(std::path::PathBuf::from("/home/me/.aws/config"), format!("[default]\n{profile}").into_bytes())];
            block_on(builder.load_for("AWS_ENDPOINT_URL_X", ProviderEnv::given(all, files))).build()
        };
        let setting = |config: &Config| config.sts_global_endpoint_setting();
        assert_eq!(setting(&load(Config::builder(), &[], "")), Ok(None));
        assert_eq!(setting(&load(Config::builder(), &[], "sts_regional_endpoints = legacy\n")), Ok(Some(true)));
        assert_eq!(setting(&load(Config::builder(), &[], "sts_regional_endpoints = Regional\n")), Ok(Some(false)));
        // The environment wins over the profile, read by `from_env` or by `load`.
        let env = [("AWS_STS_REGIONAL_ENDPOINTS", "REGIONAL")];
        assert_eq!(setting(&load(Config::builder(), &env, "sts_regional_endpoints = legacy\n")), Ok(Some(false)));
        let from_env = Config::from_env_source_for("X", &[], vars(&[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")]));
        assert_eq!(from_env.clone().build().sts_use_global_endpoint(), Some(true));
        assert_eq!(setting(&load(from_env, &[], "sts_regional_endpoints = regional\n")), Ok(Some(true)));
        // Code wins over both, invalid or not.
        let set = Config::builder().sts_use_global_endpoint(true);
        assert_eq!(setting(&load(set, &env, "sts_regional_endpoints = regional\n")), Ok(Some(true)));
        let invalid_env = Config::from_env_source_for("X", &[], vars(&[("AWS_STS_REGIONAL_ENDPOINTS", "global")]));
        assert_eq!(setting(&invalid_env.clone().sts_use_global_endpoint(false).build()), Ok(Some(false)));
        // Invalid values: an error naming the source, not the profile's value.
        let message = setting(&load(invalid_env, &[], "sts_regional_endpoints = legacy\n")).unwrap_err();
        assert!(message.contains("AWS_STS_REGIONAL_ENDPOINTS is `global`, which is neither `legacy` nor `regional`"), "{message}");
        let config = load(Config::builder(), &[], "sts_regional_endpoints = yes\n");
        let message = setting(&config).unwrap_err();
        assert!(message.contains("`sts_regional_endpoints` of profile `default` is `yes`"), "{message}");
        assert_eq!(config.sts_use_global_endpoint(), None);
        // Derived configurations keep it.
        assert!(setting(&config.to_builder().build()).is_err());
        let legacy = load(Config::builder(), &[], "sts_regional_endpoints = legacy\n");
        assert_eq!(legacy.to_builder().build().sts_use_global_endpoint(), Some(true));
    }

    /// `load` can run in a spawned task: its future is `Send` (a compile-time check).
    #[cfg(feature = "credentials-chain")]
    #[test]
    fn loading_can_be_spawned() {
        fn spawnable<T: Send + 'static>(_: &T) {}
        let future = ConfigBuilder::default().load_for("X", crate::provider_env::ProviderEnv::given([], []));
        spawnable(&future);
    }

    #[test]
    fn random_uuids_are_version_4_and_differ() {
        let a = random_uuid_v4();
        let b = random_uuid_v4();
        assert_ne!(a, b);
        for uuid in [&a, &b] {
            let parts: Vec<&str> = uuid.split('-').collect();
            assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{uuid}");
            assert!(parts[2].starts_with('4'), "{uuid}");
            assert!(parts[3].starts_with(['8', '9', 'a', 'b']), "{uuid}");
            assert!(uuid.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        }
    }

    #[test]
    fn account_id_endpoint_modes_parse_and_come_from_the_environment() {
        assert_eq!(Config::builder().build().account_id_endpoint_mode(), AccountIdEndpointMode::Preferred);
        for mode in [AccountIdEndpointMode::Preferred, AccountIdEndpointMode::Disabled, AccountIdEndpointMode::Required] {
            assert_eq!(mode.as_str().parse::<AccountIdEndpointMode>(), Ok(mode));
            assert_eq!(mode.as_str().to_ascii_uppercase().parse::<AccountIdEndpointMode>(), Ok(mode));
        }
        assert!("sometimes".parse::<AccountIdEndpointMode>().unwrap_err().contains("`sometimes`"));
        let env = |mode: &'static str| {
            move |name: &str| match name {
                "AWS_ACCOUNT_ID_ENDPOINT_MODE" => Some(mode.to_owned()),
                _ => None,
            }
        };
        let config = Config::from_env_source_for("AWS_ENDPOINT_URL_X", &[], env(" required ")).build();
        assert_eq!(config.account_id_endpoint_mode(), AccountIdEndpointMode::Required);
        assert_eq!(config.to_builder().build().account_id_endpoint_mode(), AccountIdEndpointMode::Required);
        // Not a mode: ignored, as aws-config does.
        let config = Config::from_env_source_for("AWS_ENDPOINT_URL_X", &[], env("sometimes")).build();
        assert_eq!(config.account_id_endpoint_mode(), AccountIdEndpointMode::Preferred);
    }

    #[test]
    fn credentials_carry_the_account_id_of_the_environment_or_the_builder() {
        let block_on = |config: Config| {
            let provider = config.credentials.clone().unwrap();
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            runtime.block_on(async move { provider.provide_credentials().await.unwrap() })
        };
        let env = |account: Option<&'static str>| {
            move |name: &str| match name {
                "AWS_ACCESS_KEY_ID" => Some("AKID".to_owned()),
                "AWS_SECRET_ACCESS_KEY" => Some("secret".to_owned()),
                "AWS_ACCOUNT_ID" => account.map(str::to_owned),
                _ => None,
            }
        };
        let credentials = block_on(Config::from_env_source_for("X", &[], env(Some("123456789012"))).build());
        assert_eq!(credentials.account_id().map(|a| a.as_str()), Some("123456789012"));
        assert_eq!(credentials.access_key_id(), "AKID");
        assert_eq!(block_on(Config::from_env_source_for("X", &[], env(None)).build()).account_id(), None);
        let config = Config::builder().static_credentials_with_account_id("AKID", "secret", "111111111111").build();
        assert_eq!(block_on(config).account_id().map(|a| a.as_str()), Some("111111111111"));
        assert_eq!(block_on(Config::builder().static_credentials("AKID", "secret").build()).account_id(), None);
    }

    /// The settings of a service with S3's: two booleans and the
    /// `legacy`/`regional` one.
    const S3_LIKE: &[EnvFlag] = &[
        ("AWS_S3_USE_ARN_REGION", "UseArnRegion", "true", "false"),
        ("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "DisableMultiRegionAccessPoints", "true", "false"),
        ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "UseGlobalEndpoint", "legacy", "regional"),
    ];

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> + Copy {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn endpoint_settings_come_from_the_environment_in_any_case() {
        let env = vars(&[
            ("AWS_S3_USE_ARN_REGION", " TRUE "),
            ("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "False"),
            ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "Legacy"),
        ]);
        let config = Config::from_env_source_for("X", S3_LIKE, env).build();
        assert_eq!(config.endpoint_flag("UseArnRegion"), Some(true));
        assert_eq!(config.endpoint_flag("DisableMultiRegionAccessPoints"), Some(false));
        assert_eq!(config.endpoint_flag("UseGlobalEndpoint"), Some(true));
        assert_eq!(config.endpoint_flags.invalid(), None);
        let regional = Config::from_env_source_for("X", S3_LIKE, vars(&[("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "regional")])).build();
        assert_eq!(regional.endpoint_flag("UseGlobalEndpoint"), Some(false));
        // Unset (or empty): the rules' default.
        let unset = Config::from_env_source_for("X", S3_LIKE, vars(&[("AWS_S3_USE_ARN_REGION", " ")])).build();
        assert_eq!(unset.endpoint_flags, EndpointFlags::default());
    }

    #[test]
    fn only_the_services_own_settings_are_read() {
        // A service without S3's settings ignores S3's variables.
        let env = vars(&[("AWS_S3_USE_ARN_REGION", "true"), ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "sometimes")]);
        let config = Config::from_env_source_for("X", &[], env).build();
        assert_eq!(config.endpoint_flags, EndpointFlags::default());
    }

    #[test]
    fn an_invalid_setting_is_an_error_naming_its_variable_unless_code_sets_it() {
        let env = vars(&[("AWS_S3_USE_ARN_REGION", "yes"), ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "global")]);
        let config = Config::from_env_source_for("X", S3_LIKE, env).build();
        let message = config.endpoint_flags.invalid().expect("an error");
        assert!(message.contains("AWS_S3_USE_ARN_REGION is `yes`"), "{message}");
        assert!(message.contains("`true` nor `false`"), "{message}");
        assert_eq!(config.endpoint_flag("UseArnRegion"), None);
        // Code wins over the environment, invalid or not.
        let fixed = Config::from_env_source_for("X", S3_LIKE, env).endpoint_flag("UseArnRegion", false).build();
        let message = fixed.endpoint_flags.invalid().expect("the other one");
        assert!(message.contains("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT is `global`"), "{message}");
        assert!(message.contains("`legacy` nor `regional`"), "{message}");
        let fixed = fixed.to_builder().endpoint_flag("UseGlobalEndpoint", false).build();
        assert_eq!(fixed.endpoint_flags.invalid(), None);
        assert_eq!(fixed.endpoint_flag("UseArnRegion"), Some(false));
        let env = vars(&[("AWS_S3_USE_ARN_REGION", "true")]);
        let set = Config::from_env_source_for("X", S3_LIKE, env).endpoint_flag("UseArnRegion", false).build();
        assert_eq!(set.endpoint_flag("UseArnRegion"), Some(false));
    }

    #[test]
    fn an_override_keeps_the_default_transport_unless_the_connect_timeout_changes() {
        let client = Config::builder().region("us-east-1").build();
        let (same, identity_changed) = client.overridden(client.to_builder().region("eu-west-1"));
        assert!(!identity_changed);
        assert_eq!(same.region(), Some("eu-west-1"));
        assert_eq!(client.region(), Some("us-east-1"));
        assert!(Arc::ptr_eq(&same.http_client, &client.http_client), "the connection pool is shared");
        // Derived again, the override's own transport is still the default one.
        assert!(same.default_http_client);
        let attempt = TimeoutConfig::standard().with_attempt_timeout(Some(Duration::from_secs(1)));
        let (shorter, _) = client.overridden(client.to_builder().timeout_config(attempt));
        assert!(Arc::ptr_eq(&shorter.http_client, &client.http_client), "the attempt timeout is not the transport's");
        let connect = TimeoutConfig::standard().with_connect_timeout(Some(Duration::from_millis(100)));
        let (other, _) = client.overridden(client.to_builder().timeout_config(connect));
        assert!(!Arc::ptr_eq(&other.http_client, &client.http_client), "a transport with the new connect timeout");
        assert!(other.default_http_client);
        // A transport set in code stays, whatever the override changes.
        let custom = Config::builder().http_client(crate::testing::TestTransport::new()).build();
        let (overridden, _) = custom.overridden(custom.to_builder().timeout_config(connect));
        assert!(Arc::ptr_eq(&overridden.http_client, &custom.http_client));
        assert!(!overridden.default_http_client);
        // Credentials or a token set in the override: its identities are its own.
        let (_, identity_changed) = client.overridden(client.to_builder().static_credentials("AKID", "SECRET"));
        assert!(identity_changed);
        let (_, identity_changed) = client.overridden(client.to_builder().token_provider(Token::new("token", None)));
        assert!(identity_changed);
    }

    #[test]
    fn the_idempotency_token_provider_is_configurable() {
        let config = Config::builder().idempotency_token_provider(|| "fixed".to_owned()).build();
        assert_eq!((config.idempotency_token)(), "fixed");
        assert_eq!((config.to_builder().build().idempotency_token)(), "fixed");
        assert_eq!((Config::builder().build().idempotency_token)().len(), 36);
    }
}

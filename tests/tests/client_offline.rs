//! The generated Omics client with the test transport and test clock:
//! signing pinned to an independently computed value, waiters, and
//! configuration from the environment.

use std::time::{Duration, SystemTime};

use omics::config::RetryConfig;
use omics::error::DisplayErrorContext;
use omics::operation::get_reference_import_job::GetReferenceImportJobError;
use omics::testing::{TestClock, TestTransport};
use omics::waiters::WaiterError;
use omics::{Client, Config};

/// 2024-03-01T12:00:00Z.
fn start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400)
}

fn job(status: &str) -> String {
    format!(
        r#"{{"id": "0123456789", "referenceStoreId": "1234567890", "roleArn": "arn:aws:iam::1:role/r",
            "status": "{status}", "creationTime": "2024-03-01T11:00:00Z", "sources": []}}"#
    )
}

fn client(transport: &TestTransport, clock: &TestClock) -> Client {
    let config = Config::builder()
        .region("us-west-2")
        .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .http_client(transport.clone())
        .time_source(clock.clone())
        .sleep_impl(clock.clone())
        .retry_config(RetryConfig::disabled())
        .build();
    Client::new(config)
}

#[tokio::test]
async fn signature_is_pinned() {
    let transport = TestTransport::new();
    transport.respond(200, job("COMPLETED"));
    let clock = TestClock::new(start());
    client(&transport, &clock).get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
    let request = &transport.requests()[0];
    assert_eq!(
        request.uri().to_string(),
        "https://control-storage-omics.us-west-2.amazonaws.com/referencestore/1234567890/importjob/0123456789",
        "endpoint from the model's rules, with the operation's host prefix"
    );
    // Computed independently (Python's hmac and hashlib, following the SigV4
    // specification) for this request, these credentials and this time.
    assert_eq!(
        request.headers()["authorization"],
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240301/us-west-2/omics/aws4_request, \
         SignedHeaders=host;x-amz-date, \
         Signature=a5c6342e144d6f4e35207a243afa0d9fa08282be66a233339944159b952efac7"
    );
}

#[tokio::test]
async fn session_tokens_are_sent() {
    let transport = TestTransport::new();
    transport.respond(200, job("COMPLETED"));
    let clock = TestClock::new(start());
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(omics::config::Credentials::new("AKID", "SECRET", Some("TOKEN".into()), None, "test"))
        .http_client(transport.clone())
        .time_source(clock)
        .build();
    Client::new(config).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap();
    let request = &transport.requests()[0];
    assert_eq!(request.headers()["x-amz-security-token"], "TOKEN");
    let authorization = request.headers()["authorization"].to_str().unwrap();
    assert!(authorization.contains("/eu-west-1/omics/aws4_request"), "{authorization}");
    assert!(authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token"), "{authorization}");
}

/// Timestamps in the forms services send instead of the model's (moto's
/// Kafka sends date-times without an offset, its API Gateway epoch
/// seconds), read through the client as botocore reads them; a timestamp
/// that is none of them is an unreadable response naming the member.
#[tokio::test]
async fn responses_with_timestamps_in_other_forms_are_read() {
    let transport = TestTransport::new();
    let body = |creation: &str, completion: &str| {
        format!(
            r#"{{"id": "0123456789", "referenceStoreId": "1234567890", "roleArn": "arn:aws:iam::1:role/r",
                "status": "COMPLETED", "creationTime": {creation}, "completionTime": {completion}, "sources": []}}"#
        )
    };
    transport.respond(200, body(r#""2024-03-01T11:00:00.014423""#, "1709294400"));
    transport.respond(200, body(r#""1709290800.5""#, "null"));
    transport.respond(200, body(r#""yesterday""#, "null"));
    let clock = TestClock::new(start());
    let client = client(&transport, &clock);
    let call = || client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send();
    let job = call().await.unwrap();
    let at = |seconds: i64, nanos: i128| {
        omics::time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(seconds) * 1_000_000_000 + nanos).unwrap()
    };
    assert_eq!(job.creation_time, at(1_709_290_800, 14_423_000), "no offset: UTC");
    assert_eq!(job.completion_time, Some(at(1_709_294_400, 0)), "epoch seconds where a date-time is expected");
    assert_eq!(call().await.unwrap().creation_time, at(1_709_290_800, 500_000_000));
    let error = call().await.unwrap_err();
    assert!(matches!(error, GetReferenceImportJobError::Unhandled(_)), "{error:?}");
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("GetReferenceImportJobOutput.creationTime: expected an RFC 3339 date-time"), "{text}");
    assert_eq!(transport.remaining(), 0);
}

#[tokio::test]
async fn waiter_reaches_success() {
    let transport = TestTransport::new();
    for status in ["SUBMITTED", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"] {
        transport.respond(200, job(status));
    }
    let clock = TestClock::new(start());
    let done = client(&transport, &clock)
        .wait_until_reference_import_job_completed()
        .reference_store_id("1234567890")
        .id("0123456789")
        .wait(Duration::from_secs(3600))
        .await
        .expect("completed");
    assert_eq!(done.attempts(), 4);
    assert_eq!(done.output().map(|o| o.status.as_str()), Some("COMPLETED"));
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 3);
    for (attempt, sleep) in sleeps.iter().enumerate() {
        let ceiling = Duration::from_secs(30 << attempt).min(Duration::from_secs(600));
        assert!(*sleep >= Duration::from_secs(30) && *sleep <= ceiling, "attempt {}: {sleep:?}", attempt + 1);
    }
}

#[tokio::test]
async fn waiter_reaches_a_failure_state() {
    let transport = TestTransport::new();
    transport.respond(200, job("IN_PROGRESS")).respond(200, job("COMPLETED_WITH_FAILURES"));
    let clock = TestClock::new(start());
    let err = client(&transport, &clock)
        .wait_until_reference_import_job_completed()
        .reference_store_id("1")
        .id("2")
        .wait(Duration::from_secs(3600))
        .await
        .unwrap_err();
    assert!(matches!(&err, WaiterError::FailureState { attempts: 2, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "waiter ReferenceImportJobCompleted reached a failure state (`status == \"COMPLETED_WITH_FAILURES\"`) after 2 attempt(s)"
    );
}

#[tokio::test]
async fn waiter_gives_up_at_its_maximum_wait() {
    let transport = TestTransport::new();
    for _ in 0..100 {
        transport.respond(200, job("IN_PROGRESS"));
    }
    let clock = TestClock::new(start());
    let err = client(&transport, &clock)
        .wait_until_reference_import_job_completed()
        .reference_store_id("1")
        .id("2")
        .wait(Duration::from_secs(300))
        .await
        .unwrap_err();
    let WaiterError::ExceededMaxWait { elapsed, attempts, .. } = &err else { panic!("{err:?}") };
    assert!(*elapsed <= Duration::from_secs(300), "{elapsed:?}");
    assert!(*attempts >= 2 && *attempts < 20, "{attempts}");
    assert_eq!(clock.now_elapsed(start()), *elapsed);
    assert!(err.to_string().starts_with("waiter ReferenceImportJobCompleted gave up"), "{err}");
}

#[tokio::test]
async fn waiter_stops_on_an_unexpected_error() {
    let transport = TestTransport::new();
    transport.respond_with(
        http::Response::builder()
            .status(404)
            .header("x-amzn-errortype", "ResourceNotFoundException")
            .body(bytes::Bytes::from_static(br#"{"message": "no job"}"#))
            .unwrap(),
    );
    let clock = TestClock::new(start());
    let err = client(&transport, &clock)
        .wait_until_reference_import_job_completed()
        .reference_store_id("1")
        .id("2")
        .wait(Duration::from_secs(3600))
        .await
        .unwrap_err();
    let WaiterError::OperationFailed { error, attempts: 1, .. } = &err else { panic!("{err:?}") };
    assert!(matches!(error, GetReferenceImportJobError::ResourceNotFoundException(_)));
    assert_eq!(err.to_string(), "waiter ReferenceImportJobCompleted stopped on an unexpected error after 1 attempt(s)");
    assert_eq!(
        DisplayErrorContext(&err).to_string(),
        "waiter ReferenceImportJobCompleted stopped on an unexpected error after 1 attempt(s): \
         ResourceNotFoundException: no job (HTTP 404)"
    );
}

#[tokio::test]
async fn a_waiter_stopped_by_a_transport_error_prints_each_layer_once() {
    let transport = TestTransport::new();
    transport.fail(omics::transport::TransportErrorKind::Other);
    let clock = TestClock::new(start());
    let err = client(&transport, &clock)
        .wait_until_reference_import_job_completed()
        .reference_store_id("1")
        .id("2")
        .wait(Duration::from_secs(3600))
        .await
        .unwrap_err();
    assert!(matches!(&err, WaiterError::OperationFailed { error: GetReferenceImportJobError::Unhandled(_), .. }), "{err:?}");
    // The waiter, the operation error (transparent), `Unhandled`,
    // `TransportError` and its cause: four texts, each once.
    let expected = "waiter ReferenceImportJobCompleted stopped on an unexpected error after 1 attempt(s): \
                    request failed: transport error: simulated by TestTransport";
    assert_eq!(DisplayErrorContext(&err).to_string(), expected);
    assert_eq!(format!("{:#}", anyhow::Error::from(err)), expected);
}

#[tokio::test]
async fn connection_failures_are_retried_but_other_transport_errors_are_not() {
    let transport = TestTransport::new();
    transport.fail(omics::transport::TransportErrorKind::Connect).respond(200, job("COMPLETED"));
    let clock = TestClock::new(start());
    let config = Config::builder()
        .region("us-west-2")
        .static_credentials("AKID", "SECRET")
        .http_client(transport.clone())
        .time_source(clock.clone())
        .sleep_impl(clock.clone())
        .build();
    let client = Client::new(config);
    client.get_reference_import_job().reference_store_id("1").id("2").send().await.expect("retried");
    assert_eq!(transport.requests().len(), 2);
    assert_eq!(clock.sleeps().len(), 1, "one backoff");

    transport.fail(omics::transport::TransportErrorKind::Other).respond(200, job("COMPLETED"));
    let err = client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert_eq!(err.to_string(), "request failed");
    let chain = DisplayErrorContext(&err).to_string();
    assert!(chain.starts_with("request failed: transport error: "), "{chain}");
    assert_eq!(transport.requests().len(), 3, "not retried");
}

#[tokio::test]
async fn waiter_max_wait_holds_with_a_fixed_time_source() {
    let transport = TestTransport::new();
    for _ in 0..100 {
        transport.respond(200, job("IN_PROGRESS"));
    }
    // The signing clock never moves; only the sleeps count.
    let sleeper = TestClock::new(start());
    let config = Config::builder()
        .region("us-west-2")
        .static_credentials("AKID", "SECRET")
        .http_client(transport.clone())
        .time_source(TestClock::new(start()))
        .sleep_impl(sleeper.clone())
        .build();
    let err = Client::new(config)
        .wait_until_reference_import_job_completed()
        .reference_store_id("1")
        .id("2")
        .wait(Duration::from_secs(120))
        .await
        .unwrap_err();
    assert!(matches!(err, WaiterError::ExceededMaxWait { .. }), "{err:?}");
    let slept: Duration = sleeper.sleeps().iter().sum();
    assert!(slept <= Duration::from_secs(120), "{slept:?}");
    assert!(transport.remaining() > 90, "stopped early, not when the responses ran out");
}

#[test]
fn config_from_the_environment() {
    let vars = [
        ("AWS_REGION", "eu-central-1"),
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "SECRET"),
        ("AWS_ENDPOINT_URL", "https://generic.example"),
        ("AWS_ENDPOINT_URL_OMICS", "https://omics.example"),
        ("AWS_MAX_ATTEMPTS", "5"),
    ];
    let lookup = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
    let config = Config::from_env_source(lookup).build();
    assert_eq!(config.region(), Some("eu-central-1"));
    assert_eq!(config.endpoint_url(), Some("https://omics.example"), "the service-specific variable wins");
    assert_eq!(config.retry_config().max_attempts(), 5);
    assert!(!format!("{config:?}").contains("SECRET"), "credentials never print");
    // The credentials come from the same variables.
    let transport = TestTransport::new();
    transport.respond(200, job("COMPLETED"));
    let config = Config::from_env_source(lookup).http_client(transport.clone()).build();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(Client::new(config).get_reference_import_job().reference_store_id("1").id("2").send()).unwrap();
    let authorization = transport.requests()[0].headers()["authorization"].to_str().unwrap().to_owned();
    assert!(authorization.contains("Credential=AKID/"), "{authorization}");
    assert!(authorization.contains("/eu-central-1/omics/"), "{authorization}");
    assert_eq!(transport.requests()[0].uri().host(), Some("control-storage-omics.example"));

    let generic = |name: &str| match name {
        "AWS_DEFAULT_REGION" => Some("ap-south-1".to_owned()),
        "AWS_ENDPOINT_URL" => Some("https://generic.example".to_owned()),
        _ => None,
    };
    let config = Config::from_env_source(generic).build();
    assert_eq!(config.region(), Some("ap-south-1"));
    assert_eq!(config.endpoint_url(), Some("https://generic.example"));

    let ignored = |name: &str| match name {
        "AWS_ENDPOINT_URL" => Some("https://generic.example".to_owned()),
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" => Some("true".to_owned()),
        _ => None,
    };
    assert_eq!(Config::from_env_source(ignored).build().endpoint_url(), None);
}

#[test]
fn default_timeouts_are_set() {
    let config = Config::builder().build();
    assert_eq!(config.timeout_config().connect_timeout(), Some(Duration::from_millis(3100)));
    assert_eq!(config.timeout_config().attempt_timeout(), Some(Duration::from_secs(60)));
    assert_eq!(config.retry_config().max_attempts(), 3);
}

#[tokio::test]
async fn missing_region_or_credentials_are_configuration_errors() {
    let transport = TestTransport::new();
    let config = Config::builder().static_credentials("A", "B").http_client(transport.clone()).build();
    let err = Client::new(config).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    // The model's rules need a region before signing would.
    assert_eq!(err.to_string(), "configuration error");
    assert_eq!(
        DisplayErrorContext(&err).to_string(),
        "configuration error: cannot resolve the endpoint: Invalid Configuration: Missing Region"
    );
    let config = Config::builder().region("us-west-2").http_client(transport.clone()).build();
    let err = Client::new(config).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    let chain = DisplayErrorContext(&err).to_string();
    assert!(chain.starts_with("configuration error: no credentials provider is configured"), "{chain}");
    assert!(transport.requests().is_empty());
}

/// A client with retries (up to 3 attempts) on the test transport and clock.
fn retrying_client(transport: &TestTransport, clock: &TestClock) -> Client {
    let config = Config::builder()
        .region("us-west-2")
        .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .http_client(transport.clone())
        .time_source(clock.clone())
        .sleep_impl(clock.clone())
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(10)))
        .build();
    Client::new(config)
}

/// A response with this status, error code (or none) and `Date` (or none).
fn response(status: u16, code: Option<&str>, date: Option<&str>) -> http::Response<bytes::Bytes> {
    let mut builder = http::Response::builder().status(status).header("content-type", "application/json");
    if let Some(code) = code {
        builder = builder.header("x-amzn-errortype", code);
    }
    if let Some(date) = date {
        builder = builder.header("date", date);
    }
    let body = if status == 200 { job("COMPLETED") } else { r#"{"message": "Signature expired"}"#.to_owned() };
    builder.body(body.into()).unwrap()
}

fn amz_dates(transport: &TestTransport) -> Vec<String> {
    transport.requests().iter().map(|r| r.headers()["x-amz-date"].to_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_client_clock_ahead_of_the_service_is_corrected_back() {
    let transport = TestTransport::new();
    let behind = Some("Fri, 01 Mar 2024 11:00:00 GMT");
    transport.respond_with(response(403, Some("RequestTimeTooSkewed"), behind)).respond_with(response(200, None, behind));
    let clock = TestClock::new(start());
    let client = retrying_client(&transport, &clock);
    client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap();
    assert_eq!(amz_dates(&transport), ["20240301T120000Z", "20240301T110000Z"]);
    assert_eq!(clock.sleeps().len(), 1, "one backoff before the retry");
}

#[tokio::test]
async fn skew_refusals_are_retried_once_not_until_attempts_run_out() {
    let transport = TestTransport::new();
    // Each refusal's date is an hour later than the last (servers whose
    // clocks disagree): every one would correct the clock again.
    for date in ["Fri, 01 Mar 2024 13:00:00 GMT", "Fri, 01 Mar 2024 14:00:00 GMT", "Fri, 01 Mar 2024 15:00:00 GMT"] {
        transport.respond_with(response(403, Some("InvalidSignatureException"), Some(date)));
    }
    let clock = TestClock::new(start());
    let err = retrying_client(&transport, &clock).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert_eq!((err.code(), err.status()), (Some("InvalidSignatureException"), Some(403)));
    assert_eq!(amz_dates(&transport), ["20240301T120000Z", "20240301T130000Z"], "2 of 3 attempts");
    assert_eq!(transport.remaining(), 1);
}

#[tokio::test]
async fn skew_codes_without_a_skewed_date_and_other_codes_with_one_are_final() {
    let ahead = Some("Fri, 01 Mar 2024 13:00:00 GMT");
    let cases = [
        // Within the SDKs' threshold (4 minutes): not the clock's fault.
        response(403, Some("InvalidSignatureException"), Some("Fri, 01 Mar 2024 12:03:00 GMT")),
        // No date, or one a cache may have kept.
        response(403, Some("SignatureDoesNotMatch"), None),
        {
            let mut cached = response(403, Some("RequestExpired"), ahead);
            cached.headers_mut().insert("age", http::HeaderValue::from_static("20"));
            cached
        },
        // Skewed, but refused for another reason.
        response(400, Some("ValidationException"), ahead),
    ];
    for reply in cases {
        let transport = TestTransport::new();
        transport.respond_with(reply).respond_with(response(200, None, None));
        let clock = TestClock::new(start());
        retrying_client(&transport, &clock).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
        assert_eq!(transport.requests().len(), 1);
    }
}

/// A transport that takes `by` of the test clock's time to answer: a long
/// upload, or a slow operation.
#[derive(Debug)]
struct Slow {
    inner: TestTransport,
    clock: TestClock,
    by: Duration,
}

impl omics::transport::HttpClient for Slow {
    fn send(
        &self,
        request: omics::transport::HttpRequest,
    ) -> omics::transport::BoxFuture<'_, Result<omics::transport::HttpResponse, omics::transport::TransportError>> {
        Box::pin(async move {
            let response = self.inner.send(request).await;
            self.clock.advance(self.by);
            response
        })
    }
}

#[tokio::test]
async fn a_long_call_answered_with_an_accurate_date_leaves_the_clock_alone() {
    let transport = TestTransport::new();
    // Sent at 12:00 by both clocks; the server answers at 12:10, as the
    // response arrives: its `Date` says so.
    transport.respond_with(response(200, None, Some("Fri, 01 Mar 2024 12:10:00 GMT"))).respond_with(response(200, None, None));
    let clock = TestClock::new(start());
    let slow = Slow { inner: transport.clone(), clock: clock.clone(), by: Duration::from_secs(600) };
    let client = Client::new(
        Config::builder()
            .region("us-west-2")
            .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            .http_client(slow)
            .time_source(clock.clone())
            .sleep_impl(clock.clone())
            .build(),
    );
    for _ in 0..2 {
        client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap();
    }
    // The second request is signed at the client's time, uncorrected.
    assert_eq!(amz_dates(&transport), ["20240301T120000Z", "20240301T121000Z"]);
}

//! The generated Omics client end to end: a real HTTP server on 127.0.0.1,
//! the default hyper transport, SigV4, retries, timeouts and typed errors.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, SystemTime};

use omics::config::{RetryConfig, TimeoutConfig};
use omics::operation::get_reference_import_job::GetReferenceImportJobError;
use omics::testing::TestClock;
use omics::transport::HyperClient;
use omics::types::ReferenceImportJobStatus;
use omics::{Client, Config};
use tests::server::{Reply, TestServer};

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// 2024-03-01T12:00:00Z.
fn signing_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400)
}

const JOB: &str = r#"{
    "id": "0123456789",
    "referenceStoreId": "1234567890",
    "roleArn": "arn:aws:iam::123456789012:role/OmicsImport",
    "status": "IN_PROGRESS",
    "creationTime": "2024-03-01T11:59:00.250Z",
    "sources": [{"sourceFile": "s3://bucket/ref.fa", "status": "IN_PROGRESS", "name": "ref"}]
}"#;

/// A client for `server`, through the real transport: the prefixed host
/// name resolves to 127.0.0.1 so that the `Host` header keeps the prefix.
fn client(server: &TestServer) -> Client {
    client_with(server, |b| b)
}

fn client_with(server: &TestServer, configure: impl FnOnce(omics::config::ConfigBuilder) -> omics::config::ConfigBuilder) -> Client {
    let transport = HyperClient::builder()
        .connect_timeout(Duration::from_secs(2))
        .resolve("localhost", LOCAL)
        .resolve("control-storage-localhost", LOCAL)
        .build();
    let builder = Config::builder()
        .region("us-west-2")
        .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .endpoint_url(server.url())
        .time_source(TestClock::new(signing_time()))
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)))
        .http_client(transport);
    Client::new(configure(builder).build())
}

#[tokio::test]
async fn sends_a_signed_request_and_parses_the_output() {
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let output = client(&server)
        .get_reference_import_job()
        .reference_store_id("1234567890")
        .id("0123456789")
        .send()
        .await
        .expect("the call succeeds");
    assert_eq!(output.id, "0123456789");
    assert_eq!(output.status, ReferenceImportJobStatus::InProgress);
    assert_eq!(output.creation_time.millisecond(), 250);
    assert_eq!(output.sources[0].name.as_deref(), Some("ref"));
    assert_eq!(output.request_id(), Some("req-200"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/referencestore/1234567890/importjob/0123456789");
    assert_eq!(request.header("host"), Some(format!("control-storage-localhost:{}", server.port()).as_str()));
    assert_eq!(request.header("x-amz-date"), Some("20240301T120000Z"));
    let authorization = request.header("authorization").expect("signed");
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240301/us-west-2/omics/aws4_request, SignedHeaders=host;x-amz-date, Signature="),
        "{authorization}"
    );
    assert_eq!(request.header("user-agent"), Some("omics/0.1.0"));
    assert_eq!(request.header("content-type"), None, "a GET without a body has no content type");
    assert!(request.body.is_empty());
    assert_eq!(authorization, sigv4::authorization(request, "us-west-2", "omics"), "matches an independent SigV4");
}

#[tokio::test]
async fn labels_are_percent_encoded_and_cannot_change_the_path() {
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    client(&server).get_reference_import_job().reference_store_id("a/../b?c").id("x y#z").send().await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.target, "/referencestore/a%2F..%2Fb%3Fc/importjob/x%20y%23z");
    // The signature covers the path as sent (double-encoded in the canonical request).
    assert_eq!(request.header("authorization").unwrap(), sigv4::authorization(request, "us-west-2", "omics"));
}

#[tokio::test]
async fn invalid_input_fails_before_any_io() {
    let server = TestServer::start(vec![]).await;
    let client = client(&server);
    let err = client.get_reference_import_job().reference_store_id("1234567890").send().await.unwrap_err();
    assert!(matches!(&err, GetReferenceImportJobError::Unhandled(u) if u.kind() == omics::error::UnhandledKind::InvalidInput));
    assert!(err.to_string().contains("the required member `id` is not set"), "{err}");
    for bad in ["", ".", ".."] {
        let err = client.get_reference_import_job().reference_store_id(bad).id("0123456789").send().await.unwrap_err();
        assert!(
            err.to_string().contains("the member `referenceStoreId` is part of the request path and must not be empty, `.` or `..`"),
            "{bad:?}: {err}"
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn host_prefix_can_be_turned_off() {
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    client_with(&server, |b| b.inject_host_prefix(false))
        .get_reference_import_job()
        .reference_store_id("1234567890")
        .id("0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests()[0].header("host"), Some(format!("localhost:{}", server.port()).as_str()));
}

#[tokio::test]
async fn every_modeled_error_maps_to_its_variant() {
    let cases = [
        (403, "AccessDeniedException"),
        (500, "InternalServerException"),
        (408, "RequestTimeoutException"),
        (404, "ResourceNotFoundException"),
        (429, "ThrottlingException"),
        (400, "ValidationException"),
    ];
    for (status, code) in cases {
        // Retries off: each status is seen exactly once.
        let server = TestServer::start(vec![Reply::error(status, code, "it went wrong")]).await;
        let err = client_with(&server, |b| b.retry_config(RetryConfig::disabled()))
            .get_reference_import_job()
            .reference_store_id("1234567890")
            .id("0123456789")
            .send()
            .await
            .unwrap_err();
        let variant_ok = match (&err, code) {
            (GetReferenceImportJobError::AccessDeniedException(e), "AccessDeniedException") => e.message == "it went wrong",
            (GetReferenceImportJobError::InternalServerException(_), "InternalServerException") => true,
            (GetReferenceImportJobError::RequestTimeoutException(_), "RequestTimeoutException") => true,
            (GetReferenceImportJobError::ResourceNotFoundException(_), "ResourceNotFoundException") => true,
            (GetReferenceImportJobError::ThrottlingException(_), "ThrottlingException") => true,
            (GetReferenceImportJobError::ValidationException(_), "ValidationException") => true,
            _ => false,
        };
        assert!(variant_ok, "{status} {code} became {err:?}");
        assert_eq!((err.code(), err.message(), err.status()), (Some(code), Some("it went wrong"), Some(status)));
        let request_id = format!("req-{status}");
        assert_eq!(err.request_id(), Some(request_id.as_str()));
        assert_eq!(err.to_string(), format!("{code}: it went wrong (HTTP {status}, request id {request_id})"));
    }
}

#[tokio::test]
async fn error_code_from_the_body_and_unknown_codes() {
    let body = r#"{"__type": "com.amazonaws.omics#ResourceNotFoundException", "message": "no such job"}"#;
    let server = TestServer::start(vec![Reply::json(404, body), Reply::json(409, r#"{"code": "ConflictException"}"#)]).await;
    let client = client(&server);
    let err = client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert!(matches!(err, GetReferenceImportJobError::ResourceNotFoundException(_)), "{err:?}");
    let err = client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert!(matches!(&err, GetReferenceImportJobError::Unhandled(u) if u.kind() == omics::error::UnhandledKind::Service));
    assert_eq!((err.code(), err.status()), (Some("ConflictException"), Some(409)));
}

#[tokio::test]
async fn throttling_is_retried() {
    let server = TestServer::start(vec![Reply::error(429, "ThrottlingException", "slow down"), Reply::json(200, JOB)]).await;
    let output = client(&server).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap();
    assert_eq!(output.id, "0123456789");
    assert_eq!(server.requests().len(), 2, "one retry");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::start(vec![Reply::error(400, "ValidationException", "bad"), Reply::json(200, JOB)]).await;
    let err = client(&server).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert!(matches!(err, GetReferenceImportJobError::ValidationException(_)));
    assert_eq!(server.requests().len(), 1, "a 400 is final");
}

#[tokio::test]
async fn server_errors_are_retried_up_to_the_limit() {
    let replies = vec![Reply::error(500, "InternalServerException", "boom"); 5];
    let server = TestServer::start(replies).await;
    let err = client(&server).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert!(matches!(err, GetReferenceImportJobError::InternalServerException(_)));
    assert_eq!(server.requests().len(), 3, "3 attempts by default");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = TestServer::start(vec![Reply::Hang, Reply::Hang]).await;
    let started = std::time::Instant::now();
    let err = client_with(&server, |b| {
        b.timeout_config(TimeoutConfig::standard().with_attempt_timeout(Some(Duration::from_millis(300))))
            .retry_config(RetryConfig::standard().with_max_attempts(2).with_initial_backoff(Duration::from_millis(1)))
    })
    .get_reference_import_job()
    .reference_store_id("1")
    .id("2")
    .send()
    .await
    .unwrap_err();
    assert!(matches!(&err, GetReferenceImportJobError::Unhandled(u) if u.is_timeout()), "{err:?}");
    assert!(err.to_string().contains("timed out after 300ms"), "{err}");
    assert_eq!(server.requests().len(), 2, "a timeout is retried");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn truncated_and_malformed_bodies_are_typed_errors() {
    let html = Reply::Respond {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        body: b"<html><body>502 Bad Gateway</body></html>".to_vec(),
    };
    let server = TestServer::start(vec![Reply::json(200, &JOB[..60]), Reply::json(200, "[1, 2]"), html]).await;
    let client = client_with(&server, |b| b.retry_config(RetryConfig::disabled()));
    for _ in 0..2 {
        let err = client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
        assert!(matches!(&err, GetReferenceImportJobError::Unhandled(u) if u.kind() == omics::error::UnhandledKind::Response), "{err:?}");
        assert_eq!(err.status(), Some(200));
        assert!(err.to_string().starts_with("unreadable response: "), "{err}");
    }
    let err = client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert!(matches!(&err, GetReferenceImportJobError::Unhandled(u) if u.kind() == omics::error::UnhandledKind::Service), "{err:?}");
    assert_eq!((err.status(), err.code()), (Some(502), None));
    assert_eq!(err.to_string(), "service error (HTTP 502)");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = Config::builder()
        .region("us-west-2")
        .static_credentials("AKID", "SECRET")
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .inject_host_prefix(false)
        .retry_config(RetryConfig::disabled())
        .build();
    let err = Client::new(config).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert!(matches!(&err, GetReferenceImportJobError::Unhandled(u) if u.kind() == omics::error::UnhandledKind::Transport), "{err:?}");
    assert!(err.to_string().starts_with("request failed: could not connect"), "{err}");
}

/// An independent SigV4 implementation (from the AWS specification, with
/// `hmac` and `sha2`), to check the signatures `aws-sigv4` produces.
mod sigv4 {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::{Digest, Sha256};
    use tests::server::Recorded;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn hmac(key: &[u8], data: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// Percent-encodes each path segment again (services other than S3 sign
    /// the doubly-encoded path).
    fn double_encode(path: &str) -> String {
        path.split('/')
            .map(|segment| {
                segment
                    .bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                        _ => format!("%{b:02X}"),
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    pub fn authorization(request: &Recorded, region: &str, service: &str) -> String {
        const KEY_ID: &str = "AKIDEXAMPLE";
        const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        let amz_date = request.header("x-amz-date").expect("x-amz-date");
        let date = &amz_date[..8];
        let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
        let signed = ["host", "x-amz-date"];
        let canonical_headers: String =
            signed.iter().map(|h| format!("{h}:{}\n", request.header(h).expect("signed header").trim())).collect();
        let payload = hex(&Sha256::digest(&request.body));
        let canonical_request = format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            request.method,
            double_encode(path),
            query,
            canonical_headers,
            signed.join(";"),
            payload
        );
        let scope = format!("{date}/{region}/{service}/aws4_request");
        let string_to_sign =
            format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical_request.as_bytes())));
        let mut key = hmac(format!("AWS4{SECRET}").as_bytes(), date);
        for part in [region, service, "aws4_request"] {
            key = hmac(&key, part);
        }
        let signature = hex(&hmac(&key, &string_to_sign));
        format!("AWS4-HMAC-SHA256 Credential={KEY_ID}/{scope}, SignedHeaders={}, Signature={signature}", signed.join(";"))
    }
}

#[tokio::test]
async fn a_paginated_list_over_three_pages() {
    let page = |ids: &[&str], next: Option<&str>| {
        let stores: Vec<String> = ids
            .iter()
            .map(|id| format!(r#"{{"id": "{id}", "arn": "arn:aws:omics:us-west-2:1:referenceStore/{id}", "creationTime": "2024-03-01T00:00:00Z"}}"#))
            .collect();
        let next = next.map(|t| format!(r#", "nextToken": "{t}""#)).unwrap_or_default();
        Reply::json(200, &format!(r#"{{"referenceStores": [{}]{next}}}"#, stores.join(", ")))
    };
    let server = TestServer::start(vec![
        page(&["1000000001", "1000000002"], Some("p2")),
        page(&["1000000003"], Some("p3")),
        page(&["1000000004"], None),
    ])
    .await;
    let ids: Vec<String> = client(&server)
        .list_reference_stores()
        .into_paginator()
        .page_size(2)
        .items()
        .collect_items()
        .await
        .expect("three pages")
        .into_iter()
        .map(|store| store.id)
        .collect();
    assert_eq!(ids, ["1000000001", "1000000002", "1000000003", "1000000004"]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        ["/referencestores?maxResults=2", "/referencestores?maxResults=2&nextToken=p2", "/referencestores?maxResults=2&nextToken=p3"]
    );
    for request in server.requests() {
        assert_eq!(request.method, "POST", "ListReferenceStores is a POST with a JSON body");
        let authorization = request.header("authorization").expect("signed");
        assert!(
            authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240301/us-west-2/omics/aws4_request"),
            "{authorization}"
        );
    }
}

/// Omics' `clientToken` carries no `@idempotencyToken` trait in the official
/// model, so the SDK leaves it out unless the caller sets it; so do we.
#[tokio::test]
async fn start_reference_import_job_sends_its_json_body() {
    let started = r#"{"id": "0123456789", "referenceStoreId": "1234567890", "roleArn": "arn:aws:iam::1:role/r",
        "status": "SUBMITTED", "creationTime": "2024-03-01T00:00:00Z"}"#;
    let server = TestServer::start(vec![Reply::json(200, started), Reply::json(200, started)]).await;
    let client = client(&server);
    let source = omics::types::StartReferenceImportJobSourceItem::builder()
        .source_file("s3://bucket/ref.fa")
        .name("ref")
        .build()
        .unwrap();
    let request = client
        .start_reference_import_job()
        .reference_store_id("1234567890")
        .role_arn("arn:aws:iam::1:role/r")
        .sources(vec![source]);
    let output = request.clone().send().await.unwrap();
    assert_eq!(output.id, "0123456789");
    request.client_token("chosen-by-me").send().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].target, "/referencestore/1234567890/importjob");
    let bodies: Vec<serde_json::Value> =
        requests.iter().map(|r| serde_json::from_slice(&r.body).expect("a JSON body")).collect();
    assert_eq!(bodies[0].get("clientToken"), None);
    assert_eq!(bodies[1]["clientToken"], "chosen-by-me");
    assert_eq!(bodies[0]["roleArn"], "arn:aws:iam::1:role/r");
    assert_eq!(bodies[0]["sources"][0]["sourceFile"], "s3://bucket/ref.fa");
    assert_eq!(bodies[0]["sources"][0]["name"], "ref");
}

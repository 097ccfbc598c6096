//! The generated Omics client end to end: a real HTTP server on 127.0.0.1,
//! the default hyper transport, SigV4, retries, timeouts and typed errors.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use omics::config::{RetryConfig, TimeoutConfig};
use omics::error::DisplayErrorContext;
use omics::operation::get_reference_import_job::GetReferenceImportJobError;
use omics::testing::TestClock;
use omics::transport::HyperClient;
use omics::types::ReferenceImportJobStatus;
use omics::{Client, Config};
use fixture_payloads::event_stream::{HeaderValue, Message};
use fixture_payloads::primitives::ByteStream;
use fixture_payloads::types::{Feed, FeedError};
use tests::sigv4;
use tests::server::{pattern, Reply, TestServer};
use tokio::sync::Notify;

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
        .resolve("storage-localhost", LOCAL)
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
    assert_eq!(err.to_string(), "invalid input");
    let chain = DisplayErrorContext(&err).to_string();
    assert!(chain.starts_with("invalid input: cannot build `GetReferenceImportJobInput`: the required member `id` is not set"), "{chain}");
    for bad in ["", ".", ".."] {
        let err = client.get_reference_import_job().reference_store_id(bad).id("0123456789").send().await.unwrap_err();
        let chain = DisplayErrorContext(&err).to_string();
        assert!(
            chain.contains("the member `referenceStoreId` is part of the request path and must not be empty, `.` or `..`"),
            "{bad:?}: {chain}"
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

/// The server's clock in the clock skew tests: an hour ahead of the client's
/// (`signing_time`).
const SERVER_DATE: &str = "Fri, 01 Mar 2024 13:00:00 GMT";

/// `reply` with a `Date` header.
fn dated(reply: Reply, date: &str) -> Reply {
    match reply {
        Reply::Respond { status, mut headers, body } => {
            headers.push(("date".into(), date.into()));
            Reply::Respond { status, headers, body }
        }
        other => other,
    }
}

#[tokio::test]
async fn a_signature_refused_for_clock_skew_is_retried_once_at_the_corrected_time() {
    let refused = dated(Reply::error(403, "InvalidSignatureException", "Signature expired"), SERVER_DATE);
    let ok = dated(Reply::json(200, JOB), SERVER_DATE);
    let server = TestServer::start(vec![refused.clone(), ok.clone(), ok, refused.clone(), refused]).await;
    let client = client(&server);
    let call = || client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send();
    call().await.expect("the second attempt, at the corrected time, succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("x-amz-date"), Some("20240301T120000Z"), "the client's clock");
    assert_eq!(requests[1].header("x-amz-date"), Some("20240301T130000Z"), "the server's clock");
    assert_eq!(
        requests[1].header("authorization").unwrap(),
        sigv4::authorization(&requests[1], "us-west-2", "omics"),
        "signed at the corrected time"
    );
    assert!(requests[1].header("authorization").unwrap().contains("/20240301/us-west-2/omics/aws4_request"));
    // The client keeps the correction: the next call's first attempt uses it.
    call().await.unwrap();
    assert_eq!(server.requests()[2].header("x-amz-date"), Some("20240301T130000Z"));
    // A refusal of a signature made at the corrected time is not skew: final.
    let err = call().await.unwrap_err();
    assert_eq!((err.code(), err.status()), (Some("InvalidSignatureException"), Some(403)));
    assert_eq!(server.requests().len(), 4, "not retried");
}

#[tokio::test]
async fn a_signature_refusal_without_skew_is_not_retried() {
    // The server's clock agrees with the client's (within a minute), or says nothing.
    let near = dated(Reply::error(403, "InvalidSignatureException", "bad signature"), "Fri, 01 Mar 2024 12:01:00 GMT");
    let undated = Reply::error(403, "SignatureDoesNotMatch", "bad signature");
    let server = TestServer::start(vec![near, undated, Reply::json(200, JOB)]).await;
    let client = client(&server);
    for code in ["InvalidSignatureException", "SignatureDoesNotMatch"] {
        let err = client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
        assert_eq!(err.code(), Some(code));
    }
    assert_eq!(server.requests().len(), 2, "each refusal is final");
    // A small skew is still applied: the next request is signed a minute later.
    client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap();
    assert_eq!(server.requests()[2].header("x-amz-date"), Some("20240301T120100Z"));
}

#[tokio::test]
async fn empty_bodies_say_their_length_only_for_methods_with_a_body() {
    let empty = || Reply::Respond { status: 200, headers: vec![], body: Vec::new() };
    let server = TestServer::start(vec![empty(), empty(), empty(), Reply::json(200, "{}")]).await;
    let payloads = payloads_client(&server);
    // PUT and POST without a payload; GET and DELETE without one.
    payloads.put_blob().key("k").send().await.unwrap();
    let _ = payloads.subscribe().topic("t").send().await;
    payloads.get_text().send().await.unwrap();
    client(&server).delete_reference().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
    let requests = server.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["PUT", "POST", "GET", "DELETE"]);
    assert!(requests.iter().all(|r| r.body.is_empty() && r.header("transfer-encoding").is_none()));
    let lengths: Vec<Option<&str>> = requests.iter().map(|r| r.header("content-length")).collect();
    assert_eq!(lengths, [Some("0"), Some("0"), None, None]);
    for (request, service) in requests.iter().zip(["payloads", "payloads", "payloads", "omics"]) {
        // A body in memory is signed by its hash: no x-amz-content-sha256.
        assert_eq!(request.header("x-amz-content-sha256"), None);
        assert_eq!(request.header("authorization").unwrap(), sigv4::authorization(request, "us-west-2", service));
    }
    assert!(requests[0].header("authorization").unwrap().contains("SignedHeaders=content-length;host;x-amz-date,"));
}

#[tokio::test]
async fn an_unsigned_payload_says_so_in_x_amz_content_sha256_and_signs_it() {
    let ok = || Reply::Respond { status: 200, headers: vec![], body: Vec::new() };
    let server = TestServer::start(vec![ok(), ok()]).await;
    let client = payloads_client(&server);
    // `@unsignedPayload`, with the body in memory.
    client.upload_part().key("obj").body(ByteStream::from(b"ACGT".to_vec())).send().await.unwrap();
    // A signed payload, for comparison.
    client.put_blob().key("k").data(b"ACGT".to_vec()).send().await.unwrap();
    let requests = server.requests();
    let (unsigned, signed) = (&requests[0], &requests[1]);
    assert_eq!((unsigned.body.as_slice(), signed.body.as_slice()), (&b"ACGT"[..], &b"ACGT"[..]));
    assert_eq!(unsigned.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    let authorization = unsigned.header("authorization").unwrap();
    assert!(authorization.contains(";host;x-amz-content-sha256;x-amz-date,"), "{authorization}");
    assert_eq!(authorization, sigv4::authorization_with_payload(unsigned, "us-west-2", "payloads", "UNSIGNED-PAYLOAD"));
    assert_eq!(signed.header("x-amz-content-sha256"), None);
    assert_eq!(signed.header("authorization").unwrap(), sigv4::authorization(signed, "us-west-2", "payloads"));
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
    assert_eq!(err.to_string(), "timed out");
    let chain = DisplayErrorContext(&err).to_string();
    assert_eq!(chain, "timed out: attempt 2 of GetReferenceImportJob did not complete within the attempt timeout of 300ms");
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
        assert_eq!(err.to_string(), "unreadable response (HTTP 200, request id req-200)");
        let chain = DisplayErrorContext(&err).to_string();
        assert!(chain.starts_with("unreadable response (HTTP 200, request id req-200): "), "the JSON error is the cause: {chain}");
    }
    let err = client.get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert!(matches!(&err, GetReferenceImportJobError::Unhandled(u) if u.kind() == omics::error::UnhandledKind::Service), "{err:?}");
    assert_eq!((err.status(), err.code()), (Some(502), None));
    assert_eq!(err.to_string(), "service error (HTTP 502)");
}

/// A call to a port nobody listens on (one that was free a moment ago).
async fn refused_call() -> GetReferenceImportJobError {
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
    Client::new(config).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err()
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let err = refused_call().await;
    assert!(matches!(&err, GetReferenceImportJobError::Unhandled(u) if u.kind() == omics::error::UnhandledKind::Transport), "{err:?}");
    assert_eq!(err.to_string(), "request failed");
    assert!(DisplayErrorContext(&err).to_string().starts_with("request failed: could not connect: "), "{}", DisplayErrorContext(&err));
}

/// How many times `needle` occurs in `text`.
fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[tokio::test]
async fn a_refused_connection_prints_each_layer_once() {
    let err = refused_call().await;
    // The operation error, `Unhandled`, `TransportError` and hyper's
    // errors down to the operating system's: each says its part once.
    let context = DisplayErrorContext(&err).to_string();
    let debug = format!("{:?}", DisplayErrorContext(&err));
    let anyhow = format!("{:#}", anyhow::Error::from(err));
    assert_eq!(anyhow, context, "anyhow and DisplayErrorContext walk the same chain");
    for text in [&anyhow, &context] {
        assert!(text.starts_with("request failed: could not connect: "), "{text}");
        for layer in ["request failed", "could not connect", "client error (Connect)", "Connection refused"] {
            assert_eq!(count(text, layer), 1, "{layer:?} in {text}");
        }
    }
    assert!(debug.starts_with(&format!("{context} (Unhandled(")), "the chain, then the error's Debug: {debug}");
}

#[tokio::test]
async fn a_download_cut_short_keeps_its_root_cause() {
    // A server that promises 100 bytes, sends 10 and closes the connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buffer = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the request ended early");
            head.extend_from_slice(&buffer[..n]);
        }
        stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\nconnection: close\r\n\r\n0123456789").await.unwrap();
        stream.shutdown().await.unwrap();
    });
    let config = Config::builder()
        .region("us-west-2")
        .static_credentials("AKID", "SECRET")
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .inject_host_prefix(false)
        .build();
    let client = Client::new(config);
    let output = client.get_reference().reference_store_id("1234567890").id("5987565360").part_number(1).send().await.unwrap();
    let error = output.payload.collect().await.unwrap_err();
    server.await.unwrap();
    assert_eq!(error.to_string(), "reading the body failed");
    let anyhow = format!("{:#}", anyhow::Error::from(error));
    assert!(anyhow.starts_with("reading the body failed: "), "{anyhow}");
    for layer in ["reading the body failed", "end of file before message length reached"] {
        assert_eq!(count(&anyhow, layer), 1, "{layer:?} in {anyhow}");
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
        .tags([("team", "genomics")])
        .build()
        .unwrap();
    let request = client
        .start_reference_import_job()
        .reference_store_id("1234567890")
        .role_arn("arn:aws:iam::1:role/r")
        .sources([source]);
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
    assert_eq!(bodies[0]["sources"][0]["tags"], serde_json::json!({"team": "genomics"}));
}

/// 9 MiB and a bit: more than any buffer along the way.
const DOWNLOAD_LENGTH: usize = 9 * 1024 * 1024 + 123;

#[tokio::test]
async fn a_download_larger_than_8_mib_is_read_chunk_by_chunk() {
    let gate = Arc::new(Notify::new());
    let reply = Reply::Stream {
        status: 200,
        headers: vec![("content-type".into(), "application/octet-stream".into()), ("x-amzn-requestid".into(), "req-dl".into())],
        length: DOWNLOAD_LENGTH,
        chunk: 64 * 1024,
        gate: gate.clone(),
    };
    let server = TestServer::start(vec![reply]).await;
    let client = client(&server);
    let request = client.get_reference().reference_store_id("1234567890").id("5987565360").part_number(1).range("bytes=0-");
    // The server holds the body back after its first chunk, until the test
    // has read that chunk: a client that buffered would wait forever.
    let mut output = tokio::time::timeout(Duration::from_secs(20), request.send())
        .await
        .expect("send() returns once the head has arrived")
        .expect("a successful download");
    assert_eq!(output.request_id(), Some("req-dl"));
    assert_eq!(output.payload.content_length(), Some(DOWNLOAD_LENGTH as u64));
    let first = tokio::time::timeout(Duration::from_secs(20), output.payload.next())
        .await
        .expect("the first chunk arrives before the rest of the body is sent")
        .expect("a first chunk")
        .expect("readable");
    assert!(!first.is_empty() && first.len() < DOWNLOAD_LENGTH);
    gate.notify_one();
    let (mut received, mut chunks, mut largest) = (0usize, 0usize, 0usize);
    let mut next = Some(Ok(first));
    while let Some(chunk) = next {
        let chunk = chunk.expect("readable");
        assert!(chunk.iter().enumerate().all(|(i, b)| *b == pattern(received + i)), "bytes in order at offset {received}");
        received += chunk.len();
        chunks += 1;
        largest = largest.max(chunk.len());
        next = output.payload.next().await;
    }
    assert_eq!(received, DOWNLOAD_LENGTH);
    assert!(chunks >= 9, "read in many chunks, got {chunks}");
    assert!(largest <= 1024 * 1024, "no chunk holds the body: the largest was {largest} bytes");
    let requests = server.requests();
    let request = &requests[0];
    assert_eq!((request.method.as_str(), request.target.as_str()), ("GET", "/referencestore/1234567890/reference/5987565360?partNumber=1"));
    assert_eq!(request.header("host"), Some(format!("storage-localhost:{}", server.port()).as_str()));
    assert_eq!(request.header("range"), Some("bytes=0-"));
    assert_eq!(request.header("authorization").unwrap(), sigv4::authorization(request, "us-west-2", "omics"));
}

#[tokio::test]
async fn a_failed_download_is_a_typed_error_and_a_small_one_collects() {
    // The model marks the range error retryable: every attempt gets it.
    let refused = Reply::error(416, "RangeNotSatisfiableException", "bad range");
    let small = Reply::Respond { status: 200, headers: vec![], body: b"ACGT".to_vec() };
    let server = TestServer::start(vec![small, refused.clone(), refused.clone(), refused]).await;
    let client = client(&server);
    let get = || client.get_reference().reference_store_id("1234567890").id("5987565360").part_number(1);
    let output = get().send().await.unwrap();
    assert_eq!(output.payload.collect().await.unwrap(), bytes::Bytes::from_static(b"ACGT"));
    let error = get().range("bytes=99-").send().await.unwrap_err();
    assert!(
        matches!(error, omics::operation::get_reference::GetReferenceError::RangeNotSatisfiableException(ref e) if e.message == "bad range"),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 4);
}

/// A stream of chunks made on demand, as a file reader would make them.
struct Chunks {
    next: usize,
    count: usize,
    size: usize,
}

impl futures_core::Stream for Chunks {
    type Item = Result<bytes::Bytes, std::io::Error>;

    fn poll_next(mut self: std::pin::Pin<&mut Self>, _cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        if self.next == self.count {
            return std::task::Poll::Ready(None);
        }
        let start = self.next * self.size;
        self.next += 1;
        let chunk: Vec<u8> = (start..start + self.size).map(pattern).collect();
        std::task::Poll::Ready(Some(Ok(chunk.into())))
    }
}

fn payloads_client(server: &TestServer) -> fixture_payloads::Client {
    let transport = fixture_payloads::transport::HyperClient::builder().resolve("localhost", LOCAL).build();
    let config = fixture_payloads::Config::builder()
        .region("us-west-2")
        .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .endpoint_url(server.url())
        .time_source(fixture_payloads::testing::TestClock::new(signing_time()))
        .retry_config(fixture_payloads::config::RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)))
        .http_client(transport)
        .build();
    fixture_payloads::Client::new(config)
}

#[tokio::test]
async fn an_upload_streams_its_body_with_its_length_and_an_unsigned_payload() {
    let etag = Reply::Respond { status: 200, headers: vec![("etag".into(), "\"e1\"".into())], body: Vec::new() };
    let server = TestServer::start(vec![etag]).await;
    let (count, size) = (3, 1024 * 1024);
    let body = ByteStream::from_stream_with_length(Chunks { next: 0, count, size }, (count * size) as u64);
    let output = payloads_client(&server).upload_part().key("obj").part_number(2).body(body).send().await.unwrap();
    assert_eq!(output.etag.as_deref(), Some("\"e1\""));
    let requests = server.requests();
    let request = &requests[0];
    assert_eq!((request.method.as_str(), request.target.as_str()), ("PUT", "/upload/obj?part=2"));
    assert_eq!(request.header("content-length"), Some("3145728"));
    assert_eq!(request.header("content-type"), Some("application/octet-stream"));
    assert_eq!(request.header("transfer-encoding"), None);
    assert_eq!(request.body.len(), count * size);
    assert!(request.body.iter().enumerate().all(|(i, b)| *b == pattern(i)), "the chunks in order");
    // `@unsignedPayload`: the signature covers the head, not the body, and
    // says so in a signed `x-amz-content-sha256`.
    assert_eq!(request.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    assert!(request.header("authorization").unwrap().contains(";x-amz-content-sha256;"));
    assert_eq!(
        request.header("authorization").unwrap(),
        sigv4::authorization_with_payload(request, "us-west-2", "payloads", "UNSIGNED-PAYLOAD")
    );
}

#[tokio::test]
async fn a_streamed_upload_is_sent_once_and_must_know_its_length() {
    let server = TestServer::start(vec![
        Reply::error(500, "InternalError", "try again"),
        Reply::error(500, "InternalError", "try again"),
        Reply::Respond { status: 200, headers: vec![], body: Vec::new() },
    ])
    .await;
    let client = payloads_client(&server);
    // A stream went with the first attempt: the 500 is not retried.
    let stream = ByteStream::from_stream_with_length(Chunks { next: 0, count: 2, size: 10 }, 20);
    let error = client.upload_part().key("obj").body(stream).send().await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(server.requests().len(), 1);
    // Bytes can be sent again: the next 500 is retried, and succeeds.
    client.upload_part().key("obj").body(ByteStream::from(vec![7u8; 20])).send().await.unwrap();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(server.requests()[2].body, vec![7u8; 20]);
    // `@requiresLength`: a stream of unknown length fails before any I/O.
    let unknown = ByteStream::from_stream(Chunks { next: 0, count: 1, size: 10 });
    let error = client.upload_part().key("obj").body(unknown).send().await.unwrap_err();
    let chain = fixture_payloads::error::DisplayErrorContext(&error).to_string();
    assert!(chain.starts_with("invalid input: ") && chain.contains("needs the length of `body`"), "{chain}");
    assert_eq!(server.requests().len(), 3);
}

/// Event stream messages as a service sends them.
fn event(event_type: &str, headers: Vec<(&str, HeaderValue)>, payload: &[u8]) -> Vec<u8> {
    let mut all = vec![(":message-type", HeaderValue::String("event".into())), (":event-type", HeaderValue::String(event_type.into()))];
    all.extend(headers);
    Message::encode(&all, payload).expect("short headers")
}

#[tokio::test]
async fn an_event_stream_is_read_event_by_event_until_its_exception() {
    let mut body = Vec::new();
    body.extend(event("chunk", vec![("seq", HeaderValue::Long(1)), ("kind", HeaderValue::String("text".into()))], b"first"));
    body.extend(event("chunk", vec![("seq", HeaderValue::Long(2))], b"second"));
    body.extend(event("newKind", vec![], b"{}"));
    body.extend(event("done", vec![(":content-type", HeaderValue::String("application/json".into()))], br#"{"count": 2}"#));
    body.extend(Message::encode(
        &[
            (":message-type", HeaderValue::String("exception".into())),
            (":exception-type", HeaderValue::String("overloaded".into())),
        ],
        br#"{"message": "slow down"}"#,
    )
    .expect("short headers"));
    let reply = Reply::Respond {
        status: 200,
        headers: vec![("content-type".into(), "application/vnd.amazon.eventstream".into()), ("x-session".into(), "s-1".into())],
        body,
    };
    let server = TestServer::start(vec![reply]).await;
    let mut output = payloads_client(&server).subscribe().topic("news").send().await.unwrap();
    assert_eq!(output.session.as_deref(), Some("s-1"));
    let mut chunks = Vec::new();
    let error = loop {
        match output.events.recv().await {
            Ok(Some(Feed::Chunk(chunk))) => {
                if chunk.seq == Some(1) {
                    assert_eq!(chunk.kind, Some(fixture_payloads::types::ChunkKind::Text), "an enum header");
                }
                chunks.push((chunk.seq, chunk.data.map(|d| d.into_inner())));
            }
            Ok(Some(Feed::Done(done))) => assert_eq!(done.count, Some(2)),
            Ok(Some(Feed::Unknown(unknown))) => assert_eq!(unknown.name(), "newKind"),
            Ok(Some(other)) => panic!("unexpected event {other:?}"),
            Ok(None) => panic!("the stream ended without its exception"),
            Err(error) => break error,
        }
    };
    assert_eq!(chunks, [(Some(1), Some(b"first".to_vec())), (Some(2), Some(b"second".to_vec()))]);
    assert!(matches!(&error, FeedError::OverloadedError(e) if e.message.as_deref() == Some("slow down")), "{error:?}");
    assert_eq!(error.code(), Some("OverloadedError"));
    assert!(output.events.recv().await.unwrap().is_none(), "nothing after the exception");
    let requests = server.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].target.as_str()), ("POST", "/subscribe/news"));
}

#[tokio::test]
async fn a_corrupt_or_truncated_event_stream_is_an_error_not_a_panic() {
    let good = event("done", vec![], br#"{"count": 1}"#);
    let mut corrupt = good.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 1;
    let truncated = good[..good.len() - 3].to_vec();
    for (what, body) in [("corrupt", corrupt), ("truncated", truncated)] {
        let reply = Reply::Respond { status: 200, headers: vec![("content-type".into(), "application/vnd.amazon.eventstream".into())], body };
        let server = TestServer::start(vec![reply]).await;
        let mut output = payloads_client(&server).subscribe().topic("t").send().await.unwrap();
        let error = output.events.recv().await.expect_err(what);
        assert!(matches!(&error, FeedError::Unhandled(u) if u.kind() == fixture_payloads::error::UnhandledKind::Response), "{what}: {error:?}");
    }
}

#[tokio::test]
async fn an_idempotency_token_is_filled_once_and_kept_across_retries() {
    let created = || Reply::json(200, r#"{"jobId": "j-1"}"#);
    let server = TestServer::start(vec![Reply::error(503, "ServiceUnavailable", "busy"), created(), created()]).await;
    let client = payloads_client(&server);
    let output = client.create_job().name("first").send().await.unwrap();
    assert_eq!(output.job_id, "j-1");
    client.create_job().name("second").client_token("mine").send().await.unwrap();
    let bodies: Vec<serde_json::Value> =
        server.requests().iter().map(|r| serde_json::from_slice(&r.body).expect("a JSON body")).collect();
    assert_eq!(bodies.len(), 3, "the 503 was retried once");
    let token = bodies[0]["clientToken"].as_str().expect("a token was filled in");
    // A UUID v4: 8-4-4-4-12 hex digits, version 4, RFC 4122 variant.
    let groups: Vec<&str> = token.split('-').collect();
    assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{token}");
    assert!(token.chars().all(|c| c == '-' || c.is_ascii_hexdigit()), "{token}");
    assert!(groups[2].starts_with('4') && "89ab".contains(&groups[3][..1]), "{token}");
    assert_eq!(bodies[1]["clientToken"], token, "the retry sends the same token");
    assert_eq!(bodies[2]["clientToken"], "mine", "a token the caller sets is kept");
}

#[tokio::test]
async fn a_file_part_is_streamed_from_disk_and_resent_on_retry() {
    let dir = std::env::temp_dir().join(format!("codegen-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("reads.bin");
    let content: Vec<u8> = (0..3 * 1024 * 1024 + 17).map(pattern).collect();
    std::fs::write(&path, &content).unwrap();
    let (offset, length) = (1024 * 1024 + 5, 2 * 1024 * 1024);
    let part = ByteStream::from_path_range(&path, offset as u64, length as u64).await.unwrap();
    assert_eq!(part.content_length(), Some(length as u64));
    let ok = Reply::Respond { status: 200, headers: vec![("etag".into(), "\"p2\"".into())], body: Vec::new() };
    let server = TestServer::start(vec![Reply::error(500, "InternalError", "try again"), ok]).await;
    let output = payloads_client(&server).upload_part().key("reads").part_number(2).body(part).send().await.unwrap();
    assert_eq!(output.etag.as_deref(), Some("\"p2\""));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "a file body is sent again after a 500");
    for request in &requests {
        assert_eq!(request.header("content-length"), Some(length.to_string().as_str()));
        assert!(request.body == content[offset..offset + length], "the part's bytes, in order");
    }
    let whole = ByteStream::from_path(&path).await.unwrap();
    assert_eq!(whole.collect().await.unwrap().len(), content.len());
    let beyond = ByteStream::from_path_range(&path, content.len() as u64 - 1, 2).await.unwrap_err();
    assert_eq!(beyond.kind(), std::io::ErrorKind::InvalidInput);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file that shrinks before it is sent fails the request on this side:
/// not a dead connection, so not sent again on another one.
#[tokio::test]
async fn a_file_that_shrinks_as_it_is_sent_is_not_resent() {
    let dir = std::env::temp_dir().join(format!("codegen-shrink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("part.bin");
    std::fs::write(&path, vec![7u8; 64 * 1024]).unwrap();
    let ok = Reply::Respond { status: 200, headers: vec![("etag".into(), "\"p\"".into())], body: Vec::new() };
    let server = TestServer::start_keep_alive(vec![ok; 3], usize::MAX).await;
    let client = payloads_client(&server);
    client.upload_part().key("reads").part_number(1).body(ByteStream::from("abc")).send().await.expect("the first part");
    // The connection is back in the pool: the next request reuses it.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let part = ByteStream::from_path(&path).await.unwrap();
    std::fs::write(&path, b"").unwrap();
    let error = client.upload_part().key("reads").part_number(2).body(part).send().await.unwrap_err();
    let chain = DisplayErrorContext(&error).to_string();
    assert!(chain.contains("the file became shorter while it was sent"), "{chain}");
    assert_eq!(server.connections(), 1, "not sent again on a new connection: {chain}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_download_that_stalls_fails_after_the_attempt_timeout() {
    // The server sends one chunk, then nothing (its gate never opens).
    let gate = Arc::new(Notify::new());
    let reply = Reply::Stream { status: 200, headers: vec![], length: 1024 * 1024, chunk: 1024, gate };
    let server = TestServer::start(vec![reply]).await;
    let client =
        client_with(&server, |b| b.timeout_config(TimeoutConfig::standard().with_attempt_timeout(Some(Duration::from_millis(300)))));
    let started = std::time::Instant::now();
    let mut output = client.get_reference().reference_store_id("1234567890").id("5987565360").part_number(1).send().await.unwrap();
    let mut received = 0;
    let error = loop {
        match output.payload.next().await {
            Some(Ok(chunk)) => received += chunk.len(),
            Some(Err(error)) => break error,
            None => panic!("the stalled body ended instead of failing"),
        }
    };
    assert_eq!(received, 1024, "the first chunk arrived");
    assert_eq!(DisplayErrorContext(&error).to_string(), "reading the body failed: no data arrived for 300ms (the attempt timeout)");
    assert!(started.elapsed() < Duration::from_secs(10));
}

// `Config::load`: the profile files and the default credential chain,
// through the generated client (variables and files given to `load_from`,
// so that nothing touches the process's environment).

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn file(path: &str, text: &str) -> (std::path::PathBuf, Vec<u8>) {
    (std::path::PathBuf::from(path), text.as_bytes().to_vec())
}

fn loopback_transport() -> HyperClient {
    HyperClient::builder()
        .connect_timeout(Duration::from_secs(2))
        .resolve("localhost", LOCAL)
        .resolve("control-storage-localhost", LOCAL)
        .build()
}

#[tokio::test]
async fn load_signs_with_the_profile_keys_in_the_profile_region() {
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let config = Config::builder()
        .endpoint_url(server.url())
        .time_source(TestClock::new(signing_time()))
        .http_client(loopback_transport())
        .load_from(
            vars(&[("HOME", "/home/me"), ("AWS_PROFILE", "dev")]),
            [
                file("/home/me/.aws/config", "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n"),
                file("/home/me/.aws/credentials", "[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile/secret\n"),
            ],
        )
        .await
        .build();
    Client::new(config).get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
    let request = &server.requests()[0];
    let authorization = request.header("authorization").expect("signed");
    assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDPROFILE/20240301/eu-west-1/omics/aws4_request"), "{authorization}");
    let expected = sigv4::authorization_with_keys(request, "eu-west-1", "omics", "AKIDPROFILE", "profile/secret");
    assert_eq!(authorization, expected, "matches an independent SigV4 with the profile's keys");
}

#[tokio::test]
async fn load_takes_instance_credentials_from_imds_once() {
    let text = |status: u16, body: &str| Reply::Respond {
        status,
        headers: vec![("content-type".into(), "text/plain".into())],
        body: body.as_bytes().to_vec(),
    };
    let imds = TestServer::start(vec![
        text(200, "imds-session-token"),
        text(200, "web-server-role\n"),
        text(
            200,
            r#"{"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "imds/secret",
                "Token": "imds-session", "Expiration": "2099-01-01T00:00:00Z"}"#,
        ),
    ])
    .await;
    let server = TestServer::start(vec![Reply::json(200, JOB), Reply::json(200, JOB)]).await;
    let config = Config::builder()
        .region("us-west-2")
        .endpoint_url(server.url())
        .time_source(TestClock::new(signing_time()))
        .http_client(loopback_transport())
        .load_from(vars(&[("HOME", "/nowhere"), ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url())]), [])
        .await
        .build();
    let client = Client::new(config);
    for _ in 0..2 {
        client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
    }
    let calls = imds.requests();
    assert_eq!(calls.len(), 3, "a token, the role and its credentials, once: {calls:?}");
    assert_eq!((calls[0].method.as_str(), calls[0].target.as_str()), ("PUT", "/latest/api/token"));
    assert_eq!(calls[0].header("x-aws-ec2-metadata-token-ttl-seconds"), Some("21600"));
    assert_eq!(calls[1].target, "/latest/meta-data/iam/security-credentials/");
    assert_eq!(calls[2].target, "/latest/meta-data/iam/security-credentials/web-server-role");
    assert!(calls[1..].iter().all(|c| c.header("x-aws-ec2-metadata-token") == Some("imds-session-token")));
    for request in server.requests() {
        assert_eq!(request.header("x-amz-security-token"), Some("imds-session"));
        let authorization = request.header("authorization").unwrap();
        assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=ASIAIMDS/20240301/us-west-2/omics/"), "{authorization}");
    }
}

#[tokio::test]
async fn load_runs_credential_process_and_reports_bad_profiles_before_any_request() {
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let process = r#"printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process/secret"}'"#;
    let config = Config::builder()
        .region("us-west-2")
        .endpoint_url(server.url())
        .time_source(TestClock::new(signing_time()))
        .http_client(loopback_transport())
        .load_from(vars(&[("HOME", "/home/me")]), [file("/home/me/.aws/config", &format!("[default]\ncredential_process = {process}\n"))])
        .await
        .build();
    Client::new(config).get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
    let authorization = server.requests()[0].header("authorization").unwrap().to_owned();
    assert!(authorization.contains("Credential=AKIDPROCESS/"), "{authorization}");

    // A profile file with a syntax error: the call fails naming the file
    // and the line, and nothing is sent.
    let untouched = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let config = Config::builder()
        .region("us-west-2")
        .endpoint_url(untouched.url())
        .http_client(loopback_transport())
        .load_from(vars(&[("HOME", "/home/me")]), [file("/home/me/.aws/config", "[default]\nregion = us-east-1\n[profile broken\n")])
        .await
        .build();
    let error = Client::new(config).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("/home/me/.aws/config:3: Profile definition must end with ']'"), "{text}");
    assert!(untouched.requests().is_empty());
}

/// STS's answer to AssumeRole and AssumeRoleWithWebIdentity, with these
/// credentials for the role of account 210987654321.
fn sts_reply(action: &str, key: &str, secret: &str, session: &str) -> Reply {
    let body = format!(
        r#"<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <{action}Result>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:chain</AssumedRoleId>
      <Arn>arn:aws:sts::210987654321:assumed-role/chain-role/chain</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>{key}</AccessKeyId>
      <SecretAccessKey>{secret}</SecretAccessKey>
      <SessionToken>{session}</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
  </{action}Result>
  <ResponseMetadata><RequestId>sts-request</RequestId></ResponseMetadata>
</{action}Response>"#
    );
    Reply::Respond { status: 200, headers: vec![("content-type".into(), "text/xml".into())], body: body.into_bytes() }
}

/// A form body's value of `name`, decoded.
fn form_value(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| pair.strip_prefix(&format!("{name}="))).map(sigv4::decode)
}

#[tokio::test]
async fn load_assumes_the_profile_role_with_sts_and_signs_with_its_credentials() {
    // A role assumed from a source profile's keys, then a second role
    // assumed from the first's credentials: STS is called twice, each time
    // signed with the credentials of the step before.
    let sts = TestServer::start(vec![
        sts_reply("AssumeRole", "ASIAFIRST", "first/secret", "first-session"),
        sts_reply("AssumeRole", "ASIASECOND", "second/secret", "second-session"),
    ])
    .await;
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let config = Config::builder()
        .endpoint_url(server.url())
        .time_source(TestClock::new(signing_time()))
        .http_client(loopback_transport())
        .load_from(
            vars(&[("HOME", "/home/me"), ("AWS_PROFILE", "admin"), ("AWS_ENDPOINT_URL_STS", &sts.url())]),
            [
                file(
                    "/home/me/.aws/config",
                    "[profile admin]\nregion = eu-west-1\nrole_arn = arn:aws:iam::210987654321:role/admin\nsource_profile = reader\n\
                     [profile reader]\nrole_arn = arn:aws:iam::210987654321:role/reader\nexternal_id = the-external-id\nsource_profile = base\n",
                ),
                file("/home/me/.aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base/secret\n"),
            ],
        )
        .await
        .build();
    Client::new(config).get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();

    let calls = sts.requests();
    assert_eq!(calls.len(), 2, "{calls:?}");
    // The first role, with the base keys, in the profile's region.
    assert_eq!(form_value(&calls[0].body, "Action").as_deref(), Some("AssumeRole"));
    assert_eq!(form_value(&calls[0].body, "RoleArn").as_deref(), Some("arn:aws:iam::210987654321:role/reader"));
    assert_eq!(form_value(&calls[0].body, "ExternalId").as_deref(), Some("the-external-id"));
    assert!(form_value(&calls[0].body, "RoleSessionName").is_some_and(|s| s.starts_with("assume-role-from-profile-")));
    let authorization = calls[0].header("authorization").expect("AssumeRole is signed");
    let expected = sigv4::authorization_with_keys(&calls[0], "eu-west-1", "sts", "AKIDBASE", "base/secret");
    assert_eq!(authorization, expected, "the first AssumeRole is signed with the base profile's keys");
    // The second, with the first role's credentials.
    assert_eq!(form_value(&calls[1].body, "RoleArn").as_deref(), Some("arn:aws:iam::210987654321:role/admin"));
    assert_eq!(calls[1].header("x-amz-security-token"), Some("first-session"));
    let expected = sigv4::authorization_with_keys(&calls[1], "eu-west-1", "sts", "ASIAFIRST", "first/secret");
    assert_eq!(calls[1].header("authorization"), Some(expected.as_str()));
    // The service call, with the last role's credentials.
    let request = &server.requests()[0];
    assert_eq!(request.header("x-amz-security-token"), Some("second-session"));
    let expected = sigv4::authorization_with_keys(request, "eu-west-1", "omics", "ASIASECOND", "second/secret");
    assert_eq!(request.header("authorization"), Some(expected.as_str()), "signed with the assumed role's credentials");
}

#[tokio::test]
async fn load_trades_a_web_identity_token_unsigned_and_reports_sts_errors_by_name() {
    let sts = TestServer::start(vec![
        sts_reply("AssumeRoleWithWebIdentity", "ASIAWEB", "web/secret", "web-session"),
        Reply::Respond {
            status: 400,
            headers: vec![("content-type".into(), "text/xml".into())],
            body: br#"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>the token is not valid</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"#.to_vec(),
        },
    ])
    .await;
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let load = |server_url: String| {
        let sts_url = sts.url();
        async move {
            Config::builder()
                .region("us-west-2")
                .endpoint_url(server_url)
                .time_source(TestClock::new(signing_time()))
                .http_client(loopback_transport())
                .load_from(
                    vars(&[
                        ("HOME", "/home/me"),
                        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"),
                        ("AWS_ROLE_ARN", "arn:aws:iam::210987654321:role/pod"),
                        ("AWS_ROLE_SESSION_NAME", "pod-session"),
                        ("AWS_ENDPOINT_URL_STS", &sts_url),
                    ]),
                    [file("/var/run/token", "header.payload.signature\n")],
                )
                .await
                .build()
        }
    };
    Client::new(load(server.url()).await).get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
    let call = &sts.requests()[0];
    assert_eq!(call.header("authorization"), None, "AssumeRoleWithWebIdentity is not signed");
    assert_eq!(form_value(&call.body, "WebIdentityToken").as_deref(), Some("header.payload.signature"));
    assert_eq!(form_value(&call.body, "RoleSessionName").as_deref(), Some("pod-session"));
    let request = &server.requests()[0];
    let expected = sigv4::authorization_with_keys(request, "us-west-2", "omics", "ASIAWEB", "web/secret");
    assert_eq!(request.header("authorization"), Some(expected.as_str()));

    // STS refuses the token: the call fails with STS's error, by its name.
    let untouched = TestServer::start(vec![]).await;
    let error = Client::new(load(untouched.url()).await).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("STS AssumeRoleWithWebIdentity of arn:aws:iam::210987654321:role/pod failed"), "{text}");
    assert!(text.contains("InvalidIdentityTokenException: the token is not valid"), "{text}");
    assert!(untouched.requests().is_empty());
}

#[tokio::test]
async fn load_takes_the_retry_settings_of_the_profile_unless_the_environment_or_code_set_them() {
    let profile = "[default]\nregion = us-west-2\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile/secret\n\
                   max_attempts = 2\nretry_mode = standard\n";
    let attempts = |env: &'static [(&'static str, &'static str)], retry: Option<RetryConfig>| async move {
        let server = TestServer::start(vec![Reply::error(500, "InternalServerException", "boom"); 6]).await;
        let mut builder = Config::builder()
            .endpoint_url(server.url())
            .time_source(TestClock::new(signing_time()))
            .http_client(loopback_transport());
        if let Some(retry) = retry {
            builder = builder.retry_config(retry);
        }
        let mut all = vec![("HOME", "/home/me")];
        all.extend_from_slice(env);
        let config = builder.load_from(vars(&all), [file("/home/me/.aws/config", profile)]).await.build();
        let backoff = config.retry_config().with_initial_backoff(Duration::from_millis(5));
        let client = Client::new(config.to_builder().retry_config(backoff).build());
        let error = client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap_err();
        assert!(matches!(error, GetReferenceImportJobError::InternalServerException(_)), "{error:?}");
        server.requests().len()
    };
    assert_eq!(attempts(&[], None).await, 2, "the profile's max_attempts");
    assert_eq!(attempts(&[("AWS_MAX_ATTEMPTS", "4")], None).await, 4, "the environment wins");
    let set = RetryConfig::standard().with_max_attempts(5);
    assert_eq!(attempts(&[("AWS_MAX_ATTEMPTS", "4")], Some(set)).await, 5, "code wins");

    // An invalid value fails the call before anything is sent, naming it.
    let untouched = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let config = Config::builder()
        .endpoint_url(untouched.url())
        .http_client(loopback_transport())
        .load_from(vars(&[("HOME", "/home/me"), ("AWS_RETRY_MODE", "legacy")]), [file("/home/me/.aws/config", profile)])
        .await
        .build();
    let error = Client::new(config).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("AWS_RETRY_MODE is `legacy`, which is not a retry mode"), "{text}");
    assert!(untouched.requests().is_empty());
}

/// A plain-text IMDS reply.
fn imds_text(status: u16, body: &str) -> Reply {
    Reply::Respond { status, headers: vec![("content-type".into(), "text/plain".into())], body: body.as_bytes().to_vec() }
}

#[tokio::test]
async fn load_takes_the_region_from_imds_last_and_gives_up_quickly() {
    let imds = TestServer::start(vec![imds_text(200, "imds-session-token"), imds_text(200, "ap-southeast-2\n")]).await;
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let config = Config::builder()
        .static_credentials("AKIDEXAMPLE", "secret")
        .endpoint_url(server.url())
        .time_source(TestClock::new(signing_time()))
        .http_client(loopback_transport())
        .load_from(vars(&[("HOME", "/nowhere"), ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url())]), [])
        .await
        .build();
    assert_eq!(config.region(), Some("ap-southeast-2"));
    let calls = imds.requests();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!((calls[0].method.as_str(), calls[0].target.as_str()), ("PUT", "/latest/api/token"));
    assert_eq!(calls[0].header("x-aws-ec2-metadata-token-ttl-seconds"), Some("21600"));
    assert_eq!((calls[1].method.as_str(), calls[1].target.as_str()), ("GET", "/latest/meta-data/placement/region"));
    assert_eq!(calls[1].header("x-aws-ec2-metadata-token"), Some("imds-session-token"));
    Client::new(config).get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
    let authorization = server.requests()[0].header("authorization").unwrap().to_owned();
    assert!(authorization.contains("Credential=AKIDEXAMPLE/20240301/ap-southeast-2/omics/aws4_request"), "{authorization}");

    // The earlier steps win and IMDS is not asked; nor when it is disabled.
    let untouched = TestServer::start(vec![imds_text(200, "token"), imds_text(200, "eu-north-1")]).await;
    let load = |pairs: Vec<(String, String)>, files: Vec<(std::path::PathBuf, Vec<u8>)>| async move {
        Config::builder().static_credentials("AKID", "secret").http_client(loopback_transport()).load_from(pairs, files).await.build()
    };
    let endpoint = ("AWS_EC2_METADATA_SERVICE_ENDPOINT", untouched.url());
    let with = |extra: &[(&str, &str)]| {
        let mut pairs = vars(&[("HOME", "/home/me"), (endpoint.0, &endpoint.1)]);
        pairs.extend(vars(extra));
        pairs
    };
    let profile = || vec![file("/home/me/.aws/config", "[default]\nregion = eu-west-3\n")];
    assert_eq!(load(with(&[("AWS_REGION", "us-east-2")]), profile()).await.region(), Some("us-east-2"));
    assert_eq!(load(with(&[("AWS_DEFAULT_REGION", "us-west-1")]), profile()).await.region(), Some("us-west-1"));
    assert_eq!(load(with(&[]), profile()).await.region(), Some("eu-west-3"));
    assert_eq!(load(with(&[("AWS_EC2_METADATA_DISABLED", "true")]), vec![]).await.region(), None);
    assert!(untouched.requests().is_empty());

    // An IMDS that refuses, names no region, or never answers: no region,
    // and `load` returns within IMDS's bound (not the 60 s attempt timeout).
    for replies in [
        vec![imds_text(403, "")],
        vec![imds_text(200, "token"), imds_text(200, "<html>captive portal</html>")],
        vec![Reply::Hang; 3],
    ] {
        let imds = TestServer::start(replies).await;
        let started = std::time::Instant::now();
        let config = load(vars(&[("HOME", "/nowhere"), ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url())]), vec![]).await;
        assert_eq!(config.region(), None);
        assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    }
}

// The identity cache's guarantees through the generated client, with the
// default chain as the provider (its container step against a loopback
// credentials endpoint, whose requests count the provider's calls).

/// A container credentials endpoint's answer.
fn container_credentials(access_key_id: &str, secret: &str, expiration: &str) -> Reply {
    let body = format!(
        r#"{{"AccessKeyId": "{access_key_id}", "SecretAccessKey": "{secret}", "Token": "session-{access_key_id}", "Expiration": "{expiration}"}}"#
    );
    Reply::Respond { status: 200, headers: vec![("content-type".into(), "application/json".into())], body: body.into_bytes() }
}

/// A client whose credentials come from `load` through the container
/// endpoint `container`, on a clock at `signing_time()`.
async fn chain_client(server: &TestServer, container: &TestServer, clock: &TestClock) -> Client {
    let config = Config::builder()
        .region("us-west-2")
        .endpoint_url(server.url())
        .time_source(clock.clone())
        .retry_config(RetryConfig::disabled())
        .http_client(loopback_transport())
        .load_from(
            vars(&[("HOME", "/nowhere"), ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &format!("{}/v2/credentials", container.url()))]),
            [],
        )
        .await
        .build();
    Client::new(config)
}

/// Sends `count` calls at once; each one's access key id, or its error chain.
async fn calls_at_once(client: &Client, count: usize) -> Vec<Result<String, String>> {
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                match client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await {
                    Ok(_) => Ok(String::new()),
                    Err(error) => Err(DisplayErrorContext(&error).to_string()),
                }
            })
        })
        .collect();
    let mut results = Vec::with_capacity(count);
    for task in tasks {
        results.push(task.await.expect("the call's task"));
    }
    results
}

#[tokio::test]
async fn two_hundred_calls_that_find_the_credentials_expired_refresh_them_once() {
    let clock = TestClock::new(signing_time());
    // The first credentials expire five minutes after signing_time(); the
    // refresh takes 300 ms, while the 200 calls wait for it.
    let container = TestServer::start(vec![
        container_credentials("ASIAFIRST", "first/secret", "2024-03-01T12:05:00Z"),
        Reply::Delay { by: Duration::from_millis(300), then: Box::new(container_credentials("ASIASECOND", "second/secret", "2099-01-01T00:00:00Z")) },
    ])
    .await;
    let server = TestServer::start(vec![Reply::json(200, JOB); 201]).await;
    let client = chain_client(&server, &container, &clock).await;
    client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
    assert_eq!(container.requests().len(), 1);

    clock.advance(Duration::from_secs(600));
    let results = calls_at_once(&client, 200).await;
    assert!(results.iter().all(Result::is_ok), "{:?}", results.iter().find(|r| r.is_err()));
    assert_eq!(container.requests().len(), 2, "one refresh for 200 calls");
    let requests = server.requests();
    assert_eq!(requests.len(), 201);
    assert!(requests[0].header("authorization").unwrap().contains("Credential=ASIAFIRST/"));
    for request in &requests[1..] {
        assert!(request.header("authorization").unwrap().contains("Credential=ASIASECOND/"));
        assert_eq!(request.header("x-amz-security-token"), Some("session-ASIASECOND"));
    }
}

#[tokio::test]
async fn a_failed_refresh_gives_every_waiting_call_its_error_naming_the_source() {
    let clock = TestClock::new(signing_time());
    let container = TestServer::start(vec![
        container_credentials("ASIAFIRST", "first/secret", "2024-03-01T12:05:00Z"),
        Reply::Delay {
            by: Duration::from_millis(300),
            then: Box::new(Reply::Respond { status: 403, headers: vec![], body: b"role not allowed".to_vec() }),
        },
    ])
    .await;
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let client = chain_client(&server, &container, &clock).await;
    client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();

    clock.advance(Duration::from_secs(600));
    let results = calls_at_once(&client, 200).await;
    assert_eq!(container.requests().len(), 2, "one failed refresh for 200 calls");
    assert_eq!(server.requests().len(), 1, "nothing sent without credentials");
    for result in &results {
        let text = result.as_ref().expect_err("no credentials");
        assert!(text.contains("the container credentials endpoint answered 403: role not allowed"), "{text}");
        assert!(text.contains("DefaultChain"), "the chain is named: {text}");
    }
}

#[tokio::test]
async fn credentials_never_show_in_debug_display_or_errors() {
    const SECRET: &str = "wJalrXUtnFEMI/SENTINEL/bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "session-token-SENTINEL";
    let profile = format!(
        "[default]\naws_access_key_id = AKIDSENTINEL\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
    );
    let server = TestServer::start(vec![
        Reply::json(200, JOB),
        Reply::error(403, "AccessDeniedException", "not for you"),
        Reply::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n{\"id\"".to_vec()),
    ])
    .await;
    let config = Config::builder()
        .region("us-west-2")
        .endpoint_url(server.url())
        .time_source(TestClock::new(signing_time()))
        .retry_config(RetryConfig::disabled())
        .http_client(loopback_transport())
        .load_from(vars(&[("HOME", "/home/me")]), [file("/home/me/.aws/config", &profile)])
        .await;
    let mut texts = vec![format!("{config:?}")];
    let config = config.build();
    let client = Client::new(config.clone());
    let call = || client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send();
    call().await.unwrap();
    let request = &server.requests()[0];
    assert!(request.header("authorization").unwrap().contains("Credential=AKIDSENTINEL/"), "signed with the profile's keys");
    assert_eq!(request.header("x-amz-security-token"), Some(TOKEN));
    texts.extend([format!("{config:?}"), format!("{client:?}"), format!("{:?}", config.to_builder())]);
    // A service error, and a response that is not valid JSON.
    for _ in 0..2 {
        let error = call().await.unwrap_err();
        texts.extend([error.to_string(), DisplayErrorContext(&error).to_string(), format!("{error:?}")]);
    }
    // A chain that fails: credential_process printing credentials of a
    // version it does not know.
    let process = format!(r#"printf '{{"Version": 2, "AccessKeyId": "AKIDSENTINEL", "SecretAccessKey": "{SECRET}"}}'"#);
    let failing = Config::builder()
        .region("us-west-2")
        .endpoint_url(server.url())
        .http_client(loopback_transport())
        .load_from(vars(&[("HOME", "/home/me")]), [file("/home/me/.aws/config", &format!("[default]\ncredential_process = {process}\n"))])
        .await
        .build();
    let error = Client::new(failing.clone()).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("DefaultChain: Error retrieving credentials from external process"), "{text}");
    texts.extend([text, format!("{error:?}"), format!("{failing:?}")]);
    for text in &texts {
        assert!(!text.contains("SENTINEL"), "a secret shows: {text}");
    }
}

#[tokio::test]
async fn instance_credentials_are_fetched_again_from_imds_when_they_near_their_expiry() {
    let clock = TestClock::new(signing_time());
    let credentials = |key: &str, expiration: &str| {
        imds_text(
            200,
            &format!(
                r#"{{"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "{key}", "SecretAccessKey": "{key}/secret",
                    "Token": "{key}-session", "Expiration": "{expiration}"}}"#
            ),
        )
    };
    // The first credentials expire ten minutes after signing_time().
    let imds = TestServer::start(vec![
        imds_text(200, "token-1"),
        imds_text(200, "web-server-role\n"),
        credentials("ASIAFIRST", "2024-03-01T12:10:00Z"),
        imds_text(200, "token-2"),
        imds_text(200, "web-server-role\n"),
        credentials("ASIASECOND", "2024-03-01T18:00:00Z"),
    ])
    .await;
    let server = TestServer::start(vec![Reply::json(200, JOB), Reply::json(200, JOB), Reply::json(200, JOB)]).await;
    let config = Config::builder()
        .region("us-west-2")
        .endpoint_url(server.url())
        .time_source(clock.clone())
        .http_client(loopback_transport())
        .load_from(vars(&[("HOME", "/nowhere"), ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url())]), [])
        .await
        .build();
    let client = Client::new(config);
    let call = || client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send();
    call().await.unwrap();
    // Two minutes later the first credentials are still good: no new fetch.
    clock.advance(Duration::from_secs(120));
    call().await.unwrap();
    assert_eq!(imds.requests().len(), 3);
    // Within the ten seconds before their expiry: fetched again, with a
    // new session token.
    clock.advance(Duration::from_secs(475));
    call().await.unwrap();
    let calls = imds.requests();
    assert_eq!(calls.len(), 6, "{calls:?}");
    assert_eq!((calls[3].method.as_str(), calls[3].target.as_str()), ("PUT", "/latest/api/token"));
    assert!(calls[4..].iter().all(|c| c.header("x-aws-ec2-metadata-token") == Some("token-2")));
    let keys: Vec<&str> = server
        .requests()
        .iter()
        .map(|r| if r.header("authorization").unwrap().contains("Credential=ASIAFIRST/") { "first" } else { "second" })
        .collect();
    assert_eq!(keys, ["first", "first", "second"]);
}

#[tokio::test]
async fn an_imds_that_answers_500_is_an_error_naming_it_after_bounded_retries() {
    let imds = TestServer::start(vec![imds_text(500, "busy"), imds_text(500, "busy"), imds_text(500, "busy")]).await;
    let untouched = TestServer::start(vec![]).await;
    let config = Config::builder()
        .region("us-west-2")
        .endpoint_url(untouched.url())
        .http_client(loopback_transport())
        .load_from(vars(&[("HOME", "/nowhere"), ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url())]), [])
        .await
        .build();
    let started = std::time::Instant::now();
    let error = Client::new(config).get_reference_import_job().reference_store_id("1").id("2").send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "bounded: {:?}", started.elapsed());
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("500") && text.contains("/latest/api/token"), "{text}");
    assert_eq!(imds.requests().len(), 3, "three attempts");
    assert!(untouched.requests().is_empty());
}

#[tokio::test]
async fn the_container_endpoint_gets_the_authorization_token_of_the_environment_or_its_file() {
    for (token_vars, expected) in [
        (vec![("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic from-the-variable")], "Basic from-the-variable"),
        (vec![("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/eks-token")], "eks-pod-identity-token"),
    ] {
        let container = TestServer::start(vec![container_credentials("ASIACONTAINER", "container/secret", "2099-01-01T00:00:00Z")]).await;
        let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
        let full_uri = format!("{}/v1/credentials", container.url());
        let mut pairs = vec![("HOME", "/nowhere"), ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri.as_str())];
        pairs.extend(token_vars);
        let config = Config::builder()
            .region("us-west-2")
            .endpoint_url(server.url())
            .time_source(TestClock::new(signing_time()))
            .http_client(loopback_transport())
            .load_from(vars(&pairs), [file("/var/run/eks-token", "eks-pod-identity-token\n")])
            .await
            .build();
        Client::new(config).get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
        let asked = &container.requests()[0];
        assert_eq!((asked.method.as_str(), asked.target.as_str()), ("GET", "/v1/credentials"));
        assert_eq!(asked.header("authorization"), Some(expected));
        let request = &server.requests()[0];
        assert_eq!(request.header("x-amz-security-token"), Some("session-ASIACONTAINER"));
        let signed = sigv4::authorization_with_keys(request, "us-west-2", "omics", "ASIACONTAINER", "container/secret");
        assert_eq!(request.header("authorization"), Some(signed.as_str()));
    }
}

/// The futures `send` and `presigned` return own what they need and can be
/// spawned on a multi-threaded runtime: `Send` and `'static`.
#[tokio::test]
async fn call_futures_can_be_spawned() {
    fn spawnable<F: std::future::Future + Send + 'static>(future: F) -> F {
        future
    }
    let server = TestServer::start(vec![Reply::json(200, JOB)]).await;
    let client = client(&server);
    let call = spawnable(client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send());
    let output = tokio::spawn(call).await.unwrap().unwrap();
    assert_eq!(output.id, "0123456789");
    let presign = spawnable(
        client
            .get_reference_import_job()
            .reference_store_id("1234567890")
            .id("0123456789")
            .presigned(omics::presigning::PresigningConfig::expires_in(Duration::from_secs(60)).unwrap()),
    );
    let presigned = tokio::spawn(presign).await.unwrap().unwrap();
    assert!(presigned.uri().contains("X-Amz-Signature="), "{}", presigned.uri());
    // An input that cannot be built fails when awaited, as before.
    let error = client.get_reference_import_job().id("0123456789").send().await.unwrap_err();
    assert!(DisplayErrorContext(&error).to_string().contains("reference_store_id"), "{}", DisplayErrorContext(&error));
}

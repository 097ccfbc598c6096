//! Flexible checksums (`aws.protocols#httpChecksum`) on a service other
//! than S3: the `checksums` fixture (restJson1), whose PutReport requires a
//! request checksum and whose FetchReport returns a body read whole, checked
//! against the checksum the response carries. Against the loopback server.

use fixture_checksums::config::{RequestChecksumCalculation, RetryConfig};
use fixture_checksums::error::DisplayErrorContext;
use fixture_checksums::operation::fetch_report::FetchReportError;
use fixture_checksums::primitives::Blob;
use fixture_checksums::types::{ChecksumAlgorithm, ValidationMode};
use fixture_checksums::{Client, Config};
use tests::server::{Reply, TestServer};

fn client(server: &TestServer, attempts: u32) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .static_credentials("AKID", "SECRET")
        .endpoint_url(server.url())
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .retry_config(RetryConfig::standard().with_max_attempts(attempts));
    Client::new(config.build())
}

fn report(headers: &[(&str, &str)], body: &str) -> Reply {
    let mut all = vec![("x-amzn-requestid".to_owned(), "req-report".to_owned())];
    all.extend(headers.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    Reply::Respond { status: 200, headers: all, body: body.as_bytes().to_vec() }
}

#[tokio::test]
async fn a_required_checksum_is_sent_even_when_only_required_ones_are() {
    let server = TestServer::start(vec![Reply::json(200, "{}"), Reply::json(200, "{}")]).await;
    let client = client(&server, 1);
    client.put_report().name("q3").body(Blob::new("Hello world")).send().await.unwrap();
    client.put_report().name("q3").body(Blob::new("Hello world")).checksum_algorithm(ChecksumAlgorithm::Crc64nvme).send().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("x-amz-checksum-crc32"), Some("i9aeUg=="));
    assert_eq!(requests[1].header("x-amz-checksum-crc64nvme"), Some("OOJZ0D8xKts="));
    assert_eq!(requests[1].header("x-amz-sdk-checksum-algorithm"), Some("CRC64NVME"));
    assert_eq!(requests[1].header("x-amz-checksum-crc32"), None);
}

#[tokio::test]
async fn a_buffered_response_is_checked_and_a_damaged_one_retried() {
    let sha256 = "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=";
    let server = TestServer::start(vec![
        // SHA-256 and CRC32C are the operation's: CRC32C, faster, is checked.
        report(&[("x-amz-checksum-crc32c", "crUfeA=="), ("x-amz-checksum-sha256", "not this one")], "Hello world"),
        report(&[("x-amz-checksum-sha256", sha256)], "Hello World"),
        report(&[("x-amz-checksum-sha256", sha256)], "Hello world"),
    ])
    .await;
    let client = client(&server, 2);
    let first = client.fetch_report().name("q3").mode(ValidationMode::Enabled).send().await.unwrap();
    assert_eq!(first.body.map(|b| b.into_inner()), Some(b"Hello world".to_vec()));
    let second = client.fetch_report().name("q3").mode(ValidationMode::Enabled).send().await.expect("the retry matched");
    assert_eq!(second.body.map(|b| b.into_inner()), Some(b"Hello world".to_vec()));
    assert_eq!(server.requests().len(), 3, "the damaged body was retried");
}

#[tokio::test]
async fn a_wrong_checksum_on_every_attempt_is_a_response_error() {
    let damaged = || report(&[("x-amz-checksum-crc32c", "crUfeA==")], "Hello World");
    let server = TestServer::start(vec![damaged(), damaged()]).await;
    let error = client(&server, 2).fetch_report().name("q3").mode(ValidationMode::Enabled).send().await.unwrap_err();
    let FetchReportError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
    assert_eq!(unhandled.kind(), fixture_checksums::error::UnhandledKind::Response);
    assert_eq!((unhandled.meta().status(), unhandled.meta().request_id()), (Some(200), Some("req-report")));
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("does not match its CRC32C checksum"), "{text}");
    // Not asked for (no mode, and a configuration that does not add it):
    // not checked.
    let server = TestServer::start(vec![damaged()]).await;
    let config = Config::builder()
        .region("us-east-1")
        .static_credentials("AKID", "SECRET")
        .endpoint_url(server.url())
        .response_checksum_validation(fixture_checksums::config::ResponseChecksumValidation::WhenRequired);
    let output = Client::new(config.build()).fetch_report().name("q3").send().await.expect("not asked, not checked");
    assert_eq!(output.body.map(|b| b.into_inner()), Some(b"Hello World".to_vec()));
}

//! DynamoDB's response checksum, offline: the generated DynamoDB client
//! (the same one the moto tests call) with a canned transport. A body that
//! does not match its `x-amz-crc32` is never read: the attempt is retried
//! as a transient fault, and if every attempt is damaged the call fails
//! with the status and request id of the last one.

use moto_tests::dynamodb::config::{Config, RetryConfig};
use moto_tests::dynamodb::error::DisplayErrorContext;
use moto_tests::dynamodb::operation::list_tables::ListTablesError;
use moto_tests::dynamodb::testing::{TestClock, TestTransport};
use moto_tests::dynamodb::Client;

const BODY: &str = r#"{"TableNames": ["users"]}"#;

fn response(crc32: u32) -> http::Response<bytes::Bytes> {
    http::Response::builder()
        .status(200)
        .header("x-amzn-requestid", "req-crc")
        .header("x-amz-crc32", crc32.to_string())
        .body(bytes::Bytes::from_static(BODY.as_bytes()))
        .unwrap()
}

fn client(transport: &TestTransport, attempts: u32) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .static_credentials("AKID", "SECRET")
        .retry_config(RetryConfig::standard().with_max_attempts(attempts))
        .sleep_impl(TestClock::new(std::time::SystemTime::UNIX_EPOCH))
        .http_client(transport.clone())
        .build();
    Client::new(config)
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

#[test]
fn a_damaged_response_is_retried_and_a_good_one_read() {
    let transport = TestTransport::new();
    let right = crc32fast::hash(BODY.as_bytes());
    transport.respond_with(response(right ^ 1)).respond_with(response(right));
    let output = block_on(client(&transport, 3).list_tables().send()).expect("the second attempt is read");
    assert_eq!(output.table_names, Some(vec!["users".to_owned()]));
    assert_eq!(transport.requests().len(), 2, "the damaged response was retried");
}

#[test]
fn damaged_responses_on_every_attempt_fail_with_status_and_request_id() {
    let transport = TestTransport::new();
    let wrong = crc32fast::hash(BODY.as_bytes()).wrapping_add(1);
    for _ in 0..3 {
        transport.respond_with(response(wrong));
    }
    let error = block_on(client(&transport, 3).list_tables().send()).unwrap_err();
    assert_eq!(transport.requests().len(), 3);
    let ListTablesError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
    assert_eq!((unhandled.meta().status(), unhandled.meta().request_id()), (Some(200), Some("req-crc")));
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("does not match its x-amz-crc32 checksum"), "{text}");
}

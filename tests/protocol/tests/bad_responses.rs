//! Responses an awsJson service should never send, read by the generated
//! awsJson1_0 client (`JsonRpc10` of the official protocol tests): each is
//! a typed error carrying the status and the request id, never a panic and
//! never a silent success.

use protocol_tests::json_rpc10_service::error::DisplayErrorContext;
use protocol_tests::json_rpc10_service::operation::greeting_with_errors::GreetingWithErrorsError;
use protocol_tests::json_rpc10_service::testing::TestTransport;
use protocol_tests::json_rpc10_service::{config, Client};

fn client(status: u16, headers: &[(&str, &str)], body: &str) -> Client {
    let transport = TestTransport::new();
    let mut response = http::Response::builder().status(status).header("x-amzn-requestid", "req-1");
    for (name, value) in headers {
        response = response.header(*name, *value);
    }
    transport.respond_with(response.body(bytes::Bytes::from(body.to_owned())).unwrap());
    let config = config::Config::builder()
        .region("us-east-1")
        .static_credentials("AKID", "SECRET")
        .endpoint_url("https://example.com")
        .retry_config(config::RetryConfig::disabled())
        .http_client(transport)
        .build();
    Client::new(config)
}

/// The error the call fails with (a success fails the test).
fn call(status: u16, headers: &[(&str, &str)], body: &str) -> GreetingWithErrorsError {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    match runtime.block_on(client(status, headers, body).greeting_with_errors().greeting("hi").send()) {
        Ok(output) => panic!("expected an error, got {output:?}"),
        Err(error) => error,
    }
}

#[test]
fn a_success_that_is_not_json_is_an_unreadable_response() {
    let error = call(200, &[], "<html>gateway</html>");
    let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
    assert_eq!((unhandled.meta().status(), unhandled.meta().request_id()), (Some(200), Some("req-1")));
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.starts_with("unreadable response"), "{text}");
}

#[test]
fn an_error_that_is_not_json_keeps_its_status_and_request_id() {
    let error = call(502, &[], "<html>Bad Gateway</html>");
    let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
    let meta = unhandled.meta();
    assert_eq!((meta.code(), meta.status(), meta.request_id()), (None, Some(502), Some("req-1")));
}

#[test]
fn an_unknown_error_type_is_unhandled_with_its_code() {
    let body = r#"{"__type": "aws.protocoltests.json10#NoSuchThing", "message": "what"}"#;
    let error = call(400, &[], body);
    let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
    let meta = unhandled.meta();
    assert_eq!((meta.code(), meta.message(), meta.status(), meta.request_id()), (Some("NoSuchThing"), Some("what"), Some(400), Some("req-1")));
    let text = error.to_string();
    assert!(text.contains("NoSuchThing") && text.contains("what") && text.contains("HTTP 400") && text.contains("req-1"), "{text}");
}

#[test]
fn an_error_without_a_code_is_unhandled_with_its_status() {
    for body in ["{}", "", r#"{"message": "no code"}"#] {
        let error = call(500, &[], body);
        let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{body}: {error:?}") };
        let meta = unhandled.meta();
        assert_eq!((meta.code(), meta.status(), meta.request_id()), (None, Some(500), Some("req-1")), "{body}");
    }
}

#[test]
fn a_modeled_error_is_its_variant_from_the_header_or_the_body() {
    let error = call(400, &[("x-amzn-errortype", "InvalidGreeting:http://internal.amazon.com/")], r#"{"Message": "bad"}"#);
    let GreetingWithErrorsError::InvalidGreeting(e) = &error else { panic!("{error:?}") };
    assert_eq!((e.meta().message(), e.meta().status(), e.meta().request_id()), (Some("bad"), Some(400), Some("req-1")));
    let error = call(400, &[], r#"{"__type": "aws.protocoltests.json10#InvalidGreeting", "message": "worse"}"#);
    assert!(matches!(&error, GreetingWithErrorsError::InvalidGreeting(e) if e.meta().message() == Some("worse")), "{error:?}");
}

//! Responses a restXml service should never send, read by the generated
//! restXml client (`RestXml` of the official protocol tests): malformed or
//! truncated XML, an entity bomb, a body nested deeper than the reader's
//! limit, a value that does not read as its member's type. Each is a typed
//! error carrying the status and the request id, never a panic, never a
//! silent success and never unbounded memory. Error bodies give their code,
//! message and request ids.

use protocol_tests::rest_xml_service::error::DisplayErrorContext;
use protocol_tests::rest_xml_service::operation::greeting_with_errors::GreetingWithErrorsError;
use protocol_tests::rest_xml_service::operation::simple_scalar_properties::SimpleScalarPropertiesError;
use protocol_tests::rest_xml_service::testing::TestTransport;
use protocol_tests::rest_xml_service::{config, Client};

fn client(status: u16, headers: &[(&str, &str)], body: &str) -> Client {
    let transport = TestTransport::new();
    let mut response = http::Response::builder().status(status).header("x-amz-request-id", "req-1");
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

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// The error a successful status with this body fails with.
fn read_output(body: &str) -> SimpleScalarPropertiesError {
    match runtime().block_on(client(200, &[], body).simple_scalar_properties().send()) {
        Ok(output) => panic!("expected an error for {body:?}, got {output:?}"),
        Err(error) => error,
    }
}

#[test]
fn bodies_that_do_not_read_are_unreadable_responses() {
    let deep = format!("<SimpleScalarPropertiesResponse>{}{}</SimpleScalarPropertiesResponse>", "<a>".repeat(200), "</a>".repeat(200));
    let bomb = r#"<?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
        <SimpleScalarPropertiesResponse><stringValue>&lol2;</stringValue></SimpleScalarPropertiesResponse>"#;
    let cases = [
        ("html", "<html><body>gateway</body>"),
        ("truncated", "<SimpleScalarPropertiesResponse><stringValue>abc</stringVal"),
        ("mismatched", "<SimpleScalarPropertiesResponse><stringValue>abc</integerValue></SimpleScalarPropertiesResponse>"),
        ("not XML", "{\"stringValue\": \"json\"}"),
        ("bomb", bomb),
        ("deep", deep.as_str()),
        ("bad integer", "<SimpleScalarPropertiesResponse><integerValue>12x</integerValue></SimpleScalarPropertiesResponse>"),
        ("bad boolean", "<SimpleScalarPropertiesResponse><trueBooleanValue>yes</trueBooleanValue></SimpleScalarPropertiesResponse>"),
    ];
    for (what, body) in cases {
        let error = read_output(body);
        let SimpleScalarPropertiesError::Unhandled(unhandled) = &error else { panic!("{what}: {error:?}") };
        assert_eq!((unhandled.meta().status(), unhandled.meta().request_id()), (Some(200), Some("req-1")), "{what}");
        let text = DisplayErrorContext(&error).to_string();
        assert!(text.starts_with("unreadable response") && text.contains("XML"), "{what}: {text}");
    }
    // The error names the element whose text does not read.
    let text = DisplayErrorContext(&read_output(cases[6].1)).to_string();
    assert!(text.contains("<integerValue>") && text.contains("12x"), "{text}");
}

#[test]
fn unknown_elements_are_skipped_and_references_decoded() {
    let body = "<SimpleScalarPropertiesResponse><unknown><deeper>1</deeper></unknown>\
                <stringValue>a &amp; b &#x263A;</stringValue><integerValue> 7 </integerValue></SimpleScalarPropertiesResponse>";
    let output = runtime().block_on(client(200, &[], body).simple_scalar_properties().send()).expect("reads");
    assert_eq!((output.string_value.as_deref(), output.integer_value), (Some("a & b \u{263A}"), Some(7)));
}

fn greeting_error(status: u16, headers: &[(&str, &str)], body: &str) -> GreetingWithErrorsError {
    match runtime().block_on(client(status, headers, body).greeting_with_errors().send()) {
        Ok(output) => panic!("expected an error, got {output:?}"),
        Err(error) => error,
    }
}

#[test]
fn error_bodies_give_the_variant_code_message_and_request_ids() {
    let body = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidGreeting</Code><Message>Hi</Message></Error>\
                <RequestId>body-id</RequestId></ErrorResponse>";
    let error = greeting_error(400, &[("x-amz-id-2", "extended")], body);
    let GreetingWithErrorsError::InvalidGreeting(e) = &error else { panic!("{error:?}") };
    assert_eq!(e.message.as_deref(), Some("Hi"));
    let meta = e.meta();
    assert_eq!(
        (meta.code(), meta.message(), meta.status(), meta.request_id(), meta.extended_request_id()),
        (Some("InvalidGreeting"), Some("Hi"), Some(400), Some("req-1"), Some("extended"))
    );
    // An unknown code is unhandled, with what the body says.
    let error = greeting_error(503, &[], "<ErrorResponse><Error><Code>SlowDown</Code><Message>later</Message></Error></ErrorResponse>");
    let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
    let meta = unhandled.meta();
    assert_eq!((meta.code(), meta.message(), meta.status()), (Some("SlowDown"), Some("later"), Some(503)));
    // A body that is not XML keeps the status and request id.
    for body in ["", "<html>Bad Gateway</html>", "<ErrorResponse><Error>"] {
        let error = greeting_error(502, &[], body);
        let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{body}: {error:?}") };
        let meta = unhandled.meta();
        assert_eq!((meta.code(), meta.status(), meta.request_id()), (None, Some(502), Some("req-1")), "{body}");
    }
}

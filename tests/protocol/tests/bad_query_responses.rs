//! Responses an awsQuery or ec2Query service should never send, read by
//! the generated clients of the official protocol tests (`AwsQuery` and
//! `AwsEc2`): an HTML error page from a proxy (5xx and 4xx), an error
//! without a code, a success wrapped in the wrong element, entity bombs,
//! malformed and truncated XML, a body nested deeper than the reader's
//! limit. Each is a typed error with the status and the request id where
//! the response has one: never a panic, never a silent success, and never
//! more than a bounded amount of memory (counted by this binary's
//! allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use protocol_tests::aws_query_service as query;
use protocol_tests::ec2_query_service as ec2;
use query::error::DisplayErrorContext;
use query::operation::greeting_with_errors::GreetingWithErrorsError;
use query::operation::simple_scalar_xml_properties::SimpleScalarXmlPropertiesError;

/// Counts the bytes each thread allocates, so that a test can bound what
/// one call allocates (the calls below run on the test's own thread).
struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    // `try_with`: the thread's counter may be gone while it exits.
    let _ = ALLOCATED.try_with(|total| total.set(total.get().saturating_add(bytes)));
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What reading a body may allocate: a few times its size, plus the
/// call's own (about 25 KiB). An expanded bomb would need hundreds of MB.
fn bound(body: &str) -> usize {
    256 * 1024 + 4 * body.len()
}

/// The value of `f` and the bytes allocated on this thread while it ran.
fn allocated_by<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATED.with(Cell::get);
    let value = f();
    (value, ALLOCATED.with(Cell::get) - before)
}

/// A response of this status and body, with these headers and `text/xml`.
fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<bytes::Bytes> {
    let mut response = http::Response::builder().status(status).header("content-type", "text/xml");
    for (name, value) in headers {
        response = response.header(*name, *value);
    }
    response.body(bytes::Bytes::from(body.to_owned())).unwrap()
}

/// The header request id most cases carry.
const ID: (&str, &str) = ("x-amzn-requestid", "req-1");

fn query_client(responses: Vec<http::Response<bytes::Bytes>>, retry: query::config::RetryConfig) -> (query::Client, query::testing::TestTransport) {
    let transport = query::testing::TestTransport::new();
    for response in responses {
        transport.respond_with(response);
    }
    let config = query::config::Config::builder()
        .region("us-east-1")
        .static_credentials("AKID", "SECRET")
        .endpoint_url("https://example.com")
        .retry_config(retry)
        .http_client(transport.clone())
        .build();
    (query::Client::new(config), transport)
}

fn ec2_client(response: http::Response<bytes::Bytes>) -> ec2::Client {
    let transport = ec2::testing::TestTransport::new();
    transport.respond_with(response);
    let config = ec2::config::Config::builder()
        .region("us-east-1")
        .static_credentials("AKID", "SECRET")
        .endpoint_url("https://example.com")
        .retry_config(ec2::config::RetryConfig::disabled())
        .http_client(transport)
        .build();
    ec2::Client::new(config)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// The error awsQuery's GreetingWithErrors fails with (no retries).
fn greeting_error(response: http::Response<bytes::Bytes>) -> GreetingWithErrorsError {
    let (client, _) = query_client(vec![response], query::config::RetryConfig::disabled());
    match runtime().block_on(client.greeting_with_errors().send()) {
        Ok(output) => panic!("expected an error, got {output:?}"),
        Err(error) => error,
    }
}

/// The error awsQuery's SimpleScalarXmlProperties fails with (no retries).
fn scalar_error(response: http::Response<bytes::Bytes>) -> SimpleScalarXmlPropertiesError {
    let (client, _) = query_client(vec![response], query::config::RetryConfig::disabled());
    match runtime().block_on(client.simple_scalar_xml_properties().send()) {
        Ok(output) => panic!("expected an error, got {output:?}"),
        Err(error) => error,
    }
}

/// The error ec2Query's GreetingWithErrors fails with.
fn ec2_greeting_error(response: http::Response<bytes::Bytes>) -> ec2::operation::greeting_with_errors::GreetingWithErrorsError {
    match runtime().block_on(ec2_client(response).greeting_with_errors().send()) {
        Ok(output) => panic!("expected an error, got {output:?}"),
        Err(error) => error,
    }
}

/// The error ec2Query's SimpleScalarXmlProperties fails with.
fn ec2_scalar_error(response: http::Response<bytes::Bytes>) -> ec2::operation::simple_scalar_xml_properties::SimpleScalarXmlPropertiesError {
    match runtime().block_on(ec2_client(response).simple_scalar_xml_properties().send()) {
        Ok(output) => panic!("expected an error, got {output:?}"),
        Err(error) => error,
    }
}

const HTML_PAGES: [&str; 3] = [
    // Well-formed XML that is not an error document.
    "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>",
    // HTML that is not XML at all.
    "<!DOCTYPE html>\n<html><body>Bad Gateway<br><hr>nginx</body></html>",
    "upstream connect error or disconnect/reset before headers",
];

/// A proxy's HTML page in place of the service's error: unhandled, no code,
/// the status and the header's request id kept, for 5xx and 4xx alike, in
/// both protocols.
#[test]
fn html_error_pages_are_unhandled_errors_with_status_and_request_id() {
    for status in [500, 502, 503, 504, 400, 403, 404, 413] {
        for page in HTML_PAGES {
            let error = greeting_error(response(status, &[ID], page));
            let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{status} {page}: {error:?}") };
            let meta = unhandled.meta();
            assert_eq!((meta.code(), meta.message(), meta.status(), meta.request_id()), (None, None, Some(status), Some("req-1")), "{page}");
            assert!(DisplayErrorContext(&error).to_string().contains(&status.to_string()), "the status is in the message: {error}");

            let error = ec2_greeting_error(response(status, &[ID], page));
            let ec2::operation::greeting_with_errors::GreetingWithErrorsError::Unhandled(unhandled) = &error else {
                panic!("ec2 {status} {page}: {error:?}")
            };
            let meta = unhandled.meta();
            assert_eq!((meta.code(), meta.status(), meta.request_id()), (None, Some(status), Some("req-1")), "{page}");
        }
    }
    // Without a request id header, none is made up.
    let error = greeting_error(response(502, &[], HTML_PAGES[0]));
    assert_eq!((error.status(), error.request_id(), error.code()), (Some(502), None, None));
}

/// A 503 page is retried like any 503, then surfaced with its status.
#[test]
fn html_503_pages_are_retried_then_surfaced() {
    let page = HTML_PAGES[0];
    let retry = query::config::RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1));
    let (client, transport) = query_client(vec![response(503, &[ID], page), response(503, &[ID], page), response(503, &[ID], page)], retry);
    let error = runtime().block_on(client.greeting_with_errors().send()).expect_err("three 503 pages");
    assert_eq!((error.status(), error.code(), error.request_id()), (Some(503), None, Some("req-1")));
    assert_eq!((transport.requests().len(), transport.remaining()), (3, 0));
    // A 403 page is not retried.
    let retry = query::config::RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1));
    let (client, transport) = query_client(vec![response(403, &[ID], page), response(200, &[], "")], retry);
    let error = runtime().block_on(client.greeting_with_errors().send()).expect_err("a 403 page");
    assert_eq!((error.status(), transport.requests().len()), (Some(403), 1));
}

/// An error document without a `<Code>` (or with an empty one): unhandled,
/// with the message, status and the body's request id when no header
/// gives one.
#[test]
fn errors_without_a_code_are_unhandled_with_message_and_request_id() {
    for body in [
        "<ErrorResponse><Error><Type>Sender</Type><Message>no code here</Message></Error><RequestId>body-id</RequestId></ErrorResponse>",
        "<ErrorResponse><Error><Type>Sender</Type><Code>  </Code><Message>no code here</Message></Error><RequestId>body-id</RequestId></ErrorResponse>",
    ] {
        let error = greeting_error(response(400, &[], body));
        let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{body}: {error:?}") };
        let meta = unhandled.meta();
        assert_eq!(
            (meta.code(), meta.message(), meta.status(), meta.request_id()),
            (None, Some("no code here"), Some(400), Some("body-id")),
            "{body}"
        );
        // The header's request id wins over the body's.
        let error = greeting_error(response(400, &[ID], body));
        assert_eq!(error.request_id(), Some("req-1"));
    }
    // No <Error> at all, and ec2Query's form without a code.
    let error = greeting_error(response(400, &[], "<ErrorResponse><RequestId>body-id</RequestId></ErrorResponse>"));
    assert_eq!((error.code(), error.status(), error.request_id()), (None, Some(400), Some("body-id")));
    assert!(matches!(error, GreetingWithErrorsError::Unhandled(_)), "{error:?}");
    let body = "<Response><Errors><Error><Message>no code here</Message></Error></Errors><RequestID>ec2-id</RequestID></Response>";
    let error = ec2_greeting_error(response(400, &[], body));
    let ec2::operation::greeting_with_errors::GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
    let meta = unhandled.meta();
    assert_eq!((meta.code(), meta.message(), meta.status(), meta.request_id()), (None, Some("no code here"), Some(400), Some("ec2-id")));
}

/// A modeled code still finds its variant whatever the status, and an
/// unknown code is unhandled with what the body says.
#[test]
fn codes_name_their_variants() {
    let body = "<ErrorResponse><Error><Type>Sender</Type><Code>Customized</Code><Message>Hi</Message></Error>\
                <RequestId>body-id</RequestId></ErrorResponse>";
    let error = greeting_error(response(500, &[], body));
    let GreetingWithErrorsError::CustomCodeError(e) = &error else { panic!("{error:?}") };
    assert_eq!((e.message.as_deref(), e.meta().status(), e.meta().request_id()), (Some("Hi"), Some(500), Some("body-id")));
    let body = "<ErrorResponse><Error><Type>Receiver</Type><Code>Throttling</Code><Message>slow down</Message></Error></ErrorResponse>";
    let error = greeting_error(response(400, &[ID], body));
    let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
    assert_eq!((unhandled.meta().code(), unhandled.meta().message()), (Some("Throttling"), Some("slow down")));
}

/// The success status with another element around the output: an
/// unreadable response naming what came, with the status and request id,
/// never an empty output.
#[test]
fn a_success_in_the_wrong_element_is_an_unreadable_response() {
    let cases = [
        ("another operation's response", "<GreetingWithErrorsResponse><GreetingWithErrorsResult><greeting>hi</greeting></GreetingWithErrorsResult></GreetingWithErrorsResponse>", "GreetingWithErrorsResponse"),
        ("an error document", "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>", "ErrorResponse"),
        ("the result without its response", "<SimpleScalarXmlPropertiesResult><stringValue>s</stringValue></SimpleScalarXmlPropertiesResult>", "SimpleScalarXmlPropertiesResult"),
        ("another result inside the response", "<SimpleScalarXmlPropertiesResponse><GreetingWithErrorsResult><stringValue>s</stringValue></GreetingWithErrorsResult></SimpleScalarXmlPropertiesResponse>", "GreetingWithErrorsResult"),
        ("an HTML page", HTML_PAGES[0], "html"),
    ];
    for (what, body, named) in cases {
        let error = scalar_error(response(200, &[ID], body));
        let SimpleScalarXmlPropertiesError::Unhandled(unhandled) = &error else { panic!("{what}: {error:?}") };
        assert_eq!((unhandled.meta().status(), unhandled.meta().request_id()), (Some(200), Some("req-1")), "{what}");
        let text = DisplayErrorContext(&error).to_string();
        assert!(text.starts_with("unreadable response") && text.contains(&format!("<{named}>")), "{what}: {text}");
    }
    // ec2Query: the members sit directly in `<OperationResponse>`; anything else is unreadable.
    for body in [
        "<Response><Errors><Error><Code>InternalFailure</Code></Error></Errors></Response>",
        "<GreetingWithErrorsResponse><greeting>hi</greeting></GreetingWithErrorsResponse>",
    ] {
        let error = ec2_scalar_error(response(200, &[ID], body));
        let ec2::operation::simple_scalar_xml_properties::SimpleScalarXmlPropertiesError::Unhandled(unhandled) = &error else {
            panic!("{body}: {error:?}")
        };
        assert_eq!((unhandled.meta().status(), unhandled.meta().request_id()), (Some(200), Some("req-1")), "{body}");
        assert!(ec2::error::DisplayErrorContext(&error).to_string().starts_with("unreadable response"), "{error}");
    }
    // The right wrappers with response metadata only: the empty output, and
    // the body's request id.
    let body = "<SimpleScalarXmlPropertiesResponse><ResponseMetadata><RequestId>body-id</RequestId></ResponseMetadata></SimpleScalarXmlPropertiesResponse>";
    let (client, _) = query_client(vec![response(200, &[], body)], query::config::RetryConfig::disabled());
    let output = runtime().block_on(client.simple_scalar_xml_properties().send()).expect("reads");
    assert_eq!((output.string_value.as_deref(), output.request_id()), (None, Some("body-id")));
}

/// Billion laughs (ten levels: 10^9 copies if expanded) and a quadratic
/// blowup (one 40 KB entity referenced 5,000 times: 200 MB if expanded),
/// as a success and as an error: DTD entities are never expanded, so each
/// call fails as unreadable or unhandled, having allocated a bounded
/// amount of memory.
#[test]
fn entity_bombs_do_not_expand() {
    let mut laughs = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for level in 1..=9 {
        let previous = if level == 1 { "lol".to_owned() } else { format!("lol{}", level - 1) };
        laughs.push_str(&format!("<!ENTITY lol{level} \"{}\">\n", format!("&{previous};").repeat(10)));
    }
    laughs.push_str("]>\n");
    let quadratic_dtd = format!("<?xml version=\"1.0\"?>\n<!DOCTYPE q [<!ENTITY a \"{}\">]>\n", "a".repeat(40_000));
    let quadratic_refs = "&a;".repeat(5_000);

    let success = [
        format!("{laughs}<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult><stringValue>&lol9;</stringValue></SimpleScalarXmlPropertiesResult></SimpleScalarXmlPropertiesResponse>"),
        format!("{quadratic_dtd}<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult><stringValue>{quadratic_refs}</stringValue></SimpleScalarXmlPropertiesResult></SimpleScalarXmlPropertiesResponse>"),
    ];
    for body in &success {
        let (error, allocated) = allocated_by(|| scalar_error(response(200, &[ID], body)));
        let SimpleScalarXmlPropertiesError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
        assert_eq!((unhandled.meta().status(), unhandled.meta().request_id()), (Some(200), Some("req-1")));
        let text = DisplayErrorContext(&error).to_string();
        assert!(text.starts_with("unreadable response") && text.contains("entity"), "{text}");
        assert!(allocated < bound(body), "reading a {} byte bomb allocated {allocated} bytes", body.len());
    }

    let errors = [
        format!("{laughs}<ErrorResponse><Error><Type>Sender</Type><Code>InvalidGreeting</Code><Message>&lol9;</Message></Error><RequestId>body-id</RequestId></ErrorResponse>"),
        format!("{quadratic_dtd}<ErrorResponse><Error><Code>InvalidGreeting</Code><Message>{quadratic_refs}</Message></Error></ErrorResponse>"),
    ];
    for body in &errors {
        let (error, allocated) = allocated_by(|| greeting_error(response(400, &[ID], body)));
        // The body does not read, so neither its code nor its message is trusted.
        let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
        assert_eq!((unhandled.meta().code(), unhandled.meta().status(), unhandled.meta().request_id()), (None, Some(400), Some("req-1")));
        assert!(allocated < bound(body), "reading a {} byte bomb allocated {allocated} bytes", body.len());

        let (error, allocated) = allocated_by(|| ec2_greeting_error(response(400, &[ID], body)));
        assert_eq!((error.code(), error.status(), error.request_id()), (None, Some(400), Some("req-1")));
        assert!(allocated < bound(body), "ec2Query: reading a {} byte bomb allocated {allocated} bytes", body.len());
    }
}

/// Malformed, truncated and over-deep bodies, and values that do not read
/// as their members' types: unreadable responses on success, unhandled
/// errors with the status on failure.
#[test]
fn malformed_truncated_and_deep_bodies_are_typed_errors() {
    let deep = |root: &str| format!("<{root}>{}{}</{root}>", "<a>".repeat(200), "</a>".repeat(200));
    let deep_success = deep("SimpleScalarXmlPropertiesResponse");
    let success = [
        ("truncated", "<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult><stringValue>abc</stringVal"),
        ("cut after the root", "<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult>"),
        ("mismatched", "<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult><stringValue>abc</integerValue></SimpleScalarXmlPropertiesResult></SimpleScalarXmlPropertiesResponse>"),
        ("two roots", "<SimpleScalarXmlPropertiesResponse/><SimpleScalarXmlPropertiesResponse/>"),
        ("not XML", "{\"stringValue\": \"json\"}"),
        ("an unknown entity", "<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult><stringValue>&nbsp;</stringValue></SimpleScalarXmlPropertiesResult></SimpleScalarXmlPropertiesResponse>"),
        ("deep", deep_success.as_str()),
        ("a bad integer", "<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult><integerValue>12x</integerValue></SimpleScalarXmlPropertiesResult></SimpleScalarXmlPropertiesResponse>"),
        ("a byte out of range", "<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult><byteValue>300</byteValue></SimpleScalarXmlPropertiesResult></SimpleScalarXmlPropertiesResponse>"),
        ("a bad boolean", "<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult><trueBooleanValue>yes</trueBooleanValue></SimpleScalarXmlPropertiesResult></SimpleScalarXmlPropertiesResponse>"),
    ];
    for (what, body) in success {
        let error = scalar_error(response(200, &[ID], body));
        let SimpleScalarXmlPropertiesError::Unhandled(unhandled) = &error else { panic!("{what}: {error:?}") };
        assert_eq!((unhandled.meta().status(), unhandled.meta().request_id()), (Some(200), Some("req-1")), "{what}");
        let text = DisplayErrorContext(&error).to_string();
        assert!(text.starts_with("unreadable response") && text.contains("XML"), "{what}: {text}");
    }
    // The error names the element whose text does not read.
    let text = DisplayErrorContext(&scalar_error(response(200, &[ID], success[7].1))).to_string();
    assert!(text.contains("<integerValue>") && text.contains("12x"), "{text}");
    // Bytes that are not UTF-8.
    let mut bytes = b"<SimpleScalarXmlPropertiesResponse><SimpleScalarXmlPropertiesResult><stringValue>".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x80]);
    bytes.extend_from_slice(b"</stringValue></SimpleScalarXmlPropertiesResult></SimpleScalarXmlPropertiesResponse>");
    let raw = http::Response::builder().status(200).header("x-amzn-requestid", "req-1").body(bytes::Bytes::from(bytes)).unwrap();
    let error = scalar_error(raw);
    assert!(matches!(&error, SimpleScalarXmlPropertiesError::Unhandled(u) if u.meta().status() == Some(200)), "{error:?}");
    // ec2Query reads through the same reader.
    let error = ec2_scalar_error(response(200, &[ID], &deep("SimpleScalarXmlPropertiesResponse")));
    assert!(ec2::error::DisplayErrorContext(&error).to_string().contains("deeper"), "{error}");

    let deep_error = deep("ErrorResponse");
    let failures = [
        ("truncated", "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidGreeting</Code><Message>Hi"),
        ("mismatched", "<ErrorResponse><Error><Code>InvalidGreeting</Code></Message></ErrorResponse>"),
        ("not XML", "{\"__type\": \"InvalidGreeting\"}"),
        ("deep", deep_error.as_str()),
        ("empty", ""),
    ];
    for (what, body) in failures {
        for status in [400, 500] {
            let error = greeting_error(response(status, &[ID], body));
            let GreetingWithErrorsError::Unhandled(unhandled) = &error else { panic!("{what}: {error:?}") };
            let meta = unhandled.meta();
            assert_eq!((meta.code(), meta.status(), meta.request_id()), (None, Some(status), Some("req-1")), "{what}");
            let error = ec2_greeting_error(response(status, &[ID], body));
            assert_eq!((error.code(), error.status(), error.request_id()), (None, Some(status), Some("req-1")), "ec2 {what}");
        }
    }
}

/// A date-time the form cannot carry (RFC 3339 has no year before 0) fails
/// the request before anything is sent, rather than sending `Key=`.
#[test]
fn a_date_out_of_range_fails_before_sending() {
    let (client, transport) = query_client(vec![response(200, &[], "<QueryTimestampsResponse/>")], query::config::RetryConfig::disabled());
    let ancient = time::Date::from_calendar_date(-1, time::Month::January, 1).unwrap().midnight().assume_utc();
    let error = runtime().block_on(client.query_timestamps().normal_format(ancient).send()).unwrap_err();
    assert!(DisplayErrorContext(&error).to_string().contains("QueryTimestamps"), "{}", DisplayErrorContext(&error));
    assert!(transport.requests().is_empty(), "nothing was sent");
    // A representable date goes out as RFC 3339.
    let (client, transport) = query_client(vec![response(200, &[], "<QueryTimestampsResponse/>")], query::config::RetryConfig::disabled());
    let date = time::Date::from_calendar_date(2015, time::Month::January, 25).unwrap().with_hms(8, 0, 0).unwrap().assume_utc();
    runtime().block_on(client.query_timestamps().normal_format(date).send()).unwrap();
    let body = String::from_utf8(transport.requests()[0].body().to_vec()).unwrap();
    assert!(body.contains("normalFormat=2015-01-25T08%3A00%3A00Z"), "{body}");
}

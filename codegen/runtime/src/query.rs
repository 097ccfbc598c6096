//! The query protocols, awsQuery and ec2Query, as the runtime sees them
//! (copied verbatim into each generated crate by codegen; the source lives
//! in `codegen/runtime/src/query.rs`): the form a request's body is written
//! to, and where a response keeps its output, its error and its request id.
//! Responses are read by the XML codec (`xml.rs`).
#![allow(dead_code)]

use crate::error::{ErrorMetadata, ErrorType};
use crate::xml::{Element, FromXml, XmlError};

/// A request body in `application/x-www-form-urlencoded`: `Action` and
/// `Version` first, then each key and value as written, percent-encoded.
#[derive(Debug)]
pub struct FormWriter {
    text: String,
    failure: Option<String>,
}

impl FormWriter {
    pub(crate) fn new(action: &str, version: &str) -> Self {
        let mut writer = FormWriter { text: String::with_capacity(128), failure: None };
        writer.text.push_str("Action=");
        encode_into(&mut writer.text, action);
        writer.text.push_str("&Version=");
        encode_into(&mut writer.text, version);
        writer
    }

    /// Appends `key=value`.
    pub(crate) fn param(&mut self, key: &str, value: &str) {
        self.text.push('&');
        encode_into(&mut self.text, key);
        self.text.push('=');
        encode_into(&mut self.text, value);
    }

    /// Marks the body as impossible to send (the first reason is kept).
    pub(crate) fn fail(&mut self, message: String) {
        self.failure.get_or_insert(message);
    }

    /// The body, unless something could not be written.
    pub(crate) fn finish(self) -> Result<Vec<u8>, XmlError> {
        match self.failure {
            Some(message) => Err(XmlError::new(message)),
            None => Ok(self.text.into_bytes()),
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_into(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 15)] as char);
            }
        }
    }
}

/// The key of a member under its holder's prefix (`Prefix.Name`).
pub(crate) fn key(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        let mut key = String::with_capacity(prefix.len() + 1 + name.len());
        key.push_str(prefix);
        key.push('.');
        key.push_str(name);
        key
    }
}

/// A type this crate writes to a request form: every generated structure
/// and union that requests carry.
pub trait ToQuery {
    #[doc(hidden)]
    fn write_query(&self, writer: &mut FormWriter, prefix: &str);
}

/// awsQuery (`ec2: false`) or ec2Query, as the runtime sees them.
#[derive(Debug)]
pub(crate) struct Query {
    pub(crate) ec2: bool,
}

impl crate::protocol::Protocol for Query {
    fn name(&self) -> &'static str {
        if self.ec2 {
            "aws.protocols#ec2Query"
        } else {
            "aws.protocols#awsQuery"
        }
    }

    /// awsQuery: `<ErrorResponse><Error><Type/><Code/><Message/></Error>
    /// <RequestId/></ErrorResponse>`; ec2Query: `<Response><Errors><Error>
    /// <Code/><Message/></Error></Errors><RequestID/></Response>`. The
    /// request id of the headers wins over the body's.
    fn error_metadata(&self, response: &crate::transport::HttpResponse) -> ErrorMetadata {
        let root = crate::xml::parse(response.body()).ok();
        let error = root.as_ref().and_then(|root| error_element(root, self.ec2));
        let text = |element: Option<&Element>, name: &str| {
            element.and_then(|e| e.child(name)).map(|c| c.text().trim().to_owned()).filter(|t| !t.is_empty())
        };
        let code = text(error, "Code");
        let message = text(error, "Message");
        let body_id = text(root.as_ref(), "RequestId").or_else(|| text(root.as_ref(), "RequestID"));
        let request_id = request_id(response.headers()).or(body_id);
        let meta = ErrorMetadata::new(code.clone(), message, Some(response.status().as_u16()), request_id);
        let error_type = match text(error, "Type").as_deref() {
            Some("Sender") => Some(ErrorType::Sender),
            Some("Receiver") => Some(ErrorType::Receiver),
            _ => None,
        };
        match (code, error_type) {
            (Some(code), Some(error_type)) => meta.with_query_error(code, Some(error_type)),
            _ => meta,
        }
    }

    fn request_id(&self, headers: &http::HeaderMap) -> Option<String> {
        request_id(headers)
    }
}

/// The request id of a response's headers (`x-amzn-requestid`, or
/// `x-amz-request-id`).
pub(crate) fn request_id(headers: &http::HeaderMap) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id"].iter().find_map(|name| {
        let value = headers.get(*name)?.to_str().ok()?.trim();
        (!value.is_empty()).then(|| value.to_owned())
    })
}

/// The `<Error>` of an error body.
fn error_element(root: &Element, ec2: bool) -> Option<&Element> {
    match (root.local_name(), ec2) {
        ("Error", _) => Some(root),
        // ec2Query's `<Response><Errors><Error>`, or a bare `<Error>` child.
        (_, true) => root.child("Errors").and_then(|errors| errors.child("Error")).or_else(|| root.child("Error")),
        (_, false) => root.child("Error"),
    }
}

/// Reads a modeled error's members from an error body's `<Error>` (an
/// empty body, or one without `<Error>`, reads as the zero value).
pub(crate) fn read_error<T: FromXml + crate::json::Fallback>(body: &[u8], ec2: bool) -> Result<T, XmlError> {
    match crate::xml::root(body)? {
        Some(root) => match error_element(&root, ec2) {
            Some(error) => T::read_xml(error),
            None => Ok(T::fallback()),
        },
        None => Ok(T::fallback()),
    }
}

/// Reads an output from its response body, `<{response}>` holding
/// `<{result}>` (awsQuery) or the members themselves (ec2Query, `result`
/// `None`), with the request id the body carries
/// (`<ResponseMetadata><RequestId>`, or ec2Query's `<requestId>`). An empty
/// body, or an awsQuery response holding only its `<ResponseMetadata>`,
/// reads as the zero value; a body whose root is another element, or whose
/// response holds another element in place of `<{result}>`, is an error
/// (a response meant for something else, never an empty output).
pub(crate) fn read_output<T: FromXml + crate::json::Fallback>(
    body: &[u8],
    response: &str,
    result: Option<&str>,
) -> Result<(T, Option<String>), XmlError> {
    let Some(root) = crate::xml::root(body)? else { return Ok((T::fallback(), None)) };
    if root.local_name() != response {
        return Err(XmlError::new(format!("the response is `<{}>`, not `<{response}>`", root.local_name())));
    }
    let text = |element: Option<&Element>| element.map(|e| e.text().trim().to_owned()).filter(|t| !t.is_empty());
    let request_id = match result {
        Some(_) => text(root.child("ResponseMetadata").and_then(|m| m.child("RequestId"))),
        None => text(root.child("requestId")).or_else(|| text(root.child("RequestId"))),
    };
    let output = match result {
        Some(result) => match root.child(result) {
            Some(element) => T::read_xml(element)?,
            None => match root.children().iter().find(|c| c.local_name() != "ResponseMetadata") {
                Some(other) => {
                    return Err(XmlError::new(format!("the response holds `<{}>`, not `<{result}>`", other.local_name())));
                }
                None => T::fallback(),
            },
        },
        None => T::read_xml(&root)?,
    };
    Ok((output, request_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Protocol;
    use bytes::Bytes;

    #[test]
    fn the_form_encodes_everything_but_unreserved_characters() {
        let mut writer = FormWriter::new("Do", "2020-01-08");
        writer.param("A.member.1", "a b+c=d&e/f:é~");
        writer.param(&key("", "Empty"), "");
        writer.param(&key("Outer", "Inner"), "x");
        let body = String::from_utf8(writer.finish().unwrap()).unwrap();
        assert_eq!(body, "Action=Do&Version=2020-01-08&A.member.1=a%20b%2Bc%3Dd%26e%2Ff%3A%C3%A9~&Empty=&Outer.Inner=x");
        let mut failing = FormWriter::new("Do", "1");
        failing.fail("no".into());
        failing.fail("later".into());
        assert_eq!(failing.finish().unwrap_err().to_string(), XmlError::new("no").to_string());
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> crate::transport::HttpResponse {
        let mut builder = http::Response::builder().status(status);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn query_errors_give_code_message_type_and_request_id() {
        let body = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidGreeting</Code><Message>Hi</Message>\
                    </Error><RequestId>foo-id</RequestId></ErrorResponse>";
        let meta = Query { ec2: false }.error_metadata(&response(400, &[], body));
        assert_eq!(
            (meta.code(), meta.message(), meta.request_id(), meta.status(), meta.error_type()),
            (Some("InvalidGreeting"), Some("Hi"), Some("foo-id"), Some(400), Some(ErrorType::Sender))
        );
        let meta = Query { ec2: false }.error_metadata(&response(400, &[("x-amzn-requestid", "hdr")], body));
        assert_eq!(meta.request_id(), Some("hdr"));
        let ec2 = "<Response><Errors><Error><Code>InvalidGreeting</Code><Message>Hi</Message></Error></Errors>\
                   <RequestID>foo-id</RequestID></Response>";
        let meta = Query { ec2: true }.error_metadata(&response(400, &[], ec2));
        assert_eq!((meta.code(), meta.message(), meta.request_id()), (Some("InvalidGreeting"), Some("Hi"), Some("foo-id")));
        // An HTML page from a proxy, or an error without a code: no code, never a panic.
        for body in ["<html><body>Bad Gateway", "<ErrorResponse><Error><Message>m</Message></Error></ErrorResponse>", ""] {
            let meta = Query { ec2: false }.error_metadata(&response(502, &[], body));
            assert_eq!((meta.code(), meta.status()), (None, Some(502)));
        }
    }

    #[derive(Debug, PartialEq)]
    struct Out(Option<String>);
    impl FromXml for Out {
        fn read_xml(element: &Element) -> Result<Self, XmlError> {
            Ok(Out(element.child("Name").map(|c| c.text().to_owned())))
        }
    }
    impl crate::json::Fallback for Out {
        fn fallback() -> Self {
            Out(None)
        }
    }

    #[test]
    fn outputs_are_read_inside_their_wrappers() {
        let body = b"<GetResponse xmlns=\"https://example.com/\"><GetResult><Name>n</Name></GetResult>\
                     <ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetResponse>";
        let (out, id) = read_output::<Out>(body, "GetResponse", Some("GetResult")).unwrap();
        assert_eq!((out, id.as_deref()), (Out(Some("n".into())), Some("rid")));
        // No result element: the zero value, with or without metadata.
        let (out, _) = read_output::<Out>(b"<GetResponse/>", "GetResponse", Some("GetResult")).unwrap();
        assert_eq!(out, Out(None));
        let metadata = b"<GetResponse><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetResponse>";
        let (out, id) = read_output::<Out>(metadata, "GetResponse", Some("GetResult")).unwrap();
        assert_eq!((out, id.as_deref()), (Out(None), Some("rid")));
        // Another element where the result belongs: an error naming it.
        let other = read_output::<Out>(b"<GetResponse><PutResult><Name>n</Name></PutResult></GetResponse>", "GetResponse", Some("GetResult"));
        assert!(other.unwrap_err().to_string().contains("<PutResult>"));
        let ec2 = b"<GetResponse><requestId>r</requestId><Name>n</Name></GetResponse>";
        let (out, id) = read_output::<Out>(ec2, "GetResponse", None).unwrap();
        assert_eq!((out, id.as_deref()), (Out(Some("n".into())), Some("r")));
        // The wrong wrapper, or not XML: an error.
        let wrong = read_output::<Out>(b"<PutResponse/>", "GetResponse", Some("GetResult")).unwrap_err();
        assert!(wrong.to_string().contains("<PutResponse>"), "{wrong}");
        assert!(read_output::<Out>(b"<GetResponse><", "GetResponse", None).is_err());
        assert_eq!(read_output::<Out>(b"  ", "GetResponse", None).unwrap().0, Out(None));
    }
}

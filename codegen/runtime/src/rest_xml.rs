//! The restXml protocol, as the runtime sees it (copied verbatim into each
//! generated crate by codegen; the source lives in
//! `codegen/runtime/src/rest_xml.rs`): where an error response keeps its
//! code and message (`<ErrorResponse><Error>...</Error></ErrorResponse>`,
//! or a bare `<Error>` for a service with `noErrorWrapping`, S3) and a
//! response its request ids. The XML codec itself is `xml.rs`.
#![allow(dead_code)]

use crate::error::ErrorMetadata;
use crate::transport::HttpResponse;
use crate::xml::Element;

/// restXml, as the runtime sees it.
#[derive(Debug)]
pub(crate) struct RestXml {
    /// `@restXml(noErrorWrapping: true)`: errors are a bare `<Error>`.
    pub(crate) no_error_wrapping: bool,
    /// The error code of an error response without a body, by status (S3's
    /// HeadObject and HeadBucket answer a missing key or bucket with a
    /// bodiless 404: `NotFound`).
    pub(crate) bodiless_codes: &'static [(u16, &'static str)],
}

impl crate::protocol::Protocol for RestXml {
    fn name(&self) -> &'static str {
        "aws.protocols#restXml"
    }

    fn error_metadata(&self, response: &HttpResponse) -> ErrorMetadata {
        let root = crate::xml::parse(response.body()).ok();
        let error = root.as_ref().and_then(error_element);
        let text = |element: Option<&Element>, name: &str| {
            element.and_then(|e| e.child(name)).map(|c| c.text().trim().to_owned()).filter(|t| !t.is_empty())
        };
        let status = response.status().as_u16();
        let bodiless = || {
            let empty = response.body().iter().all(u8::is_ascii_whitespace);
            let code = self.bodiless_codes.iter().find(|(s, _)| *s == status).filter(|_| empty);
            code.map(|(_, code)| (*code).to_owned())
        };
        let code = text(error, "Code").or_else(bodiless);
        let message = text(error, "Message");
        let request_id =
            request_id(response).or_else(|| text(error, "RequestId")).or_else(|| text(root.as_ref(), "RequestId"));
        let extended = header(response, "x-amz-id-2").or_else(|| text(error, "HostId"));
        ErrorMetadata::new(code, message, Some(status), request_id)
            .with_extended_request_id(extended)
    }

    fn request_id(&self, headers: &http::HeaderMap) -> Option<String> {
        request_id_in(headers)
    }
}

fn header(response: &HttpResponse, name: &str) -> Option<String> {
    header_in(response.headers(), name)
}

fn header_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The request id of a response (`x-amz-request-id`, or `x-amzn-requestid`).
pub(crate) fn request_id(response: &HttpResponse) -> Option<String> {
    request_id_in(response.headers())
}

fn request_id_in(headers: &http::HeaderMap) -> Option<String> {
    header_in(headers, "x-amz-request-id").or_else(|| header_in(headers, "x-amzn-requestid"))
}

/// The `<Error>` of an error body, wrapped in `<ErrorResponse>` or not.
pub(crate) fn error_element(root: &Element) -> Option<&Element> {
    match root.name() {
        "Error" => Some(root),
        _ => root.child("Error"),
    }
}

/// Reads a modeled error's members from an error body's `<Error>`.
pub(crate) fn read_error<T: crate::xml::FromXml + crate::json::Fallback>(
    body: &[u8],
) -> Result<T, crate::xml::XmlError> {
    match crate::xml::root(body)? {
        Some(root) => match error_element(&root) {
            Some(error) => T::read_xml(error),
            None => Ok(T::fallback()),
        },
        None => Ok(T::fallback()),
    }
}

/// Reads a body's root element as `T` (an empty body reads as `T`'s
/// zero value).
pub(crate) fn read_body<T: crate::xml::FromXml + crate::json::Fallback>(
    body: &[u8],
) -> Result<T, crate::xml::XmlError> {
    match crate::xml::root(body)? {
        Some(root) => T::read_xml(&root),
        None => Ok(T::fallback()),
    }
}

/// Reads a body whose root element is `T`'s only body member itself
/// (`s3UnwrappedXmlOutput`: S3's `GetBucketLocation` answers with a bare
/// `<LocationConstraint>`), as if it were wrapped in `T`'s element.
pub(crate) fn read_unwrapped_body<T: crate::xml::FromXml + crate::json::Fallback>(
    body: &[u8],
) -> Result<T, crate::xml::XmlError> {
    match crate::xml::root(body)? {
        Some(root) => T::read_xml(&root.wrapped()),
        None => Ok(T::fallback()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Protocol;
    use bytes::Bytes;

    fn response(headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let mut builder = http::Response::builder().status(400);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn wrapped_and_bare_errors_give_code_message_and_ids() {
        let wrapped = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidGreeting</Code>\
                       <Message>Hi</Message></Error><RequestId>foo-id</RequestId></ErrorResponse>";
        let meta = RestXml { no_error_wrapping: false, bodiless_codes: &[] }.error_metadata(&response(&[], wrapped));
        assert_eq!(
            (meta.code(), meta.message(), meta.request_id(), meta.status()),
            (Some("InvalidGreeting"), Some("Hi"), Some("foo-id"), Some(400))
        );
        let bare = "<Error><Code>NoSuchKey</Code><Message>gone</Message><RequestId>r</RequestId><HostId>h</HostId></Error>";
        let meta = RestXml { no_error_wrapping: true, bodiless_codes: &[] }
            .error_metadata(&response(&[("x-amz-request-id", "hdr"), ("x-amz-id-2", "ext")], bare));
        assert_eq!(
            (meta.code(), meta.message(), meta.request_id(), meta.extended_request_id()),
            (Some("NoSuchKey"), Some("gone"), Some("hdr"), Some("ext"))
        );
        let meta = RestXml { no_error_wrapping: true, bodiless_codes: &[] }.error_metadata(&response(&[], bare));
        assert_eq!((meta.request_id(), meta.extended_request_id()), (Some("r"), Some("h")));
        let meta = RestXml { no_error_wrapping: false, bodiless_codes: &[] }.error_metadata(&response(&[], "<html>Bad Gateway"));
        assert_eq!((meta.code(), meta.message(), meta.status()), (None, None, Some(400)));
    }

    fn with_status(status: u16, body: &str) -> HttpResponse {
        http::Response::builder().status(status).body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn a_bodiless_error_takes_the_code_of_its_status_only_when_configured() {
        let s3 = RestXml { no_error_wrapping: true, bodiless_codes: &[(404, "NotFound")] };
        assert_eq!(s3.error_metadata(&with_status(404, "")).code(), Some("NotFound"));
        assert_eq!(s3.error_metadata(&with_status(404, " \n")).code(), Some("NotFound"));
        // A body's own code wins; other statuses have none.
        let bare = "<Error><Code>NoSuchBucket</Code></Error>";
        assert_eq!(s3.error_metadata(&with_status(404, bare)).code(), Some("NoSuchBucket"));
        assert_eq!(s3.error_metadata(&with_status(403, "")).code(), None);
        let plain = RestXml { no_error_wrapping: true, bodiless_codes: &[] };
        assert_eq!(plain.error_metadata(&with_status(404, "")).code(), None);
    }
}

//! Where a response of a JSON protocol (restJson1, awsJson1_0, awsJson1_1)
//! keeps its request id, and an error response its code and message
//! (copied verbatim into each generated crate by codegen; the source lives
//! in `codegen/runtime/src/json/response.rs`).

use crate::error::ErrorMetadata;
use crate::primitives::Document;
use crate::transport::HttpResponse;

/// The request id of a response (`x-amzn-requestid`, or `x-amz-request-id`).
pub(crate) fn request_id(response: &HttpResponse) -> Option<String> {
    request_id_in(response.headers())
}

/// The request id in a response's headers.
pub(crate) fn request_id_in(headers: &http::HeaderMap) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The code and message of a JSON protocol's error response: the code from the
/// `X-Amzn-Errortype` header, else the body's `code`, else `__type`, with
/// any `:...` suffix and `namespace#` prefix removed; the message from
/// `message`, `Message` or `errorMessage`. A body that is not JSON (an HTML
/// page from a proxy) simply yields no code and no message.
pub(crate) fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    let body = super::document(response.body()).unwrap_or(Document::Null);
    let body_string = |key: &str| super::string(&body, key).map(str::to_owned);
    let header = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
        .map(str::to_owned);
    let code = header.or_else(|| body_string("code")).or_else(|| body_string("__type")).map(|raw| {
        let before_colon = raw.split(':').next().unwrap_or_default();
        before_colon.rsplit('#').next().unwrap_or_default().trim().to_owned()
    });
    let message = body_string("message").or_else(|| body_string("Message")).or_else(|| body_string("errorMessage"));
    ErrorMetadata::new(code.filter(|c| !c.is_empty()), message, Some(response.status().as_u16()), request_id(response))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let mut builder = http::Response::builder().status(status);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn error_codes_from_header_then_body() {
        let meta = error_metadata(&response(
            400,
            &[("x-amzn-errortype", "ValidationException:http://internal.amazon.com/"), ("x-amzn-requestid", "r1")],
            r#"{"code": "Other", "message": "bad"}"#,
        ));
        assert_eq!((meta.code(), meta.message(), meta.status(), meta.request_id()), (Some("ValidationException"), Some("bad"), Some(400), Some("r1")));
        let meta = error_metadata(&response(404, &[], r#"{"__type": "com.amazonaws.omics#ResourceNotFoundException", "Message": "gone"}"#));
        assert_eq!((meta.code(), meta.message()), (Some("ResourceNotFoundException"), Some("gone")));
        let meta = error_metadata(&response(403, &[], r#"{"code": "AccessDeniedException", "errorMessage": "no"}"#));
        assert_eq!((meta.code(), meta.message()), (Some("AccessDeniedException"), Some("no")));
        let meta = error_metadata(&response(400, &[("x-amzn-errortype", "")], r#"{"code": "FromBody"}"#));
        assert_eq!(meta.code(), Some("FromBody"), "an empty header does not hide the body's code");
        let meta = error_metadata(&response(502, &[], "<html><body>Bad Gateway</body></html>"));
        assert_eq!((meta.code(), meta.message(), meta.status()), (None, None, Some(502)));
    }
}

//! Amazon DynamoDB's customizations (copied verbatim into DynamoDB clients
//! by codegen; the source lives in `codegen/runtime/src/dynamodb.rs`):
//! the response checksum: the CRC32 of every response body in
//! `x-amz-crc32`, checked as the AWS SDKs do (a mismatch is retried as a
//! transient fault, never read), as an interceptor the DynamoDB decorator
//! registers for the service. (`AttributeValue`'s helpers are in
//! `dynamodb_items.rs`.)

use crate::transport::HttpResponse;

/// Checks `x-amz-crc32` against the body; a response without it passes.
#[derive(Debug)]
pub(crate) struct Crc32Check;

impl crate::interceptor::Interceptor for Crc32Check {
    fn check_response(&self, _request: &crate::orchestrator::Request, response: &HttpResponse) -> Result<(), String> {
        let Some(header) = response.headers().get("x-amz-crc32") else { return Ok(()) };
        let expected = header
            .to_str()
            .ok()
            .and_then(|text| text.trim().parse::<u32>().ok())
            .ok_or_else(|| format!("the response's x-amz-crc32 header is not a CRC32: {header:?}"))?;
        let actual = crc32fast::hash(response.body());
        if actual == expected {
            Ok(())
        } else {
            Err(format!(
                "the response body does not match its x-amz-crc32 checksum (expected {expected}, computed {actual}): it was damaged on the way"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interceptor::Interceptor;
    use bytes::Bytes;

    fn response(crc: Option<&str>, body: &str) -> HttpResponse {
        let mut builder = http::Response::builder().status(200);
        if let Some(crc) = crc {
            builder = builder.header("x-amz-crc32", crc);
        }
        builder.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn the_body_must_match_its_crc32() {
        let body = r#"{"TableNames":[]}"#;
        let right = crc32fast::hash(body.as_bytes()).to_string();
        let request = crate::orchestrator::Request {
            method: http::Method::POST,
            path_and_query: "/".into(),
            headers: Vec::new(),
            body: crate::primitives::ByteStream::default(),
            host_prefix: None,
            endpoint: None,
        };
        assert_eq!(Crc32Check.check_response(&request, &response(Some(&right), body)), Ok(()));
        assert_eq!(Crc32Check.check_response(&request, &response(None, body)), Ok(()), "no header, nothing to check");
        let wrong = Crc32Check.check_response(&request, &response(Some("12345"), body)).unwrap_err();
        assert!(wrong.contains("expected 12345") && wrong.contains(&right), "{wrong}");
        let garbage = Crc32Check.check_response(&request, &response(Some("abc"), body)).unwrap_err();
        assert!(garbage.contains("not a CRC32"), "{garbage}");
    }
}

//! The awsJson1_0 and awsJson1_1 protocols, as the runtime sees them
//! (copied verbatim into each generated crate by codegen; the source lives
//! in `codegen/runtime/src/aws_json.rs`). Errors are found where every JSON
//! protocol keeps them (`json/response.rs`); a service that keeps the error
//! codes of its former awsQuery protocol (`@awsQueryCompatible`, SQS) sends
//! them in `x-amzn-query-error: Code;Type`, which then give the error's
//! code and type.
#![allow(dead_code)]

use crate::error::{ErrorMetadata, ErrorType};
use crate::transport::HttpResponse;

/// awsJson1_0 or awsJson1_1.
#[derive(Debug)]
pub(crate) struct AwsJson {
    /// The protocol's Smithy trait.
    pub(crate) name: &'static str,
    /// Whether the service is `@awsQueryCompatible`.
    pub(crate) query_compatible: bool,
}

impl crate::protocol::Protocol for AwsJson {
    fn name(&self) -> &'static str {
        self.name
    }

    fn error_metadata(&self, response: &HttpResponse) -> ErrorMetadata {
        let meta = crate::json::error_metadata(response);
        match self.query_compatible.then(|| query_error(response)).flatten() {
            Some((code, error_type)) => meta.with_query_error(code, error_type),
            None => meta,
        }
    }

    fn request_id(&self, headers: &http::HeaderMap) -> Option<String> {
        crate::json::request_id_in(headers)
    }
}

/// The code and type of `x-amzn-query-error: Code;Type` (the type, `Sender`
/// or `Receiver`, may be missing; an empty code is no code).
fn query_error(response: &HttpResponse) -> Option<(String, Option<ErrorType>)> {
    let value = response.headers().get("x-amzn-query-error")?.to_str().ok()?;
    let (code, error_type) = value.split_once(';').unwrap_or((value, ""));
    let error_type = match error_type.trim() {
        "Sender" => Some(ErrorType::Sender),
        "Receiver" => Some(ErrorType::Receiver),
        _ => None,
    };
    let code = code.trim();
    (!code.is_empty()).then(|| (code.to_owned(), error_type))
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

    const SQS: AwsJson = AwsJson { name: "aws.protocols#awsJson1_0", query_compatible: true };
    const PLAIN: AwsJson = AwsJson { name: "aws.protocols#awsJson1_0", query_compatible: false };

    #[test]
    fn query_compatible_services_take_the_query_code_and_type() {
        let body = r#"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "no queue"}"#;
        let sent = response(&[("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")], body);
        let meta = SQS.error_metadata(&sent);
        assert_eq!(
            (meta.code(), meta.error_type(), meta.message(), meta.status()),
            (Some("AWS.SimpleQueueService.NonExistentQueue"), Some(ErrorType::Sender), Some("no queue"), Some(400))
        );
        // Other services ignore the header.
        let meta = PLAIN.error_metadata(&sent);
        assert_eq!((meta.code(), meta.error_type()), (Some("QueueDoesNotExist"), None));
        // Without the header, or with an empty code, the JSON code stands.
        for headers in [&[][..], &[("x-amzn-query-error", ";Sender")][..]] {
            let meta = SQS.error_metadata(&response(headers, body));
            assert_eq!((meta.code(), meta.error_type()), (Some("QueueDoesNotExist"), None));
        }
        let meta = SQS.error_metadata(&response(&[("x-amzn-query-error", "Customized")], body));
        assert_eq!((meta.code(), meta.error_type()), (Some("Customized"), None));
    }
}

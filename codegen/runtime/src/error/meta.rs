//! What every error carries (code, message, HTTP status, request id) and the
//! catch-all error for what the model does not describe (copied verbatim
//! into each generated crate by codegen; the source lives in
//! `codegen/runtime/src/error/meta.rs`).

use std::fmt;

/// The facts of an error response: its code, message, HTTP status and
/// request id, whichever the service sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    code: Option<String>,
    message: Option<String>,
    status: Option<u16>,
    request_id: Option<String>,
    error_type: Option<ErrorType>,
    /// Boxed: rare, and errors are returned by value (clippy's
    /// `result_large_err` counts every byte of them).
    redirect: Option<Box<Redirect>>,
}

/// Where a response says to send the request instead, and S3's second
/// request id: the facts few errors carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Redirect {
    location: Option<String>,
    bucket_region: Option<String>,
    extended_request_id: Option<String>,
}

/// Who an error is blamed on, as a service that keeps the error codes of
/// its former awsQuery protocol (SQS) says in `x-amzn-query-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// The caller's request is at fault.
    Sender,
    /// The service is at fault.
    Receiver,
}

impl ErrorMetadata {
    pub(crate) fn new(
        code: Option<String>,
        message: Option<String>,
        status: Option<u16>,
        request_id: Option<String>,
    ) -> Self {
        ErrorMetadata { code, message, status, request_id, error_type: None, redirect: None }
    }

    /// The same, with what a response says of where to send the request
    /// instead: the `Location` of a redirection (3xx), which the client
    /// does not follow, and the `x-amz-bucket-region` that S3 sends when a
    /// bucket lives in another region.
    pub(crate) fn with_redirect(mut self, status: http::StatusCode, headers: &http::HeaderMap) -> Self {
        let header = |name: &str| {
            let value = headers.get(name)?.to_str().ok()?.trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        let location = header("location").filter(|_| status.is_redirection());
        let bucket_region = header("x-amz-bucket-region");
        if location.is_some() || bucket_region.is_some() {
            let rare = self.redirect.get_or_insert_with(Default::default);
            rare.location = location;
            rare.bucket_region = bucket_region;
        }
        self
    }

    /// The same, with the extended request id S3 sends in `x-amz-id-2`.
    #[allow(dead_code)] // Used by restXml.
    pub(crate) fn with_extended_request_id(mut self, id: Option<String>) -> Self {
        if id.is_some() {
            self.redirect.get_or_insert_with(Default::default).extended_request_id = id;
        }
        self
    }

    /// S3's extended request id (`x-amz-id-2`), to quote to AWS support
    /// beside the request id.
    pub fn extended_request_id(&self) -> Option<&str> {
        self.redirect.as_ref()?.extended_request_id.as_deref()
    }

    /// The same, with the code and type an awsQuery-compatible service
    /// sends in `x-amzn-query-error`.
    #[allow(dead_code)] // Used by the awsJson protocols.
    pub(crate) fn with_query_error(mut self, code: String, error_type: Option<ErrorType>) -> Self {
        self.code = Some(code);
        self.error_type = error_type;
        self
    }

    /// The error code, such as `ThrottlingException`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The request id (`x-amzn-requestid`), to quote to AWS support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Who the error is blamed on, when a service that keeps
    /// the error codes of its former awsQuery protocol sends it (SQS).
    pub fn error_type(&self) -> Option<ErrorType> {
        self.error_type
    }

    /// Where a redirection (a 3xx response, which the client does not
    /// follow) points: its `Location` header.
    pub fn location(&self) -> Option<&str> {
        self.redirect.as_ref()?.location.as_deref()
    }

    /// The region of the bucket, as S3 says in `x-amz-bucket-region` (with
    /// a 301 when the request went to another region's endpoint).
    pub fn bucket_region(&self) -> Option<&str> {
        self.redirect.as_ref()?.bucket_region.as_deref()
    }

    /// Writes ` (HTTP 429, request id abc)` for whatever is known, with the
    /// redirection's location and the bucket's region when there are any.
    pub(crate) fn fmt_suffix(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status.map(|status| format!("HTTP {status}"));
        let request_id = self.request_id.as_ref().map(|id| format!("request id {id}"));
        let location = self.location().map(|location| format!("redirected to {location}"));
        let region = self.bucket_region().map(|region| format!("bucket region {region}"));
        let mut parts = [status, request_id, location, region].into_iter().flatten();
        if let Some(first) = parts.next() {
            write!(f, " ({first}")?;
            for part in parts {
                write!(f, ", {part}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// What kind of failure an [`Unhandled`] error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnhandledKind {
    /// The service answered with an error this crate does not model.
    Service,
    /// The input was invalid (a required member missing, a label empty);
    /// nothing was sent.
    InvalidInput,
    /// The configuration is incomplete (no region, no credentials) or the
    /// endpoint could not be resolved; nothing was sent.
    Configuration,
    /// Credentials could not be loaded; nothing was sent.
    Credentials,
    /// The connection failed.
    Transport,
    /// An attempt or the whole operation took longer than its timeout.
    Timeout,
    /// The response could not be read: not valid HTTP, a body larger than
    /// the configured limit, or a body the operation cannot parse.
    Response,
}

/// An error the model does not describe: an unmodeled error code, a failed
/// connection, a timeout, an invalid input or an unreadable response.
#[derive(Debug)]
pub struct Unhandled {
    kind: UnhandledKind,
    meta: ErrorMetadata,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Unhandled {
    pub(crate) fn new(
        kind: UnhandledKind,
        meta: ErrorMetadata,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Unhandled { kind, meta, source }
    }

    pub fn kind(&self) -> UnhandledKind {
        self.kind
    }

    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }

    pub fn is_timeout(&self) -> bool {
        self.kind == UnhandledKind::Timeout
    }
}

impl fmt::Display for Unhandled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            UnhandledKind::Service => "service error",
            UnhandledKind::InvalidInput => "invalid input",
            UnhandledKind::Configuration => "configuration error",
            UnhandledKind::Credentials => "could not load credentials",
            UnhandledKind::Transport => "request failed",
            UnhandledKind::Timeout => "timed out",
            UnhandledKind::Response => "unreadable response",
        };
        f.write_str(what)?;
        if let Some(code) = self.meta.code() {
            write!(f, ": {code}")?;
        }
        if let Some(message) = self.meta.message() {
            write!(f, ": {message}")?;
        }
        // The cause is the `source()`, not part of this text: printed
        // through a chain (anyhow's `{:#}`, `DisplayErrorContext`) it
        // would appear twice.
        self.meta.fmt_suffix(f)
    }
}

impl std::error::Error for Unhandled {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// Shows an error and each of its causes on one line, `layer: cause:
/// cause`, as anyhow's `{:#}` does: every error of this crate describes
/// only its own layer in `Display` and returns the next one from
/// `source()`, so `{error}` alone may leave out why it happened.
///
/// `eprintln!("{}", DisplayErrorContext(&error))` prints, for example:
///
/// ```text
/// request failed: could not connect: client error (Connect): tcp connect error: Connection refused (os error 111)
/// ```
///
/// `Debug` writes the same line followed by the error's own `Debug` in
/// parentheses.
pub struct DisplayErrorContext<E>(pub E);

impl<E: std::error::Error> fmt::Display for DisplayErrorContext<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each layer with `{}`, never the caller's flags: some errors print
        // their causes themselves under `{:#}`.
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

impl<E: std::error::Error> fmt::Debug for DisplayErrorContext<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} ({:?})", self.0)
    }
}

/// What every variant of an operation's error enum offers: the enum
/// matches once, in its `variant()`, and its `meta`, `code`,
/// `is_retryable`, `Display` and `source` all go through that, instead of
/// matching once each.
pub(crate) trait ErrorVariant: std::error::Error + Send + Sync + 'static {
    fn meta(&self) -> &ErrorMetadata;

    /// The code the model gives this error, for when the response has none.
    fn modeled_code(&self) -> Option<&'static str> {
        None
    }

    fn retryable(&self) -> bool {
        false
    }

    fn as_error(&self) -> &(dyn std::error::Error + 'static);
}

impl ErrorVariant for Unhandled {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }

    fn as_error(&self) -> &(dyn std::error::Error + 'static) {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_shows_its_location_and_the_bucket_region() {
        let mut headers = http::HeaderMap::new();
        headers.insert("location", http::HeaderValue::from_static("https://bucket.s3.eu-west-1.amazonaws.com/key"));
        headers.insert("x-amz-bucket-region", http::HeaderValue::from_static("eu-west-1"));
        let meta = ErrorMetadata::new(Some("PermanentRedirect".into()), None, Some(301), Some("req-3".into()))
            .with_redirect(http::StatusCode::MOVED_PERMANENTLY, &headers);
        assert_eq!(meta.location(), Some("https://bucket.s3.eu-west-1.amazonaws.com/key"));
        assert_eq!(meta.bucket_region(), Some("eu-west-1"));
        let e = Unhandled::new(UnhandledKind::Service, meta, None);
        assert_eq!(
            e.to_string(),
            "service error: PermanentRedirect (HTTP 301, request id req-3, \
             redirected to https://bucket.s3.eu-west-1.amazonaws.com/key, bucket region eu-west-1)"
        );
        // Not a redirection: a `Location` says nothing of where to go.
        let meta = ErrorMetadata::new(None, None, Some(400), None).with_redirect(http::StatusCode::BAD_REQUEST, &headers);
        assert_eq!((meta.location(), meta.bucket_region()), (None, Some("eu-west-1")));
        let meta = ErrorMetadata::new(None, None, None, None).with_redirect(http::StatusCode::FOUND, &http::HeaderMap::new());
        assert_eq!((meta.location(), meta.bucket_region()), (None, None));
        assert_eq!(Unhandled::new(UnhandledKind::Service, meta, None).to_string(), "service error");
    }

    #[test]
    fn display_says_what_happened() {
        let meta = ErrorMetadata::new(Some("Weird".into()), Some("odd".into()), Some(418), Some("req-1".into()));
        let e = Unhandled::new(UnhandledKind::Service, meta, None);
        assert_eq!(e.to_string(), "service error: Weird: odd (HTTP 418, request id req-1)");
        let e = Unhandled::new(UnhandledKind::Timeout, ErrorMetadata::default(), Some("attempt timeout of 1s".into()));
        assert_eq!(e.to_string(), "timed out");
        assert!(e.is_timeout());
    }

    /// An error with a cause, for the chains below.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<dyn std::error::Error + Send + Sync>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_ref().map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
        }
    }

    #[test]
    fn the_source_is_returned_not_displayed() {
        let cause = Layer("tcp connect error", Some(Box::new(Layer("Connection refused", None))));
        let meta = ErrorMetadata::new(None, None, Some(503), Some("req-2".into()));
        let e = Unhandled::new(UnhandledKind::Transport, meta, Some(Box::new(cause)));
        assert_eq!(e.to_string(), "request failed (HTTP 503, request id req-2)");
        let source = std::error::Error::source(&e).expect("the cause is the source");
        assert_eq!(source.to_string(), "tcp connect error");
        assert_eq!(source.source().map(|s| s.to_string()).as_deref(), Some("Connection refused"));
        let e = Unhandled::new(UnhandledKind::Service, ErrorMetadata::default(), None);
        assert!(std::error::Error::source(&e).is_none());
    }

    #[test]
    fn display_error_context_writes_each_layer_once() {
        let chain = Layer("outer", Some(Box::new(Layer("middle", Some(Box::new(Layer("root", None)))))));
        assert_eq!(DisplayErrorContext(&chain).to_string(), "outer: middle: root");
        assert_eq!(format!("{:#}", DisplayErrorContext(&chain)), "outer: middle: root");
        let debug = format!("{:?}", DisplayErrorContext(&chain));
        assert!(debug.starts_with("outer: middle: root (Layer(\"outer\""), "{debug}");
        let e = Unhandled::new(UnhandledKind::Timeout, ErrorMetadata::default(), Some("attempt 1 took longer than 1s".into()));
        assert_eq!(DisplayErrorContext(e).to_string(), "timed out: attempt 1 took longer than 1s");
    }
}

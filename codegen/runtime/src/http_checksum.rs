//! Flexible checksums (`aws.protocols#httpChecksum`), as the AWS SDKs do
//! them (copied verbatim into each generated crate with such an operation
//! by codegen; the source lives in `codegen/runtime/src/http_checksum.rs`):
//! - request checksums (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256): a body
//!   in memory gets an `x-amz-checksum-<algorithm>` header; a stream (or a
//!   file) is sent `aws-chunked`, its checksum in a trailer computed while
//!   it goes out, never buffered;
//! - response checksums: the body is checked against the first
//!   `x-amz-checksum-*` header the operation names, whole for a buffered
//!   body, at its end for a stream (a mismatch is then the stream's error).
//!
//! The generator registers [`RequestChecksum`] and [`ResponseChecksum`] as
//! interceptors of the operations with the trait.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http::header::{HeaderName, HeaderValue};
use sha1::Digest as _;

use crate::config::{Config, RequestChecksumCalculation, ResponseChecksumValidation};
use crate::error::BuildError;
use crate::orchestrator::Request;
use crate::primitives::ByteStream;
use crate::transport::{HttpResponse, StreamingResponse};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A checksum algorithm of flexible checksums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Crc32,
    Crc32c,
    Crc64Nvme,
    Sha1,
    Sha256,
}

impl Algorithm {
    /// The order in which response headers are looked at, fastest to
    /// compute first (as the AWS SDKs do).
    const PRIORITY: [Algorithm; 5] = [Algorithm::Crc64Nvme, Algorithm::Crc32c, Algorithm::Crc32, Algorithm::Sha1, Algorithm::Sha256];

    /// The algorithm's name in models and in `x-amz-sdk-checksum-algorithm`
    /// (`CRC32`), in any case.
    pub(crate) fn from_name(name: &str) -> Option<Algorithm> {
        let name = name.trim();
        Self::PRIORITY.into_iter().find(|a| a.name().eq_ignore_ascii_case(name))
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "CRC32",
            Algorithm::Crc32c => "CRC32C",
            Algorithm::Crc64Nvme => "CRC64NVME",
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
        }
    }

    /// The header (or trailer) that carries the checksum.
    pub(crate) fn header(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "x-amz-checksum-crc32",
            Algorithm::Crc32c => "x-amz-checksum-crc32c",
            Algorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Algorithm::Sha1 => "x-amz-checksum-sha1",
            Algorithm::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The length of the digest in bytes.
    fn size(self) -> u64 {
        match self {
            Algorithm::Crc32 | Algorithm::Crc32c => 4,
            Algorithm::Crc64Nvme => 8,
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
        }
    }

    pub(crate) fn hasher(self) -> Hasher {
        match self {
            Algorithm::Crc32 => Hasher::Crc32(crc32fast::Hasher::new()),
            Algorithm::Crc32c => Hasher::Crc32c(0),
            Algorithm::Crc64Nvme => Hasher::Crc64Nvme(crc64fast_nvme::Digest::new()),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
        }
    }

    /// The checksum of `data` as it is sent: the digest in base64.
    pub(crate) fn checksum(self, data: &[u8]) -> String {
        let mut hasher = self.hasher();
        hasher.update(data);
        hasher.finish()
    }
}

/// A checksum being computed.
pub(crate) enum Hasher {
    Crc32(crc32fast::Hasher),
    Crc32c(u32),
    Crc64Nvme(crc64fast_nvme::Digest),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl Hasher {
    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Crc32(h) => h.update(data),
            Hasher::Crc32c(crc) => *crc = crc32c::crc32c_append(*crc, data),
            Hasher::Crc64Nvme(h) => h.write(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
        }
    }

    /// The digest (big-endian for the CRCs), in base64.
    pub(crate) fn finish(self) -> String {
        let digest: Vec<u8> = match self {
            Hasher::Crc32(h) => h.finalize().to_be_bytes().to_vec(),
            Hasher::Crc32c(crc) => crc.to_be_bytes().to_vec(),
            Hasher::Crc64Nvme(h) => h.sum64().to_be_bytes().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
        };
        crate::primitives::base64_encode(&digest)
    }
}

fn has_header(headers: &[(HeaderName, HeaderValue)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
}

fn header_value<'a>(headers: &'a [(HeaderName, HeaderValue)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.as_str().eq_ignore_ascii_case(name)).and_then(|(_, v)| v.to_str().ok())
}

fn set_header(headers: &mut Vec<(HeaderName, HeaderValue)>, name: &'static str, value: HeaderValue) {
    headers.retain(|(n, _)| n.as_str() != name);
    headers.push((HeaderName::from_static(name), value));
}

/// The request checksum of an operation with `requestAlgorithmMember` or
/// `requestChecksumRequired`.
#[derive(Debug)]
pub(crate) struct RequestChecksum {
    /// The input's Rust type, for errors.
    pub(crate) shape: &'static str,
    /// The header the input's algorithm member is sent in
    /// (`x-amz-sdk-checksum-algorithm`), with the member's Rust field and
    /// model names, if the operation has one.
    pub(crate) algorithm: Option<(&'static str, &'static str, &'static str)>,
    /// The Rust field and model names of the body's member (for errors).
    pub(crate) body: (&'static str, &'static str),
    /// `requestChecksumRequired`: a checksum is sent whatever the
    /// configuration says.
    pub(crate) required: bool,
}

impl crate::interceptor::Interceptor for RequestChecksum {
    fn applies_when_presigned(&self) -> bool {
        false
    }

    fn modify_request(&self, request: &mut Request, config: &Config) -> Result<(), BuildError> {
        // A checksum the caller set (`ChecksumCRC32`, ...) is sent as it is.
        if Algorithm::PRIORITY.iter().any(|a| has_header(&request.headers, a.header())) {
            return Ok(());
        }
        let named = self.algorithm.and_then(|(header, ..)| header_value(&request.headers, header));
        let algorithm = match (named, self.algorithm) {
            // Not one of the five (`MD5`, or a value unknown to this client).
            (Some(name), Some((_, field, member))) => {
                Algorithm::from_name(name).ok_or_else(|| BuildError::invalid_value(self.shape, field, member))?
            }
            _ if self.required || config.request_checksum_calculation == RequestChecksumCalculation::WhenSupported => Algorithm::Crc32,
            _ => return Ok(()),
        };
        let (field, member) = self.body;
        if let Some(bytes) = request.body.as_bytes() {
            let value = HeaderValue::from_str(&algorithm.checksum(bytes)).map_err(|_| BuildError::invalid_value(self.shape, field, member))?;
            set_header(&mut request.headers, algorithm.header(), value);
            return Ok(());
        }
        // A stream: the checksum goes in an `aws-chunked` trailer, which
        // needs the body's length up front.
        let Some(length) = request.body.content_length() else {
            if named.is_none() && !self.required {
                // Only the configuration asked: the stream goes without one.
                return Ok(());
            }
            // The trailer's framing needs the length: give the stream one
            // (`ByteStream::from_stream_with_length`), or send a file.
            return Err(BuildError::unknown_length(self.shape, field, member));
        };
        let body = std::mem::take(&mut request.body);
        request.body = ByteStream::mapped(body, aws_chunked_length(length, algorithm), move |inner| {
            ByteStream::from_checked_stream(AwsChunked::new(inner, algorithm, length), Some(aws_chunked_length(length, algorithm)))
        });
        let encoding = match header_value(&request.headers, "content-encoding") {
            Some(existing) if !existing.trim().is_empty() => format!("aws-chunked,{existing}"),
            _ => "aws-chunked".to_owned(),
        };
        let encoding = HeaderValue::from_str(&encoding).map_err(|_| BuildError::invalid_value(self.shape, field, member))?;
        set_header(&mut request.headers, "content-encoding", encoding);
        set_header(&mut request.headers, "x-amz-decoded-content-length", HeaderValue::from(length));
        set_header(&mut request.headers, "x-amz-trailer", HeaderValue::from_static(algorithm.header()));
        set_header(&mut request.headers, "x-amz-content-sha256", HeaderValue::from_static("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
        Ok(())
    }
}

/// The length of a body of `length` bytes sent `aws-chunked` with the
/// trailer of `algorithm`: one chunk of the whole body (none when it is
/// empty), the final empty chunk, the trailer and the closing line.
pub(crate) fn aws_chunked_length(length: u64, algorithm: Algorithm) -> u64 {
    let chunk = if length == 0 { 0 } else { format!("{length:X}").len() as u64 + 2 + length + 2 };
    let encoded_digest = algorithm.size().div_ceil(3) * 4;
    chunk + 3 + algorithm.header().len() as u64 + 1 + encoded_digest + 2 + 2
}

/// A body sent `aws-chunked`: `<length in hex>\r\n<bytes>\r\n`, then
/// `0\r\n<trailer>:<checksum>\r\n\r\n`, the checksum computed on the way.
struct AwsChunked {
    inner: ByteStream,
    algorithm: Algorithm,
    hasher: Option<Hasher>,
    length: u64,
    sent: u64,
    started: bool,
}

impl AwsChunked {
    fn new(inner: ByteStream, algorithm: Algorithm, length: u64) -> Self {
        AwsChunked { inner, algorithm, hasher: Some(algorithm.hasher()), length, sent: 0, started: false }
    }
}

impl Stream for AwsChunked {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if !this.started {
            this.started = true;
            if this.length > 0 {
                return Poll::Ready(Some(Ok(Bytes::from(format!("{:X}\r\n", this.length)))));
            }
        }
        let Some(hasher) = this.hasher.as_mut() else { return Poll::Ready(None) };
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Err(error))) => {
                this.hasher = None;
                Poll::Ready(Some(Err(error.into())))
            }
            Poll::Ready(Some(Ok(chunk))) => {
                this.sent += chunk.len() as u64;
                if this.sent > this.length {
                    this.hasher = None;
                    return Poll::Ready(Some(Err("the body yields more bytes than its length".into())));
                }
                hasher.update(&chunk);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(None) => {
                let Some(hasher) = this.hasher.take() else { return Poll::Ready(None) };
                if this.sent != this.length {
                    return Poll::Ready(Some(Err(format!(
                        "the body ended after {} of its {} bytes",
                        this.sent, this.length
                    )
                    .into())));
                }
                let end = if this.length > 0 { "\r\n" } else { "" };
                let trailer = format!("{end}0\r\n{}:{}\r\n\r\n", this.algorithm.header(), hasher.finish());
                Poll::Ready(Some(Ok(Bytes::from(trailer))))
            }
        }
    }
}

/// Response validation of an operation with `requestValidationModeMember`.
#[derive(Debug)]
pub(crate) struct ResponseChecksum {
    /// The header the input's validation mode member is sent in (S3's
    /// `x-amz-checksum-mode`).
    pub(crate) mode_header: &'static str,
    /// `responseAlgorithms`: the checksums the response may carry.
    pub(crate) algorithms: &'static [&'static str],
}

impl ResponseChecksum {
    /// Whether the request asked for checksums (`ENABLED`).
    fn enabled(&self, request: &Request) -> bool {
        header_value(&request.headers, self.mode_header).is_some_and(|mode| mode.trim().eq_ignore_ascii_case("ENABLED"))
    }

    /// The checksum to check: the first of the operation's algorithms, in
    /// order of speed, whose header the response has. A multipart object's
    /// checksum (a checksum of the parts' checksums, `<base64>-<parts>`)
    /// cannot be checked from the body: it is skipped, as the SDKs do.
    fn expected(&self, headers: &http::HeaderMap) -> Option<(Algorithm, String)> {
        let algorithm = Algorithm::PRIORITY
            .into_iter()
            .filter(|a| self.algorithms.iter().any(|name| a.name().eq_ignore_ascii_case(name)))
            .find(|a| headers.contains_key(a.header()))?;
        let value = headers.get(algorithm.header())?.to_str().ok()?.trim().to_owned();
        (!is_part_level(&value)).then_some((algorithm, value))
    }
}

/// `<base64>-<number of parts>`: the checksum of a multipart object.
fn is_part_level(checksum: &str) -> bool {
    checksum.rsplit_once('-').is_some_and(|(head, parts)| {
        !head.is_empty() && !head.contains('-') && !parts.is_empty() && parts.bytes().all(|b| b.is_ascii_digit())
    })
}

fn mismatch(algorithm: Algorithm, expected: &str, computed: &str) -> String {
    format!(
        "the response body does not match its {} checksum (the response says {expected}, the body's is {computed}): \
         it was damaged on the way",
        algorithm.name()
    )
}

impl crate::interceptor::Interceptor for ResponseChecksum {
    fn applies_when_presigned(&self) -> bool {
        false
    }

    fn modify_request(&self, request: &mut Request, config: &Config) -> Result<(), BuildError> {
        // Unless configured otherwise, the client asks for checksums itself.
        if config.response_checksum_validation == ResponseChecksumValidation::WhenSupported && !has_header(&request.headers, self.mode_header) {
            request.headers.push((HeaderName::from_static(self.mode_header), HeaderValue::from_static("ENABLED")));
        }
        Ok(())
    }

    fn check_response(&self, request: &Request, response: &HttpResponse) -> Result<(), String> {
        if !response.status().is_success() || !self.enabled(request) {
            return Ok(());
        }
        let Some((algorithm, expected)) = self.expected(response.headers()) else { return Ok(()) };
        let computed = algorithm.checksum(response.body());
        if computed == expected {
            Ok(())
        } else {
            Err(mismatch(algorithm, &expected, &computed))
        }
    }

    fn wrap_stream(&self, request: &Request, response: StreamingResponse) -> StreamingResponse {
        if !response.status().is_success() || !self.enabled(request) {
            return response;
        }
        let Some((algorithm, expected)) = self.expected(response.headers()) else { return response };
        response.map(|body| {
            let length = body.content_length();
            let checked = Validated { inner: body, algorithm, hasher: Some(algorithm.hasher()), expected };
            ByteStream::from_checked_stream(checked, length)
        })
    }
}

/// A downloaded body checked against its checksum at its end: a mismatch
/// is the stream's last item, an error.
struct Validated {
    inner: ByteStream,
    algorithm: Algorithm,
    hasher: Option<Hasher>,
    expected: String,
}

impl Stream for Validated {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(hasher) = this.hasher.as_mut() else { return Poll::Ready(None) };
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => {
                hasher.update(&chunk);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.hasher = None;
                Poll::Ready(Some(Err(error.into())))
            }
            Poll::Ready(None) => {
                let computed = this.hasher.take().map(Hasher::finish).unwrap_or_default();
                if computed == this.expected {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Err(mismatch(this.algorithm, &this.expected, &computed).into())))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    /// The checksums of "Hello world" the S3 user guide publishes (and
    /// those of the standard check input "123456789" from the CRC catalogue).
    #[test]
    fn known_vectors() {
        let hello = b"Hello world";
        assert_eq!(Algorithm::Crc32.checksum(hello), "i9aeUg==");
        assert_eq!(Algorithm::Crc32c.checksum(hello), "crUfeA==");
        assert_eq!(Algorithm::Crc64Nvme.checksum(hello), "OOJZ0D8xKts=");
        assert_eq!(Algorithm::Sha1.checksum(hello), "e1AsOh9IyGCa4hLN+2Od7jlnP14=");
        assert_eq!(Algorithm::Sha256.checksum(hello), "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=");
        let check = |algorithm: Algorithm| {
            let b64 = algorithm.checksum(b"123456789");
            crate::primitives::base64_decode(&b64).unwrap().iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        assert_eq!(check(Algorithm::Crc32), "cbf43926");
        assert_eq!(check(Algorithm::Crc32c), "e3069283");
        assert_eq!(check(Algorithm::Crc64Nvme), "ae8b14860a799888");
    }

    #[test]
    fn names_parse_in_any_case() {
        for algorithm in Algorithm::PRIORITY {
            assert_eq!(Algorithm::from_name(&algorithm.name().to_lowercase()), Some(algorithm));
        }
        assert_eq!(Algorithm::from_name("MD5"), None);
    }

    #[test]
    fn part_level_checksums_are_recognised() {
        for yes in ["abcd-1", "abcd=-12", "abcd12-134", "abcd==-10000"] {
            assert!(is_part_level(yes), "{yes}");
        }
        for no in ["abcd", "abcd==", "1234", "", "abcd==-", "abcd==--11", "abcd==-AA", "a b-c"] {
            assert!(!is_part_level(no), "{no}");
        }
    }

    #[test]
    fn aws_chunked_frames_the_body_and_its_length_is_exact() {
        for (body, algorithm) in [(&b"Hello world"[..], Algorithm::Crc32), (b"", Algorithm::Sha256), (&[7u8; 70_000][..], Algorithm::Crc64Nvme)] {
            let chunks: Vec<Result<Bytes, BoxError>> = body.chunks(4096).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
            let inner = ByteStream::from_stream(Chunks(chunks));
            let framed = ByteStream::from_checked_stream(AwsChunked::new(inner, algorithm, body.len() as u64), None);
            let sent = block_on(framed.collect()).unwrap();
            assert_eq!(sent.len() as u64, aws_chunked_length(body.len() as u64, algorithm));
            let head = if body.is_empty() { String::new() } else { format!("{:X}\r\n", body.len()) };
            let mut expected = head.into_bytes();
            expected.extend_from_slice(body);
            if !body.is_empty() {
                expected.extend_from_slice(b"\r\n");
            }
            expected.extend_from_slice(format!("0\r\n{}:{}\r\n\r\n", algorithm.header(), algorithm.checksum(body)).as_bytes());
            assert_eq!(sent, expected);
        }
        let short = ByteStream::from_stream(Chunks(vec![Ok(Bytes::from("abc"))]));
        let framed = ByteStream::from_checked_stream(AwsChunked::new(short, Algorithm::Crc32, 5), None);
        assert!(block_on(framed.collect()).is_err(), "a body shorter than its length fails");
    }

    #[test]
    fn a_streamed_download_fails_at_its_end_when_the_checksum_differs() {
        let validated = |body: &'static str, expected: &str| {
            let inner = ByteStream::from_stream(Chunks(vec![Ok(Bytes::from(body))]));
            let stream = Validated { inner, algorithm: Algorithm::Crc32, hasher: Some(Algorithm::Crc32.hasher()), expected: expected.to_owned() };
            block_on(ByteStream::from_checked_stream(stream, None).collect())
        };
        assert_eq!(validated("Hello world", "i9aeUg==").unwrap(), Bytes::from("Hello world"));
        let error = validated("Hello World", "i9aeUg==").unwrap_err();
        let chain = crate::error::DisplayErrorContext(&error).to_string();
        assert!(chain.contains("does not match its CRC32 checksum"), "{chain}");
    }

    fn request(headers: &[(&'static str, &'static str)], body: ByteStream) -> Request {
        Request {
            method: http::Method::PUT,
            path_and_query: "/".into(),
            headers: headers.iter().map(|(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v))).collect(),
            body,
            host_prefix: None,
            endpoint: None,
        }
    }

    const PUT: RequestChecksum = RequestChecksum {
        shape: "PutInput",
        algorithm: Some(("x-amz-sdk-checksum-algorithm", "checksum_algorithm", "ChecksumAlgorithm")),
        body: ("body", "Body"),
        required: false,
    };

    #[test]
    fn request_checksums_follow_the_input_and_the_configuration() {
        use crate::interceptor::Interceptor;
        let supported = Config::builder().build();
        let required_only = Config::builder().request_checksum_calculation(RequestChecksumCalculation::WhenRequired).build();
        let header = |request: &Request, name: &str| header_value(&request.headers, name).map(str::to_owned);

        let mut plain = request(&[], ByteStream::from("Hello world"));
        PUT.modify_request(&mut plain, &supported).unwrap();
        assert_eq!(header(&plain, "x-amz-checksum-crc32").as_deref(), Some("i9aeUg=="));

        let mut named = request(&[("x-amz-sdk-checksum-algorithm", "sha256")], ByteStream::from("Hello world"));
        PUT.modify_request(&mut named, &required_only).unwrap();
        assert_eq!(header(&named, "x-amz-checksum-sha256").as_deref(), Some("ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="));

        let mut unasked = request(&[], ByteStream::from("Hello world"));
        PUT.modify_request(&mut unasked, &required_only).unwrap();
        assert!(unasked.headers.is_empty());
        let required = RequestChecksum { required: true, ..PUT };
        required.modify_request(&mut unasked, &required_only).unwrap();
        assert_eq!(header(&unasked, "x-amz-checksum-crc32").as_deref(), Some("i9aeUg=="));

        let mut md5 = request(&[("x-amz-sdk-checksum-algorithm", "MD5")], ByteStream::from("x"));
        let error = PUT.modify_request(&mut md5, &supported).unwrap_err();
        assert_eq!((error.member(), error.shape()), ("ChecksumAlgorithm", "PutInput"));

        let mut own = request(&[("x-amz-checksum-crc32c", "AAAAAA==")], ByteStream::from("x"));
        PUT.modify_request(&mut own, &supported).unwrap();
        assert_eq!(own.headers.len(), 1, "a checksum the caller set is kept, and no other is added");
    }

    #[test]
    fn a_streamed_body_is_mapped_to_aws_chunked_and_stays_replayable_when_it_was() {
        use crate::interceptor::Interceptor;
        let dir = std::env::temp_dir().join(format!("http-checksum-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("body");
        std::fs::write(&path, b"Hello world").unwrap();
        let file = block_on(ByteStream::from_path(&path)).unwrap();
        let mut upload = request(&[], file);
        PUT.modify_request(&mut upload, &Config::builder().build()).unwrap();
        assert!(upload.body.is_replayable(), "a file is read again for a retry");
        assert_eq!(upload.body.content_length(), Some(aws_chunked_length(11, Algorithm::Crc32)));
        let expected = "B\r\nHello world\r\n0\r\nx-amz-checksum-crc32:i9aeUg==\r\n\r\n";
        for _ in 0..2 {
            let sent = block_on(upload.body.take_for_send().collect()).unwrap();
            assert_eq!(sent, Bytes::from(expected));
        }
        assert_eq!(header_value(&upload.headers, "x-amz-trailer"), Some("x-amz-checksum-crc32"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn buffered_responses_are_checked_when_asked_for() {
        use crate::interceptor::Interceptor;
        let check = ResponseChecksum { mode_header: "x-amz-checksum-mode", algorithms: &["CRC32", "SHA256"] };
        let asked = request(&[("x-amz-checksum-mode", "ENABLED")], ByteStream::default());
        let response = |headers: &[(&str, &str)], body: &'static str| {
            let mut builder = http::Response::builder().status(200);
            for (name, value) in headers {
                builder = builder.header(*name, *value);
            }
            builder.body(Bytes::from(body)).unwrap()
        };
        assert_eq!(check.check_response(&asked, &response(&[("x-amz-checksum-crc32", "i9aeUg==")], "Hello world")), Ok(()));
        let wrong = check.check_response(&asked, &response(&[("x-amz-checksum-crc32", "i9aeUg==")], "Hello World")).unwrap_err();
        assert!(wrong.contains("does not match its CRC32 checksum"), "{wrong}");
        // CRC32C is not among the operation's algorithms: nothing to check.
        assert_eq!(check.check_response(&asked, &response(&[("x-amz-checksum-crc32c", "AAAAAA==")], "x")), Ok(()));
        let unasked = request(&[], ByteStream::default());
        assert_eq!(check.check_response(&unasked, &response(&[("x-amz-checksum-crc32", "AAAAAA==")], "x")), Ok(()));
        let mut prepared = request(&[], ByteStream::default());
        check.modify_request(&mut prepared, &Config::builder().build()).unwrap();
        assert_eq!(header_value(&prepared.headers, "x-amz-checksum-mode"), Some("ENABLED"));
        let mut trusting = request(&[], ByteStream::default());
        let config = Config::builder().response_checksum_validation(ResponseChecksumValidation::WhenRequired).build();
        check.modify_request(&mut trusting, &config).unwrap();
        assert!(trusting.headers.is_empty());
    }

    struct Chunks(Vec<Result<Bytes, BoxError>>);

    impl Stream for Chunks {
        type Item = Result<Bytes, BoxError>;
        fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(if self.0.is_empty() { None } else { Some(self.0.remove(0)) })
        }
    }
}

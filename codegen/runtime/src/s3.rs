//! Amazon S3's response customizations, as the AWS SDKs make them (copied
//! verbatim into S3 clients by codegen; the source lives in
//! `codegen/runtime/src/s3.rs`), as interceptors the S3 decorator
//! registers on operations:
//! - [`ErrorIn200`]: S3 may answer 200 and then report a failure in the
//!   body (a copy or the completion of a multipart upload that failed after
//!   the head was sent): a 200 whose body is an `<Error>` is an error,
//!   retried as a server error;
//! - [`UrlDecodedListing`]: listings asked with `EncodingType=url` have
//!   their keys, prefixes, delimiters and markers percent-encoded (so that
//!   keys with characters XML cannot carry survive); they are decoded
//!   before the output is read.
//!
//! GetBucketLocation's bare output (`@s3UnwrappedXmlOutput`) is read by the
//! restXml protocol itself (`rest_xml::read_unwrapped_body`).

use crate::orchestrator::Request;
use crate::transport::HttpResponse;

/// Turns a 200 response whose body is an S3 `<Error>` (or, for the
/// operations that stream their result while they work, an empty body)
/// into a 500, so that it is read as the error it is and retried as a
/// server error, as the AWS SDKs do.
#[derive(Debug)]
pub(crate) struct ErrorIn200 {
    /// An empty body is an error too: the operation always answers with a
    /// document (CopyObject, UploadPartCopy, CompleteMultipartUpload), and
    /// an empty one means the connection ended before it came.
    pub(crate) empty_is_error: bool,
}

impl crate::interceptor::Interceptor for ErrorIn200 {
    fn modify_response(&self, _request: &Request, response: &mut HttpResponse) {
        if response.status() != http::StatusCode::OK {
            return;
        }
        let body = response.body();
        let error = if body.iter().all(u8::is_ascii_whitespace) { self.empty_is_error } else { root_is_error(body) };
        if error {
            *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
}

/// Whether the body's root element is `<Error>` (only its start is read;
/// a body that is not XML is not an error).
fn root_is_error(body: &[u8]) -> bool {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buffer = Vec::new();
    // The root comes after at most a declaration, comments and whitespace;
    // every event consumes at least one byte.
    for _ in 0..=body.len() {
        buffer.clear();
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Start(start) | quick_xml::events::Event::Empty(start)) => {
                return start.name().as_ref() == "Error";
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
    false
}

/// The elements of S3's listings whose text `EncodingType=url` encodes.
const URL_ENCODED: &[&str] = &["Delimiter", "Marker", "NextMarker", "Prefix", "Key", "StartAfter", "KeyMarker", "NextKeyMarker"];

/// Decodes the percent-encoded texts of a listing (ListObjects,
/// ListObjectsV2, ListObjectVersions, ListMultipartUploads) whose
/// `<EncodingType>` says `url`: the keys, prefixes, delimiters and markers,
/// wherever they are in the document.
#[derive(Debug)]
pub(crate) struct UrlDecodedListing;

impl crate::interceptor::Interceptor for UrlDecodedListing {
    fn modify_response(&self, request: &Request, response: &mut HttpResponse) {
        // S3 encodes only when asked (`encoding-type=url`): any other
        // listing is read as it is, without a second parse.
        if !response.status().is_success() || !request.path_and_query.contains("encoding-type=url") {
            return;
        }
        // A body that does not parse is left to the output's reader, which
        // reports it.
        let Ok(root) = crate::xml::parse(response.body()) else { return };
        let encoded = root.child("EncodingType").is_some_and(|e| e.text().trim().eq_ignore_ascii_case("url"));
        if !encoded {
            return;
        }
        let mut writer = crate::xml::Writer::new();
        write_decoded(&mut writer, &root);
        *response.body_mut() = bytes::Bytes::from(writer.finish());
    }
}

/// Writes `element` back, the texts of [`URL_ENCODED`]
/// elements decoded. Nesting is bounded by the parser's depth limit.
fn write_decoded(writer: &mut crate::xml::Writer, element: &crate::xml::Element) {
    writer.start(element.name());
    for (name, value) in element.attributes() {
        writer.attribute(name, value);
    }
    if element.children().is_empty() {
        let text = element.text();
        if URL_ENCODED.contains(&element.local_name()) {
            writer.text(&url_decode(text));
        } else {
            writer.text(text);
        }
    }
    for child in element.children() {
        write_decoded(writer, child);
    }
    writer.end(element.name());
}

/// Form decoding, as S3 encodes (`+` is a space): text that does not decode
/// to UTF-8 is kept as it came.
pub(crate) fn url_decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    match percent_encoding::percent_decode_str(&spaced).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interceptor::Interceptor;

    fn request() -> Request {
        asking("/")
    }

    /// A request for `path_and_query`.
    fn asking(path_and_query: &str) -> Request {
        Request {
            method: http::Method::GET,
            path_and_query: path_and_query.into(),
            headers: Vec::new(),
            body: crate::primitives::ByteStream::default(),
            host_prefix: None,
            endpoint: None,
        }
    }

    fn response(status: u16, body: &str) -> HttpResponse {
        http::Response::builder().status(status).body(bytes::Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn errors_in_200_responses_become_server_errors() {
        let copy = ErrorIn200 { empty_is_error: true };
        let other = ErrorIn200 { empty_is_error: false };
        let error = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<Error><Code>InternalError</Code><Message>oops</Message></Error>";
        for (interceptor, status, body, expected) in [
            (&copy, 200, error, 500),
            (&other, 200, error, 500),
            (&copy, 200, "<CopyObjectResult><ETag>x</ETag></CopyObjectResult>", 200),
            (&copy, 200, "   ", 500),
            (&other, 200, "", 200),
            (&copy, 200, "{\"Error\": 1}", 200),
            (&copy, 404, error, 404),
            (&copy, 200, "<!-- a comment --><Error/>", 500),
        ] {
            let mut response = response(status, body);
            interceptor.modify_response(&request(), &mut response);
            assert_eq!(response.status().as_u16(), expected, "{body:?}");
        }
    }

    #[test]
    fn listings_encoded_as_urls_are_decoded() {
        let body = "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>\
            <Prefix>a%2Fb+c</Prefix><Delimiter>%2F</Delimiter><EncodingType>url</EncodingType>\
            <Contents><Key>caf%C3%A9+%26+%3Cx%3E</Key><ETag>&quot;e+1&quot;</ETag></Contents>\
            <CommonPrefixes><Prefix>a%2Fb%2F</Prefix></CommonPrefixes></ListBucketResult>";
        let listing = asking("/?list-type=2&encoding-type=url");
        let mut decoded = response(200, body);
        UrlDecodedListing.modify_response(&listing, &mut decoded);
        let root = crate::xml::parse(decoded.body()).unwrap();
        assert_eq!(root.child("Prefix").unwrap().text(), "a/b c");
        assert_eq!(root.child("Delimiter").unwrap().text(), "/");
        let contents = root.child("Contents").unwrap();
        assert_eq!(contents.child("Key").unwrap().text(), "café & <x>");
        assert_eq!(contents.child("ETag").unwrap().text(), "\"e+1\"", "other elements are left as they are");
        assert_eq!(root.child("CommonPrefixes").unwrap().child("Prefix").unwrap().text(), "a/b/");
        assert_eq!(root.attribute("xmlns"), Some("http://s3.amazonaws.com/doc/2006-03-01/"));

        let plain = body.replace("<EncodingType>url</EncodingType>", "");
        let mut untouched = response(200, &plain);
        UrlDecodedListing.modify_response(&listing, &mut untouched);
        assert_eq!(untouched.body(), plain.as_bytes());
        let mut broken = response(200, "<ListBucketResult><EncodingType>url");
        UrlDecodedListing.modify_response(&listing, &mut broken);
        assert_eq!(broken.body(), "<ListBucketResult><EncodingType>url".as_bytes());
        let mut unasked = response(200, body);
        UrlDecodedListing.modify_response(&request(), &mut unasked);
        assert_eq!(unasked.body(), body.as_bytes(), "a listing not asked to be encoded is read as it is");
    }

    #[test]
    fn url_decoding_keeps_what_does_not_decode() {
        assert_eq!(url_decode("a%20b+c"), "a b c");
        assert_eq!(url_decode("%ff%fe"), "%ff%fe");
        assert_eq!(url_decode("100%"), "100%");
    }
}

//! Entry points for the fuzz targets of `tests/fuzz/`, behind the `fuzzing`
//! feature: thin wrappers that reach the crate-private parsers (the JSON
//! reader and its wire forms, the timestamp formats, the HTTP-binding
//! helpers, the XML codec and restXml's error reader, the partitions'
//! region patterns) with plain std types, so that
//! the public API stays as it is. The targets check their properties
//! themselves. Like `lib.rs`, this file is never copied into a generated
//! crate.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::json::{self, Base64, Float, JsonError, List, Map, Plain, Reader, SparseList, SparseMap, Wire, WireWrite};

/// Reads all of `text` as one value of JSON form `W`, as a generated reader
/// reads a member.
fn read<W: Wire>(text: &str) -> Result<Option<W::Value>, JsonError> {
    let mut reader = Reader::new(text);
    let value = W::read(&mut reader)?;
    end(&mut reader)?;
    Ok(value)
}

/// Writes `value` in JSON form `W`, as a generated writer writes a member.
fn write<W: WireWrite>(value: &W::Value) -> Result<String, JsonError> {
    struct One<'a, W: WireWrite>(&'a W::Value);
    impl<W: WireWrite> json::ToJson for One<'_, W> {
        fn write(&self, writer: &mut json::Writer) {
            W::write(self.0, writer);
        }
    }
    json::to_json(&One::<W>(value))
}

/// Skips one JSON value that must make up all of `text`: what a reader does
/// with a member it does not know.
pub fn json_skip(text: &str) -> Result<(), JsonError> {
    let mut reader = Reader::new(text);
    reader.skip()?;
    end(&mut reader)
}

/// Only whitespace may follow the value read.
fn end(reader: &mut Reader<'_>) -> Result<(), JsonError> {
    match reader.peek() {
        None => Ok(()),
        Some(_) => Err(reader.error("trailing characters after the JSON value")),
    }
}

/// A body as a document: an empty body reads as `{}`.
pub fn json_body_document(body: &[u8]) -> Result<crate::primitives::Document, JsonError> {
    json::from_body(body)
}

/// A dense list of strings (`null` items dropped).
pub fn json_read_strings(text: &str) -> Result<Option<Vec<String>>, JsonError> {
    read::<List<Plain<String>>>(text)
}

pub fn json_write_strings(value: &[String]) -> Result<String, JsonError> {
    write::<List<Plain<String>>>(&value.to_vec())
}

/// A sparse list of doubles, `"NaN"` and the infinities included.
pub fn json_read_sparse_doubles(text: &str) -> Result<Option<Vec<Option<f64>>>, JsonError> {
    read::<SparseList<Float<f64>>>(text)
}

pub fn json_write_sparse_doubles(value: &[Option<f64>]) -> Result<String, JsonError> {
    write::<SparseList<Float<f64>>>(&value.to_vec())
}

/// A dense map of lists of integers.
pub fn json_read_int_lists(text: &str) -> Result<Option<HashMap<String, Vec<i32>>>, JsonError> {
    read::<Map<List<Plain<i32>>>>(text)
}

pub fn json_write_int_lists(value: &HashMap<String, Vec<i32>>) -> Result<String, JsonError> {
    write::<Map<List<Plain<i32>>>>(value)
}

/// A sparse map of blobs (base64 strings), as raw bytes.
pub fn json_read_sparse_blobs(text: &str) -> Result<Option<HashMap<String, Option<Vec<u8>>>>, JsonError> {
    let value = read::<SparseMap<Base64>>(text)?;
    Ok(value.map(|map| map.into_iter().map(|(k, v)| (k, v.map(|blob| blob.into_inner()))).collect()))
}

pub fn json_write_sparse_blobs(value: &HashMap<String, Option<Vec<u8>>>) -> Result<String, JsonError> {
    let value = value.iter().map(|(k, v)| (k.clone(), v.clone().map(crate::primitives::Blob::new))).collect();
    write::<SparseMap<Base64>>(&value)
}

/// The error code and message of a JSON protocol's error response, and the
/// code an awsQuery-compatible service's (`x-amzn-query-error`) gives.
pub fn json_error_code_and_message(
    status: u16,
    headers: &[(&[u8], &[u8])],
    body: &[u8],
) -> Option<(Option<String>, Option<String>, Option<String>)> {
    use crate::protocol::Protocol;
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let response = builder.body(bytes::Bytes::copy_from_slice(body)).ok()?;
    let meta = json::error_metadata(&response);
    let query = crate::aws_json::AwsJson { name: "aws.protocols#awsJson1_0", query_compatible: true };
    let query_code = query.error_metadata(&response).code().map(str::to_owned);
    Some((meta.code().map(str::to_owned), meta.message().map(str::to_owned), query_code))
}

/// A timestamp format of the wire, by its Smithy name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    DateTime,
    HttpDate,
    EpochSeconds,
}

fn instant(nanos: i128) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
}

/// Parses the text of a header or query value: an instant as nanoseconds
/// since the Unix epoch.
pub fn timestamp_parse(format: TimestampFormat, text: &str) -> Option<i128> {
    use crate::timestamp::{DateTime, EpochSeconds, HttpDate};
    let value = match format {
        TimestampFormat::DateTime => DateTime::parse(text)?,
        TimestampFormat::HttpDate => HttpDate::parse(text)?,
        TimestampFormat::EpochSeconds => EpochSeconds::from_f64(text.trim().parse().ok()?)?,
    };
    Some(value.unix_timestamp_nanos())
}

/// Formats an instant as a header or query value; `None` when the format
/// cannot write it.
pub fn timestamp_format(format: TimestampFormat, nanos: i128) -> Option<String> {
    use crate::timestamp::{DateTime, EpochSeconds, HttpDate};
    let value = instant(nanos)?;
    match format {
        TimestampFormat::DateTime => DateTime::format(&value),
        TimestampFormat::HttpDate => HttpDate::format(&value),
        TimestampFormat::EpochSeconds => Some(EpochSeconds::format(&value)),
    }
}

/// Reads a JSON member in a timestamp format.
pub fn timestamp_read_json(format: TimestampFormat, text: &str) -> Result<Option<i128>, JsonError> {
    use crate::timestamp::{DateTime, EpochSeconds, HttpDate};
    let value = match format {
        TimestampFormat::DateTime => read::<DateTime>(text)?,
        TimestampFormat::HttpDate => read::<HttpDate>(text)?,
        TimestampFormat::EpochSeconds => read::<EpochSeconds>(text)?,
    };
    Ok(value.map(|v| v.unix_timestamp_nanos()))
}

/// Writes a JSON member in a timestamp format.
pub fn timestamp_write_json(format: TimestampFormat, nanos: i128) -> Option<Result<String, JsonError>> {
    use crate::timestamp::{DateTime, EpochSeconds, HttpDate};
    let value = instant(nanos)?;
    Some(match format {
        TimestampFormat::DateTime => write::<DateTime>(&value),
        TimestampFormat::HttpDate => write::<HttpDate>(&value),
        TimestampFormat::EpochSeconds => write::<EpochSeconds>(&value),
    })
}

/// The HTTP-binding helpers, as generated code calls them.
pub mod http_binding {
    use crate::http_binding as binding;

    pub fn split_header_list(text: &str) -> Vec<String> {
        binding::split_header_list(text)
    }

    pub fn split_http_date_list(text: &str) -> Vec<String> {
        binding::split_http_date_list(text)
    }

    pub fn header_list(values: &[String]) -> String {
        binding::header_list(values.iter().map(String::as_str))
    }

    pub fn parse_float(text: &str) -> Option<f64> {
        binding::parse_float("fuzz", text).ok()
    }

    pub fn parse_int(text: &str) -> Option<i64> {
        binding::parse_header("fuzz", text).ok()
    }

    pub fn float_text(value: f64) -> String {
        binding::float_text(value)
    }

    pub fn is_host_label(text: &str) -> bool {
        binding::is_host_label(text)
    }

    pub fn encode_label(text: &str, greedy: bool) -> String {
        binding::encode_label(text, greedy)
    }

    /// A response's headers that start with `prefix`, keyed by the rest of
    /// their name; `None` when the headers cannot be built or one is not text.
    pub fn prefix_headers(
        headers: &[(&[u8], &[u8])],
        prefix: &str,
    ) -> Option<std::collections::HashMap<String, String>> {
        let mut builder = http::Response::builder();
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let response = builder.body(bytes::Bytes::new()).ok()?;
        binding::prefix_headers(&response, prefix).ok()
    }
}

/// Whether a region pattern of the partitions table's dialect matches all
/// of `input`.
pub fn region_regex_matches(pattern: &str, input: &str) -> bool {
    crate::endpoint::partitions::region_regex_matches(pattern, input)
}

/// The XML codec of restXml (`xml.rs`) and restXml's error reader
/// (`rest_xml.rs`), as generated code calls them.
pub mod xml {
    use super::TimestampFormat;
    use crate::xml::{self as codec, Element, Writer, XmlError};

    /// How deep elements may nest in a body that is read.
    pub const MAX_DEPTH: usize = codec::MAX_DEPTH;

    /// Reads a whole body into its root element.
    pub fn parse(body: &[u8]) -> Result<Element, XmlError> {
        codec::parse(body)
    }

    /// A body's root element, `None` for an empty body, as responses are read.
    pub fn root(body: &[u8]) -> Result<Option<Element>, XmlError> {
        codec::root(body)
    }

    /// Writes `element` with the writer as generated code writes a request:
    /// its attributes (namespace declarations with `namespace`), its text,
    /// then its children.
    pub fn write(element: &Element) -> String {
        fn element_into(writer: &mut Writer, element: &Element) {
            writer.start(element.name());
            for (name, value) in element.attributes() {
                match name.strip_prefix("xmlns") {
                    Some("") => writer.namespace(None, value),
                    Some(prefix) if prefix.starts_with(':') => writer.namespace(Some(&prefix[1..]), value),
                    _ => writer.attribute(name, value),
                }
            }
            if !element.text().is_empty() {
                writer.text(element.text());
            }
            for child in element.children() {
                element_into(writer, child);
            }
            writer.end(element.name());
        }
        let mut writer = Writer::new();
        element_into(&mut writer, element);
        writer.finish()
    }

    /// The element `name` with the attribute `attribute="value"` and `text`
    /// inside, as the writer writes them.
    pub fn leaf(name: &str, attribute: &str, value: &str, text: &str) -> String {
        let mut writer = Writer::new();
        writer.start(name);
        writer.attribute(attribute, value);
        writer.text(text);
        writer.end(name);
        writer.finish()
    }

    /// A restXml error body, `<ErrorResponse><Error>` (or a bare `<Error>`)
    /// with a code, a message and a request id, as a server writes one.
    pub fn error_body(wrapped: bool, code: &str, message: &str, request_id: &str) -> String {
        let mut writer = Writer::new();
        if wrapped {
            writer.start("ErrorResponse");
            writer.namespace(None, "https://example.com/doc/2010-03-31/");
        }
        writer.start("Error");
        writer.leaf("Type", "Sender");
        writer.leaf("Code", code);
        writer.leaf("Message", message);
        if !wrapped {
            writer.leaf("RequestId", request_id);
        }
        writer.end("Error");
        if wrapped {
            writer.leaf("RequestId", request_id);
            writer.end("ErrorResponse");
        }
        writer.finish()
    }

    pub fn boolean(text: &str) -> Option<bool> {
        codec::boolean(text).ok()
    }

    /// An integer of any width.
    pub fn integer<T: std::str::FromStr>(text: &str) -> Option<T> {
        codec::integer(text).ok()
    }

    pub fn float(text: &str) -> Option<f64> {
        codec::float(text).ok()
    }

    pub fn float_f32(text: &str) -> Option<f32> {
        codec::float_f32(text).ok()
    }

    pub fn float_text(value: f64) -> String {
        crate::http_binding::float_text(value)
    }

    pub fn float_text_f32(value: f32) -> String {
        crate::http_binding::float_text_f32(value)
    }

    /// A base64 blob's bytes.
    pub fn blob(text: &str) -> Option<Vec<u8>> {
        codec::blob(text).ok().map(crate::primitives::Blob::into_inner)
    }

    /// A blob's text, as the writer writes it.
    pub fn blob_text(bytes: &[u8]) -> String {
        crate::primitives::base64_encode(bytes)
    }

    /// A timestamp member's text in a format, as nanoseconds since the
    /// epoch. (Its text as written is [`super::timestamp_format`]'s.)
    pub fn timestamp(text: &str, format: TimestampFormat) -> Option<i128> {
        let format = match format {
            TimestampFormat::DateTime => "date-time",
            TimestampFormat::HttpDate => "http-date",
            TimestampFormat::EpochSeconds => "epoch-seconds",
        };
        codec::timestamp(text, format).ok().map(|value| value.unix_timestamp_nanos())
    }

    /// What restXml reads of an error response.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ErrorFields {
        pub code: Option<String>,
        pub message: Option<String>,
        pub request_id: Option<String>,
        pub extended_request_id: Option<String>,
        pub status: Option<u16>,
    }

    /// restXml's error metadata of a response; `None` when the response
    /// cannot be built (a header `http` refuses).
    pub fn error_metadata(status: u16, headers: &[(&[u8], &[u8])], body: &[u8]) -> Option<ErrorFields> {
        use crate::protocol::Protocol;
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let response = builder.body(bytes::Bytes::copy_from_slice(body)).ok()?;
        let meta = crate::rest_xml::RestXml { no_error_wrapping: false, bodiless_codes: &[] }.error_metadata(&response);
        Some(ErrorFields {
            code: meta.code().map(str::to_owned),
            message: meta.message().map(str::to_owned),
            request_id: meta.request_id().map(str::to_owned),
            extended_request_id: meta.extended_request_id().map(str::to_owned),
            status: meta.status(),
        })
    }
}

//! JSON helpers shared by every generated type (copied verbatim into each
//! generated crate by codegen; the source lives in `codegen/runtime/src/json.rs`
//! and `json/`).
//!
//! Responses are read by [`Reader`], a small JSON reader of our own, and
//! one plain (non-generic) `FromJson::read` function per generated type,
//! instead of serde visitors: the generated crate compiles faster and
//! parses faster. Generated readers take structures only from JSON objects,
//! skip members they do not know, treat `null` like an absent member, and
//! fill a required member that a response leaves out with a zero value
//! ("client error correction" in the Smithy specification) instead of
//! failing the whole response. Requests are written the same way, by
//! [`Writer`] and one `ToJson::write` function per type.
//!
//! | module | what |
//! | --- | --- |
//! | `reader` | [`Reader`], and `FromJson` for the scalars |
//! | `writer` | [`Writer`], and `ToJson` for the scalars |
//! | `wire` | the JSON forms of members whose JSON is not what their Rust type reads and writes by itself: floats, blobs, lists and maps, dense or sparse (timestamps' are in `timestamp.rs`) |
//! | `fallback` | the zero values of client error correction |
//! | `response` | where a response keeps its request id, and an error its code and message |
#![allow(dead_code)]

mod fallback;
mod reader;
mod response;
mod wire;
mod writer;

// What generated code names (`crate::json::List`, ...): each crate uses some.
#[allow(unused_imports)]
pub(crate) use fallback::Fallback;
pub use reader::Reader;
#[allow(unused_imports)]
pub(crate) use reader::{read, union_error};
// restXml uses the JSON module for its zero values only.
#[allow(unused_imports)]
pub(crate) use response::{error_metadata, request_id, request_id_in};
#[allow(unused_imports)]
pub(crate) use wire::{Base64, Float, Form, List, Map, Plain, SparseList, SparseMap, Wire, WireWrite};
pub use writer::Writer;

use std::collections::HashMap;
use std::fmt;

use crate::primitives::{Document, Number};

/// Reads a value of this crate from the JSON a service sends, as the
/// client does with a response body: for tests, and for mocks built from
/// saved responses.
///
/// For example `primitives::from_json::<primitives::Document>(r#"{"a": [1, 2]}"#)`
/// reads a document, and any output, structure, union or enum of this crate
/// reads the same way.
pub fn from_json<T: FromJson>(json: impl AsRef<[u8]>) -> Result<T, JsonError> {
    from_slice(json.as_ref())
}

// Documents read whole, and their members: error bodies, event-stream
// exceptions, the credential sources' JSON.

/// A whole JSON text as a document.
pub(crate) fn document(bytes: &[u8]) -> Result<Document, JsonError> {
    from_slice(bytes)
}

/// The members of a JSON object text; none for any other text.
pub(crate) fn object(bytes: &[u8]) -> HashMap<String, Document> {
    match document(bytes) {
        Ok(Document::Object(members)) => members,
        _ => HashMap::new(),
    }
}

/// Member `key` of a document that is an object.
pub(crate) fn member<'a>(document: &'a Document, key: &str) -> Option<&'a Document> {
    document.as_object()?.get(key)
}

/// Member `key` of a document that is an object, if it is a string.
pub(crate) fn string<'a>(document: &'a Document, key: &str) -> Option<&'a str> {
    member(document, key)?.as_string()
}

/// A document that is a whole number in `i64`'s range.
pub(crate) fn integer(document: &Document) -> Option<i64> {
    match document.as_number()? {
        Number::PosInt(n) => i64::try_from(*n).ok(),
        Number::NegInt(n) => Some(*n),
        Number::Float(_) => None,
    }
}

/// Reads a message body into `T`: an empty body (or only whitespace) reads
/// as `{}`, as every JSON protocol asks.
pub(crate) fn from_body<T: FromJson>(body: &[u8]) -> Result<T, JsonError> {
    from_slice(if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body })
}

/// Reads one JSON value that makes up all of `bytes`.
pub(crate) fn from_slice<T: FromJson>(bytes: &[u8]) -> Result<T, JsonError> {
    // Only the call to `read` depends on `T`: the rest is compiled once,
    // not once per type a response reads as.
    let mut value = None;
    let reader = read_whole(bytes, &mut |reader| {
        value = T::read(reader)?.or_else(T::null);
        Ok(())
    })?;
    value.ok_or_else(|| reader.error("expected a value, found null"))
}

/// Reads `bytes` with `read`, then checks nothing follows; returns the
/// reader at the end.
fn read_whole<'a>(
    bytes: &'a [u8],
    read: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), JsonError>,
) -> Result<Reader<'a>, JsonError> {
    let mut reader = Reader::from_bytes(bytes)?;
    read(&mut reader)?;
    reader.finish()?;
    Ok(reader)
}

/// A type this crate reads from JSON. Implemented by every generated type
/// that responses carry, and by the scalars they are made of.
pub trait FromJson: Sized {
    /// Reads one value; `None` for `null`.
    #[doc(hidden)]
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self>, JsonError>;

    /// `read` into `out`, which the caller has ready (a map's entry).
    /// Generated unions read this way: each member's value is written once,
    /// where it stays, instead of being returned through the stack.
    #[doc(hidden)]
    #[inline]
    fn read_into(reader: &mut Reader<'_>, out: &mut Option<Self>) -> Result<(), JsonError> {
        *out = Self::read(reader)?;
        Ok(())
    }

    /// What a whole body of `null` reads as: nothing, except for documents.
    #[doc(hidden)]
    fn null() -> Option<Self> {
        None
    }
}

/// JSON that could not be read: what was wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    message: String,
    at: Position,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    /// 1-based, in text that was being read.
    LineColumn(usize, usize),
    /// In bytes that are not UTF-8.
    Byte(usize),
    /// A value being written.
    Writing,
}

impl JsonError {
    /// The error, naming the member of `shape` whose value it is in (for
    /// the members a service is known to send in unexpected forms).
    pub(crate) fn in_member(mut self, shape: &str, member: &str) -> Self {
        self.message = format!("{shape}.{member}: {}", self.message);
        self
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Position::LineColumn(line, column) => write!(f, "{} at line {line} column {column}", self.message),
            Position::Byte(offset) => write!(f, "{} (at byte {offset})", self.message),
            Position::Writing => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for JsonError {}

/// Writes a value of this crate as the JSON its service expects, as the
/// client does for a request body: for tests that check what is sent.
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> Result<String, JsonError> {
    let mut writer = Writer::new();
    value.write(&mut writer);
    writer.finish()
}

/// Writes `value` as a JSON body.
pub(crate) fn to_vec<T: ToJson + ?Sized>(value: &T) -> Result<Vec<u8>, JsonError> {
    to_json(value).map(String::into_bytes)
}

/// A type this crate writes as JSON: every generated type that requests
/// carry, and the scalars they are made of.
pub trait ToJson {
    #[doc(hidden)]
    fn write(&self, writer: &mut Writer);
}

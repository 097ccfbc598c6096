//! Small types that generated code shares (copied verbatim into each generated
//! crate by codegen; the source lives in `codegen/runtime/src/primitives.rs`).

use std::fmt;

pub use crate::byte_stream::{ByteStream, ByteStreamError};
pub use crate::json::{from_json, to_json, FromJson, JsonError, ToJson};

/// An enum value that this version of the crate does not know.
///
/// Services add enum values over time; a response that carries a new value
/// parses into the enum's `Unknown` variant, which keeps the value exactly as
/// received, so that it can be logged, compared with `as_str()` and sent back
/// unchanged. It cannot be constructed directly: build an enum from a string
/// with `From<&str>` (or `str::parse`), which picks a known variant whenever
/// one matches.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    #[allow(dead_code)]
    pub(crate) fn new(value: impl Into<String>) -> Self {
        UnknownValue(value.into())
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An `intEnum` value that this version of the crate does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownIntValue(i32);

impl UnknownIntValue {
    #[allow(dead_code)]
    pub(crate) fn new(value: i32) -> Self {
        UnknownIntValue(value)
    }

    /// The value as received.
    pub fn value(&self) -> i32 {
        self.0
    }
}

impl fmt::Display for UnknownIntValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Binary data (a Smithy `blob`): base64 in JSON bodies, raw bytes as an
/// HTTP payload.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Blob(Vec<u8>);

impl Blob {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Blob(bytes.into())
    }

    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Blob(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Blob(bytes.to_vec())
    }
}

impl From<&str> for Blob {
    fn from(text: &str) -> Self {
        Blob(text.as_bytes().to_vec())
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

/// A union member that this version of the crate does not know: its name
/// and its value, as received. It cannot be sent.
///
/// Boxed: every union has an `Unknown` variant, and a union is as large as
/// its largest variant. Unboxed, a name and a document made DynamoDB's
/// `AttributeValue` 80 bytes instead of 56, and every map of them a
/// third larger to allocate, fill and copy.
#[derive(Clone, PartialEq)]
pub struct UnknownMember(Box<(String, Document)>);

impl UnknownMember {
    #[allow(dead_code)]
    pub(crate) fn new(name: &str, value: Document) -> Self {
        UnknownMember(Box::new((name.to_owned(), value)))
    }

    /// The member's name on the wire.
    pub fn name(&self) -> &str {
        &self.0 .0
    }

    /// The member's value as received.
    pub fn value(&self) -> &Document {
        &self.0 .1
    }
}

impl fmt::Debug for UnknownMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownMember").field("name", &self.0 .0).field("value", &self.0 .1).finish()
    }
}

/// A Smithy `document`: any JSON value, as the AWS SDK for Rust has it
/// (`aws_smithy_types::Document`). Read one with
/// `primitives::from_json::<Document>(text)`; numbers keep their kind
/// ([`Number`]), and an object writes its members in key order.
pub use aws_smithy_types::Document;
/// A document's number: a non-negative integer, a negative one, or a float.
pub use aws_smithy_types::Number;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Bytes as lower-case hexadecimal digits.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding.
#[allow(dead_code)]
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional); `None` when it is not base64.
#[allow(dead_code)]
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let trimmed = text.trim_end_matches('=');
    if text.len() - trimmed.len() > 2 || trimmed.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in trimmed.bytes() {
        let value = ALPHABET.iter().position(|a| *a == c)? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for (raw, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("hello world", "aGVsbG8gd29ybGQ=")] {
            assert_eq!(base64_encode(raw.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).as_deref(), Some(raw.as_bytes()));
        }
        assert_eq!(base64_decode("Zm9v\n"), None);
        assert_eq!(base64_decode("Z"), None);
        assert_eq!(base64_decode("Zg==="), None);
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64_decode(&base64_encode(&all)), Some(all));
    }

    #[test]
    fn unknown_members_are_one_pointer_and_say_what_they_hold() {
        assert_eq!(std::mem::size_of::<UnknownMember>(), std::mem::size_of::<usize>());
        let member = UnknownMember::new("hexagon", Document::Bool(true));
        assert_eq!((member.name(), member.value()), ("hexagon", &Document::Bool(true)));
        assert_eq!(format!("{member:?}"), r#"UnknownMember { name: "hexagon", value: Bool(true) }"#);
        assert_eq!(member.clone(), member);
    }
}

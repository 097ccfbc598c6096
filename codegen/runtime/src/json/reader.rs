//! The JSON reader: [`Reader`], which generated `FromJson` impls pull
//! values from, and `FromJson` for the scalars (copied verbatim into each
//! generated crate by codegen; the source lives in
//! `codegen/runtime/src/json/reader.rs`).
//!
//! The small methods generated readers call for every member (`next_key`,
//! `str`, `object`, ...) are `#[inline]`: when the runtime is a crate of
//! its own, the optimizer does not see into them from the client's crate
//! otherwise (the Omics parse benchmark lost a tenth of its speed).

use std::collections::HashMap;

use super::{FromJson, JsonError, Position};
use crate::primitives::{Document, Number};

/// How deep objects and arrays may nest, as in serde_json.
const MAX_DEPTH: u32 = 128;

/// A JSON reader over a whole body: generated `FromJson` impls pull
/// objects, members and scalars from it. Strings without escapes are
/// borrowed from the input, so member names cost no allocation.
#[doc(hidden)]
pub struct Reader<'a> {
    text: &'a str,
    pub(super) pos: usize,
    depth: u32,
    /// Just after `{` or `[`: the next member or item needs no comma.
    fresh: bool,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Reader { text, pos: 0, depth: 0, fresh: false }
    }

    /// A reader over a body, which must be UTF-8.
    pub(super) fn from_bytes(bytes: &'a [u8]) -> Result<Self, JsonError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Reader::new(text)),
            Err(e) => Err(JsonError {
                message: "the text is not valid UTF-8".to_owned(),
                at: Position::Byte(e.valid_up_to()),
            }),
        }
    }

    /// Checks that nothing but whitespace follows the value just read.
    pub(super) fn finish(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters after the JSON value")),
        }
    }

    /// An error at the current position. Cold, like every path that ends
    /// in an error: the readers' common paths stay small enough to inline.
    #[cold]
    pub(crate) fn error(&self, message: impl Into<String>) -> JsonError {
        let before = &self.text.as_bytes()[..self.pos.min(self.text.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        JsonError { message: message.into(), at: Position::LineColumn(line, column) }
    }

    /// "expected `what`, found ..." at the current position.
    #[cold]
    #[inline(never)]
    fn expected(&self, what: &str) -> JsonError {
        let found = match self.text.as_bytes().get(self.pos) {
            None => "the end of the input",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b'-' | b'0'..=b'9') => "a number",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(b'}' | b']' | b',' | b':') => "punctuation",
            Some(_) => "an unexpected character",
        };
        self.error(format!("expected {what}, found {found}"))
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                return Some(b);
            }
        }
        None
    }

    fn literal(&mut self, word: &str) -> Result<(), JsonError> {
        if self.text.as_bytes()[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    /// Consumes a `null` if one comes next.
    #[inline]
    pub(crate) fn null(&mut self) -> Result<bool, JsonError> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    #[inline]
    fn open(&mut self) -> Result<(), JsonError> {
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.fresh = true;
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> JsonError {
        self.error("JSON nested too deeply")
    }

    #[cold]
    #[inline(never)]
    fn expected_object(&self, what: &str) -> JsonError {
        self.expected(&format!("a JSON object for {what}"))
    }

    /// Starts reading an object: `false` for `null`, an error for anything
    /// else (`what` names the type wanted).
    #[inline]
    pub(crate) fn object(&mut self, what: &str) -> Result<bool, JsonError> {
        match self.peek() {
            Some(b'{') => self.open().map(|()| true),
            Some(b'n') => self.literal("null").map(|()| false),
            _ => Err(self.expected_object(what)),
        }
    }

    /// The next member name of the object being read, with its `:`
    /// consumed; `None` at its end.
    #[inline]
    pub(crate) fn next_key(&mut self) -> Result<Option<Str<'a>>, JsonError> {
        let fresh = std::mem::replace(&mut self.fresh, false);
        match self.peek() {
            Some(b'}') => {
                self.close();
                return Ok(None);
            }
            Some(b',') if !fresh => {
                self.pos += 1;
                if self.peek() != Some(b'"') {
                    return Err(self.expected("a member name"));
                }
            }
            Some(b'"') if fresh => {}
            _ => return Err(self.expected(if fresh { "a member name or `}`" } else { "`,` or `}`" })),
        }
        let key = self.string()?;
        if self.peek() != Some(b':') {
            return Err(self.expected("`:`"));
        }
        self.pos += 1;
        Ok(Some(key))
    }

    /// Consumes the `}` of the object being read if it comes next: a
    /// union reader's way to finish as soon as its one member is read.
    #[inline]
    pub(crate) fn end_of_object(&mut self) -> bool {
        if self.peek() == Some(b'}') {
            self.close();
            true
        } else {
            false
        }
    }

    /// Consumes the `}` or `]` at the current position, which ends the
    /// object or array being read.
    #[inline]
    fn close(&mut self) {
        self.pos += 1;
        self.depth -= 1;
        self.fresh = false;
    }

    /// Starts reading an array: `false` for `null`.
    #[inline]
    pub(crate) fn array(&mut self) -> Result<bool, JsonError> {
        match self.peek() {
            Some(b'[') => self.open().map(|()| true),
            Some(b'n') => self.literal("null").map(|()| false),
            _ => Err(self.expected("a JSON array")),
        }
    }

    /// Whether the array being read has another item.
    #[inline]
    pub(crate) fn next_item(&mut self) -> Result<bool, JsonError> {
        let fresh = std::mem::replace(&mut self.fresh, false);
        match self.peek() {
            Some(b']') => {
                self.close();
                Ok(false)
            }
            Some(b',') if !fresh => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) if fresh => Ok(true),
            _ => Err(self.expected("`,` or `]`")),
        }
    }

    /// A string, or `None` for `null`.
    #[inline]
    pub(crate) fn str(&mut self) -> Result<Option<Str<'a>>, JsonError> {
        match self.peek() {
            Some(b'"') => self.string().map(Some),
            Some(b'n') => self.literal("null").map(|()| None),
            _ => Err(self.expected("a string")),
        }
    }

    /// The string starting at the current `"`.
    #[inline]
    fn string(&mut self) -> Result<Str<'a>, JsonError> {
        match self.plain_string() {
            Some(text) => Ok(Str::Borrowed(text)),
            None => self.special_string(),
        }
    }

    /// The common case of [`Reader::string`]: a string without escapes,
    /// borrowed from the input; `None`, with nothing consumed, for any
    /// other. An `Option<&str>` comes back in two registers, where a
    /// `Result<Str, JsonError>` would come back through memory, which the
    /// caller reads at once and then waits for (about 5% of the DynamoDB
    /// Query benchmark).
    #[inline(never)]
    fn plain_string(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let mut i = start;
        // Positions next to `"` and `\` are always character boundaries.
        // Eight bytes at a time up to the first `"`, `\` or control
        // character among them (for a short string, its closing quote at
        // once).
        while let Some(chunk) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let special = special_bytes(u64::from_le_bytes(word));
            if special != 0 {
                i += special.trailing_zeros() as usize / 8;
                break;
            }
            i += 8;
        }
        loop {
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Some(&self.text[start..i]);
                }
                Some(&b) if b >= 0x20 && b != b'\\' => i += 1,
                _ => return None,
            }
        }
    }

    /// A string that [`Reader::plain_string`] did not take: one with
    /// escapes, unescaped into a new `String`, or the error for a control
    /// character or a missing closing quote.
    #[inline(never)]
    fn special_string(&mut self) -> Result<Str<'a>, JsonError> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let mut i = start;
        loop {
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Str::Borrowed(&self.text[start..i]));
                }
                Some(b'\\') => break,
                Some(&b) if b >= 0x20 => i += 1,
                _ => return Err(self.bad_string_byte(i)),
            }
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.text[start..i]);
        loop {
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Str::Owned(out));
                }
                Some(b'\\') => {
                    let escaped = match bytes.get(i + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos = i;
                            let (c, used) = self.unicode_escape(i)?;
                            out.push(c);
                            i += used;
                            continue;
                        }
                        _ => {
                            self.pos = i;
                            return Err(self.error("an invalid escape in a string"));
                        }
                    };
                    out.push(escaped);
                    i += 2;
                }
                Some(&b) if b >= 0x20 => {
                    let run = i;
                    while matches!(bytes.get(i), Some(&b) if b >= 0x20 && b != b'"' && b != b'\\') {
                        i += 1;
                    }
                    out.push_str(&self.text[run..i]);
                }
                _ => return Err(self.bad_string_byte(i)),
            }
        }
    }

    /// The error for byte `i` of a string, a control character or the end
    /// of the input, which no string may contain.
    #[cold]
    #[inline(never)]
    fn bad_string_byte(&mut self, i: usize) -> JsonError {
        self.pos = i;
        match self.text.as_bytes().get(i) {
            Some(_) => self.error("a control character in a string"),
            None => self.error("a string without its closing quote"),
        }
    }

    /// Skips the string starting at the current `"`, checking its escapes'
    /// syntax only: JSON's grammar allows a lone surrogate (`"\ud800"`),
    /// which only a string that is kept has to refuse.
    fn skip_string(&mut self) -> Result<(), JsonError> {
        let bytes = self.text.as_bytes();
        let mut i = self.pos + 1;
        loop {
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let length = match bytes.get(i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => 2,
                        Some(b'u')
                            if bytes.get(i + 2..i + 6).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) =>
                        {
                            6
                        }
                        _ => {
                            self.pos = i;
                            return Err(self.error("an invalid escape in a string"));
                        }
                    };
                    i += length;
                }
                Some(&b) if b >= 0x20 => i += 1,
                _ => return Err(self.bad_string_byte(i)),
            }
        }
    }

    /// `\uXXXX` at `i` (with its low surrogate if it is a high one): the
    /// character and how many bytes it took.
    fn unicode_escape(&self, i: usize) -> Result<(char, usize), JsonError> {
        let hex = |at: usize| -> Option<u32> {
            let digits = self.text.get(at..at + 4)?;
            if digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                u32::from_str_radix(digits, 16).ok()
            } else {
                None
            }
        };
        let bad = || self.error("an invalid \\u escape in a string");
        let first = hex(i + 2).ok_or_else(bad)?;
        match first {
            0xD800..=0xDBFF => {
                if self.text.as_bytes().get(i + 6..i + 8) != Some(b"\\u") {
                    return Err(self.error("a lone surrogate in a string"));
                }
                let second = hex(i + 8).ok_or_else(bad)?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("a lone surrogate in a string"));
                }
                let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                char::from_u32(c).map(|c| (c, 12)).ok_or_else(bad)
            }
            0xDC00..=0xDFFF => Err(self.error("a lone surrogate in a string")),
            _ => char::from_u32(first).map(|c| (c, 6)).ok_or_else(bad),
        }
    }

    /// The text of the number at the current position, and whether it is
    /// an integer (no fraction, no exponent).
    fn number(&mut self) -> Result<(&'a str, bool), JsonError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        let digits = |i: &mut usize| {
            let from = *i;
            while matches!(bytes.get(*i), Some(b'0'..=b'9')) {
                *i += 1;
            }
            *i > from
        };
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => {
                self.pos = i;
                return Err(self.error("a number without digits"));
            }
        }
        let mut integer = true;
        if bytes.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            if !digits(&mut i) {
                self.pos = i;
                return Err(self.error("a number without digits after its decimal point"));
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            integer = false;
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digits(&mut i) {
                self.pos = i;
                return Err(self.error("a number without digits in its exponent"));
            }
        }
        self.pos = i;
        Ok((&self.text[start..i], integer))
    }

    /// An integer, or `None` for `null`.
    pub(crate) fn i64(&mut self) -> Result<Option<i64>, JsonError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {
                let at = self.pos;
                let (text, integer) = self.number()?;
                let value = if integer { text.parse::<i64>().ok() } else { None };
                match value {
                    Some(value) => Ok(Some(value)),
                    None => {
                        self.pos = at;
                        Err(self.error(format!("expected an integer, found {text}")))
                    }
                }
            }
            Some(b'n') => self.literal("null").map(|()| None),
            _ => Err(self.expected("an integer")),
        }
    }

    /// A number as `f64` (also `"NaN"`, `"Infinity"` and `"-Infinity"`,
    /// which JSON numbers cannot express), or `None` for `null`.
    pub(crate) fn f64(&mut self) -> Result<Option<f64>, JsonError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {
                let at = self.pos;
                let (text, _) = self.number()?;
                match text.parse::<f64>() {
                    Ok(value) if value.is_finite() => Ok(Some(value)),
                    _ => {
                        self.pos = at;
                        Err(self.error(format!("the number {text} is out of range")))
                    }
                }
            }
            Some(b'"') => {
                let at = self.pos;
                match self.string()?.as_str() {
                    "NaN" => Ok(Some(f64::NAN)),
                    "Infinity" => Ok(Some(f64::INFINITY)),
                    "-Infinity" => Ok(Some(f64::NEG_INFINITY)),
                    other => {
                        let message =
                            format!("expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", found \"{other}\"");
                        self.pos = at;
                        Err(self.error(message))
                    }
                }
            }
            Some(b'n') => self.literal("null").map(|()| None),
            _ => Err(self.expected("a number")),
        }
    }

    /// A timestamp from a string (`text`) or a number of seconds
    /// (`seconds`); `None` for `null`. `what` names the format.
    pub(crate) fn timestamp<T>(
        &mut self,
        what: &str,
        text: impl FnOnce(&str) -> Option<T>,
        seconds: impl FnOnce(f64) -> Option<T>,
    ) -> Result<Option<T>, JsonError> {
        let at = self.peek();
        let start = self.pos;
        let value = match at {
            Some(b'"') => {
                let value = self.string()?;
                text(value.as_str())
            }
            Some(b'-' | b'0'..=b'9') => {
                let (number, _) = self.number()?;
                number.parse::<f64>().ok().and_then(seconds)
            }
            Some(b'n') => return self.literal("null").map(|()| None),
            _ => return Err(self.expected(what)),
        };
        match value {
            Some(value) => Ok(Some(value)),
            None => {
                let found = self.text[start..self.pos].to_owned();
                self.pos = start;
                Err(self.error(format!("expected {what}, found {found}")))
            }
        }
    }

    /// `true` or `false`, or `None` for `null`.
    pub(crate) fn bool(&mut self) -> Result<Option<bool>, JsonError> {
        match self.peek() {
            Some(b't') => self.literal("true").map(|()| Some(true)),
            Some(b'f') => self.literal("false").map(|()| Some(false)),
            Some(b'n') => self.literal("null").map(|()| None),
            _ => Err(self.expected("a boolean")),
        }
    }

    /// How many more items to make room for in a full list of `len` items
    /// that began at `start`: 4 at first; then as many as the rest of the
    /// input would hold at the items' average size, at least `len` (the
    /// usual doubling) and at most 16 times `len` or 4,096, whichever is
    /// less (a short list inside a long body stays short). A long list is then copied once
    /// or twice as it grows instead of a dozen times; too much room is
    /// given back at its end.
    pub(super) fn more_items(&self, start: usize, len: usize) -> usize {
        if len == 0 {
            return 4;
        }
        let average = ((self.pos - start) / len).max(1);
        ((self.text.len() - self.pos) / average).clamp(len, (16 * len).min(4096).max(len))
    }

    /// Skips one value of any kind, checking that it is well-formed.
    pub(crate) fn skip(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{') => {
                self.open()?;
                while self.next_key()?.is_some() {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.open()?;
                while self.next_item()? {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            _ => Err(self.expected("a JSON value")),
        }
    }

    /// Any value as a document; `None` for `null`.
    pub(crate) fn document(&mut self) -> Result<Option<Document>, JsonError> {
        if self.null()? {
            return Ok(None);
        }
        self.any().map(Some)
    }

    /// Any value, `null` included, as a document. Nesting is bounded by
    /// `open`'s depth limit. A member named twice keeps its last value.
    fn any(&mut self) -> Result<Document, JsonError> {
        match self.peek() {
            Some(b'"') => Ok(Document::String(self.string()?.into_string())),
            Some(b'{') => {
                self.open()?;
                let mut members = HashMap::new();
                while let Some(key) = self.next_key()? {
                    let value = self.any()?;
                    members.insert(key.into_string(), value);
                }
                Ok(Document::Object(members))
            }
            Some(b'[') => {
                self.open()?;
                let mut items = Vec::new();
                while self.next_item()? {
                    items.push(self.any()?);
                }
                Ok(Document::Array(items))
            }
            Some(b't') => self.literal("true").map(|()| Document::Bool(true)),
            Some(b'f') => self.literal("false").map(|()| Document::Bool(false)),
            Some(b'n') => self.literal("null").map(|()| Document::Null),
            Some(b'-' | b'0'..=b'9') => {
                let at = self.pos;
                let (text, integer) = self.number()?;
                match document_number(text, integer) {
                    Some(number) => Ok(Document::Number(number)),
                    None => {
                        self.pos = at;
                        Err(self.error(format!("the number {text} is out of range")))
                    }
                }
            }
            _ => Err(self.expected("a JSON value")),
        }
    }
}

/// A JSON number as a document's: integers as `PosInt` or `NegInt` while
/// they fit (`-0` is the float `-0.0`, since `NegInt` is always negative),
/// anything else as a float; `None` for a float beyond `f64`.
fn document_number(text: &str, integer: bool) -> Option<Number> {
    if integer {
        let whole = if text.starts_with('-') {
            text.parse::<i64>().ok().filter(|n| *n < 0).map(Number::NegInt)
        } else {
            text.parse::<u64>().ok().map(Number::PosInt)
        };
        if whole.is_some() {
            return whole;
        }
    }
    text.parse::<f64>().ok().filter(|f| f.is_finite()).map(Number::Float)
}

/// The bytes of `word` (read little-endian) that are `"`, `\` or below
/// 0x20 (the bytes that end the fast path of a string), as their top bits,
/// by the usual bit tricks: a byte is zero exactly when subtracting one
/// borrows into its top bit. A borrow can mark bytes after the first
/// special one too, never before it: the lowest bit set is exact.
#[inline]
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & TOPS;
    let quote = zero_in(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_in(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & TOPS;
    quote | backslash | control
}

/// The error of a union's object with no member set (`set` is 0) or with
/// several: out of line and cold, so that every generated union reader
/// ends with a call instead of its own formatting.
#[cold]
#[inline(never)]
pub(crate) fn union_error(reader: &Reader<'_>, union: &str, set: usize) -> JsonError {
    match set {
        0 => reader.error(format!("the union {union} has no member set")),
        n => reader.error(format!("the union {union} has {n} members set, not one")),
    }
}

/// Reads a member's value: `None` for `null`. What generated readers call
/// for members whose Rust type reads itself.
#[inline]
pub(crate) fn read<T: FromJson>(reader: &mut Reader<'_>) -> Result<Option<T>, JsonError> {
    T::read(reader)
}

impl FromJson for String {
    // Always: inlined, the string comes back in registers (see
    // `Reader::plain_string`); LLVM otherwise keeps this call out of line
    // in large readers.
    #[inline(always)]
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self>, JsonError> {
        Ok(reader.str()?.map(Str::into_string))
    }
}

impl FromJson for bool {
    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self>, JsonError> {
        reader.bool()
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn read(reader: &mut Reader<'_>) -> Result<Option<Self>, JsonError> {
                reader.peek();
                let at = reader.pos;
                match reader.i64()? {
                    None => Ok(None),
                    Some(value) => <$t>::try_from(value).map(Some).map_err(|_| {
                        reader.pos = at;
                        reader.error(format!("{value} is out of range for {}", stringify!($t)))
                    }),
                }
            }
        }
    )*};
}

integers!(i8, i16, i32, i64);

impl FromJson for f64 {
    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self>, JsonError> {
        reader.f64()
    }
}

impl FromJson for f32 {
    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self>, JsonError> {
        Ok(reader.f64()?.map(|value| value as f32))
    }
}

impl FromJson for Document {
    fn read(reader: &mut Reader<'_>) -> Result<Option<Self>, JsonError> {
        reader.document()
    }

    fn null() -> Option<Self> {
        Some(Document::Null)
    }
}

/// A JSON object key or string value, borrowed from the input when it has
/// no escapes, so that matching member names allocates nothing.
pub(crate) enum Str<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Str<'_> {
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Str::Borrowed(s) => s,
            Str::Owned(s) => s,
        }
    }

    #[inline]
    pub(crate) fn into_string(self) -> String {
        match self {
            Str::Borrowed(s) => s.to_owned(),
            Str::Owned(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{from_json, List, Map, Plain, Wire};
    use std::collections::HashMap;

    fn wire<W: Wire>(json: &str) -> Result<Option<W::Value>, JsonError> {
        let mut reader = Reader::new(json);
        let value = W::read(&mut reader)?;
        assert_eq!(reader.peek(), None, "all of {json} read");
        Ok(value)
    }

    #[test]
    fn integers_are_whole_and_in_range() {
        assert_eq!(from_json::<i64>("-9223372036854775808").unwrap(), i64::MIN);
        assert_eq!(from_json::<i32>(" 42 ").unwrap(), 42);
        assert_eq!(from_json::<i8>("-128").unwrap(), -128);
        for bad in ["128", "1.5", "1e3", "9223372036854775808", "\"1\"", "-", "--1", "+1"] {
            assert!(from_json::<i8>(bad).is_err(), "{bad}");
        }
        assert!(from_json::<i64>("1 2").is_err(), "trailing characters");
        assert!(from_json::<i64>("null").is_err(), "a whole body of null");
        assert!(from_json::<bool>("true").unwrap());
        assert!(from_json::<bool>("tru").is_err());
    }

    #[test]
    fn strings_borrow_when_they_can_and_unescape_otherwise() {
        let mut reader = Reader::new(r#""plain" "a\nb\u00e9\ud83d\ude00\"\\\/" "#);
        assert!(matches!(reader.str().unwrap(), Some(Str::Borrowed("plain"))));
        let escaped = reader.str().unwrap().unwrap();
        assert!(matches!(&escaped, Str::Owned(s) if s == "a\nbé😀\"\\/"));
        assert_eq!(escaped.into_string(), "a\nbé😀\"\\/");
        assert_eq!(from_json::<String>(r#""ünïcode ☃""#).unwrap(), "ünïcode ☃");
        for bad in [r#""\ud83d""#, r#""\ude00""#, r#""\x""#, r#""\u12g4""#, "\"a\nb\"", r#""open"#, "12", "null"] {
            assert!(from_json::<String>(bad).is_err(), "{bad}");
        }
        assert!(from_json::<String>(&b"\"\xff\""[..]).is_err(), "not UTF-8");
    }

    #[test]
    fn the_fast_string_scan_stops_at_every_special_byte() {
        let first = |word: [u8; 8]| match special_bytes(u64::from_le_bytes(word)) {
            0 => None,
            mask => Some(mask.trailing_zeros() as usize / 8),
        };
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = special;
                assert_eq!(first(word), Some(at), "{special:#x} at {at}");
                // Whatever follows it, including bytes that borrow.
                for after in [0x00u8, 0x01, 0x1f, 0x20, b'"', b'\\', 0x80, 0xff] {
                    let mut word = word;
                    word[at + 1..].fill(after);
                    assert_eq!(first(word), Some(at), "{special:#x} at {at}, then {after:#x}");
                }
            }
        }
        for plain in
            [*b"abcdefgh", *b"        ", [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff], *b"\xc3\xa9\xe2\x98\x83!!!"]
        {
            assert_eq!(first(plain), None, "{plain:?}");
        }
        // Long strings cross the eight-byte steps at every offset.
        for len in 0..40 {
            let text = "x".repeat(len);
            assert_eq!(from_json::<String>(format!("\"{text}\"")).unwrap(), text);
            assert_eq!(from_json::<String>(format!("\"{text}\\n{text}\"")).unwrap(), format!("{text}\n{text}"));
            assert!(from_json::<String>(format!("\"{text}\u{1}\"")).is_err());
            assert!(from_json::<String>(format!("\"{text}")).is_err());
        }
    }

    #[test]
    fn skipping_checks_what_it_skips() {
        let mut reader = Reader::new(r#"{"a": [1, -2.5e3, {"b": null}], "c": "\u0041", "d": true} 7"#);
        reader.skip().unwrap();
        assert_eq!(reader.i64().unwrap(), Some(7));
        for bad in ["[1,]", r#"{"a"}"#, "nul", "tru", "-", r#""\q""#] {
            assert!(Reader::new(bad).skip().is_err(), "{bad}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(Reader::new(&deep).skip().unwrap_err().to_string().contains("nested too deeply"));
    }

    #[test]
    fn what_the_review_found() {
        // A lone surrogate is valid JSON: skipping it is fine, keeping it is not.
        let mut reader = Reader::new(r#"{"note": "\ud83d", "n": 1}"#);
        assert!(reader.object("test").unwrap());
        assert_eq!(reader.next_key().unwrap().unwrap().as_str(), "note");
        reader.skip().unwrap();
        assert_eq!(reader.next_key().unwrap().unwrap().as_str(), "n");
        assert!(Reader::new(r#""\u12"  "#).skip().is_err());
        assert!(Reader::new(r#""\u"#).skip().is_err());
        // Floats that overflow are errors, as they were with serde_json.
        assert!(from_json::<f64>("1e400").unwrap_err().to_string().contains("out of range"));
        assert_eq!(from_json::<f64>("1e-400").unwrap(), 0.0);
        // A later null removes an entry from a dense map.
        assert_eq!(wire::<Map<Plain<i32>>>(r#"{"a": 1, "a": null}"#).unwrap(), Some(HashMap::new()));
        // Positions point at the value, not the whitespace before it.
        let error = wire::<List<Plain<i8>>>("[\n   300]").unwrap_err();
        assert_eq!(error.to_string(), "300 is out of range for i8 at line 2 column 4");
        let error = from_json::<Document>("[1e400]").unwrap_err().to_string();
        assert_eq!(error.matches(" at line ").count(), 1, "{error}");
        assert!(from_json::<i32>("-").unwrap_err().to_string().starts_with("a number without digits"));
    }

    /// A small xorshift generator: the same cases every run.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len())]
        }
    }

    const SPACES: &[&str] = &["", "", " ", "\n", "\t ", "\r\n"];
    const STRINGS: &[&str] = &[
        r#""""#,
        r#""a""#,
        r#""abcdefghijklmnopq""#,
        r#""é☃😀 and more""#,
        r#""\n\"\\\/\b\f\r\t""#,
        r#""\u0041\u00e9\ud83d\ude00""#,
        r#""1234567\"""#,
        r#""12345678é""#,
        r#""x\u007f""#,
    ];
    const NUMBERS: &[&str] =
        &["0", "-0", "1", "-1", "12.5", "1e3", "1E+2", "-1.5e-3", "9223372036854775807", "0.0", "1e400", "2147483648"];
    const JUNK: &[&str] =
        &["{", "}", "[", "]", ",", ":", "\"", "\\", "u", "0", "-", ".", "e", "+", " ", "\u{1}", "é", "n", "{}", "[]"];

    /// Random JSON text, nested at most five deep.
    fn random_json(rng: &mut Rng, depth: usize, out: &mut String) {
        out.push_str(rng.pick(SPACES));
        match rng.below(if depth > 4 { 5 } else { 8 }) {
            0 | 4 => out.push_str(rng.pick(STRINGS)),
            1 | 3 => out.push_str(rng.pick(NUMBERS)),
            2 => out.push_str(rng.pick(&["true", "false", "null"])),
            5 => {
                out.push('[');
                for i in 0..rng.below(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    random_json(rng, depth + 1, out);
                }
                out.push(']');
            }
            _ => {
                out.push('{');
                for i in 0..rng.below(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(rng.pick(SPACES));
                    out.push_str(rng.pick(STRINGS));
                    out.push(':');
                    random_json(rng, depth + 1, out);
                }
                out.push('}');
            }
        }
        out.push_str(rng.pick(SPACES));
    }

    /// Checks the reader against serde_json on random documents and on
    /// copies with a character inserted, removed or replaced: both accept
    /// the same texts and read the same strings and documents. (The two
    /// differ on purpose only where skipping accepts what a kept value
    /// refuses: a lone surrogate, a number out of `f64`'s range.)
    #[test]
    fn agrees_with_serde_json_on_random_and_broken_json() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut compared = 0;
        for case in 0..20_000 {
            let mut text = String::new();
            random_json(&mut rng, 0, &mut text);
            if case % 2 == 1 {
                let mut chars: Vec<String> = text.chars().map(String::from).collect();
                let at = rng.below(chars.len() + 1);
                match rng.below(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = rng.pick(JUNK).to_owned(),
                    _ => chars.insert(at, rng.pick(JUNK).to_owned()),
                }
                text = chars.concat();
            }
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            if let Err(error) = &theirs {
                let error = error.to_string();
                // serde_json wants a low surrogate right after a high one
                // ("unexpected end of hex escape") even when skipping.
                let on_purpose = ["surrogate", "out of range", "unexpected end of hex escape"];
                if on_purpose.iter().any(|reason| error.contains(reason)) {
                    continue;
                }
            }
            let mut reader = Reader::new(&text);
            let ours = reader.skip().and_then(|()| reader.finish());
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{text:?}: {ours:?} {theirs:?}");
            if let Ok(value) = theirs {
                assert_eq!(from_json::<Document>(&text).unwrap(), from_serde(&value), "{text:?}");
                if let serde_json::Value::String(expected) = &value {
                    assert_eq!(&from_json::<String>(&text).unwrap(), expected, "{text:?}");
                }
                if let Some(items) = value.as_array().filter(|items| items.iter().all(|i| i.is_string() || i.is_null()))
                {
                    let expected: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
                    assert_eq!(wire::<List<Plain<String>>>(&text).unwrap().unwrap(), expected, "{text:?}");
                }
            }
            compared += 1;
        }
        assert!(compared > 15_000, "only {compared} cases compared");
    }

    /// serde_json's reading of a text, as a document (the dev-dependency
    /// reads floats exactly, as `float_roundtrip` makes it).
    fn from_serde(value: &serde_json::Value) -> Document {
        use serde_json::Value;
        match value {
            Value::Null => Document::Null,
            Value::Bool(b) => Document::Bool(*b),
            Value::String(s) => Document::String(s.clone()),
            Value::Array(items) => Document::Array(items.iter().map(from_serde).collect()),
            Value::Object(members) => Document::Object(members.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect()),
            Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Number::PosInt(u),
                (None, Some(i)) => Number::NegInt(i),
                _ => Number::Float(n.as_f64().unwrap()),
            }),
        }
    }

    #[test]
    fn documents_are_any_json() {
        let document: Document = from_json(r#"{"a": [1, "x", null, {"b": 2.5, "c": -3}], "a": [true]}"#).unwrap();
        let expected = Document::Object(HashMap::from([("a".to_owned(), Document::Array(vec![Document::Bool(true)]))]));
        assert_eq!(document, expected, "the last of two members of one name");
        let document: Document = from_json(r#"[1, "x", null, {"b": 2.5, "c": -3}, -0, 18446744073709551616]"#).unwrap();
        let object = Document::Object(HashMap::from([
            ("b".to_owned(), Document::Number(Number::Float(2.5))),
            ("c".to_owned(), Document::Number(Number::NegInt(-3))),
        ]));
        let expected = Document::Array(vec![
            Document::Number(Number::PosInt(1)),
            Document::String("x".to_owned()),
            Document::Null,
            object,
            Document::Number(Number::Float(-0.0)),
            Document::Number(Number::Float(18446744073709551616.0)),
        ]);
        assert_eq!(document, expected);
        assert_eq!(from_json::<Document>("null").unwrap(), Document::Null);
        let mut reader = Reader::new("null");
        assert_eq!(reader.document().unwrap(), None, "a null member is absent");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(from_json::<Document>(&deep).unwrap_err().to_string().contains("nested too deeply"));
        for bad in ["[1,]", "{\"a\"}", "{\"a\":1,}", "tru", "\"\\ud800\"", "1e999"] {
            assert!(from_json::<Document>(bad).is_err(), "{bad}");
        }
    }

    /// Found by the `json` fuzz target: a document number read 1 ulp off
    /// (serde_json's default float parser), so that what was read did not
    /// read back the same once written.
    #[test]
    fn document_numbers_read_exactly_and_round_trip() {
        for text in [r#"{"Long2":134567890234123456789}"#, "1.3456789023412345e20", "[2.2250738585072014e-308]"] {
            let value: Document = from_json(text).unwrap();
            let written = crate::json::to_json(&value).unwrap();
            assert_eq!(from_json::<Document>(&written).unwrap(), value, "{text} -> {written}");
        }
        let value: Document = from_json("1.3456789023412345e20").unwrap();
        assert_eq!(value, Document::Number(Number::Float("1.3456789023412345e20".parse::<f64>().unwrap())));
    }

    #[test]
    fn errors_say_where() {
        let error = wire::<Map<Plain<i32>>>("{\n  \"a\": 1,\n  \"b\": x\n}").unwrap_err();
        assert_eq!(error.to_string(), "expected an integer, found an unexpected character at line 3 column 8");
    }
}

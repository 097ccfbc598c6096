//! The JSON writer: [`Writer`], which generated `ToJson` impls push values
//! into, and `ToJson` for the scalars (copied verbatim into each generated
//! crate by codegen; the source lives in `codegen/runtime/src/json/writer.rs`).

use std::fmt::{self, Write as _};

use super::{JsonError, Position, ToJson};
use crate::primitives::{Document, Number};

/// Builds JSON text: generated `ToJson` impls push objects, members and
/// scalars into it, and it puts the commas in.
#[doc(hidden)]
pub struct Writer {
    out: String,
    /// A value was just written: the next one needs a comma first.
    comma: bool,
    /// The first value that could not be written (`to_json` reports it).
    error: Option<String>,
}

impl Writer {
    pub(super) fn new() -> Self {
        // Room for a typical request body, so that it is not grown (and
        // copied) four or five times on its way there.
        Writer { out: String::with_capacity(256), comma: false, error: None }
    }

    /// The text written, or the first value that could not be written.
    pub(super) fn finish(self) -> Result<String, JsonError> {
        match self.error {
            None => Ok(self.out),
            Some(message) => Err(JsonError { message, at: Position::Writing }),
        }
    }

    fn separate(&mut self) {
        if self.comma {
            self.out.push(',');
        }
    }

    pub(crate) fn begin_object(&mut self) {
        self.separate();
        self.out.push('{');
        self.comma = false;
    }

    pub(crate) fn key(&mut self, key: &str) {
        self.separate();
        self.quoted(key);
        self.out.push(':');
        self.comma = false;
    }

    pub(crate) fn end_object(&mut self) {
        self.out.push('}');
        self.comma = true;
    }

    pub(crate) fn begin_array(&mut self) {
        self.separate();
        self.out.push('[');
        self.comma = false;
    }

    pub(crate) fn end_array(&mut self) {
        self.out.push(']');
        self.comma = true;
    }

    pub(crate) fn string(&mut self, value: &str) {
        self.separate();
        self.quoted(value);
        self.comma = true;
    }

    pub(crate) fn i64(&mut self, value: i64) {
        self.separate();
        let _ = write!(self.out, "{value}");
        self.comma = true;
    }

    pub(crate) fn bool(&mut self, value: bool) {
        self.separate();
        self.out.push_str(if value { "true" } else { "false" });
        self.comma = true;
    }

    pub(crate) fn null(&mut self) {
        self.separate();
        self.out.push_str("null");
        self.comma = true;
    }

    pub(crate) fn u64(&mut self, value: u64) {
        self.separate();
        let _ = write!(self.out, "{value}");
        self.comma = true;
    }

    /// A finite float (the caller writes `NaN` and the infinities as it
    /// must).
    fn finite_float<T: Float>(&mut self, value: T) {
        self.separate();
        write_finite_float(&mut self.out, value);
        self.comma = true;
    }

    /// Records that a value cannot be written (the first such problem is
    /// what `to_json` reports), and writes `null` in its place.
    pub(crate) fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
        self.null();
    }

    /// `value` in quotes, escaped as serde_json escapes it.
    fn quoted(&mut self, value: &str) {
        self.out.push('"');
        let mut run = 0;
        for (i, b) in value.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0x00..=0x1f => "",
                _ => continue,
            };
            // Every byte escaped is ASCII: `run..i` is whole characters.
            self.out.push_str(&value[run..i]);
            if escape.is_empty() {
                let _ = write!(self.out, "\\u{b:04x}");
            } else {
                self.out.push_str(escape);
            }
            run = i + 1;
        }
        self.out.push_str(&value[run..]);
        self.out.push('"');
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write(&self, writer: &mut Writer) {
        (**self).write(writer);
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn write(&self, writer: &mut Writer) {
        (**self).write(writer);
    }
}

impl ToJson for str {
    fn write(&self, writer: &mut Writer) {
        writer.string(self);
    }
}

impl ToJson for String {
    fn write(&self, writer: &mut Writer) {
        writer.string(self);
    }
}

impl ToJson for bool {
    fn write(&self, writer: &mut Writer) {
        writer.bool(*self);
    }
}

macro_rules! integers_to_json {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write(&self, writer: &mut Writer) {
                writer.i64(i64::from(*self));
            }
        }
    )*};
}

integers_to_json!(i8, i16, i32, i64);

macro_rules! floats_to_json {
    ($($t:ty),*) => {$(
        /// A JSON number, or `"NaN"`, `"Infinity"` or `"-Infinity"`.
        impl ToJson for $t {
            fn write(&self, writer: &mut Writer) {
                if self.is_nan() {
                    writer.string("NaN");
                } else if *self == <$t>::INFINITY {
                    writer.string("Infinity");
                } else if *self == <$t>::NEG_INFINITY {
                    writer.string("-Infinity");
                } else {
                    writer.finite_float(*self);
                }
            }
        }
    )*};
}

floats_to_json!(f32, f64);

/// Appends a finite float as JSON, in the shortest digits that read back
/// the same, laid out as serde_json lays floats out: plain notation from
/// 1e-5 up to below 1e16 (an `f32` from 1e-6 up to below 1e13), with `.0`
/// on whole numbers, and `1.5e+16` or `1e-7` beyond. Written in place: no
/// text of its own.
fn write_finite_float<T: Float>(out: &mut String, value: T) {
    let start = out.len();
    let _ = write!(out, "{value:e}");
    let e = out[start..].rfind('e').map_or(out.len(), |at| start + at);
    let exponent: i32 = out.get(e + 1..).and_then(|text| text.parse().ok()).unwrap_or(0);
    if T::PLAIN.contains(&exponent) {
        out.truncate(start);
        let _ = write!(out, "{value}");
        if !out[start..].contains('.') {
            out.push_str(".0");
        }
    } else if exponent > 0 {
        out.insert(e + 1, '+');
    }
}

/// `f32` and `f64`, with the decimal exponents written in plain notation.
trait Float: fmt::Display + fmt::LowerExp {
    const PLAIN: std::ops::Range<i32>;
}

impl Float for f32 {
    const PLAIN: std::ops::Range<i32> = -6..13;
}

impl Float for f64 {
    const PLAIN: std::ops::Range<i32> = -5..16;
}

/// Any JSON value; an object's members in the order of their names, so
/// that the same document always writes the same text. A float that JSON
/// cannot carry (`NaN`, infinite) cannot be written.
impl ToJson for Document {
    fn write(&self, writer: &mut Writer) {
        match self {
            Document::Object(members) => {
                let mut members: Vec<_> = members.iter().collect();
                members.sort_unstable_by(|a, b| a.0.cmp(b.0));
                writer.begin_object();
                for (name, value) in members {
                    writer.key(name);
                    value.write(writer);
                }
                writer.end_object();
            }
            Document::Array(items) => {
                writer.begin_array();
                for item in items {
                    item.write(writer);
                }
                writer.end_array();
            }
            Document::Number(Number::PosInt(n)) => writer.u64(*n),
            Document::Number(Number::NegInt(n)) => writer.i64(*n),
            Document::Number(Number::Float(f)) if f.is_finite() => writer.finite_float(*f),
            Document::Number(Number::Float(f)) => writer.fail(format!("a document's number {f} cannot be written as JSON")),
            Document::String(s) => writer.string(s),
            Document::Bool(b) => writer.bool(*b),
            Document::Null => writer.null(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{to_json, ToJson};

    #[test]
    fn the_writer_escapes_like_serde_json_and_places_commas() {
        for text in
            ["plain", "quote \" and \\ slash /", "tab\t nl\n cr\r \u{8}\u{c}", "\u{0}\u{1f}\u{7f}", "é ☃ 😀", ""]
        {
            assert_eq!(to_json(text).unwrap(), serde_json::to_string(text).unwrap(), "{text:?}");
        }
        let mut writer = Writer { out: String::new(), comma: false, error: None };
        writer.begin_object();
        writer.key("a");
        writer.begin_array();
        writer.begin_object();
        writer.end_object();
        writer.i64(-3);
        writer.begin_array();
        writer.end_array();
        writer.end_array();
        writer.key("b");
        writer.bool(true);
        writer.key("c");
        Document::Object([("x".to_owned(), Document::Array(vec![Document::Null]))].into()).write(&mut writer);
        writer.end_object();
        assert_eq!(writer.out, r#"{"a":[{},-3,[]],"b":true,"c":{"x":[null]}}"#);
        assert_eq!(to_json(&1e300_f64).unwrap(), "1e+300");
        assert_eq!(to_json(&1.1_f32).unwrap(), "1.1");
        assert_eq!(to_json(&i64::MIN).unwrap(), "-9223372036854775808");
    }

    fn finite_float<T: Float>(value: T) -> String {
        let mut out = String::new();
        write_finite_float(&mut out, value);
        out
    }

    /// `ours` is serde_json's text for a float, or (where two shortest
    /// texts read back the same: `312985.13` where serde_json writes
    /// `312985.12`) another that reads back as the value and is as long.
    fn agrees(ours: &str, theirs: &str, reads_back: impl Fn(&str) -> bool) {
        if ours != theirs {
            assert!(reads_back(ours), "{ours} (serde_json: {theirs})");
            assert_eq!(ours.len(), theirs.len(), "{ours} {theirs}");
            assert_eq!(ours.split_once('e').map(|(_, e)| e), theirs.split_once('e').map(|(_, e)| e), "{ours} {theirs}");
        }
    }

    /// Floats write as serde_json writes them: random bit patterns, and
    /// the edges of plain notation.
    #[test]
    fn floats_write_as_serde_json_writes_them() {
        let mut bits = 0x9E37_79B9_7F4A_7C15_u64;
        let (mut checked, mut same) = (0, 0);
        for _ in 0..100_000 {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            let (double, single) = (f64::from_bits(bits), f32::from_bits(bits as u32));
            if double.is_finite() {
                let (ours, theirs) = (finite_float(double), serde_json::to_string(&double).unwrap());
                agrees(&ours, &theirs, |text| text.parse::<f64>().is_ok_and(|v| v.to_bits() == double.to_bits()));
                checked += 1;
                same += usize::from(ours == theirs);
            }
            if single.is_finite() {
                let (ours, theirs) = (finite_float(single), serde_json::to_string(&single).unwrap());
                agrees(&ours, &theirs, |text| text.parse::<f32>().is_ok_and(|v| v.to_bits() == single.to_bits()));
            }
        }
        assert!(checked > 90_000 && same > checked * 9 / 10, "{same} of {checked} the same");
        for value in [0.0, -0.0, 1.0, 1e15, 1e16, 9.999e15, 1e-5, 1.5e-5, 1e-6, 5e-324, f64::MAX, f64::MIN, 0.1, 123.25] {
            assert_eq!(finite_float(value), serde_json::to_string(&value).unwrap(), "{value:e}");
        }
    }

    #[test]
    fn documents_write_every_kind_in_a_stable_order() {
        let document = Document::Object(
            [
                ("z".to_owned(), Document::Number(Number::NegInt(-2))),
                ("a".to_owned(), Document::Array(vec![Document::Bool(false), Document::String("\"q\"".to_owned())])),
                ("m".to_owned(), Document::Number(Number::PosInt(u64::MAX))),
                ("f".to_owned(), Document::Number(Number::Float(1.0))),
            ]
            .into(),
        );
        assert_eq!(to_json(&document).unwrap(), r#"{"a":[false,"\"q\""],"f":1.0,"m":18446744073709551615,"z":-2}"#);
        let nan = Document::Array(vec![Document::Number(Number::Float(f64::NAN))]);
        assert!(to_json(&nan).unwrap_err().to_string().contains("cannot be written"));
    }

    #[test]
    fn a_value_that_cannot_be_written_is_an_error() {
        struct Broken;
        impl ToJson for Broken {
            fn write(&self, writer: &mut Writer) {
                writer.begin_object();
                writer.key("a");
                writer.fail("no good".to_owned());
                writer.key("b");
                writer.fail("also bad".to_owned());
                writer.end_object();
            }
        }
        assert_eq!(to_json(&Broken).unwrap_err().to_string(), "no good");
    }
}

//! The JSON writer: [`Writer`], which generated `ToJson` impls push values
//! into, and `ToJson` for the scalars (copied verbatim into each generated
//! crate by codegen; the source lives in `codegen/runtime/src/json/writer.rs`).

use std::fmt::Write as _;

use super::{JsonError, Position, ToJson};

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
        Writer { out: String::new(), comma: false, error: None }
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

    /// Text that is already JSON (a number or a document as serde_json
    /// writes it).
    fn raw(&mut self, json: Result<String, serde_json::Error>) {
        match json {
            Ok(json) => {
                self.separate();
                self.out.push_str(&json);
                self.comma = true;
            }
            Err(error) => self.fail(error.to_string()),
        }
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
                    writer.raw(serde_json::to_string(self));
                }
            }
        }
    )*};
}

floats_to_json!(f32, f64);

impl ToJson for serde_json::Value {
    fn write(&self, writer: &mut Writer) {
        writer.raw(serde_json::to_string(self));
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
        serde_json::json!({"x": [null]}).write(&mut writer);
        writer.end_object();
        assert_eq!(writer.out, r#"{"a":[{},-3,[]],"b":true,"c":{"x":[null]}}"#);
        assert_eq!(to_json(&1e300_f64).unwrap(), "1e+300");
        assert_eq!(to_json(&1.1_f32).unwrap(), "1.1");
        assert_eq!(to_json(&i64::MIN).unwrap(), "-9223372036854775808");
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

//! JSON helpers shared by every generated type (copied verbatim into each
//! generated crate by codegen; the source lives in `codegen/runtime/json.rs`).
//!
//! Generated `Deserialize` impls read structures only from JSON objects,
//! skip members they do not know, treat `null` like an absent member, and
//! fill a required member that a response leaves out with a zero value
//! ("client error correction" in the Smithy specification) instead of
//! failing the whole response.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The value a required member takes when a response leaves it out.
pub(crate) trait Fallback {
    fn fallback() -> Self;
}

macro_rules! fallback_default {
    ($($t:ty),*) => {$(
        impl Fallback for $t {
            fn fallback() -> Self {
                <$t>::default()
            }
        }
    )*};
}

fallback_default!(bool, i8, i16, i32, i64, f32, f64, String);

impl<T> Fallback for Vec<T> {
    fn fallback() -> Self {
        Vec::new()
    }
}

impl<V> Fallback for HashMap<String, V> {
    fn fallback() -> Self {
        HashMap::new()
    }
}

impl<T> Fallback for Option<T> {
    fn fallback() -> Self {
        None
    }
}

impl<T: Fallback> Fallback for Box<T> {
    fn fallback() -> Self {
        Box::new(T::fallback())
    }
}

/// A JSON object key or string value, borrowed from the input when it has
/// no escapes, so that matching member names allocates nothing.
pub(crate) enum Str<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Str<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Str::Borrowed(s) => s,
            Str::Owned(s) => s,
        }
    }

    pub(crate) fn into_string(self) -> String {
        match self {
            Str::Borrowed(s) => s.to_owned(),
            Str::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;

        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(Str::Borrowed(value))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(Str::Owned(value.to_owned()))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
                Ok(Str::Owned(value))
            }
        }

        deserializer.deserialize_str(StrVisitor)
    }
}

/// The `expecting` text of a structure's visitor.
pub(crate) fn expecting_object(f: &mut fmt::Formatter<'_>, shape: &str) -> fmt::Result {
    write!(f, "a JSON object for {shape}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks_are_zero_values() {
        assert_eq!(String::fallback(), "");
        assert_eq!(i64::fallback(), 0);
        assert!(!bool::fallback());
        assert!(Vec::<u8>::fallback().is_empty());
        assert!(HashMap::<String, u8>::fallback().is_empty());
        assert_eq!(Option::<u8>::fallback(), None);
        assert_eq!(*Box::<i32>::fallback(), 0);
    }

    #[test]
    fn strings_borrow_when_they_can() {
        let plain: Str = serde_json::from_str(r#""plain""#).unwrap();
        assert!(matches!(plain, Str::Borrowed("plain")));
        let escaped: Str = serde_json::from_str(r#""a\nb""#).unwrap();
        assert!(matches!(&escaped, Str::Owned(s) if s == "a\nb"));
        assert_eq!(escaped.into_string(), "a\nb");
        let mut reader = serde_json::Deserializer::from_reader(&br#""read""#[..]);
        assert_eq!(Str::deserialize(&mut reader).unwrap().as_str(), "read");
        assert!(serde_json::from_str::<Str>("12").is_err());
        assert!(serde_json::from_str::<Str>("null").is_err());
    }
}

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

/// A float member on the wire: a JSON number, or one of the strings `"NaN"`,
/// `"Infinity"` and `"-Infinity"`, which JSON numbers cannot express.
/// `null` reads as `None`.
pub(crate) struct Float<T>(pub(crate) Option<T>);

impl<T> Float<T> {
    pub(crate) fn new(value: T) -> Self {
        Float(Some(value))
    }
}

macro_rules! float_wire {
    ($($t:ty),*) => {$(
        impl serde::Serialize for Float<$t> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    None => serializer.serialize_none(),
                    Some(v) if v.is_nan() => serializer.serialize_str("NaN"),
                    Some(v) if v == <$t>::INFINITY => serializer.serialize_str("Infinity"),
                    Some(v) if v == <$t>::NEG_INFINITY => serializer.serialize_str("-Infinity"),
                    Some(v) => serde::Serialize::serialize(&v, serializer),
                }
            }
        }

        impl<'de> Deserialize<'de> for Float<$t> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct FloatVisitor;

                impl<'de> Visitor<'de> for FloatVisitor {
                    type Value = Option<$t>;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
                    }

                    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                        Ok(None)
                    }

                    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                        Ok(None)
                    }

                    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
                        deserializer.deserialize_any(self)
                    }

                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                        Ok(Some(v as $t))
                    }

                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                        Ok(Some(v as $t))
                    }

                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                        Ok(Some(v as $t))
                    }

                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                        match v {
                            "NaN" => Ok(Some(<$t>::NAN)),
                            "Infinity" => Ok(Some(<$t>::INFINITY)),
                            "-Infinity" => Ok(Some(<$t>::NEG_INFINITY)),
                            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                        }
                    }
                }

                deserializer.deserialize_option(FloatVisitor).map(Float)
            }
        }
    )*};
}

float_wire!(f32, f64);

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
    fn floats_carry_nan_and_infinities_as_strings() {
        for (value, json) in [(f64::NAN, r#""NaN""#), (f64::INFINITY, r#""Infinity""#), (f64::NEG_INFINITY, r#""-Infinity""#), (1.5, "1.5")] {
            assert_eq!(serde_json::to_string(&Float(Some(value))).unwrap(), json);
            let back: Float<f64> = serde_json::from_str(json).unwrap();
            let back = back.0.unwrap();
            assert!(back == value || (back.is_nan() && value.is_nan()), "{json}");
        }
        assert_eq!(serde_json::from_str::<Float<f32>>("2").unwrap().0, Some(2.0));
        assert_eq!(serde_json::from_str::<Float<f32>>("null").unwrap().0, None);
        assert!(serde_json::from_str::<Float<f64>>(r#""nan""#).is_err());
        assert!(serde_json::from_str::<Float<f64>>("true").is_err());
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

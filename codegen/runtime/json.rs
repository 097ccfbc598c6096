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

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

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

impl Fallback for serde_json::Value {
    fn fallback() -> Self {
        serde_json::Value::Null
    }
}

impl Fallback for crate::primitives::ByteStream {
    fn fallback() -> Self {
        Self::default()
    }
}

impl Fallback for crate::primitives::Blob {
    fn fallback() -> Self {
        crate::primitives::Blob::default()
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

/// A JSON form of a member: reads it (`null` reads as `None`) and writes it.
/// Generated code names the form of each member whose JSON is not what its
/// Rust type's serde impls produce: timestamps, floats, blobs, and
/// collections (whose `null` entries are dropped unless sparse).
pub(crate) trait Wire: Sized {
    type Value;
    fn into_value(self) -> Option<Self::Value>;
}

/// A JSON form that can also be written (what requests carry).
pub(crate) trait WireWrite: Wire {
    fn write<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error>;
}

/// Writes a value in the JSON form `W`.
pub(crate) struct Out<'a, W: WireWrite>(pub(crate) &'a W::Value);

impl<W: WireWrite> Serialize for Out<'_, W> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        W::write(self.0, serializer)
    }
}

/// A value whose own serde impls are its JSON form (strings, numbers,
/// booleans, documents, generated structures, unions and enums).
pub(crate) struct Plain<T>(pub(crate) Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Plain<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Plain)
    }
}

impl<T> Wire for Plain<T> {
    type Value = T;

    fn into_value(self) -> Option<T> {
        self.0
    }
}

impl<T: Serialize> WireWrite for Plain<T> {
    fn write<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
}

/// A list. `null` entries are dropped (dense lists) or kept as `None`
/// (`SPARSE`).
pub(crate) struct List<W: Wire, const SPARSE: bool>(pub(crate) Option<Vec<Option<W::Value>>>);

impl<'de, W: Wire + Deserialize<'de>, const SPARSE: bool> Deserialize<'de> for List<W, SPARSE> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<W, const SPARSE: bool>(std::marker::PhantomData<W>);

        impl<'de, W: Wire + Deserialize<'de>, const SPARSE: bool> Visitor<'de> for ListVisitor<W, SPARSE> {
            type Value = Option<Vec<Option<W::Value>>>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array")
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
                deserializer.deserialize_seq(self)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element::<W>()? {
                    match item.into_value() {
                        Some(value) => items.push(Some(value)),
                        None if SPARSE => items.push(None),
                        None => {}
                    }
                }
                Ok(Some(items))
            }
        }

        deserializer.deserialize_option(ListVisitor::<W, SPARSE>(std::marker::PhantomData)).map(List)
    }
}

impl<W: Wire> Wire for List<W, false> {
    type Value = Vec<W::Value>;

    fn into_value(self) -> Option<Self::Value> {
        self.0.map(|items| items.into_iter().flatten().collect())
    }
}

impl<W: WireWrite> WireWrite for List<W, false> {
    fn write<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(value.len()))?;
        for item in value {
            seq.serialize_element(&Out::<W>(item))?;
        }
        seq.end()
    }
}

impl<W: Wire> Wire for List<W, true> {
    type Value = Vec<Option<W::Value>>;

    fn into_value(self) -> Option<Self::Value> {
        self.0
    }
}

impl<W: WireWrite> WireWrite for List<W, true> {
    fn write<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(value.len()))?;
        for item in value {
            match item {
                Some(item) => seq.serialize_element(&Out::<W>(item))?,
                None => seq.serialize_element(&())?,
            }
        }
        seq.end()
    }
}

/// A map with string keys. `null` values are dropped (dense maps) or kept
/// as `None` (`SPARSE`).
pub(crate) struct Map<W: Wire, const SPARSE: bool>(pub(crate) Option<HashMap<String, Option<W::Value>>>);

impl<'de, W: Wire + Deserialize<'de>, const SPARSE: bool> Deserialize<'de> for Map<W, SPARSE> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<W, const SPARSE: bool>(std::marker::PhantomData<W>);

        impl<'de, W: Wire + Deserialize<'de>, const SPARSE: bool> Visitor<'de> for MapVisitor<W, SPARSE> {
            type Value = Option<HashMap<String, Option<W::Value>>>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
                deserializer.deserialize_map(self)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = HashMap::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(key) = map.next_key::<String>()? {
                    match map.next_value::<W>()?.into_value() {
                        Some(value) => {
                            entries.insert(key, Some(value));
                        }
                        None if SPARSE => {
                            entries.insert(key, None);
                        }
                        None => {}
                    }
                }
                Ok(Some(entries))
            }
        }

        deserializer.deserialize_option(MapVisitor::<W, SPARSE>(std::marker::PhantomData)).map(Map)
    }
}

impl<W: Wire> Wire for Map<W, false> {
    type Value = HashMap<String, W::Value>;

    fn into_value(self) -> Option<Self::Value> {
        self.0.map(|entries| entries.into_iter().filter_map(|(k, v)| Some((k, v?))).collect())
    }
}

impl<W: WireWrite> WireWrite for Map<W, false> {
    fn write<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(value.len()))?;
        for (key, item) in value {
            map.serialize_entry(key, &Out::<W>(item))?;
        }
        map.end()
    }
}

impl<W: Wire> Wire for Map<W, true> {
    type Value = HashMap<String, Option<W::Value>>;

    fn into_value(self) -> Option<Self::Value> {
        self.0
    }
}

impl<W: WireWrite> WireWrite for Map<W, true> {
    fn write<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(value.len()))?;
        for (key, item) in value {
            match item {
                Some(item) => map.serialize_entry(key, &Out::<W>(item))?,
                None => map.serialize_entry(key, &())?,
            }
        }
        map.end()
    }
}

/// A blob: a base64 string in JSON.
pub(crate) struct Base64(pub(crate) Option<crate::primitives::Blob>);

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Option::<Str<'de>>::deserialize(deserializer)? {
            None => Ok(Base64(None)),
            Some(text) => crate::primitives::base64_decode(text.as_str())
                .map(|bytes| Base64(Some(crate::primitives::Blob::new(bytes))))
                .ok_or_else(|| de::Error::custom("a blob is not valid base64")),
        }
    }
}

impl Wire for Base64 {
    type Value = crate::primitives::Blob;

    fn into_value(self) -> Option<Self::Value> {
        self.0
    }
}

impl WireWrite for Base64 {
    fn write<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&crate::primitives::base64_encode(value.as_ref()))
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

impl Wire for Float<f32> {
    type Value = f32;

    fn into_value(self) -> Option<f32> {
        self.0
    }
}

impl WireWrite for Float<f32> {
    fn write<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
        Float(Some(*value)).serialize(serializer)
    }
}

impl Wire for Float<f64> {
    type Value = f64;

    fn into_value(self) -> Option<f64> {
        self.0
    }
}

impl WireWrite for Float<f64> {
    fn write<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        Float(Some(*value)).serialize(serializer)
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
    fn collections_drop_nulls_unless_sparse() {
        let dense: List<Plain<String>, false> = serde_json::from_str(r#"["a", null, "b"]"#).unwrap();
        assert_eq!(dense.into_value(), Some(vec!["a".to_owned(), "b".to_owned()]));
        let sparse: List<Plain<String>, true> = serde_json::from_str(r#"["a", null]"#).unwrap();
        assert_eq!(sparse.into_value(), Some(vec![Some("a".to_owned()), None]));
        let map: Map<Float<f64>, false> = serde_json::from_str(r#"{"x": "NaN", "y": null, "z": 2}"#).unwrap();
        let map = map.into_value().unwrap();
        assert!(map["x"].is_nan() && map["z"] == 2.0 && !map.contains_key("y"));
        let nested: List<List<Float<f32>, false>, false> = serde_json::from_str(r#"[[1, "Infinity"], null, []]"#).unwrap();
        assert_eq!(nested.into_value(), Some(vec![vec![1.0, f32::INFINITY], vec![]]));
        let absent: List<Plain<i32>, false> = serde_json::from_str("null").unwrap();
        assert_eq!(absent.into_value(), None);
        assert!(serde_json::from_str::<List<Plain<i32>, false>>(r#"{"a": 1}"#).is_err());
        let written = serde_json::to_string(&Out::<List<Float<f64>, true>>(&vec![Some(f64::NEG_INFINITY), None])).unwrap();
        assert_eq!(written, r#"["-Infinity",null]"#);
    }

    #[test]
    fn blobs_are_base64() {
        let blob: Base64 = serde_json::from_str(r#""aGVsbG8=""#).unwrap();
        assert_eq!(blob.0.as_ref().map(|b| b.as_ref()), Some(&b"hello"[..]));
        assert_eq!(serde_json::to_string(&Out::<Base64>(&crate::primitives::Blob::new(&b"hi!"[..]))).unwrap(), r#""aGkh""#);
        assert!(serde_json::from_str::<Base64>(r#""not base64!""#).is_err());
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

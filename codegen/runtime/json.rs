//! JSON helpers shared by every generated type (copied verbatim into each
//! generated crate by codegen; the source lives in `codegen/runtime/json.rs`).
//!
//! Smithy asks clients to be lenient with what servers send: a required member
//! that is missing or `null` is filled with a zero value ("client error
//! correction") instead of failing the whole response.
#![allow(dead_code)]

use std::collections::HashMap;

use serde::{Deserialize, Deserializer};

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

/// `#[serde(default = "crate::json::fallback")]`: a missing member.
pub(crate) fn fallback<T: Fallback>() -> T {
    T::fallback()
}

/// `#[serde(deserialize_with = "crate::json::or_fallback")]`: an explicit
/// `null` is treated like a missing member.
pub(crate) fn or_fallback<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Fallback,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_else(T::fallback))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Sample {
        #[serde(default = "fallback", deserialize_with = "or_fallback")]
        name: String,
        #[serde(default = "fallback", deserialize_with = "or_fallback")]
        items: Vec<i32>,
        #[serde(default)]
        note: Option<String>,
    }

    #[test]
    fn missing_and_null_members_fall_back() {
        let parsed: Sample = serde_json::from_str(r#"{"name": null, "other": [1, {"x": 2}]}"#).unwrap();
        assert_eq!(parsed, Sample { name: String::new(), items: Vec::new(), note: None });
        let parsed: Sample = serde_json::from_str(r#"{"name": "n", "items": [1, 2], "note": null}"#).unwrap();
        assert_eq!(parsed, Sample { name: "n".into(), items: vec![1, 2], note: None });
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        assert!(serde_json::from_str::<Sample>(r#"{"name": 3}"#).is_err());
        assert!(serde_json::from_str::<Sample>(r#"{"items": "x"}"#).is_err());
    }
}

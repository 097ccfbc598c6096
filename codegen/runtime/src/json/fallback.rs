//! Client error correction: the zero value a required member takes when a
//! response leaves it out (copied verbatim into each generated crate by
//! codegen; the source lives in `codegen/runtime/src/json/fallback.rs`).

use std::collections::HashMap;

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

impl Fallback for crate::primitives::Document {
    fn fallback() -> Self {
        crate::primitives::Document::Null
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
}

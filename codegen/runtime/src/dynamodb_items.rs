//! `AttributeValue` of Amazon DynamoDB built from and read as Rust values
//! (copied verbatim into DynamoDB clients by codegen; the source lives in
//! `codegen/runtime/src/dynamodb_items.rs`): a macro the DynamoDB decorator
//! expands beside the generated union (the runtime never names the
//! generated types). Always a module of the client's own crate, where the
//! union is, also when the rest of the runtime is a crate of its own.

/// Constructors and readers of DynamoDB's `AttributeValue` union, and
/// `From` impls of the Rust values an item holds:
///
/// ```ignore
/// let item = HashMap::from([
///     ("pk".to_owned(), AttributeValue::from("user#1")),
///     ("age".to_owned(), 42.into()),
///     ("tags".to_owned(), AttributeValue::list(["a".into(), "b".into()])),
///     ("address".to_owned(), AttributeValue::map([("city", "Paris".into())])),
/// ]);
/// assert_eq!(item["age"].as_number::<u32>(), Some(42));
/// ```
#[allow(unused_macros)] // Expanded in generated DynamoDB crates.
macro_rules! attribute_value_impls {
    () => {
        impl AttributeValue {
            /// A string (`S`).
            pub fn string(value: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self::S(value.into())
            }

            /// A number (`N`): any integer or float, sent as its decimal text.
            pub fn number(value: impl ::std::fmt::Display) -> Self {
                Self::N(value.to_string())
            }

            /// Binary data (`B`).
            pub fn binary(value: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
                Self::B(crate::primitives::Blob::new(value))
            }

            /// A map (`M`) of these entries.
            pub fn map<K: ::std::convert::Into<::std::string::String>>(entries: impl ::std::iter::IntoIterator<Item = (K, Self)>) -> Self {
                Self::M(entries.into_iter().map(|(key, value)| (key.into(), value)).collect())
            }

            /// A list (`L`) of these values.
            pub fn list(values: impl ::std::iter::IntoIterator<Item = Self>) -> Self {
                Self::L(values.into_iter().collect())
            }

            /// A string set (`SS`).
            pub fn string_set<S: ::std::convert::Into<::std::string::String>>(values: impl ::std::iter::IntoIterator<Item = S>) -> Self {
                Self::Ss(values.into_iter().map(::std::convert::Into::into).collect())
            }

            /// A number set (`NS`).
            pub fn number_set<N: ::std::fmt::Display>(values: impl ::std::iter::IntoIterator<Item = N>) -> Self {
                Self::Ns(values.into_iter().map(|n| n.to_string()).collect())
            }

            /// A binary set (`BS`).
            pub fn binary_set<B: ::std::convert::Into<::std::vec::Vec<u8>>>(values: impl ::std::iter::IntoIterator<Item = B>) -> Self {
                Self::Bs(values.into_iter().map(crate::primitives::Blob::new).collect())
            }

            /// The null value (`NULL`).
            pub fn null() -> Self {
                Self::Null(true)
            }

            /// A number (`N`) given as its decimal text, for numbers no Rust
            /// type holds exactly (DynamoDB keeps 38 digits).
            pub fn number_text(text: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self::N(text.into())
            }

            /// The string, if this is `S`.
            pub fn as_str(&self) -> ::std::option::Option<&str> {
                self.as_s().map(::std::string::String::as_str)
            }

            /// The number read as `T` (`i64`, `u32`, `f64`, ...), if this is
            /// `N` and its text is a `T`.
            pub fn as_number<T: ::std::str::FromStr>(&self) -> ::std::option::Option<T> {
                self.as_n().and_then(|text| text.parse().ok())
            }

            /// The value under `key`, if this is a map (`M`) that has it.
            pub fn get(&self, key: &str) -> ::std::option::Option<&Self> {
                self.as_m().and_then(|map| map.get(key))
            }
        }

        impl ::std::convert::From<&str> for AttributeValue {
            fn from(value: &str) -> Self {
                Self::S(value.to_owned())
            }
        }

        impl ::std::convert::From<::std::string::String> for AttributeValue {
            fn from(value: ::std::string::String) -> Self {
                Self::S(value)
            }
        }

        impl ::std::convert::From<bool> for AttributeValue {
            fn from(value: bool) -> Self {
                Self::Bool(value)
            }
        }

        impl ::std::convert::From<::std::vec::Vec<u8>> for AttributeValue {
            fn from(value: ::std::vec::Vec<u8>) -> Self {
                Self::B(crate::primitives::Blob::new(value))
            }
        }

        crate::dynamodb_items::attribute_value_impls!(@numbers i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64);
    };
    (@numbers $($number:ty)*) => {
        $(
            impl ::std::convert::From<$number> for AttributeValue {
                fn from(value: $number) -> Self {
                    Self::N(value.to_string())
                }
            }
        )*
    };
}
#[allow(unused_imports)]
pub(crate) use attribute_value_impls;

#[cfg(test)]
mod tests {
    /// The union as the generator writes it for DynamoDB's model.
    #[derive(Clone, Debug, PartialEq)]
    enum AttributeValue {
        S(String),
        N(String),
        B(crate::primitives::Blob),
        Ss(Vec<String>),
        Ns(Vec<String>),
        Bs(Vec<crate::primitives::Blob>),
        M(std::collections::HashMap<String, AttributeValue>),
        L(Vec<AttributeValue>),
        Null(bool),
        Bool(bool),
    }

    impl AttributeValue {
        fn as_s(&self) -> Option<&String> {
            match self {
                Self::S(value) => Some(value),
                _ => None,
            }
        }

        fn as_n(&self) -> Option<&String> {
            match self {
                Self::N(value) => Some(value),
                _ => None,
            }
        }

        fn as_m(&self) -> Option<&std::collections::HashMap<String, AttributeValue>> {
            match self {
                Self::M(value) => Some(value),
                _ => None,
            }
        }
    }

    attribute_value_impls!();

    #[test]
    fn attribute_values_from_and_as_rust_values() {
        let item = AttributeValue::map([
            ("name", "Ada".into()),
            ("age", 36.into()),
            ("ratio", 0.5f64.into()),
            ("admin", true.into()),
            ("avatar", vec![1u8, 2].into()),
            ("tags", AttributeValue::string_set(["a", "b"])),
            ("scores", AttributeValue::number_set([1, 2])),
            ("history", AttributeValue::list([AttributeValue::number(1u64 << 60), AttributeValue::string("x")])),
        ]);
        assert_eq!(item.get("name").and_then(AttributeValue::as_str), Some("Ada"));
        assert_eq!(item.get("age").and_then(AttributeValue::as_number::<u8>), Some(36));
        assert_eq!(item.get("ratio").and_then(AttributeValue::as_number::<f64>), Some(0.5));
        assert_eq!(item.get("ratio").and_then(AttributeValue::as_number::<i64>), None, "0.5 is not an integer");
        assert_eq!(item.get("admin"), Some(&AttributeValue::Bool(true)));
        assert_eq!(item.get("avatar"), Some(&AttributeValue::B(crate::primitives::Blob::new(vec![1, 2]))));
        assert_eq!(item.get("tags"), Some(&AttributeValue::Ss(vec!["a".into(), "b".into()])));
        assert_eq!(item.get("scores"), Some(&AttributeValue::Ns(vec!["1".into(), "2".into()])));
        assert_eq!(
            item.get("history"),
            Some(&AttributeValue::L(vec![AttributeValue::N("1152921504606846976".into()), AttributeValue::S("x".into())]))
        );
        assert_eq!(item.get("missing"), None);
        assert_eq!(AttributeValue::binary_set([vec![1u8], vec![2]]), AttributeValue::Bs(vec![crate::primitives::Blob::new(vec![1]), crate::primitives::Blob::new(vec![2])]));
        assert_eq!(AttributeValue::null(), AttributeValue::Null(true));
        assert_eq!(AttributeValue::number_text("1e400").as_number::<f64>(), Some(f64::INFINITY), "the text is kept; reading it is the caller's choice");
        assert_eq!(AttributeValue::from("x").get("name"), None, "only maps have members");
    }
}

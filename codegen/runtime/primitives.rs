//! Small types that generated code shares (copied verbatim into each generated
//! crate by codegen; the source lives in `codegen/runtime/primitives.rs`).

use std::fmt;

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

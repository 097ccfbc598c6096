//! The error that builders return (copied verbatim into each generated crate by
//! codegen; the source lives in `codegen/runtime/src/error/build.rs`).

use std::fmt;

/// A value could not be built because a required member was not set.
///
/// Builders check required members before anything is sent, so that a missing
/// value is reported without any network I/O.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    shape: &'static str,
    field: &'static str,
    member: &'static str,
    problem: Problem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Problem {
    Missing,
    EmptyLabel,
    InvalidHostLabel,
    InvalidValue,
    UnknownLength,
    NeedsBytes,
}

#[allow(dead_code)]
impl BuildError {
    pub(crate) fn missing(shape: &'static str, field: &'static str, member: &'static str) -> Self {
        BuildError { shape, field, member, problem: Problem::Missing }
    }

    /// The value of a required member, or the error naming it: for request
    /// building, where a label or host-prefix member must be set.
    pub(crate) fn require<T>(
        value: Option<T>,
        shape: &'static str,
        field: &'static str,
        member: &'static str,
    ) -> Result<T, Self> {
        match value {
            Some(value) => Ok(value),
            None => Err(Self::missing(shape, field, member)),
        }
    }

    /// A member bound to the request URI is empty: sending it would change
    /// the path.
    pub(crate) fn empty_label(shape: &'static str, field: &'static str, member: &'static str) -> Self {
        BuildError { shape, field, member, problem: Problem::EmptyLabel }
    }

    /// A member's value cannot be written where the protocol puts it (a
    /// header value with control characters, a date outside RFC 3339).
    pub(crate) fn invalid_value(shape: &'static str, field: &'static str, member: &'static str) -> Self {
        BuildError { shape, field, member, problem: Problem::InvalidValue }
    }

    /// A member bound to the host name is not a valid DNS label.
    pub(crate) fn invalid_host_label(shape: &'static str, field: &'static str, member: &'static str) -> Self {
        BuildError { shape, field, member, problem: Problem::InvalidHostLabel }
    }

    /// A streaming member of an operation that requires the body's length
    /// was built from a stream of unknown length.
    pub(crate) fn unknown_length(shape: &'static str, field: &'static str, member: &'static str) -> Self {
        BuildError { shape, field, member, problem: Problem::UnknownLength }
    }

    /// A streaming member must be in memory (a checksum header covers it).
    pub(crate) fn needs_bytes(shape: &'static str, field: &'static str, member: &'static str) -> Self {
        BuildError { shape, field, member, problem: Problem::NeedsBytes }
    }

    /// The Rust name of the missing field, as its builder setter is called.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The member's name in the service model (as it appears on the wire).
    pub fn member(&self) -> &'static str {
        self.member
    }

    /// The Rust type that could not be built.
    pub fn shape(&self) -> &'static str {
        self.shape
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            Problem::Missing => write!(
                f,
                "cannot build `{}`: the required member `{}` is not set (call `.{}(...)` on the builder)",
                self.shape, self.member, self.field
            ),
            Problem::EmptyLabel => write!(
                f,
                "cannot send `{}`: the member `{}` is part of the request path and must not be empty, `.` or `..`",
                self.shape, self.member
            ),
            Problem::InvalidValue => write!(
                f,
                "cannot send `{}`: the value of member `{}` cannot be written on the wire",
                self.shape, self.member
            ),
            Problem::InvalidHostLabel => write!(
                f,
                "cannot send `{}`: the member `{}` is part of the host name and must be a valid DNS label",
                self.shape, self.member
            ),
            Problem::UnknownLength => write!(
                f,
                "cannot send `{}`: the operation needs the length of `{}`; build it with \
                 `ByteStream::from_stream_with_length` or from bytes",
                self.shape, self.member
            ),
            Problem::NeedsBytes => write!(
                f,
                "cannot send `{}`: a checksum header covers `{}`, so it must be built from bytes, not from a stream or a file",
                self.shape, self.member
            ),
        }
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::BuildError;

    #[test]
    fn message_names_the_member_and_the_setter() {
        let e = BuildError::missing("GetThingInput", "thing_id", "thingId");
        assert_eq!(
            e.to_string(),
            "cannot build `GetThingInput`: the required member `thingId` is not set (call `.thing_id(...)` on the builder)"
        );
        assert_eq!((e.field(), e.member(), e.shape()), ("thing_id", "thingId", "GetThingInput"));
        let e = BuildError::empty_label("GetThingInput", "thing_id", "thingId");
        assert_eq!(
            e.to_string(),
            "cannot send `GetThingInput`: the member `thingId` is part of the request path and must not be empty, `.` or `..`"
        );
    }
}

//! The result of endpoint resolution (copied verbatim into each generated
//! crate by codegen; the source lives in `codegen/runtime/src/endpoint/types.rs`).

use std::collections::BTreeMap;
use std::fmt;

use super::functions::Value;

/// A resolved endpoint: its URL, headers to add to requests, and
/// properties (such as the signing name and region of `authSchemes`).
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub properties: BTreeMap<String, Value>,
}

/// Signing settings an endpoint's `authSchemes` property may override.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SigningOverrides {
    pub(crate) name: Option<String>,
    pub(crate) region: Option<String>,
    /// The endpoint names auth schemes and none of them is `sigv4`: their
    /// names (`sigv4a`, `sigv4-s3express`), which this client cannot sign with.
    pub(crate) unsupported: Option<Vec<String>>,
}

impl Endpoint {
    /// Builds the endpoint a rule returns; the URL must be a string.
    pub(crate) fn from_rule(
        url: Value,
        headers: Vec<(&'static str, Vec<Value>)>,
        properties: Vec<(&'static str, Value)>,
    ) -> Result<Endpoint, EndpointError> {
        let url = url.as_str().ok_or_else(|| EndpointError::new("the endpoint rule produced no URL"))?.to_owned();
        let mut flat = Vec::new();
        for (name, values) in headers {
            for value in values {
                let value = value.as_str().ok_or_else(|| EndpointError::new(format!("header `{name}` is not a string")))?;
                flat.push((name.to_owned(), value.to_owned()));
            }
        }
        let properties = properties.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        Ok(Endpoint { url, headers: flat, properties })
    }

    /// The signing name and region of the first `sigv4` entry of the
    /// `authSchemes` property, when the rules set one; when they list
    /// schemes but no `sigv4`, the names of those (`unsupported`).
    pub(crate) fn sigv4_overrides(&self) -> SigningOverrides {
        let schemes = match self.properties.get("authSchemes") {
            Some(Value::Array(schemes)) => schemes.as_slice(),
            _ => &[],
        };
        let sigv4 = schemes.iter().find_map(|scheme| match scheme {
            Value::Object(fields) if fields.get("name").and_then(Value::as_str) == Some("sigv4") => Some(fields),
            _ => None,
        });
        let field = |key: &str| sigv4.and_then(|f| f.get(key)).and_then(Value::as_str).map(str::to_owned);
        let unsupported = (sigv4.is_none() && !schemes.is_empty()).then(|| {
            schemes
                .iter()
                .filter_map(|scheme| match scheme {
                    Value::Object(fields) => fields.get("name").and_then(Value::as_str).map(str::to_owned),
                    _ => None,
                })
                .collect()
        });
        SigningOverrides { name: field("signingName"), region: field("signingRegion"), unsupported }
    }
}

/// Endpoint resolution failed: a rule returned an error, or no rule matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    message: String,
}

impl EndpointError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        EndpointError { message: message.into() }
    }

    /// The error an `error` rule returns (its message is a string template).
    pub(crate) fn from_value(message: Value) -> Self {
        match message {
            Value::String(text) => EndpointError { message: text },
            other => EndpointError { message: format!("{other:?}") },
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EndpointError {}

//! HTTP bindings of an operation: the URI template parsed once into path
//! segments and constant query parameters, and the host prefix template.

use crate::error::{Error, Result};
use crate::model::Shape;

/// One segment of a URI path (between slashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// `{name}` or the greedy `{name+}`, by member name.
    Label { member: String, greedy: bool },
}

/// The `smithy.api#http` trait, parsed.
#[derive(Debug, Clone)]
pub struct Http {
    pub method: String,
    pub uri: String,
    pub code: u16,
    pub path: Vec<Segment>,
    /// Constant query parameters of the URI (`?list-type=2`): key, value.
    pub query: Vec<(String, Option<String>)>,
}

/// A piece of an `endpoint` trait's host prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPart {
    Text(String),
    /// A `hostLabel` member, by member name.
    Label(String),
}

fn invalid(op: &Shape, message: String) -> Error {
    Error::Invalid { path: op.source.as_ref().clone(), shape: op.id.to_string(), message }
}

/// Parses the `uri` of the http trait.
pub fn parse_uri(op: &Shape, method: &str, uri: &str, code: u16) -> Result<Http> {
    let (path, query) = match uri.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (uri, None),
    };
    if !path.starts_with('/') {
        return Err(invalid(op, format!("the http uri `{uri}` must start with `/`")));
    }
    let mut segments = Vec::new();
    for (i, raw) in path[1..].split('/').enumerate() {
        if raw.is_empty() && i == 0 && path == "/" {
            break;
        }
        let segment = match raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            Some(label) => {
                let (member, greedy) = match label.strip_suffix('+') {
                    Some(member) => (member, true),
                    None => (label, false),
                };
                if member.is_empty() || member.contains(['{', '}']) {
                    return Err(invalid(op, format!("bad label `{raw}` in http uri `{uri}`")));
                }
                Segment::Label { member: member.to_owned(), greedy }
            }
            None if raw.contains(['{', '}']) => {
                return Err(invalid(op, format!("a label must fill a whole segment in http uri `{uri}`")))
            }
            None => Segment::Literal(raw.to_owned()),
        };
        segments.push(segment);
    }
    let query = query
        .map(|q| {
            q.split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| match pair.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (pair.to_owned(), None),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Http { method: method.to_owned(), uri: uri.to_owned(), code, path: segments, query })
}

/// Parses a host prefix such as `{AccountId}.control-`.
pub fn parse_host_prefix(op: &Shape, prefix: &str) -> Result<Vec<HostPart>> {
    let mut parts = Vec::new();
    let mut rest = prefix;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(0) => {
                let end = rest.find('}').ok_or_else(|| invalid(op, format!("unclosed label in host prefix `{prefix}`")))?;
                parts.push(HostPart::Label(rest[1..end].to_owned()));
                rest = &rest[end + 1..];
            }
            Some(start) => {
                parts.push(HostPart::Text(rest[..start].to_owned()));
                rest = &rest[start..];
            }
            None => {
                parts.push(HostPart::Text(rest.to_owned()));
                rest = "";
            }
        }
    }
    Ok(parts)
}

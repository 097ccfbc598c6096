//! Where members travel in an HTTP message (the binding traits, for a
//! protocol that honours them) and the checks that URI and host labels
//! match the input's members.

use super::*;
use crate::error::{Error, Result};
use crate::model::{traits, Shape};
use super::build::{EVENT_HEADER, EVENT_PAYLOAD};

/// Every URI label names an `httpLabel` member and every `httpLabel` member
/// is in the URI; likewise for host labels.
pub(super) fn check_labels(op: &Shape, http: Option<&http::Http>, host: Option<&[http::HostPart]>, input: &Struct) -> Result<()> {
    let invalid = |message: String| Error::Invalid { path: op.source.as_ref().clone(), shape: op.id.to_string(), message };
    let in_uri: Vec<&str> = http
        .map(|h| {
            h.path
                .iter()
                .filter_map(|s| match s {
                    http::Segment::Label { member, .. } => Some(member.as_str()),
                    http::Segment::Literal(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for label in &in_uri {
        if !input.fields.iter().any(|f| f.member == *label && f.binding == Binding::Label) {
            return Err(invalid(format!("the http uri label `{label}` has no input member with smithy.api#httpLabel")));
        }
    }
    for field in input.fields.iter().filter(|f| f.binding == Binding::Label) {
        if !in_uri.contains(&field.member.as_str()) {
            return Err(invalid(format!("the httpLabel member `{}` does not appear in the http uri", field.member)));
        }
        if !matches!(field.ty, RustType::String | RustType::Named(_) | RustType::Bool | RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 | RustType::F32 | RustType::F64 | RustType::Timestamp(_)) {
            return Err(invalid(format!("the httpLabel member `{}` must be a simple type", field.member)));
        }
    }
    for part in host.unwrap_or_default() {
        if let http::HostPart::Label(label) = part {
            if !input.fields.iter().any(|f| &f.member == label && f.ty == RustType::String) {
                return Err(invalid(format!("the host prefix label `{label}` has no string input member")));
            }
        }
    }
    Ok(())
}

/// Where a member travels: the HTTP binding traits, for a protocol that
/// honours them; event stream headers and payloads for any protocol.
pub(super) fn binding(member: &crate::model::Traits, protocol: protocol::Protocol) -> Binding {
    let name = |id: &str| member.string(id).unwrap_or_default().to_owned();
    if !protocol.http_bindings() {
        return if member.has(EVENT_HEADER) {
            Binding::EventHeader(member.string(EVENT_HEADER).filter(|n| !n.is_empty()).unwrap_or_default().to_owned())
        } else if member.has(EVENT_PAYLOAD) {
            Binding::EventPayload
        } else {
            Binding::Body
        };
    }
    if member.has(traits::HTTP_LABEL) {
        Binding::Label
    } else if member.has(traits::HTTP_QUERY) {
        Binding::Query(name(traits::HTTP_QUERY))
    } else if member.has(traits::HTTP_QUERY_PARAMS) {
        Binding::QueryParams
    } else if member.has(traits::HTTP_HEADER) {
        Binding::Header(name(traits::HTTP_HEADER))
    } else if member.has(traits::HTTP_PREFIX_HEADERS) {
        Binding::PrefixHeaders(name(traits::HTTP_PREFIX_HEADERS))
    } else if member.has(traits::HTTP_RESPONSE_CODE) {
        Binding::ResponseCode
    } else if member.has(traits::HTTP_PAYLOAD) {
        Binding::Payload
    } else if member.has(EVENT_HEADER) {
        Binding::EventHeader(member.string(EVENT_HEADER).filter(|n| !n.is_empty()).unwrap_or_default().to_owned())
    } else if member.has(EVENT_PAYLOAD) {
        Binding::EventPayload
    } else {
        Binding::Body
    }
}

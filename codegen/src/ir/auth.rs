//! Auth schemes, decided from the model as the Smithy specification says:
//! the auth-definition traits applied to the service, ordered by its
//! `smithy.api#auth` trait (else by shape id); an operation's own
//! `smithy.api#auth` replaces the list (empty: no auth); `@optionalAuth`
//! lets an operation go unsigned when no identity is configured.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{traits, Shape};

const HTTP_BEARER_AUTH: &str = "smithy.api#httpBearerAuth";
const AUTH: &str = "smithy.api#auth";
const OPTIONAL_AUTH: &str = "smithy.api#optionalAuth";
const NO_AUTH: &str = "smithy.api#noAuth";
/// Auth-definition traits the generator knows but cannot send yet.
const UNSUPPORTED: &[&str] = &["aws.auth#sigv4a", "smithy.api#httpBasicAuth", "smithy.api#httpDigestAuth", "smithy.api#httpApiKeyAuth"];

/// An auth scheme a request can be sent with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// `aws.auth#sigv4` with the service's signing name.
    SigV4 { signing_name: String },
    /// `smithy.api#httpBearerAuth`.
    Bearer,
    /// No auth.
    NoAuth,
}

/// The service's schemes, in order of preference. A service without any
/// auth trait sends requests unsigned.
pub fn service_schemes(service: &Shape) -> Result<Vec<AuthScheme>> {
    // The traits are kept sorted by shape id.
    let applied = service.traits.0.keys().filter(|id| *id == traits::SIGV4 || *id == HTTP_BEARER_AUTH || UNSUPPORTED.contains(&id.as_str()));
    let ordered: Vec<String> = match service.traits.get(AUTH).and_then(Value::as_array) {
        Some(list) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        None => applied.cloned().collect(),
    };
    schemes(service, &ordered, true)
}

/// An operation's own schemes, when they differ from the service's.
pub fn operation_schemes(operation: &Shape, service: &Shape) -> Result<Option<Vec<AuthScheme>>> {
    let own = operation.traits.get(AUTH).and_then(Value::as_array);
    let optional = operation.traits.has(OPTIONAL_AUTH);
    if own.is_none() && !optional {
        return Ok(None);
    }
    let mut list = match own {
        Some(ids) => {
            let ids: Vec<String> = ids.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            for id in &ids {
                if id != NO_AUTH && !service.traits.has(id) {
                    return Err(Error::Invalid {
                        path: operation.source.as_ref().clone(),
                        shape: operation.id.to_string(),
                        message: format!("smithy.api#auth names `{id}`, which the service does not apply"),
                    });
                }
            }
            schemes(service, &ids, false)?
        }
        None => service_schemes(service)?,
    };
    if optional && !list.contains(&AuthScheme::NoAuth) {
        list.push(AuthScheme::NoAuth);
    }
    if list.is_empty() {
        list.push(AuthScheme::NoAuth);
    }
    Ok(Some(list))
}

/// The schemes of `ids`, skipping those the generator cannot send; when
/// that leaves none of a non-empty list, an error naming the first.
fn schemes(service: &Shape, ids: &[String], default_no_auth: bool) -> Result<Vec<AuthScheme>> {
    let mut out = Vec::new();
    for id in ids {
        match id.as_str() {
            traits::SIGV4 => {
                let name = service.traits.get(traits::SIGV4).and_then(|t| t.get("name")).and_then(Value::as_str);
                let Some(name) = name else {
                    return Err(Error::Invalid {
                        path: service.source.as_ref().clone(),
                        shape: service.id.to_string(),
                        message: "aws.auth#sigv4 has no `name`".into(),
                    });
                };
                out.push(AuthScheme::SigV4 { signing_name: name.to_owned() });
            }
            HTTP_BEARER_AUTH => out.push(AuthScheme::Bearer),
            NO_AUTH => out.push(AuthScheme::NoAuth),
            _ => {}
        }
    }
    if out.is_empty() {
        if let Some(first) = ids.first() {
            return Err(Error::Unsupported {
                path: service.source.as_ref().clone(),
                shape: service.id.to_string(),
                feature: format!("the auth scheme `{first}`"),
            });
        }
        if default_no_auth {
            out.push(AuthScheme::NoAuth);
        }
    }
    Ok(out)
}

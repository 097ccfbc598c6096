//! Waiters (`smithy.waiters#waitable`): acceptors with typed matchers.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::Shape;

#[derive(Debug, Clone)]
pub struct Waiter {
    /// `ReferenceImportJobCompleted`.
    pub name: String,
    /// The client method: `wait_until_reference_import_job_completed`.
    pub method: String,
    /// `reference_import_job_completed`.
    pub snake: String,
    pub docs: Vec<String>,
    pub min_delay: u64,
    pub max_delay: u64,
    pub acceptors: Vec<Acceptor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Success,
    Failure,
    Retry,
}

#[derive(Debug, Clone)]
pub struct Acceptor {
    pub state: State,
    pub matcher: Matcher,
}

#[derive(Debug, Clone)]
pub enum Matcher {
    /// A member path of the output (member names, dotted) compared with a
    /// value; `steps` is the path resolved to Rust fields.
    Output { path: Vec<String>, expected: String, comparator: Comparator, steps: Vec<Step> },
    /// The operation succeeded (`true`) or failed (`false`).
    Success(bool),
    /// The operation failed with this error code.
    ErrorType(String),
}

/// One step of a resolved output path: a field, and whether it is an `Option`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub field: String,
    pub optional: bool,
    pub boxed: bool,
    /// The leaf's kind (only on the last step).
    pub leaf: Leaf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    /// A structure to descend into.
    Struct,
    /// A string or string enum (compared with `as_str()`).
    Str,
    Bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    StringEquals,
    BooleanEquals,
}

pub fn parse(op: &Shape, value: &Value) -> Result<Vec<Waiter>> {
    let unsupported = |what: String| Error::Unsupported {
        path: op.source.as_ref().clone(),
        shape: op.id.to_string(),
        feature: what,
    };
    let invalid = |message: String| Error::Invalid { path: op.source.as_ref().clone(), shape: op.id.to_string(), message };
    let waiters = value.as_object().ok_or_else(|| invalid("smithy.waiters#waitable must be an object".into()))?;
    let mut out = Vec::new();
    for (name, spec) in waiters {
        let delay = |key: &str, default: u64| spec.get(key).and_then(Value::as_u64).unwrap_or(default);
        let (min_delay, max_delay) = (delay("minDelay", 2), delay("maxDelay", 120));
        if min_delay == 0 || max_delay < min_delay {
            return Err(invalid(format!("waiter `{name}`: minDelay must be positive and not above maxDelay")));
        }
        let mut acceptors = Vec::new();
        for acceptor in spec.get("acceptors").and_then(Value::as_array).into_iter().flatten() {
            let state = match acceptor.get("state").and_then(Value::as_str) {
                Some("success") => State::Success,
                Some("failure") => State::Failure,
                Some("retry") => State::Retry,
                other => return Err(invalid(format!("waiter `{name}`: unknown acceptor state {other:?}"))),
            };
            let matcher = acceptor.get("matcher").and_then(Value::as_object).ok_or_else(|| {
                invalid(format!("waiter `{name}`: an acceptor has no matcher"))
            })?;
            let matcher = if let Some(output) = matcher.get("output") {
                let path = output.get("path").and_then(Value::as_str).unwrap_or_default();
                let valid_path = !path.is_empty()
                    && path.split('.').all(|step| !step.is_empty() && step.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                if !valid_path {
                    return Err(unsupported(format!("waiter `{name}`'s JMESPath expression `{path}` (only member paths such as `a.b` are supported)")));
                }
                let comparator = match output.get("comparator").and_then(Value::as_str) {
                    Some("stringEquals") => Comparator::StringEquals,
                    Some("booleanEquals") => Comparator::BooleanEquals,
                    other => return Err(unsupported(format!("waiter `{name}`'s comparator {other:?}"))),
                };
                let expected = output.get("expected").and_then(Value::as_str).unwrap_or_default().to_owned();
                Matcher::Output { path: path.split('.').map(str::to_owned).collect(), expected, comparator, steps: Vec::new() }
            } else if let Some(success) = matcher.get("success").and_then(Value::as_bool) {
                Matcher::Success(success)
            } else if let Some(code) = matcher.get("errorType").and_then(Value::as_str) {
                Matcher::ErrorType(code.rsplit('#').next().unwrap_or(code).to_owned())
            } else {
                let kind = matcher.keys().next().cloned().unwrap_or_default();
                return Err(unsupported(format!("waiter `{name}`'s `{kind}` matcher")));
            };
            acceptors.push(Acceptor { state, matcher });
        }
        let docs = spec.get("documentation").and_then(Value::as_str).map(super::docs::html_to_markdown).unwrap_or_default();
        let snake = super::names::module_name(name);
        out.push(Waiter { method: format!("wait_until_{snake}"), snake, name: name.clone(), docs, min_delay, max_delay, acceptors });
    }
    Ok(out)
}

//! Waiters (`smithy.waiters#waitable`): acceptors with typed matchers.
//!
//! A path matcher's JMESPath expression is parsed when the trait is read
//! ([`jmespath`]), then compiled against the operation's types once the
//! crate's types are known ([`resolve`], with [`compile`]): the emitter
//! renders the typed expression as plain Rust.

pub mod compile;
pub mod jmespath;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{Model, Shape};

pub use compile::{Number, TExpr, Ty, Typed};

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
    /// An `output` or `inputOutput` matcher.
    Path(Box<PathMatcher>),
    /// The operation succeeded (`true`) or failed (`false`).
    Success(bool),
    /// The operation failed with this error code.
    ErrorType(String),
}

/// A JMESPath expression over the output (or, for `inputOutput`, over
/// `{input, output}`), compared with a value.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    pub input_output: bool,
    /// The expression as the model writes it.
    pub path: String,
    pub expr: jmespath::Expr,
    pub comparator: Comparator,
    pub expected: String,
    /// The comparison, compiled against the operation's types by
    /// [`resolve`]: a boolean, or a constant `false` when the types say it
    /// never matches (a string comparator on a number, for instance).
    pub test: Option<Typed>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// The value is a string equal to the expected one.
    StringEquals,
    /// The value is the boolean the expected `true` or `false` names.
    BooleanEquals,
    /// The value is a non-empty list whose items are all the expected string.
    AllStringEquals,
    /// The value is a list with at least one item equal to the expected string.
    AnyStringEquals,
}

/// Reads an operation's `smithy.waiters#waitable` trait, parsing each
/// path's expression.
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
            let path_matcher = matcher.get("output").map(|m| (false, m)).or_else(|| matcher.get("inputOutput").map(|m| (true, m)));
            let matcher = if let Some((input_output, spec)) = path_matcher {
                let path = spec.get("path").and_then(Value::as_str).unwrap_or_default().to_owned();
                let expr = jmespath::parse(&path).map_err(|e| match e {
                    jmespath::ParseError::Unsupported { what } => {
                        unsupported(format!("{what} in the path `{path}` of waiter `{name}`"))
                    }
                    syntax => invalid(format!("waiter `{name}`: the path `{path}` is not valid JMESPath: {syntax}")),
                })?;
                let comparator = match spec.get("comparator").and_then(Value::as_str) {
                    Some("stringEquals") => Comparator::StringEquals,
                    Some("booleanEquals") => Comparator::BooleanEquals,
                    Some("allStringEquals") => Comparator::AllStringEquals,
                    Some("anyStringEquals") => Comparator::AnyStringEquals,
                    other => return Err(invalid(format!("waiter `{name}`: unknown comparator {other:?}"))),
                };
                let expected = spec.get("expected").and_then(Value::as_str).unwrap_or_default().to_owned();
                Matcher::Path(Box::new(PathMatcher { input_output, path, expr, comparator, expected, test: None }))
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

/// Compiles every path matcher against its operation's types. An
/// expression the generator cannot compile, or one that names a member
/// the shapes do not have, is an error naming the model file, the
/// operation and the waiter.
pub fn resolve(krate: &mut super::Crate, model: &Model) -> Result<()> {
    let mut compiled = Vec::new();
    for (key, op) in &krate.operations {
        let compiler = compile::Compiler::new(krate, op);
        for (w, waiter) in op.waiters.iter().enumerate() {
            for (a, acceptor) in waiter.acceptors.iter().enumerate() {
                let Matcher::Path(m) = &acceptor.matcher else { continue };
                let test = compiler.matcher(&m.expr, m.input_output, m.comparator, &m.expected).map_err(|e| {
                    let source = model.get(&op.shape).map(|s| s.source.as_ref().clone()).unwrap_or_default();
                    let shape = op.shape.to_string();
                    match e {
                        compile::CompileError::Unsupported(what) => Error::Unsupported {
                            path: source,
                            shape,
                            feature: format!("{what} in the path `{}` of waiter `{}`", m.path, waiter.name),
                        },
                        compile::CompileError::Invalid(message) => Error::Invalid {
                            path: source,
                            shape,
                            message: format!("waiter `{}`: the path `{}`: {message}", waiter.name, m.path),
                        },
                    }
                })?;
                compiled.push((key.clone(), w, a, test));
            }
        }
    }
    for (key, w, a, test) in compiled {
        if let Some(Matcher::Path(m)) =
            krate.operations.get_mut(&key).and_then(|op| op.waiters.get_mut(w)).and_then(|w| w.acceptors.get_mut(a)).map(|a| &mut a.matcher)
        {
            m.test = Some(test);
        }
    }
    Ok(())
}

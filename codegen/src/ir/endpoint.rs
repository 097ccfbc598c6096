//! The service's endpoint rule set (`smithy.rules#endpointRuleSet`), parsed
//! into a typed tree that the endpoint emitter turns into Rust code.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::Shape;

/// A rule-set parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name in the rule set (`Region`).
    pub name: String,
    /// The Rust field name (`region`).
    pub field: String,
    pub kind: ParamKind,
    pub built_in: Option<String>,
    pub default: Option<Literal>,
    pub docs: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Boolean,
    StringArray,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    String(String),
    StringArray(Vec<String>),
}

/// An expression of the rules language.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A string template: literal text and `{Ref}` / `{Ref#path}` parts.
    Template(Vec<TemplatePart>),
    Bool(bool),
    Int(i64),
    Ref(String),
    Call { function: String, args: Vec<Expr> },
    Array(Vec<Expr>),
    Object(Vec<(String, Expr)>),
}

#[derive(Debug, Clone)]
pub enum TemplatePart {
    Text(String),
    Ref(String),
    Attr { reference: String, path: String },
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub function: String,
    pub args: Vec<Expr>,
    pub assign: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub conditions: Vec<Condition>,
    pub action: Action,
    pub docs: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Action {
    Endpoint { url: Expr, properties: Vec<(String, Expr)>, headers: Vec<(String, Vec<Expr>)> },
    Error(Expr),
    Tree(Vec<Rule>),
}

#[derive(Debug, Clone)]
pub struct RuleSet {
    pub params: Vec<Param>,
    pub rules: Vec<Rule>,
}

/// The rule set of a service whose model has none: the configured
/// `endpoint_url`, or an error saying to set it.
pub fn endpoint_url_only() -> RuleSet {
    let endpoint = "Endpoint".to_owned();
    RuleSet {
        params: vec![Param {
            name: endpoint.clone(),
            field: "endpoint".into(),
            kind: ParamKind::String,
            built_in: Some("SDK::Endpoint".into()),
            default: None,
            docs: Some("The endpoint URL to send requests to.".into()),
        }],
        rules: vec![
            Rule {
                conditions: vec![Condition { function: "isSet".into(), args: vec![Expr::Ref(endpoint.clone())], assign: None }],
                action: Action::Endpoint { url: Expr::Ref(endpoint), properties: Vec::new(), headers: Vec::new() },
                docs: None,
            },
            Rule {
                conditions: Vec::new(),
                action: Action::Error(Expr::Template(vec![TemplatePart::Text(
                    "the service model has no endpoint rules: set an endpoint URL (Config::builder().endpoint_url(..))".into(),
                )])),
                docs: None,
            },
        ],
    }
}

/// Functions the generated resolver can call, with how many arguments.
const FUNCTIONS: &[(&str, usize)] = &[
    ("isSet", 1),
    ("not", 1),
    ("booleanEquals", 2),
    ("stringEquals", 2),
    ("getAttr", 2),
    ("substring", 4),
    ("uriEncode", 1),
    ("parseURL", 1),
    ("isValidHostLabel", 2),
    ("split", 3),
    ("ite", 3),
    ("aws.partition", 1),
    ("aws.parseArn", 1),
    ("aws.isVirtualHostableS3Bucket", 2),
];

/// Parses the rule set of `service`.
pub fn parse(service: &Shape, value: &Value) -> Result<RuleSet> {
    let p = Parser { service };
    let params = value
        .get("parameters")
        .and_then(Value::as_object)
        .ok_or_else(|| p.invalid("the rule set has no \"parameters\" object"))?;
    let mut scope = super::names::Scope::default();
    let mut parsed = Vec::new();
    for (name, spec) in params {
        let kind = match spec.get("type").and_then(Value::as_str) {
            Some("String" | "string") => ParamKind::String,
            Some("Boolean" | "boolean") => ParamKind::Boolean,
            Some("StringArray" | "stringArray") => ParamKind::StringArray,
            other => return Err(p.invalid(&format!("parameter `{name}` has an unsupported type {other:?}"))),
        };
        let default = match spec.get("default") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) if kind == ParamKind::Boolean => Some(Literal::Bool(*b)),
            Some(Value::String(s)) if kind == ParamKind::String => Some(Literal::String(s.clone())),
            Some(Value::Array(items)) if kind == ParamKind::StringArray => Some(Literal::StringArray(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned))
                    .collect::<Option<_>>()
                    .ok_or_else(|| p.invalid(&format!("parameter `{name}` has a non-string default item")))?,
            )),
            Some(other) => return Err(p.invalid(&format!("parameter `{name}` has a default {other} of the wrong type"))),
        };
        parsed.push(Param {
            name: name.clone(),
            field: scope.claim(&super::names::field_name(name), "_"),
            kind,
            built_in: spec.get("builtIn").and_then(Value::as_str).map(str::to_owned),
            default,
            docs: spec.get("documentation").and_then(Value::as_str).map(str::to_owned),
        });
    }
    let rules = p.rules(value.get("rules"), 0)?;
    Ok(RuleSet { params: parsed, rules })
}

struct Parser<'a> {
    service: &'a Shape,
}

/// Rule trees deeper than this are rejected rather than risking the stack.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn invalid(&self, message: &str) -> Error {
        Error::Invalid {
            path: self.service.source.as_ref().clone(),
            shape: self.service.id.to_string(),
            message: format!("smithy.rules#endpointRuleSet: {message}"),
        }
    }

    fn rules(&self, value: Option<&Value>, depth: usize) -> Result<Vec<Rule>> {
        if depth > MAX_DEPTH {
            return Err(self.invalid("rules are nested too deeply"));
        }
        let items = value.and_then(Value::as_array).ok_or_else(|| self.invalid("\"rules\" must be an array"))?;
        items.iter().map(|rule| self.rule(rule, depth)).collect()
    }

    fn rule(&self, value: &Value, depth: usize) -> Result<Rule> {
        let conditions = match value.get("conditions") {
            None => Vec::new(),
            Some(Value::Array(items)) => items.iter().map(|c| self.condition(c, depth)).collect::<Result<_>>()?,
            Some(_) => return Err(self.invalid("\"conditions\" must be an array")),
        };
        let action = match value.get("type").and_then(Value::as_str) {
            Some("tree") => Action::Tree(self.rules(value.get("rules"), depth + 1)?),
            Some("error") => Action::Error(self.expr(value.get("error").ok_or_else(|| self.invalid("an error rule has no \"error\""))?, depth)?),
            Some("endpoint") => {
                let endpoint = value.get("endpoint").ok_or_else(|| self.invalid("an endpoint rule has no \"endpoint\""))?;
                let url = self.expr(endpoint.get("url").ok_or_else(|| self.invalid("an endpoint has no \"url\""))?, depth)?;
                let properties = match endpoint.get("properties") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Object(map)) => {
                        map.iter().map(|(k, v)| Ok((k.clone(), self.expr(v, depth)?))).collect::<Result<_>>()?
                    }
                    Some(_) => return Err(self.invalid("endpoint \"properties\" must be an object")),
                };
                let headers = match endpoint.get("headers") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Object(map)) => map
                        .iter()
                        .map(|(k, v)| {
                            let values = v.as_array().ok_or_else(|| self.invalid("endpoint header values must be arrays"))?;
                            Ok((k.clone(), values.iter().map(|v| self.expr(v, depth)).collect::<Result<_>>()?))
                        })
                        .collect::<Result<_>>()?,
                    Some(_) => return Err(self.invalid("endpoint \"headers\" must be an object")),
                };
                Action::Endpoint { url, properties, headers }
            }
            other => return Err(self.invalid(&format!("unknown rule type {other:?}"))),
        };
        Ok(Rule { conditions, action, docs: value.get("documentation").and_then(Value::as_str).map(str::to_owned) })
    }

    fn condition(&self, value: &Value, depth: usize) -> Result<Condition> {
        let Expr::Call { function, args } = self.expr(value, depth)? else {
            return Err(self.invalid("a condition must be a function call"));
        };
        let assign = value.get("assign").and_then(Value::as_str).map(str::to_owned);
        Ok(Condition { function, args, assign })
    }

    fn expr(&self, value: &Value, depth: usize) -> Result<Expr> {
        if depth > MAX_DEPTH {
            return Err(self.invalid("expressions are nested too deeply"));
        }
        Ok(match value {
            Value::String(text) => Expr::Template(self.template(text)?),
            Value::Bool(b) => Expr::Bool(*b),
            Value::Number(n) => Expr::Int(n.as_i64().ok_or_else(|| self.invalid(&format!("number {n} is not an integer")))?),
            Value::Array(items) => Expr::Array(items.iter().map(|i| self.expr(i, depth + 1)).collect::<Result<_>>()?),
            Value::Object(map) if map.contains_key("ref") => {
                Expr::Ref(map.get("ref").and_then(Value::as_str).ok_or_else(|| self.invalid("\"ref\" must be a string"))?.to_owned())
            }
            Value::Object(map) if map.contains_key("fn") => {
                let function = map.get("fn").and_then(Value::as_str).ok_or_else(|| self.invalid("\"fn\" must be a string"))?;
                let args: Vec<Expr> = map
                    .get("argv")
                    .and_then(Value::as_array)
                    .ok_or_else(|| self.invalid(&format!("`{function}` has no \"argv\" array")))?
                    .iter()
                    .map(|a| self.expr(a, depth + 1))
                    .collect::<Result<_>>()?;
                if function != "coalesce" {
                    match FUNCTIONS.iter().find(|(name, _)| *name == function) {
                        Some((_, arity)) if *arity == args.len() => {}
                        Some((_, arity)) => {
                            return Err(self.invalid(&format!("`{function}` takes {arity} arguments, not {}", args.len())))
                        }
                        None => {
                            return Err(Error::Unsupported {
                                path: self.service.source.as_ref().clone(),
                                shape: self.service.id.to_string(),
                                feature: format!("the endpoint rules function `{function}`"),
                            })
                        }
                    }
                }
                Expr::Call { function: function.to_owned(), args }
            }
            Value::Object(map) => Expr::Object(map.iter().map(|(k, v)| Ok((k.clone(), self.expr(v, depth + 1)?))).collect::<Result<_>>()?),
            Value::Null => return Err(self.invalid("null is not an expression")),
        })
    }

    /// Splits `text` into literal text and `{Ref}` / `{Ref#path}` references;
    /// `{{` and `}}` stand for literal braces.
    fn template(&self, text: &str) -> Result<Vec<TemplatePart>> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut reference = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => reference.push(c),
                            None => return Err(self.invalid(&format!("unclosed `{{` in template {text:?}"))),
                        }
                    }
                    if !literal.is_empty() {
                        parts.push(TemplatePart::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(match reference.split_once('#') {
                        Some((name, path)) => TemplatePart::Attr { reference: name.to_owned(), path: path.to_owned() },
                        None => TemplatePart::Ref(reference),
                    });
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() || parts.is_empty() {
            parts.push(TemplatePart::Text(literal));
        }
        Ok(parts)
    }
}

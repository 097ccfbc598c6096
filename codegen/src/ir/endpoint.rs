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
    /// Named by the service's `smithy.rules#clientContextParams`: the
    /// client's configuration sets it.
    pub client_context: bool,
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
            client_context: false,
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
    let client_context = service.traits.get("smithy.rules#clientContextParams").and_then(Value::as_object);
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
            client_context: client_context.is_some_and(|c| c.contains_key(name)),
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

/// An endpoint parameter an operation sets for its requests, after the
/// configuration's built-ins.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextParam {
    /// The parameter's name in the rule set (`ResourceArn`).
    pub name: String,
    pub value: ContextValue,
}

/// Where an operation's endpoint parameter comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ContextValue {
    /// `smithy.rules#staticContextParams`: a constant.
    Literal(Literal),
    /// `smithy.rules#contextParam` (a member of the input) or a path of
    /// `smithy.rules#operationContextParams`, resolved to the input's Rust
    /// fields: the steps from the input, and what the last one reaches.
    Path { steps: Vec<PathStep>, leaf: Leaf },
}

/// One step of a path through the input.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    /// A field of a structure: its Rust name, and whether it is an `Option`.
    Field { name: String, optional: bool },
    /// Each item of a list (`[*]`): the rest of the path applies to every
    /// item and the results are collected (a sparse list's `None`s skipped).
    Each { sparse: bool },
    /// The keys of a map (`keys(..)`), collected.
    Keys,
}

/// The value at the end of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    String,
    /// An enum: its string value.
    Enum,
    Bool,
    /// A list of strings, as a whole (a `StringArray` parameter).
    StringList { sparse: bool },
}

impl ContextValue {
    /// The path collects many values (a `StringArray` parameter).
    pub fn collects(&self) -> bool {
        match self {
            ContextValue::Literal(literal) => matches!(literal, Literal::StringArray(_)),
            ContextValue::Path { steps, leaf } => {
                matches!(leaf, Leaf::StringList { .. }) || steps.iter().any(|s| !matches!(s, PathStep::Field { .. }))
            }
        }
    }
}

const CONTEXT_PARAM: &str = "smithy.rules#contextParam";
const STATIC_CONTEXT_PARAMS: &str = "smithy.rules#staticContextParams";
const OPERATION_CONTEXT_PARAMS: &str = "smithy.rules#operationContextParams";

/// A path of `operationContextParams`, as written: `keys(` path `)` or a
/// path of members and `[*]` projections (`TransactItems[*].Get.TableName`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawStep {
    Member(String),
    Each,
    Keys,
}

/// Parses the forms of `operationContextParams` paths the generator
/// supports: `A.B.C`, `A[*].B` (projections, also nested) and `keys(A.B)`.
/// Anything else (filters, indexes, other functions, multi-selects) is
/// `None`.
pub fn parse_context_path(path: &str) -> Option<Vec<RawStep>> {
    let (inner, keys) = match path.trim().strip_prefix("keys(") {
        Some(rest) => (rest.strip_suffix(')')?.trim(), true),
        None => (path.trim(), false),
    };
    let mut steps = Vec::new();
    for segment in inner.split('.') {
        let (name, mut rest) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return None;
        }
        steps.push(RawStep::Member(name.to_owned()));
        while let Some(after) = rest.strip_prefix("[*]") {
            steps.push(RawStep::Each);
            rest = after;
        }
        if !rest.is_empty() {
            return None;
        }
    }
    if keys {
        steps.push(RawStep::Keys);
    }
    Some(steps)
}

/// Fills each operation's [`ContextParam`]s from its traits and its input
/// members' `contextParam`, resolved against the crate's types. A path
/// form the generator cannot follow is `Error::Unsupported`, naming the
/// operation; a parameter the rule set lacks, a missing member or a value
/// of the wrong type is `Error::Invalid`.
pub fn resolve_context_params(krate: &mut super::Crate, model: &crate::model::Model) -> Result<()> {
    let modules: Vec<String> = krate.operations.keys().cloned().collect();
    for module in modules {
        let Some(op) = krate.operations.get(&module) else { continue };
        let params = context_params(krate, model, op)?;
        if let Some(op) = krate.operations.get_mut(&module) {
            op.endpoint_params = params;
        }
    }
    Ok(())
}

fn context_params(krate: &super::Crate, model: &crate::model::Model, op: &super::Operation) -> Result<Vec<ContextParam>> {
    let shape = super::build::shape(model, &op.shape)?;
    let invalid = |message: String| Error::Invalid { path: shape.source.as_ref().clone(), shape: op.shape.to_string(), message };
    let param = |name: &str, source: &str| -> Result<&Param> {
        krate
            .endpoint
            .params
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| invalid(format!("{source} sets `{name}`, which is not a parameter of the service's endpoint rules")))
    };
    let mut out = Vec::new();
    if let Some(Value::Object(statics)) = shape.traits.get(STATIC_CONTEXT_PARAMS) {
        for (name, spec) in statics {
            let p = param(name, STATIC_CONTEXT_PARAMS)?;
            let literal = match (p.kind, spec.get("value")) {
                (ParamKind::Boolean, Some(Value::Bool(b))) => Literal::Bool(*b),
                (ParamKind::String, Some(Value::String(s))) => Literal::String(s.clone()),
                (ParamKind::StringArray, Some(Value::Array(items))) => Literal::StringArray(
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned))
                        .collect::<Option<_>>()
                        .ok_or_else(|| invalid(format!("{STATIC_CONTEXT_PARAMS}: `{name}` has a non-string item")))?,
                ),
                (kind, value) => {
                    return Err(invalid(format!("{STATIC_CONTEXT_PARAMS}: `{name}` is a {kind:?} parameter, given {value:?}")))
                }
            };
            out.push(ContextParam { name: name.clone(), value: ContextValue::Literal(literal) });
        }
    }
    let input_members = match &shape.kind {
        crate::model::ShapeKind::Operation(o) => {
            o.input.as_ref().and_then(|input| model.get(input)).map(|s| s.kind.members()).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    for member in input_members {
        let Some(name) = member.traits.get(CONTEXT_PARAM).and_then(|t| t.get("name")).and_then(Value::as_str) else { continue };
        let p = param(name, &format!("{CONTEXT_PARAM} on `{}`", member.name))?;
        let value = resolve_path(krate, op, &[RawStep::Member(member.name.clone())], p.kind)
            .map_err(|why| invalid(format!("{CONTEXT_PARAM} `{name}` on `{}`: {why}", member.name)))?;
        out.push(ContextParam { name: name.to_owned(), value });
    }
    if let Some(Value::Object(paths)) = shape.traits.get(OPERATION_CONTEXT_PARAMS) {
        for (name, spec) in paths {
            let p = param(name, OPERATION_CONTEXT_PARAMS)?;
            let text = spec.get("path").and_then(Value::as_str).unwrap_or_default();
            let raw = parse_context_path(text).ok_or_else(|| Error::Unsupported {
                path: shape.source.as_ref().clone(),
                shape: op.shape.to_string(),
                feature: format!(
                    "the {OPERATION_CONTEXT_PARAMS} path `{text}` of `{name}` (supported: `A.B`, `A[*].B`, `keys(A)`)"
                ),
            })?;
            let value = resolve_path(krate, op, &raw, p.kind)
                .map_err(|why| invalid(format!("{OPERATION_CONTEXT_PARAMS} `{name}`: path `{text}`: {why}")))?;
            out.push(ContextParam { name: name.clone(), value });
        }
    }
    Ok(out)
}

/// Follows `raw` from the operation's input through the crate's types, and
/// checks that what it reaches fits a parameter of type `kind`.
fn resolve_path(krate: &super::Crate, op: &super::Operation, raw: &[RawStep], kind: ParamKind) -> std::result::Result<ContextValue, String> {
    use super::{RustType, TypeDef};
    let mut current = &op.input;
    let mut ty: Option<RustType> = None;
    let mut steps = Vec::new();
    for step in raw {
        match step {
            RawStep::Member(member) => {
                if let Some(t) = &ty {
                    let RustType::Named(r) = t else {
                        return Err(format!("`{member}` is looked up in a value that is not a structure"));
                    };
                    current = match krate.types.get(&r.name) {
                        Some(TypeDef::Struct(s)) if s.kind != super::StructKind::Union => s,
                        _ => return Err(format!("`{member}` is looked up in `{}`, which is not a structure", r.name)),
                    };
                }
                let field = current
                    .fields
                    .iter()
                    .find(|f| &f.member == member)
                    .ok_or_else(|| format!("`{}` has no member `{member}`", current.shape))?;
                steps.push(PathStep::Field { name: field.name.clone(), optional: field.optional });
                ty = Some(field.ty.clone());
            }
            RawStep::Each => match ty.take() {
                Some(RustType::List { item, sparse }) => {
                    steps.push(PathStep::Each { sparse });
                    ty = Some(*item);
                }
                _ => return Err("`[*]` follows something that is not a list".into()),
            },
            RawStep::Keys => match ty.take() {
                Some(RustType::Map { .. }) => {
                    steps.push(PathStep::Keys);
                    ty = Some(RustType::String);
                }
                _ => return Err("`keys()` of something that is not a map".into()),
            },
        }
    }
    let projected = steps.iter().any(|s| !matches!(s, PathStep::Field { .. }));
    let leaf = match ty {
        Some(RustType::String) => Leaf::String,
        Some(RustType::Named(r)) if r.is_enum && !r.int_enum => Leaf::Enum,
        Some(RustType::Bool) => Leaf::Bool,
        Some(RustType::List { item, sparse }) if *item == RustType::String && !projected => Leaf::StringList { sparse },
        other => return Err(format!("it reaches {other:?}, not a string, an enum, a boolean or a list of strings")),
    };
    let collects = projected || matches!(leaf, Leaf::StringList { .. });
    let fits = match kind {
        ParamKind::String => !collects && matches!(leaf, Leaf::String | Leaf::Enum),
        ParamKind::Boolean => !collects && leaf == Leaf::Bool,
        ParamKind::StringArray => collects && leaf != Leaf::Bool,
    };
    if !fits {
        return Err(format!("a {kind:?} parameter cannot take {}", if collects { "a list" } else { "a single value" }));
    }
    Ok(ContextValue::Path { steps, leaf })
}

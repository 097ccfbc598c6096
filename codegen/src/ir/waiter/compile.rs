//! The type-directed half of the JMESPath compiler: a parsed expression is
//! checked against the types of the operation's output (and input), and
//! becomes a [`Typed`] tree that says, for every part, the Rust value that
//! carries it, whether that value is an `Option` (JMESPath's null) and
//! whether evaluating it can fail. `emit/waiters/path.rs` renders the tree
//! as plain Rust; nothing is interpreted at run time.
//!
//! What is decided here, following the JMESPath specification:
//! - a member of null is null, a projection over null is null, and a
//!   projection drops the nulls its right side gives;
//! - `==` compares any two values: values of different types are unequal,
//!   and null equals only null; `<`, `<=`, `>`, `>=` compare numbers, and
//!   give null for anything else;
//! - a function given the wrong type fails; for a value known only at run
//!   time (null, for a member that is absent) the failure makes the whole
//!   acceptor not match;
//! - truthiness: false, null, `""`, `[]` and `{}` are falsy.
//!
//! Expressions that the model's types already decide (a comparison of a
//! string with a number) are folded to constants.

use serde_json::Value;

use super::jmespath::{Comparison, Expr};
use super::Comparator;
use crate::ir::{Crate, Operation, RustType, Struct, StructKind};
use crate::model::ShapeId;

/// A typed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub expr: TExpr,
    pub ty: Ty,
    /// The value may be null: its Rust value is an `Option`.
    pub nullable: bool,
    /// Evaluating it may fail (a function given null): its Rust code
    /// returns `None` early with `?`.
    pub fallible: bool,
}

/// The type of a value, as the Rust value that carries it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `&S`, a structure of the crate.
    Struct(ShapeId),
    /// `&Vec<T>`: a list member, with its (dense) item type.
    List(RustType),
    /// `&HashMap<String, V>`: a map member, with its (dense) value type.
    Map(RustType),
    /// The result of a projection or a flatten: an iterator of items, none
    /// of them null.
    Seq(Box<Ty>),
    /// `&str` (strings and string enums).
    Str,
    Bool,
    Num(Number),
    /// The literal `null`.
    Null,
    /// A literal array or object.
    Json,
    /// The `{input, output}` object an `inputOutput` path starts from.
    Root,
    /// `a && b` or `a || b` whose operands are not both booleans (or
    /// nulls): only its truthiness is used.
    Truth,
}

/// The Rust type of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    /// A length.
    Usize,
}

impl Number {
    pub fn is_integer(self) -> bool {
        !matches!(self, Number::F32 | Number::F64)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TExpr {
    /// A literal (its `ty` is that of the JSON value).
    Const(Value),
    /// The element a projection, filter or `contains` is looking at.
    Current,
    /// The operation's input (`inputOutput` only).
    Input,
    /// The operation's output.
    Output,
    /// A member of a structure; `rust` is the member's Rust type.
    Field { base: Box<Typed>, field: String, optional: bool, boxed: bool, rust: RustType },
    /// A key of a map.
    Key { base: Box<Typed>, key: String },
    /// An element of a list or projection (negative: from the end).
    Index { base: Box<Typed>, index: i64 },
    /// `base[?filter].rhs` (without a filter, `base[*].rhs`): `filter` and
    /// `rhs` look at each element as [`TExpr::Current`].
    Project { base: Box<Typed>, filter: Option<Box<Typed>>, rhs: Box<Typed> },
    /// `base[]`: lists in the items are spliced in.
    Flatten(Box<Typed>),
    Length(Box<Typed>),
    /// `contains(subject, search)`: for a list or projection, `test` is the
    /// comparison of its element ([`TExpr::Current`]) with a literal; for
    /// a string, `search` is the string to look for.
    Contains { subject: Box<Typed>, test: Box<Typed> },
    StartsWith(Box<Typed>, Box<Typed>),
    EndsWith(Box<Typed>, Box<Typed>),
    /// Both operands have the same type (strings, booleans or numbers).
    Compare { op: Comparison, lhs: Box<Typed>, rhs: Box<Typed> },
    /// The (nullable) value is null.
    IsNull(Box<Typed>),
    And(Box<Typed>, Box<Typed>),
    Or(Box<Typed>, Box<Typed>),
    Not(Box<Typed>),
    /// `anyStringEquals`: some item of the list or projection is `expected`.
    AnyEquals { values: Box<Typed>, expected: String },
    /// `allStringEquals`: there are items, and every one is `expected`.
    AllEquals { values: Box<Typed>, expected: String },
}

/// Why an expression cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompileError {
    /// Valid, but beyond what the generator compiles.
    Unsupported(String),
    /// Wrong for the model: an unknown member, a function given a value of
    /// a type it never takes.
    Invalid(String),
}

type Result<T> = std::result::Result<T, CompileError>;

fn unsupported<T>(what: impl Into<String>) -> Result<T> {
    Err(CompileError::Unsupported(what.into()))
}

fn invalid<T>(message: impl Into<String>) -> Result<T> {
    Err(CompileError::Invalid(message.into()))
}

impl Typed {
    fn new(expr: TExpr, ty: Ty, nullable: bool, fallible: bool) -> Typed {
        Typed { expr, ty, nullable, fallible }
    }

    pub fn constant(value: Value) -> Typed {
        let ty = match &value {
            Value::String(_) => Ty::Str,
            Value::Bool(_) => Ty::Bool,
            Value::Number(n) if n.is_i64() => Ty::Num(Number::I64),
            Value::Number(_) => Ty::Num(Number::F64),
            Value::Null => Ty::Null,
            Value::Array(_) | Value::Object(_) => Ty::Json,
        };
        Typed::new(TExpr::Const(value), ty, false, false)
    }

    fn boolean(value: bool) -> Typed {
        Typed::constant(Value::Bool(value))
    }

    pub fn as_const(&self) -> Option<&Value> {
        match &self.expr {
            TExpr::Const(value) => Some(value),
            _ => None,
        }
    }

    /// A boolean built from `parts`: never null, fallible if any part is.
    fn condition(expr: TExpr, parts: &[&Typed]) -> Typed {
        Typed::new(expr, Ty::Bool, false, parts.iter().any(|p| p.fallible))
    }
}

/// JMESPath truthiness of a JSON value.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(true) | Value::Number(_) => true,
    }
}

/// JMESPath equality of JSON values (numbers by value).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// The kind of a type, for `==`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Bool,
    Num,
    Null,
    /// Lists, maps, structures and literal arrays and objects.
    Compound,
    Truth,
}

fn kind(ty: &Ty) -> Kind {
    match ty {
        Ty::Str => Kind::Str,
        Ty::Bool => Kind::Bool,
        Ty::Num(_) => Kind::Num,
        Ty::Null => Kind::Null,
        Ty::Truth => Kind::Truth,
        Ty::Struct(_) | Ty::List(_) | Ty::Map(_) | Ty::Seq(_) | Ty::Json | Ty::Root => Kind::Compound,
    }
}

/// Words for a type, in messages.
fn describe(ty: &Ty) -> &'static str {
    match ty {
        Ty::Struct(_) | Ty::Root => "a structure",
        Ty::List(_) => "a list",
        Ty::Map(_) => "a map",
        Ty::Seq(_) => "a projection",
        Ty::Str => "a string",
        Ty::Bool => "a boolean",
        Ty::Num(_) => "a number",
        Ty::Null => "null",
        Ty::Json => "a literal array or object",
        Ty::Truth => "the value of `&&` or `||`",
    }
}

/// Compiles path matchers against one operation's types.
pub struct Compiler<'a> {
    krate: &'a Crate,
    op: &'a Operation,
}

impl<'a> Compiler<'a> {
    pub fn new(krate: &'a Crate, op: &'a Operation) -> Self {
        Compiler { krate, op }
    }

    fn structure(&self, shape: &ShapeId) -> Option<&'a Struct> {
        self.krate.all_structs().find(|s| &s.shape == shape)
    }

    /// The test of a path matcher: a boolean, or a constant when the types
    /// decide it (`false`: the acceptor never matches).
    pub fn matcher(
        &self,
        expr: &Expr,
        input_output: bool,
        comparator: Comparator,
        expected: &str,
    ) -> Result<Typed> {
        let root = if input_output {
            Typed::new(TExpr::Current, Ty::Root, false, false)
        } else {
            Typed::new(TExpr::Output, Ty::Struct(self.op.output.shape.clone()), false, false)
        };
        let value = self.compile(expr, &root)?;
        match comparator {
            Comparator::StringEquals => match value.ty {
                Ty::Str => self.compare(Comparison::Eq, value, Typed::constant(Value::String(expected.to_owned()))),
                Ty::Truth => unsupported("`stringEquals` on the value of `&&` or `||`"),
                _ => Ok(Typed::boolean(false)),
            },
            Comparator::BooleanEquals => {
                let expected = match expected {
                    "true" => true,
                    "false" => false,
                    other => return invalid(format!("`booleanEquals` expects `true` or `false`, not `{other}`")),
                };
                match value.ty {
                    Ty::Bool => self.compare(Comparison::Eq, value, Typed::boolean(expected)),
                    Ty::Truth => unsupported("`booleanEquals` on `&&` or `||` of values that are not booleans"),
                    _ => Ok(Typed::boolean(false)),
                }
            }
            Comparator::AnyStringEquals | Comparator::AllStringEquals => {
                let strings = match &value.ty {
                    Ty::Seq(item) => **item == Ty::Str,
                    Ty::List(item) => self.rust_ty(item, "")? == Ty::Str,
                    Ty::Truth => return unsupported("a list comparator on the value of `&&` or `||`"),
                    _ => false,
                };
                if !strings {
                    // Not a list of strings: the comparator never matches
                    // (an empty list matches neither).
                    return Ok(Typed::boolean(false));
                }
                let fallible = value.fallible;
                let values = Box::new(value);
                let expected = expected.to_owned();
                let expr = if comparator == Comparator::AnyStringEquals {
                    TExpr::AnyEquals { values, expected }
                } else {
                    TExpr::AllEquals { values, expected }
                };
                Ok(Typed::new(expr, Ty::Bool, false, fallible))
            }
        }
    }

    /// The type a member's Rust type gives its value (`member` names it in messages).
    fn rust_ty(&self, rust: &RustType, member: &str) -> Result<Ty> {
        let what = |kind: &str| {
            if member.is_empty() {
                format!("a list of {kind}")
            } else {
                format!("the {kind} member `{member}`")
            }
        };
        Ok(match rust {
            RustType::String => Ty::Str,
            RustType::Bool => Ty::Bool,
            RustType::I8 => Ty::Num(Number::I8),
            RustType::I16 => Ty::Num(Number::I16),
            RustType::I32 => Ty::Num(Number::I32),
            RustType::I64 => Ty::Num(Number::I64),
            RustType::F32 => Ty::Num(Number::F32),
            RustType::F64 => Ty::Num(Number::F64),
            RustType::Named(r) if r.int_enum => Ty::Num(Number::I32),
            RustType::Named(r) if r.is_enum => Ty::Str,
            RustType::Named(r) => match self.structure(&r.shape) {
                Some(s) if s.kind == StructKind::Union => return unsupported(what("union")),
                Some(_) => Ty::Struct(r.shape.clone()),
                None => return invalid(format!("`{}` is not a structure of the crate", r.shape)),
            },
            RustType::List { item, sparse: false } => Ty::List((**item).clone()),
            RustType::Map { value, sparse: false } => Ty::Map((**value).clone()),
            RustType::List { sparse: true, .. } => return unsupported(what("sparse list")),
            RustType::Map { sparse: true, .. } => return unsupported(what("sparse map")),
            RustType::Timestamp(_) => return unsupported(what("timestamp")),
            RustType::Blob | RustType::ByteStream { .. } => return unsupported(what("blob")),
            RustType::Document => return unsupported(what("document")),
            RustType::EventStream(_) | RustType::EventSender(_) => return unsupported(what("event stream")),
        })
    }

    /// The type of the items of a list or projection (`None`: not one).
    fn item_ty(&self, ty: &Ty) -> Result<Option<Ty>> {
        Ok(match ty {
            Ty::List(item) => Some(self.rust_ty(item, "")?),
            Ty::Seq(item) => Some((**item).clone()),
            _ => None,
        })
    }

    /// The truthiness of a value when its type decides it.
    fn static_truth(&self, value: &Typed) -> Result<Option<bool>> {
        Ok(match (&value.expr, &value.ty) {
            (TExpr::Const(v), _) => Some(truthy(v)),
            (_, Ty::Num(_)) if !value.nullable => Some(true),
            (_, Ty::Null) => Some(false),
            (_, Ty::Struct(_)) => {
                return unsupported("the truthiness of a structure (compare its members instead)");
            }
            (_, Ty::Root) => Some(true),
            _ => None,
        })
    }

    pub fn compile(&self, expr: &Expr, current: &Typed) -> Result<Typed> {
        match expr {
            Expr::Current => Ok(current.clone()),
            Expr::Literal(value) => Ok(Typed::constant(value.clone())),
            Expr::Field(name) => self.field(current, name),
            Expr::Subexpr(lhs, rhs) => {
                let base = self.compile(lhs, current)?;
                self.compile(rhs, &base)
            }
            Expr::Pipe(lhs, rhs) => {
                let value = self.compile(lhs, current)?;
                self.compile(rhs, &value)
            }
            Expr::Index(lhs, index) => {
                let base = self.compile(lhs, current)?;
                if base.ty == Ty::Null {
                    return Ok(Typed::constant(Value::Null));
                }
                let Some(item) = self.item_ty(&base.ty)? else {
                    return invalid(format!("`{lhs}[{index}]` indexes {}, not a list", describe(&base.ty)));
                };
                let fallible = base.fallible;
                Ok(Typed::new(TExpr::Index { base: Box::new(base), index: *index }, item, true, fallible))
            }
            Expr::Projection(lhs, rhs) => self.project(lhs, None, rhs, current),
            Expr::Filter { list, condition, rhs } => self.project(list, Some(condition), rhs, current),
            Expr::Flatten(lhs) => {
                let base = self.compile(lhs, current)?;
                if base.ty == Ty::Null {
                    return Ok(Typed::constant(Value::Null));
                }
                let Some(item) = self.item_ty(&base.ty)? else {
                    return invalid(format!("`{lhs}[]` flattens {}, not a list", describe(&base.ty)));
                };
                let item = match item {
                    Ty::List(inner) => self.rust_ty(&inner, "")?,
                    other => other,
                };
                let (nullable, fallible) = (base.nullable, base.fallible);
                Ok(Typed::new(TExpr::Flatten(Box::new(base)), Ty::Seq(Box::new(item)), nullable, fallible))
            }
            Expr::Compare(op, lhs, rhs) => {
                let lhs = self.compile(lhs, current)?;
                let rhs = self.compile(rhs, current)?;
                self.compare(*op, lhs, rhs)
            }
            Expr::And(lhs, rhs) | Expr::Or(lhs, rhs) => {
                let and = matches!(expr, Expr::And(..));
                let lhs = self.compile(lhs, current)?;
                let rhs = self.compile(rhs, current)?;
                // `a && b` is `a` when `a` is falsy, else `b`; `a || b` is
                // `a` when `a` is truthy, else `b`.
                match self.static_truth(&lhs)? {
                    Some(truth) if truth != and => return Ok(lhs),
                    Some(_) => return Ok(rhs),
                    None => {}
                }
                let rhs_truth = self.static_truth(&rhs)?;
                // Booleans (or nulls) give a boolean or null; other
                // operands are only ever tested for truthiness.
                let booleans = lhs.ty == Ty::Bool && rhs.ty == Ty::Bool;
                if booleans && rhs_truth == Some(and) {
                    // `b && true`, `b || false`: `b`.
                    return Ok(lhs);
                }
                let (ty, nullable) = if booleans { (Ty::Bool, lhs.nullable || rhs.nullable) } else { (Ty::Truth, false) };
                let fallible = lhs.fallible || rhs.fallible;
                let (lhs, rhs) = (Box::new(lhs), Box::new(rhs));
                let expr = if and { TExpr::And(lhs, rhs) } else { TExpr::Or(lhs, rhs) };
                Ok(Typed::new(expr, ty, nullable, fallible))
            }
            Expr::Not(inner) => {
                let inner = self.compile(inner, current)?;
                Ok(match self.static_truth(&inner)? {
                    Some(truth) => Typed::boolean(!truth),
                    None => {
                        let fallible = inner.fallible;
                        Typed::new(TExpr::Not(Box::new(inner)), Ty::Bool, false, fallible)
                    }
                })
            }
            Expr::Call(name, args) => self.call(name, args, current),
        }
    }

    fn field(&self, base: &Typed, name: &str) -> Result<Typed> {
        match &base.ty {
            Ty::Root => match name {
                "input" => Ok(Typed::new(TExpr::Input, Ty::Struct(self.op.input.shape.clone()), false, false)),
                "output" => Ok(Typed::new(TExpr::Output, Ty::Struct(self.op.output.shape.clone()), false, false)),
                _ => invalid(format!("an `inputOutput` path reads `input` or `output`, not `{name}`")),
            },
            Ty::Struct(shape) => {
                let Some(s) = self.structure(shape) else {
                    return invalid(format!("`{shape}` is not a structure of the crate"));
                };
                let Some(field) = s.fields.iter().find(|f| f.member == name) else {
                    let members: Vec<&str> = s.fields.iter().map(|f| f.member.as_str()).collect();
                    return invalid(format!(
                        "`{}` has no member `{name}` (its members: {})",
                        s.shape.name,
                        members.join(", ")
                    ));
                };
                let ty = self.rust_ty(&field.ty, name)?;
                let expr = TExpr::Field {
                    base: Box::new(base.clone()),
                    field: field.name.clone(),
                    optional: field.optional,
                    boxed: field.boxed,
                    rust: field.ty.clone(),
                };
                Ok(Typed::new(expr, ty, base.nullable || field.optional, base.fallible))
            }
            Ty::Map(value) => {
                let ty = self.rust_ty(value, name)?;
                Ok(Typed::new(TExpr::Key { base: Box::new(base.clone()), key: name.to_owned() }, ty, true, base.fallible))
            }
            Ty::Null => Ok(Typed::constant(Value::Null)),
            Ty::List(_) | Ty::Seq(_) => invalid(format!(
                "`{name}` is read from a list, which has no members (a projection such as `[].{name}` reads its elements')"
            )),
            other => invalid(format!("`{name}` is read from {}, which has no members", describe(other))),
        }
    }

    fn project(&self, list: &Expr, filter: Option<&Expr>, rhs: &Expr, current: &Typed) -> Result<Typed> {
        let base = self.compile(list, current)?;
        if base.ty == Ty::Null {
            return Ok(Typed::constant(Value::Null));
        }
        let Some(item_ty) = self.item_ty(&base.ty)? else {
            return invalid(format!("`{list}` is {}, not a list: it cannot be projected", describe(&base.ty)));
        };
        let item = Typed::new(TExpr::Current, item_ty, false, false);
        let filter = match filter {
            None => None,
            Some(condition) => {
                let condition = self.compile(condition, &item)?;
                match self.static_truth(&condition)? {
                    Some(true) => None,
                    _ => Some(Box::new(condition)),
                }
            }
        };
        let rhs = self.compile(rhs, &item)?;
        match &rhs.ty {
            Ty::Struct(_) | Ty::List(_) | Ty::Map(_) | Ty::Str | Ty::Bool | Ty::Num(_) => {}
            Ty::Seq(_) => {
                return unsupported(format!(
                    "a projection whose elements are projections (`{rhs_text}`; flatten them with `[]`)",
                    rhs_text = rhs_source(&rhs)
                ))
            }
            other => return unsupported(format!("a projection of {}", describe(other))),
        }
        let nullable = base.nullable;
        let fallible = base.fallible || rhs.fallible || filter.as_ref().is_some_and(|f| f.fallible);
        let ty = Ty::Seq(Box::new(rhs.ty.clone()));
        Ok(Typed::new(TExpr::Project { base: Box::new(base), filter, rhs: Box::new(rhs) }, ty, nullable, fallible))
    }

    /// `lhs op rhs`, folded when the types decide it.
    pub fn compare(&self, op: Comparison, lhs: Typed, rhs: Typed) -> Result<Typed> {
        // Constants on the right.
        let (op, lhs, rhs) = if lhs.as_const().is_some() && rhs.as_const().is_none() {
            (op.swapped(), rhs, lhs)
        } else {
            (op, lhs, rhs)
        };
        let negate = op == Comparison::Ne;
        if let (Some(a), Some(b)) = (lhs.as_const(), rhs.as_const()) {
            return Ok(match op {
                Comparison::Eq | Comparison::Ne => Typed::boolean(json_equal(a, b) != negate),
                _ => match (a.as_f64(), b.as_f64()) {
                    (Some(a), Some(b)) => Typed::boolean(match op {
                        Comparison::Lt => a < b,
                        Comparison::Le => a <= b,
                        Comparison::Gt => a > b,
                        _ => a >= b,
                    }),
                    _ => Typed::constant(Value::Null),
                },
            });
        }
        let (lk, rk) = (kind(&lhs.ty), kind(&rhs.ty));
        if lk == Kind::Truth || rk == Kind::Truth {
            return unsupported("comparing the value of `&&` or `||`");
        }
        let fallible = lhs.fallible || rhs.fallible;
        if !matches!(op, Comparison::Eq | Comparison::Ne) {
            return Ok(match (&lhs.ty, &rhs.ty) {
                (Ty::Num(_), Ty::Num(_)) => {
                    let nullable = lhs.nullable || rhs.nullable;
                    Typed::new(TExpr::Compare { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, Ty::Bool, nullable, fallible)
                }
                // Only numbers are ordered: anything else gives null.
                _ => Typed::constant(Value::Null),
            });
        }
        let not = |t: Typed| if negate { self.not(t) } else { t };
        // `x == null`.
        if rk == Kind::Null {
            return Ok(match lhs.nullable {
                true => not(Typed::condition(TExpr::IsNull(Box::new(lhs.clone())), &[&lhs])),
                false => Typed::boolean(negate),
            });
        }
        let same_scalar = lk == rk && matches!(lk, Kind::Str | Kind::Bool | Kind::Num);
        if !same_scalar {
            if lk == Kind::Compound && rk == Kind::Compound && !(lhs.nullable && rhs.nullable) {
                return unsupported("comparing lists, maps or structures with `==`");
            }
            // Different types: equal only when both are null.
            return Ok(if lhs.nullable && rhs.nullable {
                let both = TExpr::And(
                    Box::new(Typed::condition(TExpr::IsNull(Box::new(lhs.clone())), &[&lhs])),
                    Box::new(Typed::condition(TExpr::IsNull(Box::new(rhs.clone())), &[&rhs])),
                );
                not(Typed::condition(both, &[&lhs, &rhs]))
            } else {
                Typed::boolean(negate)
            });
        }
        // An integer never equals a literal with a fraction, or one out of its range.
        if let (Ty::Num(n), Some(Value::Number(literal))) = (&lhs.ty, rhs.as_const()) {
            if n.is_integer() && !fits(*n, literal) {
                return Ok(Typed::boolean(negate));
            }
        }
        Ok(Typed::condition(TExpr::Compare { op, lhs: Box::new(lhs.clone()), rhs: Box::new(rhs.clone()) }, &[&lhs, &rhs]))
    }

    fn not(&self, t: Typed) -> Typed {
        match t.as_const() {
            Some(v) => Typed::boolean(!truthy(v)),
            None => {
                let fallible = t.fallible;
                Typed::new(TExpr::Not(Box::new(t)), Ty::Bool, false, fallible)
            }
        }
    }

    fn call(&self, name: &str, args: &[Expr], current: &Typed) -> Result<Typed> {
        let arity = match name {
            "length" => 1,
            "contains" | "starts_with" | "ends_with" => 2,
            _ => return unsupported(format!("the function `{name}` (waiters support length, contains, starts_with and ends_with)")),
        };
        if args.len() != arity {
            return invalid(format!("`{name}` takes {arity} argument(s), not {}", args.len()));
        }
        let args = args.iter().map(|a| self.compile(a, current)).collect::<Result<Vec<_>>>()?;
        let mut args = args.into_iter();
        let (Some(first), second) = (args.next(), args.next()) else {
            return invalid(format!("`{name}` takes {arity} argument(s)"));
        };
        // A function fails on a value of the wrong type: a null one fails
        // at run time (`?` in the generated code).
        let fails_on_null = |t: &Typed| t.fallible || t.nullable;
        match (name, second) {
            ("length", _) => {
                if let Some(value) = first.as_const() {
                    let length = match value {
                        Value::String(s) => s.chars().count(),
                        Value::Array(a) => a.len(),
                        Value::Object(o) => o.len(),
                        _ => return invalid(format!("`length` of `{value}`")),
                    };
                    return Ok(Typed::constant(Value::from(length)));
                }
                match first.ty {
                    Ty::Str | Ty::List(_) | Ty::Map(_) | Ty::Seq(_) => {
                        let fallible = fails_on_null(&first);
                        Ok(Typed::new(TExpr::Length(Box::new(first)), Ty::Num(Number::Usize), false, fallible))
                    }
                    Ty::Struct(_) => unsupported("the `length` of a structure"),
                    ref other => invalid(format!("`length` takes a string, list or object, not {}", describe(other))),
                }
            }
            ("contains", Some(search)) => match &first.ty {
                Ty::Str => {
                    if search.ty != Ty::Str {
                        return invalid(format!("`contains` looks for a string in a string, not {}", describe(&search.ty)));
                    }
                    let fallible = fails_on_null(&first) || fails_on_null(&search);
                    let expr = TExpr::Contains { subject: Box::new(first), test: Box::new(search) };
                    Ok(Typed::new(expr, Ty::Bool, false, fallible))
                }
                Ty::List(_) | Ty::Seq(_) => {
                    if search.as_const().is_none() {
                        return unsupported("`contains` in a list with a search that is not a literal");
                    }
                    let item = self.item_ty(&first.ty)?.unwrap_or(Ty::Null);
                    let test = self.compare(Comparison::Eq, Typed::new(TExpr::Current, item, false, false), search)?;
                    let fallible = fails_on_null(&first);
                    let expr = TExpr::Contains { subject: Box::new(first), test: Box::new(test) };
                    Ok(Typed::new(expr, Ty::Bool, false, fallible))
                }
                other => invalid(format!("`contains` takes a list or string, not {}", describe(other))),
            },
            (_, Some(other)) => {
                if first.ty != Ty::Str || other.ty != Ty::Str {
                    return invalid(format!("`{name}` takes two strings"));
                }
                let fallible = fails_on_null(&first) || fails_on_null(&other);
                let (a, b) = (Box::new(first), Box::new(other));
                let expr = if name == "starts_with" { TExpr::StartsWith(a, b) } else { TExpr::EndsWith(a, b) };
                Ok(Typed::new(expr, Ty::Bool, false, fallible))
            }
            (_, None) => invalid(format!("`{name}` takes {arity} arguments")),
        }
    }
}

/// Whether a literal number is a value of the integer type `n`.
fn fits(n: Number, literal: &serde_json::Number) -> bool {
    let Some(value) = literal.as_i64().or_else(|| literal.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64)) else {
        return false;
    };
    match n {
        Number::I8 => i8::try_from(value).is_ok(),
        Number::I16 => i16::try_from(value).is_ok(),
        Number::I32 => i32::try_from(value).is_ok(),
        Number::Usize => value >= 0,
        _ => true,
    }
}

/// A short text for a typed expression in messages.
fn rhs_source(t: &Typed) -> String {
    match &t.expr {
        TExpr::Field { field, .. } => field.clone(),
        _ => describe(&t.ty).to_owned(),
    }
}

//! Renders a compiled waiter path ([`Typed`], from `ir/waiter/compile.rs`)
//! as a plain Rust expression over `output` (and `input`): field accesses,
//! `Option` combinators for JMESPath's nulls, iterator chains for
//! projections, filters and flattens, `?` where a function given null makes
//! the whole acceptor fail.
//!
//! Booleans are kept as a small tree until the end so that a negation can
//! be pushed into comparisons (`!(a == b)` is written `a != b`), and
//! projections as a list of steps so that whatever consumes one picks the
//! plainest form (`!xs.is_empty()` rather than `xs.iter().count() > 0`,
//! `.any(..)` rather than `.filter(..).next().is_some()`).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::emit::{ident, type_tokens};
use crate::ir::names;
use crate::ir::waiter::jmespath::Comparison;
use crate::ir::waiter::{Number, TExpr, Ty, Typed};
use crate::ir::RustType;

/// A boolean expression.
#[derive(Clone)]
enum B {
    Const(bool),
    /// An expression that needs no parentheses before `.` or after `!`
    /// (a path, a method call).
    Atom(TokenStream),
    Not(Box<B>),
    And(Box<B>, Box<B>),
    Or(Box<B>, Box<B>),
    /// `lhs op rhs`; `exact`: `!(a < b)` is `a >= b` (integers, never null).
    Cmp { lhs: TokenStream, op: Comparison, rhs: TokenStream, exact: bool },
    /// `option.is_some()`, or `option.is_none()` when `some` is false.
    IsSome { option: TokenStream, some: bool },
    /// `option.is_some_and(|name| body)`, or `option.is_none_or(|name| body)`
    /// when `none_or`.
    OptionTest { option: TokenStream, name: Ident, body: Box<B>, none_or: bool },
}

fn negate(b: B) -> B {
    match b {
        B::Const(v) => B::Const(!v),
        B::Not(inner) => *inner,
        B::IsSome { option, some } => B::IsSome { option, some: !some },
        B::OptionTest { option, name, body, none_or } => {
            B::OptionTest { option, name, body: Box::new(negate(*body)), none_or: !none_or }
        }
        B::Cmp { lhs, op, rhs, exact } if exact || matches!(op, Comparison::Eq | Comparison::Ne) => {
            let op = match op {
                Comparison::Eq => Comparison::Ne,
                Comparison::Ne => Comparison::Eq,
                Comparison::Lt => Comparison::Ge,
                Comparison::Le => Comparison::Gt,
                Comparison::Gt => Comparison::Le,
                Comparison::Ge => Comparison::Lt,
            };
            B::Cmp { lhs, op, rhs, exact }
        }
        // De Morgan, when every part takes the negation without a `!`.
        B::And(a, c) if free(&a) && free(&c) => B::Or(Box::new(negate(*a)), Box::new(negate(*c))),
        B::Or(a, c) if free(&a) && free(&c) => B::And(Box::new(negate(*a)), Box::new(negate(*c))),
        other => B::Not(Box::new(other)),
    }
}

/// Whether negating `b` needs no `!`.
fn free(b: &B) -> bool {
    match b {
        B::Const(_) | B::Not(_) | B::IsSome { .. } => true,
        B::OptionTest { body, .. } => free(body),
        B::Cmp { op, exact, .. } => *exact || matches!(op, Comparison::Eq | Comparison::Ne),
        B::And(a, c) | B::Or(a, c) => free(a) && free(c),
        B::Atom(_) => false,
    }
}

fn and(a: B, b: B) -> B {
    match (a, b) {
        (B::Const(true), x) | (x, B::Const(true)) => x,
        (B::Const(false), _) => B::Const(false),
        (a, b) => B::And(Box::new(a), Box::new(b)),
    }
}

fn or(a: B, b: B) -> B {
    match (a, b) {
        (B::Const(false), x) | (x, B::Const(false)) => x,
        (B::Const(true), _) => B::Const(true),
        (a, b) => B::Or(Box::new(a), Box::new(b)),
    }
}

/// How tightly the context of a boolean binds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Or,
    And,
    Cmp,
    Unary,
}

fn render_b(b: &B, ctx: Prec) -> TokenStream {
    let (tokens, prec) = match b {
        B::Const(v) => (quote!(#v), Prec::Unary),
        B::Atom(t) => (t.clone(), Prec::Unary),
        B::IsSome { option, some: true } => (quote!(#option.is_some()), Prec::Unary),
        B::IsSome { option, some: false } => (quote!(#option.is_none()), Prec::Unary),
        B::OptionTest { option, name, body, none_or } => {
            let body = render_b(body, Prec::Or);
            let method = if *none_or { quote!(is_none_or) } else { quote!(is_some_and) };
            (quote!(#option.#method(|#name| #body)), Prec::Unary)
        }
        B::Not(inner) => {
            let inner = render_b(inner, Prec::Unary);
            (quote!(!#inner), Prec::Unary)
        }
        B::Cmp { lhs, op, rhs, .. } => {
            let op = cmp_tokens(*op);
            (quote!(#lhs #op #rhs), Prec::Cmp)
        }
        B::And(a, c) => {
            let (a, c) = (render_b(a, Prec::And), render_b(c, Prec::And));
            (quote!(#a && #c), Prec::And)
        }
        B::Or(a, c) => {
            // `a || (b && c)`: parenthesized for the reader.
            let (a, c) = (render_b(a, Prec::Cmp), render_b(c, Prec::Cmp));
            (quote!(#a || #c), Prec::Or)
        }
    };
    // A comparison inside `&&`/`||` needs no parentheses; anything looser
    // than its context does.
    let needs = match (prec, ctx) {
        (Prec::Cmp, Prec::Cmp) => false,
        (Prec::And, Prec::Cmp) if matches!(b, B::And(..)) => true,
        _ => prec < ctx,
    };
    if needs {
        quote!((#tokens))
    } else {
        tokens
    }
}

fn cmp_tokens(op: Comparison) -> TokenStream {
    match op {
        Comparison::Eq => quote!(==),
        Comparison::Ne => quote!(!=),
        Comparison::Lt => quote!(<),
        Comparison::Le => quote!(<=),
        Comparison::Gt => quote!(>),
        Comparison::Ge => quote!(>=),
    }
}

/// The canonical form of a list's items: strings and enums as `&str`,
/// numbers and booleans by value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CanonKind {
    String,
    Enum,
    Copied,
}

/// One adapter of an iterator chain.
#[derive(Clone)]
enum Step {
    /// Items of a list to their canonical form (`.map(String::as_str)`).
    Canon(CanonKind, TokenStream),
    Map(Ident, TokenStream),
    FilterMap(Ident, TokenStream),
    /// `.filter(|&x| b)`.
    Filter(Ident, B),
    /// `.flatten()`: lists in the items spliced in.
    Flatten,
    /// A step that can fail: `.map(|x| ..)` giving `Option<Option<T>>`
    /// (`None` for a failure), collected so that `?` leaves the function,
    /// then the nulls dropped.
    Try(Ident, TokenStream),
}

impl Step {
    fn tokens(&self) -> TokenStream {
        match self {
            Step::Canon(_, t) => t.clone(),
            Step::Map(x, body) => quote!(.map(|#x| #body)),
            Step::FilterMap(x, body) => quote!(.filter_map(|#x| #body)),
            // (A filter the types decide never matches has no binding to use.)
            Step::Filter(_, B::Const(false)) => quote!(.filter(|_| false)),
            Step::Filter(x, b) => {
                let b = render_b(b, Prec::Or);
                quote!(.filter(|&#x| #b))
            }
            Step::Flatten => quote!(.flatten()),
            Step::Try(x, body) => quote! {
                .map(|#x| #body)
                .collect::<::std::option::Option<::std::vec::Vec<_>>>()?
                .into_iter()
                .flatten()
            },
        }
    }

    /// Whether dropping the step changes neither how many items there are
    /// nor whether evaluating them fails.
    fn keeps_count(&self) -> bool {
        matches!(self, Step::Canon(..) | Step::Map(..))
    }
}

/// A projection: a list and the adapters after its `.iter()`.
#[derive(Clone)]
struct Seq {
    /// The list (`&Vec<T>`, or `Option<&Vec<T>>` when `nullable`).
    source: TokenStream,
    nullable: bool,
    /// The name the list is bound to under a nullable source.
    name: Ident,
    steps: Vec<Step>,
    /// A label for the items (`service`).
    item: String,
}

impl Seq {
    fn fallible(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Try(..)))
    }

    /// The iterator over a list expression `list` (not null).
    fn iter(list: &TokenStream, steps: &[Step]) -> TokenStream {
        let steps = steps.iter().map(Step::tokens);
        quote!(#list.iter() #(#steps)*)
    }

    /// The steps without those at the end that keep the count.
    fn counted(&self) -> &[Step] {
        let end = self.steps.iter().rposition(|s| !s.keeps_count()).map_or(0, |i| i + 1);
        &self.steps[..end]
    }
}

/// What to do with a projection over null.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnNull {
    /// The result is `false`.
    False,
    /// The result is `None` (the sink gives an `Option`).
    None,
    /// A failure: `?`.
    Fail,
}

/// The rendered value of an expression.
enum Code {
    Bool(B),
    /// An expression (an `Option` when the value is nullable).
    Value(TokenStream),
    Seq(Seq),
}

/// What `@` is and what the roots are called.
#[derive(Clone)]
struct Env {
    current: Option<(Ident, String)>,
}

pub(super) struct Rendered {
    /// A `bool` expression, with `?` inside when `fallible` (it belongs in
    /// a function that returns an `Option`).
    pub tokens: TokenStream,
    pub fallible: bool,
    /// The types say it always matches.
    pub always: bool,
}

/// Renders an acceptor's test; `None` when the types say it never matches.
pub(super) fn render_test(test: &Typed) -> Option<Rendered> {
    let env = Env { current: None };
    match cond(test, &env) {
        B::Const(false) => None,
        b => Some(Rendered {
            always: matches!(b, B::Const(true)),
            tokens: render_b(&b, Prec::Or),
            fallible: test.fallible,
        }),
    }
}

/// Whether a typed expression reads the operation's input.
pub(super) fn reads_input(t: &Typed) -> bool {
    let kids: Vec<&Typed> = match &t.expr {
        TExpr::Input => return true,
        TExpr::Const(_) | TExpr::Current | TExpr::Output => vec![],
        TExpr::Field { base, .. } | TExpr::Key { base, .. } | TExpr::Index { base, .. } => vec![base],
        TExpr::Project { base, filter, rhs } => {
            let mut kids = vec![&**base, &**rhs];
            kids.extend(filter.as_deref());
            kids
        }
        TExpr::Flatten(x) | TExpr::Length(x) | TExpr::IsNull(x) | TExpr::Not(x) => vec![x],
        TExpr::AnyEquals { values, .. } | TExpr::AllEquals { values, .. } => vec![values],
        TExpr::Contains { subject, test } => vec![subject, test],
        TExpr::StartsWith(a, b) | TExpr::EndsWith(a, b) | TExpr::And(a, b) | TExpr::Or(a, b) => vec![a, b],
        TExpr::Compare { lhs, rhs, .. } => vec![lhs, rhs],
    };
    kids.into_iter().any(reads_input)
}

/// Clippy's default `disallowed-names`.
const DISALLOWED: &[&str] = &["foo", "baz", "quux"];

/// A binding named after `label` (snake case already).
fn binding(label: &str) -> Ident {
    let name = names::field_name(label);
    let name = if DISALLOWED.contains(&name.as_str()) { format!("v_{name}") } else { name };
    ident(&name)
}

/// `tasks` → `task`: the name of one item of a list named `label`.
fn singular(label: &str) -> String {
    let bare = label.strip_prefix("r#").unwrap_or(label);
    if let Some(stem) = bare.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "uses", "xes", "shes", "ches"] {
        if bare.ends_with(suffix) {
            return bare[..bare.len() - 2].to_owned();
        }
    }
    if bare.len() > 1 && bare.ends_with('s') && !["ss", "us", "is"].iter().any(|s| bare.ends_with(s)) {
        return bare[..bare.len() - 1].to_owned();
    }
    "item".to_owned()
}

/// A name for the value of `t`, for bindings.
fn label(t: &Typed, env: &Env) -> String {
    match &t.expr {
        TExpr::Field { field, .. } => field.strip_prefix("r#").unwrap_or(field).to_owned(),
        TExpr::Key { key, .. } => heck::ToSnakeCase::to_snake_case(key.as_str()),
        TExpr::Index { base, .. } => singular(&label(base, env)),
        TExpr::Project { base, rhs, .. } if rhs.expr == TExpr::Current => label(base, env),
        TExpr::Project { rhs, base, .. } => {
            let inner = Env { current: Some((binding("item"), singular(&label(base, env)))) };
            label(rhs, &inner)
        }
        TExpr::Flatten(base) => label(base, env),
        TExpr::Current => env.current.as_ref().map_or_else(|| "value".to_owned(), |(_, l)| l.clone()),
        TExpr::Input => "input".to_owned(),
        TExpr::Output => "output".to_owned(),
        _ => "value".to_owned(),
    }
}

/// `&str`-like and copied forms of an `Option<&T>` of the Rust type `rust`.
fn canon_option(rust: &RustType) -> TokenStream {
    match canon(rust) {
        Some((_, step)) => step,
        None => quote!(),
    }
}

/// The step that turns items `&T` of the Rust type `rust` into their
/// canonical form, if they need one.
fn canon(rust: &RustType) -> Option<(CanonKind, TokenStream)> {
    match rust {
        RustType::String => Some((CanonKind::String, quote!(.map(::std::string::String::as_str)))),
        RustType::Named(r) if r.int_enum => {
            let path = type_tokens(rust);
            Some((CanonKind::Copied, quote!(.map(#path::value))))
        }
        RustType::Named(r) if r.is_enum => {
            let path = type_tokens(rust);
            Some((CanonKind::Enum, quote!(.map(#path::as_str))))
        }
        RustType::Bool
        | RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64 => Some((CanonKind::Copied, quote!(.copied()))),
        _ => None,
    }
}

/// The item type of a list type.
fn list_item(ty: &Ty) -> Option<&RustType> {
    match ty {
        Ty::List(item) => Some(item),
        _ => None,
    }
}

fn value(t: &Typed, env: &Env) -> Code {
    match &t.expr {
        TExpr::Const(v) => Code::Value(literal(v, None)),
        TExpr::Current => Code::Value(match &env.current {
            Some((name, _)) => quote!(#name),
            None => quote!(output),
        }),
        TExpr::Input => Code::Value(quote!(input)),
        TExpr::Output => Code::Value(quote!(output)),
        TExpr::Field { base, field, optional, boxed, rust } => {
            let base_code = expr(base, env);
            let (field, optional, boxed) = (ident(field), *optional, *boxed);
            Code::Value(if base.nullable {
                let name = binding(&label(base, env));
                if optional {
                    // `a.and_then(|a| a.b.as_ref()).map(B::as_str)`.
                    let (raw, canon) = optional_field(quote!(#name), &field, boxed, rust);
                    quote!(#base_code.and_then(|#name| #raw) #canon)
                } else {
                    let mut body = field_access(quote!(#name), &field, false, boxed, rust);
                    if is_compound(rust) {
                        // (A closure gives a reference, not the place.)
                        body = if boxed { quote!(&*#body) } else { quote!(&#body) };
                    }
                    quote!(#base_code.map(|#name| #body))
                }
            } else {
                field_access(base_code, &field, optional, boxed, rust)
            })
        }
        TExpr::Key { base, key } => {
            let map = expr(base, env);
            let canon = match &base.ty {
                Ty::Map(value) => canon_option(value),
                _ => quote!(),
            };
            Code::Value(if base.nullable {
                let name = binding(&label(base, env));
                quote!(#map.and_then(|#name| #name.get(#key)) #canon)
            } else {
                quote!(#map.get(#key) #canon)
            })
        }
        TExpr::Index { base, index } => {
            if let Some(item) = list_item(&base.ty) {
                let list = expr(base, env);
                let name = binding(&label(base, env));
                let element = |xs: TokenStream| match *index {
                    0 => quote!(#xs.first()),
                    -1 => quote!(#xs.last()),
                    i if i > 0 => {
                        let i = Literal::usize_unsuffixed(i as usize);
                        quote!(#xs.get(#i))
                    }
                    i => {
                        let back = Literal::usize_unsuffixed((-i - 1) as usize);
                        quote!(#xs.iter().nth_back(#back))
                    }
                };
                let canon = canon_option(item);
                Code::Value(if base.nullable {
                    let get = element(quote!(#name));
                    quote!(#list.and_then(|#name| #get) #canon)
                } else {
                    let get = element(list);
                    quote!(#get #canon)
                })
            } else {
                let seq = seq(base, env);
                let index = *index;
                Code::Value(sink(&seq, OnNull::None, |iter_of, steps| nth(iter_of, steps, index)))
            }
        }
        TExpr::Project { .. } | TExpr::Flatten(_) => Code::Seq(seq(t, env)),
        TExpr::Length(x) => Code::Value(length(x, env)),
        TExpr::Contains { subject, test } => {
            if subject.ty == Ty::Str {
                let s = forced(subject, env);
                let search = forced(test, env);
                Code::Bool(B::Atom(quote!(#s.contains(#search))))
            } else {
                let seq = seq(subject, env);
                let item = binding(&seq.item);
                let inner = Env { current: Some((item.clone(), seq.item.clone())) };
                let test = render_b(&cond(test, &inner), Prec::Or);
                Code::Bool(B::Atom(sink(&seq, OnNull::Fail, |iter_of, steps| {
                    let iter = Seq::iter(&iter_of, steps);
                    quote!(#iter.any(|#item| #test))
                })))
            }
        }
        TExpr::StartsWith(a, b) | TExpr::EndsWith(a, b) => {
            let (a, b2) = (forced(a, env), forced(b, env));
            let method = if matches!(t.expr, TExpr::StartsWith(..)) { quote!(starts_with) } else { quote!(ends_with) };
            Code::Bool(B::Atom(quote!(#a.#method(#b2))))
        }
        TExpr::Compare { op, lhs, rhs } => compare(*op, lhs, rhs, env),
        TExpr::IsNull(x) => Code::Bool(match value(x, env) {
            Code::Seq(seq) => B::IsSome { option: seq.source, some: false },
            Code::Value(code) => B::IsSome { option: code, some: false },
            Code::Bool(b) => b,
        }),
        TExpr::And(a, b) | TExpr::Or(a, b) if t.nullable => {
            // `a && b` is `a` when `a` is falsy, else `b`; `a || b` is `a`
            // when `a` is truthy, else `b` (booleans that may be null).
            let test = render_b(&cond(a, env), Prec::Or);
            let option = |x: &Typed| {
                let code = expr(x, env);
                if x.nullable {
                    code
                } else {
                    quote!(::std::option::Option::Some(#code))
                }
            };
            let (a, b) = (option(a), option(b));
            // (Parenthesized: the `if` is an operand.)
            Code::Value(if matches!(t.expr, TExpr::And(..)) {
                quote!((if #test { #b } else { #a }))
            } else {
                quote!((if #test { #a } else { #b }))
            })
        }
        TExpr::And(a, b) => Code::Bool(and(cond(a, env), cond(b, env))),
        TExpr::Or(a, b) => Code::Bool(or(cond(a, env), cond(b, env))),
        TExpr::Not(x) => Code::Bool(negate(cond(x, env))),
        TExpr::AnyEquals { values, expected } | TExpr::AllEquals { values, expected } => {
            let any = matches!(t.expr, TExpr::AnyEquals { .. });
            let seq = seq(values, env);
            let item = binding(&seq.item);
            Code::Bool(B::Atom(sink(&seq, OnNull::False, |list, steps| {
                // The items' canonical `&str` step is left out where
                // comparing them needs none.
                let (steps, compare) = match steps.split_last() {
                    Some((Step::Canon(CanonKind::String, _), rest)) => (rest, quote!(#item == #expected)),
                    Some((Step::Canon(CanonKind::Enum, _), rest)) => (rest, quote!(#item.as_str() == #expected)),
                    _ => (steps, quote!(#item == #expected)),
                };
                let iter = Seq::iter(&list, steps);
                if any {
                    quote!(#iter.any(|#item| #compare))
                } else if steps.is_empty() {
                    quote!(!#list.is_empty() && #iter.all(|#item| #compare))
                } else {
                    let iter = Seq::iter(&list, &seq.steps);
                    quote!(crate::waiter::all_string_equals(#iter, #expected))
                }
            })))
        }
    }
}

/// The binding of a closure whose body is `b`: `_` when `b` is a constant
/// (a filter that the types decide), which uses none.
fn unless_constant(x: &Ident, b: &B) -> TokenStream {
    match b {
        B::Const(_) => quote!(_),
        _ => quote!(#x),
    }
}

/// `.first()`, `.get(i)`, `.last()` of an iterator: `nth` in its plainest form.
fn nth(list: TokenStream, steps: &[Step], index: i64) -> TokenStream {
    if index == 0 {
        if let Some((last, rest)) = steps.split_last() {
            let iter = Seq::iter(&list, rest);
            match last {
                Step::Filter(x, b) => {
                    let x = match b {
                        B::Const(_) => quote!(_),
                        _ => quote!(&#x),
                    };
                    let b = render_b(b, Prec::Or);
                    return quote!(#iter.find(|#x| #b));
                }
                Step::FilterMap(x, body) => return quote!(#iter.find_map(|#x| #body)),
                _ => {}
            }
        }
    }
    let iter = Seq::iter(&list, steps);
    match index {
        0 => quote!(#iter.next()),
        -1 => quote!(#iter.next_back()),
        i if i > 0 => {
            let i = Literal::usize_unsuffixed(i as usize);
            quote!(#iter.nth(#i))
        }
        i => {
            let back = Literal::usize_unsuffixed((-i - 1) as usize);
            quote!(#iter.nth_back(#back))
        }
    }
}

/// Applies `sink` to the list of a projection and its steps, handling a
/// list that may be null as `on_null` says. `sink` gets the list
/// expression (not null) and the steps.
fn sink(seq: &Seq, on_null: OnNull, sink: impl FnOnce(TokenStream, &[Step]) -> TokenStream) -> TokenStream {
    let source = &seq.source;
    if !seq.nullable {
        return sink(source.clone(), &seq.steps);
    }
    let name = &seq.name;
    match on_null {
        OnNull::Fail => sink(quote!(#source?), &seq.steps),
        OnNull::False if seq.fallible() => {
            let body = sink(quote!(#name), &seq.steps);
            quote!(match #source { ::std::option::Option::Some(#name) => #body, ::std::option::Option::None => false })
        }
        OnNull::None if seq.fallible() => {
            let body = sink(quote!(#name), &seq.steps);
            quote!(match #source { ::std::option::Option::Some(#name) => #body, ::std::option::Option::None => ::std::option::Option::None })
        }
        OnNull::False => {
            let body = sink(quote!(#name), &seq.steps);
            quote!(#source.is_some_and(|#name| #body))
        }
        OnNull::None => {
            let body = sink(quote!(#name), &seq.steps);
            quote!(#source.and_then(|#name| #body))
        }
    }
}

/// `length(x)`: a `usize`, with `?` when `x` may be null.
fn length(x: &Typed, env: &Env) -> TokenStream {
    match &x.ty {
        Ty::Str => {
            let s = forced(x, env);
            quote!(#s.chars().count())
        }
        Ty::Seq(_) => {
            let seq = seq(x, env);
            sink(&seq, OnNull::Fail, |list, _| count(&list, seq.counted()))
        }
        _ => {
            let xs = forced(x, env);
            quote!(#xs.len())
        }
    }
}

fn count(list: &TokenStream, steps: &[Step]) -> TokenStream {
    if steps.is_empty() {
        quote!(#list.len())
    } else {
        let iter = Seq::iter(list, steps);
        quote!(#iter.count())
    }
}

/// Whether a list, map, string or projection has anything in it; a null
/// one has not (`OnNull::False`), or makes the acceptor fail (`OnNull::Fail`).
fn non_empty(x: &Typed, env: &Env, on_null: OnNull) -> B {
    match value(x, env) {
        Code::Seq(seq) => {
            let steps = seq.counted().to_vec();
            // The test on a list that is not null.
            let test = |list: TokenStream| -> B {
                match steps.split_last() {
                    None => B::Not(Box::new(B::Atom(quote!(#list.is_empty())))),
                    Some((Step::Filter(item, b), rest)) => {
                        let iter = Seq::iter(&list, rest);
                        let item = unless_constant(item, b);
                        let b = render_b(b, Prec::Or);
                        B::Atom(quote!(#iter.any(|#item| #b)))
                    }
                    Some((Step::FilterMap(item, body), rest)) => {
                        let iter = Seq::iter(&list, rest);
                        B::Atom(quote!(#iter.any(|#item| #body.is_some())))
                    }
                    Some(_) => B::IsSome { option: { let iter = Seq::iter(&list, &steps); quote!(#iter.next()) }, some: true },
                }
            };
            let source = &seq.source;
            if !seq.nullable {
                return test(source.clone());
            }
            let name = &seq.name;
            match on_null {
                OnNull::Fail => test(quote!(#source?)),
                _ if seq.fallible() => {
                    let body = render_b(&test(quote!(#name)), Prec::Or);
                    B::Atom(quote!(match #source { ::std::option::Option::Some(#name) => #body, ::std::option::Option::None => false }))
                }
                _ => B::OptionTest { option: source.clone(), name: name.clone(), body: Box::new(test(quote!(#name))), none_or: false },
            }
        }
        Code::Value(code) => match (x.nullable, on_null) {
            (true, OnNull::Fail) => B::Not(Box::new(B::Atom(quote!(#code?.is_empty())))),
            (true, _) => {
                let name = binding(&label(x, env));
                let body = B::Not(Box::new(B::Atom(quote!(#name.is_empty()))));
                B::OptionTest { option: code, name, body: Box::new(body), none_or: false }
            }
            (false, _) => B::Not(Box::new(B::Atom(quote!(#code.is_empty())))),
        },
        Code::Bool(b) => b,
    }
}

/// The truthiness of a value.
fn cond(t: &Typed, env: &Env) -> B {
    if let TExpr::Const(v) = &t.expr {
        return B::Const(match v {
            Value::Null | Value::Bool(false) => false,
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => true,
        });
    }
    match &t.expr {
        TExpr::And(a, b) => return and(cond(a, env), cond(b, env)),
        TExpr::Or(a, b) => return or(cond(a, env), cond(b, env)),
        TExpr::Not(x) => return negate(cond(x, env)),
        _ => {}
    }
    match &t.ty {
        Ty::Str | Ty::List(_) | Ty::Map(_) | Ty::Seq(_) => non_empty(t, env, OnNull::False),
        Ty::Num(_) if t.nullable => B::IsSome { option: expr(t, env), some: true },
        Ty::Num(_) | Ty::Root | Ty::Struct(_) => B::Const(true),
        Ty::Null => B::Const(false),
        _ => match value(t, env) {
            Code::Bool(b) => b,
            Code::Value(code) if t.nullable => {
                B::Cmp { lhs: code, op: Comparison::Eq, rhs: quote!(::std::option::Option::Some(true)), exact: false }
            }
            Code::Value(code) => B::Atom(code),
            Code::Seq(_) => B::Const(true),
        },
    }
}

/// The rendered expression of a value that is not a projection.
fn expr(t: &Typed, env: &Env) -> TokenStream {
    match value(t, env) {
        Code::Value(code) => code,
        Code::Bool(b) => render_b(&b, Prec::Cmp),
        // (A projection is always consumed by a sink.)
        Code::Seq(seq) => {
            let source = &seq.source;
            quote!(#source)
        }
    }
}

/// The value of `t` with a null turned into a failure (`?`).
fn forced(t: &Typed, env: &Env) -> TokenStream {
    let code = expr(t, env);
    if t.nullable {
        quote!(#code?)
    } else {
        code
    }
}

/// A projection, flatten or list as a [`Seq`].
fn seq(t: &Typed, env: &Env) -> Seq {
    match &t.expr {
        TExpr::Flatten(base) => {
            let mut seq = seq(base, env);
            // Items that are lists are spliced in, then take their
            // canonical form (a list's items were left as `&Vec<T>`).
            let inner = match &base.ty {
                Ty::List(RustType::List { item, .. }) => Some((**item).clone()),
                Ty::Seq(item) => match &**item {
                    Ty::List(inner) => Some(inner.clone()),
                    _ => None,
                },
                _ => None,
            };
            if let Some(inner) = inner {
                seq.steps.push(Step::Flatten);
                if let Some((kind, step)) = canon(&inner) {
                    seq.steps.push(Step::Canon(kind, step));
                }
                seq.item = singular(&seq.item);
            }
            seq
        }
        TExpr::Project { base, filter, rhs } => {
            let mut seq = seq(base, env);
            let item = binding(&seq.item);
            let inner = Env { current: Some((item.clone(), seq.item.clone())) };
            if let Some(filter) = filter {
                let b = cond(filter, &inner);
                if filter.fallible {
                    let b = render_b(&b, Prec::Unary);
                    seq.steps.push(Step::Try(item.clone(), quote!(::std::option::Option::Some(#b.then_some(#item)))));
                } else {
                    seq.steps.push(Step::Filter(item.clone(), b));
                }
            }
            if let TExpr::Field { base, field, optional: true, rust: rust @ RustType::Named(r), .. } = &rhs.expr {
                if base.expr == TExpr::Current && r.is_enum {
                    // An optional enum: `.filter_map(|x| x.e.as_ref()).map(E::as_str)`.
                    let field = ident(field);
                    seq.steps.push(Step::FilterMap(item.clone(), quote!(#item.#field.as_ref())));
                    if let Some((kind, step)) = canon(rust) {
                        seq.steps.push(Step::Canon(kind, step));
                    }
                    seq.item = label(rhs, &inner);
                    return seq;
                }
            }
            if rhs.expr != TExpr::Current {
                let body = expr(rhs, &inner);
                let label = label(rhs, &inner);
                match (rhs.fallible, rhs.nullable) {
                    (true, true) => seq.steps.push(Step::Try(item, quote!(::std::option::Option::Some(#body)))),
                    (true, false) => seq.steps.push(Step::Try(
                        item,
                        quote!(::std::option::Option::Some(::std::option::Option::Some(#body))),
                    )),
                    (false, true) => seq.steps.push(Step::FilterMap(item, body)),
                    (false, false) => seq.steps.push(Step::Map(item, body)),
                }
                seq.item = label;
            }
            seq
        }
        // A list.
        _ => {
            let source = expr(t, env);
            let label = label(t, env);
            let mut steps = Vec::new();
            if let Some((kind, step)) = list_item(&t.ty).and_then(canon) {
                steps.push(Step::Canon(kind, step));
            }
            Seq { source, nullable: t.nullable, name: binding(&label), steps, item: singular(&label) }
        }
    }
}

/// Whether a member's value is a structure, list or map (used in place,
/// not copied or turned into `&str`).
fn is_compound(rust: &RustType) -> bool {
    matches!(rust, RustType::Named(r) if !r.is_enum) || matches!(rust, RustType::List { .. } | RustType::Map { .. })
}

/// A member of the structure `x` (an expression of type `&S`, or a place
/// of type `S`). A structure, list or map member is left as a place
/// (`x.member`): it is only ever read further, which auto-references it.
fn field_access(x: TokenStream, field: &Ident, optional: bool, boxed: bool, rust: &RustType) -> TokenStream {
    if optional {
        let (raw, canon) = optional_field(x, field, boxed, rust);
        return quote!(#raw #canon);
    }
    match rust {
        RustType::String => quote!(#x.#field.as_str()),
        RustType::Named(r) if r.int_enum => quote!(#x.#field.value()),
        RustType::Named(r) if r.is_enum => quote!(#x.#field.as_str()),
        RustType::Bool
        | RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64 => quote!(#x.#field),
        _ => quote!(#x.#field),
    }
}

/// An optional member of the structure `x`: the `Option` of a reference
/// (or a copy), and the step that gives it its canonical form.
fn optional_field(x: TokenStream, field: &Ident, boxed: bool, rust: &RustType) -> (TokenStream, TokenStream) {
    match rust {
        RustType::String => (quote!(#x.#field.as_deref()), quote!()),
        RustType::Named(r) if r.is_enum => (quote!(#x.#field.as_ref()), canon_option(rust)),
        RustType::Bool
        | RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64 => (quote!(#x.#field), quote!()),
        _ if boxed => (quote!(#x.#field.as_deref()), quote!()),
        _ => (quote!(#x.#field.as_ref()), quote!()),
    }
}

/// A JSON literal as Rust: `number` is the type it is compared with.
fn literal(v: &Value, number: Option<Number>) -> TokenStream {
    match v {
        Value::String(s) => quote!(#s),
        Value::Bool(b) => quote!(#b),
        Value::Number(n) => {
            let float = matches!(number, Some(Number::F32 | Number::F64)) || !(n.is_i64() || n.is_u64());
            let negative = n.as_f64().is_some_and(|f| f < 0.0);
            let lit = if float {
                Literal::f64_unsuffixed(n.as_f64().unwrap_or_default().abs())
            } else {
                Literal::u64_unsuffixed(n.as_i64().map_or_else(|| n.as_u64().unwrap_or_default(), i64::unsigned_abs))
            };
            if negative {
                quote!(-#lit)
            } else {
                quote!(#lit)
            }
        }
        _ => quote!(::std::option::Option::None),
    }
}

/// A number as `f64`, for comparing numbers of different Rust types.
fn as_f64(code: TokenStream, number: Number, nullable: bool) -> TokenStream {
    let lossless = matches!(number, Number::I8 | Number::I16 | Number::I32 | Number::F32);
    match (number, nullable) {
        (Number::F64, _) => code,
        (_, false) if lossless => quote!(f64::from(#code)),
        (_, false) => quote!((#code as f64)),
        (_, true) if lossless => quote!(#code.map(f64::from)),
        (_, true) => quote!(#code.map(|n| n as f64)),
    }
}

/// Whether the integer type `n` holds the literal `x`.
fn holds(n: Number, x: &serde_json::Number) -> bool {
    let Some(x) = x.as_i64() else { return false };
    match n {
        Number::I8 => i8::try_from(x).is_ok(),
        Number::I16 => i16::try_from(x).is_ok(),
        Number::I32 => i32::try_from(x).is_ok(),
        Number::Usize => x >= 0,
        _ => true,
    }
}

fn number(t: &Typed) -> Option<Number> {
    match t.ty {
        Ty::Num(n) => Some(n),
        _ => None,
    }
}

fn compare(op: Comparison, lhs: &Typed, rhs: &Typed, env: &Env) -> Code {
    let some = |code: TokenStream| quote!(::std::option::Option::Some(#code));
    // `length(x)` against 0 or 1: whether `x` is empty.
    if let (TExpr::Length(x), Some(Value::Number(n))) = (&lhs.expr, rhs.as_const()) {
        let n = n.as_f64();
        let empty = match (op, n) {
            (Comparison::Eq, Some(0.0)) | (Comparison::Le, Some(0.0)) | (Comparison::Lt, Some(1.0)) => Some(true),
            (Comparison::Ne, Some(0.0)) | (Comparison::Gt, Some(0.0)) | (Comparison::Ge, Some(1.0)) => Some(false),
            _ => None,
        };
        if let Some(empty) = empty {
            // (A null `x` is a failure, not an empty list.)
            let b = non_empty(x, env, OnNull::Fail);
            return Code::Bool(if empty { negate(b) } else { b });
        }
    }
    if let Some(constant) = rhs.as_const() {
        let l = expr(lhs, env);
        // A boolean is `true` when it is truthy (a null one is not), and
        // `false` when it is falsy but not null.
        if let Value::Bool(expected) = constant {
            let is_true = *expected == (op == Comparison::Eq);
            if !lhs.nullable || *expected {
                let b = cond(lhs, env);
                return Code::Bool(if is_true { b } else { negate(b) });
            }
        }
        let n = number(lhs);
        let (l, n) = match (n, constant) {
            // An integer compared with a fraction, or with a number its
            // type cannot hold (`length(x) > -1`): both as `f64`.
            (Some(n), Value::Number(x)) if n.is_integer() && !holds(n, x) => {
                (as_f64(l, n, lhs.nullable), Some(Number::F64))
            }
            _ => (l, n),
        };
        let r = literal(constant, n);
        let exact = n.is_some_and(Number::is_integer) && !lhs.nullable;
        return if lhs.nullable {
            if matches!(op, Comparison::Eq | Comparison::Ne) {
                Code::Bool(B::Cmp { lhs: l, op, rhs: some(r), exact })
            } else {
                let name = binding(&label(lhs, env));
                let op = cmp_tokens(op);
                Code::Value(quote!(#l.map(|#name| #name #op #r)))
            }
        } else {
            Code::Bool(B::Cmp { lhs: l, op, rhs: r, exact })
        };
    }
    let (mut l, mut r) = (expr(lhs, env), expr(rhs, env));
    if let (Some(a), Some(b)) = (number(lhs), number(rhs)) {
        if a != b {
            l = as_f64(l, a, lhs.nullable);
            r = as_f64(r, b, rhs.nullable);
        }
    }
    let exact = number(lhs).is_some_and(Number::is_integer) && number(rhs) == number(lhs);
    let equality = matches!(op, Comparison::Eq | Comparison::Ne);
    match (lhs.nullable, rhs.nullable) {
        (false, false) => Code::Bool(B::Cmp { lhs: l, op, rhs: r, exact }),
        (true, true) if equality => Code::Bool(B::Cmp { lhs: l, op, rhs: r, exact: false }),
        (true, false) if equality => Code::Bool(B::Cmp { lhs: l, op, rhs: some(r), exact: false }),
        (false, true) if equality => Code::Bool(B::Cmp { lhs: some(l), op, rhs: r, exact: false }),
        (ln, rn) => {
            // Ordering with a null gives null: `Option<bool>`.
            let l = if ln { l } else { some(l) };
            let r = if rn { r } else { some(r) };
            let op = cmp_tokens(op);
            Code::Value(quote!(#l.zip(#r).map(|(l, r)| l #op r)))
        }
    }
}

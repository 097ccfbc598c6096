//! Structures: the type and its builder (the protocol's codec writes and
//! reads it, in the `wire` module).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::customize::Fill;
use super::{docs, ident, type_tokens};
use crate::ir::{names, DefaultValue, Field, RustType, Struct, StructKind};

const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// The structure (with its impls) and, separately, its builder, which lives
/// in the module that `builders` names; `fills` are the values its builder
/// gives members left unset (service customizations of inputs).
pub fn emit(s: &Struct, builders: TokenStream, fills: &[Fill]) -> (TokenStream, TokenStream) {
    let name = ident(&s.name);
    let builder_name = ident(&names::derived::builder(&s.name));
    let doc = docs(&s.docs);
    let debug_derive = if needs_redaction(s) { quote!() } else { quote!(::std::fmt::Debug,) };
    let value_derives = value_derives(s);
    let fields = s.fields.iter().map(|f| {
        let field_name = ident(&f.name);
        let ty = field_type(f);
        let doc = docs(&field_docs(f, fills));
        quote! {
            #doc
            pub #field_name: #ty,
        }
    });
    let builder_doc = format!(" Creates a builder for [`{}`].", s.name);
    let debug_impl = debug_impl(&s.name, s);
    let (extra_field, extra_method) = match &s.kind {
        StructKind::Output => (
            quote!(pub(crate) _request_id: ::std::option::Option<::std::string::String>,),
            quote! {
                /// The request id of the response this output was read from
                /// (`x-amzn-requestid`), to quote to AWS support.
                pub fn request_id(&self) -> ::std::option::Option<&str> {
                    self._request_id.as_deref()
                }
            },
        ),
        StructKind::Error { .. } => (
            quote!(pub(crate) _meta: crate::error::ErrorMetadata,),
            quote! {
                /// The code, message, HTTP status and request id of the response.
                pub fn meta(&self) -> &crate::error::ErrorMetadata {
                    &self._meta
                }
            },
        ),
        _ => (quote!(), quote!()),
    };
    let item = quote! {
        #doc
        #[derive(#value_derives #debug_derive)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #extra_field
        }

        impl #name {
            #[doc = #builder_doc]
            #[inline]
            pub fn builder() -> #builders::#builder_name {
                ::std::default::Default::default()
            }

            #extra_method
        }

        #debug_impl
    };
    (item, builder(s, &builder_name, fills))
}

/// `Clone` and `PartialEq`, except for a structure holding a stream (a
/// stream is read once and has no value to compare).
fn value_derives(s: &Struct) -> TokenStream {
    if has_stream(s) {
        quote!()
    } else {
        quote!(::std::clone::Clone, ::std::cmp::PartialEq,)
    }
}

pub(crate) fn has_stream(s: &Struct) -> bool {
    s.fields.iter().any(|f| matches!(f.ty, RustType::ByteStream { .. } | RustType::EventStream(_) | RustType::EventSender(_)))
}

fn needs_redaction(s: &Struct) -> bool {
    s.sensitive || s.fields.iter().any(|f| f.sensitive)
}

/// The field's type: boxed when recursive, `Option` when it may be absent.
pub(crate) fn field_type(f: &Field) -> TokenStream {
    let inner = inner_type(f);
    if f.optional {
        quote!(::std::option::Option<#inner>)
    } else {
        inner
    }
}

fn inner_type(f: &Field) -> TokenStream {
    let ty = type_tokens(&f.ty);
    if f.boxed {
        quote!(::std::boxed::Box<#ty>)
    } else {
        ty
    }
}

/// The fill of a member, if it has one.
pub(crate) fn fill_of<'a>(f: &Field, fills: &'a [Fill]) -> Option<&'a Fill> {
    fills.iter().find(|fill| fill.field == f.name)
}

pub(crate) fn field_docs(f: &Field, fills: &[Fill]) -> Vec<String> {
    let mut lines = f.docs.clone();
    if lines.is_empty() {
        lines.push(format!("The `{}` member.", f.member));
    }
    if let Some(fill) = fill_of(f, fills) {
        lines.push(String::new());
        lines.push(fill.doc.to_owned());
    } else if f.required {
        lines.push(String::new());
        lines.push("Required.".to_owned());
    }
    lines
}

/// The expression of a member's default value.
pub(crate) fn default_expr(f: &Field) -> TokenStream {
    let ty = type_tokens(&f.ty);
    match &f.default {
        None | Some(DefaultValue::Zero) => quote!(<#ty as ::std::default::Default>::default()),
        Some(DefaultValue::Bool(b)) => quote!(#b),
        Some(DefaultValue::Int(i)) => {
            let lit = proc_macro2::Literal::i64_unsuffixed(*i);
            quote!(#lit)
        }
        Some(DefaultValue::Float(x)) => {
            let lit = proc_macro2::Literal::f64_unsuffixed(*x);
            quote!(#lit)
        }
        Some(DefaultValue::String(text)) => quote!(::std::string::String::from(#text)),
        Some(DefaultValue::Variant(variant)) => {
            let variant = ident(variant);
            quote!(#ty::#variant)
        }
        Some(DefaultValue::Timestamp(seconds)) => {
            let lit = proc_macro2::Literal::f64_unsuffixed(*seconds);
            quote!(crate::timestamp::EpochSeconds::from_f64(#lit).unwrap_or(::time::OffsetDateTime::UNIX_EPOCH))
        }
        Some(DefaultValue::Blob(base64)) => {
            quote!(crate::primitives::Blob::new(crate::primitives::base64_decode(#base64).unwrap_or_default()))
        }
        Some(DefaultValue::Document(value)) => document_tokens(value),
    }
}

/// A document value built in Rust (`crate::primitives::Document`), from the
/// JSON the model gives.
fn document_tokens(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(crate::primitives::Document::Null),
        Value::Bool(b) => quote!(crate::primitives::Document::Bool(#b)),
        Value::String(s) => quote!(crate::primitives::Document::String(::std::string::String::from(#s))),
        Value::Number(n) => {
            let number = match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), ..) => quote!(PosInt(#u)),
                (None, Some(i), _) => quote!(NegInt(#i)),
                (.., f) => {
                    let lit = proc_macro2::Literal::f64_unsuffixed(f.unwrap_or_default());
                    quote!(Float(#lit))
                }
            };
            quote!(crate::primitives::Document::Number(crate::primitives::Number::#number))
        }
        Value::Array(items) => {
            let items = items.iter().map(document_tokens);
            quote!(crate::primitives::Document::Array(::std::vec![#(#items),*]))
        }
        Value::Object(members) => {
            let members = members.iter().map(|(name, value)| {
                let value = document_tokens(value);
                quote!((::std::string::String::from(#name), #value))
            });
            quote!(crate::primitives::Document::Object(::std::collections::HashMap::from([#(#members),*])))
        }
    }
}

/// Whether a default value is a plain constant (else it is built lazily):
/// a document's too when it is `null`, a boolean or a number.
pub(crate) fn is_copy_default(d: &DefaultValue) -> bool {
    match d {
        DefaultValue::Zero | DefaultValue::Bool(_) | DefaultValue::Int(_) | DefaultValue::Float(_) | DefaultValue::Variant(_) => {
            true
        }
        DefaultValue::Document(value) => !matches!(value, Value::String(_) | Value::Array(_) | Value::Object(_)),
        _ => false,
    }
}

/// Initializers of the fields that are not model members.
pub(crate) fn extra_init(s: &Struct) -> TokenStream {
    match &s.kind {
        StructKind::Output => quote!(_request_id: ::std::option::Option::None,),
        StructKind::Error { .. } => quote!(_meta: ::std::default::Default::default(),),
        _ => quote!(),
    }
}

/// The local variable that holds a member's value in generated readers and
/// `build()`: `v_<field>`, since a member named `foo` would trip clippy's
/// `disallowed_names` as a local, and `v_` never clashes with a keyword.
pub(crate) fn local_name(f: &Field) -> proc_macro2::Ident {
    ident(&names::derived::local(&f.name))
}

/// A `Debug` that prints `*** Sensitive Data Redacted ***` for sensitive
/// members (or every member of a sensitive structure). `None` when derived.
fn debug_impl(type_name: &str, s: &Struct) -> TokenStream {
    if !needs_redaction(s) {
        return quote!();
    }
    let name = ident(type_name);
    let fields = s.fields.iter().map(|f| {
        let label = f.name.trim_start_matches("r#");
        let field = ident(&f.name);
        if s.sensitive || f.sensitive {
            quote!(.field(#label, &#REDACTED))
        } else {
            quote!(.field(#label, &self.#field))
        }
    });
    let label = type_name;
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#fields)* .finish()
            }
        }
    }
}

/// Clippy's `should_implement_trait` takes a setter named like a binary
/// operator's method (ECS's `KernelCapabilities.add`) for a stray
/// `std::ops` impl: the setter keeps the member's name, with the lint
/// allowed on it alone.
pub(super) fn operator_named(field: &str) -> Option<TokenStream> {
    const OPERATORS: &[&str] = &["add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor"];
    OPERATORS.contains(&field).then(|| quote!(#[allow(clippy::should_implement_trait)]))
}

/// The parameter type of a member's setter and the expression (of
/// `input`) that converts it to the member's type. A list takes any
/// iterator of values convertible into its items (`["a", "b"]`, a `Vec`),
/// a map any iterator of key-value pairs (`[("k", "v")]`, a `HashMap`);
/// everything else anything convertible into it. The setters are generic,
/// so each is instantiated in the caller's crate, not in the client's.
pub(super) fn setter_input(ty: &RustType) -> (TokenStream, TokenStream) {
    let optional = |ty: TokenStream, sparse: bool| if sparse { quote!(::std::option::Option<#ty>) } else { ty };
    match ty {
        RustType::List { item, sparse } => {
            let item = optional(type_tokens(item), *sparse);
            (
                quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#item>>),
                quote!(input.into_iter().map(::std::convert::Into::into).collect()),
            )
        }
        RustType::Map { value, sparse } => {
            let value = optional(type_tokens(value), *sparse);
            (
                quote!(impl ::std::iter::IntoIterator<Item = (impl ::std::convert::Into<::std::string::String>, impl ::std::convert::Into<#value>)>),
                quote!(input.into_iter().map(|(key, value)| (key.into(), value.into())).collect()),
            )
        }
        _ => {
            let ty = type_tokens(ty);
            (quote!(impl ::std::convert::Into<#ty>), quote!(input.into()))
        }
    }
}

fn builder(s: &Struct, builder_name: &proc_macro2::Ident, fills: &[Fill]) -> TokenStream {
    let target = ident(&s.name);
    let doc = format!(" A builder for [`{0}`](super::{0}).", s.name);
    let slots = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let ty = type_tokens(&f.ty);
        quote!(pub(crate) #field: ::std::option::Option<#ty>,)
    });
    let setters = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let set = ident(&names::derived::setter(&f.name));
        let ty = type_tokens(&f.ty);
        let doc = docs(&field_docs(f, fills));
        let allow = operator_named(&f.name);
        let (param, convert) = setter_input(&f.ty);
        quote! {
            #doc
            #allow
            pub fn #field(mut self, input: #param) -> Self {
                self.#field = ::std::option::Option::Some(#convert);
                self
            }

            // `#[inline]`: like the generic setter beside it, compiled only
            // in the crates that call it, never in every build of the client.
            #doc
            #[inline]
            pub fn #set(mut self, input: ::std::option::Option<#ty>) -> Self {
                self.#field = input;
                self
            }
        }
    });
    // A member the builder fills is never missing.
    let checked = |f: &Field| f.required && f.default.is_none() && fill_of(f, fills).is_none();
    let fallible = s.fields.iter().any(checked);
    let extra = extra_init(s);
    // Required members are taken first, each with a `let ... else` that
    // names it (plain code: nothing generic to instantiate per member).
    let local = local_name;
    let checks = s.fields.iter().filter(|f| checked(f)).map(|f| {
        let field = ident(&f.name);
        let value = local(f);
        let shape = &s.name;
        let setter = &f.name;
        let member = &f.member;
        quote! {
            let ::std::option::Option::Some(#value) = self.#field else {
                return ::std::result::Result::Err(crate::error::BuildError::missing(#shape, #setter, #member));
            };
        }
    });
    let values = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let missing = local(f);
        let missing = quote!(#missing);
        let boxed = |value: TokenStream| if f.boxed { quote!(::std::boxed::Box::new(#value)) } else { value };
        if let Some(fill) = fill_of(f, fills) {
            let text = fill.value;
            return quote!(#field: ::std::option::Option::Some(self.#field.unwrap_or_else(|| ::std::string::String::from(#text))),);
        }
        let value = match (f.optional, checked(f)) {
            (true, true) => {
                let v = boxed(missing);
                quote!(::std::option::Option::Some(#v))
            }
            (true, false) => {
                if f.boxed {
                    quote!(self.#field.map(::std::boxed::Box::new))
                } else {
                    quote!(self.#field)
                }
            }
            (false, true) => boxed(missing),
            (false, false) => {
                let default = default_expr(f);
                boxed(match &f.default {
                    None | Some(DefaultValue::Zero) => quote!(self.#field.unwrap_or_default()),
                    Some(d) if !is_copy_default(d) => quote!(self.#field.unwrap_or_else(|| #default)),
                    Some(_) => quote!(self.#field.unwrap_or(#default)),
                })
            }
        };
        quote!(#field: #value,)
    });
    let build_doc = if fallible {
        let required: Vec<String> = s
            .fields
            .iter()
            .filter(|f| checked(f))
            .map(|f| format!("`{}`", f.name.trim_start_matches("r#")))
            .collect();
        format!(" Builds the value; fails with a [`BuildError`](crate::error::BuildError) naming the first required member left unset ({}).", required.join(", "))
    } else {
        " Builds the value.".to_owned()
    };
    let (ret, body) = if fallible {
        (
            quote!(::std::result::Result<super::#target, crate::error::BuildError>),
            quote! {
                #(#checks)*
                ::std::result::Result::Ok(super::#target { #(#values)* #extra })
            },
        )
    } else {
        (quote!(super::#target), quote!(super::#target { #(#values)* #extra }))
    };
    let debug_derive = if needs_redaction(s) { quote!() } else { quote!(::std::fmt::Debug,) };
    let value_derives = value_derives(s);
    let debug_impl = debug_impl(&names::derived::builder(&s.name), s);
    quote! {
        #[doc = #doc]
        #[derive(#value_derives ::std::default::Default, #debug_derive)]
        pub struct #builder_name {
            #(#slots)*
        }

        impl #builder_name {
            #(#setters)*

            // `#[inline]`, like `builder()` and the setters: compiled in
            // the crates that build values, not in every build of the client.
            #[doc = #build_doc]
            #[inline]
            pub fn build(self) -> #ret {
                #body
            }
        }

        #debug_impl
    }
}

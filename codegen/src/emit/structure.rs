//! Structures: the type, its serde mapping to restJson1 bodies, and its builder.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, ident, type_tokens};
use crate::ir::{Binding, DefaultValue, Field, RustType, Struct, TimestampFormat};

const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// The structure (with its impls) and, separately, its builder, which lives
/// in the module that `builders` names.
pub fn emit(s: &Struct, builders: TokenStream) -> (TokenStream, TokenStream) {
    let name = ident(&s.name);
    let builder_name = format_ident!("{}Builder", s.name);
    let doc = docs(&s.docs);
    let serde_derives = serde_derives(s);
    let debug_derive = if needs_redaction(s) { quote!() } else { quote!(::std::fmt::Debug,) };
    let fields = s.fields.iter().map(|f| {
        let field_name = ident(&f.name);
        let ty = field_type(f);
        let doc = docs(&field_docs(f));
        let serde = if serde_derives.is_empty() { quote!() } else { serde_attrs(s, f) };
        quote! {
            #doc
            #serde
            pub #field_name: #ty,
        }
    });
    let builder_doc = format!(" Creates a builder for [`{}`].", s.name);
    let debug_impl = debug_impl(&s.name, s);
    let default_fns = s.fields.iter().filter_map(|f| default_fns(s, f));
    let fallback_impl = if s.serde.deserialize { fallback_impl(s) } else { quote!() };
    let item = quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq, #debug_derive #serde_derives)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #builder_doc]
            pub fn builder() -> #builders::#builder_name {
                ::std::default::Default::default()
            }
        }

        #debug_impl
        #fallback_impl
        #(#default_fns)*
    };
    (item, builder(s, &builder_name))
}

fn serde_derives(s: &Struct) -> TokenStream {
    let ser = s.serde.serialize.then(|| quote!(::serde::Serialize,));
    let de = s.serde.deserialize.then(|| quote!(::serde::Deserialize,));
    quote!(#ser #de)
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

fn field_docs(f: &Field) -> Vec<String> {
    let mut lines = f.docs.clone();
    if lines.is_empty() {
        lines.push(format!("The `{}` member.", f.member));
    }
    if f.required {
        lines.push(String::new());
        lines.push("Required.".to_owned());
    }
    lines
}

/// `#[serde(...)]` for one field of a restJson1 body.
fn serde_attrs(s: &Struct, f: &Field) -> TokenStream {
    if f.binding != Binding::Body {
        // Bound to the URI or headers: never part of the JSON body.
        return if f.optional {
            quote!(#[serde(skip)])
        } else {
            quote!(#[serde(skip, default = "crate::json::fallback")])
        };
    }
    let wire = &f.wire_name;
    let rename = if f.name.trim_start_matches("r#") == wire.as_str() { quote!() } else { quote!(rename = #wire,) };
    let timestamp = match (&f.ty, f.timestamp_format) {
        (RustType::Timestamp, format) => Some(match format.unwrap_or(TimestampFormat::EpochSeconds) {
            TimestampFormat::DateTime => "crate::timestamp::date_time",
            TimestampFormat::EpochSeconds => "crate::timestamp::epoch_seconds",
            TimestampFormat::HttpDate => "crate::timestamp::http_date",
        }),
        _ => None,
    };
    if f.optional {
        return match timestamp {
            Some(module) => {
                let with = format!("{module}::option");
                quote!(#[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none", with = #with)])
            }
            None => quote!(#[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]),
        };
    }
    let default = match &f.default {
        Some(DefaultValue::Zero) | None => "crate::json::fallback".to_owned(),
        Some(_) => default_fn_name(s, f).to_string(),
    };
    match (timestamp, &f.default) {
        (Some(module), _) => quote!(#[serde(#rename default = #default, with = #module)]),
        (None, Some(DefaultValue::Zero) | None) => {
            quote!(#[serde(#rename default = #default, deserialize_with = "crate::json::or_fallback")])
        }
        (None, Some(_)) => {
            let de = format!("{}_or_null", default_fn_name(s, f));
            quote!(#[serde(#rename default = #default, deserialize_with = #de)])
        }
    }
}

fn default_fn_name(s: &Struct, f: &Field) -> proc_macro2::Ident {
    use heck::ToSnakeCase;
    format_ident!("default_{}_{}", s.name.to_snake_case(), f.name.trim_start_matches("r#"))
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
    }
}

/// For a non-zero default: the function serde calls for a missing member and
/// one that maps `null` to the default too.
fn default_fns(s: &Struct, f: &Field) -> Option<TokenStream> {
    match (&f.default, f.optional, &f.binding) {
        (Some(DefaultValue::Zero) | None, _, _) | (_, true, _) => return None,
        (_, _, binding) if *binding != Binding::Body => return None,
        _ => {}
    }
    if !s.serde.deserialize {
        return None;
    }
    let name = default_fn_name(s, f);
    let or_null = format_ident!("{}_or_null", name);
    let ty = inner_type(f);
    let value = default_expr(f);
    Some(quote! {
        fn #name() -> #ty {
            #value
        }

        fn #or_null<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<#ty, D::Error> {
            let value: ::std::option::Option<#ty> = ::serde::Deserialize::deserialize(deserializer)?;
            ::std::result::Result::Ok(value.unwrap_or_else(#name))
        }
    })
}

fn fallback_impl(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        quote!(#field: crate::json::Fallback::fallback(),)
    });
    quote! {
        impl crate::json::Fallback for #name {
            fn fallback() -> Self {
                Self { #(#fields)* }
            }
        }
    }
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

fn builder(s: &Struct, builder_name: &proc_macro2::Ident) -> TokenStream {
    let target = ident(&s.name);
    let doc = format!(" A builder for [`{0}`](super::{0}).", s.name);
    let slots = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let ty = type_tokens(&f.ty);
        quote!(pub(crate) #field: ::std::option::Option<#ty>,)
    });
    let setters = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let set = format_ident!("set_{}", f.name.trim_start_matches("r#"));
        let ty = type_tokens(&f.ty);
        let doc = docs(&field_docs(f));
        quote! {
            #doc
            pub fn #field(mut self, input: impl ::std::convert::Into<#ty>) -> Self {
                self.#field = ::std::option::Option::Some(input.into());
                self
            }

            #doc
            pub fn #set(mut self, input: ::std::option::Option<#ty>) -> Self {
                self.#field = input;
                self
            }
        }
    });
    let fallible = s.fields.iter().any(|f| f.required && f.default.is_none());
    let values = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let missing = {
            let shape = &s.name;
            let setter = &f.name;
            let member = &f.member;
            quote!(self.#field.ok_or_else(|| crate::error::BuildError::missing(#shape, #setter, #member))?)
        };
        let boxed = |value: TokenStream| if f.boxed { quote!(::std::boxed::Box::new(#value)) } else { value };
        let value = match (f.optional, f.required && f.default.is_none()) {
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
                    Some(DefaultValue::String(_)) => quote!(self.#field.unwrap_or_else(|| #default)),
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
            .filter(|f| f.required && f.default.is_none())
            .map(|f| format!("`{}`", f.name.trim_start_matches("r#")))
            .collect();
        format!(" Builds the value; fails with a [`BuildError`](crate::error::BuildError) naming the first required member left unset ({}).", required.join(", "))
    } else {
        " Builds the value.".to_owned()
    };
    let (ret, body) = if fallible {
        (
            quote!(::std::result::Result<super::#target, crate::error::BuildError>),
            quote!(::std::result::Result::Ok(super::#target { #(#values)* })),
        )
    } else {
        (quote!(super::#target), quote!(super::#target { #(#values)* }))
    };
    let debug_derive = if needs_redaction(s) { quote!() } else { quote!(::std::fmt::Debug,) };
    let debug_impl = debug_impl(&format!("{}Builder", s.name), s);
    quote! {
        #[doc = #doc]
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::std::default::Default, #debug_derive)]
        pub struct #builder_name {
            #(#slots)*
        }

        impl #builder_name {
            #(#setters)*

            #[doc = #build_doc]
            pub fn build(self) -> #ret {
                #body
            }
        }

        #debug_impl
    }
}

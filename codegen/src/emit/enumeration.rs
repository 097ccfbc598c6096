//! Enums (`enum`, `intEnum` and strings with the `smithy.api#enum` trait):
//! a variant per value plus `Unknown`, which keeps values this crate does
//! not know so that they round-trip unchanged.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{docs, ident};
use crate::ir::{Enum, EnumValue};

pub fn emit(e: &Enum) -> TokenStream {
    if e.int {
        emit_int(e)
    } else {
        emit_string(e)
    }
}

fn variant_docs(e: &Enum) -> Vec<TokenStream> {
    e.variants
        .iter()
        .map(|v| {
            let mut lines = v.docs.clone();
            let wire = match &v.value {
                EnumValue::String(s) => format!("`{s}`"),
                EnumValue::Int(i) => format!("`{i}`"),
            };
            if lines.is_empty() {
                lines.push(format!("The value {wire}."));
            } else {
                lines.push(String::new());
                lines.push(format!("On the wire: {wire}."));
            }
            let doc = docs(&lines);
            let name = ident(&v.name);
            quote!(#doc #name,)
        })
        .collect()
}

fn debug(e: &Enum) -> (TokenStream, TokenStream) {
    let name = ident(&e.name);
    if !e.sensitive {
        return (quote!(::std::fmt::Debug,), quote!());
    }
    let label = &e.name;
    let redacted = format!("{label}(*** Sensitive Data Redacted ***)");
    let imp = quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#redacted)
            }
        }
    };
    (quote!(), imp)
}

fn emit_string(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let doc = docs(&e.docs);
    let variants = variant_docs(e);
    let values: Vec<&str> = e
        .variants
        .iter()
        .map(|v| match &v.value {
            EnumValue::String(s) => s.as_str(),
            EnumValue::Int(_) => "",
        })
        .collect();
    let idents: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let (debug_derive, debug_impl) = debug(e);
    let usage = e.variants.first().map(|first| {
        let value = match &first.value {
            EnumValue::String(s) => s.clone(),
            EnumValue::Int(i) => i.to_string(),
        };
        let first = &first.name;
        let line1 = format!(" Build one from its wire value with `From<&str>` or `parse`: `{name}::from(\"{value}\")` is `{name}::{first}`;");
        let line2 = " a value this crate does not know becomes `Unknown` and keeps its text.".to_string();
        quote!(#[doc = ""] #[doc = #line1] #[doc = #line2])
    });
    quote! {
        #doc
        #usage
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, #debug_derive)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept as received.
            Unknown(crate::primitives::UnknownValue),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Every value this version of the crate knows.
            pub const fn values() -> &'static [&'static str] {
                &[#(#values),*]
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::Unknown(crate::primitives::UnknownValue::new(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#values => Self::#idents,)*
                    _ => Self::Unknown(crate::primitives::UnknownValue::new(value)),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #debug_impl
    }
}

fn emit_int(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let doc = docs(&e.docs);
    let variants = variant_docs(e);
    let values: Vec<Literal> = e
        .variants
        .iter()
        .map(|v| match &v.value {
            EnumValue::Int(i) => Literal::i32_unsuffixed(*i),
            EnumValue::String(_) => Literal::i32_unsuffixed(0),
        })
        .collect();
    let idents: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let (debug_derive, debug_impl) = debug(e);
    quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::marker::Copy, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, #debug_derive)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept as received.
            Unknown(crate::primitives::UnknownIntValue),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn value(&self) -> i32 {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Unknown(value) => value.value(),
                }
            }

            /// Every value this version of the crate knows.
            pub const fn values() -> &'static [i32] {
                &[#(#values),*]
            }
        }

        impl ::std::convert::From<i32> for #name {
            fn from(value: i32) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::Unknown(crate::primitives::UnknownIntValue::new(other)),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        #debug_impl
    }
}

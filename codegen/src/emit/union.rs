//! Unions: a Rust enum with one variant per member, plus `Unknown`, which
//! keeps a member this crate does not know (its name and JSON value).

use proc_macro2::TokenStream;
use quote::quote;

use super::structure::wire;
use super::{docs, ident, type_tokens};
use crate::ir::{Field, Struct};

pub fn emit(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let doc = docs(&s.docs);
    let variants = s.fields.iter().map(|f| {
        let variant = ident(&f.name);
        let ty = variant_type(f);
        let mut lines = f.docs.clone();
        if lines.is_empty() {
            lines.push(format!("The `{}` member.", f.member));
        }
        let doc = docs(&lines);
        quote!(#doc #variant(#ty),)
    });
    let debug = if s.sensitive || s.fields.iter().any(|f| f.sensitive) {
        let label = format!("{}(*** Sensitive Data Redacted ***)", s.name);
        (
            quote!(),
            quote! {
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#label)
                    }
                }
            },
        )
    } else {
        (quote!(::std::fmt::Debug,), quote!())
    };
    let (debug_derive, debug_impl) = debug;
    let serialize = s.serde.serialize.then(|| serialize_impl(s));
    let deserialize = s.serde.deserialize.then(|| deserialize_impl(s));
    quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq, #debug_derive)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A member this version of the crate does not know, kept as received.
            Unknown(crate::primitives::UnknownMember),
        }

        #debug_impl
        #serialize
        #deserialize
    }
}

fn variant_type(f: &Field) -> TokenStream {
    let ty = type_tokens(&f.ty);
    if f.boxed {
        quote!(::std::boxed::Box<#ty>)
    } else {
        ty
    }
}

fn serialize_impl(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let arms = s.fields.iter().map(|f| {
        let variant = ident(&f.name);
        let wire_name = &f.wire_name;
        let value = match wire(&f.ty, f.timestamp_format) {
            Some(w) => quote!(&crate::json::Out::<#w>(value)),
            None => quote!(value),
        };
        quote!(Self::#variant(value) => map.serialize_entry(#wire_name, #value)?,)
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::Some(1))?;
                match self {
                    #(#arms)*
                    Self::Unknown(member) => {
                        return ::std::result::Result::Err(::serde::ser::Error::custom(::std::format!(
                            "cannot send the unknown union member `{}`",
                            member.name()
                        )))
                    }
                }
                map.end()
            }
        }
    }
}

fn deserialize_impl(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let arms = s.fields.iter().map(|f| {
        let variant = ident(&f.name);
        let wire_name = &f.wire_name;
        let read = match wire(&f.ty, f.timestamp_format) {
            Some(w) => quote!(crate::json::Wire::into_value(map.next_value::<#w>()?)),
            None => {
                let ty = type_tokens(&f.ty);
                quote!(map.next_value::<::std::option::Option<#ty>>()?)
            }
        };
        let wrap = if f.boxed { quote!(Self::Value::#variant(::std::boxed::Box::new(value))) } else { quote!(Self::Value::#variant(value)) };
        quote! {
            #wire_name => {
                if let ::std::option::Option::Some(value) = #read {
                    chosen.push(#wrap);
                }
            }
        }
    });
    let deserialize = super::structure::map_deserialize(
        &name,
        label,
        quote! {
            // Members set to null do not count; `__type` is ignored.
            let mut chosen = ::std::vec::Vec::with_capacity(1);
            while let ::std::option::Option::Some(key) = map.next_key::<crate::json::Str<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    "__type" => {
                        map.next_value::<::serde::de::IgnoredAny>()?;
                    }
                    other => {
                        let value: crate::primitives::Document = map.next_value()?;
                        if !value.is_null() {
                            chosen.push(Self::Value::Unknown(crate::primitives::UnknownMember::new(other, value)));
                        }
                    }
                }
            }
            if chosen.len() == 1 {
                if let ::std::option::Option::Some(value) = chosen.pop() {
                    return ::std::result::Result::Ok(value);
                }
            }
            match chosen.len() {
                0 => ::std::result::Result::Err(::serde::de::Error::custom(::std::format!("the union {} has no member set", #label))),
                n => ::std::result::Result::Err(::serde::de::Error::custom(::std::format!("the union {} has {} members set, not one", #label, n))),
            }
        },
    );
    quote! {
        #deserialize

        impl crate::json::Fallback for #name {
            fn fallback() -> Self {
                Self::Unknown(crate::primitives::UnknownMember::new("", crate::primitives::Document::Null))
            }
        }
    }
}

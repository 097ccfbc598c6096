//! Unions: a Rust enum with one variant per member, plus `Unknown`, which
//! keeps a member this crate does not know (its name and value), and the
//! event stream impls of a `@streaming` union.

use proc_macro2::TokenStream;
use quote::quote;

use super::protocol::Codec;
use super::{docs, ident, type_tokens};
use crate::ir::{Binding, Crate, Field, Module, RustType, Struct, TypeDef, TypeRef};

/// The union's enum (and an event stream's error enum).
pub fn emit(krate: &Crate, s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let doc = docs(&s.docs);
    // An event stream's error members are its error enum's variants.
    let events: Vec<&Field> = s.fields.iter().filter(|f| s.event_errors.is_none() || error_of(f).is_none()).collect();
    let variants = events.iter().map(|f| {
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
    let event_errors = s.event_errors.as_ref().map(|errors| event_error_enum(krate, s, errors));
    let accessors = accessors(s, &events);
    let customized: Vec<TokenStream> =
        super::customize::decorators(krate).iter().filter_map(|d| d.union_items(krate, s)).collect();
    quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::cmp::PartialEq, #debug_derive)]
        #[non_exhaustive]
        // Variants are the modeled members as they are: boxing the large
        // ones would make building and matching them clumsier.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            /// A member this version of the crate does not know, kept as received.
            Unknown(crate::primitives::UnknownMember),
        }

        #accessors
        #(#customized)*
        #debug_impl
        #event_errors
    }
}

/// `as_<variant>()` (the value, if the union is that variant) and
/// `is_<variant>()`, for every variant, and `is_unknown()`.
fn accessors(s: &Struct, variants: &[&Field]) -> TokenStream {
    use heck::ToSnakeCase;
    let name = ident(&s.name);
    // Two variants may snake-case alike (`AB` and `Ab`): the later one gets
    // a numbered name; `is_unknown` is taken.
    let mut taken = std::collections::BTreeSet::from(["unknown".to_owned()]);
    let methods = variants.iter().map(|f| {
        let variant = ident(&f.name);
        let base = f.name.trim_start_matches("r#").to_snake_case();
        let mut snake = base.clone();
        let mut n = 2;
        while !taken.insert(snake.clone()) {
            snake = format!("{base}_{n}");
            n += 1;
        }
        let (as_name, is_name) = (super::ident(&format!("as_{snake}")), super::ident(&format!("is_{snake}")));
        let ty = type_tokens(&f.ty);
        let as_doc = format!(" The `{}` value, if this is that variant.", f.member);
        let is_doc = format!(" Whether this is the `{}` variant.", f.member);
        let value = if f.boxed { quote!(&**value) } else { quote!(value) };
        quote! {
            #[doc = #as_doc]
            pub fn #as_name(&self) -> ::std::option::Option<&#ty> {
                match self {
                    Self::#variant(value) => ::std::option::Option::Some(#value),
                    _ => ::std::option::Option::None,
                }
            }

            #[doc = #is_doc]
            pub fn #is_name(&self) -> bool {
                ::std::matches!(self, Self::#variant(_))
            }
        }
    });
    quote! {
        impl #name {
            #(#methods)*

            /// Whether this is a member this version of the crate does not know.
            pub fn is_unknown(&self) -> bool {
                ::std::matches!(self, Self::Unknown(_))
            }
        }
    }
}

/// The error a member of an event stream union names, if it is one.
fn error_of(f: &Field) -> Option<&TypeRef> {
    match &f.ty {
        RustType::Named(r) if r.module == Module::Error => Some(r),
        _ => None,
    }
}

/// The error enum of an event stream.
fn event_error_enum(krate: &Crate, s: &Struct, error_name: &str) -> TokenStream {
    let error = ident(error_name);
    let refs: Vec<TypeRef> = s.fields.iter().filter_map(error_of).cloned().collect();
    let doc = format!(
        " An error that ends a [`{}`] event stream: one variant per exception the model lists, and `Unhandled` for everything else.",
        s.name
    );
    let error_enum = super::operation::error_enum_named(krate, error_name, &doc, &refs);
    quote! {
        #error_enum

        impl ::std::convert::From<crate::error::Unhandled> for #error {
            fn from(error: crate::error::Unhandled) -> Self {
                Self::Unhandled(error)
            }
        }
    }
}

/// How a union travels in the `wire` module: the codec's impls, or for an
/// event stream, how its messages are read.
pub fn wire(krate: &Crate, s: &Struct, codec: &dyn Codec) -> TokenStream {
    match &s.event_errors {
        None => codec.union(s),
        Some(error_name) => {
            let events: Vec<&Field> = s.fields.iter().filter(|f| error_of(f).is_none()).collect();
            // Read when an output streams it, written when an input does.
            let read = s.serde.deserialize.then(|| event_stream_impl(krate, s, error_name, &events, codec));
            let write = s.serde.serialize.then(|| event_marshal_impl(krate, s, error_name, &events));
            quote!(#read #write)
        }
    }
}

/// How the events of a stream a caller sends become messages (restJson1:
/// JSON payloads), and its modeled exceptions too.
fn event_marshal_impl(krate: &Crate, s: &Struct, error_name: &str, events: &[&Field]) -> TokenStream {
    let name = ident(&s.name);
    let error = ident(error_name);
    let json = |value: TokenStream| quote!(crate::json::to_vec(#value)?);
    let typed_json = |ty: &RustType, value: TokenStream| {
        let ty = type_tokens(ty);
        quote!(crate::json::to_vec::<#ty>(#value)?)
    };
    let event_arms = events.iter().map(|f| {
        let variant = ident(&f.name);
        let event_type = &f.member;
        let Some(target) = event_structure(krate, f) else {
            // Not a structure (Smithy requires one): the value as JSON.
            let payload = typed_json(&f.ty, quote!(value));
            return quote! {
                Self::#variant(value) => crate::event_stream::outgoing(
                    "event", #event_type, ::std::option::Option::Some("application/json"), ::std::vec::Vec::new(), #payload,
                ),
            };
        };
        let headers = target.fields.iter().filter_map(|m| {
            let Binding::EventHeader(header) = &m.binding else { return None };
            let field = ident(&m.name);
            let value = match &m.ty {
                RustType::Timestamp(_) => quote!(crate::event_stream::HeaderValue::Timestamp(
                    i64::try_from(value.unix_timestamp_nanos() / 1_000_000)?
                )),
                RustType::Named(r) if r.is_enum && r.int_enum => quote!(crate::event_stream::HeaderValue::Int(value.value())),
                RustType::Named(r) if r.is_enum => {
                    quote!(crate::event_stream::HeaderValue::String(value.as_str().to_owned()))
                }
                _ => quote!(crate::event_stream::ToHeader::to_header(value)),
            };
            Some(if m.optional {
                quote! {
                    if let ::std::option::Option::Some(value) = &event.#field {
                        headers.push((#header.to_owned(), #value));
                    }
                }
            } else {
                quote! {
                    let value = &event.#field;
                    headers.push((#header.to_owned(), #value));
                }
            })
        });
        let payload_field = target.fields.iter().find(|m| m.binding == Binding::EventPayload);
        let has_body = target.fields.iter().any(|m| m.binding == Binding::Body);
        let (content_type, payload) = match payload_field {
            Some(m) => {
                let field = ident(&m.name);
                let (content_type, bytes) = match &m.ty {
                    RustType::Blob => ("application/octet-stream", quote!(value.as_ref().to_vec())),
                    RustType::String => ("text/plain", quote!(value.as_bytes().to_vec())),
                    _ => ("application/json", json(quote!(value))),
                };
                let bytes = if m.optional {
                    quote!(match &event.#field {
                        ::std::option::Option::Some(value) => #bytes,
                        ::std::option::Option::None => ::std::vec::Vec::new(),
                    })
                } else {
                    quote!({
                        let value = &event.#field;
                        #bytes
                    })
                };
                (quote!(::std::option::Option::Some(#content_type)), bytes)
            }
            None if has_body => (quote!(::std::option::Option::Some("application/json")), typed_json(&f.ty, quote!(event))),
            None => (quote!(::std::option::Option::None), quote!(::std::vec::Vec::new())),
        };
        let headers: Vec<TokenStream> = headers.collect();
        let headers_mut = if headers.is_empty() { quote!() } else { quote!(mut) };
        let event_binding = if headers.is_empty() && payload_field.is_none() && !has_body { quote!(_event) } else { quote!(event) };
        quote! {
            Self::#variant(#event_binding) => {
                let #headers_mut headers = ::std::vec::Vec::new();
                #(#headers)*
                crate::event_stream::outgoing("event", #event_type, #content_type, headers, #payload)
            }
        }
    });
    let errors: Vec<(&Field, &TypeRef)> = s.fields.iter().filter_map(|f| Some((f, error_of(f)?))).collect();
    let error_arms: Vec<TokenStream> = errors.iter().map(|(f, r)| {
        let exception_type = &f.member;
        let variant = ident(&r.name);
        let payload = json(quote!(e));
        quote! {
            #error::#variant(e) => crate::event_stream::outgoing(
                "exception", #exception_type, ::std::option::Option::Some("application/json"), ::std::vec::Vec::new(), #payload,
            ),
        }
    }).collect();
    let marshal_error = if error_arms.is_empty() {
        quote! {
            let _ = error;
            ::std::result::Result::Err("the stream models no exception to send".into())
        }
    } else {
        quote! {
            ::std::result::Result::Ok(match error {
                #(#error_arms)*
                #[allow(unreachable_patterns)]
                _ => return ::std::result::Result::Err("only the stream's modeled exceptions can be sent".into()),
            })
        }
    };
    quote! {
        impl crate::event_stream::EventMarshal for #name {
            type Error = #error;

            fn marshal(&self) -> ::std::result::Result<crate::event_stream::Message, ::std::boxed::Box<dyn ::std::error::Error + Send + Sync>> {
                ::std::result::Result::Ok(match self {
                    #(#event_arms)*
                    Self::Unknown(member) => {
                        return ::std::result::Result::Err(::std::format!("the unknown event `{}` cannot be sent", member.name()).into())
                    }
                })
            }

            fn marshal_error(error: &#error) -> ::std::result::Result<crate::event_stream::Message, ::std::boxed::Box<dyn ::std::error::Error + Send + Sync>> {
                #marshal_error
            }
        }
    }
}

/// How the messages of an event stream are read.
fn event_stream_impl(krate: &Crate, s: &Struct, error_name: &str, events: &[&Field], codec: &dyn Codec) -> TokenStream {
    let name = ident(&s.name);
    let error = ident(error_name);
    let errors: Vec<(&Field, &TypeRef)> = s.fields.iter().filter_map(|f| Some((f, error_of(f)?))).collect();
    let event_arms = events.iter().map(|f| {
        let variant = ident(&f.name);
        let event_type = &f.member;
        let value = event_value(krate, f, codec);
        let value = if f.boxed { quote!(::std::boxed::Box::new(#value)) } else { value };
        quote!(#event_type => Self::#variant(#value),)
    });
    let exception_arms = errors.iter().map(|(f, r)| {
        let exception_type = &f.member;
        let variant = ident(&r.name);
        let ty = type_tokens(&f.ty);
        let read = codec.read_payload(ty.clone(), quote!(message.payload()));
        quote! {
            #exception_type => ::std::option::Option::Some(
                #read.map_err(::std::convert::Into::into).map(|mut e| {
                    e._meta = crate::error::ErrorMetadata::new(::std::option::Option::Some(#ty::CODE.to_owned()), None, None, None);
                    #error::#variant(e)
                }),
            ),
        }
    });
    let exception_body = if errors.is_empty() {
        quote! {
            let _ = (exception_type, message);
            ::std::option::Option::None
        }
    } else {
        quote! {
            match exception_type {
                #(#exception_arms)*
                _ => ::std::option::Option::None,
            }
        }
    };
    quote! {
        impl crate::event_stream::EventUnion for #name {
            type Error = #error;

            fn event(event_type: &str, message: &crate::event_stream::Message) -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Send + Sync>> {
                ::std::result::Result::Ok(match event_type {
                    #(#event_arms)*
                    other => Self::Unknown(crate::primitives::UnknownMember::new(other, crate::primitives::Document::Null)),
                })
            }

            fn exception(exception_type: &str, message: &crate::event_stream::Message) -> ::std::option::Option<::std::result::Result<#error, ::std::boxed::Box<dyn ::std::error::Error + Send + Sync>>> {
                #exception_body
            }
        }
    }
}

/// An expression reading the event member `f` from `message`: its
/// structure from the JSON payload, then the members bound to headers and
/// to the whole payload.
fn event_value(krate: &Crate, f: &Field, codec: &dyn Codec) -> TokenStream {
    let ty = type_tokens(&f.ty);
    let payload = codec.read_payload(ty.clone(), quote!(message.payload()));
    let Some(target) = event_structure(krate, f) else {
        // Not a structure (Smithy requires one): read it as JSON.
        return quote!(#payload?);
    };
    let bound = |f: &&Field| matches!(f.binding, Binding::EventHeader(_) | Binding::EventPayload);
    if !target.fields.iter().any(|f| bound(&f)) {
        return quote!(#payload?);
    }
    let has_payload = target.fields.iter().any(|f| f.binding == Binding::EventPayload);
    let start = if has_payload {
        codec.zero_value()
    } else {
        quote!(#payload?)
    };
    let assignments = target.fields.iter().filter(bound).map(|m| {
        let field = ident(&m.name);
        let read = match &m.binding {
            Binding::EventHeader(header) => match &m.ty {
                RustType::Timestamp(_) => quote! {
                    crate::event_stream::header_as::<crate::event_stream::Millis>(message, #header)?
                        .map(|millis| ::time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis.0) * 1_000_000))
                        .transpose()?
                },
                RustType::Named(r) if r.is_enum && r.int_enum => {
                    let ty = type_tokens(&m.ty);
                    quote!(crate::event_stream::header_as::<i32>(message, #header)?.map(#ty::from))
                }
                RustType::Named(r) if r.is_enum => {
                    let ty = type_tokens(&m.ty);
                    quote!(crate::event_stream::header_as::<::std::string::String>(message, #header)?.map(|text| #ty::from(text.as_str())))
                }
                ty => {
                    let ty = type_tokens(ty);
                    quote!(crate::event_stream::header_as::<#ty>(message, #header)?)
                }
            },
            _ => {
                let value = match &m.ty {
                    RustType::Blob => quote!(crate::primitives::Blob::new(message.payload().to_vec())),
                    RustType::String => quote!(::std::string::String::from_utf8(message.payload().to_vec())?),
                    other => {
                        let read = codec.read_payload(type_tokens(other), quote!(message.payload()));
                        quote!(#read?)
                    }
                };
                quote!(::std::option::Option::Some(#value))
            }
        };
        if m.optional {
            quote!(value.#field = #read;)
        } else {
            quote! {
                if let ::std::option::Option::Some(read) = #read {
                    value.#field = read;
                }
            }
        }
    });
    quote!({
        let mut value: #ty = #start;
        #(#assignments)*
        value
    })
}

/// The structure an event member of a stream names (Smithy requires one;
/// anything else travels as its JSON).
fn event_structure<'a>(krate: &'a Crate, f: &Field) -> Option<&'a Struct> {
    match &f.ty {
        RustType::Named(r) => match krate.types.get(&r.name) {
            Some(TypeDef::Struct(t)) if t.kind != crate::ir::StructKind::Union => Some(t),
            _ => None,
        },
        _ => None,
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


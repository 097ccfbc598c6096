//! The JSON codec, shared by the JSON protocols: one plain `ToJson` /
//! `FromJson` function per type over the runtime's `json::Writer` and
//! `json::Reader` (no generic visitors), and the `Fallback` zero value of
//! Smithy's client error correction. Members go by their wire names
//! (decided by the protocol in the IR); timestamps without a format of
//! their own are epoch seconds, as in every JSON protocol.

use proc_macro2::TokenStream;
use quote::quote;

use super::protocol::Codec;
use super::{ident, type_tokens};
use crate::ir::{Binding, DefaultValue, Enum, Field, RustType, Struct, TimestampFormat};

/// The JSON codec.
pub(crate) struct Json;

impl Codec for Json {
    fn structure(&self, s: &Struct) -> TokenStream {
        let writer = s.serde.serialize.then(|| structure_writer(s));
        let reader = s.serde.deserialize.then(|| structure_reader(s));
        quote!(#writer #reader)
    }

    fn union(&self, s: &Struct) -> TokenStream {
        let writer = s.serde.serialize.then(|| union_writer(s));
        let reader = s.serde.deserialize.then(|| union_reader(s));
        quote!(#writer #reader)
    }

    fn enumeration(&self, e: &Enum) -> TokenStream {
        let name = ident(&e.name);
        if e.int {
            let serialize = e.serde.serialize.then(|| {
                quote! {
                    impl crate::json::ToJson for #name {
                        fn write(&self, writer: &mut crate::json::Writer) {
                            writer.i64(i64::from(self.value()));
                        }
                    }
                }
            });
            let deserialize = e.serde.deserialize.then(|| {
                quote! {
                    impl crate::json::FromJson for #name {
                        fn read(reader: &mut crate::json::Reader<'_>) -> ::std::result::Result<::std::option::Option<Self>, crate::json::JsonError> {
                            ::std::result::Result::Ok(<i32 as crate::json::FromJson>::read(reader)?.map(Self::from))
                        }
                    }

                    impl crate::json::Fallback for #name {
                        fn fallback() -> Self {
                            Self::from(0)
                        }
                    }
                }
            });
            quote!(#serialize #deserialize)
        } else {
            let serialize = e.serde.serialize.then(|| {
                quote! {
                    impl crate::json::ToJson for #name {
                        fn write(&self, writer: &mut crate::json::Writer) {
                            writer.string(self.as_str());
                        }
                    }
                }
            });
            let deserialize = e.serde.deserialize.then(|| {
                quote! {
                    impl crate::json::FromJson for #name {
                        fn read(reader: &mut crate::json::Reader<'_>) -> ::std::result::Result<::std::option::Option<Self>, crate::json::JsonError> {
                            ::std::result::Result::Ok(reader.str()?.map(|value| Self::from(value.as_str())))
                        }
                    }

                    impl crate::json::Fallback for #name {
                        fn fallback() -> Self {
                            Self::Unknown(crate::primitives::UnknownValue::new(""))
                        }
                    }
                }
            });
            quote!(#serialize #deserialize)
        }
    }

    fn zero_value(&self) -> TokenStream {
        quote!(crate::json::Fallback::fallback())
    }

    fn read_payload(&self, ty: TokenStream, bytes: TokenStream) -> TokenStream {
        quote!(crate::json::from_body::<#ty>(#bytes))
    }
}

/// The JSON form of a type when serde's own impls are not it: timestamps
/// in their format (restJson1 bodies default to epoch-seconds; `format` is
/// a member's own trait), floats (NaN and infinities are strings), blobs
/// (base64), and collections (which drop `null` entries unless sparse).
fn wire(ty: &RustType, format: Option<TimestampFormat>) -> Option<TokenStream> {
    Some(match ty {
        RustType::Timestamp(own) => match format.or(*own).unwrap_or(TimestampFormat::EpochSeconds) {
            TimestampFormat::DateTime => quote!(crate::timestamp::DateTime),
            TimestampFormat::EpochSeconds => quote!(crate::timestamp::EpochSeconds),
            TimestampFormat::HttpDate => quote!(crate::timestamp::HttpDate),
        },
        RustType::F32 => quote!(crate::json::Float<f32>),
        RustType::F64 => quote!(crate::json::Float<f64>),
        RustType::Blob => quote!(crate::json::Base64),
        RustType::List { item, sparse } => {
            let item = wire_or_plain(item);
            if *sparse {
                quote!(crate::json::SparseList<#item>)
            } else {
                quote!(crate::json::List<#item>)
            }
        }
        RustType::Map { value, sparse } => {
            let value = wire_or_plain(value);
            if *sparse {
                quote!(crate::json::SparseMap<#value>)
            } else {
                quote!(crate::json::Map<#value>)
            }
        }
        _ => return None,
    })
}

fn wire_or_plain(ty: &RustType) -> TokenStream {
    wire(ty, None).unwrap_or_else(|| {
        let ty = type_tokens(ty);
        quote!(crate::json::Plain<#ty>)
    })
}

fn wire_type(f: &Field) -> Option<TokenStream> {
    wire(&f.ty, f.timestamp_format)
}

/// Writes the body members as a JSON object, leaving out absent ones.
fn structure_writer(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let entries = s.fields.iter().filter(|f| f.binding == Binding::Body).map(|f| {
        let field = ident(&f.name);
        let wire = &f.wire_name;
        let write = write_value(f);
        if f.optional {
            quote! {
                if let ::std::option::Option::Some(value) = &self.#field {
                    writer.key(#wire);
                    #write
                }
            }
        } else {
            quote! {
                let value = &self.#field;
                writer.key(#wire);
                #write
            }
        }
    });
    quote! {
        impl crate::json::ToJson for #name {
            fn write(&self, writer: &mut crate::json::Writer) {
                writer.begin_object();
                #(#entries)*
                writer.end_object();
            }
        }
    }
}

/// Writes `value` (a reference to the member's value) in its JSON form.
fn write_value(f: &Field) -> TokenStream {
    match wire_type(f) {
        Some(wire_type) => quote!(<#wire_type as crate::json::WireWrite>::write(value, writer);),
        None => quote!(crate::json::ToJson::write(value, writer);),
    }
}

/// Reads a JSON object (and only an object): known members by wire name,
/// `null` as absent, unknown members skipped, missing required members
/// filled with their default or a zero value.
fn structure_reader(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let body: Vec<&Field> = s.fields.iter().filter(|f| f.binding == Binding::Body).collect();
    let slot = super::structure::local_name;
    // The slots' types are inferred from the fields they fill.
    let slots = body.iter().map(|f| {
        let slot = slot(f);
        quote!(let mut #slot = ::std::option::Option::None;)
    });
    let arms = body.iter().map(|f| {
        let slot = slot(f);
        let wire = &f.wire_name;
        match wire_type(f) {
            // A timestamp that does not read names its member: services
            // send timestamps in forms their model does not say.
            Some(wire_type) if f.ty.contains_timestamp() => quote! {
                #wire => #slot = <#wire_type as crate::json::Wire>::read_member(reader, #label, #wire)?,
            },
            Some(wire_type) => quote!(#wire => #slot = <#wire_type as crate::json::Wire>::read(reader)?,),
            None => quote!(#wire => #slot = crate::json::read(reader)?,),
        }
    });
    let values = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let value = if f.binding == Binding::Body {
            let slot = slot(f);
            finish(f, Some(quote!(#slot)))
        } else {
            finish(f, None)
        };
        quote!(#field: #value,)
    });
    let fallback_values = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let value = finish(f, None);
        quote!(#field: #value,)
    });
    let extra = super::structure::extra_init(s);
    let read_loop = if body.is_empty() {
        quote! {
            while reader.next_key()?.is_some() {
                reader.skip()?;
            }
        }
    } else {
        quote! {
            #(#slots)*
            while let ::std::option::Option::Some(key) = reader.next_key()? {
                match key.as_str() {
                    #(#arms)*
                    _ => reader.skip()?,
                }
            }
        }
    };
    let deserialize = object_reader(
        &name,
        label,
        quote! {
            #read_loop
            ::std::result::Result::Ok(::std::option::Option::Some(#name { #(#values)* #extra }))
        },
    );
    quote! {
        #deserialize

        impl crate::json::Fallback for #name {
            fn fallback() -> Self {
                Self { #(#fallback_values)* #extra }
            }
        }
    }
}

/// `FromJson` for a type read from a JSON object: `body` reads its
/// members with `reader` after the object has been opened (`null` reads as
/// `None`); `label` names the type in the "expected an object" message.
fn object_reader(name: &proc_macro2::Ident, label: &str, body: TokenStream) -> TokenStream {
    quote! {
        impl crate::json::FromJson for #name {
            fn read(reader: &mut crate::json::Reader<'_>) -> ::std::result::Result<::std::option::Option<Self>, crate::json::JsonError> {
                if !reader.object(#label)? {
                    return ::std::result::Result::Ok(::std::option::Option::None);
                }
                #body
            }
        }
    }
}

/// The field's value from what was read (`slot`, an `Option` of the
/// unboxed type, or `None` for a member the JSON never carries): absent
/// stays `None` for optional members; otherwise the member's default, or a
/// zero value (client error correction).
pub(crate) fn finish(f: &Field, slot: Option<TokenStream>) -> TokenStream {
    let value = match (slot, f.optional, &f.default) {
        (Some(slot), true, _) => return if f.boxed { quote!(#slot.map(::std::boxed::Box::new)) } else { slot },
        (None, true, _) => return quote!(::std::option::Option::None),
        (Some(slot), false, None | Some(DefaultValue::Zero)) => {
            quote!(#slot.unwrap_or_else(crate::json::Fallback::fallback))
        }
        (None, false, None | Some(DefaultValue::Zero)) => quote!(crate::json::Fallback::fallback()),
        (Some(slot), false, Some(d)) if !super::structure::is_copy_default(d) => {
            let default = super::structure::default_expr(f);
            quote!(#slot.unwrap_or_else(|| #default))
        }
        (Some(slot), false, Some(_)) => {
            let default = super::structure::default_expr(f);
            quote!(#slot.unwrap_or(#default))
        }
        (None, false, Some(_)) => super::structure::default_expr(f),
    };
    if f.boxed {
        quote!(::std::boxed::Box::new(#value))
    } else {
        value
    }
}

fn union_writer(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let arms = s.fields.iter().map(|f| {
        let variant = ident(&f.name);
        let wire_name = &f.wire_name;
        let write = write_value(f);
        quote! {
            Self::#variant(value) => {
                writer.key(#wire_name);
                #write
            }
        }
    });
    quote! {
        impl crate::json::ToJson for #name {
            fn write(&self, writer: &mut crate::json::Writer) {
                writer.begin_object();
                match self {
                    #(#arms)*
                    Self::Unknown(member) => {
                        writer.fail(::std::format!("cannot send the unknown union member `{}`", member.name()));
                    }
                }
                writer.end_object();
            }
        }
    }
}

fn union_reader(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let arms = s.fields.iter().map(|f| {
        let variant = ident(&f.name);
        let wire_name = &f.wire_name;
        let read = match wire(&f.ty, f.timestamp_format) {
            Some(w) => quote!(<#w as crate::json::Wire>::read(reader)?),
            None => {
                let ty = type_tokens(&f.ty);
                quote!(<#ty as crate::json::FromJson>::read(reader)?)
            }
        };
        let wrap =
            if f.boxed { quote!(Self::#variant(::std::boxed::Box::new(value))) } else { quote!(Self::#variant(value)) };
        quote! {
            #wire_name => match #read {
                ::std::option::Option::Some(value) => {
                    *out = ::std::option::Option::Some(#wrap);
                    true
                }
                ::std::option::Option::None => false,
            },
        }
    });
    // The union is read into `out`, where its value stays (a map's entry),
    // and the reader returns as soon as the one member it should hold is
    // read and its object ends. Members set to null do not count; `__type`
    // is ignored.
    let deserialize = quote! {
        impl crate::json::FromJson for #name {
            fn read(reader: &mut crate::json::Reader<'_>) -> ::std::result::Result<::std::option::Option<Self>, crate::json::JsonError> {
                let mut out = ::std::option::Option::None;
                Self::read_into(reader, &mut out)?;
                ::std::result::Result::Ok(out)
            }

            fn read_into(reader: &mut crate::json::Reader<'_>, out: &mut ::std::option::Option<Self>) -> ::std::result::Result<(), crate::json::JsonError> {
                if !reader.object(#label)? {
                    *out = ::std::option::Option::None;
                    return ::std::result::Result::Ok(());
                }
                let mut count = 0usize;
                while let ::std::option::Option::Some(key) = reader.next_key()? {
                    let set = match key.as_str() {
                        #(#arms)*
                        "__type" => {
                            reader.skip()?;
                            false
                        }
                        other => match reader.document()? {
                            ::std::option::Option::Some(value) => {
                                *out = ::std::option::Option::Some(Self::Unknown(crate::primitives::UnknownMember::new(other, value)));
                                true
                            }
                            ::std::option::Option::None => false,
                        },
                    };
                    if set {
                        if count == 0 && reader.end_of_object() {
                            return ::std::result::Result::Ok(());
                        }
                        count += 1;
                    }
                }
                if count == 1 {
                    ::std::result::Result::Ok(())
                } else {
                    ::std::result::Result::Err(crate::json::union_error(reader, #label, count))
                }
            }
        }
    };
    quote! {
        #deserialize

        impl crate::json::Fallback for #name {
            fn fallback() -> Self {
                Self::Unknown(crate::primitives::UnknownMember::new("", crate::primitives::Document::Null))
            }
        }
    }
}

//! The XML codec of restXml: one plain `ToXml` / `FromXml` function per
//! type over the runtime's `xml::Writer` and `xml::Element` (no generic
//! visitors). A type writes and reads its element's content (attributes
//! and children); the element itself is named by whoever holds it (the
//! member's `xmlName`, a list's member name, a body's root). Members go by
//! their wire names; timestamps without a format of their own are
//! `date-time`; lists and maps are wrapped unless `xmlFlattened`.

use proc_macro2::TokenStream;
use quote::quote;

use super::protocol::Codec;
use super::{ident, type_tokens};
use crate::ir::{Binding, Enum, Field, RustType, Struct, TimestampFormat, XmlItems, XmlNamespace, XmlNode};

/// The XML codec.
pub(crate) struct Xml;

impl Codec for Xml {
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
        // Enums travel as text (`as_str`, `From<&str>`); only their zero
        // value is needed here.
        let name = ident(&e.name);
        let zero = if e.int { quote!(Self::from(0)) } else { quote!(Self::Unknown(crate::primitives::UnknownValue::new(""))) };
        if !e.serde.deserialize {
            return quote!();
        }
        quote! {
            impl crate::json::Fallback for #name {
                fn fallback() -> Self {
                    #zero
                }
            }
        }
    }

    fn read_payload(&self, ty: TokenStream, bytes: TokenStream) -> TokenStream {
        quote!(crate::xml::from_xml::<#ty>(#bytes))
    }

    fn zero_value(&self) -> TokenStream {
        quote!(crate::json::Fallback::fallback())
    }
}

/// `writer.namespace(..)` for an element's namespace, if any.
pub(crate) fn namespace(ns: Option<&XmlNamespace>) -> TokenStream {
    match ns {
        Some(XmlNamespace { uri, prefix: Some(prefix) }) => {
            quote!(writer.namespace(::std::option::Option::Some(#prefix), #uri);)
        }
        Some(XmlNamespace { uri, prefix: None }) => quote!(writer.namespace(::std::option::Option::None, #uri);),
        None => quote!(),
    }
}

/// An expression of the text of a scalar (`value` a reference), or `None`
/// for what has no text form.
pub(crate) fn text_of(ty: &RustType, format: Option<TimestampFormat>, value: &TokenStream) -> Option<TokenStream> {
    Some(match ty {
        RustType::String => quote!(#value.as_str()),
        RustType::Named(r) if r.is_enum && !r.int_enum => quote!(#value.as_str()),
        RustType::Bool | RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => quote!(#value.to_string()),
        RustType::F32 => quote!(crate::http_binding::float_text_f32(*#value)),
        RustType::F64 => quote!(crate::http_binding::float_text(*#value)),
        RustType::Blob => quote!(crate::primitives::base64_encode(#value.as_ref())),
        RustType::Timestamp(own) => match format.or(*own).unwrap_or(TimestampFormat::DateTime) {
            TimestampFormat::DateTime => quote!(crate::timestamp::DateTime::format(#value).unwrap_or_default()),
            TimestampFormat::EpochSeconds => quote!(crate::timestamp::EpochSeconds::format(#value)),
            TimestampFormat::HttpDate => quote!(crate::timestamp::HttpDate::format(#value).unwrap_or_default()),
        },
        RustType::Named(r) if r.int_enum => quote!(#value.value().to_string()),
        _ => return None,
    })
}

/// Whether [`text_of`] is a `&str` already (else a `String`).
fn text_is_str(ty: &RustType) -> bool {
    matches!(ty, RustType::String) || matches!(ty, RustType::Named(r) if r.is_enum && !r.int_enum)
}

/// `text` as an argument taking `&str`.
pub(crate) fn text_arg(ty: &RustType, text: TokenStream) -> TokenStream {
    if text_is_str(ty) {
        text
    } else {
        quote!(&#text)
    }
}

/// Statements writing `value` (a reference) as the element `name`.
fn write_element(
    ty: &RustType,
    format: Option<TimestampFormat>,
    items: Option<&XmlItems>,
    name: &str,
    ns: Option<&XmlNamespace>,
    value: TokenStream,
) -> TokenStream {
    let ns = namespace(ns);
    match ty {
        RustType::List { .. } | RustType::Map { .. } => {
            let inner = write_items(ty, items, value, name, false);
            quote! {
                writer.start(#name);
                #ns
                #inner
                writer.end(#name);
            }
        }
        RustType::Named(r) if !r.is_enum => quote! {
            writer.start(#name);
            #ns
            crate::xml::ToXml::write_xml(#value, writer);
            writer.end(#name);
        },
        _ => match text_of(ty, format, &value) {
            Some(text) => {
                let text = text_arg(ty, text);
                quote! {
                    writer.start(#name);
                    #ns
                    writer.text(#text);
                    writer.end(#name);
                }
            }
            None => quote!(),
        },
    }
}

fn default_node(name: &str) -> XmlNode {
    XmlNode { name: name.to_owned(), namespace: None, items: None }
}

/// Statements writing a list's items or a map's entries (`value` a
/// reference to the collection): inside the wrapper, or, `flattened`, each
/// as an element named `outer` (the member's name).
fn write_items(ty: &RustType, items: Option<&XmlItems>, value: TokenStream, outer: &str, flattened: bool) -> TokenStream {
    match ty {
        RustType::List { item, sparse } => {
            let fallback = default_node("member");
            let node = match items {
                Some(XmlItems::List { member }) => member,
                _ => &fallback,
            };
            let name = if flattened { outer } else { node.name.as_str() };
            let inner = write_element(item, None, node.items.as_deref(), name, node.namespace.as_ref(), quote!(value));
            if *sparse {
                quote!(for value in #value.iter().flatten() { #inner })
            } else {
                quote!(for value in #value.iter() { #inner })
            }
        }
        RustType::Map { value: value_ty, sparse } => {
            let (fk, fv) = (default_node("key"), default_node("value"));
            let (key, val) = match items {
                Some(XmlItems::Map { key, value }) => (key, value),
                _ => (&fk, &fv),
            };
            let key_el = write_element(&RustType::String, None, None, &key.name, key.namespace.as_ref(), quote!(key));
            let value_el =
                write_element(value_ty, None, val.items.as_deref(), &val.name, val.namespace.as_ref(), quote!(value));
            let value_el = if *sparse { quote!(if let ::std::option::Option::Some(value) = value { #value_el }) } else { value_el };
            let entry = if flattened { outer } else { "entry" };
            quote! {
                let mut entries: ::std::vec::Vec<_> = #value.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, value) in entries {
                    writer.start(#entry);
                    #key_el
                    #value_el
                    writer.end(#entry);
                }
            }
        }
        _ => quote!(),
    }
}

/// Writes the body members: attributes first, then elements.
fn structure_writer(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let body: Vec<&Field> = s.fields.iter().filter(|f| f.binding == Binding::Body).collect();
    let attributes = body.iter().filter(|f| f.xml.attribute).map(|f| {
        let field = ident(&f.name);
        let wire = &f.wire_name;
        let text = match text_of(&f.ty, f.timestamp_format, &quote!(value)) {
            Some(text) => text_arg(&f.ty, text),
            None => quote!(""),
        };
        with_value(f, &field, quote!(writer.attribute(#wire, #text);))
    });
    let elements = body.iter().filter(|f| !f.xml.attribute).map(|f| {
        let field = ident(&f.name);
        let write = if f.xml.flattened && matches!(f.ty, RustType::List { .. } | RustType::Map { .. }) {
            // Flattened items carry the member's namespace themselves.
            write_items(&f.ty, f.xml.items.as_deref(), quote!(value), &f.wire_name, true)
        } else {
            write_element(&f.ty, f.timestamp_format, f.xml.items.as_deref(), &f.wire_name, f.xml.namespace.as_ref(), quote!(value))
        };
        with_value(f, &field, write)
    });
    let writer_name = if body.is_empty() { quote!(_writer) } else { quote!(writer) };
    quote! {
        impl crate::xml::ToXml for #name {
            fn write_xml(&self, #writer_name: &mut crate::xml::Writer) {
                #(#attributes)*
                #(#elements)*
            }
        }
    }
}

/// `write` with `value` bound to a reference to the field's value, when set.
fn with_value(f: &Field, field: &proc_macro2::Ident, write: TokenStream) -> TokenStream {
    let deref = if f.boxed { quote!(let value = &**value;) } else { quote!() };
    if f.optional {
        quote! {
            if let ::std::option::Option::Some(value) = &self.#field {
                #deref
                #write
            }
        }
    } else {
        quote! {
            {
                let value = &self.#field;
                #deref
                #write
            }
        }
    }
}

/// How a scalar reads from `text` (a `&str`): a value, or a `Result`
/// with an `XmlError`.
enum Scalar {
    Plain(TokenStream),
    Fallible(TokenStream),
}

fn read_scalar(ty: &RustType, format: Option<TimestampFormat>, text: TokenStream) -> Scalar {
    Scalar::Fallible(match ty {
        RustType::String => return Scalar::Plain(quote!(::std::string::String::from(#text))),
        RustType::Bool => quote!(crate::xml::boolean(#text)),
        RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => quote!(crate::xml::integer(#text)),
        RustType::F32 => quote!(crate::xml::float_f32(#text)),
        RustType::F64 => quote!(crate::xml::float(#text)),
        RustType::Blob => quote!(crate::xml::blob(#text)),
        RustType::Timestamp(own) => {
            let format = match format.or(*own).unwrap_or(TimestampFormat::DateTime) {
                TimestampFormat::DateTime => "date-time",
                TimestampFormat::EpochSeconds => "epoch-seconds",
                TimestampFormat::HttpDate => "http-date",
            };
            quote!(crate::xml::timestamp(#text, #format))
        }
        RustType::Named(r) if r.int_enum => {
            let ty = type_tokens(ty);
            quote!(crate::xml::integer::<i32>(#text).map(#ty::from))
        }
        RustType::Named(_) => {
            let ty = type_tokens(ty);
            return Scalar::Plain(quote!(#ty::from(#text)));
        }
        _ => return Scalar::Plain(quote!(::std::default::Default::default())),
    })
}

/// An expression reading the element `el` (a `&Element`) as the type, with `?`.
fn read_element(ty: &RustType, format: Option<TimestampFormat>, items: Option<&XmlItems>, el: TokenStream) -> TokenStream {
    match ty {
        RustType::List { item, sparse } => {
            let fallback = default_node("member");
            let node = match items {
                Some(XmlItems::List { member }) => member,
                _ => &fallback,
            };
            let name = local(&node.name);
            let read = read_element(item, None, node.items.as_deref(), quote!(child));
            let read = if *sparse { quote!(::std::option::Option::Some(#read)) } else { read };
            quote!({
                let mut items = ::std::vec::Vec::new();
                for child in #el.children() {
                    if child.local_name() == #name {
                        items.push(#read);
                    }
                }
                items
            })
        }
        RustType::Map { .. } => {
            let insert = read_entry(ty, items, quote!(entry), quote!(map));
            quote!({
                let mut map = ::std::collections::HashMap::new();
                for entry in #el.children() {
                    if entry.local_name() == "entry" {
                        #insert
                    }
                }
                map
            })
        }
        RustType::Named(r) if !r.is_enum => {
            let ty = type_tokens(ty);
            quote!(<#ty as crate::xml::FromXml>::read_xml(#el)?)
        }
        _ => match read_scalar(ty, format, quote!(#el.text())) {
            Scalar::Plain(value) => value,
            // The error names the element whose text does not read.
            Scalar::Fallible(result) => quote!(crate::xml::within(#el, #result)?),
        },
    }
}

/// Statements inserting a map entry (the element `entry`, holding a key
/// and a value element) into `map`.
fn read_entry(ty: &RustType, items: Option<&XmlItems>, entry: TokenStream, map: TokenStream) -> TokenStream {
    let RustType::Map { value: value_ty, sparse } = ty else { return quote!() };
    let (fk, fv) = (default_node("key"), default_node("value"));
    let (key, val) = match items {
        Some(XmlItems::Map { key, value }) => (key, value),
        _ => (&fk, &fv),
    };
    let (key_name, value_name) = (local(&key.name), local(&val.name));
    let read = read_element(value_ty, None, val.items.as_deref(), quote!(value));
    let read = if *sparse { quote!(::std::option::Option::Some(#read)) } else { read };
    quote! {
        let key = #entry.children().iter().find(|c| c.local_name() == #key_name);
        let value = #entry.children().iter().find(|c| c.local_name() == #value_name);
        if let (::std::option::Option::Some(key), ::std::option::Option::Some(value)) = (key, value) {
            #map.insert(::std::string::String::from(key.text()), #read);
        }
    }
}

/// A name without its prefix (elements are matched by local name).
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Reads the body members from an element: attributes by name, child
/// elements by local name (unknown ones skipped); flattened lists and maps
/// gather every element of their name.
pub(crate) fn structure_reader(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let body: Vec<&Field> = s.fields.iter().filter(|f| f.binding == Binding::Body).collect();
    let slot = super::structure::local_name;
    let slots = body.iter().map(|f| {
        let slot = slot(f);
        quote!(let mut #slot = ::std::option::Option::None;)
    });
    let attributes = body.iter().filter(|f| f.xml.attribute).map(|f| {
        let slot = slot(f);
        let wire = &f.wire_name;
        let member = &f.member;
        let read = match read_scalar(&f.ty, f.timestamp_format, quote!(text)) {
            Scalar::Plain(value) => value,
            Scalar::Fallible(result) => quote!(#result.map_err(|e| e.in_member(#label, #member))?),
        };
        quote! {
            if let ::std::option::Option::Some(text) = element.attribute(#wire) {
                #slot = ::std::option::Option::Some(#read);
            }
        }
    });
    let arms = body.iter().filter(|f| !f.xml.attribute).map(|f| {
        let slot = slot(f);
        let wire = local(&f.wire_name);
        let items = f.xml.items.as_deref();
        let read = match (&f.ty, f.xml.flattened) {
            (RustType::List { item, sparse }, true) => {
                let node_items = match items {
                    Some(XmlItems::List { member }) => member.items.as_deref(),
                    _ => None,
                };
                let read = read_element(item, None, node_items, quote!(child));
                let read = if *sparse { quote!(::std::option::Option::Some(#read)) } else { read };
                quote!(#slot.get_or_insert_with(::std::vec::Vec::new).push(#read);)
            }
            (RustType::Map { .. }, true) => {
                let insert = read_entry(&f.ty, items, quote!(child), quote!(map));
                quote! {
                    let map = #slot.get_or_insert_with(::std::collections::HashMap::new);
                    #insert
                }
            }
            (ty, _) => {
                let read = read_element(ty, f.timestamp_format, items, quote!(child));
                quote!(#slot = ::std::option::Option::Some(#read);)
            }
        };
        (wire, read)
    });
    let arms: Vec<(&str, TokenStream)> = arms.collect();
    let children = match arms.as_slice() {
        [] => None,
        [(wire, read)] => Some(quote! {
            for child in element.children() {
                if child.local_name() == #wire {
                    #read
                }
            }
        }),
        arms => {
            let arms = arms.iter().map(|(wire, read)| quote!(#wire => { #read })) ;
            Some(quote! {
                for child in element.children() {
                    match child.local_name() {
                        #(#arms)*
                        _ => {}
                    }
                }
            })
        }
    };
    let values = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let value = if f.binding == Binding::Body {
            let slot = slot(f);
            super::json::finish(f, Some(quote!(#slot)))
        } else {
            super::json::finish(f, None)
        };
        quote!(#field: #value,)
    });
    let fallback_values = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let value = super::json::finish(f, None);
        quote!(#field: #value,)
    });
    let extra = super::structure::extra_init(s);
    let element_name = if body.is_empty() { quote!(_element) } else { quote!(element) };
    quote! {
        impl crate::xml::FromXml for #name {
            fn read_xml(#element_name: &crate::xml::Element) -> ::std::result::Result<Self, crate::xml::XmlError> {
                #(#slots)*
                #(#attributes)*
                #children
                ::std::result::Result::Ok(#name { #(#values)* #extra })
            }
        }

        impl crate::json::Fallback for #name {
            fn fallback() -> Self {
                Self { #(#fallback_values)* #extra }
            }
        }
    }
}

/// Writes the one member that is set, as its element.
fn union_writer(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let arms = s.fields.iter().map(|f| {
        let variant = ident(&f.name);
        let deref = if f.boxed { quote!(let value = &**value;) } else { quote!() };
        let write = if f.xml.flattened && matches!(f.ty, RustType::List { .. } | RustType::Map { .. }) {
            write_items(&f.ty, f.xml.items.as_deref(), quote!(value), &f.wire_name, true)
        } else {
            write_element(&f.ty, f.timestamp_format, f.xml.items.as_deref(), &f.wire_name, f.xml.namespace.as_ref(), quote!(value))
        };
        quote! {
            Self::#variant(value) => {
                #deref
                #write
            }
        }
    });
    quote! {
        impl crate::xml::ToXml for #name {
            fn write_xml(&self, writer: &mut crate::xml::Writer) {
                match self {
                    #(#arms)*
                    Self::Unknown(member) => {
                        writer.fail(::std::format!("cannot send the unknown union member `{}`", member.name()));
                    }
                }
            }
        }
    }
}

/// Reads the member whose element is present; an element of no known
/// member is the unknown variant.
pub(crate) fn union_reader(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let arms = s.fields.iter().map(|f| {
        let variant = ident(&f.name);
        let wire = local(&f.wire_name);
        let read = read_element(&f.ty, f.timestamp_format, f.xml.items.as_deref(), quote!(child));
        let wrap = if f.boxed { quote!(Self::#variant(::std::boxed::Box::new(#read))) } else { quote!(Self::#variant(#read)) };
        (wire, quote!(return ::std::result::Result::Ok(#wrap);))
    });
    let arms: Vec<(&str, TokenStream)> = arms.collect();
    let find = match arms.as_slice() {
        [(wire, read)] => quote! {
            for child in element.children() {
                if child.local_name() == #wire {
                    #read
                }
            }
        },
        arms => {
            let arms = arms.iter().map(|(wire, read)| quote!(#wire => { #read }));
            quote! {
                for child in element.children() {
                    match child.local_name() {
                        #(#arms)*
                        _ => {}
                    }
                }
            }
        }
    };
    quote! {
        impl crate::xml::FromXml for #name {
            fn read_xml(element: &crate::xml::Element) -> ::std::result::Result<Self, crate::xml::XmlError> {
                #find
                match element.children().first() {
                    ::std::option::Option::Some(child) => ::std::result::Result::Ok(Self::Unknown(
                        crate::primitives::UnknownMember::new(child.local_name(), crate::primitives::Document::Null),
                    )),
                    ::std::option::Option::None => ::std::result::Result::Err(crate::xml::XmlError::new(::std::format!("the union {} has no member set", #label))),
                }
            }
        }

        impl crate::json::Fallback for #name {
            fn fallback() -> Self {
                Self::Unknown(crate::primitives::UnknownMember::new("", crate::primitives::Document::Null))
            }
        }
    }
}

//! The codec of the query protocols (awsQuery, ec2Query): requests are
//! forms, written by one plain `ToQuery` function per type over the
//! runtime's `query::QueryWriter` (each type writes its members under the
//! key prefix its holder gives); responses are XML, read by the XML codec's
//! `FromXml` (`emit/xml.rs`).
//!
//! Keys: awsQuery names a member by its `xmlName` or its name, a list's
//! items `<key>.member.N` (`<key>.<xmlName of the list's member>.N`; `<key>.N`
//! when `xmlFlattened`) and a map's entries `<key>.entry.N.key` /
//! `.value` (the map's key and value `xmlName`s; `<key>.N.key` when
//! flattened); an empty list is sent as `<key>=`. ec2Query names a member by
//! its `ec2QueryName`, else its `xmlName` or name with the first letter
//! capitalized, flattens every list and sends nothing for an empty one.

use proc_macro2::TokenStream;
use quote::quote;

use super::protocol::Codec;
use super::{ident, xml};
use crate::ir::{Enum, Field, RustType, Struct, TimestampFormat, XmlItems};

/// The query codec; `ec2` for ec2Query's keys and lists.
pub(crate) struct Query {
    pub(crate) ec2: bool,
}

pub(crate) static AWS_QUERY: Query = Query { ec2: false };
pub(crate) static EC2_QUERY: Query = Query { ec2: true };

impl Codec for Query {
    fn structure(&self, s: &Struct) -> TokenStream {
        let writer = s.serde.serialize.then(|| self.structure_writer(s));
        let reader = s.serde.deserialize.then(|| xml::structure_reader(s));
        quote!(#writer #reader)
    }

    fn union(&self, s: &Struct) -> TokenStream {
        let writer = s.serde.serialize.then(|| self.union_writer(s));
        let reader = s.serde.deserialize.then(|| xml::union_reader(s));
        quote!(#writer #reader)
    }

    fn enumeration(&self, e: &Enum) -> TokenStream {
        xml::Xml.enumeration(e)
    }

    fn read_payload(&self, ty: TokenStream, bytes: TokenStream) -> TokenStream {
        xml::Xml.read_payload(ty, bytes)
    }

    fn zero_value(&self) -> TokenStream {
        xml::Xml.zero_value()
    }
}

impl Query {
    /// A member's key (the last segment).
    fn key(&self, f: &Field) -> String {
        if !self.ec2 {
            return f.wire_name.clone();
        }
        match &f.xml.ec2_query_name {
            Some(name) => name.clone(),
            None => capitalize(&f.wire_name),
        }
    }

    fn structure_writer(&self, s: &Struct) -> TokenStream {
        let name = ident(&s.name);
        let members = s.fields.iter().map(|f| {
            let field = ident(&f.name);
            let key = self.key(f);
            let write = self.write_value(&f.ty, f.timestamp_format, f.xml.items.as_deref(), f.xml.flattened, quote!(key));
            let deref = if f.boxed { quote!(let value = &**value;) } else { quote!() };
            let body = quote! {
                #deref
                let key = crate::query::key(prefix, #key);
                #write
            };
            if f.optional {
                quote! {
                    if let ::std::option::Option::Some(value) = &self.#field {
                        #body
                    }
                }
            } else {
                quote!({
                    let value = &self.#field;
                    #body
                })
            }
        });
        let (writer, prefix) =
            if s.fields.is_empty() { (quote!(_writer), quote!(_prefix)) } else { (quote!(writer), quote!(prefix)) };
        quote! {
            impl crate::query::ToQuery for #name {
                fn write_query(&self, #writer: &mut crate::query::FormWriter, #prefix: &str) {
                    #(#members)*
                }
            }
        }
    }

    fn union_writer(&self, s: &Struct) -> TokenStream {
        let name = ident(&s.name);
        let arms = s.fields.iter().map(|f| {
            let variant = ident(&f.name);
            let key = self.key(f);
            let deref = if f.boxed { quote!(let value = &**value;) } else { quote!() };
            let write = self.write_value(&f.ty, f.timestamp_format, f.xml.items.as_deref(), f.xml.flattened, quote!(key));
            quote! {
                Self::#variant(value) => {
                    #deref
                    let key = crate::query::key(prefix, #key);
                    #write
                }
            }
        });
        quote! {
            impl crate::query::ToQuery for #name {
                fn write_query(&self, writer: &mut crate::query::FormWriter, prefix: &str) {
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

    /// Statements writing `value` (a reference) under the key `key` (a
    /// `String` in scope by that name).
    fn write_value(
        &self,
        ty: &RustType,
        format: Option<TimestampFormat>,
        items: Option<&XmlItems>,
        flattened: bool,
        key: TokenStream,
    ) -> TokenStream {
        match ty {
            RustType::List { item, sparse } => {
                let (member, member_items) = match items {
                    Some(XmlItems::List { member }) => (member.name.as_str(), member.items.as_deref()),
                    _ => ("member", None),
                };
                let item_key = if flattened || self.ec2 {
                    quote!(::std::format!("{}.{}", #key, i + 1))
                } else {
                    quote!(::std::format!("{}.{}.{}", #key, #member, i + 1))
                };
                let write = self.write_value(item, None, member_items, false, quote!(key));
                let empty = (!self.ec2).then(|| {
                    quote! {
                        if value.is_empty() {
                            writer.param(&#key, "");
                        }
                    }
                });
                let iter = if *sparse { quote!(value.iter().flatten()) } else { quote!(value.iter()) };
                quote! {
                    #empty
                    for (i, value) in #iter.enumerate() {
                        let key = #item_key;
                        #write
                    }
                }
            }
            RustType::Map { value: value_ty, sparse } => {
                let (key_name, value_name, value_items) = match items {
                    Some(XmlItems::Map { key, value }) => (key.name.as_str(), value.name.as_str(), value.items.as_deref()),
                    _ => ("key", "value", None),
                };
                let entry = if flattened {
                    quote!(::std::format!("{}.{}", #key, i + 1))
                } else {
                    quote!(::std::format!("{}.entry.{}", #key, i + 1))
                };
                let write = self.write_value(value_ty, None, value_items, false, quote!(key));
                // A sparse map's absent values are left out, key and all,
                // so that the entries stay numbered without gaps.
                let entries = if *sparse {
                    quote!(value.iter().filter_map(|(k, v)| v.as_ref().map(|v| (k, v))).collect())
                } else {
                    quote!(value.iter().collect())
                };
                quote! {
                    let mut entries: ::std::vec::Vec<_> = #entries;
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                    for (i, (name, value)) in entries.into_iter().enumerate() {
                        let entry = #entry;
                        writer.param(&::std::format!("{}.{}", entry, #key_name), name);
                        let key = ::std::format!("{}.{}", entry, #value_name);
                        #write
                    }
                }
            }
            RustType::Named(r) if !r.is_enum => quote! {
                crate::query::ToQuery::write_query(value, writer, &#key);
            },
            // A date out of the format's range fails the request rather
            // than sending an empty value.
            RustType::Timestamp(own) if format.or(*own).unwrap_or(TimestampFormat::DateTime) != TimestampFormat::EpochSeconds => {
                let formatter = match format.or(*own).unwrap_or(TimestampFormat::DateTime) {
                    TimestampFormat::HttpDate => quote!(crate::timestamp::HttpDate::format(value)),
                    _ => quote!(crate::timestamp::DateTime::format(value)),
                };
                quote! {
                    match #formatter {
                        ::std::option::Option::Some(text) => writer.param(&#key, &text),
                        ::std::option::Option::None => writer.fail(::std::format!("the timestamp `{}` cannot be written in its format", #key)),
                    }
                }
            }
            _ => match xml::text_of(ty, format, &quote!(value)) {
                Some(text) => {
                    let text = xml::text_arg(ty, text);
                    quote!(writer.param(&#key, #text);)
                }
                None => quote!(let _ = (&#key, value);),
            },
        }
    }
}

/// The name with its first letter in upper case (ec2Query's keys).
fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

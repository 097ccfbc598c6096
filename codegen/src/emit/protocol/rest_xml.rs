//! restXml: HTTP bindings as restJson1 has them (`rest_json.rs` writes
//! labels, query, headers and payloads for both) with XML bodies: the
//! input's members under a root element named by its shape (or `xmlName`),
//! a structure payload as its own root element, and modeled errors read
//! from the `<Error>` element of an error body. Types are written and read
//! by the XML codec (`emit/xml.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::rest_json::{deserialize, deserialize_with, serialize, Format};
use super::{Codec, ProtocolGen};
use crate::ir::{Crate, Field, Operation, RustType, Struct, TypeDef};

/// The restXml emitter.
pub(crate) struct RestXml;

impl ProtocolGen for RestXml {
    fn runtime(&self) -> Vec<crate::emit::RuntimeFile> {
        use crate::emit::{HTTP_BINDING, JSON, REST_XML, XML};
        // The JSON module brings the zero values of client error correction.
        JSON.iter().copied().chain([HTTP_BINDING, XML, REST_XML]).collect()
    }

    fn runtime_value(&self, krate: &Crate) -> TokenStream {
        let no_error_wrapping = krate.service.no_error_wrapping;
        let (statuses, codes): (Vec<u16>, Vec<&str>) =
            crate::emit::customize::decorators(krate).iter().flat_map(|d| d.bodiless_error_codes().iter().copied()).unzip();
        quote!(crate::rest_xml::RestXml {
            no_error_wrapping: #no_error_wrapping,
            bodiless_codes: &[#((#statuses, #codes)),*],
        })
    }

    fn codec(&self) -> &'static dyn Codec {
        &crate::emit::xml::Xml
    }

    fn write_request(&self, krate: &Crate, op: &Operation) -> TokenStream {
        serialize(krate, op, Format::Xml)
    }

    fn read_response(&self, s: &Struct, var: TokenStream) -> TokenStream {
        deserialize(s, var, Format::Xml)
    }

    /// An output marked `s3UnwrappedXmlOutput` is read from its body's
    /// root element as if that were the output's only child.
    fn read_output(&self, op: &Operation, var: TokenStream) -> TokenStream {
        deserialize_with(&op.output, var, Format::Xml, op.unwrapped_xml_output)
    }
}

/// Statements writing the input's body members as `body` (a `Vec<u8>`)
/// under the root element, and its content type.
pub(super) fn input_body(krate: &Crate, input: &Struct) -> TokenStream {
    let root = input.xml_name.clone().unwrap_or_else(|| input.shape.name.clone());
    let ns = crate::emit::xml::namespace(input.xml_namespace.as_ref().or(krate.service.xml_namespace.as_ref()));
    let shape = &input.name;
    quote! {
        let body = {
            let mut writer = crate::xml::Writer::new();
            writer.start(#root);
            #ns
            crate::xml::ToXml::write_xml(input, &mut writer);
            writer.end(#root);
            writer.finish_checked().map_err(|_| crate::error::BuildError::invalid_value(#shape, "", ""))?.into_bytes()
        };
        headers.push((::http::header::CONTENT_TYPE, ::http::HeaderValue::from_static("application/xml")));
    }
}

/// An expression of the bytes of a structure or union payload (`value`, a
/// reference): its element named by the member's `xmlName`, else its
/// shape's `xmlName`, else its shape's name.
pub(super) fn payload_body(krate: &Crate, f: &Field, shape: &str) -> TokenStream {
    let target = match &f.ty {
        RustType::Named(r) => match krate.types.get(&r.name) {
            Some(TypeDef::Struct(s)) => Some(s),
            _ => None,
        },
        _ => None,
    };
    let root = f
        .xml
        .name
        .clone()
        .or_else(|| target.and_then(|t| t.xml_name.clone()))
        .or_else(|| target.map(|t| t.shape.name.clone()))
        .unwrap_or_else(|| f.member.clone());
    let ns = f
        .xml
        .namespace
        .as_ref()
        .or_else(|| target.and_then(|t| t.xml_namespace.as_ref()))
        .or(krate.service.xml_namespace.as_ref());
    let ns = crate::emit::xml::namespace(ns);
    let deref = if f.boxed { quote!(let value = &**value;) } else { quote!() };
    quote!({
        #deref
        let mut writer = crate::xml::Writer::new();
        writer.start(#root);
        #ns
        crate::xml::ToXml::write_xml(value, &mut writer);
        writer.end(#root);
        writer.finish_checked().map_err(|_| crate::error::BuildError::invalid_value(#shape, "", ""))?.into_bytes()
    })
}

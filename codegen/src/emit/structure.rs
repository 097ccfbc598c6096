//! Structures: the type, its serde mapping to restJson1 bodies, and its builder.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, ident, type_tokens};
use crate::ir::{Binding, DefaultValue, Field, RustType, Struct, StructKind, TimestampFormat};

const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// The structure (with its impls) and, separately, its builder, which lives
/// in the module that `builders` names.
pub fn emit(s: &Struct, builders: TokenStream) -> (TokenStream, TokenStream) {
    let name = ident(&s.name);
    let builder_name = format_ident!("{}Builder", s.name);
    let doc = docs(&s.docs);
    let debug_derive = if needs_redaction(s) { quote!() } else { quote!(::std::fmt::Debug,) };
    let value_derives = value_derives(s);
    let fields = s.fields.iter().map(|f| {
        let field_name = ident(&f.name);
        let ty = field_type(f);
        let doc = docs(&field_docs(f));
        quote! {
            #doc
            pub #field_name: #ty,
        }
    });
    let builder_doc = format!(" Creates a builder for [`{}`].", s.name);
    let debug_impl = debug_impl(&s.name, s);
    let serialize = if s.serde.serialize { serialize_impl(s) } else { quote!() };
    let deserialize = if s.serde.deserialize { deserialize_impl(s) } else { quote!() };
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
            pub fn builder() -> #builders::#builder_name {
                ::std::default::Default::default()
            }

            #extra_method
        }

        #debug_impl
        #serialize
        #deserialize
    };
    (item, builder(s, &builder_name))
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
    s.fields.iter().any(|f| matches!(f.ty, RustType::ByteStream { .. } | RustType::EventStream(_)))
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

pub(crate) fn field_docs(f: &Field) -> Vec<String> {
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
        Some(DefaultValue::Document(json)) => {
            quote!(::serde_json::from_str::<crate::primitives::Document>(#json).unwrap_or_default())
        }
    }
}

/// Whether a default value is a plain constant (else it is built lazily).
fn is_copy_default(d: &DefaultValue) -> bool {
    matches!(
        d,
        DefaultValue::Zero
            | DefaultValue::Bool(_)
            | DefaultValue::Int(_)
            | DefaultValue::Float(_)
            | DefaultValue::Variant(_)
    )
}

/// Initializers of the fields that are not model members.
pub(crate) fn extra_init(s: &Struct) -> TokenStream {
    match &s.kind {
        StructKind::Output => quote!(_request_id: ::std::option::Option::None,),
        StructKind::Error { .. } => quote!(_meta: ::std::default::Default::default(),),
        _ => quote!(),
    }
}

/// The JSON form of a type when serde's own impls are not it: timestamps
/// in their format (restJson1 bodies default to epoch-seconds; `format` is
/// a member's own trait), floats (NaN and infinities are strings), blobs
/// (base64), and collections (which drop `null` entries unless sparse).
pub(crate) fn wire(ty: &RustType, format: Option<TimestampFormat>) -> Option<TokenStream> {
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
fn serialize_impl(s: &Struct) -> TokenStream {
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
pub(super) fn write_value(f: &Field) -> TokenStream {
    match wire_type(f) {
        Some(wire_type) => quote!(<#wire_type as crate::json::WireWrite>::write(value, writer);),
        None => quote!(crate::json::ToJson::write(value, writer);),
    }
}

/// The local variable that holds a member's value in generated readers and
/// `build()`: `v_<field>`, since a member named `foo` would trip clippy's
/// `disallowed_names` as a local, and `v_` never clashes with a keyword.
fn local_name(f: &Field) -> proc_macro2::Ident {
    format_ident!("v_{}", f.name.trim_start_matches("r#"))
}

/// Reads a JSON object (and only an object): known members by wire name,
/// `null` as absent, unknown members skipped, missing required members
/// filled with their default or a zero value.
fn deserialize_impl(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let label = &s.name;
    let body: Vec<&Field> = s.fields.iter().filter(|f| f.binding == Binding::Body).collect();
    let slot = local_name;
    // The slots' types are inferred from the fields they fill.
    let slots = body.iter().map(|f| {
        let slot = slot(f);
        quote!(let mut #slot = ::std::option::Option::None;)
    });
    let arms = body.iter().map(|f| {
        let slot = slot(f);
        let wire = &f.wire_name;
        match wire_type(f) {
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
    let extra = extra_init(s);
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
/// Shared by structures and unions.
pub(super) fn object_reader(name: &proc_macro2::Ident, label: &str, body: TokenStream) -> TokenStream {
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
fn finish(f: &Field, slot: Option<TokenStream>) -> TokenStream {
    let value = match (slot, f.optional, &f.default) {
        (Some(slot), true, _) => return if f.boxed { quote!(#slot.map(::std::boxed::Box::new)) } else { slot },
        (None, true, _) => return quote!(::std::option::Option::None),
        (Some(slot), false, None | Some(DefaultValue::Zero)) => {
            quote!(#slot.unwrap_or_else(crate::json::Fallback::fallback))
        }
        (None, false, None | Some(DefaultValue::Zero)) => quote!(crate::json::Fallback::fallback()),
        (Some(slot), false, Some(d)) if !is_copy_default(d) => {
            let default = default_expr(f);
            quote!(#slot.unwrap_or_else(|| #default))
        }
        (Some(slot), false, Some(_)) => {
            let default = default_expr(f);
            quote!(#slot.unwrap_or(#default))
        }
        (None, false, Some(_)) => default_expr(f),
    };
    if f.boxed {
        quote!(::std::boxed::Box::new(#value))
    } else {
        value
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
    let extra = extra_init(s);
    // Required members are taken first, each with a `let ... else` that
    // names it (plain code: nothing generic to instantiate per member).
    let local = local_name;
    let checks = s.fields.iter().filter(|f| f.required && f.default.is_none()).map(|f| {
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
    let debug_impl = debug_impl(&format!("{}Builder", s.name), s);
    quote! {
        #[doc = #doc]
        #[derive(#value_derives ::std::default::Default, #debug_derive)]
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

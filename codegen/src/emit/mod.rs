//! Stage 5: render the IR as Rust tokens, one module per shape kind, and
//! collect the generated crate's files.

mod crate_files;
mod enumeration;
mod error;
mod operation;
mod structure;

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::error::Result;
use crate::ir::{Crate, RustType, TypeDef};

/// A file of the generated crate: Rust tokens still to be formatted, or text.
pub enum FileContent {
    Rust(TokenStream),
    /// Hand-written support code copied verbatim (`codegen/runtime/*.rs`).
    Runtime(&'static str, &'static str),
    Text(String),
}

/// Which optional dependencies the emitted code uses.
#[derive(Default, Clone, Copy)]
pub struct Deps {
    pub time: bool,
}

/// Emits every file of the crate, keyed by path relative to the crate root.
pub fn emit(krate: &Crate) -> Result<BTreeMap<String, FileContent>> {
    let deps = Deps { time: krate.uses_timestamps() };
    let mut files = BTreeMap::new();

    let mut types = Vec::new();
    let mut builders = Vec::new();
    for def in krate.types.values() {
        match def {
            TypeDef::Struct(s) => {
                let (item, builder) = structure::emit(s, quote!(crate::types::builders));
                types.push(item);
                builders.push(builder);
            }
            TypeDef::Enum(e) => types.push(enumeration::emit(e)),
        }
    }
    if !krate.types.is_empty() {
        files.insert(
            "src/types.rs".to_owned(),
            FileContent::Rust(quote! {
                //! Structures and enums that operations share.
                #(#types)*
                /// Builders for the structures of this module.
                pub mod builders {
                    #(#builders)*
                }
            }),
        );
    }

    files.insert("src/error.rs".to_owned(), FileContent::Rust(error::emit_module(krate)));
    files.insert(
        "src/error/build.rs".to_owned(),
        FileContent::Runtime("build_error.rs", include_str!("../../runtime/build_error.rs")),
    );
    files.insert("src/operation.rs".to_owned(), FileContent::Rust(operation::emit_index(krate)));
    for op in krate.operations.values() {
        files.insert(format!("src/operation/{}.rs", op.module), FileContent::Rust(operation::emit(op)));
    }
    files.insert("src/json.rs".to_owned(), FileContent::Runtime("json.rs", include_str!("../../runtime/json.rs")));
    files.insert(
        "src/primitives.rs".to_owned(),
        FileContent::Runtime("primitives.rs", include_str!("../../runtime/primitives.rs")),
    );
    if deps.time {
        files.insert(
            "src/timestamp.rs".to_owned(),
            FileContent::Runtime("timestamp.rs", include_str!("../../runtime/timestamp.rs")),
        );
    }
    files.insert("src/lib.rs".to_owned(), FileContent::Rust(crate_files::lib_rs(krate, deps)));
    files.insert("Cargo.toml".to_owned(), FileContent::Text(crate_files::cargo_toml(krate, deps)));
    Ok(files)
}

/// An identifier from a name the IR already sanitised (`r#type` is raw).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// One `#[doc]` attribute per line, so prettyplease prints `///` comments.
pub(crate) fn docs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let text = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// The path of a type, always absolute so that model names cannot shadow it.
pub(crate) fn type_tokens(ty: &RustType) -> TokenStream {
    match ty {
        RustType::String => quote!(::std::string::String),
        RustType::Bool => quote!(bool),
        RustType::I8 => quote!(i8),
        RustType::I16 => quote!(i16),
        RustType::I32 => quote!(i32),
        RustType::I64 => quote!(i64),
        RustType::F32 => quote!(f32),
        RustType::F64 => quote!(f64),
        RustType::Timestamp => quote!(::time::OffsetDateTime),
        RustType::List { item, sparse } => {
            let item = type_tokens(item);
            if *sparse {
                quote!(::std::vec::Vec<::std::option::Option<#item>>)
            } else {
                quote!(::std::vec::Vec<#item>)
            }
        }
        RustType::Map { value, sparse } => {
            let value = type_tokens(value);
            let value = if *sparse { quote!(::std::option::Option<#value>) } else { value };
            quote!(::std::collections::HashMap<::std::string::String, #value>)
        }
        RustType::Named(r) => {
            let name = ident(&r.name);
            match &r.module {
                crate::ir::Module::Types => quote!(crate::types::#name),
                crate::ir::Module::Error => quote!(crate::error::#name),
                crate::ir::Module::Operation(m) => {
                    let m = ident(m);
                    quote!(crate::operation::#m::#name)
                }
            }
        }
    }
}

//! Operations: one module per operation holding its input and output types
//! and their builders, and an index module that lists them.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, structure, type_tokens};
use crate::ir::{Crate, Operation, RustType};

/// `src/operation.rs`: the operation modules.
pub fn emit_index(krate: &Crate) -> TokenStream {
    let modules = krate.operations.values().map(|op| {
        let module = ident(&op.module);
        let summary = op.docs.first().cloned().unwrap_or_default();
        let doc = docs(&[summary]);
        quote! {
            #doc
            pub mod #module;
        }
    });
    quote! {
        //! One module per operation, each with its input and output types.
        #(#modules)*
    }
}

/// `src/operation/<name>.rs`.
pub fn emit(krate: &Crate, op: &Operation) -> TokenStream {
    let mut lines: Vec<String> = op.docs.clone();
    if !op.errors.is_empty() {
        lines.push(String::new());
        lines.push("Errors the service may return:".to_owned());
        for e in &op.errors {
            let path = type_tokens(&RustType::Named(e.clone())).to_string().replace(' ', "");
            lines.push(format!("- [`{}`]({path})", e.name));
        }
    }
    let module_docs = lines.iter().map(|line| {
        let text = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #text])
    });
    let (input, input_builder) = structure::emit(&op.input, quote!(self::builders));
    let (output, output_builder) = structure::emit(&op.output, quote!(self::builders));
    let protocol = super::rest_json::emit(krate, op);
    let fluent = super::fluent::fluent_builder(op);
    let paginator = super::paginator::paginator(op);
    quote! {
        #(#module_docs)*
        #input
        #output
        #protocol
        /// Builders for this operation's input and output, and the fluent
        /// builder that sends it.
        pub mod builders {
            #input_builder
            #output_builder
            #fluent
            #paginator
        }
    }
}

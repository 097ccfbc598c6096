//! The crate root (`src/lib.rs`) and the manifest (`Cargo.toml`).

use proc_macro2::TokenStream;
use quote::quote;

use super::Deps;
use crate::ir::Crate;

/// Versions of the dependencies generated crates use, kept in one place.
const SERDE: &str = r#"serde = "1.0.200""#;
const SERDE_JSON: &str = r#"serde_json = "1.0.120""#;
const TIME: &str = r#"time = { version = "0.3.36", default-features = false, features = ["std", "parsing", "formatting"] }"#;

pub fn lib_rs(krate: &Crate, deps: Deps) -> TokenStream {
    let mut lines = vec![format!("A Rust client for {}.", krate.service.title), String::new()];
    lines.extend(krate.service.docs.iter().cloned());
    lines.push(String::new());
    lines.push(format!(
        "Generated from the Smithy model of `{}`{}.",
        krate.service.shape,
        krate.service.version.as_ref().map(|v| format!(" (API version {v})")).unwrap_or_default()
    ));
    lines.push(String::new());
    lines.push("- [`operation`]: one module per operation, with its input and output types;".to_owned());
    if !krate.types.is_empty() {
        lines.push("- [`types`]: the structures and enums that operations share;".to_owned());
    }
    lines.push("- [`error`]: the errors the service models, and [`error::BuildError`].".to_owned());
    let crate_docs = lines.iter().map(|line| {
        let text = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #text])
    });
    let types = (!krate.types.is_empty()).then(|| quote!(pub mod types;));
    let time = deps.time.then(|| {
        quote! {
            mod timestamp;
            /// The date-time crate used for timestamp members, re-exported.
            pub use ::time;
        }
    });
    quote! {
        #(#crate_docs)*
        pub mod error;
        pub mod operation;
        pub mod primitives;
        #types
        mod json;
        #time
    }
}

pub fn cargo_toml(krate: &Crate, deps: Deps) -> String {
    let mut dependencies = vec![SERDE];
    if deps.time {
        dependencies.push(TIME);
    }
    let description = format!("A Rust client for {}, generated from its Smithy model", krate.service.title);
    format!(
        "{header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = {description}\npublish = false\n\n[dependencies]\n{deps}\n\n[dev-dependencies]\n{SERDE_JSON}\n",
        header = crate::format::toml_header(),
        name = krate.name,
        description = toml_string(&description),
        deps = dependencies.join("\n"),
    )
}

/// A TOML basic string, quoted and escaped.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(super::toml_string("a \"b\" c\\d\ne"), "\"a \\\"b\\\" c\\\\d\\u000Ae\"");
    }
}

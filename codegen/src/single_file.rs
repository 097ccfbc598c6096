//! One Rust source file from a generated crate: `src/lib.rs` with every
//! `mod name;` replaced by the module's file in an inline `mod name { ... }`
//! block, recursively. For build scripts that compile a generated client
//! into another crate (`include!` it from `OUT_DIR`), such as the protocol
//! compliance tests.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// Stitches the files of a generated crate (as [`crate::generate`] returns
/// them, keyed by path) into one source, starting from `src/lib.rs`.
///
/// A module `name` declared in `src/lib.rs` is `src/name.rs`; one declared
/// in `src/parent.rs` (or `src/parent/mod.rs`) is `src/parent/name.rs`.
/// Inner attributes and `//!` docs at the top of a module file stay valid
/// at the start of the inline block. A declared module without a file is
/// an error.
pub fn single_file(files: &BTreeMap<String, String>) -> Result<String> {
    if files.contains_key("runtime/Cargo.toml") {
        return Err(stitch_error(
            "the client's runtime is a crate of its own (`runtime/`): generate with `RuntimeLayout::Inline` to stitch it into one file".into(),
        ));
    }
    let root = files.get("src/lib.rs").ok_or_else(|| stitch_error("the files have no `src/lib.rs`".into()))?;
    let mut out = String::with_capacity(files.values().map(String::len).sum());
    inline(files, root, "src", &mut out, &mut vec!["src/lib.rs".to_owned()])?;
    Ok(out)
}

/// The crate as the module `crate::<module>` of another crate (a build
/// script's `include!`): stitched by [`single_file`], without the crate's
/// own `//!` docs (an `include!`d file cannot have inner docs), and with
/// its `crate::` paths under the module ([`nest`]).
pub fn as_module(files: &BTreeMap<String, String>, module: &str) -> Result<String> {
    let text = single_file(files)?;
    let without_docs = text.lines().filter(|l| !l.starts_with("//!")).collect::<Vec<_>>().join("\n");
    Ok(nest(&without_docs, module))
}

/// Code written for a crate root (`crate::...` paths), moved under the
/// module `crate::<module>`.
pub fn nest(text: &str, module: &str) -> String {
    text.replace("crate::", &format!("crate::{module}::"))
}

/// A generated crate's service modules (no runtime, no `lib.rs`) as the
/// module `crate::<module>` of a crate that has the runtime at its root,
/// such as the credential chain's clients in `crate::chain` of every
/// generated crate: the files are stitched under a root declaring the
/// service's modules, and the paths to them move under `module`, while
/// the runtime's paths (`crate::orchestrator::...`, `crate::error::ErrorMetadata`,
/// `crate::endpoint::Value`) stay. Returns the module's text, pretty-printed.
pub fn as_nested_module(files: &BTreeMap<String, String>, module: &str) -> Result<String> {
    let declared: Vec<&str> = SERVICE_MODULES
        .iter()
        .copied()
        .filter(|name| files.contains_key(&format!("src/{name}.rs")))
        .collect();
    let mut root = String::new();
    for name in &declared {
        let visibility = if ["service", "wire"].contains(name) { "pub(crate) " } else { "pub " };
        root.push_str(&format!("{visibility}mod {name};\n"));
    }
    root.push_str("pub use client::Client;\n");
    let mut files = files.clone();
    files.insert("src/lib.rs".to_owned(), root);
    let text = single_file(&files)?;
    let nested = rebase(&text, module);
    let mut file =
        syn::parse_file(&nested).map_err(|e| stitch_error(format!("the nested module `{module}` does not parse: {e}")))?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut OneDocPerModule, &mut file);
    Ok(prettyplease::unparse(&file))
}

/// A module documented both where it is declared (`/// ...` on `mod x;`)
/// and in its file (`//! ...`) keeps the file's docs once inlined.
struct OneDocPerModule;

impl syn::visit_mut::VisitMut for OneDocPerModule {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        let is_doc = |a: &syn::Attribute| a.path().is_ident("doc");
        if item.attrs.iter().any(|a| is_doc(a) && matches!(a.style, syn::AttrStyle::Inner(_))) {
            item.attrs.retain(|a| !(is_doc(a) && matches!(a.style, syn::AttrStyle::Outer)));
        }
        syn::visit_mut::visit_item_mod_mut(self, item);
    }
}

/// The modules a generated crate writes for its service; the other
/// top-level modules are the runtime's.
const SERVICE_MODULES: &[&str] = &["client", "endpoint", "error", "operation", "service", "types", "waiters", "wire"];

/// What the runtime's `error` and `endpoint` modules hold: these names
/// stay at the crate root when a service is nested.
const RUNTIME_ERROR_ITEMS: &[&str] =
    &["BuildError", "DisplayErrorContext", "ErrorMetadata", "ErrorType", "Unhandled", "UnhandledKind", "ErrorVariant"];
const RUNTIME_ENDPOINT_ITEMS: &[&str] = &["Endpoint", "EndpointError", "Value", "functions", "types"];

/// `crate::<service module>::...` → `crate::<module>::<service module>::...`,
/// and `crate::Client` likewise; everything else under `crate::` is the
/// runtime's and stays. Doc links move with the code.
fn rebase(text: &str, module: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = &rest[..at];
        let preceded_by_ident = before.chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
        out.push_str(before);
        out.push_str("crate::");
        rest = &rest[at + "crate::".len()..];
        if preceded_by_ident {
            continue;
        }
        let first = identifier(rest);
        let after = rest[first.len()..].strip_prefix("::").map(identifier).unwrap_or("");
        let moves = match first {
            "Client" => true,
            "error" => !RUNTIME_ERROR_ITEMS.contains(&after),
            "endpoint" => !RUNTIME_ENDPOINT_ITEMS.contains(&after),
            name => SERVICE_MODULES.contains(&name),
        };
        if moves {
            out.push_str(module);
            out.push_str("::");
        }
    }
    out.push_str(rest);
    out
}

/// The identifier at the start of `text` (empty when there is none).
fn identifier(text: &str) -> &str {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
    &text[..end]
}

fn stitch_error(message: String) -> Error {
    Error::InvalidOption { option: "single_file", message }
}

/// Appends `text` to `out`, inlining its module declarations; `dir` is
/// where the files of its child modules live. `stack` holds the files
/// being inlined, to refuse a module that includes itself.
fn inline(files: &BTreeMap<String, String>, text: &str, dir: &str, out: &mut String, stack: &mut Vec<String>) -> Result<()> {
    for line in text.lines() {
        match module_declaration(line) {
            None => {
                out.push_str(line);
                out.push('\n');
            }
            Some((head, name)) => {
                let flat = format!("{dir}/{name}.rs");
                let nested = format!("{dir}/{name}/mod.rs");
                let (path, content) = files
                    .get_key_value(&flat)
                    .or_else(|| files.get_key_value(&nested))
                    .ok_or_else(|| stitch_error(format!("module `{name}` (declared in `{}`) has no file `{flat}`", stack[stack.len() - 1])))?;
                if stack.contains(path) {
                    return Err(stitch_error(format!("module file `{path}` includes itself")));
                }
                out.push_str(head);
                out.push_str(" {\n");
                stack.push(path.clone());
                inline(files, content, &format!("{dir}/{name}"), out, stack)?;
                stack.pop();
                out.push_str("}\n");
            }
        }
    }
    Ok(())
}

/// For `mod name;` or `pub mod name;` (any visibility, with leading
/// whitespace): the line up to the name, and the name (`r#` removed for
/// the file name).
fn module_declaration(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_end();
    let body = trimmed.strip_suffix(';')?;
    let start = body.len() - body.trim_start().len();
    let mut rest = &body[start..];
    if let Some(after) = rest.strip_prefix("pub") {
        rest = after.trim_start();
        if rest.starts_with('(') {
            let close = rest.find(')')?;
            rest = rest[close + 1..].trim_start();
        }
    }
    let name = rest.strip_prefix("mod ")?.trim();
    let plain = name.strip_prefix("r#").unwrap_or(name);
    if plain.is_empty() || !plain.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((body, plain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect()
    }

    #[test]
    fn modules_are_inlined_recursively() {
        let crate_files = files(&[
            ("Cargo.toml", "[package]"),
            ("src/lib.rs", "//! Root docs.\npub mod a;\nmod b;\n    pub(crate) mod c;\npub use a::X;\n"),
            ("src/a.rs", "//! A docs.\n#![allow(dead_code)]\npub struct X;\npub mod inner;\n"),
            ("src/a/inner.rs", "pub fn f() {}\n"),
            ("src/b.rs", "fn g() {}\n"),
            ("src/c.rs", "mod tests {\n    fn t() {}\n}\n"),
            ("examples/e.rs", "fn main() {}\n"),
        ]);
        let text = single_file(&crate_files).unwrap();
        assert_eq!(
            text,
            "//! Root docs.\npub mod a {\n//! A docs.\n#![allow(dead_code)]\npub struct X;\npub mod inner {\npub fn f() {}\n}\n}\n\
             mod b {\nfn g() {}\n}\n    pub(crate) mod c {\nmod tests {\n    fn t() {}\n}\n}\npub use a::X;\n"
        );
        // The result parses as one file.
        syn::parse_file(&text).unwrap();
    }

    #[test]
    fn as_a_module_the_crate_loses_its_docs_and_its_paths_move_under_it() {
        let crate_files = files(&[
            ("src/lib.rs", "//! Root docs.
pub mod a;
pub use crate::a::X;
"),
            ("src/a.rs", "//! A docs.
pub struct X(crate::a::Y);
pub struct Y;
"),
        ]);
        assert_eq!(
            as_module(&crate_files, "client").unwrap(),
            "pub mod a {\npub struct X(crate::client::a::Y);\npub struct Y;\n}\npub use crate::client::a::X;"
        );
    }

    #[test]
    fn raw_identifiers_and_mod_rs() {
        let crate_files = files(&[("src/lib.rs", "pub mod r#type;\n"), ("src/type/mod.rs", "pub struct T;\n")]);
        assert_eq!(single_file(&crate_files).unwrap(), "pub mod r#type {\npub struct T;\n}\n");
    }

    #[test]
    fn lines_that_are_not_declarations_stay() {
        for line in ["mod a { }", "// mod a;", "let x = mod_a;", "pub use a;", "mod a::b;"] {
            assert_eq!(module_declaration(line), None, "{line}");
        }
        assert_eq!(module_declaration("pub(in crate::x) mod y;"), Some(("pub(in crate::x) mod y", "y")));
    }

    #[test]
    fn missing_files_and_cycles_are_errors() {
        let missing = single_file(&files(&[("src/lib.rs", "mod gone;\n")])).unwrap_err().to_string();
        assert!(missing.contains("src/gone.rs"), "{missing}");
        assert!(single_file(&files(&[("src/main.rs", "")])).is_err());
        let cycle = files(&[("src/lib.rs", "mod a;\n"), ("src/a/mod.rs", "mod a;\n"), ("src/a/a/mod.rs", "")]);
        assert!(single_file(&cycle).is_ok(), "a/a is another file");
    }

    #[test]
    fn a_client_with_a_runtime_crate_is_refused() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/unions.json");
        let generated = crate::generate(&crate::Options { models: vec![dir], ..Default::default() }).unwrap();
        let error = single_file(&generated).unwrap_err().to_string();
        assert!(error.contains("RuntimeLayout::Inline"), "{error}");
    }

    #[test]
    fn a_generated_crate_stitches_into_one_parsable_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/unions.json");
        let generated = crate::generate(&crate::Options { models: vec![dir], runtime: crate::RuntimeLayout::Inline, ..Default::default() }).unwrap();
        let text = single_file(&generated).unwrap();
        let parsed = syn::parse_file(&text).unwrap();
        assert!(!text.lines().any(|l| module_declaration(l).is_some()), "every module is inline");
        assert!(parsed.items.len() > 10);
    }
}

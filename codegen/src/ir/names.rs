//! Every Rust name the generator emits is decided here, once.
//!
//! Case conversion uses heck. Rust keywords become raw identifiers (`r#type`)
//! except `self`, `Self`, `crate` and `super`, which cannot be raw and get a
//! trailing underscore. Names that the generated API itself uses (`build`,
//! `builder`, `send`, ...) are renamed so that they never collide with it.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of every edition up to 2024 (strict and reserved).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super"];

/// Member names that would collide with methods of the generated builders and
/// clients. The member keeps its wire name; only the Rust name changes.
const API_NAMES: &[&str] = &["build", "builder", "send", "customize", "config", "meta", "as_input"];

/// Turns any text into words heck can case: non-alphanumerics become separators.
fn words(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// Makes `name` a valid identifier: keywords are escaped, a leading digit gets
/// `prefix`, empty text becomes `fallback`.
fn sanitize(name: String, prefix: &str, fallback: &str) -> String {
    let name = if name.is_empty() { fallback.to_owned() } else { name };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("{prefix}{name}") } else { name };
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// A type name (`ImportReferenceSourceItem`) from a shape name.
pub fn type_name(shape_name: &str) -> String {
    sanitize(words(shape_name).to_upper_camel_case(), "Shape", "Shape")
}

/// A type name built from a shape name and a suffix (`SelfInput` for the
/// operation `Self`: the suffix makes a keyword harmless).
pub fn type_name_with_suffix(shape_name: &str, suffix: &str) -> String {
    sanitize(format!("{}{suffix}", words(shape_name).to_upper_camel_case()), "Shape", "Shape")
}

/// A field or method name (`reference_store_id`) from a member name.
pub fn field_name(member_name: &str) -> String {
    let snake = words(member_name).to_snake_case();
    if API_NAMES.contains(&snake.as_str()) {
        return format!("{snake}_value");
    }
    sanitize(snake, "member_", "member")
}

/// A module name (`get_reference_import_job`) from an operation name.
pub fn module_name(shape_name: &str) -> String {
    let snake = words(shape_name).to_snake_case();
    let name = sanitize(snake, "op_", "operation");
    // Modules become file names: never raw.
    match name.strip_prefix("r#") {
        Some(bare) => format!("{bare}_"),
        None => name,
    }
}

/// An enum variant name (`InProgress`) from an enum value or member name.
pub fn variant_name(name: &str) -> String {
    let camel = words(name).to_upper_camel_case();
    let camel = if camel == "Unknown" { "UnknownValue".to_owned() } else { camel };
    sanitize(camel, "V", "Empty")
}

/// Names derived from a name the IR already decided. Each is unique where
/// its base is: the scopes above claim the derived names with their bases
/// (`set_x` beside `x`), and type-derived names live in modules of their own.
pub mod derived {
    fn bare(name: &str) -> &str {
        name.strip_prefix("r#").unwrap_or(name)
    }

    /// The builder of a structure (`FooBuilder`, in a `builders` module).
    pub fn builder(type_name: &str) -> String {
        format!("{}Builder", bare(type_name))
    }

    /// The `Option` setter beside a builder's setter `field` (`set_field`).
    pub fn setter(field: &str) -> String {
        format!("set_{}", bare(field))
    }

    /// The local that holds a member's value in readers and `build()`:
    /// `v_<field>` (a local named like the member could trip clippy's
    /// `disallowed_names`, and `v_` never makes a keyword).
    pub fn local(field: &str) -> String {
        format!("v_{}", bare(field))
    }

    /// A parameter of a generated function standing for member `field`.
    pub fn argument(field: &str) -> String {
        format!("arg_{}", bare(field))
    }

    /// The paginator of an operation (`ListThingsPaginator`).
    pub fn paginator(operation: &str) -> String {
        format!("{}Paginator", bare(operation).trim_end_matches('_'))
    }

    /// The function that classifies a waiter's responses.
    pub fn waiter_classifier(waiter_snake: &str) -> String {
        format!("classify_{}", bare(waiter_snake))
    }

    /// The function that evaluates acceptor `index` (from 1) of a waiter,
    /// when its path can fail.
    pub fn waiter_acceptor(waiter_snake: &str, index: usize) -> String {
        format!("{}_acceptor_{index}", bare(waiter_snake))
    }

    /// The local holding an endpoint rule-set parameter.
    pub fn endpoint_param(snake: &str) -> String {
        format!("p_{}", bare(snake).trim_end_matches('_'))
    }
}

/// Hands out names that are unique within one scope, with deterministic
/// numeric suffixes (`Name2`, `name_2`) in the order names are requested.
#[derive(Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Scope {
        Scope { taken: reserved.iter().map(|s| s.to_string()).collect() }
    }

    /// Claims `name`, or `name` with the first free suffix. `separator` is
    /// placed between name and number (`""` for types, `"_"` for fields).
    pub fn claim(&mut self, name: &str, separator: &str) -> String {
        self.claim_with(name, separator, |_| Vec::new())
    }

    /// Like [`Scope::claim`], also claiming the names `related` derives from
    /// each candidate (for example a setter `set_x` beside a field `x`), so
    /// that none of them collides either.
    pub fn claim_with(&mut self, name: &str, separator: &str, related: impl Fn(&str) -> Vec<String>) -> String {
        let base = name.strip_prefix("r#").unwrap_or(name);
        let mut n = 1;
        loop {
            let candidate = if n == 1 { name.to_owned() } else { format!("{base}{separator}{n}") };
            let bare = candidate.strip_prefix("r#").unwrap_or(&candidate).to_owned();
            let extra = related(&bare);
            if !self.taken.contains(&bare) && extra.iter().all(|e| !self.taken.contains(e)) {
                self.taken.insert(bare);
                self.taken.extend(extra);
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_or_suffixed() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("gen"), "r#gen");
        assert_eq!(field_name("match"), "r#match");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("super"), "super_");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name_with_suffix("Self", "Input"), "SelfInput");
    }

    #[test]
    fn api_names_are_renamed() {
        assert_eq!(field_name("build"), "build_value");
        assert_eq!(field_name("send"), "send_value");
        assert_eq!(field_name("Builder"), "builder_value");
    }

    #[test]
    fn cases_and_separators() {
        assert_eq!(field_name("referenceStoreId"), "reference_store_id");
        assert_eq!(type_name("ImportReferenceSourceItem"), "ImportReferenceSourceItem");
        assert_eq!(variant_name("COMPLETED_WITH_FAILURES"), "CompletedWithFailures");
        assert_eq!(variant_name("us-west-2"), "UsWest2");
        assert_eq!(variant_name("1.0"), "V10");
        assert_eq!(variant_name("UNKNOWN"), "UnknownValue");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(module_name("GetReferenceImportJob"), "get_reference_import_job");
        assert_eq!(module_name("Type"), "type_");
    }

    #[test]
    fn scopes_suffix_collisions_deterministically() {
        let mut scope = Scope::with_reserved(&["BuildError"]);
        assert_eq!(scope.claim("FooBar", ""), "FooBar");
        assert_eq!(scope.claim("FooBar", ""), "FooBar2");
        assert_eq!(scope.claim("BuildError", ""), "BuildError2");
        let mut fields = Scope::default();
        let setter = |n: &str| vec![derived::setter(n)];
        assert_eq!(fields.claim_with("set_x", "_", setter), "set_x");
        assert_eq!(fields.claim_with("x", "_", setter), "x_2");
        assert_eq!(fields.claim_with("r#type", "_", setter), "r#type");
        assert_eq!(fields.claim_with("r#type", "_", setter), "type_2");
    }
}

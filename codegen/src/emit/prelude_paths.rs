//! A pass over emitted tokens: absolute std paths (`::std::option::Option`)
//! become the prelude names (`Option`) they stand for, except for names that
//! the file itself defines at its top level, where the absolute path is what
//! keeps a model shape called `Option` or `Box` from shadowing std.
//!
//! Emitters always write absolute paths; this pass makes the common case
//! read like hand-written code and gives the formatter fewer tokens.

use std::collections::BTreeSet;

use proc_macro2::{Group, Spacing, TokenStream, TokenTree};

/// `(module path under std, item, prelude name of the item, variants that
/// the prelude also exports)`.
const PRELUDE: &[(&str, &str, &[&str])] = &[
    ("option", "Option", &["Some", "None"]),
    ("result", "Result", &["Ok", "Err"]),
    ("string", "String", &[]),
    ("vec", "Vec", &[]),
    ("boxed", "Box", &[]),
    ("default", "Default", &[]),
    ("convert", "Into", &[]),
    ("convert", "From", &[]),
    ("clone", "Clone", &[]),
    ("cmp", "PartialEq", &[]),
    ("cmp", "Eq", &[]),
    ("marker", "Copy", &[]),
];

/// Keywords after which a `::` starts a new path.
const KEYWORDS_BEFORE_PATHS: &[&str] =
    &["as", "break", "dyn", "else", "for", "if", "impl", "in", "let", "match", "move", "mut", "ref", "return", "where", "while"];

/// Shortens std paths in `tokens`, keeping those whose short name is in
/// `defined` (the names of the file's own top-level items).
pub fn shorten(tokens: TokenStream, defined: &BTreeSet<String>) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        // A leading `::` only: after an identifier (other than a keyword) it
        // continues another path, as in `crate::std::...`.
        let leading = match out.last() {
            Some(TokenTree::Ident(ident)) => KEYWORDS_BEFORE_PATHS.iter().any(|k| ident == k),
            _ => true,
        };
        if let Some((name, consumed)) = match_std_path(&trees[i..], defined).filter(|_| leading) {
            out.push(TokenTree::Ident(proc_macro2::Ident::new(name, proc_macro2::Span::call_site())));
            i += consumed;
            continue;
        }
        match &trees[i] {
            TokenTree::Group(group) => {
                let mut shortened = Group::new(group.delimiter(), shorten(group.stream(), defined));
                shortened.set_span(group.span());
                out.push(TokenTree::Group(shortened));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

fn is_path_sep(trees: &[TokenTree]) -> bool {
    matches!(trees, [TokenTree::Punct(a), TokenTree::Punct(b), ..]
        if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
}

fn ident_is(tree: Option<&TokenTree>, text: &str) -> bool {
    matches!(tree, Some(TokenTree::Ident(ident)) if ident == text)
}

/// Matches `:: std :: module :: Item` (and `:: Variant` after it) at the
/// start of `trees`; returns the short name and the number of tokens used.
fn match_std_path(trees: &[TokenTree], defined: &BTreeSet<String>) -> Option<(&'static str, usize)> {
    if !is_path_sep(trees) || !ident_is(trees.get(2), "std") || !is_path_sep(&trees[3..]) {
        return None;
    }
    for (module, item, variants) in PRELUDE {
        if !ident_is(trees.get(5), module) || !is_path_sep(trees.get(6..)?) || !ident_is(trees.get(8), item) {
            continue;
        }
        if let Some(rest) = trees.get(9..).filter(|rest| is_path_sep(rest)) {
            if let Some(variant) = variants.iter().find(|v| ident_is(rest.get(2), v)) {
                return (!defined.contains(*variant)).then_some((*variant, 12));
            }
        }
        return (!defined.contains(*item)).then_some((*item, 9));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn run(tokens: TokenStream, defined: &[&str]) -> String {
        let defined = defined.iter().map(|s| s.to_string()).collect();
        shorten(tokens, &defined).to_string()
    }

    #[test]
    fn shortens_prelude_paths_and_variants() {
        let tokens = quote! {
            fn f(x: ::std::option::Option<::std::string::String>) -> ::std::result::Result<(), ()> {
                let _ = ::std::option::Option::Some(::std::vec::Vec::<u8>::new());
                ::std::result::Result::Ok(())
            }
        };
        assert_eq!(
            run(tokens, &[]),
            quote! {
                fn f(x: Option<String>) -> Result<(), ()> {
                    let _ = Some(Vec::<u8>::new());
                    Ok(())
                }
            }
            .to_string()
        );
    }

    #[test]
    fn keeps_paths_whose_name_the_file_defines() {
        let tokens = quote!(pub struct Option { a: ::std::option::Option<::std::boxed::Box<u8>>, b: ::std::option::Option::None });
        assert_eq!(run(tokens, &["Option"]), quote!(pub struct Option { a: ::std::option::Option<Box<u8>>, b: None }).to_string());
        let tokens = quote!(::std::fmt::Debug, ::std::option::Option, crate::std::vec::Vec);
        assert_eq!(run(tokens, &[]), quote!(::std::fmt::Debug, Option, crate::std::vec::Vec).to_string());
        let tokens = quote!(while let ::std::option::Option::Some(x) = y {} impl ::std::clone::Clone for X {});
        assert_eq!(run(tokens, &[]), quote!(while let Some(x) = y {} impl Clone for X {}).to_string());
    }
}

//! A pass over an emitted file: absolute std paths (`::std::option::Option`)
//! become the prelude names (`Option`) they stand for, except for names that
//! the file itself defines at its top level, where the absolute path is what
//! keeps a model shape called `Option` or `Box` from shadowing std.
//!
//! Emitters always write absolute paths; this pass makes the common case
//! read like hand-written code. It runs on the parsed file (`shorten_file`),
//! changing only the paths it shortens; the tokens of attributes and macro
//! calls, which syn leaves unparsed, go through the token version
//! (`shorten`).

use std::collections::BTreeSet;

use proc_macro2::{Group, Spacing, TokenStream, TokenTree};
use syn::visit_mut::VisitMut;

/// Shortens the std paths of a parsed file, keeping those whose short name
/// is in `defined` (the names of the file's own top-level items).
pub fn shorten_file(file: &mut syn::File, defined: &BTreeSet<String>) {
    Shortener { defined }.visit_file_mut(file);
}

struct Shortener<'a> {
    defined: &'a BTreeSet<String>,
}

impl VisitMut for Shortener<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        shorten_path(path, self.defined, usize::MAX);
    }

    // A qualified path (`<T as ::std::convert::From<U>>::from`) counts the
    // segments of its trait in `qself.position`: shortening the trait's
    // path must update it, and must leave at least one segment.
    fn visit_expr_path_mut(&mut self, expr: &mut syn::ExprPath) {
        for attr in &mut expr.attrs {
            self.visit_attribute_mut(attr);
        }
        self.qualified(&mut expr.qself, &mut expr.path);
    }

    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        self.qualified(&mut ty.qself, &mut ty.path);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        syn::visit_mut::visit_macro_mut(self, mac);
        mac.tokens = shorten(std::mem::take(&mut mac.tokens), self.defined);
    }

    fn visit_meta_list_mut(&mut self, list: &mut syn::MetaList) {
        syn::visit_mut::visit_meta_list_mut(self, list);
        list.tokens = shorten(std::mem::take(&mut list.tokens), self.defined);
    }
}

impl Shortener<'_> {
    fn qualified(&mut self, qself: &mut Option<syn::QSelf>, path: &mut syn::Path) {
        match qself {
            Some(qself) => {
                self.visit_qself_mut(qself);
                syn::visit_mut::visit_path_mut(self, path);
                qself.position -= shorten_path(path, self.defined, qself.position);
            }
            None => self.visit_path_mut(path),
        }
    }
}

/// `::std::module::Item...` → `Item...`, `::std::module::Item::Variant...`
/// → `Variant...`, as `match_std_path` does for tokens, dropping fewer than
/// `limit` segments; returns how many it dropped.
fn shorten_path(path: &mut syn::Path, defined: &BTreeSet<String>, limit: usize) -> usize {
    let segments = &path.segments;
    if path.leading_colon.is_none() || segments.len() < 3 || segments[0].ident != "std" {
        return 0;
    }
    if !segments[0].arguments.is_none() || !segments[1].arguments.is_none() {
        return 0;
    }
    let Some((_, item, variants)) =
        PRELUDE.iter().find(|(module, item, _)| segments[1].ident == module && segments[2].ident == item)
    else {
        return 0;
    };
    let drop = match segments.get(3) {
        Some(next) if variants.iter().any(|v| next.ident == v) => {
            if defined.contains(&next.ident.to_string()) || !segments[2].arguments.is_none() {
                return 0;
            }
            3
        }
        _ if defined.contains(*item) => return 0,
        _ => 2,
    };
    if drop >= limit {
        return 0;
    }
    path.segments = std::mem::take(&mut path.segments).into_pairs().skip(drop).collect();
    path.leading_colon = None;
    drop
}

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
    ("iter", "IntoIterator", &[]),
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

    /// The file pass and the token pass agree, attributes and macro calls
    /// included.
    #[test]
    fn the_file_pass_shortens_like_the_token_pass() {
        let tokens = quote! {
            #[derive(::std::clone::Clone, ::std::fmt::Debug)]
            pub struct Option { a: ::std::option::Option<::std::boxed::Box<u8>>, b: ::std::vec::Vec<::std::string::String> }
            impl ::std::convert::From<u8> for Option {
                fn from(x: u8) -> Self {
                    let v = ::std::vec::Vec::<u8>::new();
                    let r: ::std::result::Result<(), ::std::string::String> = ::std::result::Result::Ok(());
                    if let ::std::option::Option::Some(y) = ::std::option::Option::Some(x) {}
                    assert!(matches!(r, ::std::result::Result::Ok(())));
                    <u8 as ::std::convert::Into<u16>>::into(x);
                    let _: <u8 as ::std::convert::TryFrom<u16>>::Error;
                    crate::std::vec::Vec::new();
                    ::std::fmt::Debug::fmt(&x, f);
                    Self { a: ::std::option::Option::None, b: v }
                }
            }
        };
        let defined = ["Option".to_owned()].into_iter().collect();
        let mut file: syn::File = syn::parse2(tokens.clone()).unwrap();
        shorten_file(&mut file, &defined);
        let by_tokens: syn::File = syn::parse2(shorten(tokens, &defined)).unwrap();
        assert_eq!(prettyplease::unparse(&file), prettyplease::unparse(&by_tokens));
        let text = prettyplease::unparse(&file);
        assert!(text.contains("a: ::std::option::Option<Box<u8>>"), "{text}");
        assert!(text.contains("if let Some(y) = Some(x)"), "{text}");
        assert!(text.contains("#[derive(Clone, ::std::fmt::Debug)]"), "{text}");
        assert!(text.contains("matches!(r, Ok(()))"), "{text}");
        assert!(text.contains("crate::std::vec::Vec::new()"), "{text}");
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

//! A pass over an emitted file whose code is compiled where it is used
//! ([`Codegen::AtUse`](super::Codegen::AtUse)): every function of the file,
//! free or in an `impl` (nested modules included), gets `#[inline]` unless
//! it already says how to be inlined.
//!
//! For a non-generic function, `#[inline]` makes rustc keep its MIR for the
//! crates that call it and generate machine code only where it is used. A
//! debug build of a client crate then compiles no code for its hundreds of
//! codec functions until an operation is called; a crate that calls three
//! operations compiles those three. Release builds are free to inline them,
//! as they would generic code.

use syn::{Attribute, ImplItem, Item};

/// Marks every function of `file` `#[inline]`.
pub fn inline_file(file: &mut syn::File) {
    items(&mut file.items);
}

fn items(items: &mut [Item]) {
    for item in items {
        match item {
            Item::Fn(f) => mark(&mut f.attrs),
            Item::Impl(imp) => {
                for member in &mut imp.items {
                    if let ImplItem::Fn(f) = member {
                        mark(&mut f.attrs);
                    }
                }
            }
            Item::Mod(module) => {
                if let Some((_, inner)) = &mut module.content {
                    self::items(inner);
                }
            }
            _ => {}
        }
    }
}

fn mark(attrs: &mut Vec<Attribute>) {
    if !attrs.iter().any(|a| a.path().is_ident("inline")) {
        attrs.push(syn::parse_quote!(#[inline]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_is_inline_once() {
        let mut file: syn::File = syn::parse_quote! {
            fn free() {}
            #[inline(never)]
            fn kept() {}
            impl Trait for T {
                /// Docs stay first.
                fn method(&self) { fn nested() {} }
                const C: u8 = 1;
            }
            mod inner {
                impl T { pub(crate) fn other() {} }
            }
            struct S;
        };
        inline_file(&mut file);
        let text = prettyplease::unparse(&file);
        assert_eq!(text.matches("#[inline]").count(), 3, "{text}");
        assert!(text.contains("#[inline(never)]\nfn kept"), "{text}");
        assert!(text.contains("/// Docs stay first.\n    #[inline]\n    fn method"), "{text}");
        assert!(text.contains("fn nested() {}"), "{text}");
    }
}

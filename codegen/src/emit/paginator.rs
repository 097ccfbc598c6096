//! The paginator of a paginated operation (in its module's `builders`).

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, type_tokens};
use crate::ir::names;
use crate::ir::{Operation, PathStep, RustType};

/// The paginator of a paginated operation (in its module's `builders`).
pub fn paginator(op: &Operation) -> TokenStream {
    let Some(pagination) = &op.pagination else { return quote!() };
    let fluent = ident(&op.fluent);
    let paginator = super::ident(&names::derived::paginator(&op.name));
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let set_token = super::ident(&names::derived::setter(&pagination.input_token));
    // `String`, the streams' default token, or a map.
    let token = match pagination.token_type {
        RustType::String => quote!(),
        ref ty => {
            let ty = type_tokens(ty);
            quote!(, #ty)
        }
    };
    let token_of = token_of(&pagination.output_token.steps);
    let page_size = pagination.page_size.as_ref().map(|(field, ty)| {
        let field = ident(field);
        let ty = type_tokens(ty);
        quote! {
            /// How many results each page may hold (the operation's page-size member).
            pub fn page_size(mut self, size: impl ::std::convert::Into<#ty>) -> Self {
                self.builder = self.builder.#field(size);
                self
            }
        }
    });
    let items = pagination.items.as_ref().and_then(|items| {
        let path = &items.path;
        let stream = "as a `Stream` (or with `next().await`)";
        let (item, doc) = match items.value_type()? {
            RustType::List { item, sparse } => {
                let item = type_tokens(item);
                let doc = format!(" The items of each page's `{path}`, page after page and in order, {stream}.");
                if *sparse {
                    (quote!(::std::option::Option<#item>), format!("{doc} A `null` item is kept, as `None`."))
                } else {
                    (item, doc)
                }
            }
            RustType::Map { value, sparse } => {
                let value = type_tokens(value);
                let mut doc = format!(
                    " The entries of each page's `{path}` as `(key, value)` pairs, page after page (within a \
                     page in the map's own order: a `HashMap`'s, which is unspecified), {stream}."
                );
                let value = if *sparse {
                    doc.push_str(" A `null` value is kept, as `None`.");
                    quote!(::std::option::Option<#value>)
                } else {
                    value
                };
                (quote!((::std::string::String, #value)), doc)
            }
            _ => return None,
        };
        let items_of = items_of(&items.steps);
        Some(quote! {
            #[doc = #doc]
            #[inline]
            pub fn items(self) -> crate::pagination::ItemStream<super::#output, #item, super::#error #token> {
                crate::pagination::ItemStream::new(self.send(), #items_of)
            }
        })
    });
    let doc = format!(
        " Pages through [`{0}`](super): each page is one call, with the token of the previous page.",
        op.name
    );
    quote! {
        impl #fluent {
            /// Pages through the results instead of sending one request.
            pub fn into_paginator(self) -> #paginator {
                #paginator { builder: self }
            }
        }

        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #paginator {
            builder: #fluent,
        }

        impl #paginator {
            #page_size

            /// The pages, as a `Stream` (or with `next().await`). It ends after
            /// a page without a next token, with an empty or repeated token,
            /// and after the first error.
            #[inline]
            pub fn send(self) -> crate::pagination::PageStream<super::#output, super::#error #token> {
                let builder = self.builder;
                crate::pagination::PageStream::new(
                    ::std::boxed::Box::new(move |token| {
                        let request = match token {
                            ::std::option::Option::Some(token) => builder.clone().#set_token(::std::option::Option::Some(token)),
                            ::std::option::Option::None => builder.clone(),
                        };
                        ::std::boxed::Box::pin(request.send())
                    }),
                    #token_of,
                )
            }

            #items
        }
    }
}

/// The closure that reads the next token from a page (`&Output`): a field of
/// the output, or of the structures it holds (`None` where one is absent).
fn token_of(steps: &[PathStep]) -> TokenStream {
    let Some((last, through)) = steps.split_last() else { return quote!(|_| ::std::option::Option::None) };
    let field = ident(&last.field);
    let token = if last.optional {
        quote!(page.#field.clone())
    } else {
        quote!(::std::option::Option::Some(page.#field.clone()))
    };
    if through.is_empty() {
        return quote!(|page| #token);
    }
    let through = through.iter().map(|step| {
        let field = ident(&step.field);
        if step.optional { quote!(let page = page.#field.as_ref()?;) } else { quote!(let page = &page.#field;) }
    });
    quote!(|page| {
        #(#through)*
        #token
    })
}

/// The closure that takes the items out of a page (`Output`, by value): the
/// list, or the map's entries, empty where a step of the path is absent.
fn items_of(steps: &[PathStep]) -> TokenStream {
    let Some((last, through)) = steps.split_last() else { return quote!(|_| ::std::vec::Vec::new()) };
    let field = ident(&last.field);
    let mut take = if last.optional { quote!(page.#field.unwrap_or_default()) } else { quote!(page.#field) };
    if matches!(last.ty, RustType::Map { .. }) {
        take = quote!(#take.into_iter().collect());
    }
    if through.is_empty() {
        return quote!(|page| #take);
    }
    let through = through.iter().map(|step| {
        let field = ident(&step.field);
        if step.optional {
            quote!(let ::std::option::Option::Some(page) = page.#field else { return ::std::vec::Vec::new() };)
        } else {
            quote!(let page = page.#field;)
        }
    });
    quote!(|page| {
        #(#through)*
        #take
    })
}

//! The paginator of a paginated operation (in its module's `builders`).

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, type_tokens};
use crate::ir::Operation;
use crate::ir::names;

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
        crate::ir::RustType::String => quote!(),
        ref ty => {
            let ty = type_tokens(ty);
            quote!(, #ty)
        }
    };
    let output_token = ident(&pagination.output_token);
    let token_of = if pagination.output_token_optional {
        quote!(|page| page.#output_token.clone())
    } else {
        quote!(|page| ::std::option::Option::Some(page.#output_token.clone()))
    };
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
    let items = pagination.items.as_ref().map(|(field, item, optional)| {
        let field = ident(field);
        let item = type_tokens(item);
        let take = if *optional { quote!(page.#field.unwrap_or_default()) } else { quote!(page.#field) };
        quote! {
            /// The items of every page, in order, as a `Stream` (or with `next().await`).
            pub fn items(self) -> crate::pagination::ItemStream<super::#output, #item, super::#error #token> {
                crate::pagination::ItemStream::new(self.send(), |page| #take)
            }
        }
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
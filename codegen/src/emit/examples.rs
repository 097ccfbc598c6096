//! `examples/<operation>.rs`: a runnable example per read-only operation
//! whose required members are strings.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Crate, Field, Operation};
use crate::ir::names;

/// Operations that get a runnable example: read-only operations whose
/// required input members are all strings, passed on the command line.
pub fn example_operations(krate: &Crate) -> Vec<&Operation> {
    krate
        .operations
        .values()
        .filter(|op| op.readonly)
        .filter(|op| op.input.fields.iter().filter(|f| f.required).all(|f| f.ty == crate::ir::RustType::String))
        .collect()
}

/// `examples/<operation>.rs`: calls the operation with settings from the
/// environment and the required members from the command line.
pub fn example(krate: &Crate, op: &Operation) -> TokenStream {
    // Path labels in URI order first (as the API reads), then the others.
    let labels: Vec<&str> = op
        .http
        .iter()
        .flat_map(|h| &h.path)
        .filter_map(|s| match s {
            crate::ir::http::Segment::Label { member, .. } => Some(member.as_str()),
            crate::ir::http::Segment::Literal(_) => None,
        })
        .collect();
    // A member the builder fills (Glacier's `accountId`) is not asked for.
    let fills = super::customize::input_fills(krate, op);
    let mut required: Vec<&Field> =
        op.input.fields.iter().filter(|f| f.required && super::structure::fill_of(f, &fills).is_none()).collect();
    required.sort_by_key(|f| labels.iter().position(|l| *l == f.member).unwrap_or(usize::MAX));
    let crate_ident = ident(&krate.name.replace('-', "_"));
    let method = ident(&op.method);
    let stream = op.output.fields.iter().find(|f| matches!(f.ty, crate::ir::RustType::ByteStream { .. }));
    let on_output = match stream {
        None => quote! {
            Ok(output) => {
                println!("{output:#?}");
                ExitCode::SUCCESS
            }
        },
        Some(f) => {
            let field = ident(&f.name);
            quote! {
                Ok(mut output) => {
                    use std::io::Write;
                    let mut stdout = std::io::stdout().lock();
                    while let Some(chunk) = output.#field.next().await {
                        let written = match chunk {
                            Ok(bytes) => stdout.write_all(&bytes).map_err(|e| e.to_string()),
                            Err(error) => Err(#crate_ident::error::DisplayErrorContext(&error).to_string()),
                        };
                        if let Err(error) = written {
                            eprintln!("error: {error}");
                            return ExitCode::FAILURE;
                        }
                    }
                    ExitCode::SUCCESS
                }
            }
        }
    };
    let args: Vec<String> = required.iter().map(|f| format!("<{}>", f.member)).collect();
    let usage = format!(
        "usage: cargo run -p {} --example {} -- {}",
        krate.name,
        op.module,
        args.join(" ")
    );
    let names: Vec<proc_macro2::Ident> = required.iter().map(|f| super::ident(&names::derived::argument(&f.name))).collect();
    let setters = required.iter().zip(&names).map(|(f, name)| {
        let field = ident(&f.name);
        quote!(.#field(#name.as_str()))
    });
    let doc_lines = vec![
        format!("Calls `{}` on {} with the settings of the environment:", op.name, krate.service.title),
        "`AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and".to_owned(),
        "`AWS_SESSION_TOKEN`), optionally `AWS_ENDPOINT_URL`.".to_owned(),
        String::new(),
        "```text".to_owned(),
        usage.clone(),
        "```".to_owned(),
        String::new(),
        if stream.is_some() {
            "Writes the body to standard output as it arrives; on failure prints the".to_owned()
        } else {
            "Prints the output; on failure prints the error's code, message, HTTP".to_owned()
        },
        if stream.is_some() {
            "error's code, message, HTTP status and request id, and exits with status 1.".to_owned()
        } else {
            "status and request id, and exits with status 1.".to_owned()
        },
    ];
    let doc = doc_lines.iter().map(|line| {
        let text = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#![doc = #text])
    });
    quote! {
        #(#doc)*

        use std::process::ExitCode;

        #[tokio::main(flavor = "current_thread")]
        async fn main() -> ExitCode {
            let args: Vec<String> = std::env::args().skip(1).collect();
            let [#(#names),*] = args.as_slice() else {
                eprintln!(#usage);
                return ExitCode::from(2);
            };
            // Region and credentials from everywhere the AWS SDKs look
            // (environment, profile, containers, instance metadata).
            let client = #crate_ident::Client::new(#crate_ident::Config::load().await);
            match client.#method() #(#setters)* .send().await {
                #on_output
                Err(error) => {
                    eprintln!("error: {}", #crate_ident::error::DisplayErrorContext(&error));
                    eprintln!("  code:       {}", error.code().unwrap_or("-"));
                    eprintln!("  message:    {}", error.message().unwrap_or("-"));
                    eprintln!("  status:     {}", error.status().map_or("-".to_owned(), |s| s.to_string()));
                    eprintln!("  request id: {}", error.request_id().unwrap_or("-"));
                    ExitCode::FAILURE
                }
            }
        }
    }
}

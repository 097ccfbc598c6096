//! The generator's model reader (`codegen/src/idl/`, `codegen/src/load/`):
//! Smithy IDL text, and JSON AST text when the input starts with `{`, as a
//! model author may write them.
//!
//! Properties: every input gives a model or an error, never a panic; a
//! model read from IDL writes a JSON AST that reads back to a model with
//! the same JSON AST; a model that loads also validates without panicking.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = codegen::idl::to_json_ast(text, Path::new("fuzz.smithy"));
    if let Ok(model) = codegen::load::load_str(text, Path::new("fuzz.smithy")) {
        let ast = codegen::load::json_ast(&model);
        let written = serde_json::to_string_pretty(&ast).expect("an AST writes");
        let again = codegen::load::load_str(&written, Path::new("fuzz.json"))
            .unwrap_or_else(|e| panic!("the AST of {text:?} does not load: {e}\n{written}"));
        assert_eq!(codegen::load::json_ast(&again), ast, "{text:?}");
        let _ = codegen::validate::validate(&model);
    }
    if text.trim_start().starts_with('{') {
        if let Ok(model) = codegen::load::load_str(text, Path::new("fuzz.json")) {
            let _ = codegen::validate::validate(&model);
        }
    }
});

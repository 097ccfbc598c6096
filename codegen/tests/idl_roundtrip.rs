//! `tests/idl/omics.smithy` is the first `model/omics.json` (the
//! GetReferenceImportJob closure), kept as `tests/idl/omics.json`, written
//! in the IDL. Both must load to the same model, and generate the same Rust.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn idl() -> PathBuf {
    root().join("tests/idl/omics.smithy")
}

fn json() -> PathBuf {
    root().join("tests/idl/omics.json")
}

#[test]
fn omics_idl_loads_to_the_json_model() {
    let from_idl = codegen::load::load(&[idl()]).unwrap_or_else(|e| panic!("{e}"));
    let from_json = codegen::load::load(&[json()]).unwrap_or_else(|e| panic!("{e}"));
    // The JSON ASTs, as values.
    let a = codegen::load::json_ast(&from_idl);
    let b = codegen::load::json_ast(&from_json);
    for (id, shape) in b["shapes"].as_object().expect("shapes") {
        assert_eq!(a["shapes"].get(id), Some(shape), "shape {id} differs");
    }
    assert_eq!(a, b);
    // The typed models, where member order counts.
    assert_eq!(from_idl.shapes.len(), from_json.shapes.len());
    for (id, shape) in &from_json.shapes {
        let other = from_idl.shapes.get(id).unwrap_or_else(|| panic!("{id} missing from the IDL model"));
        assert_eq!((&other.kind, &other.traits), (&shape.kind, &shape.traits), "{id}");
    }
}

#[test]
fn generating_from_idl_gives_the_same_files() {
    let options = |model: PathBuf| codegen::Options { models: vec![model], ..Default::default() };
    let from_idl = codegen::generate(&options(idl())).unwrap_or_else(|e| panic!("{e}"));
    let from_json = codegen::generate(&options(json())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_idl.keys().collect::<Vec<_>>(), from_json.keys().collect::<Vec<_>>());
    for (path, text) in &from_json {
        assert!(from_idl.get(path) == Some(text), "{path} differs");
    }
}

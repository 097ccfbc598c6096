//! Every `.smithy` file of the shared Smithy sources (the prelude, trait
//! definitions, AWS protocol tests, rules-engine tests) loads, and the
//! restJson1 protocol test service has what the official suite holds.

use std::path::{Path, PathBuf};

use codegen::model::{Model, ShapeId, ShapeKind};
use serde_json::Value;

fn shared() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/smithy");
    assert!(
        dir.is_dir(),
        "{} is missing: these tests need the shared Smithy sources checked out beside the repository (../shared)",
        dir.display()
    );
    dir
}

fn smithy_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("readable").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            smithy_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "smithy") {
            out.push(path);
        }
    }
}

fn load_all() -> Model {
    let mut files = Vec::new();
    smithy_files(&shared(), &mut files);
    assert!(files.len() >= 150, "only {} .smithy files", files.len());
    codegen::load::load(&files).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_shared_smithy_file_loads() {
    let model = load_all();
    assert!(model.files.len() >= 150);
    // The whole directory loads too (its JSON file that is not a model is skipped).
    codegen::load::load(&[shared()]).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn each_protocol_directory_loads_with_the_traits() {
    let dir = shared();
    let mut common = Vec::new();
    smithy_files(&dir.join("traits"), &mut common);
    common.push(dir.join("protocol-tests/shared-types.smithy"));
    common.push(dir.join("protocol-tests/aws-config.smithy"));
    let mut protocols: Vec<PathBuf> = std::fs::read_dir(dir.join("protocol-tests"))
        .expect("readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    protocols.sort();
    for protocol in protocols {
        let mut paths = common.clone();
        paths.push(protocol.clone());
        codegen::load::load(&paths).unwrap_or_else(|e| panic!("{}: {e}", protocol.display()));
    }
    for file in std::fs::read_dir(dir.join("rules-engine-tests")).expect("readable") {
        let file = file.expect("entry").path();
        let mut paths = common.clone();
        paths.push(file.clone());
        codegen::load::load(&paths).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
}

fn client_cases(value: Option<&Value>) -> usize {
    let Some(Value::Array(cases)) = value else { return 0 };
    cases
        .iter()
        .filter(|case| match case.get("appliesTo") {
            None => true,
            Some(to) => to == "client",
        })
        .count()
}

#[test]
fn rest_json_service_has_its_operations_and_tests() {
    let model = load_all();
    let service_id = ShapeId::parse("aws.protocoltests.restjson#RestJson").expect("id");
    let service = model.get(&service_id).expect("the RestJson service");
    let ShapeKind::Service(container) = &service.kind else { panic!("not a service") };
    assert_eq!(container.operations.len(), 113);

    let mut requests = 0;
    let mut responses = 0;
    let mut errors = std::collections::BTreeSet::new();
    errors.extend(container.errors.iter().cloned());
    for op_id in &container.operations {
        let op = model.get(op_id).unwrap_or_else(|| panic!("{op_id} missing"));
        requests += client_cases(op.traits.get("smithy.test#httpRequestTests"));
        responses += client_cases(op.traits.get("smithy.test#httpResponseTests"));
        let ShapeKind::Operation(operation) = &op.kind else { panic!("{op_id} is not an operation") };
        errors.extend(operation.errors.iter().cloned());
    }
    // Error shapes carry response tests too.
    for error in &errors {
        let shape = model.get(error).unwrap_or_else(|| panic!("{error} missing"));
        responses += client_cases(shape.traits.get("smithy.test#httpResponseTests"));
    }
    assert_eq!(requests, 136, "client httpRequestTests");
    assert_eq!(responses, 108, "client httpResponseTests (operations and their errors)");
}

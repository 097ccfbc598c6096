//! The official AWS models in `../shared/models/aws/`: each one either
//! generates, or stops with an error that names the shape and the feature
//! the generator does not support yet. (Compiling the generated corpus is
//! the job of a later, dedicated test.)

use std::path::PathBuf;

fn shared_models() -> Vec<PathBuf> {
    let dir = tests::root().join("../shared/models/aws");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!("{} is missing ({e}); the tests need ../shared beside the checkout", dir.display())
    });
    let mut models: Vec<PathBuf> = entries
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    models.sort();
    models
}

#[test]
fn every_shared_model_generates_or_names_what_is_missing() {
    let models = shared_models();
    assert_eq!(models.len(), 16, "expected the 16 official models");
    let mut generated = Vec::new();
    for model in &models {
        let name = model.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let options = codegen::Options { models: vec![model.clone()], ..Default::default() };
        match codegen::generate(&options) {
            Ok(files) => {
                assert!(files.contains_key("src/lib.rs") && files.contains_key("Cargo.toml"), "{name}");
                generated.push(name);
            }
            Err(codegen::Error::Unsupported { path, shape, feature }) => {
                assert_eq!(&path, model);
                assert!(shape.contains('#'), "{name}: the error names a shape id: {shape}");
                assert!(!feature.is_empty());
                println!("{name}: not yet: {shape} uses {feature}");
            }
            Err(other) => panic!("{name}: unexpected error: {other}"),
        }
    }
    println!("corpus: {} of {} generate", generated.len(), models.len());
    // The README's status table says which; keep it honest.
    // Only the two models with event streams stop (bedrock-runtime, lambda).
    assert_eq!(generated.len(), 14, "{generated:?}");
    assert!(!generated.iter().any(|g| g.starts_with("bedrock-runtime") || g.starts_with("lambda")), "{generated:?}");
}

#[test]
fn the_operations_of_model_dir_match_the_official_omics_model() {
    // model/omics.json is authored from the official model: selecting the
    // same operations from the official file must give the same Rust.
    let official = tests::root().join("../shared/models/aws/omics-2022-11-28.json");
    assert!(official.exists(), "{} is missing", official.display());
    let options = codegen::Options {
        models: vec![official],
        operations: [
            "GetReferenceImportJob",
            "StartReferenceImportJob",
            "ListReferenceImportJobs",
            "GetReferenceStore",
            "ListReferenceStores",
            "GetReferenceMetadata",
            "GetReference",
            "ListReferences",
            "DeleteReference",
        ]
        .map(String::from)
        .to_vec(),
        ..Default::default()
    };
    let from_official = codegen::generate(&options).expect("the official model generates these operations");
    let ours = tests::generate(&tests::root().join("model"));
    let strip_docs = |text: &str| -> String {
        text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(from_official.keys().collect::<Vec<_>>(), ours.keys().collect::<Vec<_>>());
    for (path, text) in &ours {
        if path.ends_with(".rs") {
            assert_eq!(strip_docs(&from_official[path]), strip_docs(text), "{path} differs beyond documentation");
        }
    }
}

#[test]
fn lambdas_sensitive_environment_map_is_redacted() {
    // Lambda's `EnvironmentVariables` is a map whose keys and values are
    // `@sensitive` strings; `GetFunctionConfiguration` reaches it without
    // the event streams the generator refuses.
    let model = tests::root().join("../shared/models/aws/lambda-2015-03-31.json");
    assert!(model.exists(), "{} is missing", model.display());
    let options = codegen::Options {
        models: vec![model],
        operations: vec!["GetFunctionConfiguration".to_owned()],
        ..Default::default()
    };
    let files = codegen::generate(&options).expect("GetFunctionConfiguration generates");
    let types = &files["src/types.rs"];
    let start = types.find("impl ::std::fmt::Debug for EnvironmentResponse {").expect("a hand-written Debug");
    let body = &types[start..start + types[start..].find("\n}\n").expect("the impl ends")];
    assert!(body.contains(r#".field("variables", &"*** Sensitive Data Redacted ***")"#), "{body}");
}

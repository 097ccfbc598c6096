//! Generates the S3 client the tests call, from the official model in
//! `../shared/models/`, cut to the operations the tests use, as one source
//! file `OUT_DIR/s3.rs` that `src/lib.rs` includes. Nothing generated is
//! committed: the client carries the model's documentation.

use std::path::{Path, PathBuf};

const OPERATIONS: &[&str] = &["GetObject", "PutObject", "UploadPart"];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    // tests/s3 -> the checkout -> its parent, where ../shared lives.
    let model = manifest.join("../../../shared/models/aws-more/s3-2006-03-01.json");
    if !model.is_file() {
        panic!(
            "the official AWS model is missing: expected {} (the reference material `../shared` beside the checkout)",
            model.display()
        );
    }
    println!("cargo:rerun-if-changed={}", model.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let options = codegen::Options {
        models: vec![model],
        service: None,
        operations: OPERATIONS.iter().map(|op| op.to_string()).collect(),
        crate_name: Some("s3".to_owned()),
        protocol: None,
    };
    let files = codegen::generate(&options).unwrap_or_else(|e| panic!("cannot generate the S3 client: {e}"));
    let client = codegen::single_file::as_module(&files, "s3").unwrap_or_else(|e| panic!("{e}"));
    write(&out.join("s3.rs"), &client);
}

/// Writes only when the text changed, so an unchanged client is not rebuilt.
fn write(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

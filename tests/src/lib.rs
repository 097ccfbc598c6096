//! Shared helpers for the golden and end-to-end tests in `tests/tests/`.

pub mod h2_server;
pub mod server;
pub mod sigv4;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// A committed crate and the model it is generated from.
pub struct Committed {
    pub name: String,
    pub model: PathBuf,
    pub out: PathBuf,
}

/// `generated/` from `model/`, then every fixture crate from its model.
pub fn committed_crates() -> Vec<Committed> {
    let root = root();
    let mut crates =
        vec![Committed { name: "generated".into(), model: root.join("model").join("omics.json"), out: root.join("generated") }];
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures"))
        .expect("tests/fixtures exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    for model in fixtures {
        let stem = model.file_stem().and_then(|s| s.to_str()).expect("utf-8 file name").to_owned();
        crates.push(Committed { out: root.join("tests/fixture-crates").join(&stem), name: stem, model });
    }
    crates
}

/// Runs the generator in memory on one model path.
pub fn generate(model: &Path) -> BTreeMap<String, String> {
    let options = codegen::Options { models: vec![model.to_path_buf()], ..Default::default() };
    codegen::generate(&options).unwrap_or_else(|e| panic!("generating from {}: {e}", model.display()))
}


//! Stage 1: read model files into one [`Model`].
//!
//! Paths may be files or directories (read recursively, `.json` files in name
//! order). Shapes from all files are merged; a shape defined twice must be
//! defined identically. The Smithy prelude is built in.

mod json;
mod prelude;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::model::Model;

/// Reads every model file under `paths` and merges them with the prelude.
pub fn load(paths: &[PathBuf]) -> Result<Model> {
    let mut files = Vec::new();
    for path in paths {
        collect_files(path, &mut files)?;
    }
    let mut model = Model::default();
    prelude::add_to(&mut model);
    let mut pending_applies = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::Io { path: file.clone(), message: e.to_string() })?;
        let source = Arc::new(file.clone());
        let document = json::parse_document(&text, &source)?;
        for shape in document.shapes {
            merge_shape(&mut model, shape)?;
        }
        pending_applies.extend(document.applies);
        model.files.push(file.clone());
    }
    for apply in pending_applies {
        json::apply_traits(&mut model, apply)?;
    }
    Ok(model)
}

/// Parses one JSON AST document held in memory (used by tests and tools).
pub fn load_str(text: &str, path: &Path) -> Result<Model> {
    let mut model = Model::default();
    prelude::add_to(&mut model);
    let source = Arc::new(path.to_path_buf());
    let document = json::parse_document(text, &source)?;
    for shape in document.shapes {
        merge_shape(&mut model, shape)?;
    }
    for apply in document.applies {
        json::apply_traits(&mut model, apply)?;
    }
    model.files.push(path.to_path_buf());
    Ok(model)
}

fn merge_shape(model: &mut Model, shape: crate::model::Shape) -> Result<()> {
    match model.shapes.get(&shape.id) {
        Some(existing) if existing.kind == shape.kind && existing.traits == shape.traits => Ok(()),
        Some(existing) => Err(Error::ConflictingShape {
            shape: shape.id.to_string(),
            first: existing.source.as_ref().clone(),
            second: shape.source.as_ref().clone(),
        }),
        None => {
            model.shapes.insert(shape.id.clone(), shape);
            Ok(())
        }
    }
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let io = |e: std::io::Error| Error::Io { path: path.to_path_buf(), message: e.to_string() };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(path).map_err(io)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>().map_err(io)?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_files(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "json") {
            out.push(entry);
        }
    }
    Ok(())
}

//! Stage 1: read model files into one [`Model`].
//!
//! Paths may be files or directories (read recursively, `.smithy` and
//! `.json` files in name order; a `.json` file found in a directory that is
//! not a Smithy JSON AST document, having no `"smithy"` key, is skipped).
//! Everything is combined as the Smithy specification describes: shapes of
//! every file and namespace are merged (a shape defined twice must be
//! defined identically), `apply` statements of any file apply to any shape,
//! metadata is merged (arrays concatenate), and the prelude is built in.
//! Mixins are flattened into the shapes that use them; mixin shapes stay in
//! the model. [`json_ast`] writes what was loaded as one JSON AST document.

mod json;
mod mixins;
pub(crate) mod prelude;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::{Error, Result, Source};
use crate::idl;
use crate::model::Model;

/// Reads every model file under `paths` and merges them with the prelude.
pub fn load(paths: &[PathBuf]) -> Result<Model> {
    let mut files = Vec::new();
    for path in paths {
        collect_files(path, true, &mut files)?;
    }
    let mut seen = HashSet::new();
    files.retain(|(file, _)| seen.insert(file.clone()));
    let mut inputs = Vec::new();
    for (file, explicit) in &files {
        let text = std::fs::read_to_string(file).map_err(|e| Error::Io { path: file.clone(), message: e.to_string() })?;
        if let Some(input) = read_input(&text, file, *explicit)? {
            inputs.push(input);
        }
    }
    assemble(inputs)
}

/// Reads one model held in memory: IDL when `path` ends in `.smithy`, else
/// a JSON AST document (used by tests and tools).
pub fn load_str(text: &str, path: &Path) -> Result<Model> {
    let inputs = read_input(text, path, true)?.into_iter().collect();
    assemble(inputs)
}

/// Reads several models held in memory, as [`load`] would read files of
/// those names and contents.
pub fn load_texts(files: &[(PathBuf, String)]) -> Result<Model> {
    let mut inputs = Vec::new();
    for (path, text) in files {
        inputs.extend(read_input(text, path, true)?);
    }
    assemble(inputs)
}

/// The JSON AST document of a loaded model, like `smithy ast`: the
/// `smithy` version, merged metadata, and every shape read from a file
/// (prelude shapes excluded) with applied traits, mixins as written.
pub fn json_ast(model: &Model) -> Value {
    let mut root = Map::new();
    root.insert("smithy".into(), Value::from("2.0"));
    if !model.metadata.is_empty() {
        root.insert("metadata".into(), Value::Object(model.metadata.clone()));
    }
    let shapes: Map<String, Value> = model
        .ast_shapes
        .iter()
        .filter(|(id, _)| !id.starts_with("smithy.api#"))
        .map(|(id, body)| (id.clone(), body.clone()))
        .collect();
    root.insert("shapes".into(), Value::Object(shapes));
    Value::Object(root)
}

enum Input {
    Json { source: Source, root: Map<String, Value> },
    Idl(idl::ParsedFile),
}

fn is_idl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "smithy")
}

/// Parses one file; `None` for a JSON file found in a directory that is
/// not a Smithy model.
fn read_input(text: &str, path: &Path, explicit: bool) -> Result<Option<Input>> {
    let source: Source = Arc::new(path.to_path_buf());
    if is_idl(path) {
        return Ok(Some(Input::Idl(idl::parse(text, &source)?)));
    }
    if !explicit {
        if let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) {
            if !root.contains_key("smithy") {
                return Ok(None);
            }
        }
    }
    let root = json::parse_root(text, &source)?;
    Ok(Some(Input::Json { source, root }))
}

/// Where something was written: the input's index and a byte offset, for
/// IDL files.
type At = Option<(usize, usize)>;

struct Entry {
    body: Value,
    source: Source,
    at: At,
}

struct PendingApply {
    target: String,
    traits: Map<String, Value>,
    source: Source,
    at: At,
}

#[derive(Default)]
struct Assembly {
    shapes: BTreeMap<String, Entry>,
    metadata: Map<String, Value>,
    metadata_sources: BTreeMap<String, Source>,
    applies: Vec<PendingApply>,
    /// The text of each input that is an IDL file, for positions.
    texts: Vec<Option<Arc<str>>>,
}

impl Assembly {
    /// An error at a position of an IDL file, else `fallback`.
    fn located(&self, at: At, source: &Source, message: String, fallback: impl FnOnce(String) -> Error) -> Error {
        match at.and_then(|(input, offset)| Some((self.texts.get(input)?.as_ref()?, offset))) {
            Some((text, offset)) => idl::error_at(source, text, offset, message),
            None => fallback(message),
        }
    }

    fn describe(&self, source: &Source, at: At) -> String {
        match at.and_then(|(input, offset)| Some((self.texts.get(input)?.as_ref()?, offset))) {
            Some((text, offset)) => {
                let (line, column, _) = idl::position(text, offset);
                format!("{}:{line}:{column}", source.display())
            }
            None => source.display().to_string(),
        }
    }

    fn add_shape(&mut self, id: String, body: Value, source: &Source, at: At) -> Result<()> {
        if let Some(existing) = self.shapes.get(&id) {
            if existing.body == body {
                return Ok(());
            }
            if at.is_none() && existing.at.is_none() {
                return Err(Error::ConflictingShape {
                    shape: id,
                    first: existing.source.as_ref().clone(),
                    second: source.as_ref().clone(),
                });
            }
            let first = self.describe(&existing.source, existing.at);
            let message = format!("shape `{id}` is defined differently in {first} and here; a shape may be defined only once");
            let (first_source, second_source) = (existing.source.as_ref().clone(), source.as_ref().clone());
            let shape = id.clone();
            return Err(self.located(at, source, message, |_| Error::ConflictingShape {
                shape,
                first: first_source,
                second: second_source,
            }));
        }
        self.shapes.insert(id, Entry { body, source: source.clone(), at });
        Ok(())
    }

    fn add_metadata(&mut self, key: String, value: Value, source: &Source) -> Result<()> {
        match self.metadata.get_mut(&key) {
            None => {
                self.metadata_sources.insert(key.clone(), source.clone());
                self.metadata.insert(key, value);
            }
            Some(existing) if *existing == value => {}
            Some(Value::Array(existing)) if value.is_array() => {
                if let Value::Array(items) = value {
                    existing.extend(items);
                }
            }
            Some(_) => {
                let first = self.metadata_sources.get(&key).map_or_else(PathBuf::new, |s| s.as_ref().clone());
                return Err(Error::ConflictingMetadata { key, first, second: source.as_ref().clone() });
            }
        }
        Ok(())
    }
}

fn assemble(inputs: Vec<Input>) -> Result<Model> {
    // Every shape id the model defines, for relative id resolution.
    let mut known = HashSet::new();
    for input in &inputs {
        match input {
            Input::Json { root, .. } => {
                if let Some(Value::Object(shapes)) = root.get("shapes") {
                    for (id, body) in shapes {
                        if body.get("type").and_then(Value::as_str) != Some("apply") {
                            known.insert(id.clone());
                        }
                    }
                }
            }
            Input::Idl(file) => known.extend(file.shapes.iter().map(|s| s.id.clone())),
        }
    }
    let mut assembly = Assembly::default();
    let mut elided = Vec::new();
    let mut files = Vec::new();
    for (index, input) in inputs.into_iter().enumerate() {
        match input {
            Input::Json { source, mut root } => {
                assembly.texts.push(None);
                files.push(source.as_ref().clone());
                if let Some(Value::Object(metadata)) = root.remove("metadata") {
                    for (key, value) in metadata {
                        assembly.add_metadata(key, value, &source)?;
                    }
                }
                if let Some(Value::Object(shapes)) = root.remove("shapes") {
                    for (id, body) in shapes {
                        if json::check_entry(&id, &body, &source)? {
                            let traits = match body.get("traits") {
                                Some(Value::Object(traits)) => traits.clone(),
                                _ => Map::new(),
                            };
                            assembly.applies.push(PendingApply { target: id, traits, source: source.clone(), at: None });
                        } else {
                            assembly.add_shape(id, body, &source, None)?;
                        }
                    }
                }
            }
            Input::Idl(file) => {
                assembly.texts.push(Some(file.text.clone()));
                files.push(file.source.as_ref().clone());
                let ast = idl::resolve(&file, &known)?;
                for (key, value, _) in ast.metadata {
                    assembly.add_metadata(key, value, &file.source)?;
                }
                for shape in ast.shapes {
                    assembly.add_shape(shape.id, shape.body, &file.source, Some((index, shape.at)))?;
                }
                for apply in ast.applies {
                    assembly.applies.push(PendingApply {
                        target: apply.target,
                        traits: apply.traits,
                        source: file.source.clone(),
                        at: Some((index, apply.at)),
                    });
                }
                elided.extend(ast.elided.into_iter().map(|e| (e, file.source.clone(), index)));
            }
        }
    }
    fill_elided(&mut assembly, elided)?;
    let applies = std::mem::take(&mut assembly.applies);
    for apply in applies {
        apply_traits(&mut assembly, apply)?;
    }
    build_model(assembly, files)
}

/// Gives elided members their targets; a mixin's member may itself be
/// elided, so this repeats while it makes progress.
fn fill_elided(assembly: &mut Assembly, mut pending: Vec<(idl::Elided, Source, usize)>) -> Result<()> {
    while !pending.is_empty() {
        let before = pending.len();
        let mut still = Vec::new();
        for (elided, source, index) in pending {
            let lookup = |id: &str| assembly.shapes.get(id).map(|e| &e.body);
            match idl::fill_elided(&elided, &lookup) {
                Some(target) => {
                    if let Some(entry) = assembly.shapes.get_mut(&elided.shape) {
                        idl::set_member_target(&mut entry.body, &elided.member, target);
                    }
                }
                None => still.push((elided, source, index)),
            }
        }
        if still.len() == before {
            if let Some((elided, source, index)) = still.into_iter().next() {
                let message = format!(
                    "member `${}` has no target: no `for` resource identifier or property and no mixin member has that name",
                    elided.member
                );
                let shape = elided.shape.clone();
                return Err(assembly.located(Some((index, elided.at)), &source, message, |message| Error::Invalid {
                    path: source.as_ref().clone(),
                    shape,
                    message,
                }));
            }
            return Ok(());
        }
        pending = still;
    }
    Ok(())
}

/// Merges one trait value into a trait map: equal values agree, arrays
/// concatenate, anything else conflicts.
fn merge_trait(traits: &mut Map<String, Value>, id: String, value: Value) -> Result<(), String> {
    match traits.get_mut(&id) {
        None => {
            traits.insert(id, value);
            Ok(())
        }
        Some(existing) if *existing == value => Ok(()),
        Some(Value::Array(existing)) if value.is_array() => {
            if let Value::Array(items) = value {
                existing.extend(items);
            }
            Ok(())
        }
        Some(_) => Err(format!("trait `{id}` is already applied with a different value (only list values are merged)")),
    }
}

fn apply_traits(assembly: &mut Assembly, apply: PendingApply) -> Result<()> {
    let (root, member) = match apply.target.split_once('$') {
        Some((root, member)) => (root.to_owned(), Some(member.to_owned())),
        None => (apply.target.clone(), None),
    };
    let unresolved = |assembly: &Assembly, what: String| {
        assembly.located(apply.at, &apply.source, what, |_| Error::UnresolvedTarget {
            path: apply.source.as_ref().clone(),
            shape: format!("apply {}", apply.target),
            target: apply.target.clone(),
        })
    };
    let Some(entry) = assembly.shapes.get(&root) else {
        return Err(unresolved(assembly, format!("`apply` targets `{}`, which is not defined in the model", apply.target)));
    };
    // A member inherited from a mixin gets a local definition to carry the
    // applied traits, as Smithy does.
    let mut inherited_target = None;
    if let Some(name) = &member {
        let body = &entry.body;
        let local = body.get("members").and_then(|m| m.get(name)).or_else(|| match name.as_str() {
            "member" | "key" | "value" => body.get(name.as_str()),
            _ => None,
        });
        if local.is_none() {
            let mixins = body
                .get("mixins")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|m| m.get("target")?.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            let probe = idl::Elided { shape: root.clone(), member: name.clone(), at: 0, for_resource: None, mixins };
            let lookup = |id: &str| assembly.shapes.get(id).map(|e| &e.body);
            inherited_target = idl::fill_elided(&probe, &lookup);
            if inherited_target.is_none() {
                return Err(unresolved(assembly, format!("`apply` targets `{}`, but `{root}` has no member `{name}`", apply.target)));
            }
        }
    }
    let location = apply.at;
    let source = apply.source.clone();
    let Some(entry) = assembly.shapes.get_mut(&root) else { return Ok(()) };
    let Value::Object(body) = &mut entry.body else { return Ok(()) };
    let holder: &mut Map<String, Value> = match &member {
        None => body,
        Some(name) => {
            let is_collection_member =
                matches!(name.as_str(), "member" | "key" | "value") && !body.contains_key("members");
            let container = if is_collection_member {
                body
            } else {
                match body.entry("members").or_insert_with(|| Value::Object(Map::new())) {
                    Value::Object(members) => members,
                    _ => return Ok(()),
                }
            };
            let slot = container.entry(name.clone()).or_insert_with(|| {
                let mut m = Map::new();
                m.insert("target".into(), Value::String(inherited_target.clone().unwrap_or_default()));
                Value::Object(m)
            });
            match slot {
                Value::Object(m) => m,
                _ => return Ok(()),
            }
        }
    };
    let traits = match holder.entry("traits").or_insert_with(|| Value::Object(Map::new())) {
        Value::Object(traits) => traits,
        _ => return Ok(()),
    };
    let mut conflict = None;
    for (id, value) in apply.traits {
        if let Err(message) = merge_trait(traits, id, value) {
            conflict = Some(message);
            break;
        }
    }
    if let Some(message) = conflict {
        let target = apply.target.clone();
        return Err(assembly.located(location, &source, format!("`apply {target}`: {message}"), |message| Error::Invalid {
            path: source.as_ref().clone(),
            shape: target.clone(),
            message,
        }));
    }
    Ok(())
}

fn build_model(assembly: Assembly, files: Vec<PathBuf>) -> Result<Model> {
    let mut model = Model::default();
    prelude::add_to(&mut model);
    let lookup = |id: &str| assembly.shapes.get(id).map(|e| &e.body);
    for (id, entry) in &assembly.shapes {
        let flat = mixins::flatten(&entry.body, &lookup).map_err(|message| Error::Invalid {
            path: entry.source.as_ref().clone(),
            shape: id.clone(),
            message,
        })?;
        let shape = json::read_shape(id, &flat, &entry.source)?;
        // A file's definition of a prelude shape (the prelude file itself)
        // replaces the built-in one.
        model.shapes.insert(shape.id.clone(), shape);
    }
    model.files = files;
    model.metadata = assembly.metadata;
    model.ast_shapes = assembly.shapes.into_iter().map(|(id, entry)| (id, entry.body)).collect();
    Ok(model)
}

fn collect_files(path: &Path, explicit: bool, out: &mut Vec<(PathBuf, bool)>) -> Result<()> {
    let io = |e: std::io::Error| Error::Io { path: path.to_path_buf(), message: e.to_string() };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_file() {
        out.push((path.to_path_buf(), explicit));
        return Ok(());
    }
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(path).map_err(io)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>().map_err(io)?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_files(&entry, false, out)?;
        } else if entry.extension().is_some_and(|e| e == "json" || e == "smithy") {
            out.push((entry, false));
        }
    }
    Ok(())
}

//! IDL fixture pairs: each `tests/idl/fixtures/NAME.smithy` (or directory
//! `NAME/`) must load to the JSON AST in `NAME.json`, compared as JSON
//! values. The fixtures follow the examples of the Smithy IDL specification.

use std::path::{Path, PathBuf};

use codegen::model::{ShapeId, ShapeKind};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/idl/fixtures")
}

fn load_ast(path: &Path) -> Value {
    let model = codegen::load::load(&[path.to_path_buf()]).unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display()));
    codegen::load::json_ast(&model)
}

fn expected(name: &str) -> Value {
    let path = fixtures().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares shape by shape, so that a failure names the shape.
fn assert_same_ast(name: &str, actual: &Value, expected: &Value) {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    assert_eq!(actual.get("metadata"), expected.get("metadata"), "{name}: metadata differs");
    let (Some(actual_shapes), Some(expected_shapes)) =
        (actual["shapes"].as_object(), expected["shapes"].as_object())
    else {
        panic!("{name}: no shapes");
    };
    for (id, want) in expected_shapes {
        let got = actual_shapes.get(id).unwrap_or_else(|| panic!("{name}: shape {id} is missing"));
        assert_eq!(got, want, "{name}: shape {id} differs:\nactual {}\nexpected {}", pretty(got), pretty(want));
    }
    let extra: Vec<_> = actual_shapes.keys().filter(|k| !expected_shapes.contains_key(*k)).collect();
    assert!(extra.is_empty(), "{name}: unexpected shapes {extra:?}");
    assert_eq!(actual, expected, "{name}");
}

#[test]
fn every_fixture_matches_its_json_ast() {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(fixtures()).expect("tests/idl/fixtures exists") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            names.push(path.file_stem().and_then(|s| s.to_str()).expect("name").to_owned());
        }
    }
    names.sort();
    assert!(names.len() >= 7, "fixtures: {names:?}");
    for name in &names {
        let file = fixtures().join(format!("{name}.smithy"));
        let input = if file.exists() { file } else { fixtures().join(name) };
        assert_same_ast(name, &load_ast(&input), &expected(name));
    }
}

#[test]
fn the_json_ast_loads_to_the_same_model() {
    // Writing the AST and reading it back changes nothing.
    for name in ["shapes", "enums", "mixins", "operations", "apply", "version1"] {
        let idl = codegen::load::load(&[fixtures().join(format!("{name}.smithy"))]).expect("loads");
        let text = serde_json::to_string(&codegen::load::json_ast(&idl)).expect("json");
        let json = codegen::load::load_str(&text, Path::new("ast.json")).expect("the AST loads");
        for (id, shape) in &idl.shapes {
            let other = json.shapes.get(id).unwrap_or_else(|| panic!("{name}: {id} missing"));
            assert_eq!((&shape.kind, &shape.traits), (&other.kind, &other.traits), "{name}: {id}");
        }
        assert_eq!(idl.shapes.len(), json.shapes.len(), "{name}");
    }
}

fn id(text: &str) -> ShapeId {
    ShapeId::parse(text).expect("shape id")
}

#[test]
fn mixins_are_flattened_in_the_typed_model() {
    let model = codegen::load::load(&[fixtures().join("mixins.smithy")]).expect("loads");
    let summary = model.get(&id("smithy.example#UserSummary")).expect("UserSummary");
    let ShapeKind::Structure(members) = &summary.kind else { panic!("not a structure") };
    let names: Vec<_> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["userId", "username", "active"], "inherited members first, in mixin order");
    assert!(members[0].traits.has("smithy.api#required"), "the local redefinition adds traits");
    assert_eq!(members[0].target, id("smithy.api#String"));
    assert!(summary.traits.has("smithy.api#sensitive"), "traits are inherited");
    assert!(!summary.traits.has("smithy.api#internal"), "localTraits are not inherited");
    assert!(!summary.traits.has("smithy.api#mixin"), "@mixin is not inherited");

    let lowercase = model.get(&id("smithy.example#Lowercase")).expect("Lowercase");
    assert!(lowercase.traits.has("smithy.api#length") && lowercase.traits.has("smithy.api#pattern"));

    let ShapeKind::Operation(op) = &model.get(&id("smithy.example#GetUser")).expect("GetUser").kind else {
        panic!("not an operation")
    };
    assert_eq!(op.errors, [id("smithy.example#ValidationError")]);
    assert_eq!(op.input, Some(id("smithy.example#GetUserInput")));
    let input = model.get(&id("smithy.example#GetUserInput")).expect("input");
    assert_eq!(input.kind.members().iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["userId"]);
    // The mixin itself stays in the model, marked.
    assert!(model.get(&id("smithy.example#BaseUser")).expect("mixin").traits.has("smithy.api#mixin"));
}

#[test]
fn member_order_follows_the_file() {
    let model = codegen::load::load(&[fixtures().join("shapes.smithy")]).expect("loads");
    let shape = model.get(&id("smithy.example#MyStructure")).expect("MyStructure");
    let names: Vec<_> = shape.kind.members().iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["stringMember", "numberMember", "listMember", "flagged", "absolute", "old"]);
}

#[test]
fn idl_and_json_files_mix() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("idl-mix-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("nested")).expect("dir");
    std::fs::write(
        dir.join("a.smithy"),
        "$version: \"2\"\nnamespace ex\nstructure Uses { j: FromJson }\napply FromJson @documentation(\"idl\")\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("nested/b.json"),
        r#"{"smithy": "2.0", "metadata": {"m": [1]}, "shapes": {"ex#FromJson": {"type": "string"},
            "ex#Uses$j": {"type": "apply", "traits": {"smithy.api#required": {}}}}}"#,
    )
    .expect("write");
    // A JSON file found in a directory that is not a Smithy model is skipped.
    std::fs::write(dir.join("nested/other.json"), r#"{"partitions": []}"#).expect("write");
    let model = codegen::load::load(std::slice::from_ref(&dir)).expect("loads");
    let ast = codegen::load::json_ast(&model);
    assert_eq!(ast["shapes"]["ex#Uses"]["members"]["j"]["target"], "ex#FromJson");
    assert_eq!(ast["shapes"]["ex#Uses"]["members"]["j"]["traits"]["smithy.api#required"], serde_json::json!({}));
    assert_eq!(ast["shapes"]["ex#FromJson"]["traits"]["smithy.api#documentation"], "idl");
    assert_eq!(ast["metadata"]["m"], serde_json::json!([1]));
    assert_eq!(model.files.len(), 2, "{:?}", model.files);
}

#[test]
fn a_single_file_converts_to_a_json_ast_document() {
    let text = "$version: \"2.0\"\nnamespace ex\nstring A\napply A @sensitive\napply other#C @sensitive\n\
                structure B with [M] { $x }\n@mixin\nstructure M { x: A }\n";
    let ast = codegen::idl::to_json_ast(text, Path::new("one.smithy")).expect("converts");
    assert_eq!(ast["shapes"]["ex#A"], serde_json::json!({"type": "string", "traits": {"smithy.api#sensitive": {}}}));
    assert_eq!(ast["shapes"]["other#C"], serde_json::json!({"type": "apply", "traits": {"smithy.api#sensitive": {}}}));
    assert_eq!(ast["shapes"]["ex#B"]["members"]["x"]["target"], "ex#A");
}

//! The IR stage on small inline models: the decisions it makes (which
//! members are `Option`, which are boxed, wire names, Rust names) and the
//! models it refuses, checked where they are made rather than through the
//! whole generated crate.

use std::path::Path;

use codegen::ir::{Crate, Enum, Field, Struct, TypeDef};

/// An IDL model: a restJson1 service `Svc` with `operations`, then `shapes`.
fn model(operations: &str, shapes: &str) -> String {
    format!(
        "$version: \"2\"\nnamespace test\n\nuse aws.protocols#restJson1\n\n\
         @restJson1\nservice Svc {{ version: \"1\", operations: [{operations}] }}\n\n{shapes}"
    )
}

/// Loads, validates, selects every operation and builds the IR.
fn ir(idl: &str) -> codegen::Result<Crate> {
    let model = codegen::load::load_str(idl, Path::new("test.smithy"))?;
    codegen::validate::validate(&model)?;
    let selection = codegen::select::select(&model, None, &[])?;
    codegen::ir::build(&model, &selection, "test")
}

fn field<'a>(s: &'a Struct, member: &str) -> &'a Field {
    s.fields.iter().find(|f| f.member == member).unwrap_or_else(|| panic!("{} has no member {member}", s.name))
}

fn structure<'a>(krate: &'a Crate, name: &str) -> &'a Struct {
    match krate.types.get(name) {
        Some(TypeDef::Struct(s)) => s,
        _ => panic!("no structure {name} in types: {:?}", krate.types.keys().collect::<Vec<_>>()),
    }
}

fn enumeration<'a>(krate: &'a Crate, name: &str) -> &'a Enum {
    match krate.types.get(name) {
        Some(TypeDef::Enum(e)) => e,
        _ => panic!("no enum {name} in types: {:?}", krate.types.keys().collect::<Vec<_>>()),
    }
}

const GET_THING: &str = r#"
@readonly
@http(method: "GET", uri: "/things/{id}")
operation GetThing {
    input := {
        @required @httpLabel id: String
        @httpQuery("q") query: String
    }
    output := {
        @required name: String
        nick: String
        @required @default(0) count: Integer
    }
}
"#;

#[test]
fn required_output_members_are_not_options_but_input_members_are() {
    let krate = ir(&model("GetThing", GET_THING)).unwrap();
    let op = &krate.operations["get_thing"];
    // An input's required member stays an Option (its builder checks it).
    let id = field(&op.input, "id");
    assert!(id.required && id.optional, "{id:?}");
    assert!(field(&op.input, "query").optional);
    // An output's required member is the plain type; optional ones are Options.
    let name = field(&op.output, "name");
    assert!(name.required && !name.optional, "{name:?}");
    assert!(!field(&op.output, "count").optional);
    assert!(field(&op.output, "nick").optional);
}

#[test]
fn json_name_is_the_wire_name_and_the_member_name_makes_the_field() {
    let shapes = r#"
@http(method: "POST", uri: "/things")
operation PutThing {
    input := {
        @jsonName("Display-Name") displayName: String
        plain: String
    }
    output := {
        @jsonName("thing_id") ThingId: String
    }
}
"#;
    let krate = ir(&model("PutThing", shapes)).unwrap();
    let op = &krate.operations["put_thing"];
    let renamed = field(&op.input, "displayName");
    assert_eq!((renamed.wire_name.as_str(), renamed.name.as_str()), ("Display-Name", "display_name"));
    let plain = field(&op.input, "plain");
    assert_eq!((plain.wire_name.as_str(), plain.name.as_str()), ("plain", "plain"));
    let id = field(&op.output, "ThingId");
    assert_eq!((id.wire_name.as_str(), id.name.as_str()), ("thing_id", "thing_id"));
}

#[test]
fn recursive_members_are_boxed_and_others_are_not() {
    let shapes = r#"
@readonly
@http(method: "GET", uri: "/tree")
operation GetTree {
    output := { root: Node, list: Nodes }
}

structure Node {
    next: Node
    value: String
    children: Nodes
}

list Nodes { member: Node }
"#;
    let krate = ir(&model("GetTree", shapes)).unwrap();
    let node = structure(&krate, "Node");
    assert!(field(node, "next").boxed, "a structure holding itself directly is boxed");
    assert!(!field(node, "value").boxed);
    assert!(!field(node, "children").boxed, "a Vec already has a size: no Box needed");
    assert!(!field(&krate.operations["get_tree"].output, "root").boxed, "the output is not part of the cycle");
}

#[test]
fn enum_values_get_valid_unique_variant_names() {
    let shapes = r#"
@readonly
@http(method: "GET", uri: "/color")
operation GetColor {
    output := { color: Color }
}

@enum([
    { value: "in-progress" }
    { value: "IN_PROGRESS" }
    { value: "2xx" }
    { value: "UNKNOWN" }
    { value: "self" }
    { value: "" }
    { value: "é" }
])
string Color
"#;
    let krate = ir(&model("GetColor", shapes)).unwrap();
    let names: Vec<&str> = enumeration(&krate, "Color").variants.iter().map(|v| v.name.as_str()).collect();
    // `Unknown` is the enum's own variant for values it does not know.
    assert_eq!(names, ["InProgress", "InProgress2", "V2xx", "UnknownValue", "Self_", "Empty", "Empty2"]);
    for name in &names {
        syn::parse_str::<syn::Ident>(name).unwrap_or_else(|e| panic!("{name:?} is not an identifier: {e}"));
    }
}

#[test]
fn shapes_named_like_generated_names_are_renamed_deterministically() {
    // The error module defines its own `BuildError` (what builders return),
    // and `builder()` is the method that makes a builder.
    let shapes = r#"
@http(method: "POST", uri: "/things")
operation PutThing {
    input := { builder: String, build: String }
    output := {}
    errors: [BuildError]
}

@error("client")
structure BuildError { message: String }
"#;
    let text = model("PutThing", shapes);
    let krate = ir(&text).unwrap();
    let errors: Vec<&str> = krate.errors.keys().map(String::as_str).collect();
    assert_eq!(errors, ["BuildError2"]);
    let op = &krate.operations["put_thing"];
    assert_eq!(op.errors.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["BuildError2"]);
    assert_eq!(field(&op.input, "builder").name, "builder_value");
    assert_eq!(field(&op.input, "build").name, "build_value");
    // The same model always gets the same names.
    let again = ir(&text).unwrap();
    assert_eq!(again.errors.keys().collect::<Vec<_>>(), krate.errors.keys().collect::<Vec<_>>());
}

#[test]
fn operations_named_like_the_shared_wire_modules_get_their_own_modules() {
    // `src/wire/` holds `errors.rs` and `types.rs` beside one file per
    // operation: operations named `Errors` and `Types` must not take them.
    let shapes = r#"
@http(method: "POST", uri: "/errors")
operation Errors { input := {}, output := {} }

@http(method: "POST", uri: "/types")
operation Types { input := {}, output := {} }
"#;
    let krate = ir(&model("Errors, Types", shapes)).unwrap();
    let modules: Vec<&str> = krate.operations.values().map(|op| op.module.as_str()).collect();
    assert_eq!(modules, ["errors_2", "types_2"]);
}

#[test]
fn a_service_without_a_protocol_trait_is_refused() {
    let text = model("", "").replace("@restJson1\n", "");
    let error = ir(&text).unwrap_err().to_string();
    assert!(error.contains("has no protocol trait"), "{error}");
}

#[test]
fn an_http_label_missing_from_the_uri_is_an_error_naming_the_shape() {
    let shapes = r#"
@readonly
@http(method: "GET", uri: "/things")
operation GetThing {
    input := { @required @httpLabel id: String }
    output := {}
}
"#;
    let error = ir(&model("GetThing", shapes)).unwrap_err();
    match &error {
        codegen::Error::Invalid { shape, message, .. } => {
            assert_eq!(shape, "test#GetThing");
            assert_eq!(message, "the httpLabel member `id` does not appear in the http uri");
        }
        other => panic!("expected an invalid-model error, got {other:?}"),
    }
    assert!(error.to_string().contains("shape `test#GetThing`"), "{error}");
}

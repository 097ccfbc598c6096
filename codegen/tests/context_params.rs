//! The endpoint parameters operations set (`smithy.rules#staticContextParams`,
//! `contextParam`, `operationContextParams`): resolved in the IR against the
//! input's Rust fields, refused by name when the generator cannot follow
//! them, and emitted as `Operation::endpoint_params`.

use std::path::Path;

use codegen::ir::endpoint::{parse_context_path, ContextParam, ContextValue, Leaf, Literal, PathStep, RawStep};
use codegen::ir::Crate;

/// An IDL model: a restJson1 service `Svc` with endpoint rules taking the
/// parameters `Table`, `Tables`, `Kind` and `Flag`, with `operations`, then
/// `shapes`.
fn model(operations: &str, shapes: &str) -> String {
    format!(
        r#"$version: "2"
namespace test

use aws.protocols#restJson1

@restJson1
@smithy.rules#endpointRuleSet({{
    version: "1.0"
    parameters: {{
        Table: {{ type: "String", required: false }}
        Tables: {{ type: "stringArray", required: false }}
        Kind: {{ type: "String", required: false }}
        Flag: {{ type: "Boolean", required: false }}
    }}
    rules: [{{ conditions: [], type: "error", error: "no endpoint" }}]
}})
service Svc {{ version: "1", operations: [{operations}] }}

{shapes}"#
    )
}

fn ir(idl: &str) -> codegen::Result<Crate> {
    let model = codegen::load::load_str(idl, Path::new("test.smithy"))?;
    codegen::validate::validate(&model)?;
    let selection = codegen::select::select(&model, None, &[])?;
    codegen::ir::build(&model, &selection, "test")
}

const SHAPES: &str = r#"
@http(method: "POST", uri: "/get")
@smithy.rules#staticContextParams(Kind: { value: "data" }, Flag: { value: true })
@smithy.rules#operationContextParams(
    Tables: { path: "Items[*].Get.TableName" }
)
operation GetThings {
    input := {
        @smithy.rules#contextParam(name: "Table")
        TableName: String
        Items: ItemList
    }
}

@http(method: "POST", uri: "/batch")
@smithy.rules#operationContextParams(Tables: { path: "keys(Requests)" })
operation BatchThings {
    input := {
        Requests: RequestMap
    }
}

list ItemList {
    member: Item
}

structure Item {
    @required
    Get: Get
}

structure Get {
    TableName: String
}

map RequestMap {
    key: String
    value: String
}
"#;

fn params(krate: &Crate, module: &str) -> Vec<ContextParam> {
    krate.operations[module].endpoint_params.clone()
}

#[test]
fn paths_parse_into_members_projections_and_keys() {
    let member = |name: &str| RawStep::Member(name.to_owned());
    assert_eq!(parse_context_path("TableName"), Some(vec![member("TableName")]));
    assert_eq!(parse_context_path("A.B.C"), Some(vec![member("A"), member("B"), member("C")]));
    assert_eq!(
        parse_context_path("TransactItems[*].Get.TableName"),
        Some(vec![member("TransactItems"), RawStep::Each, member("Get"), member("TableName")])
    );
    assert_eq!(parse_context_path("keys(RequestItems)"), Some(vec![member("RequestItems"), RawStep::Keys]));
    assert_eq!(parse_context_path("A[*][*]"), Some(vec![member("A"), RawStep::Each, RawStep::Each]));
    for unsupported in ["", "A[0]", "A[?b == 'c']", "length(A)", "A.*", "{a: A}", "A || B", "keys(A", "A..B", "[*].A", "A.[*]"] {
        assert_eq!(parse_context_path(unsupported), None, "{unsupported}");
    }
}

#[test]
fn static_member_and_path_parameters_are_resolved_to_fields() {
    let krate = ir(&model("GetThings, BatchThings", SHAPES)).unwrap();
    let field = |name: &str, optional| PathStep::Field { name: name.to_owned(), optional };
    assert_eq!(
        params(&krate, "get_things"),
        [
            ContextParam { name: "Kind".into(), value: ContextValue::Literal(Literal::String("data".into())) },
            ContextParam { name: "Flag".into(), value: ContextValue::Literal(Literal::Bool(true)) },
            ContextParam { name: "Table".into(), value: ContextValue::Path { steps: vec![field("table_name", true)], leaf: Leaf::String } },
            ContextParam {
                name: "Tables".into(),
                value: ContextValue::Path {
                    // `Get` is required: not an Option.
                    steps: vec![field("items", true), PathStep::Each { sparse: false }, field("get", false), field("table_name", true)],
                    leaf: Leaf::String,
                },
            },
        ]
    );
    assert_eq!(
        params(&krate, "batch_things"),
        [ContextParam {
            name: "Tables".into(),
            value: ContextValue::Path { steps: vec![field("requests", true), PathStep::Keys], leaf: Leaf::String },
        }]
    );
}

#[test]
fn the_operation_sets_them_in_endpoint_params() {
    let idl = model("GetThings, BatchThings", SHAPES);
    let dir = std::env::temp_dir().join(format!("codegen-context-params-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.smithy");
    std::fs::write(&path, &idl).unwrap();
    let files = codegen::generate(&codegen::Options { models: vec![path], ..Default::default() }).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let get = &files["src/wire/get_things.rs"];
    let start = get.find("fn endpoint_params").expect("GetThings sets endpoint parameters");
    let item = &get[start..];
    for expected in [
        r#"("Kind", crate::endpoint::Value::from("data"))"#,
        r#"("Flag", crate::endpoint::Value::Bool(true))"#,
        "if let Some(v) = &input.table_name {",
        r#"params.push(("Table", crate::endpoint::Value::from(v.as_str())));"#,
        "for v in v.iter() {",
        "let v = &v.get;",
        r#"params.push(("Tables", crate::endpoint::Value::Array(items)));"#,
    ] {
        assert!(item.contains(expected), "`{expected}` is missing from:\n{item}");
    }
    let batch = &files["src/wire/batch_things.rs"];
    assert!(batch.contains("for v in v.keys() {"), "{batch}");
    // The service's facts say whether the rules take the account id.
    assert!(files["src/service.rs"].contains("endpoint_uses_account_id: false"));
}

#[test]
fn an_unsupported_path_is_refused_naming_the_operation() {
    let shapes = SHAPES.replace("Items[*].Get.TableName", "Items[0].Get.TableName");
    let error = ir(&model("GetThings", &shapes)).unwrap_err();
    assert!(matches!(error, codegen::Error::Unsupported { .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("test#GetThings") && text.contains("Items[0].Get.TableName"), "{text}");
}

#[test]
fn parameters_the_rules_lack_and_values_of_the_wrong_type_are_invalid() {
    let unknown = SHAPES.replace(r#"Tables: { path: "keys(Requests)" }"#, r#"Nope: { path: "keys(Requests)" }"#);
    let text = ir(&model("BatchThings", &unknown)).unwrap_err().to_string();
    assert!(text.contains("`Nope`") && text.contains("test#BatchThings"), "{text}");
    // A list where the rules take one string.
    let wrong = SHAPES.replace(r#"Tables: { path: "keys(Requests)" }"#, r#"Table: { path: "keys(Requests)" }"#);
    let text = ir(&model("BatchThings", &wrong)).unwrap_err().to_string();
    assert!(text.contains("String parameter cannot take a list"), "{text}");
    // A member that does not exist.
    let missing = SHAPES.replace("keys(Requests)", "keys(Absent)");
    let text = ir(&model("BatchThings", &missing)).unwrap_err().to_string();
    assert!(text.contains("no member `Absent`"), "{text}");
}

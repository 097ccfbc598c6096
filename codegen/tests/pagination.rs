//! `smithy.api#paginated` resolved to fields: items in lists, sparse lists
//! and maps, output paths through nested structures, and the refusals (a
//! nested input path, a path through a non-structure, items that are not a
//! collection, tokens of different types), each naming the file and shape.

use std::path::Path;

use codegen::ir::{Crate, Pagination, PathStep, RustType};

/// A restJson1 service with the operation `List`: `input` and `output` are
/// its members, `paginated` the trait's arguments, `shapes` the other shapes.
fn ir(paginated: &str, input: &str, output: &str, shapes: &str) -> codegen::Result<Crate> {
    let idl = format!(
        "$version: \"2\"\nnamespace test\n\nuse aws.protocols#restJson1\n\n\
         @restJson1\nservice Svc {{ version: \"1\", operations: [List] }}\n\n\
         @readonly\n@http(method: \"GET\", uri: \"/things\")\n@paginated({paginated})\n\
         operation List {{\n    input := {{ {input} }}\n    output := {{ {output} }}\n}}\n\n{shapes}"
    );
    let model = codegen::load::load_str(&idl, Path::new("paging.smithy"))?;
    codegen::validate::validate(&model)?;
    let selection = codegen::select::select(&model, None, &[])?;
    codegen::ir::build(&model, &selection, "test")
}

const INPUT: &str = "@httpQuery(\"token\") nextToken: String, @httpQuery(\"max\") maxResults: Integer";

const SHAPES: &str = r#"
list Names { member: String }
@sparse list SparseNames { member: String }
map Counts { key: String, value: Integer }
@sparse map SparseCounts { key: String, value: Integer }
structure Page { @required cursor: Cursor, names: Names, counts: SparseCounts }
structure Cursor { next: String }
union Choice { page: Page, other: String }
"#;

fn pagination(krate: &Crate) -> &Pagination {
    krate.operations.values().next().and_then(|op| op.pagination.as_ref()).expect("the operation pages")
}

fn step(field: &str, optional: bool, ty: RustType) -> PathStep {
    PathStep { field: field.to_owned(), optional, ty }
}

fn named(krate: &Crate, name: &str) -> RustType {
    let op = krate.operations.values().next().expect("an operation");
    op.output.fields.iter().find(|f| f.member == name).map(|f| f.ty.clone()).expect("the member")
}

fn string_list(sparse: bool) -> RustType {
    RustType::List { item: Box::new(RustType::String), sparse }
}

fn error(paginated: &str, output: &str) -> String {
    match ir(paginated, INPUT, output, SHAPES) {
        Ok(_) => panic!("`{paginated}` resolved"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn top_level_items_may_be_dense_or_sparse_lists_or_maps() {
    for (items, field, ty) in [
        ("names", "names", string_list(false)),
        ("sparseNames", "sparse_names", string_list(true)),
        ("counts", "counts", RustType::Map { value: Box::new(RustType::I32), sparse: false }),
        ("sparseCounts", "sparse_counts", RustType::Map { value: Box::new(RustType::I32), sparse: true }),
    ] {
        let paginated = format!("inputToken: \"nextToken\", outputToken: \"nextToken\", items: \"{items}\", pageSize: \"maxResults\"");
        let output = "nextToken: String, names: Names, sparseNames: SparseNames, counts: Counts, sparseCounts: SparseCounts";
        let krate = ir(&paginated, INPUT, output, SHAPES).unwrap_or_else(|e| panic!("{items}: {e}"));
        let p = pagination(&krate);
        assert_eq!(p.input_token, "next_token");
        assert_eq!(p.page_size, Some(("max_results".to_owned(), RustType::I32)));
        assert_eq!(p.output_token.steps, [step("next_token", true, RustType::String)]);
        assert_eq!(p.items.as_ref().expect("items").steps, [step(field, true, ty)], "{items}");
    }
}

#[test]
fn output_paths_go_through_nested_structures() {
    let paginated = "inputToken: \"nextToken\", outputToken: \"result.cursor.next\", items: \"result.counts\"";
    let krate = ir(paginated, INPUT, "result: Page", SHAPES).unwrap_or_else(|e| panic!("{e}"));
    let p = pagination(&krate);
    let page = named(&krate, "result");
    let RustType::Named(r) = &page else { panic!("{page:?}") };
    assert_eq!(r.name, "Page");
    let cursor = match krate.types.get("Page") {
        Some(codegen::ir::TypeDef::Struct(s)) => s.fields.iter().find(|f| f.member == "cursor").map(|f| f.ty.clone()),
        _ => None,
    }
    .expect("Page.cursor");
    assert_eq!(p.output_token.path, "result.cursor.next");
    assert_eq!(
        p.output_token.steps,
        [step("result", true, page.clone()), step("cursor", false, cursor), step("next", true, RustType::String)],
        "each step keeps whether it is an Option (the required cursor is not)"
    );
    let counts = RustType::Map { value: Box::new(RustType::I32), sparse: true };
    assert_eq!(p.items.as_ref().expect("items").steps, [step("result", true, page), step("counts", true, counts)]);
}

#[test]
fn refusals_name_the_file_the_operation_and_the_path() {
    let cases = [
        // The input's members must be top-level (the specification's rule).
        ("inputToken: \"page.next\", outputToken: \"nextToken\"", "nextToken: String", "inputToken `page.next` is a path"),
        ("inputToken: \"nextToken\", outputToken: \"nextToken\", pageSize: \"page.max\"", "nextToken: String", "pageSize `page.max` is a path"),
        ("inputToken: \"token\", outputToken: \"nextToken\"", "nextToken: String", "inputToken `token` is not a member of the input"),
        // Output paths: members that exist, through structures only.
        ("inputToken: \"nextToken\", outputToken: \"result.cursor.later\"", "result: Page", "`test#Cursor` has no member `later`"),
        ("inputToken: \"nextToken\", outputToken: \"nextToken.more\"", "nextToken: String", "`nextToken` is not a structure"),
        ("inputToken: \"nextToken\", outputToken: \"choice.page.cursor.next\"", "choice: Choice", "`choice` is not a structure"),
        ("inputToken: \"nextToken\", outputToken: \"nextToken\", items: \"count\"", "nextToken: String, count: Integer", "items `count` is neither a list nor a map"),
        ("inputToken: \"nextToken\", outputToken: \"result.cursor\"", "result: Page", "tokens that are not strings or string-keyed maps of the same type"),
    ];
    for (paginated, output, expected) in cases {
        let message = error(paginated, output);
        assert!(message.contains(expected), "{paginated}: {message}");
        assert!(message.contains("paging.smithy") && message.contains("test#List"), "{paginated}: {message}");
    }
}

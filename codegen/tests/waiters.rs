//! Waiter paths: every JMESPath expression of the official models in
//! `../shared/models` parses and compiles against its operation's types,
//! and the compiler's decisions (and refusals) on small inline models.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use codegen::ir::waiter::{jmespath, Matcher, TExpr, Typed};
use codegen::ir::Crate;
use serde_json::Value;

fn models() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/models");
    assert!(root.is_dir(), "{} is missing: these tests need ../shared beside the repository", root.display());
    let mut files = Vec::new();
    for dir in ["aws", "aws-more"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("readable") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Protocols whose services the generator cannot write yet: for this
/// check the service is given one it can (its waiters' types do not
/// depend on the protocol).
const UNWRITTEN: &[(&str, &str)] = &[
    ("aws.protocols#restXml", "aws.protocols#restJson1"),
    ("aws.protocols#awsQuery", "aws.protocols#awsJson1_0"),
    ("aws.protocols#ec2Query", "aws.protocols#awsJson1_0"),
];

/// Every waiter path of a JSON AST model: (operation, waiter, path).
fn waiter_paths(ast: &Value) -> Vec<(String, String, String)> {
    let mut paths = Vec::new();
    for (id, shape) in ast["shapes"].as_object().into_iter().flatten() {
        let Some(waiters) = shape.pointer("/traits/smithy.waiters#waitable").and_then(Value::as_object) else { continue };
        for (name, waiter) in waiters {
            for acceptor in waiter["acceptors"].as_array().into_iter().flatten() {
                for kind in ["output", "inputOutput"] {
                    if let Some(path) = acceptor["matcher"][kind]["path"].as_str() {
                        paths.push((id.clone(), name.clone(), path.to_owned()));
                    }
                }
            }
        }
    }
    paths
}

/// The crate of `ast`'s operations that have waiters.
fn crate_of(ast: &mut Value, file: &Path) -> Crate {
    let operations: Vec<String> = waiter_paths(ast).into_iter().map(|(op, _, _)| op).collect::<BTreeSet<_>>().into_iter().collect();
    for shape in ast["shapes"].as_object_mut().expect("shapes").values_mut() {
        if shape["type"] != "service" {
            continue;
        }
        let traits = shape["traits"].as_object_mut().expect("service traits");
        for (unwritten, instead) in UNWRITTEN {
            if traits.remove(*unwritten).is_some() {
                traits.insert(instead.to_string(), Value::Object(Default::default()));
            }
        }
    }
    let model = codegen::load::load_str(&ast.to_string(), file).unwrap_or_else(|e| panic!("{e}"));
    let selection = codegen::select::select(&model, None, &operations).unwrap_or_else(|e| panic!("{e}"));
    codegen::ir::build(&model, &selection, "check").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_waiter_path_of_the_shared_models_compiles() {
    let mut distinct = BTreeSet::new();
    let mut acceptors = 0;
    for file in models() {
        let text = std::fs::read_to_string(&file).expect("readable");
        let mut ast: Value = serde_json::from_str(&text).expect("JSON");
        let paths = waiter_paths(&ast);
        if paths.is_empty() {
            continue;
        }
        for (op, waiter, path) in &paths {
            if let Err(e) = jmespath::parse(path) {
                panic!("{}: {op} {waiter}: `{path}`: {e}", file.display());
            }
            distinct.insert(path.clone());
        }
        let krate = crate_of(&mut ast, &file);
        for op in krate.operations.values() {
            for waiter in &op.waiters {
                for acceptor in &waiter.acceptors {
                    let Matcher::Path(m) = &acceptor.matcher else { continue };
                    acceptors += 1;
                    let test = m.test.as_ref().expect("compiled");
                    // An official acceptor can match: the types never decide it.
                    assert!(
                        test.as_const().is_none(),
                        "{}: {} {}: `{}` is always {:?}",
                        file.display(),
                        op.name,
                        waiter.name,
                        m.path,
                        test.as_const()
                    );
                }
            }
        }
    }
    // The distinct paths of ../shared/models/aws and aws-more.
    assert!(distinct.len() >= 21, "{distinct:#?}");
    assert!(acceptors >= 180, "{acceptors} path acceptors");
}

/// A restJson1 service `Svc` with the operation `Get` whose output has the
/// members `output`, and whose waiter `W` has one acceptor with `matcher`.
fn ir(output: &str, shapes: &str, matcher: &str) -> codegen::Result<Crate> {
    let idl = format!(
        "$version: \"2\"\nnamespace test\n\nuse aws.protocols#restJson1\nuse smithy.waiters#waitable\n\n\
         @restJson1\nservice Svc {{ version: \"1\", operations: [Get] }}\n\n\
         @readonly\n@http(method: \"GET\", uri: \"/things/{{id}}\")\n\
         @waitable(W: {{ acceptors: [{{ state: \"success\", matcher: {{ {matcher} }} }}] }})\n\
         operation Get {{\n    input := {{ @required @httpLabel id: String }}\n    output := {{ {output} }}\n}}\n\n{shapes}"
    );
    let model = codegen::load::load_str(&idl, Path::new("test.smithy"))?;
    codegen::validate::validate(&model)?;
    let selection = codegen::select::select(&model, None, &[])?;
    codegen::ir::build(&model, &selection, "test")
}

fn output(path: &str, comparator: &str, expected: &str) -> String {
    format!("output: {{ path: \"{path}\", expected: \"{expected}\", comparator: \"{comparator}\" }}")
}

/// The compiled test of the one acceptor.
fn test_of(krate: &Crate) -> Typed {
    let op = krate.operations.values().next().expect("an operation");
    match &op.waiters[0].acceptors[0].matcher {
        Matcher::Path(m) => m.test.clone().expect("compiled"),
        other => panic!("{other:?}"),
    }
}

const SHAPES: &str = r#"
list Tasks { member: Task }
structure Task { lastStatus: Status, healthy: Boolean, ports: Ports }
list Ports { member: Integer }
list Groups { member: Names }
list Names { member: String }
enum Status { RUNNING, STOPPED }
"#;

const OUTPUT: &str = "@required status: Status, name: String, count: Integer, tasks: Tasks, groups: Groups";

fn compiled(path: &str, comparator: &str, expected: &str) -> Typed {
    let krate = ir(OUTPUT, SHAPES, &output(path, comparator, expected)).unwrap_or_else(|e| panic!("{path}: {e}"));
    test_of(&krate)
}

fn error(path: &str, comparator: &str) -> String {
    match ir(OUTPUT, SHAPES, &output(path, comparator, "x")) {
        Ok(_) => panic!("`{path}` compiled"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn type_mismatches_compile_to_acceptors_that_never_match() {
    for (path, comparator) in [
        ("count", "stringEquals"),          // a number is not a string
        ("status", "booleanEquals"),        // nor is a string a boolean
        ("status == `1`", "booleanEquals"), // a string never equals a number
        ("tasks", "stringEquals"),          // a list is not a string
        ("tasks[].healthy", "anyStringEquals"),
        ("name", "allStringEquals"),        // a string is not a list
    ] {
        let expected = if comparator == "booleanEquals" { "true" } else { "x" };
        let test = compiled(path, comparator, expected);
        assert_eq!(test.as_const(), Some(&Value::Bool(false)), "{path} {comparator}: {test:?}");
    }
}

#[test]
fn nulls_and_failures_are_typed() {
    // A member of a missing structure is null; a projection drops nulls.
    let test = compiled("tasks[].lastStatus", "allStringEquals", "RUNNING");
    let TExpr::AllEquals { values, .. } = &test.expr else { panic!("{test:?}") };
    assert!(values.nullable, "no `tasks`: null");
    assert!(!test.fallible);
    // `length` of a member that may be absent can fail.
    let test = compiled("length(tasks) == `0`", "booleanEquals", "true");
    assert!(test.fallible && !test.nullable, "{test:?}");
    let test = compiled("length(tasks[?healthy]) > `1`", "booleanEquals", "true");
    assert!(test.fallible, "{test:?}");
    // ... but not of one that is always there.
    let test = compiled("length(status) > `1`", "booleanEquals", "true");
    assert!(!test.fallible, "{test:?}");
    // An ordering with a null operand is null.
    let test = compiled("count > `1`", "booleanEquals", "false");
    let TExpr::Compare { lhs, .. } = &test.expr else { panic!("{test:?}") };
    assert!(lhs.nullable);
}

#[test]
fn constants_fold() {
    for (path, value) in [
        ("`1` == `1.0`", true),
        ("'a' == 'a'", true),
        ("`[1, 2]` == `[1, 2]`", true),
        ("!`[]`", true),
        ("`0` && `false`", false),
        ("length('abc') == `3`", true),
        ("`1` < `2`", true),
    ] {
        let test = compiled(path, "booleanEquals", "true");
        assert_eq!(test.as_const(), Some(&Value::Bool(value)), "{path}: {test:?}");
    }
}

#[test]
fn unknown_members_and_unsupported_expressions_name_the_file_operation_and_waiter() {
    let e = error("tasks[].lastStatuss", "anyStringEquals");
    assert!(e.starts_with("test.smithy: shape `test#Get`: waiter `W`: the path `tasks[].lastStatuss`:"), "{e}");
    assert!(e.contains("`Task` has no member `lastStatuss` (its members: lastStatus, healthy, ports)"), "{e}");
    let e = error("tasks.lastStatus", "stringEquals");
    assert!(e.contains("`lastStatus` is read from a list"), "{e}");
    let e = error("tasks[0:1]", "stringEquals");
    assert_eq!(
        e,
        "test.smithy: shape `test#Get` uses a slice (`[a:b]`) in the path `tasks[0:1]` of waiter `W`, which this generator does not support yet"
    );
    let e = error("sort(names)", "stringEquals");
    assert!(e.contains("uses the function `sort`"), "{e}");
    let e = error("tasks[?", "stringEquals");
    assert!(e.contains("waiter `W`: the path `tasks[?` is not valid JMESPath: unexpected end of expression at character 8"), "{e}");
    let e = error("length(count) > `1`", "booleanEquals");
    assert!(e.contains("`length` takes a string, list or object, not a number"), "{e}");
    let e = error("status", "numberEquals");
    assert!(e.contains("unknown comparator"), "{e}");
    let e = ir(OUTPUT, SHAPES, &output("status", "booleanEquals", "yes")).map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("`booleanEquals` expects `true` or `false`, not `yes`"), "{e}");
    let e = ir(
        OUTPUT,
        SHAPES,
        "inputOutput: { path: \"inputs.id == output.name\", expected: \"true\", comparator: \"booleanEquals\" }",
    )
    .map(|_| ())
    .unwrap_err()
    .to_string();
    assert!(e.contains("an `inputOutput` path reads `input` or `output`, not `inputs`"), "{e}");
}

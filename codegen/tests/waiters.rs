//! Waiters: every waiter of the official models in `../shared/models`
//! (`aws` and `aws-more`, each with its own protocol) generates with all its
//! acceptors, every JMESPath expression of theirs parses and compiles
//! against its operation's types, and the compiler's decisions (and
//! refusals) on small inline models.

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
fn crate_of(ast: &Value, file: &Path) -> Crate {
    let operations: Vec<String> = waiter_paths(ast).into_iter().map(|(op, _, _)| op).collect::<BTreeSet<_>>().into_iter().collect();
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
        let ast: Value = serde_json::from_str(&text).expect("JSON");
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
        let krate = crate_of(&ast, &file);
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

/// Each waiter of a JSON AST model: (operation, waiter, number of acceptors).
fn waiters_of(ast: &Value) -> Vec<(String, String, usize)> {
    let mut waiters = Vec::new();
    for (id, shape) in ast["shapes"].as_object().into_iter().flatten() {
        let Some(declared) = shape.pointer("/traits/smithy.waiters#waitable").and_then(Value::as_object) else { continue };
        for (name, waiter) in declared {
            waiters.push((id.clone(), name.clone(), waiter["acceptors"].as_array().map_or(0, Vec::len)));
        }
    }
    waiters.sort();
    waiters
}

/// Every waiter of every model in `../shared/models/aws` and `aws-more`
/// generates, with its own protocol: the crate of the operations that have
/// waiters holds each waiter with all its acceptors, and a client method
/// for it.
#[test]
fn every_waiter_of_the_shared_models_generates() {
    let (mut total, mut acceptors, mut models_with_waiters) = (0, 0, 0);
    for file in models() {
        let ast: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("readable")).expect("JSON");
        let declared = waiters_of(&ast);
        if declared.is_empty() {
            continue;
        }
        models_with_waiters += 1;
        let operations: Vec<String> = declared.iter().map(|(op, _, _)| op.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let model = codegen::load::load_str(&ast.to_string(), &file).unwrap_or_else(|e| panic!("{e}"));
        let selection = codegen::select::select(&model, None, &operations).unwrap_or_else(|e| panic!("{e}"));
        let krate = codegen::ir::build(&model, &selection, "check").unwrap_or_else(|e| panic!("{e}"));
        let mut built: Vec<(String, String, usize)> = krate
            .operations
            .values()
            .flat_map(|op| op.waiters.iter().map(|w| (op.shape.to_string(), w.name.clone(), w.acceptors.len())))
            .collect();
        built.sort();
        assert_eq!(built, declared, "{}: every waiter with every acceptor", file.display());
        let options = codegen::Options { operations: operations.clone(), ..Default::default() };
        let files = codegen::generate_from_model(&model, &options).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let client = &files["src/client.rs"];
        for op in krate.operations.values() {
            for waiter in &op.waiters {
                assert!(client.contains(&format!("pub fn {}(", waiter.method)), "{}: {}", file.display(), waiter.method);
            }
        }
        total += declared.len();
        acceptors += declared.iter().map(|(_, _, n)| n).sum::<usize>();
    }
    println!("waiters: {total} waiters ({acceptors} acceptors) of {models_with_waiters} models generate");
    // The count of ../shared/models today: fewer means a model lost its waiters.
    assert!(total >= 64 && acceptors >= 221, "{total} waiters, {acceptors} acceptors");
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

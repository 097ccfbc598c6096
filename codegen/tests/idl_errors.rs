//! Every IDL error names the file, line and column, quotes the line with a
//! caret under the column, and says what was expected.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::Error;

fn load(files: &[(&str, &str)]) -> Error {
    let files: Vec<(PathBuf, String)> = files.iter().map(|(p, t)| (PathBuf::from(p), (*t).to_owned())).collect();
    match codegen::load::load_texts(&files) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

/// Asserts a syntax error at `path:line:column` whose message contains
/// `message`, and that the display shows the line and a caret.
fn assert_syntax(error: &Error, path: &str, line: usize, column: usize, message: &str) {
    let Error::Syntax { path: p, line: l, column: c, line_text, message: m } = error else {
        panic!("not a syntax error: {error}");
    };
    assert_eq!((p.as_path(), *l, *c), (Path::new(path), line, column), "{error}");
    assert!(m.contains(message), "message {m:?} lacks {message:?}");
    let shown = error.to_string();
    assert!(shown.starts_with(&format!("{path}:{line}:{column}: ")), "{shown}");
    let caret = format!("\n  {}^", " ".repeat(column - 1));
    assert!(shown.contains(&format!("\n  {line_text}\n")) && shown.ends_with(&caret), "{shown}");
}

const HEAD: &str = "$version: \"2.0\"\nnamespace ex\n";

#[test]
fn unterminated_string() {
    let e = load(&[("a.smithy", &format!("{HEAD}@documentation(\"never closed)\nstring A\n"))]);
    assert_syntax(&e, "a.smithy", 3, 16, "unterminated string");
    let e = load(&[("a.smithy", &format!("{HEAD}@documentation(\"\"\"\n  text\n"))]);
    assert_syntax(&e, "a.smithy", 3, 16, "unterminated text block");
}

#[test]
fn unknown_shape_reference() {
    let e = load(&[("a.smithy", &format!("{HEAD}structure A {{\n    b: Missing\n}}\n"))]);
    assert_syntax(&e, "a.smithy", 4, 8, "unknown shape `Missing`");
    assert!(e.to_string().contains("not imported with `use`, not defined in namespace `ex`"), "{e}");
    let e = load(&[("a.smithy", &format!("{HEAD}@notATrait\nstring A\n"))]);
    assert_syntax(&e, "a.smithy", 3, 2, "unknown shape `notATrait` as a trait");
    let e = load(&[("a.smithy", &format!("{HEAD}apply Nowhere @sensitive\n"))]);
    assert_syntax(&e, "a.smithy", 3, 7, "unknown shape `Nowhere`");
    // An absolute target that no file defines.
    let e = load(&[("a.smithy", &format!("{HEAD}apply other#Nowhere @sensitive\n"))]);
    assert_syntax(&e, "a.smithy", 3, 7, "`apply` targets `other#Nowhere`, which is not defined");
}

#[test]
fn duplicate_member() {
    let e = load(&[("a.smithy", &format!("{HEAD}structure A {{\n    b: String\n    c: String\n    b: Integer\n}}\n"))]);
    assert_syntax(&e, "a.smithy", 6, 5, "duplicate member `b` in `A` (first defined on line 4)");
    let e = load(&[("a.smithy", &format!("{HEAD}enum E {{\n    X\n    X = \"y\"\n}}\n"))]);
    assert_syntax(&e, "a.smithy", 5, 5, "duplicate member `X`");
}

#[test]
fn bad_trait_syntax() {
    let e = load(&[("a.smithy", &format!("{HEAD}@length(min: 1 max)\nstring A\n"))]);
    assert_syntax(&e, "a.smithy", 3, 19, "expected `:` after the trait property name, found `)`");
    let e = load(&[("a.smithy", &format!("{HEAD}@length(min: 1\nstring A\n"))]);
    assert_syntax(&e, "a.smithy", 4, 8, "expected `:` after the trait property name, found `A`");
    let e = load(&[("a.smithy", &format!("{HEAD}@tags([\"a\"] [\"b\"])\nstring A\n"))]);
    assert_syntax(&e, "a.smithy", 3, 13, "expected `)` to close the trait value");
    let e = load(&[("a.smithy", &format!("{HEAD}@ 5\nstring A\n"))]);
    assert_syntax(&e, "a.smithy", 3, 3, "expected a trait name after `@`, found the number `5`");
    let e = load(&[("a.smithy", &format!("{HEAD}@sensitive\n@sensitive\nstring A\n"))]);
    assert_syntax(&e, "a.smithy", 4, 2, "trait `sensitive` is applied twice");
}

#[test]
fn conflicting_definitions() {
    let a = format!("{HEAD}\nstring Shared\n");
    let b = format!("{HEAD}integer Other\n\n\ninteger Shared\n");
    let e = load(&[("a.smithy", &a), ("b.smithy", &b)]);
    assert_syntax(&e, "b.smithy", 6, 1, "shape `ex#Shared` is defined differently in a.smithy:4:1 and here");
    // Within one file too.
    let e = load(&[("a.smithy", &format!("{HEAD}string A\nstructure A {{}}\n"))]);
    assert_syntax(&e, "a.smithy", 4, 1, "defined differently in a.smithy:3:1");
    // Identical definitions agree.
    codegen::load::load_texts(&[("a.smithy".into(), a.clone()), ("a2.smithy".into(), a)]).expect("identical shapes merge");
    // Metadata that is not an array conflicts.
    let e = load(&[("a.smithy", "metadata k = 1\n"), ("b.smithy", "metadata k = 2\n")]);
    assert!(e.to_string().contains("metadata `k` has conflicting values in a.smithy and b.smithy"), "{e}");
    // Conflicting trait values from apply.
    let e = load(&[("a.smithy", &format!("{HEAD}@title(\"x\")\nstring A\napply A @title(\"y\")\n"))]);
    assert_syntax(&e, "a.smithy", 5, 7, "trait `smithy.api#title` is already applied with a different value");
}

#[test]
fn other_errors_say_what_was_expected() {
    let cases: &[(&str, usize, usize, &str)] = &[
        ("$version: \"3.0\"\n", 1, 11, "unsupported IDL version"),
        ("namespace ex\nstring A {}\n", 2, 10, "expected a shape definition or `apply`, found `{`"),
        ("string A\n", 1, 1, "expected a `namespace` statement before the first shape"),
        ("namespace ex\nwidget A\n", 2, 1, "expected a shape type"),
        ("namespace ex\nmetadata a = 1\n", 2, 1, "`metadata` statements must come before the shapes"),
        ("$version: \"1.0\"\nnamespace ex\nenum E { A }\n", 3, 1, "the `enum` shape requires IDL version 2"),
        ("$version: \"2\"\nnamespace ex\nintEnum E { A }\n", 3, 15, "expected `=` and an integer value"),
        ("$version: \"2\"\nnamespace ex\nstructure S { $a }\n", 3, 15, "member `$a` has no target"),
        ("$version: \"2\"\nnamespace ex\nservice S { verison: \"1\" }\n", 3, 13, "unknown service property `verison`"),
        ("$version: \"2\"\nnamespace ex\nlist L { item: String }\n", 3, 10, "a list has only the members member"),
        ("namespace ex\nstring A # comment\n", 2, 10, "unexpected character `#` (comments start with `//`)"),
        ("namespace ex\nstructure A { b: ex#B#C }\n", 2, 18, "`ex#B#C` is not a valid shape id"),
        ("namespace ex\n@title(\"\\q\")\nstring A\n", 2, 9, "invalid escape `\\q`"),
        ("namespace ex\n@range(min: -)\nstring A\n", 2, 13, "expected a digit after `-`"),
        ("namespace ex\n@range(min: 1e999)\nstring A\n", 2, 13, "out of range"),
        ("namespace ex\n@tags({a: 1, a: 2})\nstring A\n", 2, 14, "key `a` is given twice"),
        ("namespace ex\nstring A\n§\n", 3, 1, "unexpected character `§`"),
    ];
    for (text, line, column, message) in cases {
        let e = load(&[("x.smithy", text)]);
        assert_syntax(&e, "x.smithy", *line, *column, message);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("namespace ex\n@tags({}{})\nstring A\n", "[".repeat(100_000), "]".repeat(100_000));
    let e = load(&[("x.smithy", &text)]);
    assert!(e.to_string().contains("nest more than"), "{e}");
}

fn codegen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_codegen")).args(args).output().expect("codegen runs")
}

#[test]
fn ast_subcommand_writes_the_json_ast() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/idl/fixtures/enums.smithy");
    let output = codegen(&["ast", "--model", fixture.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let written: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture.with_extension("json")).expect("expected JSON"),
    )
    .expect("JSON");
    assert_eq!(written, expected);

    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ast-{}.json", std::process::id()));
    let output = codegen(&["ast", "--model", fixture.to_str().expect("utf-8"), "--output", out.to_str().expect("utf-8")]);
    assert!(output.status.success());
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("JSON");
    assert_eq!(written, expected);
}

#[test]
fn ast_subcommand_reports_errors_with_positions() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ast-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("bad.smithy");
    std::fs::write(&path, "namespace ex\nstructure A {\n    b: Nope\n}\n").expect("write");
    let output = codegen(&["ast", "--model", path.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with(&format!("error: {}:3:8: unknown shape `Nope`", path.display())), "{stderr}");
    assert!(stderr.contains("\n      b: Nope\n         ^"), "{stderr}");
}

#[test]
fn mixin_cycles_and_fan_out_end_in_errors() {
    let cycle = "$version: \"2\"\nnamespace ex\n@mixin\nstructure A with [B] {}\n@mixin\nstructure B with [A] {}\n";
    let e = load(&[("x.smithy", cycle)]);
    assert!(e.to_string().contains("is there a cycle?"), "{e}");
    // Forty levels of two mixins each: 2^40 paths unless bounded.
    let mut text = String::from("$version: \"2\"\nnamespace ex\n@mixin\nstructure M0 { a: String }\n@mixin\nstructure N0 {}\n");
    for level in 1..40 {
        let prev = level - 1;
        text.push_str(&format!("@mixin\nstructure M{level} with [M{prev}, N{prev}] {{}}\n"));
        text.push_str(&format!("@mixin\nstructure N{level} with [N{prev}, M{prev}] {{}}\n"));
    }
    text.push_str("structure Top with [M39, N39] { $b }\n");
    let started = std::time::Instant::now();
    let e = load(&[("x.smithy", &text)]);
    assert!(started.elapsed().as_secs() < 10, "took {:?}", started.elapsed());
    assert!(e.to_string().contains("member `$b` has no target"), "{e}");
}

//! The `codegen` command as a user meets it: help, exit codes, and the
//! messages for bad input. Every bad input must exit with status 1 (not the
//! 101 of a panic) and name the file and, where there is one, the shape.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen")).args(args).output().expect("codegen runs")
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-{name}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write_model(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("model written");
    path
}

/// Runs codegen on `model` and returns stderr, asserting a clean failure.
fn fails(args: &[&str]) -> String {
    let output = codegen(args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "expected exit 1, got {:?}; stderr:\n{stderr}", output.status);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

const SERVICE: &str = r#""ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}],
        "traits": {"aws.protocols#restJson1": {}}},
    "ex#Op": {"type": "operation", "input": {"target": "ex#OpInput"},
        "traits": {"smithy.api#http": {"method": "POST", "uri": "/op"}}},
    "ex#OpInput": {"type": "structure", "members": {"name": {"target": "smithy.api#String"}}}"#;

fn model(extra_shapes: &str) -> String {
    let extra = if extra_shapes.is_empty() { String::new() } else { format!(",\n{extra_shapes}") };
    format!("{{\"smithy\": \"2.0\", \"shapes\": {{\n{SERVICE}{extra}\n}}}}")
}

#[test]
fn help_explains_every_option() {
    let output = codegen(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for expected in ["--model", "--out", "--service", "--operation", "--check", "generated/", "model/", "Examples:"] {
        assert!(help.contains(expected), "help lacks {expected}:\n{help}");
    }
}

#[test]
fn malformed_json_reports_line_and_column() {
    let dir = scratch("json");
    let path = write_model(&dir, "bad.json", "{\n  \"smithy\": \"2.0\",\n  \"shapes\": {,}\n}\n");
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(err.contains(&format!("{}:3:14: invalid JSON", path.display())), "{err}");
}

#[test]
fn unsupported_version() {
    let dir = scratch("version");
    let path = write_model(&dir, "v3.json", r#"{"smithy": "3.0", "shapes": {}}"#);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("unsupported Smithy version \"3.0\""), "{err}");
}

#[test]
fn unknown_shape_type() {
    let dir = scratch("type");
    let path = write_model(&dir, "m.json", &model(r#""ex#Weird": {"type": "tuple"}"#));
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("shape `ex#Weird` has unknown type \"tuple\""), "{err}");
}

#[test]
fn member_targeting_a_missing_shape() {
    let dir = scratch("target");
    let text = model("").replace(r#""name": {"target": "smithy.api#String"}"#, r#""name": {"target": "ex#Nowhere"}"#);
    let path = write_model(&dir, "m.json", &text);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("shape `ex#OpInput$name` refers to `ex#Nowhere`, which is not defined"), "{err}");
}

#[test]
fn unknown_operation() {
    let dir = scratch("operation");
    let path = write_model(&dir, "m.json", &model(""));
    let err = fails(&[
        "--model",
        path.to_str().unwrap(),
        "--operation",
        "DeleteEverything",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert!(
        err.contains("--operation `DeleteEverything` is not an operation of service `ex#Svc`; operations: Op"),
        "{err}"
    );
}

#[test]
fn model_without_a_service() {
    let dir = scratch("noservice");
    let path = write_model(&dir, "m.json", r#"{"smithy": "2.0", "shapes": {"ex#S": {"type": "string"}}}"#);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(err.contains("no service shape found"), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
}

#[test]
fn several_services_need_a_choice() {
    let dir = scratch("services");
    let path = write_model(
        &dir,
        "m.json",
        &model(r#""ex#Other": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}], "traits": {"aws.protocols#restJson1": {}}}"#),
    );
    let out = dir.join("out");
    let err = fails(&["--model", path.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(err.contains("several services; choose one with --service: ex#Other, ex#Svc"), "{err}");
    let err = fails(&["--model", path.to_str().unwrap(), "--service", "ex#Nope", "--out", out.to_str().unwrap()]);
    assert!(err.contains("--service `ex#Nope` is not a service of the model; services: ex#Other, ex#Svc"), "{err}");
    let ok = codegen(&["--model", path.to_str().unwrap(), "--service", "ex#Svc", "--out", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(out.join("src/operation/op.rs").exists());
}

#[test]
fn conflicting_definitions_across_files() {
    let dir = scratch("conflict");
    let a = write_model(&dir, "a.json", &model(""));
    let b = write_model(&dir, "b.json", r#"{"smithy": "2.0", "shapes": {"ex#OpInput": {"type": "string"}}}"#);
    let err = fails(&["--model", a.to_str().unwrap(), "--model", b.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap()]);
    assert!(err.contains("shape `ex#OpInput` is defined differently in"), "{err}");
    assert!(err.contains(&a.display().to_string()) && err.contains(&b.display().to_string()), "{err}");
}

#[test]
fn unsupported_features_are_named() {
    let dir = scratch("unsupported");
    let text = model("").replace(r#""name": {"target": "smithy.api#String"}"#, r#""name": {"target": "smithy.api#BigDecimal"}"#);
    let path = write_model(&dir, "m.json", &text);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(
        err.contains("shape `ex#OpInput$name` uses bigInteger/bigDecimal members (target `smithy.api#BigDecimal`), which this generator does not support yet"),
        "{err}"
    );
}

#[test]
fn missing_model_path() {
    let dir = scratch("missing");
    let err = fails(&["--model", dir.join("nope.json").to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(err.contains("nope.json: cannot read"), "{err}");
}

#[test]
fn check_mode_lists_stale_files_and_writes_nothing() {
    let dir = scratch("check");
    let path = write_model(&dir, "m.json", &model(""));
    let out = dir.join("out");
    let args = |extra: &[&'static str]| {
        let mut v = vec!["--model".to_owned(), path.display().to_string(), "--out".to_owned(), out.display().to_string()];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |extra: &[&'static str]| {
        let v = args(extra);
        codegen(&v.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let stale = run(&["--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(stderr.contains("is out of date") && stderr.contains("added:") && stderr.contains("src/lib.rs"), "{stderr}");
    assert!(!out.exists(), "--check wrote files");

    assert!(run(&[]).status.success());
    let fresh = run(&["--check"]);
    assert!(fresh.status.success(), "{}", String::from_utf8_lossy(&fresh.stderr));

    std::fs::write(out.join("src/lib.rs"), "// @generated by `cargo run -p codegen` edited\n").unwrap();
    std::fs::write(out.join("src/stale.rs"), "// @generated by `cargo run -p codegen` long ago\n").unwrap();
    std::fs::write(out.join("src/mine.rs"), "// hand-written, left alone\n").unwrap();
    let stale = run(&["--check"]);
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert_eq!(stale.status.code(), Some(1));
    assert!(stderr.contains("modified:") && stderr.contains("removed:") && stderr.contains("stale.rs"), "{stderr}");
    assert!(!stderr.contains("mine.rs"), "{stderr}");
    assert!(run(&[]).status.success());
    assert!(!out.join("src/stale.rs").exists(), "stale generated file removed");
    assert!(out.join("src/mine.rs").exists(), "files without the header are never touched");
    assert!(run(&["--check"]).status.success());
}

#[test]
fn invalid_member_names() {
    let dir = scratch("member");
    let text = model("").replace(r#""name": {"#, r#""9 lives": {"#);
    let path = write_model(&dir, "m.json", &text);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(err.contains("shape `ex#OpInput`: member name `9 lives` is not a valid identifier"), "{err}");
}

#[test]
fn hand_written_files_are_never_overwritten() {
    let dir = scratch("handwritten");
    let path = write_model(&dir, "m.json", &model(""));
    let out = dir.join("out");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/lib.rs"), "// my own code\n").unwrap();
    let err = fails(&["--model", path.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(err.contains("src/lib.rs: refusing to overwrite a file that was not generated"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("src/lib.rs")).unwrap(), "// my own code\n");
}

#[test]
fn invalid_crate_name() {
    let dir = scratch("cratename");
    let path = write_model(&dir, "m.json", &model(""));
    let err = fails(&["--model", path.to_str().unwrap(), "--crate-name", "my crate", "--out", dir.join("o").to_str().unwrap()]);
    assert!(err.contains("--crate-name: `my crate` is not a valid package name"), "{err}");
}

#[test]
fn other_protocols_are_named() {
    let dir = scratch("protocol");
    let text = model("").replace(r#""aws.protocols#restJson1": {}"#, r#""smithy.protocols#rpcv2Cbor": {}"#);
    let path = write_model(&dir, "m.json", &text);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap()]);
    assert!(
        err.contains("shape `ex#Svc` uses the protocol smithy.protocols#rpcv2Cbor (this generator writes aws.protocols#restJson1, aws.protocols#awsJson1_0, aws.protocols#awsJson1_1, aws.protocols#restXml, aws.protocols#awsQuery, aws.protocols#ec2Query)"),
        "{err}"
    );
}

/// Generates `text` with extra arguments and returns the files asked for.
fn generated(dir: &Path, text: &str, args: &[&str], files: &[&str]) -> Vec<String> {
    let path = write_model(dir, "m.json", text);
    let out = dir.join("o");
    let mut all = vec!["--model", path.to_str().unwrap(), "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let output = codegen(&all);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    files.iter().map(|f| std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))).collect()
}

/// The order is `PROTOCOLS` in ir/protocol.rs; `--protocol` overrides it.
#[test]
fn a_service_with_several_protocols_gets_the_preferred_one_or_the_one_asked_for() {
    let dir = scratch("protocols");
    let text = model("").replace(r#""aws.protocols#restJson1": {}"#, r#""aws.protocols#awsJson1_1": {}, "aws.protocols#restJson1": {}"#);
    let service = &generated(&dir, &text, &[], &["src/service.rs"])[0];
    assert!(service.contains("protocol: &crate::rest_json::RestJson1"), "{service}");
    for name in ["awsJson1_1", "aws.protocols#awsJson1_1"] {
        let service = &generated(&dir, &text, &["--protocol", name], &["src/service.rs"])[0];
        assert!(service.contains(r#"name: "aws.protocols#awsJson1_1""#), "{service}");
    }
    let path = dir.join("m.json");
    let out = dir.join("o");
    let run = |protocol: &str| fails(&["--model", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--protocol", protocol]);
    let err = run("awsJson1_0");
    assert!(err.contains("uses the protocol aws.protocols#awsJson1_0 asked for with --protocol: the service does not list it"), "{err}");
    let err = run("restXml");
    assert!(err.contains("uses the protocol aws.protocols#restXml asked for with --protocol: the service does not list it"), "{err}");
    let err = run("soap");
    assert!(err.contains("uses the protocol `soap` asked for with --protocol (known protocols: "), "{err}");
    let with_xml = text.replace(r#""aws.protocols#restJson1": {}"#, r#""aws.protocols#restXml": {}"#);
    let service = &generated(&dir, &with_xml, &["--protocol", "restXml"], &["src/service.rs"])[0];
    assert!(service.contains("protocol: &crate::rest_xml::RestXml"), "{service}");
    let with_cbor = text.replace(r#""aws.protocols#restJson1": {}"#, r#""smithy.protocols#rpcv2Cbor": {}"#);
    write_model(&dir, "m.json", &with_cbor);
    let err = run("rpcv2Cbor");
    assert!(err.contains("uses the protocol smithy.protocols#rpcv2Cbor (asked for with --protocol; not written yet)"), "{err}");
    // A query service without a version is refused: every request names it.
    let with_query = text.replace(r#""aws.protocols#restJson1": {}"#, r#""aws.protocols#awsQuery": {}"#);
    let unversioned = with_query.replace(r#""version": "1", "#, "");
    assert_ne!(unversioned, with_query, "the test model has a version to remove");
    let path = write_model(&dir, "m.json", &unversioned);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap(), "--protocol", "awsQuery"]);
    assert!(err.contains("the service has no version, which every aws.protocols#awsQuery request names"), "{err}");
}

/// awsJson ignores the HTTP binding traits (and `jsonName`): every member
/// is in the body of a `POST /` naming the operation in `X-Amz-Target`.
#[test]
fn aws_json_ignores_http_bindings() {
    let dir = scratch("awsjson-bindings");
    let text = model(r#""ex#OpOutput": {"type": "structure", "members": {"id": {"target": "smithy.api#String", "traits": {"smithy.api#httpHeader": "x-id"}}}}"#)
        .replace(r#""aws.protocols#restJson1": {}"#, r#""aws.protocols#awsJson1_0": {}"#)
        .replace(r#""uri": "/op"}"#, r#""uri": "/op/{name}"}"#)
        .replace(r#""input": {"target": "ex#OpInput"},"#, r#""input": {"target": "ex#OpInput"}, "output": {"target": "ex#OpOutput"},"#)
        .replace(
            r#""name": {"target": "smithy.api#String"}"#,
            r#""name": {"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}, "smithy.api#jsonName": "NAME"}},
               "q": {"target": "smithy.api#String", "traits": {"smithy.api#httpQuery": "q"}}"#,
        );
    let files = generated(&dir, &text, &[], &["src/wire/op.rs"]);
    // Compared without whitespace: the formatter breaks lines.
    let (wire, both) = (files[0].split_whitespace().collect::<String>(), files.join("\n"));
    assert!(wire.contains(r#"path_and_query:String::from("/")"#), "{wire}");
    assert!(wire.contains(r#"from_static("Svc.Op")"#) && wire.contains("application/x-amz-json-1.0"), "{wire}");
    assert!(!both.contains("http_binding::header") && !both.contains("query.push") && !both.contains("header_text"), "{both}");
    // Every member is written and read under its own name.
    for member in [r#"writer.key("name")"#, r#"writer.key("q")"#, r#""id" =>"#] {
        assert!(both.contains(member), "{member}: {both}");
    }
    assert!(!both.contains(r#""NAME""#), "jsonName is ignored: {both}");
}

#[test]
fn uri_labels_must_match_members() {
    let dir = scratch("labels");
    let text = model("").replace(r#""uri": "/op""#, r#""uri": "/op/{missing}""#);
    let path = write_model(&dir, "m.json", &text);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap()]);
    assert!(err.contains("shape `ex#Op`: the http uri label `missing` has no input member with smithy.api#httpLabel"), "{err}");
}

/// Endpoint discovery that an operation requires (Timestream) is refused
/// by name; optional discovery (DynamoDB) sends to the resolved endpoint.
#[test]
fn required_endpoint_discovery_is_refused() {
    let dir = scratch("discovery");
    let discovered = |required: bool| {
        model("").replace(
            r#""smithy.api#http": {"method": "POST", "uri": "/op"}"#,
            &format!(r#""smithy.api#http": {{"method": "POST", "uri": "/op"}}, "aws.api#clientDiscoveredEndpoint": {{"required": {required}}}"#),
        )
    };
    let path = write_model(&dir, "m.json", &discovered(true));
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap()]);
    assert!(err.contains("shape `ex#Op` uses endpoint discovery (aws.api#clientDiscoveredEndpoint with required: true)"), "{err}");
    generated(&dir, &discovered(false), &[], &["src/lib.rs"]);
}

#[test]
fn sending_events_and_misplaced_streams_are_named() {
    let dir = scratch("events");
    // An event stream in the input is sent in restJson1; in awsJson its
    // other members would need an `initial-request` event.
    let text = model(r#""ex#Events": {"type": "union", "traits": {"smithy.api#streaming": {}}, "members": {"a": {"target": "ex#A"}}},
"ex#A": {"type": "structure", "members": {}}"#)
    .replace(r#""name": {"target": "smithy.api#String"}"#, r#""name": {"target": "ex#Events", "traits": {"smithy.api#httpPayload": {}}}"#);
    let operation = generated(&dir, &text, &[], &["src/operation/op.rs"]).remove(0);
    assert!(operation.contains("pub name: crate::event_stream::EventSender<crate::types::Events>"), "{operation}");
    let text = text.replace(r#""aws.protocols#restJson1": {}"#, r#""aws.protocols#awsJson1_0": {}"#);
    let path = write_model(&dir, "m.json", &text);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(err.contains("shape `ex#OpInput$name` uses sending events in aws.protocols#awsJson1_0"), "{err}");
    // A streaming blob that is not the payload.
    let text = model(r#""ex#Stream": {"type": "blob", "traits": {"smithy.api#streaming": {}}}"#)
        .replace(r#""name": {"target": "smithy.api#String"}"#, r#""name": {"target": "ex#Stream"}"#);
    let path = write_model(&dir, "s.json", &text);
    let err = fails(&["--model", path.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()]);
    assert!(err.contains("shape `ex#OpInput$name` uses a @streaming blob other than the httpPayload"), "{err}");
}

/// Union accessors are named from the variants: two that snake-case alike
/// (`AB`, `Ab`) get distinct names rather than a crate that does not compile.
#[test]
fn union_accessors_never_collide() {
    let dir = scratch("union-accessors");
    let text = model(r#""ex#Choice": {"type": "union", "members": {"a_b": {"target": "smithy.api#String"}, "ab": {"target": "smithy.api#Integer"}}}"#)
        .replace(r#""name": {"target": "smithy.api#String"}"#, r#""name": {"target": "ex#Choice"}"#);
    let files = generated(&dir, &text, &[], &["src/types/choice.rs"]);
    let choice = files[0].split_whitespace().collect::<String>();
    for method in ["pubfnas_ab(&self)->Option<&String>", "pubfnas_ab_2(&self)->Option<&i32>", "pubfnis_ab(", "pubfnis_ab_2(", "pubfnis_unknown("] {
        assert!(choice.contains(method), "{method}: {}", files[0]);
    }
}

/// In an `@awsQueryCompatible` service, an error's `@awsQueryError` code
/// that is another error's name stays that error's: one arm per code.
#[test]
fn query_codes_never_shadow_another_errors_name() {
    let dir = scratch("query-codes");
    let text = model(
        r#""ex#First": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "client", "aws.protocols#awsQueryError": {"code": "Second", "httpResponseCode": 400}}},
"ex#Second": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "client"}}"#,
    )
    .replace(r#""aws.protocols#restJson1": {}"#, r#""aws.protocols#awsJson1_0": {}, "aws.protocols#awsQueryCompatible": {}"#)
    .replace(r#""input": {"target": "ex#OpInput"},"#, r#""input": {"target": "ex#OpInput"}, "errors": [{"target": "ex#First"}, {"target": "ex#Second"}],"#);
    let wire = generated(&dir, &text, &[], &["src/wire/op.rs"]).remove(0);
    assert_eq!(wire.matches(r#"Some("Second")"#).count(), 1, "{wire}");
    assert_eq!(wire.matches(r#"Some("First")"#).count(), 1, "{wire}");
}

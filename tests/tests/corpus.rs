//! The official AWS models in `../shared/models/aws/` (16 restJson1
//! services) and `../shared/models/aws-more/` (20 services of the other
//! protocols): each one generates (a model of a protocol not written yet
//! would stop with an error that names the shape and the protocol; the
//! generator now writes all five protocols of the corpus), and every one
//! compiles clippy-clean and documents without rustdoc warnings
//! (`corpus_compiles_without_warnings`).

use std::path::PathBuf;

/// The models of `../shared/models/<dir>`.
fn models_in(dir: &str) -> Vec<PathBuf> {
    let dir = tests::root().join("../shared/models").join(dir);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} is missing ({e}); the tests need ../shared beside the checkout", dir.display()));
    let mut models: Vec<PathBuf> = entries
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    models.sort();
    models
}

/// Every official model: `aws/`, then `aws-more/`.
fn shared_models() -> Vec<PathBuf> {
    let mut models = models_in("aws");
    assert_eq!(models.len(), 16, "expected the 16 official models of ../shared/models/aws");
    let more = models_in("aws-more");
    assert_eq!(more.len(), 20, "expected the 20 official models of ../shared/models/aws-more");
    models.extend(more);
    models
}

/// The models whose protocol is not written yet, and that protocol: none
/// since awsQuery (STS, IAM, SNS, CloudFormation, CloudWatch).
const NOT_YET: &[(&str, &str)] = &[];

/// Whether the error says the model's protocol is not written yet.
fn protocol_not_yet(error: &codegen::Error) -> Option<String> {
    match error {
        codegen::Error::Unsupported { feature, .. } => {
            let protocol = feature.strip_prefix("the protocol ")?.split_whitespace().next()?;
            Some(protocol.trim_end_matches(',').to_owned())
        }
        _ => None,
    }
}

#[test]
fn every_shared_model_generates_or_names_what_is_missing() {
    let models = shared_models();
    let mut generated = Vec::new();
    let mut not_yet = Vec::new();
    for model in &models {
        let name = model.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let options = codegen::Options { models: vec![model.clone()], ..Default::default() };
        match codegen::generate(&options) {
            Ok(files) => {
                assert!(files.contains_key("src/lib.rs") && files.contains_key("Cargo.toml"), "{name}");
                generated.push(name);
            }
            Err(error @ codegen::Error::Unsupported { .. }) => {
                let codegen::Error::Unsupported { path, shape, feature } = &error else { unreachable!() };
                assert_eq!(path, model);
                assert!(shape.contains('#'), "{name}: the error names a shape id: {shape}");
                assert!(!feature.is_empty());
                println!("{name}: not yet: {shape} uses {feature}");
                not_yet.push((name, protocol_not_yet(&error).unwrap_or_else(|| feature.clone())));
            }
            Err(other) => panic!("{name}: unexpected error: {other}"),
        }
    }
    println!("corpus: {} of {} generate", generated.len(), models.len());
    // The README's status table says so; keep it honest: every model
    // generates but those of the protocols not written yet.
    let expected: Vec<(String, String)> = NOT_YET.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(not_yet, expected, "only the models of protocols not written yet are refused, naming the protocol");
    assert_eq!(generated.len(), models.len() - NOT_YET.len(), "{generated:?}");
}

#[test]
fn the_operations_of_model_dir_match_the_official_omics_model() {
    // model/omics.json is authored from the official model: selecting the
    // same operations from the official file must give the same Rust.
    let official = tests::root().join("../shared/models/aws/omics-2022-11-28.json");
    assert!(official.exists(), "{} is missing", official.display());
    let options = codegen::Options {
        models: vec![official],
        operations: [
            "GetReferenceImportJob",
            "StartReferenceImportJob",
            "ListReferenceImportJobs",
            "GetReferenceStore",
            "ListReferenceStores",
            "GetReferenceMetadata",
            "GetReference",
            "ListReferences",
            "DeleteReference",
        ]
        .map(String::from)
        .to_vec(),
        ..Default::default()
    };
    let from_official = codegen::generate(&options).expect("the official model generates these operations");
    let ours = tests::generate(&tests::root().join("model").join("omics.json"));
    let strip_docs = |text: &str| -> String {
        text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(from_official.keys().collect::<Vec<_>>(), ours.keys().collect::<Vec<_>>());
    for (path, text) in &ours {
        if path.ends_with(".rs") {
            assert_eq!(strip_docs(&from_official[path]), strip_docs(text), "{path} differs beyond documentation");
        }
    }
}

#[test]
fn lambdas_sensitive_environment_map_is_redacted() {
    // Lambda's `EnvironmentVariables` is a map whose keys and values are
    // `@sensitive` strings; `GetFunctionConfiguration` reaches it without
    // the event streams the generator refuses.
    let model = tests::root().join("../shared/models/aws/lambda-2015-03-31.json");
    assert!(model.exists(), "{} is missing", model.display());
    let options = codegen::Options {
        models: vec![model],
        operations: vec!["GetFunctionConfiguration".to_owned()],
        ..Default::default()
    };
    let files = codegen::generate(&options).expect("GetFunctionConfiguration generates");
    let types = &files["src/types/environment_response.rs"];
    let start = types.find("impl ::std::fmt::Debug for EnvironmentResponse {").expect("a hand-written Debug");
    let body = &types[start..start + types[start..].find("\n}\n").expect("the impl ends")];
    assert!(body.contains(r#".field("variables", &"*** Sensitive Data Redacted ***")"#), "{body}");
}

/// Generates every official model into one scratch workspace under the target
/// directory and checks all of them with a single `cargo clippy -D warnings`
/// (its own target directory, so it never waits on the outer build's lock,
/// and it survives between runs like the outer one).
#[test]
fn corpus_compiles_without_warnings() {
    let root = tests::root();
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let target = if target.is_absolute() { target } else { root.join(target) };
    let workspace = target.join("corpus");
    let mut members = Vec::new();
    let mut lines = Vec::new();
    let (mut refused, mut not_yet) = (0, 0);
    for model in shared_models() {
        let name = model.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let options = codegen::Options { models: vec![model.clone()], ..Default::default() };
        match codegen::generate(&options) {
            Ok(files) => {
                write_unchanged_files_untouched(&workspace.join("crates").join(&name), &files);
                let package = files["Cargo.toml"]
                    .lines()
                    .find_map(|l| l.strip_prefix("name = \"").and_then(|r| r.strip_suffix('"')))
                    .expect("the package name")
                    .to_owned();
                let operations = files.keys().filter(|p| p.starts_with("src/operation/")).count();
                members.push(format!("\"crates/{name}\""));
                lines.push((name, package, operations));
            }
            Err(error) => match protocol_not_yet(&error) {
                Some(protocol) => {
                    not_yet += 1;
                    println!("{name}: not yet: the protocol {protocol}");
                }
                None => {
                    refused += 1;
                    println!("{name}: not generated: {error}");
                }
            },
        }
    }
    std::fs::write(
        workspace.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")),
    )
    .expect("write the corpus workspace");
    // The workspace's lock file pins the same dependency versions.
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(&cargo)
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", target.join("corpus-target"))
        .args(["clippy", "--workspace", "--message-format=short", "--", "-D", "warnings"])
        .output()
        .expect("run cargo clippy on the corpus");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failed = 0;
    for (name, package, operations) in &lines {
        let broken = stderr.contains(&format!("could not compile `{package}`"));
        failed += usize::from(broken);
        println!("{name}: {operations} operations, {}", if broken { "FAILED to compile" } else { "compiled" });
    }
    println!(
        "corpus: {} generated, {} compiled, {} failed, {refused} refused, {not_yet} not yet (their protocol)",
        lines.len(),
        lines.len() - failed,
        failed
    );
    assert!(output.status.success() && failed == 0, "the corpus does not compile cleanly:\n{stderr}");
    assert_eq!((lines.len(), refused, not_yet), (36 - NOT_YET.len(), 0, NOT_YET.len()), "every official model of a written protocol generates and compiles");

    // The documentation too: the models' HTML becomes Markdown, and rustdoc
    // warns about what it misreads (a broken intra-doc link, an unclosed
    // HTML tag). Same workspace; its own `doc` output in the same target.
    let output = std::process::Command::new(&cargo)
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", target.join("corpus-target"))
        .env("RUSTDOCFLAGS", "-D warnings")
        .args(["doc", "--workspace", "--no-deps", "--message-format=short"])
        .output()
        .expect("run cargo doc on the corpus");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let undocumented: Vec<&str> = lines
        .iter()
        .filter(|(_, package, _)| stderr.contains(&format!("could not document `{package}`")))
        .map(|(name, _, _)| name.as_str())
        .collect();
    println!("corpus docs: {} documented without warnings, {} not: {undocumented:?}", lines.len() - undocumented.len(), undocumented.len());
    assert!(output.status.success() && undocumented.is_empty(), "rustdoc warns about the corpus's documentation:\n{stderr}");
}

/// Writes a generated crate into `dir`, leaving files whose text is already
/// there untouched (so a rerun re-checks only what changed) and removing files
/// the generator no longer writes.
fn write_unchanged_files_untouched(dir: &std::path::Path, files: &std::collections::BTreeMap<String, String>) {
    fn walk(dir: &std::path::Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found)
            } else {
                found.push(path)
            }
        }
    }
    let mut existing = Vec::new();
    walk(dir, &mut existing);
    for path in existing {
        let relative = path.strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
        if !files.contains_key(&relative) {
            std::fs::remove_file(&path).expect("remove a stale file");
        }
    }
    for (relative, text) in files {
        let path = dir.join(relative);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create the crate's folders");
            std::fs::write(&path, text).expect("write a generated file");
        }
    }
}

/// A synthetic ec2Query service of EC2's size (750 operations sharing
/// filters and tags, each with its own result items, like
/// `bench/ec2-sized-model.py`; EC2's own model is too large to ship in
/// `../shared`): the whole model generates, one file per operation, and an
/// `--operation` selection from it gives a small crate with only what that
/// operation reaches. Its generation time per size is a benchmark row.
#[test]
fn an_ec2_sized_model_generates_whole_and_in_part() {
    use serde_json::json;
    let ns = "com.example.ec2like";
    let string = json!({"target": "smithy.api#String"});
    let mut shapes = serde_json::Map::new();
    shapes.insert(format!("{ns}#Filter"), json!({"type": "structure", "members": {
        "Name": string, "Values": {"target": format!("{ns}#ValueStringList"), "traits": {"smithy.api#xmlName": "Value"}}}}));
    shapes.insert(format!("{ns}#FilterList"), json!({"type": "list", "member": {"target": format!("{ns}#Filter"), "traits": {"smithy.api#xmlName": "Filter"}}}));
    shapes.insert(format!("{ns}#ValueStringList"), json!({"type": "list", "member": {"target": "smithy.api#String", "traits": {"smithy.api#xmlName": "item"}}}));
    shapes.insert(format!("{ns}#Tag"), json!({"type": "structure", "members": {
        "Key": {"target": "smithy.api#String", "traits": {"aws.protocols#ec2QueryName": "Key", "smithy.api#xmlName": "key"}},
        "Value": {"target": "smithy.api#String", "traits": {"aws.protocols#ec2QueryName": "Value", "smithy.api#xmlName": "value"}}}}));
    shapes.insert(format!("{ns}#TagList"), json!({"type": "list", "member": {"target": format!("{ns}#Tag"), "traits": {"smithy.api#xmlName": "item"}}}));
    let mut operations = Vec::new();
    for i in 0..750 {
        let name = format!("DescribeThing{i:04}");
        let (item, list) = (format!("{ns}#Thing{i:04}"), format!("{ns}#Thing{i:04}List"));
        shapes.insert(item.clone(), json!({"type": "structure", "members": {
            "ThingId": {"target": "smithy.api#String", "traits": {"smithy.api#xmlName": "thingId"}},
            "Size": {"target": "smithy.api#Integer", "traits": {"smithy.api#xmlName": "size"}},
            "CreateTime": {"target": "smithy.api#Timestamp", "traits": {"smithy.api#xmlName": "createTime"}},
            "Tags": {"target": format!("{ns}#TagList"), "traits": {"aws.protocols#ec2QueryName": "TagSet", "smithy.api#xmlName": "tagSet"}}}}));
        shapes.insert(list.clone(), json!({"type": "list", "member": {"target": item, "traits": {"smithy.api#xmlName": "item"}}}));
        shapes.insert(format!("{ns}#{name}Request"), json!({"type": "structure", "members": {
            "Filters": {"target": format!("{ns}#FilterList"), "traits": {"smithy.api#xmlName": "Filter"}},
            "DryRun": {"target": "smithy.api#Boolean", "traits": {"aws.protocols#ec2QueryName": "DryRun"}},
            "NextToken": string}}));
        shapes.insert(format!("{ns}#{name}Result"), json!({"type": "structure", "members": {
            "Things": {"target": list, "traits": {"smithy.api#xmlName": "thingSet"}},
            "NextToken": {"target": "smithy.api#String", "traits": {"smithy.api#xmlName": "nextToken"}}}}));
        shapes.insert(format!("{ns}#{name}"), json!({"type": "operation",
            "input": {"target": format!("{ns}#{name}Request")}, "output": {"target": format!("{ns}#{name}Result")},
            "traits": {"smithy.api#paginated": {"inputToken": "NextToken", "outputToken": "NextToken", "items": "Things"}}}));
        operations.push(json!({"target": format!("{ns}#{name}")}));
    }
    shapes.insert(format!("{ns}#Ec2Like"), json!({"type": "service", "version": "2016-11-15", "operations": operations, "traits": {
        "aws.api#service": {"sdkId": "EC2 Like", "endpointPrefix": "ec2like"}, "aws.auth#sigv4": {"name": "ec2like"},
        "aws.protocols#ec2Query": {}, "smithy.api#xmlNamespace": {"uri": "http://ec2.amazonaws.com/doc/2016-11-15"}}}));
    let text = serde_json::to_string(&json!({"smithy": "2.0", "shapes": shapes})).expect("JSON");
    let model = codegen::load::load_str(&text, std::path::Path::new("ec2-like.json")).expect("the synthetic model loads");
    let whole = codegen::generate_from_model(&model, &codegen::Options::default()).expect("the whole model generates");
    let operation_files = |files: &std::collections::BTreeMap<String, String>| {
        files.keys().filter(|p| p.starts_with("src/operation/")).count()
    };
    assert_eq!(operation_files(&whole), 750);
    assert!(whole["src/wire/describe_thing0749.rs"].contains("\"DescribeThing0749\""));
    // Responses are read by xmlName (ec2QueryName names request keys only).
    assert!(whole["src/wire/types.rs"].contains("\"tagSet\"") && !whole["src/wire/types.rs"].contains("\"TagSet\""));
    let options = codegen::Options { operations: vec!["DescribeThing0042".to_owned()], ..Default::default() };
    let one = codegen::generate_from_model(&model, &options).expect("one operation generates");
    assert_eq!(operation_files(&one), 1);
    let types: Vec<&String> = one.keys().filter(|p| p.starts_with("src/types/")).collect();
    assert_eq!(types, ["src/types/filter.rs", "src/types/tag.rs", "src/types/thing0042.rs"], "only what the operation reaches");
    assert!(one.len() * 10 < whole.len(), "{} files of {}", one.len(), whole.len());
}

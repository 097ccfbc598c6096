//! Runs the endpoint tests of every official model (`smithy.rules#endpointTests`
//! in `../shared/models/{aws-more,aws}/*.json`) against the resolvers the
//! generator writes. Each case is checked through its `params` (URL,
//! headers and properties such as `authSchemes`, or the error message);
//! a case with operation inputs is also checked through the generated
//! client of that operation, when the generator writes it: the client's
//! endpoint parameters (from its configuration, its credentials' account
//! id and the input) must be the case's, and the request must go to the
//! case's endpoint. Prints `endpoint tests: N passed, M failed` per model
//! and in total; a failure not listed in `known-failures.txt` fails the
//! test, and so does a listed case that passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use endpoint_tests::{ClientCase, Endpoint, ModelEntry, Value, MODELS};
use serde_json::{Map, Value as Json};

fn value(json: &Json) -> Value {
    match json {
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::Array(items.iter().map(value).collect()),
        Json::Number(n) => n.as_i64().map_or(Value::None, Value::Int),
        Json::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.clone(), value(v))).collect()),
        Json::Null => Value::None,
    }
}

fn shared_models() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/models")
}

/// `(model file, case documentation)` of the cases known to fail, from
/// `known-failures.txt` (`<file> | <documentation> | <reason>` per line).
fn known_failures() -> BTreeSet<(String, String)> {
    include_str!("../known-failures.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let parts: Vec<&str> = line.split(" | ").collect();
            assert!(parts.len() == 3 && !parts[2].trim().is_empty(), "known-failures.txt: `{line}` is not `<file> | <documentation> | <reason>`");
            (parts[0].to_owned(), parts[1].to_owned())
        })
        .collect()
}

/// What differs between the resolved endpoint and the expected one.
fn compare(got: &Endpoint, expected: &Json) -> Option<String> {
    let url = expected.get("url").and_then(Json::as_str).unwrap_or_default();
    if got.url != url {
        return Some(format!("expected {url}, got {}", got.url));
    }
    let mut headers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in &got.headers {
        headers.entry(name.as_str()).or_default().push(value.as_str());
    }
    let wanted: BTreeMap<&str, Vec<&str>> = expected
        .get("headers")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .map(|(name, values)| (name.as_str(), values.as_array().into_iter().flatten().filter_map(Json::as_str).collect()))
        .collect();
    if headers != wanted {
        return Some(format!("expected the headers {wanted:?}, got {headers:?}"));
    }
    let properties: BTreeMap<String, Value> =
        expected.get("properties").and_then(Json::as_object).into_iter().flatten().map(|(k, v)| (k.clone(), value(v))).collect();
    if got.properties != properties {
        return Some(format!("expected the properties {properties:?}, got {:?}", got.properties));
    }
    None
}

/// The case through its `params`: `None` when it passes.
fn check_params(model: &ModelEntry, case: &Json) -> Option<String> {
    let params: Vec<(String, Value)> =
        case.get("params").and_then(Json::as_object).into_iter().flatten().map(|(k, v)| (k.clone(), value(v))).collect();
    let expect = &case["expect"];
    match (expect.get("endpoint"), expect.get("error").and_then(Json::as_str), (model.resolve)(&params)) {
        (Some(endpoint), _, Ok(got)) => compare(&got, endpoint),
        (Some(endpoint), _, Err(e)) => Some(format!("expected {}, got the error {e}", endpoint["url"])),
        (None, Some(error), Err(e)) if e.message() == error => None,
        (None, Some(error), Err(e)) => Some(format!("expected the error {error:?}, got the error {:?}", e.message())),
        (None, Some(error), Ok(got)) => Some(format!("expected the error {error:?}, got {}", got.url)),
        (None, None, _) => Some("the case expects neither an endpoint nor an error".into()),
    }
}

/// The case's operation inputs through the generated client: `None` when
/// every one passes.
fn check_client(inputs: &[endpoint_tests::ClientInput], case: &Json) -> Option<String> {
    let empty = Map::new();
    let params = case.get("params").and_then(Json::as_object).unwrap_or(&empty);
    for input in case.get("operationInputs").and_then(Json::as_array).into_iter().flatten() {
        let operation = input.get("operationName").and_then(Json::as_str).unwrap_or_default();
        let operation_params = input.get("operationParams").cloned().unwrap_or(Json::Object(Map::new())).to_string();
        let Some(check) = inputs.iter().find(|i| i.operation == operation && i.params == operation_params) else {
            return Some(format!("harness: no check was generated for {operation} {operation_params}"));
        };
        let built_ins = input.get("builtInParams").and_then(Json::as_object).unwrap_or(&empty);
        let client_case = ClientCase { built_ins, params, expect: &case["expect"] };
        if let Err(problem) = (check.check)(&client_case) {
            return Some(format!("through the client's {operation}: {problem}"));
        }
    }
    None
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    /// Cases whose operation inputs went through the client too.
    through_client: usize,
    /// Cases with operation inputs checked through `params` only.
    params_only: usize,
}

#[test]
fn every_models_endpoint_tests_pass() {
    let known = known_failures();
    let mut total = Tally::default();
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut clients = BTreeMap::new();
    for model in MODELS {
        let path = shared_models().join(model.file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} is missing ({e}); the tests need ../shared beside the checkout", path.display()));
        let json: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let cases = json["shapes"][model.service]["traits"]["smithy.rules#endpointTests"]["testCases"].as_array().cloned().unwrap_or_default();
        let mut tally = Tally::default();
        for (i, case) in cases.iter().enumerate() {
            let name = case.get("documentation").and_then(Json::as_str).unwrap_or("(unnamed)").to_owned();
            let mut problem = check_params(model, case);
            if case.get("operationInputs").is_some() {
                match model.client {
                    Ok(inputs) => {
                        problem = problem.or_else(|| check_client(inputs, case));
                        tally.through_client += 1;
                    }
                    Err(_) => tally.params_only += 1,
                }
            }
            let listed = known.contains(&(model.file.to_owned(), name.clone()));
            match (problem, listed) {
                (None, false) => tally.passed += 1,
                (None, true) => {
                    tally.passed += 1;
                    fixed.push(format!("{} | {name}", model.file));
                }
                (Some(problem), listed) => {
                    tally.failed += 1;
                    println!("FAIL {} case {i} ({name}): {problem}", model.file);
                    if !listed {
                        unexpected.push(format!("{} | {name}", model.file));
                    }
                }
            }
        }
        let client = match (model.client, tally.through_client, tally.params_only) {
            (_, 0, 0) => String::new(),
            (Ok(_), n, _) => format!(" ({n} also through the generated client)"),
            (Err(why), _, n) => format!(" ({n} with operation inputs through their params only: {why})"),
        };
        println!("{}: endpoint tests: {} passed, {} failed{client}", model.file, tally.passed, tally.failed);
        assert!(!cases.is_empty(), "{} has no endpoint tests", model.file);
        clients.insert(model.file, tally.through_client);
        total.passed += tally.passed;
        total.failed += tally.failed;
        total.through_client += tally.through_client;
        total.params_only += tally.params_only;
    }
    println!(
        "endpoint tests: {} passed, {} failed, in {} models ({} cases also through a generated client, {} with operation inputs through their params only)",
        total.passed,
        total.failed,
        MODELS.len(),
        total.through_client,
        total.params_only
    );
    // DynamoDB's account-id and ResourceArn cases must go through its client.
    assert_eq!(clients.get("aws-more/dynamodb-2012-08-10.json"), Some(&145), "DynamoDB's cases with operation inputs, through its client");
    assert!(unexpected.is_empty(), "failing cases not in known-failures.txt: {unexpected:#?}");
    assert!(fixed.is_empty(), "cases in known-failures.txt that pass now (remove them): {fixed:#?}");
}

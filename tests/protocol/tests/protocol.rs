//! Runs every client case of the restJson1 protocol tests and compares the
//! failures with `known-failures.txt`: a failure not on the list fails the
//! run, and so does a listed case that passes (the list only shrinks).

use std::collections::BTreeMap;

use protocol_tests::{CaseKind, CASES};

/// `CaseId: reason` per line; `#` comments and blank lines are skipped.
fn known_failures() -> BTreeMap<String, String> {
    let text = include_str!("../known-failures.txt");
    let mut known = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, reason) = line.split_once(':').unwrap_or_else(|| panic!("known-failures.txt:{}: expected `CaseId: reason`", n + 1));
        assert!(!reason.trim().is_empty(), "known-failures.txt:{}: `{id}` needs a reason", n + 1);
        assert!(known.insert(id.trim().to_owned(), reason.trim().to_owned()).is_none(), "`{id}` is listed twice");
    }
    known
}

#[test]
fn restjson1_protocol_compliance() {
    let requests = CASES.iter().filter(|(_, kind, _)| *kind == CaseKind::Request).count();
    let responses = CASES.iter().filter(|(_, kind, _)| *kind == CaseKind::Response).count();
    assert_eq!((requests, responses), (136, 108), "client request and response cases of the RestJson service");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut failed = BTreeMap::new();
    for (id, _, case) in CASES {
        if let Err(difference) = runtime.block_on(case()) {
            println!("FAIL {id}: {difference}");
            failed.insert(*id, difference);
        }
    }
    let passed = CASES.len() - failed.len();
    let fails = |kind: CaseKind| CASES.iter().filter(|(id, k, _)| *k == kind && failed.contains_key(id)).count();
    println!(
        "requests: {} of {requests} pass; responses: {} of {responses} pass",
        requests - fails(CaseKind::Request),
        responses - fails(CaseKind::Response),
    );
    println!("protocol tests: {passed} passed, {} failed", failed.len());

    let known = known_failures();
    let unknown_ids: Vec<&String> = known.keys().filter(|id| !CASES.iter().any(|(c, _, _)| c == id)).collect();
    let new_failures: Vec<&&str> = failed.keys().filter(|id| !known.contains_key(**id)).collect();
    let now_passing: Vec<&String> = known.keys().filter(|id| !failed.contains_key(id.as_str()) && CASES.iter().any(|(c, _, _)| c == id)).collect();
    assert!(unknown_ids.is_empty(), "known-failures.txt lists cases that do not exist: {unknown_ids:?}");
    assert!(new_failures.is_empty(), "cases failing that known-failures.txt does not list: {new_failures:?}");
    assert!(now_passing.is_empty(), "cases listed in known-failures.txt now pass; remove them from the list: {now_passing:?}");
}

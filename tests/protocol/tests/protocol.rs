//! Runs every client case of each protocol test suite and compares the
//! failures with the suite's `known-failures/<suite>.txt`: a failure not on
//! the list fails the run, and so does a listed case that passes (the list
//! only shrinks).

use std::collections::BTreeMap;


/// `CaseId: reason` per line; `#` comments and blank lines are skipped.
fn known_failures(file: &str, text: &str) -> BTreeMap<String, String> {
    let mut known = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, reason) = line.split_once(':').unwrap_or_else(|| panic!("{file}:{}: expected `CaseId: reason`", n + 1));
        assert!(!reason.trim().is_empty(), "{file}:{}: `{id}` needs a reason", n + 1);
        assert!(known.insert(id.trim().to_owned(), reason.trim().to_owned()).is_none(), "`{id}` is listed twice");
    }
    known
}

/// Runs the cases of one service module: `(id, kind, difference)`.
macro_rules! run {
    ($module:ident) => {{
        use protocol_tests::$module::{CaseKind, CASES};
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        CASES
            .iter()
            .map(|(id, kind, case)| {
                let kind = match kind {
                    CaseKind::Request => "request",
                    CaseKind::Response => "response",
                    CaseKind::EventStream => "event stream",
                };
                (*id, kind, runtime.block_on(case()).err())
            })
            .collect::<Vec<(&'static str, &'static str, Option<String>)>>()
    }};
}

/// The client cases of the operations that read event streams.
const EVENT_STREAM_CASES: usize = 25;

#[test]
fn restjson1_protocol_compliance() {
    let services = [("RestJson", run!(rest_json_service)), ("Glacier", run!(glacier_service)), ("API Gateway", run!(apigateway_service))];
    let count = |cases: &[(&str, &str, Option<String>)]| {
        let of = |kind: &str| cases.iter().filter(|c| c.1 == kind).count();
        (of("request"), of("response"), of("event stream"))
    };
    let (rest_json, glacier, apigateway) = (&services[0].1, &services[1].1, &services[2].1);
    assert_eq!(count(rest_json), (136, 108, EVENT_STREAM_CASES), "client cases of RestJson");
    assert_eq!(count(glacier), (4, 0, 0), "client cases of Glacier");
    assert_eq!(count(apigateway), (1, 0, 0), "client cases of API Gateway");

    check_suite(
        &services,
        known_failures("known-failures/restJson1.txt", include_str!("../known-failures/restJson1.txt")),
    );
}

type Outcome = (&'static str, &'static str, Option<String>);

/// Prints each service's counts and failures and the suite's summary
/// line, then checks the failures against the suite's known failures.
fn check_suite(services: &[(&str, Vec<Outcome>)], known: BTreeMap<String, String>) {
    let count = |cases: &[Outcome]| {
        let of = |kind: &str| cases.iter().filter(|c| c.1 == kind).count();
        (of("request"), of("response"), of("event stream"))
    };
    let mut failed = BTreeMap::new();
    let mut all = Vec::new();
    for (service, cases) in services {
        let (requests, responses, streams) = count(cases);
        println!("{service}: {requests} request, {responses} response and {streams} event stream cases");
        let failures = cases.iter().filter(|c| c.2.is_some()).count();
        println!("{service}: {} of {} pass", cases.len() - failures, cases.len());
        for (id, _, difference) in cases {
            all.push(*id);
            if let Some(difference) = difference {
                println!("FAIL {id}: {difference}");
                failed.insert(*id, difference.clone());
            }
        }
    }
    println!("protocol tests: {} passed, {} failed", all.len() - failed.len(), failed.len());

    let unknown_ids: Vec<&String> = known.keys().filter(|id| !all.contains(&id.as_str())).collect();
    let new_failures: Vec<&&str> = failed.keys().filter(|id| !known.contains_key(**id)).collect();
    let now_passing: Vec<&String> = known.keys().filter(|id| !failed.contains_key(id.as_str()) && all.contains(&id.as_str())).collect();
    assert!(unknown_ids.is_empty(), "the known failures list cases that do not exist: {unknown_ids:?}");
    assert!(new_failures.is_empty(), "cases failing that the known failures do not list: {new_failures:?}");
    assert!(now_passing.is_empty(), "cases listed as known failures now pass; remove them from the list: {now_passing:?}");
}

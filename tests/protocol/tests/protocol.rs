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

/// The client event stream cases: of the operations that read events, that
/// send them, and both.
const EVENT_STREAM_CASES: usize = 84;

#[test]
fn protocol_compliance() {
    let rest_json1 = [("RestJson", run!(rest_json_service)), ("Glacier", run!(glacier_service)), ("API Gateway", run!(apigateway_service))];
    assert_eq!(count(&rest_json1[0].1), (136, 108, EVENT_STREAM_CASES), "client cases of RestJson");
    assert_eq!(count(&rest_json1[1].1), (4, 0, 0), "client cases of Glacier");
    assert_eq!(count(&rest_json1[2].1), (1, 0, 0), "client cases of API Gateway");
    let aws_json1_0 = [("JsonRpc10", run!(json_rpc10_service)), ("QueryCompatibleJsonRpc10", run!(query_compatible_json_rpc10_service))];
    assert_eq!(sum(&aws_json1_0), (29, 41, 0), "client cases of awsJson1_0");
    let aws_json1_1 = [("JsonProtocol", run!(json_protocol_service)), ("Machine Learning", run!(machine_learning_service))];
    assert_eq!(sum(&aws_json1_1), (57, 62, 0), "client cases of awsJson1_1");
    let rest_xml = [
        ("RestXml", run!(rest_xml_service)),
        ("S3", run!(s3_service)),
        ("RestXmlWithNamespace", run!(rest_xml_with_namespace_service)),
    ];
    assert_eq!(count(&rest_xml[0].1), (97, 81, 0), "client cases of RestXml");
    assert_eq!(count(&rest_xml[1].1), (11, 2, 0), "client cases of S3");
    assert_eq!(count(&rest_xml[2].1), (1, 1, 0), "client cases of RestXmlWithNamespace");
    let aws_query = [("AwsQuery", run!(aws_query_service))];
    assert_eq!(count(&aws_query[0].1), (38, 39, 0), "client cases of AwsQuery");
    let ec2_query = [("AwsEc2", run!(ec2_query_service))];
    assert_eq!(count(&ec2_query[0].1), (30, 29, 0), "client cases of AwsEc2");

    let suites = [
        ("restJson1", &rest_json1[..], include_str!("../known-failures/restJson1.txt")),
        ("awsJson1_0", &aws_json1_0[..], include_str!("../known-failures/awsJson1_0.txt")),
        ("awsJson1_1", &aws_json1_1[..], include_str!("../known-failures/awsJson1_1.txt")),
        ("restXml", &rest_xml[..], include_str!("../known-failures/restXml.txt")),
        ("awsQuery", &aws_query[..], include_str!("../known-failures/awsQuery.txt")),
        ("ec2Query", &ec2_query[..], include_str!("../known-failures/ec2Query.txt")),
    ];
    let (mut passed, mut failed) = (0, 0);
    let mut problems = Vec::new();
    for (suite, services, known) in suites {
        let (p, f, problem) = check_suite(suite, services, known_failures(&format!("known-failures/{suite}.txt"), known));
        passed += p;
        failed += f;
        problems.extend(problem);
    }
    // One line over every protocol (CI prints it).
    println!("protocol tests: {passed} passed, {failed} failed");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Request, response and event stream cases.
fn count(cases: &[Outcome]) -> (usize, usize, usize) {
    let of = |kind: &str| cases.iter().filter(|c| c.1 == kind).count();
    (of("request"), of("response"), of("event stream"))
}

/// The same, over the services of a suite.
fn sum(services: &[(&str, Vec<Outcome>)]) -> (usize, usize, usize) {
    services.iter().map(|(_, cases)| count(cases)).fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
}

type Outcome = (&'static str, &'static str, Option<String>);

/// Prints each service's counts and failures and the suite's summary
/// line, then compares the failures with the suite's known failures:
/// `(passed, failed, the differences)`.
fn check_suite(suite: &str, services: &[(&str, Vec<Outcome>)], known: BTreeMap<String, String>) -> (usize, usize, Vec<String>) {
    let mut failed = BTreeMap::new();
    let mut all = Vec::new();
    for (service, cases) in services {
        let (requests, responses, streams) = count(cases);
        println!("{suite} {service}: {requests} request, {responses} response and {streams} event stream cases");
        let failures = cases.iter().filter(|c| c.2.is_some()).count();
        println!("{suite} {service}: {} of {} pass", cases.len() - failures, cases.len());
        for (id, _, difference) in cases {
            all.push(*id);
            if let Some(difference) = difference {
                println!("FAIL {id}: {difference}");
                failed.insert(*id, difference.clone());
            }
        }
    }
    println!("{suite}: {} passed, {} failed", all.len() - failed.len(), failed.len());

    let unknown_ids: Vec<&String> = known.keys().filter(|id| !all.contains(&id.as_str())).collect();
    let new_failures: Vec<&&str> = failed.keys().filter(|id| !known.contains_key(**id)).collect();
    let now_passing: Vec<&String> = known.keys().filter(|id| !failed.contains_key(id.as_str()) && all.contains(&id.as_str())).collect();
    let mut problems = Vec::new();
    if !unknown_ids.is_empty() {
        problems.push(format!("{suite}: the known failures list cases that do not exist: {unknown_ids:?}"));
    }
    if !new_failures.is_empty() {
        problems.push(format!("{suite}: cases failing that the known failures do not list: {new_failures:?}"));
    }
    if !now_passing.is_empty() {
        problems.push(format!("{suite}: cases listed as known failures now pass; remove them from the list: {now_passing:?}"));
    }
    (all.len() - failed.len(), failed.len(), problems)
}

//! The waiters of the `waiters` fixture (`tests/fixtures/waiters.json`):
//! each acceptor's JMESPath path, compiled to plain Rust by the generator,
//! decides on responses as the service would send them (through the test
//! transport and the JSON reader, so an absent list is `None` and `[]` an
//! empty one), with the semantics of JMESPath and of the Smithy waiter
//! comparators.

use std::time::{Duration, SystemTime};

use fixture_waiters::config::RetryConfig;
use fixture_waiters::testing::{TestClock, TestTransport};
use fixture_waiters::waiters::WaiterError;
use fixture_waiters::{Client, Config};
use serde_json::{json, Value};

fn client(transport: &TestTransport) -> Client {
    let clock = TestClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400));
    let config = Config::builder()
        .region("us-west-2")
        .endpoint_url("https://fleets.example")
        .static_credentials("AKIDEXAMPLE", "SECRET")
        .http_client(transport.clone())
        .time_source(clock.clone())
        .sleep_impl(clock)
        .retry_config(RetryConfig::disabled())
        .build();
    Client::new(config)
}

/// What a waiter decided after one poll.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Success,
    /// A failure acceptor matched: its description.
    Failure(&'static str),
    /// No acceptor matched a successful response (or a retry acceptor did).
    NoMatch,
    /// No acceptor matched an error.
    Error,
}

/// A `GetFleet` output: `status` (required) and the members of `extra`.
fn fleet(extra: Value) -> String {
    let mut body = json!({"status": "PENDING"});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body.to_string()
}

/// Polls once with `waiter` (a `Client` method) against a response: the
/// maximum wait is shorter than the waiter's minimum delay, so an
/// acceptor that does not decide ends the wait after the first attempt.
macro_rules! poll {
    ($waiter:ident, $extra:tt) => {
        poll!($waiter, 200, fleet(json!($extra)))
    };
    ($waiter:ident, $status:expr, $body:expr) => {{
        let transport = TestTransport::new();
        transport.respond($status, $body);
        let result = client(&transport).$waiter().id("fleet-1").wait(Duration::from_secs(1)).await;
        assert_eq!(transport.requests().len(), 1);
        match result {
            Ok(_) => Outcome::Success,
            Err(WaiterError::FailureState { acceptor, .. }) => Outcome::Failure(acceptor),
            Err(WaiterError::ExceededMaxWait { attempts: 1, .. }) => Outcome::NoMatch,
            Err(WaiterError::OperationFailed { .. }) => Outcome::Error,
            Err(other) => panic!("{other:?}"),
        }
    }};
}

use Outcome::{Error, NoMatch, Success};

#[tokio::test]
async fn acceptors_decide_in_order_and_enums_compare_by_value() {
    assert_eq!(poll!(wait_until_fleet_active, {"status": "ACTIVE"}), Success);
    assert_eq!(poll!(wait_until_fleet_active, {"status": "FAILED"}), Outcome::Failure("`status == \"FAILED\"`"));
    assert_eq!(poll!(wait_until_fleet_active, {"status": "PENDING"}), NoMatch);
    // An enum value this crate does not know is compared as received.
    assert_eq!(poll!(wait_until_fleet_active, {"status": "ARCHIVED"}), NoMatch);
    // `errorType` matches the error's code: a retry, then the wait ends.
    let not_found = r#"{"__type": "NotFound", "message": "no such fleet"}"#;
    assert_eq!(poll!(wait_until_fleet_active, 404, not_found), NoMatch);
    assert_eq!(poll!(wait_until_fleet_gone, 404, not_found), Success);
    assert_eq!(poll!(wait_until_fleet_gone, 400, r#"{"__type": "Throttled"}"#), Error);
    assert_eq!(poll!(wait_until_fleet_gone, {}), NoMatch);
}

#[tokio::test]
async fn a_null_member_never_matches_string_equals() {
    assert_eq!(poll!(wait_until_mode_fast, {}), NoMatch);
    assert_eq!(poll!(wait_until_mode_fast, {"config": {}}), NoMatch);
    assert_eq!(poll!(wait_until_mode_fast, {"config": {"mode": "slow"}}), NoMatch);
    assert_eq!(poll!(wait_until_mode_fast, {"config": {"mode": "fast"}}), Success);
    // Through a recursive (boxed) member.
    assert_eq!(poll!(wait_until_parent_mode_fast, {"config": {"parent": {"mode": "fast"}}}), Success);
    assert_eq!(poll!(wait_until_parent_mode_fast, {"config": {"mode": "fast"}}), NoMatch);
    assert_eq!(poll!(wait_until_label_prod, {"labels": {"env": "prod"}}), Success);
    assert_eq!(poll!(wait_until_label_prod, {"labels": {"region": "prod"}}), NoMatch);
    assert_eq!(poll!(wait_until_label_prod, {}), NoMatch);
    assert_eq!(poll!(wait_until_name_is_null, {}), Success);
    assert_eq!(poll!(wait_until_name_is_null, {"name": ""}), NoMatch);
}

#[tokio::test]
async fn boolean_equals_matches_true_and_false_but_never_null() {
    assert_eq!(poll!(wait_until_ready_true, {"ready": true}), Success);
    assert_eq!(poll!(wait_until_ready_true, {"ready": false}), NoMatch);
    assert_eq!(poll!(wait_until_ready_true, {}), NoMatch);
    assert_eq!(poll!(wait_until_ready_false, {"ready": false}), Success);
    assert_eq!(poll!(wait_until_ready_false, {"ready": true}), NoMatch);
    assert_eq!(poll!(wait_until_ready_false, {}), NoMatch);
}

#[tokio::test]
async fn all_string_equals_needs_at_least_one_value() {
    let tasks = |statuses: &[&str]| json!({"tasks": statuses.iter().map(|s| json!({"lastStatus": s})).collect::<Vec<_>>()});
    assert_eq!(poll!(wait_until_tasks_all_running, 200, fleet(tasks(&["RUNNING", "RUNNING"]))), Success);
    assert_eq!(poll!(wait_until_tasks_all_running, 200, fleet(tasks(&["RUNNING", "STOPPED"]))), NoMatch);
    assert_eq!(poll!(wait_until_tasks_all_running, {"tasks": []}), NoMatch, "an empty list");
    assert_eq!(poll!(wait_until_tasks_all_running, {}), NoMatch, "no list");
    // A projection drops the nulls: a task without a status is not counted.
    assert_eq!(poll!(wait_until_tasks_all_running, {"tasks": [{"lastStatus": "RUNNING"}, {}]}), Success);
    assert_eq!(poll!(wait_until_tasks_all_running, {"tasks": [{}]}), NoMatch);
    // A list member itself.
    assert_eq!(poll!(wait_until_zones_all_up, {"zones": ["up", "up"]}), Success);
    assert_eq!(poll!(wait_until_zones_all_up, {"zones": ["up", "down"]}), NoMatch);
    assert_eq!(poll!(wait_until_zones_all_up, {"zones": []}), NoMatch);
}

#[tokio::test]
async fn any_string_equals_needs_one_equal_value() {
    assert_eq!(poll!(wait_until_tasks_any_stopped, {"tasks": [{"lastStatus": "RUNNING"}, {"lastStatus": "STOPPED"}]}), Success);
    assert_eq!(poll!(wait_until_tasks_any_stopped, {"tasks": [{"lastStatus": "RUNNING"}, {}]}), NoMatch);
    assert_eq!(poll!(wait_until_tasks_any_stopped, {"tasks": []}), NoMatch);
    assert_eq!(poll!(wait_until_tasks_any_stopped, {}), NoMatch);
    assert_eq!(poll!(wait_until_zones_any_down, {"zones": ["up", "down"]}), Success);
    assert_eq!(poll!(wait_until_zones_any_down, {"zones": ["up"]}), NoMatch);
}

#[tokio::test]
async fn flatten_splices_lists_of_lists() {
    assert_eq!(poll!(wait_until_groups_any_x, {"groups": [["a"], ["b", "x"]]}), Success);
    assert_eq!(poll!(wait_until_groups_any_x, {"groups": [[], ["a"]]}), NoMatch);
    // `groups[][]`: flattening twice is flattening once for strings.
    assert_eq!(poll!(wait_until_groups_all_x, {"groups": [["x"], [], ["x", "x"]]}), Success);
    assert_eq!(poll!(wait_until_groups_all_x, {"groups": [["x"], ["y"]]}), NoMatch);
    assert_eq!(poll!(wait_until_groups_all_x, {"groups": [[], []]}), NoMatch, "nothing after flattening");
}

#[tokio::test]
async fn the_ecs_services_stable_filter() {
    let service = |deployments: usize, running: u32, desired: u32| {
        json!({"status": "ACTIVE", "deployments": vec![json!({"id": "d"}); deployments], "runningCount": running, "desiredCount": desired})
    };
    let services = |list: Vec<Value>| fleet(json!({"services": list}));
    assert_eq!(poll!(wait_until_services_stable, 200, services(vec![service(1, 2, 2), service(1, 0, 0)])), Success);
    assert_eq!(poll!(wait_until_services_stable, 200, services(vec![service(1, 2, 2), service(1, 1, 2)])), NoMatch);
    assert_eq!(poll!(wait_until_services_stable, 200, services(vec![service(2, 2, 2)])), NoMatch);
    assert_eq!(poll!(wait_until_services_stable, 200, services(vec![])), Success, "no service is unstable");
    // `length` of a missing member fails: the acceptor does not match.
    assert_eq!(poll!(wait_until_services_stable, {}), NoMatch);
    assert_eq!(poll!(wait_until_services_stable, {"services": [{"runningCount": 1, "desiredCount": 1}]}), NoMatch);
    assert_eq!(
        poll!(wait_until_services_stable, {"failures": [{"reason": "MISSING"}], "services": []}),
        Outcome::Failure("any of `failures[].reason` is \"MISSING\"")
    );
}

#[tokio::test]
async fn length_of_null_is_a_failure_not_zero() {
    assert_eq!(poll!(wait_until_has_tasks, {"tasks": [{}]}), Success);
    assert_eq!(poll!(wait_until_has_tasks, {"tasks": []}), NoMatch);
    assert_eq!(poll!(wait_until_has_tasks, {}), NoMatch);
    assert_eq!(poll!(wait_until_no_tasks, {"tasks": []}), Success);
    assert_eq!(poll!(wait_until_no_tasks, {"tasks": [{}]}), NoMatch);
    assert_eq!(poll!(wait_until_no_tasks, {}), NoMatch, "length(null) is an error, not 0");
    // Truthiness: null and `[]` are falsy.
    assert_eq!(poll!(wait_until_tasks_empty_or_missing, {}), Success);
    assert_eq!(poll!(wait_until_tasks_empty_or_missing, {"tasks": []}), Success);
    assert_eq!(poll!(wait_until_tasks_empty_or_missing, {"tasks": [{}]}), NoMatch);
}

#[tokio::test]
async fn numbers_compare_by_value_and_null_is_not_ordered() {
    assert_eq!(poll!(wait_until_count_below_three, {"count": 2}), Success);
    assert_eq!(poll!(wait_until_count_below_three, {"count": 3}), NoMatch);
    assert_eq!(poll!(wait_until_count_below_three, {}), Success, "count defaults to 0");
    // An Integer and a Long.
    assert_eq!(poll!(wait_until_count_is_capacity, {"count": 5, "capacity": 5}), Success);
    assert_eq!(poll!(wait_until_count_is_capacity, {"count": 5, "capacity": 6}), NoMatch);
    assert_eq!(poll!(wait_until_count_is_capacity, {"count": 5}), NoMatch);
    assert_eq!(poll!(wait_until_ratio_high, {"ratio": 0.75}), Success);
    assert_eq!(poll!(wait_until_ratio_high, {"ratio": 0.25}), NoMatch);
    assert_eq!(poll!(wait_until_ratio_high, {}), NoMatch);
    // `null > 0.5` is null, which is not `false` either.
    assert_eq!(poll!(wait_until_ratio_not_high, {"ratio": 0.25}), Success);
    assert_eq!(poll!(wait_until_ratio_not_high, {"ratio": 0.75}), NoMatch);
    assert_eq!(poll!(wait_until_ratio_not_high, {}), NoMatch);
}

#[tokio::test]
async fn functions_on_strings_and_lists() {
    assert_eq!(poll!(wait_until_zones_contain_down, {"zones": ["a", "down"]}), Success);
    assert_eq!(poll!(wait_until_zones_contain_down, {"zones": ["a"]}), NoMatch);
    assert_eq!(poll!(wait_until_zones_contain_down, {}), NoMatch);
    assert_eq!(poll!(wait_until_name_mentions_prod, {"name": "my-prod-1"}), Success);
    assert_eq!(poll!(wait_until_name_mentions_prod, {"name": "live-1"}), Success);
    assert_eq!(poll!(wait_until_name_mentions_prod, {"name": "dev"}), NoMatch);
    assert_eq!(poll!(wait_until_name_mentions_prod, {}), NoMatch);
}

#[tokio::test]
async fn indexes_filters_and_pipes() {
    let tasks = json!([{"id": "a", "lastStatus": "RUNNING", "healthy": true, "ports": []},
                       {"id": "b", "lastStatus": "STOPPED", "healthy": true, "ports": [80, 443]},
                       {"id": "c", "healthy": false}]);
    assert_eq!(poll!(wait_until_first_task_running, {"tasks": tasks}), Success);
    assert_eq!(poll!(wait_until_last_task_running, {"tasks": tasks}), NoMatch, "the last task has no status");
    assert_eq!(poll!(wait_until_last_task_running, {"tasks": [{"lastStatus": "STOPPED"}, {"lastStatus": "RUNNING"}]}), Success);
    assert_eq!(poll!(wait_until_first_task_running, {"tasks": []}), NoMatch);
    assert_eq!(poll!(wait_until_two_healthy_tasks, {"tasks": tasks}), Success);
    assert_eq!(poll!(wait_until_two_healthy_tasks, {"tasks": [{"healthy": true}, {}]}), NoMatch);
    // `tasks[].ports[] | [0]`: the first port of all tasks' ports.
    assert_eq!(poll!(wait_until_first_port_http, {"tasks": tasks}), Success);
    assert_eq!(poll!(wait_until_first_port_http, {"tasks": [{"ports": [443, 80]}]}), NoMatch);
    assert_eq!(poll!(wait_until_running_task_ids, {"tasks": tasks}), Success);
    assert_eq!(poll!(wait_until_running_task_ids, {"tasks": [{"id": "a", "lastStatus": "STOPPED"}]}), NoMatch);
}

#[tokio::test]
async fn and_or_not_follow_jmespath() {
    assert_eq!(poll!(wait_until_active_or_ready_with_count, {"status": "ACTIVE"}), Success);
    assert_eq!(poll!(wait_until_active_or_ready_with_count, {"ready": true, "count": 1}), Success);
    assert_eq!(poll!(wait_until_active_or_ready_with_count, {"ready": true, "count": 0}), NoMatch);
    assert_eq!(poll!(wait_until_active_or_ready_with_count, {"count": 1}), NoMatch);
    // `ready && count > 0` is `false` when ready is false or count is 0,
    // and null (not false) when ready is missing.
    assert_eq!(poll!(wait_until_ready_and_busy, {"ready": false, "count": 1}), Success);
    assert_eq!(poll!(wait_until_ready_and_busy, {"ready": true, "count": 0}), Success);
    assert_eq!(poll!(wait_until_ready_and_busy, {"ready": true, "count": 1}), NoMatch);
    assert_eq!(poll!(wait_until_ready_and_busy, {"count": 0}), NoMatch);
}

#[tokio::test]
async fn input_output_paths_read_the_input() {
    assert_eq!(poll!(wait_until_name_is_id, {"name": "fleet-1"}), Success);
    assert_eq!(poll!(wait_until_name_is_id, {"name": "fleet-2"}), NoMatch);
    assert_eq!(poll!(wait_until_name_is_id, {}), NoMatch);
}

#[tokio::test]
async fn literals_beyond_a_type_and_filters_that_never_match() {
    // A length is never negative: `> -1` holds whenever there is a list.
    assert_eq!(poll!(wait_until_tasks_listed, {"tasks": []}), Success);
    assert_eq!(poll!(wait_until_tasks_listed, {}), NoMatch);
    // No status is the number 1: the filter keeps nothing.
    assert_eq!(poll!(wait_until_no_task_numbered, {"tasks": [{"lastStatus": "RUNNING"}]}), Success);
    assert_eq!(poll!(wait_until_no_task_numbered, {}), NoMatch);
    // An `inputOutput` waiter whose second acceptor reads only the output.
    assert_eq!(poll!(wait_until_name_is_id_or_no_tasks, {"name": "fleet-1"}), Success);
    assert_eq!(
        poll!(wait_until_name_is_id_or_no_tasks, {"tasks": []}),
        Outcome::Failure("`` length(output.tasks) == `0` `` is true")
    );
    assert_eq!(poll!(wait_until_name_is_id_or_no_tasks, {"tasks": [{}]}), NoMatch);
}

#[tokio::test]
async fn type_mismatches_never_match() {
    // `count` is a number: never a string equal to "0".
    assert_eq!(poll!(wait_until_count_is_text, {"count": 0}), NoMatch);
    // A string never equals a number.
    assert_eq!(poll!(wait_until_status_is_number, {"status": "ACTIVE"}), NoMatch);
}

#[tokio::test]
async fn a_waiters_config_override_changes_its_polls_only() {
    let transport = TestTransport::new();
    transport.respond(200, fleet(json!({"status": "ACTIVE"})));
    transport.respond(200, fleet(json!({"status": "ACTIVE"})));
    let client = client(&transport);
    let waited = client
        .wait_until_fleet_active()
        .id("fleet-1")
        .config_override(|c| c.endpoint_url("https://other.example"))
        .wait(Duration::from_secs(1))
        .await;
    assert!(waited.is_ok(), "{waited:?}");
    client.wait_until_fleet_active().id("fleet-1").wait(Duration::from_secs(1)).await.unwrap();
    let requests = transport.requests();
    let hosts: Vec<_> = requests.iter().map(|r| r.uri().host().unwrap_or_default().to_owned()).collect();
    assert_eq!(hosts, ["other.example", "fleets.example"], "the override's endpoint, then the client's");
}

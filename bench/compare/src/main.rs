//! Calls operations in a loop through in-memory transports that answer with
//! canned responses, through this project's generated crates and through
//! the AWS SDK for Rust, and prints calls per second as `key=value` lines:
//!
//! - Omics `GetReferenceImportJob` (through `generated/` against
//!   `aws-sdk-omics`): a large response (1,000 sources: parsing dominates)
//!   and a small one (3 sources: serializing, endpoint resolution, signing
//!   and the orchestrator dominate);
//! - DynamoDB (through the whole-DynamoDB crate that `bench/run.sh`
//!   generates into `dynamodb-generated/`, against `aws-sdk-dynamodb`): a
//!   `Query` whose response holds 1,000 items with nested attribute maps,
//!   and a small `GetItem` (the per-call overhead);
//! - S3 (through ListObjectsV2 and GetObject generated into `s3-generated/`,
//!   against `aws-sdk-s3`): a `ListObjectsV2` response of 1,000 keys, and
//!   `GetObject` of 1 GiB and of 128 MiB from a loopback server, throughput
//!   and peak memory (`s3_bench.rs`);
//! - IAM (through ListRoles generated into `iam-generated/`, against
//!   `aws-sdk-iam`): a `ListRoles` response of 1,000 roles (`iam_bench.rs`).

mod iam_bench;
mod s3_bench;

use std::time::{Duration, Instant};

use bytes::Bytes;

/// A response with `sources` source files.
fn job_json(sources: usize) -> Bytes {
    let items: Vec<String> = (0..sources)
        .map(|i| {
            format!(
                r#"{{"sourceFile": "s3://bucket/references/genome-{i:05}.fasta", "status": "IN_PROGRESS", "statusMessage": "copying", "name": "genome-{i:05}", "description": "reference {i}", "tags": {{"project": "p{i}", "owner": "lab"}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"id": "0123456789", "referenceStoreId": "1234567890", "roleArn": "arn:aws:iam::123456789012:role/OmicsImport", "status": "IN_PROGRESS", "creationTime": "2024-03-01T11:59:00.250Z", "sources": [{}]}}"#,
        items.join(", ")
    )
    .into()
}

/// An in-memory transport for the generated crate.
#[derive(Debug)]
struct Canned(Bytes);

impl omics::transport::HttpClient for Canned {
    fn send(
        &self,
        _request: omics::transport::HttpRequest,
    ) -> omics::transport::BoxFuture<'_, Result<omics::transport::HttpResponse, omics::transport::TransportError>> {
        let body = self.0.clone();
        Box::pin(async move {
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(body)
                .expect("a response"))
        })
    }
}

fn ours(body: Bytes) -> omics::Client {
    let config = omics::Config::builder()
        .region("us-west-2")
        .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .http_client(Canned(body))
        .build();
    omics::Client::new(config)
}

fn sdk(body: Bytes) -> aws_sdk_omics::Client {
    let http_client = aws_smithy_http_client::test_util::infallible_client_fn(move |_request| {
        http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(body.clone())
            .expect("a response")
    });
    let config = aws_sdk_omics::Config::builder()
        .behavior_version(aws_sdk_omics::config::BehaviorVersion::latest())
        .region(aws_sdk_omics::config::Region::new("us-west-2"))
        .credentials_provider(aws_sdk_omics::config::Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "bench",
        ))
        .http_client(http_client)
        .build();
    aws_sdk_omics::Client::from_conf(config)
}

/// Calls `call` for about `budget`; returns calls per second.
fn rate(budget: Duration, mut call: impl FnMut() -> usize) -> f64 {
    let started = Instant::now();
    let mut calls = 0u64;
    while started.elapsed() < budget {
        for _ in 0..20 {
            call();
        }
        calls += 20;
    }
    calls as f64 / started.elapsed().as_secs_f64()
}

/// How many alternating rounds the budget of each side is split into.
const ROUNDS: u32 = 15;

fn median(mut rates: Vec<f64>) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates.get(rates.len() / 2).copied().unwrap_or(0.0)
}

/// Times both sides, each for about `budget` (`BENCH_ONLY=ours` or `=sdk`
/// runs one side, for profiling); returns their calls per second.
fn race(budget: Duration, mut call_ours: impl FnMut() -> usize, mut call_sdk: impl FnMut() -> usize) -> (f64, f64) {
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let budget_of = |side: &str| if only.is_empty() || only == side { budget } else { Duration::ZERO };
    for _ in 0..50 {
        call_ours();
        call_sdk();
    }
    // Short rounds, alternating between the two, and the median round of
    // each: a machine whose speed drifts during the run (a busy neighbour,
    // frequency scaling) then moves both figures alike.
    let (mut ours_rates, mut sdk_rates) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ours_rates.push(rate(budget_of("ours") / ROUNDS, &mut call_ours));
        sdk_rates.push(rate(budget_of("sdk") / ROUNDS, &mut call_sdk));
    }
    (median(ours_rates), median(sdk_rates))
}

/// The benchmark's parts, in the order they run.
const PARTS: [&str; 6] = ["omics", "dynamodb-query", "dynamodb-get-item", "s3", "iam", "get-object"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, command, side, size] = args.as_slice() {
        if command == "get-object" {
            s3_bench::get_object_child(side, size.parse().expect("a size in bytes"));
            return;
        }
    }
    let budget = Duration::from_millis(std::env::var("BENCH_MILLIS").ok().and_then(|m| m.parse().ok()).unwrap_or(3000));
    // `BENCH_PARTS=dynamodb,s3` runs only those parts (omics, dynamodb,
    // which is dynamodb-query and dynamodb-get-item, s3, iam, get-object);
    // all of them by default.
    let parts = std::env::var("BENCH_PARTS").unwrap_or_default();
    let part = |name: &str| {
        parts.is_empty()
            || parts.split(',').map(str::trim).any(|p| name == p || name.strip_prefix(p).is_some_and(|rest| rest.starts_with('-')))
    };
    // Each part runs in a process of its own, so that no part's figures
    // depend on which parts ran before it: the heap that earlier parts
    // leave behind moved later ones by up to a third, one side more than
    // the other.
    if std::env::var_os("BENCH_CHILD").is_none() {
        for name in PARTS.into_iter().filter(|name| part(name)) {
            let status = std::process::Command::new(std::env::current_exe().expect("this program's path"))
                .env("BENCH_PARTS", name)
                .env("BENCH_CHILD", "1")
                .status()
                .expect("the benchmark runs");
            assert!(status.success(), "the {name} benchmark failed: {status}");
        }
        return;
    }
    // The part starts in the state of a process that has read a large
    // body through a real transport: glibc has freed a large mapped block,
    // and so raised its mmap and trim thresholds. A fresh process would
    // instead hand the freed heap back to the kernel after every call and
    // fault it in again in the next (a third of our ListRoles time).
    drop(std::hint::black_box(vec![0u8; 16 << 20]));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    for sources in [1000, 3].into_iter().filter(|_| part("omics")) {
        let body = job_json(sources);
        let ours = ours(body.clone());
        let sdk = sdk(body.clone());
        // Both parse the same response the same way before they are timed.
        let check_ours = runtime
            .block_on(ours.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send())
            .expect("ours parses the response");
        let check_sdk = runtime
            .block_on(sdk.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send())
            .expect("the SDK parses the response");
        assert_eq!(check_ours.sources.len(), sources);
        assert_eq!(check_sdk.sources().len(), sources);
        let call_ours = || {
            let output = runtime
                .block_on(ours.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send())
                .expect("a call");
            output.sources.len()
        };
        let call_sdk = || {
            let output = runtime
                .block_on(sdk.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send())
                .expect("a call");
            output.sources().len()
        };
        let (ours_rate, sdk_rate) = race(budget, call_ours, call_sdk);
        println!("sources_{sources}_bytes={}", body.len());
        println!("sources_{sources}_ours_calls_per_s={ours_rate:.0}");
        println!("sources_{sources}_sdk_calls_per_s={sdk_rate:.0}");
    }
    if part("dynamodb-query") {
        dynamodb_query(&runtime, budget);
    }
    if part("dynamodb-get-item") {
        dynamodb_get_item(&runtime, budget);
    }
    if part("s3") {
        s3_bench::list_objects(&runtime, budget);
    }
    if part("iam") {
        iam_bench::list_roles(&runtime, budget);
    }
    if part("get-object") {
        s3_bench::get_object(1 << 30);
        s3_bench::get_object(128 << 20);
    }
}

// DynamoDB.

/// One item of the `Query` response: keys, then a map of strings, numbers,
/// booleans, a null, a list and maps nested three deep. `attrs.dims.w` is
/// `i` and `attrs.owner.flags.admin` is whether `i` is odd, for the checks.
fn item_json(i: usize) -> String {
    format!(
        r#"{{"pk": {{"S": "user#{owner:04}"}}, "sk": {{"N": "{i}"}}, "attrs": {{"M": {{"name": {{"S": "item {i:05}"}}, "price": {{"N": "{price}.99"}}, "active": {{"BOOL": {active}}}, "note": {{"NULL": true}}, "tags": {{"L": [{{"S": "red"}}, {{"S": "large"}}, {{"N": "{i}"}}, {{"BOOL": false}}]}}, "dims": {{"M": {{"w": {{"N": "{i}"}}, "h": {{"N": "20.5"}}, "unit": {{"S": "cm"}}}}}}, "owner": {{"M": {{"id": {{"N": "{owner}"}}, "name": {{"S": "lab {owner}"}}, "flags": {{"M": {{"admin": {{"BOOL": {admin}}}, "quota": {{"N": "1000"}}, "groups": {{"L": [{{"S": "readers"}}, {{"S": "writers"}}]}}}}}}}}}}}}}}}}"#,
        owner = i % 100,
        price = i % 50,
        active = i % 3 == 1,
        admin = i % 2 == 1,
    )
}

/// A `Query` response with `items` items.
fn query_json(items: usize) -> Bytes {
    let list: Vec<String> = (0..items).map(item_json).collect();
    format!(r#"{{"Count": {items}, "ScannedCount": {items}, "Items": [{}]}}"#, list.join(", ")).into()
}

/// A `GetItem` response with one small item.
fn get_item_json() -> Bytes {
    Bytes::from_static(
        br#"{"Item": {"pk": {"S": "user#0001"}, "sk": {"N": "1"}, "name": {"S": "Alice"}, "age": {"N": "42"}, "active": {"BOOL": true}}}"#,
    )
}

/// The response every DynamoDB call gets, with its `x-amz-crc32` as
/// DynamoDB sends it: this project's client checks it on every response;
/// aws-sdk-dynamodb 1.136 does not (the check costs about a hundredth of
/// the Query figure). Its checksum is computed once, before the timing: a
/// call pays for the client, not for the canned server.
#[derive(Debug, Clone)]
struct CannedResponse {
    body: Bytes,
    crc32: http::HeaderValue,
}

impl CannedResponse {
    fn new(body: Bytes) -> Self {
        let crc32 = crc32fast::hash(&body).to_string().parse().expect("a header value");
        CannedResponse { body, crc32 }
    }

    fn response(&self) -> http::Response<Bytes> {
        let mut response = http::Response::new(self.body.clone());
        let headers = response.headers_mut();
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/x-amz-json-1.0"));
        headers.insert("x-amzn-requestid", http::HeaderValue::from_static("bench"));
        headers.insert("x-amz-crc32", self.crc32.clone());
        response
    }
}

/// An in-memory transport for the generated DynamoDB crate.
#[derive(Debug)]
struct CannedDynamodb(CannedResponse);

impl dynamodb::transport::HttpClient for CannedDynamodb {
    fn send(
        &self,
        _request: dynamodb::transport::HttpRequest,
    ) -> dynamodb::transport::BoxFuture<
        '_,
        Result<dynamodb::transport::HttpResponse, dynamodb::transport::TransportError>,
    > {
        let response = self.0.response();
        Box::pin(async move { Ok(response) })
    }
}

fn ours_dynamodb(body: Bytes) -> dynamodb::Client {
    let config = dynamodb::Config::builder()
        .region("us-west-2")
        .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .http_client(CannedDynamodb(CannedResponse::new(body)))
        .build();
    dynamodb::Client::new(config)
}

fn sdk_dynamodb(body: Bytes) -> aws_sdk_dynamodb::Client {
    let canned = CannedResponse::new(body);
    let http_client = aws_smithy_http_client::test_util::infallible_client_fn(move |_request| canned.response());
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodb::config::Region::new("us-west-2"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "bench",
        ))
        .http_client(http_client)
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

/// `Query` of one partition (`pk = :pk`), answered with 1,000 items.
fn dynamodb_query(runtime: &tokio::runtime::Runtime, budget: Duration) {
    use aws_sdk_dynamodb::types::AttributeValue as SdkValue;
    use dynamodb::types::AttributeValue as OurValue;
    const ITEMS: usize = 1000;
    let body = query_json(ITEMS);
    let ours = ours_dynamodb(body.clone());
    let sdk = sdk_dynamodb(body.clone());
    let query_ours = || {
        ours.query()
            .table_name("bench")
            .key_condition_expression("pk = :pk")
            .expression_attribute_values([(":pk".to_owned(), OurValue::S("user#0001".to_owned()))])
            .send()
    };
    let query_sdk = || {
        sdk.query()
            .table_name("bench")
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", SdkValue::S("user#0001".to_owned()))
            .send()
    };
    // Both parse the same response to the same items before they are timed.
    let check_ours = runtime.block_on(query_ours()).expect("ours parses the response");
    let check_sdk = runtime.block_on(query_sdk()).expect("the SDK parses the response");
    let items_ours = check_ours.items.as_deref().unwrap_or_default();
    let items_sdk = check_sdk.items();
    assert_eq!(items_ours.len(), ITEMS);
    assert_eq!(items_sdk.len(), ITEMS);
    assert_eq!(check_ours.count, ITEMS as i32);
    assert_eq!(check_sdk.count(), ITEMS as i32);
    for i in [0, 1, ITEMS / 2 + 1, ITEMS - 1] {
        let attrs = &items_ours[i]["attrs"];
        assert_eq!(items_ours[i]["sk"].as_number::<usize>(), Some(i));
        assert_eq!(attrs.get("dims").and_then(|dims| dims.get("w")).and_then(OurValue::as_number::<usize>), Some(i));
        let admin = attrs.get("owner").and_then(|owner| owner.get("flags")).and_then(|flags| flags.get("admin"));
        assert_eq!(admin.and_then(OurValue::as_bool), Some(&(i % 2 == 1)));
        assert_eq!(attrs.get("tags").and_then(OurValue::as_l).map(Vec::len), Some(4));

        let attrs = items_sdk[i]["attrs"].as_m().expect("attrs is a map");
        assert_eq!(items_sdk[i]["sk"].as_n().ok().and_then(|n| n.parse::<usize>().ok()), Some(i));
        let dims = attrs["dims"].as_m().expect("dims is a map");
        assert_eq!(dims["w"].as_n().ok().and_then(|n| n.parse::<usize>().ok()), Some(i));
        let flags = attrs["owner"].as_m().expect("owner is a map")["flags"].as_m().expect("flags is a map");
        assert_eq!(flags["admin"].as_bool().ok(), Some(&(i % 2 == 1)));
        assert_eq!(attrs["tags"].as_l().map(Vec::len).ok(), Some(4));
    }
    let call_ours = || {
        let output = runtime.block_on(query_ours()).expect("a call");
        output.items.map_or(0, |items| items.len())
    };
    let call_sdk = || {
        let output = runtime.block_on(query_sdk()).expect("a call");
        output.items().len()
    };
    let (ours_rate, sdk_rate) = race(budget, call_ours, call_sdk);
    println!("dynamodb_query_{ITEMS}_bytes={}", body.len());
    println!("dynamodb_query_{ITEMS}_ours_calls_per_s={ours_rate:.0}");
    println!("dynamodb_query_{ITEMS}_sdk_calls_per_s={sdk_rate:.0}");
}

/// `GetItem` of one item by its two keys, answered with a small item.
fn dynamodb_get_item(runtime: &tokio::runtime::Runtime, budget: Duration) {
    use aws_sdk_dynamodb::types::AttributeValue as SdkValue;
    use dynamodb::types::AttributeValue as OurValue;
    let body = get_item_json();
    let ours = ours_dynamodb(body.clone());
    let sdk = sdk_dynamodb(body.clone());
    let get_ours = || {
        ours.get_item()
            .table_name("bench")
            .key([
                ("pk".to_owned(), OurValue::S("user#0001".to_owned())),
                ("sk".to_owned(), OurValue::N("1".to_owned())),
            ])
            .send()
    };
    let get_sdk = || {
        sdk.get_item()
            .table_name("bench")
            .key("pk", SdkValue::S("user#0001".to_owned()))
            .key("sk", SdkValue::N("1".to_owned()))
            .send()
    };
    let check_ours = runtime.block_on(get_ours()).expect("ours parses the response");
    let check_sdk = runtime.block_on(get_sdk()).expect("the SDK parses the response");
    let item_ours = check_ours.item.expect("ours has the item");
    let item_sdk = check_sdk.item().expect("the SDK has the item");
    assert_eq!(item_ours.len(), 5);
    assert_eq!(item_sdk.len(), 5);
    assert_eq!(item_ours["age"].as_number::<u32>(), Some(42));
    assert_eq!(item_sdk["age"].as_n().ok().map(String::as_str), Some("42"));
    let call_ours = || {
        let output = runtime.block_on(get_ours()).expect("a call");
        output.item.map_or(0, |item| item.len())
    };
    let call_sdk = || {
        let output = runtime.block_on(get_sdk()).expect("a call");
        output.item().map_or(0, |item| item.len())
    };
    let (ours_rate, sdk_rate) = race(budget, call_ours, call_sdk);
    println!("dynamodb_get_item_bytes={}", body.len());
    println!("dynamodb_get_item_ours_calls_per_s={ours_rate:.0}");
    println!("dynamodb_get_item_sdk_calls_per_s={sdk_rate:.0}");
}

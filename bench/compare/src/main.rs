//! Calls `GetReferenceImportJob` in a loop through an in-memory transport
//! that answers with a canned response, through this project's generated
//! crate and through `aws-sdk-omics`, and prints calls per second as
//! `key=value` lines: a large response (1,000 sources: parsing dominates)
//! and a small one (3 sources: serializing, endpoint resolution, signing and
//! the orchestrator dominate).

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

fn main() {
    let budget = Duration::from_millis(std::env::var("BENCH_MILLIS").ok().and_then(|m| m.parse().ok()).unwrap_or(3000));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    for sources in [1000, 3] {
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
        // BENCH_ONLY=ours or =sdk runs one side (for profiling).
        let only = std::env::var("BENCH_ONLY").unwrap_or_default();
        let budget_of = |side: &str| if only.is_empty() || only == side { budget } else { Duration::ZERO };
        let mut call_ours = || {
            let output = runtime
                .block_on(ours.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send())
                .expect("a call");
            output.sources.len()
        };
        let mut call_sdk = || {
            let output = runtime
                .block_on(sdk.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send())
                .expect("a call");
            output.sources().len()
        };
        for _ in 0..50 {
            call_ours();
            call_sdk();
        }
        // Short rounds, alternating between the two, and the median round
        // of each: a machine whose speed drifts during the run (a busy
        // neighbour, frequency scaling) then moves both figures alike.
        let (mut ours_rates, mut sdk_rates) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            ours_rates.push(rate(budget_of("ours") / ROUNDS, &mut call_ours));
            sdk_rates.push(rate(budget_of("sdk") / ROUNDS, &mut call_sdk));
        }
        let (ours_rate, sdk_rate) = (median(ours_rates), median(sdk_rates));
        println!("sources_{sources}_bytes={}", body.len());
        println!("sources_{sources}_ours_calls_per_s={ours_rate:.0}");
        println!("sources_{sources}_sdk_calls_per_s={sdk_rate:.0}");
    }
}

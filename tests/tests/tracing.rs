//! The `tracing` spans of generated clients (their default feature
//! `tracing`), captured by a small subscriber: what they say of a call and
//! its attempts, and that they never carry credentials, a signature or a
//! `@sensitive` value.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tests::server::{Reply, TestServer};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const PASSWORD: &str = "hunter2-do-not-log";
const TOKEN: &str = "session-token-do-not-log";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE-session-token-do-not-log";
/// The `@sensitive` label, header and query values of `OpenVault`.
const VAULT: &str = "vault-name-do-not-log";
const PIN: &str = "pin-4711-do-not-log";
const CODE: &str = "code-0815-do-not-log";

/// A span as the subscriber saw it: its name, parent and fields.
#[derive(Debug, Clone)]
struct Span {
    name: &'static str,
    parent: Option<usize>,
    fields: Vec<(String, String)>,
}

impl Span {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct Captured {
    spans: Vec<Span>,
    /// Events, as their target and fields.
    events: Vec<(String, Vec<(String, String)>)>,
    /// The spans entered on this (single) thread, innermost last.
    entered: Vec<usize>,
}

/// Records every span, field and event, at every level.
#[derive(Debug, Clone, Default)]
struct Capture(Arc<Mutex<Captured>>);

impl Capture {
    fn captured(&self) -> std::sync::MutexGuard<'_, Captured> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

fn index(id: &Id) -> usize {
    id.into_u64() as usize - 1
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut captured = self.captured();
        let parent = match attributes.parent() {
            Some(parent) => Some(index(parent)),
            None if attributes.is_contextual() => captured.entered.last().copied(),
            None => None,
        };
        let mut fields = Vec::new();
        attributes.record(&mut Fields(&mut fields));
        captured.spans.push(Span { name: attributes.metadata().name(), parent, fields });
        Id::from_u64(captured.spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut captured = self.captured();
        if let Some(span) = captured.spans.get_mut(index(span)) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.captured().events.push((event.metadata().target().to_owned(), fields));
    }

    fn enter(&self, span: &Id) {
        self.captured().entered.push(index(span));
    }

    fn exit(&self, span: &Id) {
        let mut captured = self.captured();
        if let Some(at) = captured.entered.iter().rposition(|s| *s == index(span)) {
            captured.entered.remove(at);
        }
    }
}

/// 2024-03-01T12:00:00Z.
fn signing_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400)
}

const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

const JOB: &str = r#"{"id": "0123456789", "referenceStoreId": "1234567890", "roleArn": "arn:aws:iam::1:role/r",
    "status": "COMPLETED", "creationTime": "2024-03-01T11:00:00Z", "sources": []}"#;

#[tokio::test]
async fn calls_and_attempts_are_spans_without_secrets() {
    let capture = Capture::default();
    let _default = tracing::subscriber::set_default(capture.clone());

    let login = format!(r#"{{"token": "{TOKEN}", "session": {{"id": "s-1"}}}}"#);
    let server = TestServer::start(vec![
        Reply::error(429, "ThrottlingException", "slow down"),
        Reply::json(200, JOB),
        Reply::json(200, &login),
        Reply::json(200, r#"{"opened": true}"#),
    ])
    .await;
    let transport = omics::transport::HyperClient::builder()
        .resolve("localhost", LOCAL)
        .resolve("control-storage-localhost", LOCAL)
        .build();
    let omics = omics::Client::new(
        omics::Config::builder()
            .region("us-west-2")
            .credentials(omics::config::Credentials::new("AKIDEXAMPLE", SECRET, Some(SESSION_TOKEN.to_owned()), None, "test"))
            .endpoint_url(server.url())
            .time_source(omics::testing::TestClock::new(signing_time()))
            .retry_config(omics::config::RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)))
            .http_client(transport)
            .build(),
    );
    omics.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await.unwrap();
    let rules = fixture_rules::Client::new(
        fixture_rules::Config::builder()
            .endpoint_url(server.url())
            .http_client(fixture_rules::transport::HyperClient::builder().resolve("localhost", LOCAL).build())
            .build(),
    );
    let output = rules.login().user("alice").password(PASSWORD).send().await.unwrap();
    assert_eq!(output.token, TOKEN);
    // A signed request with `@sensitive` values in its path, a header and
    // its query, which aws-sigv4 sees whole.
    let payloads = fixture_payloads::Client::new(
        fixture_payloads::Config::builder()
            .region("us-west-2")
            .credentials(fixture_payloads::config::Credentials::new("AKIDEXAMPLE", SECRET, Some(SESSION_TOKEN.to_owned()), None, "test"))
            .endpoint_url(server.url())
            .http_client(fixture_payloads::transport::HyperClient::builder().resolve("localhost", LOCAL).build())
            .build(),
    );
    let opened = payloads.open_vault().vault(VAULT).pin(PIN).code(CODE).send().await.unwrap();
    assert_eq!(opened.opened, Some(true));

    let captured = capture.captured();
    let spans = &captured.spans;
    let operations: Vec<(usize, &Span)> = spans.iter().enumerate().filter(|(_, s)| s.name == "operation").collect();
    assert_eq!(operations.len(), 3, "{spans:#?}");
    let (omics_call, login_call) = (operations[0], operations[1]);
    assert_eq!((omics_call.1.field("service"), omics_call.1.field("operation")), (Some("Omics"), Some("GetReferenceImportJob")));
    assert_eq!((login_call.1.field("service"), login_call.1.field("operation")), (Some("FixtureRules"), Some("Login")));

    let attempts = |call: usize| -> Vec<&Span> { spans.iter().filter(|s| s.name == "attempt" && s.parent == Some(call)).collect() };
    let tried = attempts(omics_call.0);
    assert_eq!(tried.len(), 2, "{spans:#?}");
    let first = tried[0];
    assert_eq!(first.field("attempt"), Some("1"));
    assert_eq!(first.field("status"), Some("429"));
    assert_eq!(first.field("request_id"), Some("req-429"));
    assert_eq!(first.field("error_code"), Some("ThrottlingException"));
    assert_eq!(first.field("retry"), Some("throttling"));
    let second = tried[1];
    assert_eq!(second.field("attempt"), Some("2"));
    assert_eq!((second.field("status"), second.field("request_id")), (Some("200"), Some("req-200")));
    assert_eq!((second.field("error_code"), second.field("retry")), (None, None), "the last attempt succeeded");
    let logged_in = attempts(login_call.0);
    assert_eq!(logged_in.len(), 1);
    assert_eq!((logged_in[0].field("attempt"), logged_in[0].field("status")), (Some("1"), Some("200")));
    assert_eq!(spans.iter().filter(|s| s.name == "attempt").count(), 4, "every attempt is in its call");

    // The spans name no credentials at all, not even the access key id.
    assert!(spans.iter().all(|s| s.fields.iter().all(|(_, v)| !v.contains("AKIDEXAMPLE"))), "{spans:#?}");

    // Nothing captured (spans of this crate or of its dependencies, their
    // fields, events) holds the secret key, a signature, or a sensitive
    // value of the input or the output.
    let requests = server.requests();
    let signatures: Vec<String> = requests
        .iter()
        .filter_map(|r| r.header("authorization"))
        .map(|a| a.rsplit("Signature=").next().unwrap().to_owned())
        .collect();
    assert_eq!(signatures.len(), 3, "both Omics attempts and OpenVault are signed");
    let vault = requests.last().unwrap();
    assert!(vault.target.contains(VAULT) && vault.target.contains(CODE), "{}", vault.target);
    assert_eq!((vault.header("x-vault-pin"), vault.header("x-amz-security-token")), (Some(PIN), Some(SESSION_TOKEN)));
    let mut text: Vec<String> = spans.iter().flat_map(|s| s.fields.iter().map(|(n, v)| format!("{}.{n}={v}", s.name))).collect();
    text.extend(captured.events.iter().flat_map(|(target, fields)| fields.iter().map(move |(n, v)| format!("{target}: {n}={v}"))));
    // aws-sigv4's trace events print the path, query and header values
    // (the sensitive ones too): none is let out while signing.
    let signer_events: Vec<_> = captured.events.iter().filter(|(target, _)| target.starts_with("aws_sigv4")).collect();
    assert!(signer_events.is_empty(), "{signer_events:#?}");
    for secret in [SECRET, SESSION_TOKEN, PASSWORD, TOKEN, VAULT, PIN, CODE].iter().copied().chain(signatures.iter().map(String::as_str)) {
        assert!(text.iter().all(|line| !line.contains(secret)), "{secret} in {text:#?}");
    }
}

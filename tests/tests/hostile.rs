//! The generated Omics client against a hostile server on 127.0.0.1
//! (`tests/src/server.rs`): responses that are not HTTP, keep-alive
//! connections the server closes without a word, bodies without end,
//! redirections. Each failure is typed, retried only when another attempt
//! may succeed, and prints each of its causes once.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use omics::config::{ConfigBuilder, RetryConfig};
use omics::error::{DisplayErrorContext, UnhandledKind};
use omics::operation::get_reference_import_job::GetReferenceImportJobError;
use omics::transport::{BodyTooLarge, HyperClient, TransportError, TransportErrorKind};
use omics::{Client, Config};
use tests::server::{Reply, TestServer};

const JOB: &str = r#"{
    "id": "0123456789",
    "referenceStoreId": "1234567890",
    "roleArn": "arn:aws:iam::123456789012:role/OmicsImport",
    "status": "IN_PROGRESS",
    "creationTime": "2024-03-01T11:59:00.250Z",
    "sources": []
}"#;

/// A client for `server` through the default transport, with the standard
/// retries (3 attempts) and a short backoff.
fn client_with(server: &TestServer, configure: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Client {
    let local = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let transport = HyperClient::builder()
        .connect_timeout(Duration::from_secs(2))
        .resolve("localhost", local)
        .resolve("control-storage-localhost", local)
        .resolve("storage-localhost", local)
        .build();
    let builder = Config::builder()
        .region("us-west-2")
        .static_credentials("AKID", "SECRET")
        .endpoint_url(server.url())
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)))
        .http_client(transport);
    Client::new(configure(builder).build())
}

async fn get_job(client: &Client) -> Result<omics::operation::get_reference_import_job::GetReferenceImportJobOutput, GetReferenceImportJobError> {
    client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await
}

/// The transport error under an operation's `Unhandled` error.
fn transport_error(error: &GetReferenceImportJobError) -> &TransportError {
    let GetReferenceImportJobError::Unhandled(unhandled) = error else { panic!("not Unhandled: {error:?}") };
    std::error::Error::source(unhandled)
        .and_then(|source| source.downcast_ref::<TransportError>())
        .unwrap_or_else(|| panic!("no transport error under {error:?}"))
}

/// The error's chain as anyhow's `{:#}` prints it, checked to be the same
/// as `DisplayErrorContext`'s and to say each of `layers` exactly once.
fn chain_says_each_once(error: GetReferenceImportJobError, layers: &[&str]) -> String {
    let context = DisplayErrorContext(&error).to_string();
    let anyhow = format!("{:#}", anyhow::Error::from(error));
    assert_eq!(anyhow, context, "anyhow and DisplayErrorContext walk the same chain");
    for layer in layers {
        assert_eq!(anyhow.matches(layer).count(), 1, "{layer:?} once in {anyhow}");
    }
    anyhow
}

/// Many headers: more than hyper reads in a head.
fn too_many_headers() -> Vec<u8> {
    let mut head = String::from("HTTP/1.1 200 OK\r\n");
    for i in 0..200 {
        head.push_str(&format!("x-header-{i}: value\r\n"));
    }
    head.push_str("content-length: 0\r\n\r\n");
    head.into_bytes()
}

#[tokio::test]
async fn responses_that_are_not_http_are_final_after_one_attempt() {
    let cases: [(&str, Vec<u8>); 4] = [
        ("invalid HTTP status-code parsed", b"HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n".to_vec()),
        ("invalid content-length parsed", b"HTTP/1.1 200 OK\r\ncontent-length: ten\r\n\r\n".to_vec()),
        ("message head is too large", too_many_headers()),
        ("Invalid chunk size line", b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n\r\n".to_vec()),
    ];
    for (cause, raw) in cases {
        let server = TestServer::start(vec![Reply::Raw(raw); 3]).await;
        let error = get_job(&client_with(&server, |b| b)).await.unwrap_err();
        assert_eq!(server.requests().len(), 1, "{cause}: three attempts allowed, one made");
        assert!(matches!(&error, GetReferenceImportJobError::Unhandled(u) if u.kind() == UnhandledKind::Response), "{error:?}");
        let transport = transport_error(&error);
        assert_eq!(transport.kind(), TransportErrorKind::InvalidResponse, "{cause}");
        assert!(!transport.kind().is_retryable());
        let chain = chain_says_each_once(error, &["unreadable response", "the response is not valid HTTP", cause]);
        // A body that fails after a good head keeps the head's status.
        let prefix = if cause == "Invalid chunk size line" { "unreadable response (HTTP 200)" } else { "unreadable response" };
        assert!(chain.starts_with(&format!("{prefix}: the response is not valid HTTP: ")), "{chain}");
    }
}

#[tokio::test]
async fn a_connection_closed_before_the_answer_is_retried() {
    // Each on a new connection: a broken connection, not a bad response.
    let server = TestServer::start(vec![Reply::Close, Reply::Close, Reply::json(200, JOB)]).await;
    let output = get_job(&client_with(&server, |b| b)).await.expect("the third attempt succeeds");
    assert_eq!(output.id, "0123456789");
    assert_eq!((server.requests().len(), server.connections()), (3, 3));

    let server = TestServer::start(vec![Reply::Close]).await;
    let error = get_job(&client_with(&server, |b| b.retry_config(RetryConfig::disabled()))).await.unwrap_err();
    assert_eq!(transport_error(&error).kind(), TransportErrorKind::Io);
    assert!(matches!(&error, GetReferenceImportJobError::Unhandled(u) if u.kind() == UnhandledKind::Transport));
    let chain = chain_says_each_once(error, &["request failed", "connection failed", "connection closed before message completed"]);
    assert!(chain.starts_with("request failed: connection failed: "), "{chain}");
}

#[tokio::test]
async fn stale_keep_alive_connections_are_replaced_at_once_without_a_retry() {
    // Each connection answers one request, then reads the next and closes
    // without a word, as a server whose idle timeout passed as the request
    // came. Retries are off: every call must succeed in its one attempt, by
    // a resend, which a GET (a safe method) gets even once written.
    let server = TestServer::start_keep_alive(vec![Reply::json(200, JOB); 20], 1).await;
    let client = client_with(&server, |b| b.retry_config(RetryConfig::disabled()));
    let started = std::time::Instant::now();
    for call in 0..20 {
        let output = get_job(&client).await.unwrap_or_else(|e| panic!("call {call}: {}", DisplayErrorContext(&e)));
        assert_eq!(output.id, "0123456789");
    }
    let requests = server.requests();
    // One answered request per connection; the resend's connection is
    // pooled, so every later call meets a stale connection and resends.
    assert_eq!(server.connections(), 20, "a new connection per answer");
    for connection in 0..20 {
        let on_it = requests.iter().filter(|r| r.connection == connection).count();
        assert_eq!(on_it, if connection == 19 { 1 } else { 2 }, "connection {connection}");
    }
    assert_eq!(requests.len(), 39, "19 requests sent on a closed connection and sent again");
    eprintln!("20 calls in {:?}: {} requests on {} connections", started.elapsed(), requests.len(), server.connections());
}

#[tokio::test]
async fn connections_closed_while_idle_cost_no_retry_and_nothing_is_sent_twice() {
    // Each connection answers one request and closes as it goes idle, as a
    // server with a short idle timeout: 20 calls of a POST (never resent
    // once written), retries off, all succeed, each received once.
    let server = TestServer::start_closing_idle(vec![Reply::json(200, STARTED); 20], 1).await;
    let client = client_with(&server, |b| b.retry_config(RetryConfig::disabled()));
    let started = std::time::Instant::now();
    for call in 0..20 {
        start_job(&client).await.unwrap_or_else(|e| panic!("call {call}: {}", DisplayErrorContext(&e)));
    }
    assert_eq!((server.requests().len(), server.connections()), (20, 20));
    eprintln!("20 calls on connections closed while idle: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_stale_connection_is_resent_once_per_attempt() {
    let server = TestServer::start_keep_alive(vec![Reply::json(200, JOB), Reply::Close, Reply::Close], usize::MAX).await;
    let client = client_with(&server, |b| b.retry_config(RetryConfig::disabled()));
    get_job(&client).await.expect("the first call succeeds");
    // The connection goes back to the pool once its response is read.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let error = get_job(&client).await.unwrap_err();
    // The reused connection closed, the resend's new connection closed
    // too: one attempt, two sends, no third.
    let requests = server.requests();
    assert_eq!(requests.iter().map(|r| r.connection).collect::<Vec<_>>(), [0, 0, 1]);
    assert_eq!(transport_error(&error).kind(), TransportErrorKind::Io);
    chain_says_each_once(error, &["request failed", "connection failed", "connection closed before message completed"]);
}

#[tokio::test]
async fn the_connection_of_a_resend_is_kept_for_the_next_call() {
    let script = vec![Reply::json(200, JOB), Reply::Close, Reply::json(200, JOB), Reply::json(200, JOB)];
    let server = TestServer::start_keep_alive(script, usize::MAX).await;
    let client = client_with(&server, |b| b.retry_config(RetryConfig::disabled()));
    for call in 0..3 {
        get_job(&client).await.unwrap_or_else(|e| panic!("call {call}: {}", DisplayErrorContext(&e)));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let connections: Vec<_> = server.requests().iter().map(|r| r.connection).collect();
    assert_eq!(connections, [0, 0, 1, 1], "the third call reuses the resend's connection");
}

#[tokio::test]
async fn a_second_dead_connection_sends_the_request_on_a_new_one() {
    let server = TestServer::start_keep_alive(vec![Reply::json(200, JOB); 3], 1).await;
    let client = client_with(&server, |b| b.retry_config(RetryConfig::disabled()));
    // Two calls at once: two connections, each to close on its next request.
    let (first, second) = tokio::join!(get_job(&client), get_job(&client));
    first.and(second).expect("the first two calls");
    tokio::time::sleep(Duration::from_millis(50)).await;
    get_job(&client).await.unwrap_or_else(|e| panic!("{}", DisplayErrorContext(&e)));
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "two answered, two on the dead connections, one answered on a new one");
    assert_eq!(server.connections(), 3);
    assert_eq!(requests.iter().filter(|r| r.connection == 2).count(), 1);
}

const STARTED: &str = r#"{"id": "0123456789", "referenceStoreId": "1234567890", "roleArn": "arn:aws:iam::1:role/r",
    "status": "SUBMITTED", "creationTime": "2024-03-01T00:00:00Z"}"#;

/// A `StartReferenceImportJob` without a client token: not idempotent.
async fn start_job(client: &Client) -> Result<(), omics::operation::start_reference_import_job::StartReferenceImportJobError> {
    let source = omics::types::StartReferenceImportJobSourceItem::builder().source_file("s3://bucket/ref.fa").name("ref").build().unwrap();
    let request = client.start_reference_import_job().reference_store_id("1234567890").role_arn("arn:aws:iam::1:role/r").sources([source]);
    request.send().await.map(|output| assert_eq!(output.id, "0123456789"))
}

#[tokio::test]
async fn a_post_the_server_received_before_closing_is_not_resent_by_the_transport() {
    // The connection answers one request, then reads the second whole and
    // closes: the server may have started the job. With retries off, it
    // sees the request once.
    let server = TestServer::start_keep_alive(vec![Reply::json(200, STARTED); 2], 1).await;
    let client = client_with(&server, |b| b.retry_config(RetryConfig::disabled()));
    start_job(&client).await.expect("the first call");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let error = start_job(&client).await.unwrap_err();
    let requests = server.requests();
    assert_eq!(requests.iter().map(|r| r.connection).collect::<Vec<_>>(), [0, 0], "sent once, not resent");
    assert_eq!(requests[0].body, requests[1].body);
    let chain = DisplayErrorContext(&error).to_string();
    assert!(chain.starts_with("request failed: connection failed: "), "{chain}");

    // With retries on, the retry policy sends it again (after its backoff,
    // within its budget): the caller's choice.
    let server = TestServer::start_keep_alive(vec![Reply::json(200, STARTED); 2], 1).await;
    let client = client_with(&server, |b| b);
    start_job(&client).await.expect("the first call");
    tokio::time::sleep(Duration::from_millis(50)).await;
    start_job(&client).await.expect("the retry succeeds");
    let connections: Vec<_> = server.requests().iter().map(|r| r.connection).collect();
    assert_eq!(connections, [0, 0, 1]);
}

/// Reads one HTTP/1.1 request (its head and `Content-Length` body) from a
/// blocking socket; at most 1 MiB.
fn read_request(stream: &mut std::net::TcpStream) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut request = Vec::new();
    let mut chunk = [0u8; 4096];
    while request.len() < 1 << 20 {
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                return Ok(request);
            }
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        request.extend_from_slice(&chunk[..n]);
    }
    Err(std::io::ErrorKind::InvalidData.into())
}

fn answer(stream: &mut std::net::TcpStream, body: &str) -> std::io::Result<()> {
    use std::io::Write;
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())
}

/// The server resets the idle connection while the client's runtime is
/// blocked, so that the client finds it out only when it writes the next
/// request, which fails with none of it written: a POST, sent again at
/// once on a new connection, and received once.
#[tokio::test(flavor = "current_thread")]
async fn a_post_on_a_connection_reset_while_idle_is_resent_at_once() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let (reset, on_reset) = std::sync::mpsc::channel::<()>();
    let (was_reset, on_was_reset) = std::sync::mpsc::channel::<()>();
    let server = std::thread::spawn(move || -> std::io::Result<Vec<Vec<u8>>> {
        let mut received = Vec::new();
        let (mut first, _) = listener.accept()?;
        received.push(read_request(&mut first)?);
        answer(&mut first, STARTED)?;
        on_reset.recv_timeout(Duration::from_secs(10)).map_err(std::io::Error::other)?;
        socket2::SockRef::from(&first).set_linger(Some(Duration::ZERO))?;
        drop(first);
        was_reset.send(()).map_err(std::io::Error::other)?;
        let (mut second, _) = listener.accept()?;
        received.push(read_request(&mut second)?);
        answer(&mut second, STARTED)?;
        // Nothing more comes on the new connection.
        second.set_read_timeout(Some(Duration::from_millis(200)))?;
        match read_request(&mut second) {
            Ok(more) => received.push(more),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut | std::io::ErrorKind::UnexpectedEof) => {}
            Err(e) => return Err(e),
        }
        Ok(received)
    });
    let client = {
        let local = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let transport = HyperClient::builder().resolve("localhost", local).resolve("control-storage-localhost", local).build();
        Client::new(
            Config::builder()
                .region("us-west-2")
                .static_credentials("AKID", "SECRET")
                .endpoint_url(url)
                .retry_config(RetryConfig::disabled())
                .http_client(transport)
                .build(),
        )
    };
    start_job(&client).await.expect("the first call");
    // Let the connection go back to the pool, then block this runtime's
    // only thread while the server resets it: the reset is not seen until
    // the next request is written.
    tokio::time::sleep(Duration::from_millis(20)).await;
    reset.send(()).unwrap();
    on_was_reset.recv_timeout(Duration::from_secs(10)).expect("the server reset the connection");
    start_job(&client).await.unwrap_or_else(|e| panic!("the resend succeeds: {}", DisplayErrorContext(&e)));
    let received = server.join().unwrap().expect("the server");
    assert_eq!(received.len(), 2, "each call received once");
    let body = |request: &[u8]| request.windows(4).position(|w| w == b"\r\n\r\n").map(|end| request[end + 4..].to_vec());
    assert_eq!(body(&received[0]), body(&received[1]), "the same job, each started once");
}

#[tokio::test]
async fn idle_connections_expire_after_the_pool_idle_timeout() {
    assert_eq!(omics::transport::DEFAULT_POOL_IDLE_TIMEOUT, Duration::from_secs(5));
    let connections_for_two_calls = |idle: Option<Duration>| async move {
        let server = TestServer::start_keep_alive(vec![Reply::json(200, JOB); 2], usize::MAX).await;
        let local = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let transport = HyperClient::builder().resolve("control-storage-localhost", local).pool_idle_timeout(idle).build();
        let client = Client::new(
            Config::builder()
                .region("us-west-2")
                .static_credentials("AKID", "SECRET")
                .endpoint_url(server.url())
                .retry_config(RetryConfig::disabled())
                .http_client(transport)
                .build(),
        );
        get_job(&client).await.expect("the first call");
        tokio::time::sleep(Duration::from_millis(300)).await;
        get_job(&client).await.expect("the second call");
        server.connections()
    };
    assert_eq!(connections_for_two_calls(Some(Duration::from_millis(100))).await, 2, "expired after 100 ms");
    assert_eq!(connections_for_two_calls(None).await, 1, "kept without a limit");
}

/// What the limit error says: the `BodyTooLarge` under the transport error.
fn too_large(error: &GetReferenceImportJobError) -> BodyTooLarge {
    let transport = transport_error(error);
    assert_eq!(transport.kind(), TransportErrorKind::BodyTooLarge);
    std::error::Error::source(transport)
        .and_then(|source| source.downcast_ref::<BodyTooLarge>())
        .cloned()
        .expect("the limit is the cause")
}

const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn buffered_bodies_stop_at_the_limit_and_are_not_retried() {
    assert_eq!(Config::builder().build().buffered_body_limit(), omics::config::DEFAULT_BUFFERED_BODY_LIMIT);
    let limit = MIB as u64;
    // 200 MiB with a Content-Length: refused before reading any of it.
    let server = TestServer::start(vec![Reply::Large { status: 200, length: 200 * MIB, declared: true }; 3]).await;
    let error = get_job(&client_with(&server, |b| b.buffered_body_limit(limit))).await.unwrap_err();
    assert_eq!((too_large(&error).limit(), too_large(&error).content_length()), (limit, Some(200 * MIB as u64)));
    assert_eq!(server.requests().len(), 1, "not retried");
    assert!(matches!(&error, GetReferenceImportJobError::Unhandled(u) if u.kind() == UnhandledKind::Response));
    chain_says_each_once(
        error,
        &["unreadable response", "the response body is too large", "its Content-Length of 209715200 bytes is over the limit of 1048576 bytes"],
    );

    // 200 MiB without a length, with a 500 status (retryable, were its body
    // readable): read up to the limit, then the connection is dropped.
    let server = TestServer::start(vec![Reply::Large { status: 500, length: 200 * MIB, declared: false }; 3]).await;
    let error = get_job(&client_with(&server, |b| b.buffered_body_limit(limit))).await.unwrap_err();
    assert_eq!(too_large(&error).content_length(), None);
    assert_eq!(server.requests().len(), 1, "not retried");
    // The server writes until the client hangs up: the limit, one chunk,
    // and what the two sockets' buffers hold.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let written = server.body_bytes_written();
    eprintln!("200 MiB offered, limit 1 MiB: the server wrote {written} bytes");
    assert!(written > MIB && written < 24 * MIB, "the server wrote {written} bytes");
    chain_says_each_once(error, &["the response body is too large", "more than the limit of 1048576 bytes arrived"]);
}

#[tokio::test]
async fn a_body_that_cannot_be_read_keeps_the_status_and_request_id_of_its_head() {
    let too_large = Reply::Respond {
        status: 200,
        headers: vec![("x-amzn-requestid".into(), "req-large".into())],
        body: vec![b'x'; 5000],
    };
    let bad_chunk = Reply::Raw(
        b"HTTP/1.1 500 Oops\r\nx-amzn-requestid: req-chunk\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n\r\n".to_vec(),
    );
    for (reply, kind, status, request_id) in [
        (too_large, TransportErrorKind::BodyTooLarge, 200, "req-large"),
        (bad_chunk, TransportErrorKind::InvalidResponse, 500, "req-chunk"),
    ] {
        let server = TestServer::start(vec![reply]).await;
        let error = get_job(&client_with(&server, |b| b.buffered_body_limit(1000))).await.unwrap_err();
        assert_eq!(transport_error(&error).kind(), kind);
        assert_eq!((error.meta().status(), error.meta().request_id()), (Some(status), Some(request_id)), "{kind:?}");
    }
}

#[tokio::test]
async fn streaming_outputs_are_not_limited() {
    let server = TestServer::start(vec![Reply::Large { status: 200, length: 100_000, declared: true }]).await;
    let client = client_with(&server, |b| b.buffered_body_limit(1000));
    let output = client.get_reference().reference_store_id("1234567890").id("5987565360").part_number(1).send().await.unwrap();
    let body = output.payload.collect().await.unwrap();
    assert_eq!(body.len(), 100_000);
    assert!(body.iter().enumerate().all(|(i, b)| *b == tests::server::pattern(i)));
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_says_where_to() {
    let location = "https://bucket.s3.eu-west-1.amazonaws.com/key";
    let redirect = |status| Reply::Respond {
        status,
        headers: vec![
            ("location".into(), location.into()),
            ("x-amz-bucket-region".into(), "eu-west-1".into()),
            ("x-amzn-requestid".into(), "req-redirect".into()),
        ],
        body: Vec::new(),
    };
    for status in [301, 307] {
        let server = TestServer::start(vec![redirect(status), Reply::json(200, JOB)]).await;
        let error = get_job(&client_with(&server, |b| b)).await.unwrap_err();
        assert_eq!(server.requests().len(), 1, "neither followed nor retried");
        assert!(matches!(&error, GetReferenceImportJobError::Unhandled(u) if u.kind() == UnhandledKind::Service), "{error:?}");
        assert_eq!((error.meta().location(), error.meta().bucket_region()), (Some(location), Some("eu-west-1")));
        assert_eq!(
            error.to_string(),
            format!("service error (HTTP {status}, request id req-redirect, redirected to {location}, bucket region eu-west-1)")
        );
        chain_says_each_once(error, &[location, "bucket region eu-west-1"]);
    }
}

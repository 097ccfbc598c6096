//! The generated S3 client against the loopback server: presigned
//! requests checked by an independent SigV4 query-signature verifier and
//! sent by a plain HTTP client, GetObject returning on the response head
//! and streaming its body, PutObject and UploadPart sending files, file
//! ranges and streams as they read them.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use moto_tests::s3;
use s3::presigning::{PresigningConfig, PresigningConfigErrorKind};
use s3::primitives::ByteStream;
use s3::testing::TestClock;
use s3::{Client, Config};
use tests::server::{pattern, Recorded, Reply, TestServer};
use tests::sigv4::{self, KEY_ID, SECRET};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

/// 2024-03-01T12:00:00Z.
fn signing_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400)
}

/// A client of `server` (at 127.0.0.1: path-style addressing), its clock
/// at [`signing_time`].
fn client(server: &TestServer) -> Client {
    client_with(server, |b| b)
}

fn client_with(server: &TestServer, configure: impl FnOnce(s3::config::ConfigBuilder) -> s3::config::ConfigBuilder) -> Client {
    let builder = Config::builder()
        .region("us-east-1")
        .static_credentials(KEY_ID, SECRET)
        .endpoint_url(format!("http://127.0.0.1:{}", server.port()))
        .time_source(TestClock::new(signing_time()));
    Client::new(configure(builder).build())
}

/// A client that sends no flexible checksum unless an operation requires
/// one, so that an upload's body goes as it is, not `aws-chunked` with a
/// CRC32 trailer (that form is checked in `s3_checksums.rs`).
fn plain_client(server: &TestServer) -> Client {
    client_with(server, |b| b.request_checksum_calculation(s3::config::RequestChecksumCalculation::WhenRequired))
}

fn ok() -> Reply {
    Reply::Respond { status: 200, headers: vec![("x-amz-request-id".into(), "req-1".into())], body: Vec::new() }
}

/// Sends a request as a plain HTTP/1.1 client would, on its own socket
/// (no SDK, no signing): returns the status.
async fn send_plain(uri: &str, method: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let rest = uri.strip_prefix("http://").expect("an http URI");
    let (authority, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = tokio::net::TcpStream::connect(authority).await.expect("connect");
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut response)).await.expect("answered").expect("read");
    let status = String::from_utf8_lossy(&response).split(' ').nth(1).and_then(|s| s.parse().ok());
    status.expect("a status line")
}

/// One parameter of the query string of `uri`, percent-decoded.
fn query_param(uri: &str, name: &str) -> Option<String> {
    let query = uri.split_once('?')?.1;
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(n, _)| *n == name).map(|(_, v)| sigv4::decode(v))
}

#[tokio::test]
async fn a_presigned_get_object_is_fetched_by_a_plain_client_and_verifies() {
    let server = TestServer::start(vec![Reply::Respond { status: 200, headers: vec![], body: b"hello".to_vec() }]).await;
    let presigned = client(&server)
        .get_object()
        .bucket("my-bucket")
        .key("photos/cat.jpg")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(900)).unwrap())
        .await
        .expect("presigned");
    assert_eq!(presigned.method(), "GET");
    let uri = presigned.uri();
    assert!(uri.starts_with(&format!("http://127.0.0.1:{}/", server.port())), "{uri}");
    // Path-style (the endpoint is an IP address): the key ends the path.
    assert!(uri.split('?').next().unwrap().ends_with("/my-bucket/photos/cat.jpg"), "{uri}");
    assert_eq!(query_param(uri, "X-Amz-Algorithm").as_deref(), Some("AWS4-HMAC-SHA256"));
    assert_eq!(query_param(uri, "X-Amz-Credential").as_deref(), Some("AKIDEXAMPLE/20240301/us-east-1/s3/aws4_request"));
    assert_eq!(query_param(uri, "X-Amz-Date").as_deref(), Some("20240301T120000Z"));
    assert_eq!(query_param(uri, "X-Amz-Expires").as_deref(), Some("900"));
    assert_eq!(query_param(uri, "X-Amz-SignedHeaders").as_deref(), Some("host"));
    // Nothing to send beside the URI; no user agent, no length of a body.
    assert_eq!(presigned.headers().count(), 0, "{presigned:?}");
    assert!(!format!("{presigned:?}").contains(&query_param(uri, "X-Amz-Signature").unwrap()), "Debug hides the signature");

    assert_eq!(send_plain(uri, "GET", &[], b"").await, 200);
    assert_eq!(server.requests().len(), 1, "presigning itself sent nothing");
    let request = &server.requests()[0];
    assert_eq!(request.header("authorization"), None);
    let now = signing_time() + Duration::from_secs(60);
    assert_eq!(sigv4::verify_presigned(request, now), Ok(()));
    // Past its expiry the same request is refused.
    let late = signing_time() + Duration::from_secs(901);
    assert_eq!(sigv4::verify_presigned(request, late), Err("expired".to_owned()));
    // Another key under the same signature does not verify.
    let mut forged = request.clone();
    forged.target = forged.target.replace("cat.jpg", "dog.jpg");
    assert_eq!(sigv4::verify_presigned(&forged, now), Err("signature mismatch".to_owned()));
}

#[tokio::test]
async fn a_presigned_put_object_signs_its_headers_and_leaves_the_body_to_the_sender() {
    let server = TestServer::start(vec![ok()]).await;
    let presigned = client(&server)
        .put_object()
        .bucket("my-bucket")
        .key("notes.txt")
        .content_type("text/plain")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(3600)).unwrap())
        .await
        .expect("presigned");
    assert_eq!(presigned.method(), "PUT");
    assert_eq!(presigned.get_header("content-type"), Some("text/plain"));
    assert_eq!(presigned.get_header("content-length"), None, "the sender says the length of its body");
    assert_eq!(query_param(presigned.uri(), "X-Amz-SignedHeaders").as_deref(), Some("content-type;host"));
    let headers: Vec<(&str, &str)> = presigned.headers().collect();
    assert_eq!(send_plain(presigned.uri(), "PUT", &headers, b"any body the sender likes").await, 200);
    let request = &server.requests()[0];
    assert_eq!(request.body, b"any body the sender likes");
    assert_eq!(sigv4::verify_presigned(request, signing_time()), Ok(()));
    // The content type is signed: another one does not verify.
    let mut changed = request.clone();
    changed.headers.iter_mut().filter(|(n, _)| n == "content-type").for_each(|(_, v)| *v = "text/html".to_owned());
    assert_eq!(sigv4::verify_presigned(&changed, signing_time()), Err("signature mismatch".to_owned()));
    // As an `http` request, for any HTTP client.
    let http: http::Request<()> = presigned.into();
    assert_eq!((http.method().as_str(), http.headers()["content-type"].to_str().unwrap()), ("PUT", "text/plain"));
}

#[tokio::test]
async fn a_presigned_upload_part_carries_its_query_with_a_session_token_and_start_time() {
    let server = TestServer::start(vec![ok()]).await;
    let credentials = aws_credential_types::Credentials::new(KEY_ID, SECRET, Some("SESSION/TOKEN".to_owned()), None, "test");
    let start = signing_time() - Duration::from_secs(3600);
    let config = PresigningConfig::builder().start_time(start).expires_in(Duration::from_secs(7200)).build().unwrap();
    assert_eq!((config.start_time(), config.expires()), (Some(start), Duration::from_secs(7200)));
    let presigned = client_with(&server, |b| b.credentials(credentials))
        .upload_part()
        .bucket("my-bucket")
        .key("big.bin")
        .part_number(3)
        .upload_id("upload~1")
        .presigned(config)
        .await
        .expect("presigned");
    let uri = presigned.uri();
    assert_eq!(query_param(uri, "partNumber").as_deref(), Some("3"));
    assert_eq!(query_param(uri, "uploadId").as_deref(), Some("upload~1"));
    assert_eq!(query_param(uri, "X-Amz-Date").as_deref(), Some("20240301T110000Z"), "signed at the start time");
    assert_eq!(query_param(uri, "X-Amz-Security-Token").as_deref(), Some("SESSION/TOKEN"));
    assert_eq!(send_plain(uri, "PUT", &[], &[7u8; 1000]).await, 200);
    let request = &server.requests()[0];
    assert_eq!(sigv4::verify_presigned(request, signing_time()), Ok(()));
    assert_eq!(sigv4::verify_presigned(request, start - Duration::from_secs(1)), Err("not valid yet".to_owned()));
    assert_eq!(sigv4::verify_presigned(request, start + Duration::from_secs(7201)), Err("expired".to_owned()));
}

#[tokio::test]
async fn presigning_refuses_a_week_and_more_and_an_incomplete_input() {
    let week = Duration::from_secs(7 * 24 * 3600);
    assert!(PresigningConfig::expires_in(week).is_ok());
    let error = PresigningConfig::expires_in(week + Duration::from_secs(1)).unwrap_err();
    assert!(matches!(error.kind(), PresigningConfigErrorKind::ExpiresInDurationTooLong(_)), "{error}");
    assert_eq!(PresigningConfig::builder().build().unwrap_err().kind(), &PresigningConfigErrorKind::ExpiresInRequired);

    let server = TestServer::start(vec![]).await;
    let error = client(&server)
        .get_object()
        .bucket("my-bucket")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(60)).unwrap())
        .await
        .unwrap_err();
    let text = s3::error::DisplayErrorContext(&error).to_string();
    assert!(text.contains("key"), "{text}");
    // Without credentials there is nothing to sign with.
    let error = client_with(&server, |b| b.credentials_provider(NoCredentials))
        .get_object()
        .bucket("my-bucket")
        .key("k")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(60)).unwrap())
        .await
        .unwrap_err();
    let text = s3::error::DisplayErrorContext(&error).to_string();
    assert!(text.contains("no credentials here"), "{text}");
    assert_eq!(server.requests().len(), 0);
}

/// A credentials provider that always fails.
#[derive(Debug)]
struct NoCredentials;

impl aws_credential_types::provider::ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(
            aws_credential_types::provider::error::CredentialsError::not_loaded("no credentials here"),
        ))
    }
}

const DOWNLOAD_LENGTH: usize = 16 * 1024 * 1024;

#[tokio::test]
async fn get_object_returns_on_the_head_and_streams_its_body() {
    let gate = Arc::new(Notify::new());
    let reply = Reply::Stream {
        status: 200,
        headers: vec![("content-type".into(), "application/octet-stream".into()), ("etag".into(), "\"abc\"".into())],
        length: DOWNLOAD_LENGTH,
        chunk: 64 * 1024,
        gate: gate.clone(),
    };
    let server = TestServer::start(vec![reply]).await;
    // The server holds the body back after its first chunk until the test
    // has read that chunk: a client that buffered would wait forever.
    let mut output = tokio::time::timeout(Duration::from_secs(20), client(&server).get_object().bucket("b").key("k").send())
        .await
        .expect("send() returns on the head")
        .expect("a successful download");
    assert_eq!(output.e_tag.as_deref(), Some("\"abc\""));
    assert_eq!(output.content_length, Some(DOWNLOAD_LENGTH as i64));
    let first = tokio::time::timeout(Duration::from_secs(20), output.body.next())
        .await
        .expect("the first chunk comes before the rest is sent")
        .expect("a chunk")
        .expect("readable");
    assert!(!first.is_empty() && first.len() < DOWNLOAD_LENGTH);
    gate.notify_one();
    let (mut received, mut largest) = (first.len(), first.len());
    assert!(first.iter().enumerate().all(|(i, b)| *b == pattern(i)));
    // Bounded: at most one chunk per byte.
    for _ in 0..DOWNLOAD_LENGTH {
        let Some(chunk) = output.body.next().await else { break };
        let chunk = chunk.expect("readable");
        assert!(chunk.iter().enumerate().all(|(i, b)| *b == pattern(received + i)), "bytes in order at {received}");
        received += chunk.len();
        largest = largest.max(chunk.len());
    }
    assert_eq!(received, DOWNLOAD_LENGTH);
    assert!(largest <= 1024 * 1024, "chunks stay small: the largest was {largest} bytes");
}

/// A scratch file of `length` bytes of [`pattern`], removed on drop.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str, length: usize) -> Scratch {
        let path = std::env::temp_dir().join(format!("s3-tests-{}-{name}", std::process::id()));
        let bytes: Vec<u8> = (0..length).map(pattern).collect();
        std::fs::write(&path, bytes).expect("write the scratch file");
        Scratch(path)
    }

    /// Overwrites `length` bytes at `offset` with 0xEE.
    fn overwrite(&self, offset: u64, length: usize) {
        use std::io::{Seek, Write};
        let mut file = std::fs::OpenOptions::new().write(true).open(&self.0).expect("open");
        file.seek(std::io::SeekFrom::Start(offset)).expect("seek");
        file.write_all(&vec![0xEE; length]).expect("overwrite");
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Larger than what the sockets of a loopback connection can hold between
/// client and server, so a client cannot have read the end of the file
/// ahead when the server holds the body after its first bytes.
const UPLOAD_LENGTH: usize = 48 * 1024 * 1024;

/// Sends `upload` while the server holds the body after its first 64 KiB:
/// `meanwhile` runs in the hold. Returns the request the server recorded.
async fn upload_held<F>(server: &TestServer, upload: F, meanwhile: impl FnOnce()) -> Recorded
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let (received, resume) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    server.hold_upload(64 * 1024, received.clone(), resume.clone());
    let task = tokio::spawn(upload);
    tokio::time::timeout(Duration::from_secs(20), received.notified()).await.expect("the first bytes arrive while the rest is unread");
    meanwhile();
    resume.notify_one();
    tokio::time::timeout(Duration::from_secs(60), task).await.expect("the upload ends").expect("no panic");
    server.requests().pop().expect("a request")
}

#[tokio::test]
async fn put_object_sends_a_file_as_it_reads_it() {
    let server = TestServer::start(vec![ok()]).await;
    let file = Scratch::new("put", UPLOAD_LENGTH);
    let body = ByteStream::from_path(&file.0).await.unwrap();
    let put = plain_client(&server).put_object().bucket("b").key("file.bin").body(body);
    let tail = (UPLOAD_LENGTH - 1024 * 1024) as u64;
    // Changed after the first bytes were sent: the client reads the file as
    // it sends it, so the server receives the new tail.
    let request = upload_held(&server, async move { put.send().await.map(|_| ()).expect("uploaded") }, || file.overwrite(tail, 1024)).await;
    assert_eq!(request.header("content-length"), Some(UPLOAD_LENGTH.to_string().as_str()));
    assert_eq!(request.header("transfer-encoding"), None);
    assert_eq!(request.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    assert_eq!(request.body.len(), UPLOAD_LENGTH);
    assert!(request.body[..tail as usize].iter().enumerate().all(|(i, b)| *b == pattern(i)));
    assert!(request.body[tail as usize..tail as usize + 1024].iter().all(|b| *b == 0xEE), "the tail was read after the hold");
}

#[tokio::test]
async fn upload_part_sends_a_range_of_a_file_as_it_reads_it() {
    let server = TestServer::start(vec![ok()]).await;
    let file = Scratch::new("part", UPLOAD_LENGTH + 1024 * 1024);
    let (offset, length) = (1024 * 1024u64, UPLOAD_LENGTH as u64 - 1024);
    let body = ByteStream::from_path_range(&file.0, offset, length).await.unwrap();
    assert!(ByteStream::from_path_range(&file.0, offset, UPLOAD_LENGTH as u64 + 1).await.is_err(), "beyond the end");
    // The length set as a member too: said once.
    let part = plain_client(&server).upload_part().bucket("b").key("big.bin").upload_id("u1").part_number(2).content_length(length as i64).body(body);
    let end = offset + length;
    let request = upload_held(&server, async move { part.send().await.map(|_| ()).expect("uploaded") }, || file.overwrite(end - 512, 512)).await;
    assert_eq!(request.header("content-length"), Some(length.to_string().as_str()));
    assert_eq!(request.headers.iter().filter(|(name, _)| name == "content-length").count(), 1);
    assert!(request.target.contains("partNumber=2") && request.target.contains("uploadId=u1"), "{}", request.target);
    assert_eq!(request.body.len() as u64, length);
    let unchanged = (length - 512) as usize;
    assert!(request.body[..unchanged].iter().enumerate().all(|(i, b)| *b == pattern(offset as usize + i)), "the range, from its offset");
    assert!(request.body[unchanged..].iter().all(|b| *b == 0xEE), "the end of the range was read after the hold");
}

/// A stream of two chunks: the second is made only once `ready` is
/// notified (after the server has received the first).
struct TwoChunks {
    first: Option<bytes::Bytes>,
    second: Option<std::pin::Pin<Box<dyn std::future::Future<Output = bytes::Bytes> + Send>>>,
}

impl futures_core::Stream for TwoChunks {
    type Item = Result<bytes::Bytes, std::io::Error>;

    fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        if let Some(first) = self.first.take() {
            return std::task::Poll::Ready(Some(Ok(first)));
        }
        match self.second.as_mut() {
            None => std::task::Poll::Ready(None),
            Some(second) => match second.as_mut().poll(cx) {
                std::task::Poll::Pending => std::task::Poll::Pending,
                std::task::Poll::Ready(chunk) => {
                    self.second = None;
                    std::task::Poll::Ready(Some(Ok(chunk)))
                }
            },
        }
    }
}

#[tokio::test]
async fn put_object_sends_a_stream_chunk_by_chunk() {
    let server = TestServer::start(vec![ok()]).await;
    let ready = Arc::new(Notify::new());
    let waiting = ready.clone();
    let stream = TwoChunks {
        first: Some(vec![1u8; 256 * 1024].into()),
        second: Some(Box::pin(async move {
            waiting.notified().await;
            bytes::Bytes::from(vec![2u8; 256 * 1024])
        })),
    };
    // The second chunk exists only after the server has the first: a
    // client that read the whole stream before sending would never send.
    let body = ByteStream::from_stream_with_length(stream, 512 * 1024);
    let put = plain_client(&server).put_object().bucket("b").key("stream.bin").body(body);
    let request = upload_held(&server, async move { put.send().await.map(|_| ()).expect("uploaded") }, || ready.notify_one()).await;
    assert_eq!(request.header("content-length"), Some("524288"));
    assert!(request.body[..256 * 1024].iter().all(|b| *b == 1) && request.body[256 * 1024..].iter().all(|b| *b == 2));
}

//! The generated S3 client: its signing checked on a loopback server by an
//! independent SigV4 (`tests::sigv4`), the auth schemes it refuses, and its
//! calls against moto's server, path-style at `http://127.0.0.1:PORT`, as a
//! user would make them (region us-east-1, static credentials, the default
//! transport). The moto tests need moto's server (see `tests/moto.rs`).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use moto_tests::s3::config::{Config, ConfigBuilder, RequestChecksumCalculation, RetryConfig, TimeoutConfig};
use moto_tests::s3::error::UnhandledKind;
use moto_tests::s3::operation::get_object::GetObjectError;
use moto_tests::s3::operation::head_object::HeadObjectError;
use moto_tests::s3::primitives::ByteStream;
use moto_tests::s3::types::{
    BucketLocationConstraint, CompletedMultipartUpload, CompletedPart, CreateBucketConfiguration, Delete, ObjectIdentifier,
};
use moto_tests::s3::Client;
use moto_tests::Moto;
use tests::server::{Reply, TestServer};
use tests::sigv4;

/// The value, or a panic naming the call and printing the error with each
/// of its causes.
fn ok<T, E: Error>(result: Result<T, E>, call: &str) -> T {
    match result {
        Ok(value) => value,
        Err(e) => {
            let mut text = format!("{call} failed: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            panic!("{text}");
        }
    }
}

/// A client of moto's server: path-style, as a custom endpoint on an IP
/// address needs.
fn moto_client(moto: &Moto) -> Client {
    Client::new(
        Config::builder()
            .region("us-east-1")
            .static_credentials("testing", "testing")
            .endpoint_url(moto.endpoint())
            .force_path_style(true)
            .build(),
    )
}

/// Byte `i` of the test objects: not periodic in any power of two, so a
/// part or range read from the wrong offset shows.
fn byte_at(i: u64) -> u8 {
    ((i * 31 + i / 1021) % 251) as u8
}

/// Writes `length` bytes of [`byte_at`] to a new file in the temporary
/// directory, a MiB at a time.
fn write_test_file(name: &str, length: u64) -> PathBuf {
    use std::io::Write as _;
    let path = std::env::temp_dir().join(format!("moto-s3-{}-{name}", std::process::id()));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create the test file"));
    let mut offset = 0;
    while offset < length {
        let end = (offset + (1 << 20)).min(length);
        let chunk: Vec<u8> = (offset..end).map(byte_at).collect();
        file.write_all(&chunk).expect("write the test file");
        offset = end;
    }
    file.flush().expect("flush the test file");
    path
}

/// Removes the file when dropped (also when the test panics).
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl TempFile {
    fn path(&self) -> &Path {
        &self.0
    }
}

mod signing {
    use super::*;

    /// 2024-03-01T00:00:00Z.
    fn signing_time() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_251_200)
    }

    fn loopback(server: &TestServer, configure: impl FnOnce(ConfigBuilder) -> ConfigBuilder) -> Client {
        let config = Config::builder()
            .region("us-west-2")
            .static_credentials(sigv4::KEY_ID, sigv4::SECRET)
            .endpoint_url(server.url())
            .retry_config(RetryConfig::disabled())
            .timeout_config(TimeoutConfig::disabled().with_attempt_timeout(Some(Duration::from_secs(10))))
            .time_source(moto_tests::s3::testing::TestClock::new(signing_time()));
        Client::new(configure(config).build())
    }

    fn empty(status: u16) -> Reply {
        Reply::Respond { status, headers: vec![("x-amz-request-id".into(), "req".into())], body: Vec::new() }
    }

    /// A key with characters that need encoding and `.`, `..` and empty
    /// segments: the path goes out encoded once, the segments as they are,
    /// and the signature covers it exactly so (S3 neither double-encodes
    /// nor normalizes), with `x-amz-content-sha256` on every request.
    #[tokio::test]
    async fn keys_are_signed_as_sent_encoded_once_and_never_normalized() {
        let server = TestServer::start(vec![empty(200), empty(200), empty(200), empty(200)]).await;
        let client = loopback(&server, |c| c.force_path_style(true));
        let unchecked = loopback(&server, |c| c.force_path_style(true).request_checksum_calculation(RequestChecksumCalculation::WhenRequired));
        let key = "a b/c%d~e/../f/./g//h+i";
        ok(client.put_object().bucket("bucket").key(key).body(ByteStream::from(&b"hello"[..])).send().await, "PutObject");
        ok(client.get_object().bucket("bucket").key(key).send().await, "GetObject");
        let file = TempFile(write_test_file("signed-upload", 100_000));
        let streamed = ok(ByteStream::from_path(file.path()).await, "ByteStream::from_path");
        ok(client.put_object().bucket("bucket").key("streamed").body(streamed).send().await, "PutObject (streamed)");
        let streamed = ok(ByteStream::from_path(file.path()).await, "ByteStream::from_path");
        ok(unchecked.put_object().bucket("bucket").key("streamed").body(streamed).send().await, "PutObject (streamed, no checksum)");

        let requests = server.requests();
        assert_eq!(requests.len(), 4);
        let (put, get, streamed, unchecked) = (&requests[0], &requests[1], &requests[2], &requests[3]);
        assert_eq!(put.target, "/bucket/a%20b/c%25d~e/../f/./g//h%2Bi?x-id=PutObject");
        assert_eq!(get.target, "/bucket/a%20b/c%25d~e/../f/./g//h%2Bi?x-id=GetObject");
        // The payload's SHA-256 for a body in memory (the empty body's for a GET).
        assert_eq!(put.header("x-amz-content-sha256"), Some(sigv4::payload_hash(b"hello").as_str()));
        assert_eq!(get.header("x-amz-content-sha256"), Some(sigv4::payload_hash(b"").as_str()));
        // A stream is not read to be hashed: with its CRC32 in a trailer
        // (the default) it is signed as STREAMING-UNSIGNED-PAYLOAD-TRAILER,
        // without a checksum as UNSIGNED-PAYLOAD.
        assert_eq!(streamed.header("x-amz-content-sha256"), Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
        assert_eq!(streamed.header("x-amz-decoded-content-length"), Some("100000"));
        assert_eq!(unchecked.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
        assert_eq!(unchecked.body.len(), 100_000);
        for request in [put, get, streamed, unchecked] {
            let authorization = request.header("authorization").expect("signed");
            assert!(authorization.contains("/us-west-2/s3/aws4_request"), "{authorization}");
            assert!(authorization.contains("x-amz-content-sha256"), "the payload hash is signed: {authorization}");
            assert_eq!(authorization, sigv4::s3_authorization(request, "us-west-2"), "{} {}", request.method, request.target);
        }
    }

    /// Virtual-hosted addressing moves the bucket to the host; the key's
    /// path stays as it is.
    #[tokio::test]
    async fn a_custom_endpoint_is_virtual_hosted_unless_path_style_is_forced() {
        let transport = moto_tests::s3::testing::TestTransport::new();
        transport.respond(200, "");
        let client = Client::new(
            Config::builder()
                .region("us-west-2")
                .static_credentials("AKID", "SECRET")
                .endpoint_url("https://storage.example.com")
                .http_client(transport.clone())
                .build(),
        );
        ok(client.get_object().bucket("bucket").key("a/../b").send().await, "GetObject");
        let requests = transport.requests();
        assert_eq!(requests[0].uri().to_string(), "https://bucket.storage.example.com/a/../b?x-id=GetObject");
        assert_eq!(client.config().force_path_style(), None);
    }

    fn refused(error: GetObjectError) -> String {
        match error {
            GetObjectError::Unhandled(unhandled) => {
                assert_eq!(unhandled.kind(), UnhandledKind::Configuration, "{unhandled}");
                moto_tests::s3::error::DisplayErrorContext(&unhandled).to_string()
            }
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    /// Endpoints that accept only S3 Express session auth or SigV4a are
    /// refused before anything is sent, with an error naming the feature;
    /// S3 Express signed with plain SigV4 (session auth disabled) is sent.
    #[tokio::test]
    async fn s3_express_and_sigv4a_endpoints_are_refused_by_name() {
        let transport = moto_tests::s3::testing::TestTransport::new();
        transport.respond(200, "");
        let config = Config::builder().region("us-west-2").static_credentials("AKID", "SECRET").http_client(transport.clone());
        let client = Client::new(config.clone().build());
        let express = client.get_object().bucket("mybucket--usw2-az1--x-s3").key("key").send().await;
        let message = refused(express.expect_err("S3 Express session auth is not supported"));
        assert!(message.contains("S3 Express One Zone") && message.contains("sigv4-s3express"), "{message}");
        let mrap = client.get_object().bucket("arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap").key("key").send().await;
        let message = refused(mrap.expect_err("SigV4a is not supported"));
        assert!(message.contains("SigV4a") && message.contains("Multi-Region Access Points"), "{message}");
        assert!(transport.requests().is_empty(), "nothing was sent");

        let plain = Client::new(config.disable_s3_express_session_auth(true).build());
        ok(plain.get_object().bucket("mybucket--usw2-az1--x-s3").key("key").send().await, "GetObject (S3 Express, SigV4)");
        let requests = transport.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].uri().host(), Some("mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com"));
        let authorization = requests[0].headers()["authorization"].to_str().unwrap_or_default();
        assert!(authorization.contains("/us-west-2/s3express/aws4_request"), "{authorization}");
    }
}

mod moto {
    use super::*;

    const MIB: u64 = 1 << 20;

    /// CreateBucket with a location constraint, which GetBucketLocation
    /// reads back from its unwrapped `<LocationConstraint>` body.
    async fn create_bucket(client: &Client, bucket: &str) {
        let configuration = CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::EuWest1).build();
        ok(client.create_bucket().bucket(bucket).create_bucket_configuration(configuration).send().await, "CreateBucket");
    }

    /// A 64 MiB file streamed from disk, read back chunk by chunk (the
    /// first chunk arrives long before the body ends: nothing is buffered
    /// whole), then a range of it; HeadObject of it and of a missing key.
    #[tokio::test]
    async fn a_64_mib_object_streams_up_and_down() {
        const SIZE: u64 = 64 * MIB;
        let moto = Moto::start();
        let client = moto_client(&moto);
        create_bucket(&client, "big").await;
        let location = ok(client.get_bucket_location().bucket("big").send().await, "GetBucketLocation");
        assert_eq!(location.location_constraint, Some(BucketLocationConstraint::EuWest1));

        let file = TempFile(write_test_file("64mib", SIZE));
        let started = Instant::now();
        let body = ok(ByteStream::from_path(file.path()).await, "ByteStream::from_path");
        assert_eq!(body.content_length(), Some(SIZE));
        let put = ok(client.put_object().bucket("big").key("data/64mib.bin").body(body).send().await, "PutObject");
        assert!(put.e_tag.is_some_and(|etag| !etag.is_empty()));
        let uploaded = started.elapsed();

        let head = ok(client.head_object().bucket("big").key("data/64mib.bin").send().await, "HeadObject");
        assert_eq!(head.content_length, Some(SIZE as i64));

        let started = Instant::now();
        let mut object = ok(client.get_object().bucket("big").key("data/64mib.bin").send().await, "GetObject");
        assert_eq!(object.content_length, Some(SIZE as i64));
        let (mut offset, mut chunks, mut largest) = (0u64, 0usize, 0usize);
        let mut first_chunk_at = None;
        while let Some(chunk) = object.body.next().await {
            let chunk = ok(chunk, "GetObject (a chunk of the body)");
            first_chunk_at.get_or_insert_with(|| (started.elapsed(), chunk.len()));
            for (i, byte) in chunk.iter().enumerate() {
                if *byte != byte_at(offset + i as u64) {
                    panic!("byte {} differs", offset + i as u64);
                }
            }
            offset += chunk.len() as u64;
            chunks += 1;
            largest = largest.max(chunk.len());
        }
        let downloaded = started.elapsed();
        assert_eq!(offset, SIZE, "the whole object");
        let (first_at, first_len) = first_chunk_at.expect("a first chunk");
        // Read as it arrives: many chunks, none more than a few MiB (a
        // buffered body would come as one 64 MiB chunk).
        assert!(chunks > 64 && largest <= 4 * MIB as usize, "{chunks} chunks, the largest {largest} bytes");
        assert!((first_len as u64) < SIZE && first_at < downloaded, "the first chunk arrives before the body ends");
        eprintln!(
            "64 MiB: PutObject from disk in {uploaded:.2?}, GetObject in {downloaded:.2?} ({chunks} chunks, the first after {first_at:.2?}, the largest {largest} bytes)"
        );

        let range = ok(client.get_object().bucket("big").key("data/64mib.bin").range("bytes=40000000-40000999").send().await, "GetObject (range)");
        assert_eq!(range.content_range.as_deref(), Some("bytes 40000000-40000999/67108864"));
        let bytes = ok(range.body.collect().await, "GetObject (range body)");
        assert_eq!(bytes.len(), 1000);
        assert!(bytes.iter().enumerate().all(|(i, b)| *b == byte_at(40_000_000 + i as u64)), "the range's bytes");

        match client.head_object().bucket("big").key("missing").send().await {
            Err(HeadObjectError::NotFound(_)) => {}
            other => panic!("expected HeadObjectError::NotFound, got {other:?}"),
        }
    }

    /// Three parts of at least 5 MiB, each a byte range of one file, then
    /// the completed object read back whole.
    #[tokio::test]
    async fn a_three_part_upload_from_ranges_of_a_file() {
        const PART: u64 = 5 * MIB;
        const SIZE: u64 = 3 * PART + 12_345;
        let moto = Moto::start();
        let client = moto_client(&moto);
        create_bucket(&client, "parts").await;
        let file = TempFile(write_test_file("parts", SIZE));

        let upload = ok(client.create_multipart_upload().bucket("parts").key("joined").send().await, "CreateMultipartUpload");
        let upload_id = upload.upload_id.expect("an upload id");
        let ranges = [(0, PART), (PART, PART), (2 * PART, SIZE - 2 * PART)];
        let mut parts = Vec::new();
        for (number, (offset, length)) in (1..).zip(ranges) {
            let body = ok(ByteStream::from_path_range(file.path(), offset, length).await, "ByteStream::from_path_range");
            let part = client.upload_part().bucket("parts").key("joined").upload_id(&upload_id).part_number(number).body(body);
            let uploaded = ok(part.send().await, "UploadPart");
            parts.push(CompletedPart::builder().part_number(number).e_tag(uploaded.e_tag.expect("a part's ETag")).build());
        }
        let completed = CompletedMultipartUpload::builder().set_parts(Some(parts)).build();
        let done = client
            .complete_multipart_upload()
            .bucket("parts")
            .key("joined")
            .upload_id(&upload_id)
            .multipart_upload(completed)
            .send()
            .await;
        let done = ok(done, "CompleteMultipartUpload");
        assert!(done.e_tag.is_some_and(|etag| etag.ends_with("-3\"")), "a multipart ETag names its 3 parts");

        let object = ok(client.get_object().bucket("parts").key("joined").send().await, "GetObject");
        let bytes = ok(object.body.collect().await, "GetObject (body)");
        assert_eq!(bytes.len() as u64, SIZE);
        assert!(bytes.iter().enumerate().all(|(i, b)| *b == byte_at(i as u64)), "the parts in order");
    }

    /// 2,500 keys put 16 at a time, listed through the paginator in pages
    /// of 1,000; CopyObject; DeleteObjects of a batch in one call.
    #[tokio::test]
    async fn list_2500_keys_copy_and_delete_in_one_batch() {
        const KEYS: usize = 2500;
        const IN_FLIGHT: usize = 16;
        let moto = Moto::start();
        let client = moto_client(&moto);
        create_bucket(&client, "many").await;
        let key = |i: usize| format!("keys/{i:05}");

        let started = Instant::now();
        let mut puts = tokio::task::JoinSet::new();
        for i in 0..KEYS {
            if puts.len() == IN_FLIGHT {
                ok(puts.join_next().await.expect("a put in flight").expect("the put's task"), "PutObject");
            }
            let request = client.put_object().bucket("many").key(key(i)).body(ByteStream::from(i.to_string()));
            puts.spawn(request.send());
        }
        while let Some(put) = puts.join_next().await {
            ok(put.expect("the put's task"), "PutObject");
        }
        let put_time = started.elapsed();

        let started = Instant::now();
        let mut pages = client.list_objects_v2().bucket("many").prefix("keys/").into_paginator().send();
        let (mut sizes, mut listed) = (Vec::new(), Vec::new());
        while let Some(page) = pages.next().await {
            let page = ok(page, "ListObjectsV2 (a page)");
            let contents = page.contents.unwrap_or_default();
            sizes.push(contents.len());
            listed.extend(contents.into_iter().map(|object| object.key.expect("a listed key")));
        }
        assert_eq!(sizes, [1000, 1000, 500], "pages of at most 1,000 keys");
        assert_eq!(listed, (0..KEYS).map(key).collect::<Vec<_>>(), "every key once, in order");
        eprintln!("2,500 keys: put in {put_time:.2?} ({IN_FLIGHT} at a time), listed in {:.2?}", started.elapsed());

        let copy = client.copy_object().bucket("many").key("copied").copy_source("many/keys/00042").send().await;
        ok(copy, "CopyObject");
        let copied = ok(client.get_object().bucket("many").key("copied").send().await, "GetObject (the copy)");
        assert_eq!(&ok(copied.body.collect().await, "GetObject (the copy's body)")[..], b"42");

        let doomed: Vec<ObjectIdentifier> =
            (0..100).map(|i| ok(ObjectIdentifier::builder().key(key(i)).build(), "ObjectIdentifier")).collect();
        let delete = ok(Delete::builder().set_objects(Some(doomed)).build(), "Delete");
        let deleted = ok(client.delete_objects().bucket("many").delete(delete).send().await, "DeleteObjects");
        assert_eq!(deleted.deleted.unwrap_or_default().len(), 100, "one call deletes the batch");
        assert!(deleted.errors.unwrap_or_default().is_empty());
        let rest = client.list_objects_v2().bucket("many").prefix("keys/").into_paginator().send();
        let mut rest = rest;
        let mut left = 0;
        while let Some(page) = rest.next().await {
            left += ok(page, "ListObjectsV2 (after the delete)").key_count.unwrap_or_default();
        }
        assert_eq!(left as usize, KEYS - 100);
    }

    /// A presigned GET URL, fetched by a plain HTTP/1.1 request on a socket
    /// of its own (no SDK, no signing, no headers but `Host`), answered with
    /// the object. moto does not check signatures: `s3_loopback.rs` checks
    /// presigned signatures with an independent verifier.
    #[tokio::test]
    async fn a_presigned_get_url_is_fetched_by_a_plain_http_request() {
        use moto_tests::s3::presigning::PresigningConfig;
        let moto = Moto::start();
        let client = moto_client(&moto);
        create_bucket(&client, "presigned").await;
        ok(client.put_object().bucket("presigned").key("a b/c.txt").body(ByteStream::from("presigned hello")).send().await, "PutObject");
        let presigning = ok(PresigningConfig::expires_in(Duration::from_secs(300)), "PresigningConfig");
        let request = ok(client.get_object().bucket("presigned").key("a b/c.txt").presigned(presigning).await, "presigned GetObject");
        assert_eq!(request.method(), "GET");
        assert!(request.uri().contains("X-Amz-Signature="), "{}", request.uri());
        let uri: http::Uri = request.uri().parse().expect("a URI");
        let target = uri.path_and_query().expect("a path").as_str().to_owned();
        let (status, body) = plain_get(moto.port(), &target).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert_eq!(&body[..], b"presigned hello");
    }

    /// GET `target` from 127.0.0.1:`port` with nothing but `Host`:
    /// the status and the body (the response ends with the connection).
    async fn plain_get(port: u16, target: &str) -> (u16, Vec<u8>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut socket = ok(tokio::net::TcpStream::connect(("127.0.0.1", port)).await, "connect");
        let head = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        ok(socket.write_all(head.as_bytes()).await, "write");
        let mut response = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut response)).await;
        ok(read.expect("the response within 10 s"), "read");
        let text = String::from_utf8_lossy(&response);
        let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        let at = response.windows(4).position(|w| w == b"\r\n\r\n").expect("the end of the head") + 4;
        let head = text[..at].to_ascii_lowercase();
        let body = response[at..].to_vec();
        assert!(!head.contains("transfer-encoding: chunked"), "moto sends a length, not chunks: {head}");
        (status, body)
    }
}

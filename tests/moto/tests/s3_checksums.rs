//! Flexible checksums and S3's response customizations, through the
//! generated S3 client (`moto_tests::s3`, the operations these
//! tests call) against the loopback server of `tests::server`:
//! request checksums as headers and as `aws-chunked` trailers (the framing
//! checked by a parser here, the values against checksums computed here
//! independently), response checksums checked for streamed downloads,
//! errors in 200 responses, URL-encoded listings, a lenient `Expires`,
//! Route 53's id prefixes; and the bad inputs of issue 14 that concern them
//! (a wrong checksum, a truncated download).

use moto_tests::s3::config::{Config, RequestChecksumCalculation, ResponseChecksumValidation, RetryConfig};
use moto_tests::s3::error::DisplayErrorContext;
use moto_tests::s3::primitives::ByteStream;
use moto_tests::s3::transport::HyperClient;
use moto_tests::s3::types::{ChecksumAlgorithm, ChecksumMode, Delete, EncodingType, ObjectIdentifier};
use moto_tests::s3::Client;
use tests::server::{Recorded, Reply, TestServer};

/// One runtime for every test: the servers' tasks run on its workers
/// while a test waits for its calls.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap());
    runtime.block_on(future)
}

/// S3 addresses buckets as hosts (`bucket.localhost:<port>`): the client's
/// transport resolves the buckets the tests use to the loopback server.
fn config(server: &TestServer) -> moto_tests::s3::config::ConfigBuilder {
    let transport = HyperClient::builder().resolve("bucket.localhost", std::net::Ipv4Addr::LOCALHOST.into());
    Config::builder()
        .region("us-east-1")
        .static_credentials("AKID", "SECRET")
        .endpoint_url(format!("http://localhost:{}", server.port()))
        .http_client(transport.build())
        .retry_config(RetryConfig::standard().with_max_attempts(1))
}

fn client(server: &TestServer) -> Client {
    Client::new(config(server).build())
}

fn ok(headers: &[(&str, &str)], body: &str) -> Reply {
    let mut all = vec![("x-amz-request-id".to_owned(), "req-s3".to_owned())];
    all.extend(headers.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    Reply::Respond { status: 200, headers: all, body: body.as_bytes().to_vec() }
}

fn only_request(server: &TestServer) -> Recorded {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.into_iter().next().unwrap()
}

/// The checksums of "Hello world" (as the S3 user guide lists them),
/// computed independently of the crates the client uses: bit by bit below
/// for the CRCs, and checked against Python's zlib and hashlib when written.
const HELLO: &str = "Hello world";
const HELLO_CHECKSUMS: &[(ChecksumAlgorithm, &str, &str)] = &[
    (ChecksumAlgorithm::Crc32, "x-amz-checksum-crc32", "i9aeUg=="),
    (ChecksumAlgorithm::Crc32c, "x-amz-checksum-crc32c", "crUfeA=="),
    (ChecksumAlgorithm::Crc64nvme, "x-amz-checksum-crc64nvme", "OOJZ0D8xKts="),
    (ChecksumAlgorithm::Sha1, "x-amz-checksum-sha1", "e1AsOh9IyGCa4hLN+2Od7jlnP14="),
    (ChecksumAlgorithm::Sha256, "x-amz-checksum-sha256", "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="),
];

/// A reflected CRC, bit by bit (the catalogue's definition, no tables).
fn reflected_crc(data: &[u8], polynomial: u64, width: u32) -> u64 {
    let mask = if width == 64 { u64::MAX } else { (1u64 << width) - 1 };
    let reversed = polynomial.reverse_bits() >> (64 - width);
    let mut crc = mask;
    for &byte in data {
        crc ^= u64::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ reversed } else { crc >> 1 };
        }
    }
    (crc ^ mask) & mask
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            out.push(if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

fn crc32(data: &[u8]) -> String {
    base64(&(reflected_crc(data, 0x04C1_1DB7, 32) as u32).to_be_bytes())
}

#[test]
fn the_independent_crcs_agree_with_the_published_values() {
    assert_eq!(crc32(HELLO.as_bytes()), "i9aeUg==");
    assert_eq!(base64(&(reflected_crc(HELLO.as_bytes(), 0x1EDC_6F41, 32) as u32).to_be_bytes()), "crUfeA==");
    assert_eq!(base64(&reflected_crc(HELLO.as_bytes(), 0xAD93_D235_94C9_3659, 64).to_be_bytes()), "OOJZ0D8xKts=");
}

#[test]
fn a_body_in_memory_gets_a_checksum_header_of_each_algorithm() {
    for (algorithm, header, expected) in HELLO_CHECKSUMS {
        let server = block_on(TestServer::start(vec![ok(&[("etag", "\"e\"")], "")]));
        let put = client(&server).put_object().bucket("bucket").key("hello.txt").body(ByteStream::from(HELLO)).checksum_algorithm(algorithm.clone());
        let output = block_on(put.send()).expect("uploaded");
        assert_eq!(output.e_tag.as_deref(), Some("\"e\""));
        let request = only_request(&server);
        assert_eq!(request.header(header), Some(*expected), "{algorithm:?}");
        assert_eq!(request.header("x-amz-sdk-checksum-algorithm"), Some(algorithm.as_str()));
        assert_eq!(request.body, HELLO.as_bytes());
        assert_eq!(request.header("content-encoding"), None, "a body in memory is sent as it is");
        // Exactly one checksum header.
        let checksums = request.headers.iter().filter(|(n, _)| n.starts_with("x-amz-checksum-")).count();
        assert_eq!(checksums, 1, "{:?}", request.headers);
    }
}

#[test]
fn crc32_is_the_default_and_a_checksum_in_the_input_is_sent_as_it_is() {
    let server = block_on(TestServer::start(vec![ok(&[], ""), ok(&[], "")]));
    let client = client(&server);
    block_on(client.put_object().bucket("bucket").key("k").body(ByteStream::from(HELLO)).send()).unwrap();
    // A value the caller computed (here a wrong one) is not recomputed.
    let own = client.put_object().bucket("bucket").key("k").body(ByteStream::from(HELLO)).checksum_sha256("c2hhMjU2IG9mIHNvbWV0aGluZw==");
    block_on(own.send()).unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("x-amz-checksum-crc32"), Some("i9aeUg=="));
    assert_eq!(requests[1].header("x-amz-checksum-sha256"), Some("c2hhMjU2IG9mIHNvbWV0aGluZw=="));
    assert_eq!(requests[1].header("x-amz-checksum-crc32"), None);
}

#[test]
fn when_required_only_operations_that_require_a_checksum_send_one() {
    let server = block_on(TestServer::start(vec![ok(&[], ""), ok(&[], "<DeleteResult></DeleteResult>")]));
    let client = Client::new(config(&server).request_checksum_calculation(RequestChecksumCalculation::WhenRequired).build());
    block_on(client.put_object().bucket("bucket").key("k").body(ByteStream::from(HELLO)).send()).unwrap();
    let delete = Delete::builder().objects([ObjectIdentifier::builder().key("k").build().unwrap()]).build().unwrap();
    block_on(client.delete_objects().bucket("bucket").delete(delete).send()).unwrap();
    let requests = server.requests();
    assert!(!requests[0].headers.iter().any(|(n, _)| n.starts_with("x-amz-checksum-")), "{:?}", requests[0].headers);
    // DeleteObjects requires one: CRC32 of the XML actually sent.
    assert_eq!(requests[1].header("x-amz-checksum-crc32"), Some(crc32(&requests[1].body).as_str()));
}

/// The trailers of an `aws-chunked` body: (name, value).
type Trailers = Vec<(String, String)>;

/// An `aws-chunked` body as S3 reads it: chunks of `<hex length>\r\n<data>\r\n`,
/// a last empty chunk, then trailer lines and an empty line.
fn parse_aws_chunked(body: &[u8]) -> Result<(Vec<u8>, Trailers), String> {
    let mut data = Vec::new();
    let mut rest = body;
    let line = |rest: &mut &[u8]| -> Result<String, String> {
        let at = rest.windows(2).position(|w| w == b"\r\n").ok_or("a line without CRLF")?;
        let text = String::from_utf8(rest[..at].to_vec()).map_err(|e| e.to_string())?;
        *rest = &rest[at + 2..];
        Ok(text)
    };
    // Every chunk but the last holds at least one byte: the loop is bounded.
    for _ in 0..=body.len() {
        let size = usize::from_str_radix(&line(&mut rest)?, 16).map_err(|e| format!("chunk size: {e}"))?;
        if size == 0 {
            let mut trailers = Vec::new();
            for _ in 0..=rest.len() {
                let text = line(&mut rest)?;
                if text.is_empty() {
                    return if rest.is_empty() { Ok((data, trailers)) } else { Err("bytes after the trailers".into()) };
                }
                let (name, value) = text.split_once(':').ok_or("a trailer without a colon")?;
                trailers.push((name.to_owned(), value.to_owned()));
            }
            return Err("the trailers do not end".into());
        }
        if rest.len() < size + 2 || &rest[size..size + 2] != b"\r\n" {
            return Err("a chunk shorter than its size".into());
        }
        data.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
    Err("no last chunk".into())
}

#[test]
fn a_file_is_sent_aws_chunked_with_its_checksum_in_a_trailer() {
    let dir = std::env::temp_dir().join(format!("s3-checksums-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("upload.bin");
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    for (algorithm, header) in [(None, "x-amz-checksum-crc32"), (Some(ChecksumAlgorithm::Crc32c), "x-amz-checksum-crc32c")] {
        let server = block_on(TestServer::start(vec![ok(&[], "")]));
        let body = block_on(ByteStream::from_path(&path)).unwrap();
        let put = client(&server).put_object().bucket("bucket").key("big").body(body).set_checksum_algorithm(algorithm.clone());
        block_on(put.send()).expect("uploaded");
        let request = only_request(&server);
        assert_eq!(request.header("content-encoding"), Some("aws-chunked"));
        assert_eq!(request.header("x-amz-decoded-content-length"), Some(content.len().to_string().as_str()));
        assert_eq!(request.header("x-amz-trailer"), Some(header));
        assert_eq!(request.header("x-amz-content-sha256"), Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
        assert_eq!(request.header("content-length"), Some(request.body.len().to_string().as_str()));
        assert_eq!(request.header(header), None, "the checksum is a trailer, not a header");
        // The payload hash is signed as it is sent.
        let authorization = request.header("authorization").unwrap();
        assert!(authorization.contains("x-amz-content-sha256"), "{authorization}");
        let (data, trailers) = parse_aws_chunked(&request.body).unwrap();
        assert!(data == content, "the decoded body is the file");
        let expected = match algorithm {
            None => crc32(&content),
            Some(_) => base64(&(reflected_crc(&content, 0x1EDC_6F41, 32) as u32).to_be_bytes()),
        };
        assert_eq!(trailers, vec![(header.to_owned(), expected)]);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stream_of_unknown_length_cannot_carry_a_trailer() {
    let server = block_on(TestServer::start(vec![ok(&[], "")]));
    let client = client(&server);
    let stream = || ByteStream::from_stream(ByteStream::from(HELLO));
    let asked = client.put_object().bucket("bucket").key("k").body(stream()).checksum_algorithm(ChecksumAlgorithm::Sha1);
    let error = block_on(asked.send()).unwrap_err();
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("Body"), "the error names the body: {text}");
    assert!(server.requests().is_empty(), "nothing was sent");
    // Only the configuration asked: the stream goes without a checksum.
    block_on(client.put_object().bucket("bucket").key("k").body(stream()).send()).unwrap();
    let request = only_request(&server);
    assert_eq!(request.header("x-amz-trailer"), None);
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));
}

fn object(body: &str, headers: &[(&str, &str)]) -> Reply {
    let mut all = vec![("content-type", "text/plain")];
    all.extend_from_slice(headers);
    ok(&all, body)
}

#[test]
fn a_streamed_download_is_checked_at_its_end() {
    let server = block_on(TestServer::start(vec![
        object(HELLO, &[("x-amz-checksum-crc32", "i9aeUg=="), ("x-amz-checksum-sha256", "wrong, but CRC32 comes first")]),
        object("Hello World", &[("x-amz-checksum-crc32", "i9aeUg==")]),
        object("Hello World", &[("x-amz-checksum-crc32", "i9aeUg==-3")]),
    ]));
    let client = client(&server);
    let get = || client.get_object().bucket("bucket").key("k").checksum_mode(ChecksumMode::Enabled).send();
    let good = block_on(get()).expect("the head is read");
    assert_eq!(block_on(good.body.collect()).expect("the checksum matches"), HELLO.as_bytes());
    let damaged = block_on(get()).expect("the head is read: the body is checked at its end");
    let error = block_on(damaged.body.collect()).expect_err("a wrong checksum fails the stream");
    let text = DisplayErrorContext(&error).to_string();
    assert!(text.contains("does not match its CRC32 checksum"), "{text}");
    // A multipart object's checksum covers its parts: it is not checked.
    let multipart = block_on(get()).unwrap();
    assert_eq!(block_on(multipart.body.collect()).unwrap(), "Hello World".as_bytes());
}

#[test]
fn checksums_are_asked_for_unless_the_configuration_says_when_required() {
    let server = block_on(TestServer::start(vec![
        object("Hello World", &[("x-amz-checksum-crc32", "i9aeUg==")]),
        object("Hello World", &[("x-amz-checksum-crc32", "i9aeUg==")]),
    ]));
    let asking = client(&server);
    let output = block_on(asking.get_object().bucket("bucket").key("k").send()).unwrap();
    assert!(block_on(output.body.collect()).is_err(), "checked by default");
    let trusting = Client::new(config(&server).response_checksum_validation(ResponseChecksumValidation::WhenRequired).build());
    let output = block_on(trusting.get_object().bucket("bucket").key("k").send()).unwrap();
    assert_eq!(block_on(output.body.collect()).unwrap(), "Hello World".as_bytes(), "not asked, not checked");
    let requests = server.requests();
    assert_eq!(requests[0].header("x-amz-checksum-mode"), Some("ENABLED"));
    assert_eq!(requests[1].header("x-amz-checksum-mode"), None);
}

#[test]
fn a_truncated_download_is_an_error_of_the_stream() {
    let head = "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\nx-amz-request-id: req-cut\r\nconnection: close\r\n\r\n";
    let mut raw = head.as_bytes().to_vec();
    raw.extend_from_slice(&[b'x'; 400]);
    let server = block_on(TestServer::start(vec![Reply::Raw(raw)]));
    let output = block_on(client(&server).get_object().bucket("bucket").key("k").send()).expect("the head arrived");
    assert_eq!(output.content_length, Some(1000));
    let error = block_on(output.body.collect()).expect_err("600 bytes never came");
    assert_eq!(error.to_string(), "reading the body failed");
}

fn s3_error(code: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>r</RequestId></Error>")
}

#[test]
fn an_error_in_a_200_response_is_an_error_and_is_retried() {
    use moto_tests::s3::operation::copy_object::CopyObjectError;
    let copied = "<CopyObjectResult><ETag>\"copied\"</ETag></CopyObjectResult>";
    let server = block_on(TestServer::start(vec![ok(&[], &s3_error("InternalError")), ok(&[], copied)]));
    let retrying = Client::new(config(&server).retry_config(RetryConfig::standard().with_max_attempts(3)).build());
    let copy = || retrying.copy_object().bucket("bucket").key("to").copy_source("bucket/from").send();
    let output = block_on(copy()).expect("the second attempt copied");
    assert_eq!(output.copy_object_result.and_then(|r| r.e_tag).as_deref(), Some("\"copied\""));
    assert_eq!(server.requests().len(), 2);

    let server = block_on(TestServer::start(vec![ok(&[], &s3_error("InternalError"))]));
    let error = block_on(client(&server).copy_object().bucket("bucket").key("to").copy_source("bucket/from").send()).unwrap_err();
    let CopyObjectError::Unhandled(unhandled) = &error else { panic!("{error:?}") };
    assert_eq!(unhandled.meta().code(), Some("InternalError"));
}

#[test]
fn an_empty_200_answer_to_a_long_operation_is_an_error() {
    let server = block_on(TestServer::start(vec![ok(&[], ""), ok(&[], "")]));
    let client = client(&server);
    let complete = client.complete_multipart_upload().bucket("bucket").key("k").upload_id("u").send();
    assert!(block_on(complete).is_err(), "CompleteMultipartUpload answers with a document");
    // CreateBucket answers with nothing: an empty 200 is its success.
    block_on(client.create_bucket().bucket("bucket").send()).expect("created");
}

#[test]
fn url_encoded_listings_are_decoded() {
    let listing = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
        <Name>bucket</Name><Prefix>photos%2F2024+</Prefix><Delimiter>%2F</Delimiter><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys>\
        <EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>\
        <Contents><Key>photos%2F2024+summer%2Fcaf%C3%A9+%26+tea%0A.jpg</Key><Size>3</Size></Contents>\
        <CommonPrefixes><Prefix>photos%2F2024+winter%2F</Prefix></CommonPrefixes></ListBucketResult>";
    let server = block_on(TestServer::start(vec![ok(&[], listing)]));
    let list = client(&server).list_objects_v2().bucket("bucket").prefix("photos/2024 ").encoding_type(EncodingType::Url);
    let output = block_on(list.send()).unwrap();
    assert_eq!(output.prefix.as_deref(), Some("photos/2024 "));
    assert_eq!(output.delimiter.as_deref(), Some("/"));
    let keys: Vec<_> = output.contents.iter().flatten().filter_map(|o| o.key.clone()).collect();
    assert_eq!(keys, ["photos/2024 summer/café & tea\n.jpg"]);
    let prefixes: Vec<_> = output.common_prefixes.iter().flatten().filter_map(|p| p.prefix.clone()).collect();
    assert_eq!(prefixes, ["photos/2024 winter/"]);
    assert!(only_request(&server).target.contains("encoding-type=url"));
}

#[test]
fn expires_is_read_leniently_and_kept_as_text() {
    let server = block_on(TestServer::start(vec![
        object("", &[("expires", "Wed, 21 Oct 2015 07:28:00 GMT")]),
        object("", &[("expires", "in a while")]),
    ]));
    let client = client(&server);
    let dated = block_on(client.head_object().bucket("bucket").key("k").send()).unwrap();
    assert_eq!(dated.expires.map(|t| t.unix_timestamp()), Some(1_445_412_480));
    assert_eq!(dated.expires_string.as_deref(), Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    let undated = block_on(client.head_object().bucket("bucket").key("k").send()).expect("a bad date does not fail the response");
    assert_eq!(undated.expires, None);
    assert_eq!(undated.expires_string.as_deref(), Some("in a while"));
}

#[test]
fn route53_ids_lose_their_prefixes_in_labels() {
    use moto_tests::route53::config::Config as Route53Config;
    let listing = "<ListResourceRecordSetsResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">\
        <ResourceRecordSets></ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListResourceRecordSetsResponse>";
    let server = block_on(TestServer::start(vec![ok(&[], listing), ok(&[], listing)]));
    let config = Route53Config::builder().region("us-east-1").static_credentials("AKID", "SECRET").endpoint_url(server.url()).build();
    let client = moto_tests::route53::Client::new(config);
    block_on(client.list_resource_record_sets().hosted_zone_id("/hostedzone/Z1D633PJN98FT9").send()).unwrap();
    block_on(client.list_resource_record_sets().hosted_zone_id("Z1D633PJN98FT9").send()).unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset", "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset"]);
}

/// Against moto's server (`MOTO_SERVER`, see `src/moto.rs`): a 64 MiB file
/// streamed from disk with a CRC32 trailer (`aws-chunked`), stored with
/// that checksum, and read back chunk by chunk with `ChecksumMode=ENABLED`,
/// the download checked against it at its end (path-style, as moto needs).
#[test]
fn moto_stores_a_64_mib_streamed_upload_with_its_crc32_and_the_download_checks_it() {
    use moto_tests::Moto;
    let moto = Moto::start();
    let bucket = "checksums";
    let config = Config::builder()
        .region("us-east-1")
        .static_credentials("testing", "testing")
        .endpoint_url(moto.endpoint())
        .force_path_style(true)
        .build();
    let client = Client::new(config);
    let dir = std::env::temp_dir().join(format!("s3-checksums-moto-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("64mib.bin");
    let size = 64 * 1024 * 1024;
    let content: Vec<u8> = (0..size).map(|i: usize| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let expected = base64(&crc32fast::hash(&content).to_be_bytes());
    drop(content);
    block_on(async {
        client.create_bucket().bucket(bucket).send().await.expect("bucket created");
        let body = ByteStream::from_path(&path).await.unwrap();
        let put = client.put_object().bucket(bucket).key("big.bin").body(body).checksum_algorithm(ChecksumAlgorithm::Crc32);
        let stored = put.send().await.unwrap_or_else(|e| panic!("{}", DisplayErrorContext(&e)));
        assert_eq!(stored.checksum_crc32.as_deref(), Some(expected.as_str()), "moto computed the same CRC32 from the decoded body");
        let get = client.get_object().bucket(bucket).key("big.bin").checksum_mode(ChecksumMode::Enabled);
        let mut output = get.send().await.unwrap_or_else(|e| panic!("{}", DisplayErrorContext(&e)));
        assert_eq!(output.checksum_crc32.as_deref(), Some(expected.as_str()));
        let (mut read, mut crc, mut chunks) = (0usize, crc32fast::Hasher::new(), 0usize);
        while let Some(chunk) = output.body.next().await {
            let chunk = chunk.unwrap_or_else(|e| panic!("{}", DisplayErrorContext(&e)));
            read += chunk.len();
            crc.update(&chunk);
            chunks += 1;
        }
        assert_eq!(read, size);
        assert!(chunks > 1, "read in chunks");
        assert_eq!(base64(&crc.finalize().to_be_bytes()), expected);
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The upload and download of the moto test above, against the loopback
/// server: 64 MiB streamed from disk with a CRC32 trailer (parsed here),
/// then served back with that checksum and read chunk by chunk, checked at
/// its end; served with another checksum, the end of the stream fails.
#[test]
fn a_64_mib_file_streams_up_and_down_checked() {
    let dir = std::env::temp_dir().join(format!("s3-checksums-64-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("64mib.bin");
    let size = 64 * 1024 * 1024;
    let content: Vec<u8> = (0..size).map(|i: usize| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let expected = base64(&crc32fast::hash(&content).to_be_bytes());
    let served = |checksum: &str| Reply::Respond {
        status: 200,
        headers: vec![("x-amz-checksum-crc32".into(), checksum.to_owned()), ("content-type".into(), "application/octet-stream".into())],
        body: content.clone(),
    };
    let server = block_on(TestServer::start(vec![ok(&[], ""), served(&expected), served("AAAAAA==")]));
    let client = client(&server);
    block_on(async {
        let body = ByteStream::from_path(&path).await.unwrap();
        let put = client.put_object().bucket("bucket").key("big.bin").body(body).checksum_algorithm(ChecksumAlgorithm::Crc32);
        put.send().await.unwrap_or_else(|e| panic!("{}", DisplayErrorContext(&e)));
        let mut output = client.get_object().bucket("bucket").key("big.bin").send().await.unwrap();
        let (mut read, mut chunks) = (0usize, 0usize);
        while let Some(chunk) = output.body.next().await {
            read += chunk.unwrap_or_else(|e| panic!("{}", DisplayErrorContext(&e))).len();
            chunks += 1;
        }
        assert_eq!((read, chunks > 1), (size, true), "all of it, in chunks");
        let damaged = client.get_object().bucket("bucket").key("big.bin").send().await.unwrap();
        let error = damaged.body.collect().await.expect_err("the checksum differs");
        assert!(DisplayErrorContext(&error).to_string().contains("does not match its CRC32 checksum"));
    });
    let upload = server.requests().into_iter().next().unwrap();
    assert_eq!(upload.header("x-amz-decoded-content-length"), Some(size.to_string().as_str()));
    let (data, trailers) = parse_aws_chunked(&upload.body).unwrap();
    assert!(data == content, "the decoded upload is the file");
    assert_eq!(trailers, vec![("x-amz-checksum-crc32".to_owned(), expected)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

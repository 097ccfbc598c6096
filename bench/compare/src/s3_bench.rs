//! Amazon S3: a `ListObjectsV2` response of 1,000 keys parsed through each
//! public API (in-memory transports), and `GetObject` of a large object
//! from a loopback server: throughput and the process's peak memory, each
//! side in a process of its own (this binary, run again as
//! `bench-compare get-object <ours|sdk> <bytes>`).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use bytes::Bytes;

/// A `ListObjectsV2` response with `keys` objects, as S3 writes it.
pub fn list_xml(keys: usize) -> Bytes {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bench-bucket</Name><Prefix>logs/</Prefix><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken><KeyCount>1000</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>"#,
    );
    for i in 0..keys {
        xml.push_str(&format!(
            "<Contents><Key>logs/2024/03/01/app-server-{i:05}.log.gz</Key><LastModified>2024-03-01T12:{:02}:{:02}.000Z</LastModified>\
             <ETag>&quot;{:032x}&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>{}</Size>\
             <Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>ops</DisplayName></Owner>\
             <StorageClass>STANDARD</StorageClass></Contents>",
            (i / 60) % 60,
            i % 60,
            i * 7919,
            1024 + i * 17
        ));
    }
    xml.push_str("</ListBucketResult>");
    xml.into()
}

#[derive(Debug)]
struct Canned(Bytes);

impl s3::transport::HttpClient for Canned {
    fn send(&self, _request: s3::transport::HttpRequest) -> s3::transport::BoxFuture<'_, Result<s3::transport::HttpResponse, s3::transport::TransportError>> {
        let body = self.0.clone();
        Box::pin(async move {
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", "application/xml")
                .header("x-amz-request-id", "4442587FB7D0A2F9")
                .body(body)
                .expect("a response"))
        })
    }
}

fn ours(body: Bytes) -> s3::Client {
    let config = s3::Config::builder()
        .region("us-east-1")
        .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .http_client(Canned(body))
        .build();
    s3::Client::new(config)
}

fn sdk(body: Bytes) -> aws_sdk_s3::Client {
    let http_client = aws_smithy_http_client::test_util::infallible_client_fn(move |_request| {
        http::Response::builder()
            .status(200)
            .header("content-type", "application/xml")
            .header("x-amz-request-id", "4442587FB7D0A2F9")
            .body(body.clone())
            .expect("a response")
    });
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "bench"))
        .http_client(http_client)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// ListObjectsV2 of 1,000 keys, calls per second on each side.
pub fn list_objects(runtime: &tokio::runtime::Runtime, budget: Duration) {
    let body = list_xml(1000);
    let (ours, sdk) = (ours(body.clone()), sdk(body.clone()));
    let check_ours = runtime.block_on(ours.list_objects_v2().bucket("bench-bucket").prefix("logs/").send()).expect("ours parses the response");
    let check_sdk = runtime.block_on(sdk.list_objects_v2().bucket("bench-bucket").prefix("logs/").send()).expect("the SDK parses the response");
    let contents = check_ours.contents.as_deref().unwrap_or_default();
    assert_eq!((contents.len(), check_sdk.contents().len()), (1000, 1000));
    assert_eq!(contents[999].key.as_deref(), check_sdk.contents()[999].key());
    assert_eq!(contents[999].size, check_sdk.contents()[999].size());
    assert_eq!(contents[999].e_tag.as_deref(), check_sdk.contents()[999].e_tag());
    assert_eq!(contents[999].owner.as_ref().and_then(|o| o.id.as_deref()), check_sdk.contents()[999].owner().and_then(|o| o.id()));
    let call_ours = || {
        let output = runtime.block_on(ours.list_objects_v2().bucket("bench-bucket").prefix("logs/").send()).expect("a call");
        output.contents.map_or(0, |c| c.len())
    };
    let call_sdk = || {
        let output = runtime.block_on(sdk.list_objects_v2().bucket("bench-bucket").prefix("logs/").send()).expect("a call");
        output.contents().len()
    };
    let (ours_rate, sdk_rate) = crate::race(budget, call_ours, call_sdk);
    println!("s3_list_1000_bytes={}", body.len());
    println!("s3_list_1000_ours_calls_per_s={ours_rate:.0}");
    println!("s3_list_1000_sdk_calls_per_s={sdk_rate:.0}");
}

/// GetObject of `size` bytes on each side (median of nine runs, the sides taking turns), each side
/// in a child process: prints throughput and the children's peak memory.
pub fn get_object(size: u64) {
    // The two sides take turns, nine downloads each, so that the machine's
    // drift over the minute falls on both, and each side's median is kept:
    // single downloads on this machine range over 2x (a best-of figure
    // followed the outliers).
    let sides = ["ours", "sdk"];
    let (mut rates, mut peak) = ([Vec::new(), Vec::new()], [0u64; 2]);
    for _ in 0..9 {
        for (i, side) in sides.iter().enumerate() {
            let output = std::process::Command::new(std::env::current_exe().expect("this binary"))
                .args(["get-object", side, &size.to_string()])
                .output()
                .expect("run the child");
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            let text = String::from_utf8_lossy(&output.stdout);
            let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.parse::<f64>().ok()).expect(name);
            rates[i].push(field("mib_per_s="));
            peak[i] = peak[i].max(field("peak_kib=") as u64);
        }
    }
    let mib = size / (1024 * 1024);
    for (i, side) in sides.iter().enumerate() {
        rates[i].sort_by(f64::total_cmp);
        println!("s3_get_{mib}_mib_{side}_mib_per_s={:.0}", rates[i][rates[i].len() / 2]);
        println!("s3_get_{mib}_mib_{side}_peak_kib={}", peak[i]);
    }
}

/// The process's peak resident memory, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0)
}

/// Serves one GET with a body of `size` bytes on 127.0.0.1, from a
/// thread; returns the port.
fn serve_once(size: u64) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("an address").port();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else { return };
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        // A bounded read of the request head.
        while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
            if stream.read(&mut byte).unwrap_or(0) == 0 {
                return;
            }
            head.push(byte[0]);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {size}\r\ncontent-type: application/octet-stream\r\netag: \"e\"\r\nx-amz-request-id: r\r\nconnection: close\r\n\r\n"
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
        let chunk = vec![0x5au8; 1024 * 1024];
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if stream.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n as u64;
        }
    });
    port
}

/// The child: downloads `size` bytes through `side`'s client and prints
/// its throughput and the process's peak memory.
pub fn get_object_child(side: &str, size: u64) {
    let port = serve_once(size);
    let endpoint = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let started = Instant::now();
    let received = runtime.block_on(async {
        let mut received = 0u64;
        match side {
            "ours" => {
                let config = s3::Config::builder().region("us-east-1").static_credentials("AKIDEXAMPLE", "secret").endpoint_url(endpoint).build();
                let client = s3::Client::new(config);
                let mut output = client.get_object().bucket("bench-bucket").key("large").send().await.expect("GetObject");
                while let Some(chunk) = output.body.next().await {
                    received += chunk.expect("a chunk").len() as u64;
                }
            }
            _ => {
                let config = aws_sdk_s3::Config::builder()
                    .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
                    .region(aws_sdk_s3::config::Region::new("us-east-1"))
                    .credentials_provider(aws_sdk_s3::config::Credentials::new("AKIDEXAMPLE", "secret", None, None, "bench"))
                    .endpoint_url(endpoint)
                    .force_path_style(true)
                    .build();
                let client = aws_sdk_s3::Client::from_conf(config);
                let mut output = client.get_object().bucket("bench-bucket").key("large").send().await.expect("GetObject");
                while let Some(chunk) = output.body.next().await {
                    received += chunk.expect("a chunk").len() as u64;
                }
            }
        }
        received
    });
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(received, size, "the whole object");
    println!("mib_per_s={:.1}", size as f64 / (1024.0 * 1024.0) / elapsed);
    println!("peak_kib={}", peak_kib());
}

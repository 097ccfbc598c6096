//! GetObject of a large object keeps memory flat: the body is read chunk
//! by chunk as it arrives. Alone in its test binary, so that the process's
//! peak memory is this download's.

use std::time::Duration;

use moto_tests::s3;
use tests::server::{pattern, Reply, TestServer};

/// The process's resident memory now, and its peak so far, in KiB.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).expect(name)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

const LENGTH: usize = 256 * 1024 * 1024;

#[tokio::test]
async fn a_256_mib_download_is_read_in_flat_memory() {
    let server = TestServer::start(vec![Reply::Large { status: 200, length: LENGTH, declared: true }]).await;
    let client = s3::Client::new(
        s3::Config::builder()
            .region("us-east-1")
            .static_credentials("AKIDEXAMPLE", "secret")
            .endpoint_url(format!("http://127.0.0.1:{}", server.port()))
            .build(),
    );
    let (before, _) = memory();
    let mut output = tokio::time::timeout(Duration::from_secs(20), client.get_object().bucket("b").key("large").send())
        .await
        .expect("returns on the head")
        .expect("a download");
    assert_eq!(output.content_length, Some(LENGTH as i64));
    let mut received = 0usize;
    // Bounded: at most one chunk per byte.
    for _ in 0..LENGTH {
        let Some(chunk) = output.body.next().await else { break };
        let chunk = chunk.expect("readable");
        // Spot checks keep the debug build quick.
        assert_eq!(chunk[0], pattern(received), "in order at {received}");
        received += chunk.len();
    }
    assert_eq!(received, LENGTH);
    let (_, peak) = memory();
    let grown = peak.saturating_sub(before) / 1024;
    assert!(grown < 32, "the peak grew by {grown} MiB while 256 MiB went through");
}

//! An independent SigV4 implementation (from the AWS specification, with
//! `hmac` and `sha2`), to check the signatures `aws-sigv4` produces for the
//! requests a [`TestServer`](crate::server::TestServer) records.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::server::Recorded;

/// The access key id the tests sign with.
pub const KEY_ID: &str = "AKIDEXAMPLE";
/// The secret key the tests sign with.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Percent-encodes each path segment again (services other than S3 sign
/// the doubly-encoded path).
fn double_encode(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            segment
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The hex SHA-256 of a body, as `x-amz-content-sha256` carries it.
pub fn payload_hash(body: &[u8]) -> String {
    hex(&Sha256::digest(body))
}

pub fn authorization(request: &Recorded, region: &str, service: &str) -> String {
    authorization_with_payload(request, region, service, &payload_hash(&request.body))
}

/// The signature over `payload` as the payload hash (`UNSIGNED-PAYLOAD`
/// for operations whose signature leaves the body out), covering the
/// headers the request says it signed (beyond `host` and `x-amz-date`).
pub fn authorization_with_payload(request: &Recorded, region: &str, service: &str, payload: &str) -> String {
    let (path, _) = request.target.split_once('?').unwrap_or((&request.target, ""));
    sign(request, region, service, payload, &double_encode(path))
}

/// S3's signature: the path signed exactly as sent (encoded once, never
/// normalized: `.`, `..` and empty segments stay), over the payload hash
/// that `x-amz-content-sha256` says.
pub fn s3_authorization(request: &Recorded, region: &str) -> String {
    let (path, _) = request.target.split_once('?').unwrap_or((&request.target, ""));
    let payload = request.header("x-amz-content-sha256").expect("S3 requests carry x-amz-content-sha256");
    sign(request, region, "s3", payload, path)
}

fn sign(request: &Recorded, region: &str, service: &str, payload: &str, canonical_path: &str) -> String {
    let amz_date = request.header("x-amz-date").expect("x-amz-date");
    let date = &amz_date[..8];
    let (_, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
    let claimed = request.header("authorization").and_then(|a| a.split("SignedHeaders=").nth(1)).unwrap_or("");
    let claimed: Vec<&str> = claimed.split(',').next().unwrap_or("").split(';').collect();
    let mut signed = vec!["host", "x-amz-date"];
    for header in claimed {
        if !header.is_empty() && !signed.contains(&header) {
            signed.push(header);
        }
    }
    signed.sort();
    let canonical_headers: String =
        signed.iter().map(|h| format!("{h}:{}\n", request.header(h).expect("signed header").trim())).collect();
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_path,
        canonical_query(query),
        canonical_headers,
        signed.join(";"),
        payload
    );
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical_request.as_bytes())));
    let mut key = hmac(format!("AWS4{SECRET}").as_bytes(), date);
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part);
    }
    let signature = hex(&hmac(&key, &string_to_sign));
    format!("AWS4-HMAC-SHA256 Credential={KEY_ID}/{scope}, SignedHeaders={}, Signature={signature}", signed.join(";"))
}

/// The query's parameters sorted, each with its `=` (a bare `uploads` is
/// `uploads=`); their encoding is kept as sent (the tests' values need none).
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| if p.contains('=') { p.to_owned() } else { format!("{p}=") })
        .collect();
    pairs.sort();
    pairs.join("&")
}

//! An independent SigV4 implementation (from the AWS specification, with
//! `hmac` and `sha2`), to check the signatures `aws-sigv4` produces for the
//! requests a [`TestServer`](crate::server::TestServer) records.

use std::time::{Duration, SystemTime};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::server::Recorded;

/// The access key id the tests sign with.
pub const KEY_ID: &str = "AKIDEXAMPLE";
/// The secret key the tests sign with.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The signing key of a day (`YYYYMMDD`), region and service.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), date);
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part);
    }
    key
}

/// Percent-encodes each path segment again (services other than S3 sign
/// the doubly-encoded path).
fn double_encode(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
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
    sign(request, region, service, payload, &double_encode(path), (KEY_ID, SECRET))
}

/// [`authorization_with_payload`] with other keys.
pub fn authorization_with_payload_and_keys(request: &Recorded, region: &str, service: &str, payload: &str, keys: (&str, &str)) -> String {
    let (path, _) = request.target.split_once('?').unwrap_or((&request.target, ""));
    sign(request, region, service, payload, &double_encode(path), keys)
}

/// [`authorization`] with other keys (credentials from a profile, IMDS, ...).
pub fn authorization_with_keys(request: &Recorded, region: &str, service: &str, key_id: &str, secret: &str) -> String {
    let (path, _) = request.target.split_once('?').unwrap_or((&request.target, ""));
    sign(request, region, service, &payload_hash(&request.body), &double_encode(path), (key_id, secret))
}

/// S3's signature: the path signed exactly as sent (encoded once, never
/// normalized: `.`, `..` and empty segments stay), over the payload hash
/// that `x-amz-content-sha256` says.
pub fn s3_authorization(request: &Recorded, region: &str) -> String {
    let (path, _) = request.target.split_once('?').unwrap_or((&request.target, ""));
    let payload = request.header("x-amz-content-sha256").expect("S3 requests carry x-amz-content-sha256");
    sign(request, region, "s3", payload, path, (KEY_ID, SECRET))
}

fn sign(request: &Recorded, region: &str, service: &str, payload: &str, canonical_path: &str, keys: (&str, &str)) -> String {
    let (key_id, secret) = keys;
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
    let key = signing_key(secret, date, region, service);
    let signature = hex(&hmac(&key, &string_to_sign));
    format!("AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={}, Signature={signature}", signed.join(";"))
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

/// Percent-decodes `text` (`%XX`; anything else as it is).
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes every byte but the unreserved ones (SigV4's `UriEncode`).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `YYYYMMDDTHHMMSSZ` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let field = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (field(0..4)?, field(4..6)?, field(6..8)?);
    let (hh, mm, ss) = (field(9..11)?, field(11..13)?, field(13..15)?);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

/// Whether `request` carries a valid SigV4 query signature of
/// [`KEY_ID`] at `now`.
pub fn verify_presigned(request: &Recorded, now: SystemTime) -> Result<(), String> {
    let (path, query) = request.target.split_once('?').ok_or("no query")?;
    let pairs: Vec<(String, String)> =
        query.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, ""))).map(|(n, v)| (decode(n), decode(v))).collect();
    let get = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).ok_or(format!("no {name}"));
    if get("X-Amz-Algorithm")? != "AWS4-HMAC-SHA256" {
        return Err("algorithm".into());
    }
    let credential = get("X-Amz-Credential")?;
    let (key_id, scope) = credential.split_once('/').ok_or("credential")?;
    if key_id != KEY_ID {
        return Err("unknown key".into());
    }
    let amz_date = get("X-Amz-Date")?;
    let start = parse_amz_date(&amz_date).ok_or("date")?;
    let expires: u64 = get("X-Amz-Expires")?.parse().map_err(|_| "expires")?;
    if expires > 604_800 {
        return Err("expiry beyond a week".into());
    }
    if now < start {
        return Err("not valid yet".into());
    }
    if now > start + Duration::from_secs(expires) {
        return Err("expired".into());
    }
    let signed: Vec<String> = get("X-Amz-SignedHeaders")?.split(';').map(str::to_owned).collect();
    let mut canonical_query: Vec<(String, String)> =
        pairs.iter().filter(|(n, _)| n != "X-Amz-Signature").map(|(n, v)| (encode(n), encode(v))).collect();
    canonical_query.sort();
    let canonical_query: Vec<String> = canonical_query.into_iter().map(|(n, v)| format!("{n}={v}")).collect();
    let mut canonical_headers = String::new();
    for name in &signed {
        let value = request.header(name).ok_or(format!("signed header {name} not sent"))?;
        canonical_headers.push_str(&format!("{name}:{}\n", value.trim()));
    }
    let canonical_request = format!(
        "{}\n{path}\n{}\n{canonical_headers}\n{}\nUNSIGNED-PAYLOAD",
        request.method,
        canonical_query.join("&"),
        signed.join(";")
    );
    let string_to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical_request.as_bytes())));
    let mut key = hmac(format!("AWS4{}", SECRET).as_bytes(), &amz_date[..8]);
    for part in scope.split('/').skip(1) {
        key = hmac(&key, part);
    }
    if hex(&hmac(&key, &string_to_sign)) == get("X-Amz-Signature")? {
        Ok(())
    } else {
        Err("signature mismatch".into())
    }
}

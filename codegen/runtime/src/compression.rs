//! Request compression (`smithy.api#requestCompression`): gzip with flate2
//! (copied verbatim into each generated crate that has operations asking for
//! it; the source lives in `codegen/runtime/src/compression.rs`).

use std::io::Write;

use http::header::{HeaderName, HeaderValue, CONTENT_ENCODING};

use crate::config::Config;

/// Gzips `body` when compression is on and the body is at least the
/// configured minimum size, and appends `gzip` to `Content-Encoding` (after
/// any encoding the caller set). Returns the body to send.
pub(crate) fn gzip_body(body: Vec<u8>, headers: &mut Vec<(HeaderName, HeaderValue)>, config: &Config) -> Vec<u8> {
    if config.disable_request_compression || body.len() < config.request_min_compression_size_bytes as usize {
        return body;
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    if encoder.write_all(&body).is_err() {
        return body;
    }
    let compressed = match encoder.finish() {
        Ok(compressed) => compressed,
        Err(_) => return body,
    };
    let existing = headers.iter().position(|(name, _)| name == CONTENT_ENCODING);
    let value = match existing.and_then(|i| headers[i].1.to_str().ok().map(str::to_owned)) {
        Some(previous) if !previous.trim().is_empty() => format!("{previous}, gzip"),
        _ => "gzip".to_owned(),
    };
    if let Some(i) = existing {
        headers.remove(i);
    }
    headers.push((CONTENT_ENCODING, HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("gzip"))));
    compressed
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn config(builder: crate::config::ConfigBuilder) -> Config {
        builder.build()
    }

    #[test]
    fn large_bodies_are_gzipped_and_round_trip() {
        let body: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let mut headers = vec![(CONTENT_ENCODING, HeaderValue::from_static("custom"))];
        let sent = gzip_body(body.clone(), &mut headers, &config(Config::builder()));
        assert_eq!(headers, vec![(CONTENT_ENCODING, HeaderValue::from_static("custom, gzip"))]);
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(sent.as_slice()).read_to_end(&mut decoded).unwrap();
        assert_eq!(decoded, body);
    }

    #[test]
    fn small_bodies_and_disabled_compression_are_left_alone() {
        let mut headers = Vec::new();
        assert_eq!(gzip_body(b"small".to_vec(), &mut headers, &config(Config::builder())), b"small");
        assert!(headers.is_empty());
        let big = vec![b'a'; 20_000];
        let off = config(Config::builder().disable_request_compression(true));
        assert_eq!(gzip_body(big.clone(), &mut headers, &off), big);
        let low = config(Config::builder().request_min_compression_size_bytes(3));
        assert_ne!(gzip_body(b"small".to_vec(), &mut headers, &low), b"small");
        assert_eq!(headers, vec![(CONTENT_ENCODING, HeaderValue::from_static("gzip"))]);
    }
}

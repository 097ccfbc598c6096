//! Amazon Glacier's checksum headers on uploads: the SHA-256 of the body
//! and its SHA-256 tree hash over 1 MiB chunks, as an interceptor the
//! Glacier decorator registers on its upload operations (copied verbatim
//! into Glacier clients by codegen; the source lives in
//! `codegen/runtime/src/glacier.rs`).

use http::header::{HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

use crate::primitives::hex;

const CHUNK: usize = 1024 * 1024;

/// The SHA-256 tree hash: hashes of 1 MiB chunks, combined pairwise level
/// by level until one remains.
pub(crate) fn tree_hash(body: &[u8]) -> String {
    let mut level: Vec<Vec<u8>> = if body.is_empty() {
        vec![Sha256::digest(body).to_vec()]
    } else {
        body.chunks(CHUNK).map(|chunk| Sha256::digest(chunk).to_vec()).collect()
    };
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => {
                    let mut hasher = Sha256::new();
                    hasher.update(a);
                    hasher.update(b);
                    hasher.finalize().to_vec()
                }
                [a] => a.clone(),
                _ => Vec::new(),
            })
            .collect();
    }
    level.first().map(|h| hex(h)).unwrap_or_default()
}

/// Adds `X-Amz-Content-Sha256` and `X-Amz-Sha256-Tree-Hash` unless the
/// caller set them.
pub(crate) fn checksum_headers(body: &[u8], headers: &mut Vec<(HeaderName, HeaderValue)>) {
    let has = |headers: &Vec<(HeaderName, HeaderValue)>, name: &str| headers.iter().any(|(n, _)| n.as_str() == name);
    if !has(headers, "x-amz-content-sha256") {
        if let Ok(value) = HeaderValue::from_str(&hex(&Sha256::digest(body))) {
            headers.push((HeaderName::from_static("x-amz-content-sha256"), value));
        }
    }
    if !has(headers, "x-amz-sha256-tree-hash") {
        if let Ok(value) = HeaderValue::from_str(&tree_hash(body)) {
            headers.push((HeaderName::from_static("x-amz-sha256-tree-hash"), value));
        }
    }
}

/// Adds the checksum headers to an upload. They cover the whole body before
/// it is sent, so the body must be in memory: a stream is refused, naming
/// the payload member.
#[derive(Debug)]
pub(crate) struct TreeHash {
    pub(crate) shape: &'static str,
    pub(crate) field: &'static str,
    pub(crate) member: &'static str,
}

impl crate::interceptor::Interceptor for TreeHash {
    fn modify_request(
        &self,
        request: &mut crate::orchestrator::Request,
        _config: &crate::config::Config,
    ) -> Result<(), crate::error::BuildError> {
        let bytes = request
            .body
            .as_bytes()
            .ok_or_else(|| crate::error::BuildError::needs_bytes(self.shape, self.field, self.member))?;
        checksum_headers(bytes, &mut request.headers);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_bodies_hash_like_sha256() {
        let expected = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
        assert_eq!(tree_hash(b"hello world"), expected);
        let mut headers = Vec::new();
        checksum_headers(b"hello world", &mut headers);
        assert_eq!(headers.len(), 2);
        assert!(headers.iter().all(|(_, v)| v == expected));
    }

    #[test]
    fn large_bodies_combine_chunk_hashes() {
        let body = vec![7u8; CHUNK * 2 + 5];
        let leaves: Vec<Vec<u8>> = body.chunks(CHUNK).map(|c| Sha256::digest(c).to_vec()).collect();
        let mut first = Sha256::new();
        first.update(&leaves[0]);
        first.update(&leaves[1]);
        let mut root = Sha256::new();
        root.update(first.finalize());
        root.update(&leaves[2]);
        assert_eq!(tree_hash(&body), hex(&root.finalize()));
    }
}

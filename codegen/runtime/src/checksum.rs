//! Request checksums: MD5 for `Content-MD5` (`smithy.api#httpChecksumRequired`),
//! by the `md-5` crate (copied verbatim into each generated crate that needs
//! it by codegen; the source lives in `codegen/runtime/src/checksum.rs`). MD5 is no defence against an
//! attacker; services ask for it to detect corruption in transit.

/// The MD5 digest of `data`.
pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    use ::md5::Digest;
    ::md5::Md5::digest(data).into()
}

/// The `Content-MD5` header value of a body: its MD5 digest in base64.
pub(crate) fn content_md5(body: &[u8]) -> String {
    crate::primitives::base64_encode(&md5(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::hex;

    #[test]
    fn rfc_1321_test_suite() {
        for (input, digest) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ] {
            assert_eq!(hex(&md5(input.as_bytes())), digest, "{input:?}");
        }
    }

    #[test]
    fn padding_boundaries_and_header_value() {
        // 55, 56 and 64 bytes: the length fits in the block, needs another, fills one.
        assert_eq!(hex(&md5(&[b'a'; 55])), "ef1772b6dff9a122358552954ad0df65");
        assert_eq!(hex(&md5(&[b'a'; 56])), "3b0c8ac703f828b04c6c197006d17218");
        assert_eq!(hex(&md5(&[b'a'; 64])), "014842d480b571495a4a0363793f7367");
        assert_eq!(content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }
}

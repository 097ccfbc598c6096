//! Amazon S3 (restXml), generated from the official model (`build.rs`) and
//! cut to GetObject, PutObject and UploadPart: the tests in `tests/` call
//! it against the loopback server of `tests/src/server.rs` (presigned
//! requests, downloads and uploads that stream).

/// The generated S3 client.
pub mod s3 {
    include!(concat!(env!("OUT_DIR"), "/s3.rs"));
}

//! The runtime of generated clients, as a crate of its own so that it is
//! built, linted and unit-tested once, here.
//!
//! Generated clients stay self-contained: codegen copies the files of this
//! crate's `src/` that a service uses into the runtime crate it writes beside
//! each client (`runtime/`, `<name>-runtime`), at the same paths, without
//! their `#[cfg(test)] mod tests`, and with what is `pub(crate)` here made
//! `pub` (hidden from the documentation) for the client's crate to call. The
//! shells `error.rs` and `endpoint.rs` are copied as they are, and the
//! runtime crate's `lib.rs` is written for the files it holds. With
//! `--inline-runtime` the files become modules of the client's crate
//! instead, unchanged, and the client writes its own `error.rs` and
//! `endpoint.rs`, which add the service's types. `dynamodb_items.rs` (a
//! macro the client expands) always goes to the client's crate. The `fuzz`
//! module, only built with the `fuzzing` feature for the fuzz targets of
//! `tests/fuzz/`, is never copied.
//!
//! The runtime never names a generated module: what it must know of a
//! service (signing name, endpoint resolver, user agent, endpoint variable,
//! protocol, auth schemes, customizations) reaches it as one
//! [`facts::ServiceFacts`] value that the generated code builds.
//!
//! | module | what |
//! | --- | --- |
//! | `orchestrator` | the attempt loop: serialize, resolve the endpoint, sign, send, retry, read |
//! | `facts` | what the generated code says of its service |
//! | `protocol` | the protocol seam; `rest_json` implements it for restJson1 |
//! | `http_binding` | labels, query strings and headers, for the HTTP-binding protocols |
//! | `json` | the JSON codec, shared by the JSON protocols |
//! | `xml`, `rest_xml`, `query` | the XML codec, restXml, and the query protocols (awsQuery, ec2Query) |
//! | `auth` | auth schemes, the identity cache, signing |
//! | `interceptor`, `retry` | customizations that act on requests; retry classifiers and budget |
//! | `config`, `transport`, `clock`, `testing` | what a user configures and mocks |
//! | `telemetry` | `tracing` spans of calls and attempts (feature `tracing`) |
//! | `byte_stream`, `event_stream`, `primitives`, `timestamp` | wire types |
//! | `event_signing` | the signed envelopes of the events an operation sends |
//! | `endpoint/` | the endpoint rules' functions, partitions and result |
//! | `error/` | `ErrorMetadata`, `Unhandled`, `BuildError` |
//! | `pagination`, `waiter` | paginators and the waiter loop |
//! | `checksum`, `http_checksum`, `compression` | `Content-MD5`, flexible checksums, request compression |
//! | `glacier`, `dynamodb`, `dynamodb_items`, `s3` | customizations of one service (`dynamodb_items` is expanded in the client's own crate) |
//! | `presigning` | presigned requests (crates whose service signs with SigV4) |
//! | `chain`, `chain_calls` | the chain's STS, SSO and SSO-OIDC clients, generated from `model/credentials/`, and the steps that call them |
//! | `credentials_chain`, `profile`, `profile_chain`, `provider_env`, `imds`, `container` | the default credential chain (environment, profile, web identity, container, IMDS), the shared config and credentials files, the chain of credentials a profile names, the environment and files providers read, and where IMDS and the container endpoint are |

// Generated crates use different parts of the runtime: what one leaves
// unused is not dead here.
#![allow(dead_code)]

pub mod auth;
pub mod aws_json;
pub mod byte_stream;
#[cfg(feature = "credentials-chain")]
pub mod chain;
#[cfg(feature = "credentials-chain")]
pub mod chain_calls;
pub mod checksum;
pub mod clock;
pub mod compression;
pub mod config;
#[cfg(feature = "credentials-chain")]
pub mod container;
#[cfg(feature = "credentials-chain")]
pub mod credentials_chain;
pub mod dynamodb;
pub mod dynamodb_items;
pub mod endpoint;
pub mod error;
pub mod event_stream;
mod event_signing;
pub mod facts;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzz;
pub mod glacier;
pub mod http_binding;
pub mod http_checksum;
#[cfg(feature = "credentials-chain")]
pub mod imds;
pub mod interceptor;
pub mod json;
pub mod orchestrator;
pub mod pagination;
pub mod presigning;
pub mod primitives;
#[cfg(feature = "credentials-chain")]
pub mod profile;
#[cfg(feature = "credentials-chain")]
pub mod profile_chain;
pub mod protocol;
#[cfg(feature = "credentials-chain")]
pub mod provider_env;
pub mod query;
pub mod rest_json;
pub mod rest_xml;
pub mod s3;
pub mod retry;
pub mod telemetry;
pub mod testing;
pub mod timestamp;
pub mod transport;
pub mod waiter;
pub mod xml;

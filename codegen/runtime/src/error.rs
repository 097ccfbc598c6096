//! The runtime's part of the `error` module (a shell: generated crates
//! write their own `error.rs`, adding the service's modeled errors).

mod build;
mod meta;
pub use build::BuildError;
pub use meta::{DisplayErrorContext, ErrorMetadata, ErrorType, Unhandled, UnhandledKind};
// The credential chain's clients use it (the feature `credentials-chain`).
#[allow(unused_imports)]
pub(crate) use meta::ErrorVariant;

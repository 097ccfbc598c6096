//! The clients the default credential chain calls: STS to assume a role
//! (with credentials, or with a web identity token), SSO for an IAM
//! Identity Center role's credentials, and SSO-OIDC to refresh a cached
//! SSO token.
//!
//! They are generated (`cargo run -p codegen`) from the reduced models in
//! `model/credentials/` as modules of the crate that holds them, sharing
//! its runtime: they sign, retry and time out like every other call. Each
//! generated crate has them, behind its `credentials-chain` feature.

// Generated for the chain: what it does not call is not dead.
#![allow(dead_code, unused_imports)]

pub mod sso;
pub mod sso_oidc;
pub mod sts;

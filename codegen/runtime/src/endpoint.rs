//! The runtime's part of the `endpoint` module (a shell: generated crates
//! write their own `endpoint.rs`, adding the resolver of their rule set).

pub mod functions;
pub mod partitions;
pub mod types;
pub use functions::Value;
pub use types::{Endpoint, EndpointError};

//! Every official model's own endpoint tests (`smithy.rules#endpointTests`
//! on the service shape), for each model of `../shared/models/aws-more/`
//! and `../shared/models/aws/`.
//!
//! `build.rs` generates, for each model, the endpoint resolver the
//! generator writes into its crate (`src/endpoint.rs`, standing alone),
//! all of them sharing one copy of the runtime's endpoint functions,
//! partitions and types; and, for a model whose cases give operation inputs
//! and whose client the generator writes, the client of just those
//! operations with one check per input (`src/client_harness.rs`).
//! `tests/endpoint_tests.rs` runs every case: through its `params` against
//! the resolver, and (for operation inputs) through the client.

use serde_json::{Map, Value as Json};

/// The runtime's endpoint files (`codegen/runtime/src/endpoint/`), once
/// for every model.
pub mod runtime {
    /// The rules language's values and functions.
    pub mod functions {
        #![allow(dead_code)]
        include!(concat!(env!("OUT_DIR"), "/runtime_functions.rs"));
    }

    /// The partitions of `partitions.json`.
    pub mod partitions {
        #![allow(dead_code)]
        include!(concat!(env!("OUT_DIR"), "/runtime_partitions.rs"));
    }

    /// The resolved endpoint and the resolution error.
    pub mod types {
        #![allow(dead_code)]
        include!(concat!(env!("OUT_DIR"), "/runtime_types.rs"));
    }
}

pub use runtime::functions::Value;
pub use runtime::types::{Endpoint, EndpointError};

/// A generated resolver, given parameters by their rule-set names.
pub type Resolver = fn(&[(String, Value)]) -> Result<Endpoint, EndpointError>;

/// A model: its resolver, and the checks of its client.
pub struct ModelEntry {
    /// The model file, relative to `../shared/models/`.
    pub file: &'static str,
    /// The service shape whose rules and tests these are.
    pub service: &'static str,
    /// The generated resolver.
    pub resolve: Resolver,
    /// One check per distinct operation input of the cases, or why the
    /// client of those operations cannot be generated yet.
    pub client: Result<&'static [ClientInput], &'static str>,
}

/// A check of one operation input through the generated client.
pub struct ClientInput {
    /// The operation's name (`DescribeTable`).
    pub operation: &'static str,
    /// The case's `operationParams`, as JSON text.
    pub params: &'static str,
    /// Builds the input as a user would and checks the case with it.
    pub check: fn(&ClientCase<'_>) -> Result<(), String>,
}

/// What a client check needs of a case.
pub struct ClientCase<'a> {
    /// The operation input's `builtInParams`.
    pub built_ins: &'a Map<String, Json>,
    /// The case's `params`: the parameters the client must compute.
    pub params: &'a Map<String, Json>,
    /// The case's `expect`.
    pub expect: &'a Json,
}

include!(concat!(env!("OUT_DIR"), "/models.rs"));

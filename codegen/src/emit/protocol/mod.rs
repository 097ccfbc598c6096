//! The protocol layer of the emitters. A protocol decides how an
//! operation's input becomes an HTTP request, how a response (an output or
//! a modeled error) is read, and which codec writes and reads the types it
//! carries in bodies; everything else (types, builders, the client, error
//! enums, the `Operation` impl around the protocol's parts) is the same
//! for every protocol and emitted elsewhere.
//!
//! A protocol is added as one module here implementing [`ProtocolGen`],
//! one arm in [`for_crate`], its runtime module in `codegen/runtime/src/`
//! (implementing the runtime's `protocol::Protocol`), and, for a new body
//! format, a [`Codec`] beside `emit/json.rs`.

mod rest_json;

use proc_macro2::TokenStream;

use super::RuntimeFile;
use crate::ir::protocol::Protocol;
use crate::ir::{Crate, Enum, Operation, Struct};

/// What a protocol emits.
pub(crate) trait ProtocolGen: Sync {
    /// The runtime files the protocol's generated code calls.
    fn runtime(&self) -> Vec<RuntimeFile>;

    /// The runtime value implementing `crate::protocol::Protocol`, for the
    /// service's facts.
    fn runtime_value(&self) -> TokenStream;

    /// How types are written to and read from bodies.
    fn codec(&self) -> &'static dyn Codec;

    /// The body of `Operation::serialize`: `input` and `config` in scope,
    /// evaluates to `Result<crate::orchestrator::Request, BuildError>`.
    fn write_request(&self, krate: &Crate, op: &Operation) -> TokenStream;

    /// Statements reading `response` into `var` of the structure's type
    /// (an output, or an error structure), ending in `Ok(var)`.
    fn read_response(&self, s: &Struct, var: TokenStream) -> TokenStream;
}

/// How a body format writes and reads the types of a crate: the trait
/// impls it adds beside each structure, union and enum (only in the
/// directions the IR marks as needed).
pub(crate) trait Codec: Sync {
    fn structure(&self, s: &Struct) -> TokenStream;
    fn union(&self, s: &Struct) -> TokenStream;
    fn enumeration(&self, e: &Enum) -> TokenStream;
    /// An expression reading the bytes `bytes` (an event's payload) as
    /// type `ty`, with `?`-able errors.
    fn read_payload(&self, ty: TokenStream, bytes: TokenStream) -> TokenStream;

    /// An expression of a type's zero value (Smithy's client error
    /// correction), for a structure filled from elsewhere than a body.
    fn zero_value(&self) -> TokenStream;
}

/// The emitter of the crate's protocol.
pub(crate) fn for_crate(krate: &Crate) -> &'static dyn ProtocolGen {
    match krate.protocol {
        Protocol::RestJson1 => &rest_json::RestJson1,
    }
}

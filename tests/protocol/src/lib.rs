//! The official Smithy restJson1 protocol compliance tests, run against
//! clients generated from the services of `restJson1/`:
//! `aws.protocoltests.restjson#RestJson`, and Glacier and API Gateway, whose
//! tests check the AWS SDK customizations of those services.
//!
//! `build.rs` generates each client as one source file and one async
//! function per client case of the model's `smithy.test#httpRequestTests`
//! and `smithy.test#httpResponseTests` traits, with the harness of
//! `src/harness.rs` (a client whose transport records requests, the
//! comparisons the Smithy specification asks for, and response decoding as
//! the orchestrator does it), in one module per service.

/// `aws.protocoltests.restjson#RestJson`.
pub mod rest_json_service {
    include!(concat!(env!("OUT_DIR"), "/rest_json_service.rs"));
}

/// `com.amazonaws.glacier#Glacier` (Glacier's customizations).
pub mod glacier_service {
    include!(concat!(env!("OUT_DIR"), "/glacier_service.rs"));
}

/// `com.amazonaws.apigateway#BackplaneControlService` (API Gateway's customizations).
pub mod apigateway_service {
    include!(concat!(env!("OUT_DIR"), "/apigateway_service.rs"));
}

//! The official Smithy protocol compliance tests, run against clients
//! generated from the services of each suite: `restJson1/`
//! (`aws.protocoltests.restjson#RestJson`, and Glacier and API Gateway,
//! whose tests check the AWS SDK customizations of those services),
//! `awsJson1_0/` (`JsonRpc10`, and the awsQuery-compatible
//! `QueryCompatibleJsonRpc10`) and `awsJson1_1/` (`JsonProtocol`, and
//! Machine Learning's endpoint customization), `restXml/` (`RestXml`, and
//! S3's own cases), `restXmlWithNamespace/`, `awsQuery/` and `ec2Query/`.
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

/// `aws.protocoltests.json10#JsonRpc10` (awsJson1_0).
pub mod json_rpc10_service {
    include!(concat!(env!("OUT_DIR"), "/json_rpc10_service.rs"));
}

/// `aws.protocoltests.json10#QueryCompatibleJsonRpc10` (awsJson1_0, `@awsQueryCompatible`).
pub mod query_compatible_json_rpc10_service {
    include!(concat!(env!("OUT_DIR"), "/query_compatible_json_rpc10_service.rs"));
}

/// `aws.protocoltests.json#JsonProtocol` (awsJson1_1).
pub mod json_protocol_service {
    include!(concat!(env!("OUT_DIR"), "/json_protocol_service.rs"));
}

/// `com.amazonaws.machinelearning#AmazonML_20141212` (awsJson1_1, Machine Learning's customization).
pub mod machine_learning_service {
    include!(concat!(env!("OUT_DIR"), "/machine_learning_service.rs"));
}

/// `aws.protocoltests.restxml#RestXml` (restXml).
pub mod rest_xml_service {
    include!(concat!(env!("OUT_DIR"), "/rest_xml_service.rs"));
}

/// `com.amazonaws.s3#AmazonS3` (restXml without error wrapping, S3's customizations).
pub mod s3_service {
    include!(concat!(env!("OUT_DIR"), "/s3_service.rs"));
}

/// `aws.protocoltests.restxml.xmlns#RestXmlWithNamespace` (restXml, a service-wide XML namespace).
pub mod rest_xml_with_namespace_service {
    include!(concat!(env!("OUT_DIR"), "/rest_xml_with_namespace_service.rs"));
}

/// `aws.protocoltests.query#AwsQuery` (awsQuery).
pub mod aws_query_service {
    include!(concat!(env!("OUT_DIR"), "/aws_query_service.rs"));
}

/// `aws.protocoltests.ec2#AwsEc2` (ec2Query).
pub mod ec2_query_service {
    include!(concat!(env!("OUT_DIR"), "/ec2_query_service.rs"));
}

//! Clients generated from the official models of DynamoDB, SQS, KMS,
//! Secrets Manager, SSM, Glacier, Kafka, Route 53, S3, STS, IAM, SNS,
//! CloudFormation and CloudWatch (`build.rs`), and [`Moto`], a moto server for
//! each test to call through the clients' default transport (hyper).
//!
//! The tests in `tests/moto.rs`, `tests/query.rs` and `tests/s3.rs` need
//! moto's server: `bash .ci/install-moto` installs it into a virtual
//! environment and prints the path to export as `MOTO_SERVER`; without
//! that variable, `moto_server` is looked up on `PATH`.

/// Amazon DynamoDB (awsJson1_0), every operation.
// The client has a module `dynamodb` of its own (the service's
// customizations), which lints as inception only when nested like this.
#[allow(clippy::module_inception)]
pub mod dynamodb {
    include!(concat!(env!("OUT_DIR"), "/dynamodb.rs"));
}

/// Amazon SQS (awsJson1_0, `@awsQueryCompatible`): the operations the tests call.
pub mod sqs {
    include!(concat!(env!("OUT_DIR"), "/sqs.rs"));
}

/// AWS Secrets Manager (awsJson1_1): the operations the tests call.
pub mod secretsmanager {
    include!(concat!(env!("OUT_DIR"), "/secretsmanager.rs"));
}

/// AWS KMS (awsJson1_1): the operations the tests call.
pub mod kms {
    include!(concat!(env!("OUT_DIR"), "/kms.rs"));
}

/// AWS Systems Manager (awsJson1_1): the Parameter Store operations the tests call.
pub mod ssm {
    include!(concat!(env!("OUT_DIR"), "/ssm.rs"));
}

/// Amazon Glacier (restJson1, with the SDKs' customizations): the vault
/// operations the tests call.
// Its customizations' module is `glacier` too (see `dynamodb`).
#[allow(clippy::module_inception)]
pub mod glacier {
    include!(concat!(env!("OUT_DIR"), "/glacier.rs"));
}

/// Amazon MSK (restJson1): the cluster and tag operations the tests call.
pub mod kafka {
    include!(concat!(env!("OUT_DIR"), "/kafka.rs"));
}

/// Amazon Route 53 (restXml): the hosted zone and record set operations the tests call.
pub mod route53 {
    include!(concat!(env!("OUT_DIR"), "/route53.rs"));
}

/// Amazon S3 (restXml, with the SDKs' addressing, signing, response
/// customizations and flexible checksums): the operations of `tests/s3.rs`
/// and `tests/s3_checksums.rs`.
#[allow(clippy::module_inception)]
pub mod s3 {
    include!(concat!(env!("OUT_DIR"), "/s3.rs"));
}

/// AWS STS (awsQuery): GetCallerIdentity and AssumeRole.
pub mod sts {
    include!(concat!(env!("OUT_DIR"), "/sts.rs"));
}

/// AWS IAM (awsQuery): the role operations the tests call.
pub mod iam {
    include!(concat!(env!("OUT_DIR"), "/iam.rs"));
}

/// Amazon SNS (awsQuery): the topic operations the tests call.
pub mod sns {
    include!(concat!(env!("OUT_DIR"), "/sns.rs"));
}

/// AWS CloudFormation (awsQuery): the stack operations the tests call,
/// with DescribeStacks' waiters.
pub mod cloudformation {
    include!(concat!(env!("OUT_DIR"), "/cloudformation.rs"));
}

/// Amazon CloudWatch (awsQuery): PutMetricData and GetMetricStatistics.
pub mod cloudwatch {
    include!(concat!(env!("OUT_DIR"), "/cloudwatch.rs"));
}

mod moto;

pub use moto::Moto;

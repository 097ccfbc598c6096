//! Generates the clients the tests run against moto, from the official
//! models in `../shared/models/`, each as one source file
//! `OUT_DIR/<module>.rs` that `src/lib.rs` includes as `crate::<module>`.
//! Nothing generated is committed: the clients carry the models'
//! documentation.

use std::path::{Path, PathBuf};

/// Each client: its module, the model file (under `../shared/models/`),
/// and the operations generated (none: the whole service). DynamoDB is
/// generated whole (about 9 s of a debug build); the others are cut to the
/// operations the tests call, which keeps the build of all of them at
/// about that of DynamoDB alone.
const CLIENTS: &[(&str, &str, &[&str])] = &[
    ("dynamodb", "aws-more/dynamodb-2012-08-10.json", &[]),
    (
        "sqs",
        "aws-more/sqs-2012-11-05.json",
        &["CreateQueue", "GetQueueUrl", "GetQueueAttributes", "SendMessage", "ReceiveMessage", "DeleteMessage", "DeleteQueue"],
    ),
    ("secretsmanager", "aws-more/secrets-manager-2017-10-17.json", &["CreateSecret", "GetSecretValue", "DeleteSecret"]),
    ("kms", "aws-more/kms-2014-11-01.json", &["CreateKey", "DescribeKey", "Encrypt", "Decrypt"]),
    ("ssm", "aws-more/ssm-2014-11-06.json", &["PutParameter", "GetParameter", "GetParametersByPath", "DeleteParameters"]),
    ("glacier", "aws/glacier-2012-06-01.json", &["CreateVault", "DescribeVault", "ListVaults", "DeleteVault"]),
    ("kafka", "aws/kafka-2018-11-14.json", &["CreateClusterV2", "DescribeClusterV2", "TagResource", "UntagResource", "ListTagsForResource"]),
    ("route53", "aws-more/route-53-2013-04-01.json", &["CreateHostedZone", "ListHostedZones", "ChangeResourceRecordSets", "ListResourceRecordSets", "DeleteHostedZone"]),
    // The query protocols (awsQuery): the operations of `tests/query.rs`.
    ("sts", "aws-more/sts-2011-06-15.json", &["GetCallerIdentity", "AssumeRole"]),
    ("iam", "aws-more/iam-2010-05-08.json", &["CreateRole", "GetRole", "ListRoles", "DeleteRole"]),
    ("sns", "aws-more/sns-2010-03-31.json", &["CreateTopic", "GetTopicAttributes", "Subscribe", "Publish", "DeleteTopic"]),
    ("cloudformation", "aws-more/cloudformation-2010-05-15.json", &["CreateStack", "DescribeStacks", "DeleteStack"]),
    ("cloudwatch", "aws-more/cloudwatch-2010-08-01.json", &["PutMetricData", "GetMetricStatistics"]),
    // S3 with the SDKs' addressing, signing, response customizations and
    // flexible checksums: the operations of `tests/s3.rs` and
    // `tests/s3_checksums.rs`, in one client.
    (
        "s3",
        "aws-more/s3-2006-03-01.json",
        &[
            "CreateBucket", "GetBucketLocation", "PutObject", "GetObject", "HeadObject", "CopyObject", "DeleteObjects",
            "ListObjects", "ListObjectsV2", "ListObjectVersions", "CreateMultipartUpload", "UploadPart", "UploadPartCopy",
            "CompleteMultipartUpload",
        ],
    ),
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    // tests/moto -> the checkout -> its parent, where ../shared lives.
    let models = manifest.join("../../../shared/models");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    for (module, file, operations) in CLIENTS {
        let model = models.join(file);
        if !model.is_file() {
            panic!(
                "the official AWS model is missing: expected {} (the reference material `../shared` beside the checkout)",
                model.display()
            );
        }
        println!("cargo:rerun-if-changed={}", model.display());
        let options = codegen::Options {
            models: vec![model],
            service: None,
            operations: operations.iter().map(|op| op.to_string()).collect(),
            crate_name: Some((*module).to_owned()),
            protocol: None,
            // Stitched into one file: the runtime's modules in the client's.
            runtime: codegen::RuntimeLayout::Inline,
        };
        let files = codegen::generate(&options).unwrap_or_else(|e| panic!("cannot generate the {module} client from {file}: {e}"));
        // Everything of this client lives in `crate::<module>`.
        let client = codegen::single_file::as_module(&files, module).unwrap_or_else(|e| panic!("{e}"));
        write(&out.join(format!("{module}.rs")), &client);
    }
}

/// Writes only when the text changed, so an unchanged client is not rebuilt.
fn write(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

//! The awsQuery clients (STS, IAM, SNS, CloudFormation, CloudWatch) against
//! moto's server, through their default transport (hyper), as
//! `tests/moto.rs` calls the JSON and XML ones: form-encoded requests
//! (`Action`, `Version`, `A.member.N`, `A.entry.N.key`, nested structures),
//! responses read inside their `<OperationResponse><OperationResult>`
//! wrappers, `<ErrorResponse>` errors matched by their `@awsQueryError`
//! codes, a paginator, a waiter and credentials STS hands out. Each test
//! starts its own server; moto must be installed (see `src/moto.rs`).

use std::error::Error;
use std::time::Duration;

use moto_tests::Moto;

/// A client of `moto_tests::<service>` that calls the server, with the
/// static credentials `testing`/`testing` unless others are given.
macro_rules! client {
    ($service:ident, $moto:expr) => {
        client!($service, $moto, moto_tests::$service::config::Credentials::new("testing", "testing", None, None, "static"))
    };
    ($service:ident, $moto:expr, $credentials:expr) => {
        moto_tests::$service::Client::new(
            moto_tests::$service::config::Config::builder()
                .region("us-east-1")
                .credentials($credentials)
                .endpoint_url($moto.endpoint())
                .build(),
        )
    };
}

/// The value, or a panic naming the call and printing the error with each
/// of its causes.
fn ok<T, E: Error>(result: Result<T, E>, call: &str) -> T {
    match result {
        Ok(value) => value,
        Err(e) => {
            let mut text = format!("{call} failed: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            panic!("{text}");
        }
    }
}

/// moto's account, which every ARN it makes names.
const ACCOUNT: &str = "123456789012";

/// A trust policy that lets the account assume the role: JSON with the
/// quotes, braces, colons and slashes the form encoding must carry.
const TRUST_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;

mod sts_and_iam {
    use super::*;

    /// `Config::load` with a profile that assumes a role from a source
    /// profile's keys, and with a web identity token from the environment:
    /// the chain's own STS client calls moto's AssumeRole and
    /// AssumeRoleWithWebIdentity, and moto names the assumed role as the
    /// caller of the call signed with the credentials they gave.
    #[tokio::test]
    async fn the_default_chain_assumes_roles_through_sts() {
        let moto = Moto::start();
        let file = |path: &str, text: &str| (std::path::PathBuf::from(path), text.as_bytes().to_vec());
        let load = |vars: Vec<(&str, String)>, files: Vec<(std::path::PathBuf, Vec<u8>)>| {
            let endpoint = moto.endpoint();
            let mut vars: Vec<(String, String)> = vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            async move {
                vars.push(("HOME".into(), "/home/me".into()));
                vars.push(("AWS_ENDPOINT_URL_STS".into(), endpoint.clone()));
                moto_tests::sts::Client::new(
                    moto_tests::sts::config::Config::builder().endpoint_url(endpoint).load_from(vars, files).await.build(),
                )
            }
        };

        let profile = load(
            vec![("AWS_PROFILE", "deploy".into())],
            vec![
                file(
                    "/home/me/.aws/config",
                    &format!(
                        "[profile deploy]\nregion = us-east-1\nrole_arn = arn:aws:iam::{ACCOUNT}:role/deployer\nrole_session_name = chain-session\nsource_profile = base\n"
                    ),
                ),
                file("/home/me/.aws/credentials", "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n"),
            ],
        )
        .await;
        let who = ok(profile.get_caller_identity().send().await, "GetCallerIdentity with the profile's role");
        assert_eq!(who.arn.as_deref(), Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/deployer/chain-session").as_str()));

        let web = load(
            vec![
                ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token".into()),
                ("AWS_ROLE_ARN", format!("arn:aws:iam::{ACCOUNT}:role/pod-role")),
                ("AWS_ROLE_SESSION_NAME", "pod-session".into()),
            ],
            vec![
                file("/home/me/.aws/config", "[default]\nregion = us-east-1\n"),
                file("/var/run/token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJwb2QifQ.\n"),
            ],
        )
        .await;
        let who = ok(web.get_caller_identity().send().await, "GetCallerIdentity with the web identity's role");
        assert_eq!(who.arn.as_deref(), Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/pod-role/pod-session").as_str()));
    }

    use moto_tests::iam::operation::create_role::CreateRoleError;
    use moto_tests::iam::operation::get_role::GetRoleError;
    use std::collections::HashSet;

    /// GetCallerIdentity, then AssumeRole of a role IAM created: the
    /// temporary credentials (with their session token) sign an IAM call,
    /// and STS, called with them, names the assumed role.
    #[tokio::test]
    async fn assumed_role_credentials_sign_later_calls() {
        let moto = Moto::start();
        let sts = client!(sts, moto);
        let iam = client!(iam, moto);

        let me = ok(sts.get_caller_identity().send().await, "GetCallerIdentity");
        assert!(me.request_id().is_some_and(|id| !id.is_empty()), "GetCallerIdentity has a request id (from <ResponseMetadata>)");
        assert_eq!(me.account.as_deref(), Some(ACCOUNT));
        // moto's default identity, for the static credentials.
        assert_eq!(me.arn.as_deref(), Some(format!("arn:aws:sts::{ACCOUNT}:user/moto").as_str()));

        let role = ok(
            iam.create_role()
                .role_name("moto-tests-assumed")
                .path("/moto-tests/")
                .assume_role_policy_document(TRUST_POLICY)
                .description("assumed by the query tests")
                .send()
                .await,
            "CreateRole",
        )
        .role;
        assert_eq!(role.arn, format!("arn:aws:iam::{ACCOUNT}:role/moto-tests/moto-tests-assumed"));

        let before = moto_tests::sts::time::OffsetDateTime::now_utc();
        let assumed = ok(
            sts.assume_role().role_arn(&role.arn).role_session_name("query-session").duration_seconds(900).send().await,
            "AssumeRole",
        );
        let credentials = assumed.credentials.expect("AssumeRole returns credentials");
        let user = assumed.assumed_role_user.expect("AssumeRole returns the assumed role user");
        assert_eq!(user.arn, format!("arn:aws:sts::{ACCOUNT}:assumed-role/moto-tests-assumed/query-session"));
        assert!(credentials.access_key_id.starts_with("ASIA"), "temporary keys start with ASIA: {}", credentials.access_key_id);
        assert!(!credentials.secret_access_key.is_empty() && !credentials.session_token.is_empty());
        // Read from ISO 8601 text: about 15 minutes from now.
        let lifetime = credentials.expiration - before;
        assert!(lifetime > moto_tests::sts::time::Duration::minutes(10), "expires in {lifetime}");
        assert!(lifetime < moto_tests::sts::time::Duration::minutes(20), "expires in {lifetime}");

        let temporary = || {
            moto_tests::sts::config::Credentials::new(
                credentials.access_key_id.clone(),
                credentials.secret_access_key.clone(),
                Some(credentials.session_token.clone()),
                None,
                "assume-role",
            )
        };
        // moto tells who signed a call by its access key.
        let sts_as_role = client!(sts, moto, temporary());
        let who = ok(sts_as_role.get_caller_identity().send().await, "GetCallerIdentity with the assumed role's credentials");
        assert_eq!(who.arn.as_deref(), Some(user.arn.as_str()));
        assert_eq!(who.user_id.as_deref(), Some(user.assumed_role_id.as_str()));

        let iam_as_role = client!(iam, moto, temporary());
        let got = ok(iam_as_role.get_role().role_name("moto-tests-assumed").send().await, "GetRole with the assumed role's credentials");
        let got = got.role;
        assert_eq!((got.role_id.as_str(), got.arn.as_str()), (role.role_id.as_str(), role.arn.as_str()));
        assert_eq!(got.description.as_deref(), Some("assumed by the query tests"));
        // The policy document comes back URL-encoded, as IAM sends it: the
        // JSON the form carried, intact.
        let policy = got.assume_role_policy_document.expect("the trust policy");
        assert_eq!(percent_encoding::percent_decode_str(&policy).decode_utf8().unwrap(), TRUST_POLICY);
    }

    /// 300 roles created one by one, then listed through the generated
    /// paginator (`Marker` in, `Marker` out) in pages of at most 100; a
    /// second CreateRole of a name is the typed error of its
    /// `@awsQueryError` code; DeleteRole, after which GetRole fails as
    /// `NoSuchEntity`.
    #[tokio::test]
    async fn roles_page_and_duplicates_are_typed_errors() {
        const ROLES: usize = 300;
        let moto = Moto::start();
        let iam = client!(iam, moto);
        let names: Vec<String> = (0..ROLES).map(|i| format!("moto-tests-role-{i:03}")).collect();
        for name in &names {
            ok(
                iam.create_role().role_name(name).path("/moto-tests/paged/").assume_role_policy_document(TRUST_POLICY).send().await,
                "CreateRole",
            );
        }
        // One outside the prefix, which the listing must leave out.
        ok(iam.create_role().role_name("elsewhere").assume_role_policy_document(TRUST_POLICY).send().await, "CreateRole");

        let mut pages = iam.list_roles().path_prefix("/moto-tests/paged/").into_paginator().page_size(100).send();
        let mut sizes = Vec::new();
        let mut seen = Vec::new();
        while let Some(page) = pages.next().await {
            let page = ok(page, "ListRoles (a page)");
            // IsTruncated and Marker agree on every page.
            assert_eq!(page.is_truncated, page.marker.is_some(), "{:?}", page.marker);
            sizes.push(page.roles.len());
            seen.extend(page.roles.into_iter().map(|role| {
                assert_eq!(role.path, "/moto-tests/paged/");
                role.role_name
            }));
        }
        assert!(sizes.len() >= 3 && sizes.iter().all(|&n| n <= 100), "300 roles in pages of at most 100: {sizes:?}");
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "every role once");
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(sorted, names);

        // The items of every page, with moto's default page size.
        let all = ok(iam.list_roles().into_paginator().items().collect_items().await, "ListRoles (items)");
        assert_eq!(all.len(), ROLES + 1);

        let err = iam
            .create_role()
            .role_name("moto-tests-role-007")
            .assume_role_policy_document(TRUST_POLICY)
            .send()
            .await
            .expect_err("a second role of the same name");
        assert_eq!(err.code(), Some("EntityAlreadyExists"), "{err:?}");
        assert_eq!(err.status(), Some(409));
        assert!(err.request_id().is_some_and(|id| !id.is_empty()), "{err:?}");
        match err {
            CreateRoleError::EntityAlreadyExistsException(e) => {
                assert!(e.message.as_deref().is_some_and(|m| m.contains("moto-tests-role-007")), "{e:?}");
                assert_eq!(e.meta().code(), Some("EntityAlreadyExists"));
            }
            other => panic!("expected CreateRoleError::EntityAlreadyExistsException, got {other:?}"),
        }

        ok(iam.delete_role().role_name("moto-tests-role-007").send().await, "DeleteRole");
        match iam.get_role().role_name("moto-tests-role-007").send().await {
            Err(GetRoleError::NoSuchEntityException(e)) => {
                assert_eq!((e.meta().code(), e.meta().status()), (Some("NoSuchEntity"), Some(404)), "{e:?}")
            }
            other => panic!("GetRole of a deleted role: expected NoSuchEntityException, got {other:?}"),
        }
        let left = ok(iam.list_roles().path_prefix("/moto-tests/paged/").into_paginator().items().collect_items().await, "ListRoles");
        assert_eq!(left.len(), ROLES - 1);
        assert!(left.iter().all(|role| role.role_name != "moto-tests-role-007"));
    }
}

mod sns {
    use super::*;
    use moto_tests::sns::types::MessageAttributeValue;
    use moto_tests::sqs::types::QueueAttributeName;
    use std::collections::HashMap;

    /// A topic with an SQS queue subscribed: what is published arrives in
    /// the queue inside SNS's JSON envelope, with its subject and
    /// attributes (a map, written as `MessageAttributes.entry.N.*`); a
    /// deleted topic is SNS's `NotFound` code.
    #[tokio::test]
    async fn published_messages_reach_a_subscribed_queue() {
        let moto = Moto::start();
        let sns = client!(sns, moto);
        let sqs = client!(sqs, moto);

        let topic = ok(
            sns.create_topic().name("moto-tests-topic").attributes([("DisplayName", "query tests")]).send().await,
            "CreateTopic",
        )
        .topic_arn
        .expect("CreateTopic returns the topic's ARN");
        assert_eq!(topic, format!("arn:aws:sns:us-east-1:{ACCOUNT}:moto-tests-topic"));
        // The map went as `Attributes.entry.1.key`/`.value` and comes back
        // as `<entry><key/><value/></entry>`.
        let attributes = ok(sns.get_topic_attributes().topic_arn(&topic).send().await, "GetTopicAttributes").attributes.unwrap_or_default();
        assert_eq!(attributes.get("DisplayName").map(String::as_str), Some("query tests"), "{attributes:?}");
        assert_eq!(attributes.get("TopicArn"), Some(&topic), "{attributes:?}");

        let queue_url = ok(sqs.create_queue().queue_name("moto-tests-inbox").send().await, "CreateQueue").queue_url.expect("a URL");
        let attributes = ok(
            sqs.get_queue_attributes().queue_url(&queue_url).attribute_names(vec![QueueAttributeName::QueueArn]).send().await,
            "GetQueueAttributes",
        )
        .attributes
        .unwrap_or_default();
        let queue_arn = attributes.get("QueueArn").expect("the queue's ARN").clone();

        let subscription = ok(
            sns.subscribe()
                .topic_arn(&topic)
                .protocol("sqs")
                .endpoint(&queue_arn)
                .return_subscription_arn(true)
                .send()
                .await,
            "Subscribe",
        )
        .subscription_arn
        .expect("Subscribe returns the subscription's ARN");
        assert!(subscription.starts_with(&format!("{topic}:")), "{subscription}");

        let message = "hello & goodbye = +1 ünïcödé <xml/>\nline two";
        let published = ok(
            sns.publish()
                .topic_arn(&topic)
                .subject("query tests")
                .message(message)
                .message_attributes(HashMap::from([
                    ("colour".to_owned(), MessageAttributeValue::builder().data_type("String").string_value("blue").build().unwrap()),
                    ("count".to_owned(), MessageAttributeValue::builder().data_type("Number").string_value("42").build().unwrap()),
                ]))
                .send()
                .await,
            "Publish",
        );
        let message_id = published.message_id.expect("Publish returns the message id");

        let received = ok(
            sqs.receive_message().queue_url(&queue_url).max_number_of_messages(10).wait_time_seconds(1).send().await,
            "ReceiveMessage",
        );
        let messages = received.messages.unwrap_or_default();
        assert_eq!(messages.len(), 1, "{messages:?}");
        let body = messages[0].body.as_deref().expect("a body");
        let envelope: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("the SNS envelope is JSON ({e}): {body}"));
        assert_eq!(envelope["Type"], "Notification", "{envelope}");
        assert_eq!(envelope["Message"], message, "{envelope}");
        assert_eq!(envelope["MessageId"], message_id.as_str(), "{envelope}");
        assert_eq!(envelope["TopicArn"], topic.as_str(), "{envelope}");
        assert_eq!(envelope["Subject"], "query tests", "{envelope}");
        assert_eq!(envelope["MessageAttributes"]["colour"]["Value"], "blue", "{envelope}");
        assert_eq!(envelope["MessageAttributes"]["count"]["Type"], "Number", "{envelope}");
        assert_eq!(envelope["MessageAttributes"]["count"]["Value"], "42", "{envelope}");

        ok(sns.delete_topic().topic_arn(&topic).send().await, "DeleteTopic");
        // Publishing to a deleted topic is SNS's `NotFound` code, mapped to
        // its modeled error.
        match sns.publish().topic_arn(&topic).message("late").send().await {
            Err(moto_tests::sns::operation::publish::PublishError::NotFoundException(e)) => {
                assert_eq!((e.meta().code(), e.meta().status()), (Some("NotFound"), Some(404)), "{e:?}")
            }
            other => panic!("Publish to a deleted topic: expected NotFoundException, got {other:?}"),
        }
    }
}

mod cloudformation {
    use super::*;
    use moto_tests::cloudformation::types::StackStatus;

    /// A stack of one SQS queue: CreateStack, the generated
    /// `StackCreateComplete` waiter, DescribeStacks with the stack's
    /// outputs, the queue itself through the SQS client, DeleteStack and
    /// `StackDeleteComplete`.
    #[tokio::test]
    async fn a_stack_is_created_described_and_deleted() {
        let moto = Moto::start();
        let cloudformation = client!(cloudformation, moto);
        let sqs = client!(sqs, moto);
        let template = r#"{
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": "one queue, for the query tests",
            "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "moto-tests-stack-queue"}}},
            "Outputs": {"QueueArn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}}}
        }"#;
        let created = ok(
            cloudformation
                .create_stack()
                .stack_name("moto-tests-stack")
                .template_body(template)
                .tags([moto_tests::cloudformation::types::Tag::builder().key("team").value("genomics").build().unwrap()])
                .send()
                .await,
            "CreateStack",
        );
        let stack_id = created.stack_id.expect("CreateStack returns the stack's id");
        assert!(stack_id.starts_with(&format!("arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/moto-tests-stack/")), "{stack_id}");

        let done = ok(
            cloudformation.wait_until_stack_create_complete().stack_name("moto-tests-stack").wait(Duration::from_secs(120)).await,
            "StackCreateComplete",
        );
        let described = done.into_result().expect("the waiter ends on a successful DescribeStacks");
        let stacks = described.stacks.unwrap_or_default();
        assert_eq!(stacks.len(), 1);
        assert_eq!(stacks[0].stack_status, Some(StackStatus::CreateComplete));

        let stacks = ok(cloudformation.describe_stacks().stack_name("moto-tests-stack").send().await, "DescribeStacks")
            .stacks
            .unwrap_or_default();
        let stack = stacks.first().expect("the stack");
        assert_eq!(stack.stack_id.as_deref(), Some(stack_id.as_str()));
        assert_eq!(stack.stack_name.as_deref(), Some("moto-tests-stack"));
        assert_eq!(stack.description.as_deref(), Some("one queue, for the query tests"));
        assert!(stack.creation_time.is_some(), "a creation time");
        let tags: Vec<(&str, &str)> =
            stack.tags.iter().flatten().map(|t| (t.key.as_deref().unwrap_or(""), t.value.as_deref().unwrap_or(""))).collect();
        assert_eq!(tags, [("team", "genomics")]);
        let outputs = stack.outputs.clone().unwrap_or_default();
        let queue_arn = outputs.iter().find(|o| o.output_key.as_deref() == Some("QueueArn")).and_then(|o| o.output_value.clone());
        assert_eq!(queue_arn, Some(format!("arn:aws:sqs:us-east-1:{ACCOUNT}:moto-tests-stack-queue")));
        // The stack made the queue.
        ok(sqs.get_queue_url().queue_name("moto-tests-stack-queue").send().await, "GetQueueUrl of the stack's queue");

        ok(cloudformation.delete_stack().stack_name("moto-tests-stack").send().await, "DeleteStack");
        let deleted = ok(
            cloudformation.wait_until_stack_delete_complete().stack_name(&stack_id).wait(Duration::from_secs(120)).await,
            "StackDeleteComplete",
        );
        assert_eq!(deleted.attempts(), 1, "moto deletes at once");
        // By name, a deleted stack is not found: moto's ValidationError,
        // which the model does not list.
        let err = cloudformation.describe_stacks().stack_name("moto-tests-stack").send().await.expect_err("the stack is gone");
        assert_eq!((err.code(), err.status()), (Some("ValidationError"), Some(400)), "{err:?}");
        assert!(err.message().is_some_and(|m| m.contains("moto-tests-stack")), "{err:?}");
    }
}

mod cloudwatch {
    use super::*;
    use moto_tests::cloudwatch::transport::{BoxFuture, HttpClient, HttpRequest, HttpResponse, HyperClient, TransportError};
    use std::sync::{Arc, Mutex};

    /// A transport that notes each request's `Content-Encoding`, then sends
    /// it through `inner`.
    #[derive(Debug)]
    struct Noting {
        inner: HyperClient,
        seen: Arc<Mutex<Vec<Option<String>>>>,
    }

    impl HttpClient for Noting {
        fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            let encoding = request.headers().get("content-encoding").and_then(|v| v.to_str().ok()).map(str::to_owned);
            self.seen.lock().unwrap().push(encoding);
            self.inner.send(request)
        }
    }
    use moto_tests::cloudwatch::time::OffsetDateTime;
    use moto_tests::cloudwatch::types::{Dimension, MetricDatum, StandardUnit, Statistic};

    /// PutMetricData of datapoints (a list of structures with a nested
    /// list and timestamps, `MetricData.member.N.Dimensions.member.M.*`),
    /// then GetMetricStatistics sums and counts them.
    #[tokio::test]
    async fn put_metric_data_then_get_metric_statistics() {
        let moto = Moto::start();
        let cloudwatch = client!(cloudwatch, moto);
        let now = OffsetDateTime::now_utc();
        let dimension = || Dimension::builder().name("Pipeline").value("variant-calling").build().unwrap();
        let datum = |value: f64| {
            MetricDatum::builder()
                .metric_name("SamplesProcessed")
                .dimensions([dimension()])
                .timestamp(now - moto_tests::cloudwatch::time::Duration::seconds(30))
                .value(value)
                .unit(StandardUnit::Count)
                .build()
                .unwrap()
        };
        ok(
            cloudwatch.put_metric_data().namespace("MotoTests/Query").metric_data([datum(1.5), datum(2.5), datum(6.0)]).send().await,
            "PutMetricData",
        );

        let statistics = ok(
            cloudwatch
                .get_metric_statistics()
                .namespace("MotoTests/Query")
                .metric_name("SamplesProcessed")
                .dimensions([dimension()])
                .start_time(now - moto_tests::cloudwatch::time::Duration::minutes(10))
                .end_time(now + moto_tests::cloudwatch::time::Duration::minutes(10))
                .period(3600)
                .statistics([Statistic::Sum, Statistic::SampleCount, Statistic::Maximum])
                .send()
                .await,
            "GetMetricStatistics",
        );
        assert_eq!(statistics.label.as_deref(), Some("SamplesProcessed"));
        let datapoints = statistics.datapoints.unwrap_or_default();
        assert_eq!(datapoints.len(), 1, "{datapoints:?}");
        let point = &datapoints[0];
        assert_eq!((point.sum, point.sample_count, point.maximum), (Some(10.0), Some(3.0), Some(6.0)), "{point:?}");
        assert_eq!(point.unit, Some(StandardUnit::Count));
        assert!(point.timestamp.is_some(), "a timestamp");

        // Another dimension value has no data.
        let other = ok(
            cloudwatch
                .get_metric_statistics()
                .namespace("MotoTests/Query")
                .metric_name("SamplesProcessed")
                .dimensions([Dimension::builder().name("Pipeline").value("other").build().unwrap()])
                .start_time(now - moto_tests::cloudwatch::time::Duration::minutes(10))
                .end_time(now + moto_tests::cloudwatch::time::Duration::minutes(10))
                .period(3600)
                .statistics([Statistic::Sum])
                .send()
                .await,
            "GetMetricStatistics",
        );
        assert_eq!(other.datapoints.unwrap_or_default().len(), 0);
    }

    /// A PutMetricData form over the 10 KiB threshold goes gzip-compressed
    /// (`@requestCompression`, `Content-Encoding: gzip`), which moto reads
    /// like CloudWatch: 500 datapoints, summed and counted.
    #[tokio::test]
    async fn a_large_put_metric_data_is_compressed_and_read() {
        let moto = Moto::start();
        // The hyper transport, with each request's Content-Encoding noted.
        let seen = Arc::new(Mutex::new(Vec::new()));
        let cloudwatch = moto_tests::cloudwatch::Client::new(
            moto_tests::cloudwatch::config::Config::builder()
                .region("us-east-1")
                .static_credentials("testing", "testing")
                .endpoint_url(moto.endpoint())
                .http_client(Noting { inner: HyperClient::new(), seen: seen.clone() })
                .build(),
        );
        let now = OffsetDateTime::now_utc();
        let data: Vec<MetricDatum> = (1..=500)
            .map(|i| {
                MetricDatum::builder()
                    .metric_name("BasesCalled")
                    .dimensions([Dimension::builder().name("Run").value("compressed").build().unwrap()])
                    .timestamp(now - moto_tests::cloudwatch::time::Duration::seconds(30))
                    .value(f64::from(i))
                    .build()
                    .unwrap()
            })
            .collect();
        ok(cloudwatch.put_metric_data().namespace("MotoTests/Compressed").metric_data(data).send().await, "PutMetricData (500 datapoints)");
        assert_eq!(seen.lock().unwrap().as_slice(), [Some("gzip".to_owned())], "PutMetricData went gzip-compressed");
        let statistics = ok(
            cloudwatch
                .get_metric_statistics()
                .namespace("MotoTests/Compressed")
                .metric_name("BasesCalled")
                .dimensions([Dimension::builder().name("Run").value("compressed").build().unwrap()])
                .start_time(now - moto_tests::cloudwatch::time::Duration::minutes(10))
                .end_time(now + moto_tests::cloudwatch::time::Duration::minutes(10))
                .period(3600)
                .statistics([Statistic::Sum, Statistic::SampleCount])
                .send()
                .await,
            "GetMetricStatistics",
        );
        let datapoints = statistics.datapoints.unwrap_or_default();
        assert_eq!(datapoints.len(), 1, "{datapoints:?}");
        assert_eq!((datapoints[0].sum, datapoints[0].sample_count), (Some(125_250.0), Some(500.0)), "{:?}", datapoints[0]);
    }
}

//! The generated clients of DynamoDB, SQS, KMS, Secrets Manager, SSM,
//! Glacier, Kafka and Route 53 against moto's server, through their default transport (hyper): each
//! test starts its own server on a free port of 127.0.0.1 and calls it as a
//! user would (region us-east-1, static credentials `testing`/`testing`,
//! `endpoint_url`). moto must be installed: `.ci/run` installs it and
//! exports `MOTO_SERVER` (see `src/moto.rs`); without it these tests fail,
//! saying how to install it.

use std::collections::HashMap;
use std::error::Error;

use moto_tests::Moto;

/// A client of `moto_tests::<service>` that calls the server.
macro_rules! client {
    ($service:ident, $moto:expr) => {
        moto_tests::$service::Client::new(
            moto_tests::$service::config::Config::builder()
                .region("us-east-1")
                .static_credentials("testing", "testing")
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

mod dynamodb {
    use super::*;
    use moto_tests::dynamodb::operation::describe_table::DescribeTableError;
    use moto_tests::dynamodb::operation::put_item::PutItemError;
    use moto_tests::dynamodb::primitives::Blob;
    use moto_tests::dynamodb::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, PutRequest, ScalarAttributeType, WriteRequest,
    };
    use moto_tests::dynamodb::Client;

    type Item = HashMap<String, AttributeValue>;

    /// An item as a map, to compare with what the service returns.
    fn item<const N: usize>(entries: [(&str, AttributeValue); N]) -> Item {
        entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    /// The item with its sets sorted: DynamoDB does not keep the order of
    /// a set's members.
    fn sorted_sets(item: &Item) -> Item {
        fn sorted(v: &[String]) -> Vec<String> {
            let mut v = v.to_vec();
            v.sort();
            v
        }
        fn sort(value: &AttributeValue) -> AttributeValue {
            match value {
                AttributeValue::Ss(v) => AttributeValue::Ss(sorted(v)),
                AttributeValue::Ns(v) => AttributeValue::Ns(sorted(v)),
                AttributeValue::Bs(v) => {
                    let mut v = v.clone();
                    v.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
                    AttributeValue::Bs(v)
                }
                AttributeValue::M(m) => AttributeValue::M(sorted_sets(m)),
                AttributeValue::L(l) => AttributeValue::L(l.iter().map(sort).collect()),
                other => other.clone(),
            }
        }
        item.iter().map(|(k, v)| (k.clone(), sort(v))).collect()
    }

    /// Creates a table keyed by `pk` (string) and `sk` (number).
    async fn create_table(client: &Client, table: &str) {
        let key = |name: &str, key_type| KeySchemaElement::builder().attribute_name(name).key_type(key_type).build().unwrap();
        let attribute = |name: &str, ty| AttributeDefinition::builder().attribute_name(name).attribute_type(ty).build().unwrap();
        let created = ok(
            client
                .create_table()
                .table_name(table)
                .key_schema(vec![key("pk", KeyType::Hash), key("sk", KeyType::Range)])
                .attribute_definitions(vec![attribute("pk", ScalarAttributeType::S), attribute("sk", ScalarAttributeType::N)])
                .billing_mode(BillingMode::PayPerRequest)
                .send()
                .await,
            "CreateTable",
        );
        let description = created.table_description.expect("CreateTable returns the table's description");
        assert_eq!(description.table_name.as_deref(), Some(table));
        assert_eq!(description.key_schema.as_ref().map(Vec::len), Some(2));
    }

    /// An item with every kind of attribute value, nested, built with the
    /// constructors and `From` impls of the generated `AttributeValue`.
    fn rich_item() -> Item {
        item([
            ("pk", "user#1".into()),
            ("sk", 1.into()),
            ("name", "Ada Lovelace".into()),
            ("empty_string", "".into()),
            ("unicode", "żółw 🐢 \"quoted\" \\ back\nline".into()),
            ("age", 36u8.into()),
            ("ratio", 2.75.into()),
            ("negative", (-17i64).into()),
            // More digits than any Rust number holds: the text itself.
            ("big", AttributeValue::N("12345678901234567890123456789012345678".into())),
            ("tiny", AttributeValue::N("1E-130".into())),
            ("bytes", vec![0u8, 1, 2, 254, 255].into()),
            ("flag", true.into()),
            ("nothing", AttributeValue::Null(true)),
            ("tags", AttributeValue::string_set(["red", "green", "blue"])),
            ("scores", AttributeValue::number_set([1.0, 2.5, -3.0])),
            ("keys", AttributeValue::Bs(vec![Blob::new(vec![1u8]), Blob::new(vec![2u8, 3]), Blob::new(b"\x00\xff".to_vec())])),
            (
                "list",
                AttributeValue::list([
                    "x".into(),
                    1.into(),
                    AttributeValue::list([false.into()]),
                    AttributeValue::map([("k", "v".into())]),
                ]),
            ),
            ("empty_list", AttributeValue::list([])),
            ("empty_map", AttributeValue::M(HashMap::new())),
            (
                "profile",
                AttributeValue::map([
                    (
                        "address",
                        AttributeValue::map([("city", "London".into()), ("lines", AttributeValue::list(["12 St James's Square".into()]))]),
                    ),
                    ("counts", AttributeValue::map([("visits", 0.into()), ("ratio", 0.5.into())])),
                    ("avatar", AttributeValue::binary(b"\x89PNG".to_vec())),
                    ("nicknames", AttributeValue::string_set(["Ada"])),
                ]),
            ),
        ])
    }

    #[tokio::test]
    async fn put_item_then_get_item_returns_the_same_item() {
        let moto = Moto::start();
        let client = client!(dynamodb, moto);
        create_table(&client, "round-trip").await;

        let rich = rich_item();
        ok(client.put_item().table_name("round-trip").item(rich.clone()).send().await, "PutItem");

        let got = ok(
            client
                .get_item()
                .table_name("round-trip")
                .key([("pk", AttributeValue::from("user#1")), ("sk", 1.into())])
                .consistent_read(true)
                .send()
                .await,
            "GetItem",
        );
        assert!(got.request_id().is_some_and(|id| !id.is_empty()), "GetItem has a request id");
        let got = got.item.expect("GetItem finds the item");
        assert_eq!(sorted_sets(&got), sorted_sets(&rich));

        // A key that is not there: no item, not an error.
        let missing =
            ok(client.get_item().table_name("round-trip").key(item([("pk", "nobody".into()), ("sk", 1.into())])).send().await, "GetItem");
        assert_eq!(missing.item, None);

        ok(client.delete_table().table_name("round-trip").send().await, "DeleteTable");
        match client.describe_table().table_name("round-trip").send().await {
            Err(DescribeTableError::ResourceNotFoundException(e)) => assert_eq!(e.meta().status(), Some(400)),
            other => panic!("DescribeTable of a deleted table: expected ResourceNotFoundException, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn conditional_check_failure_is_its_typed_error() {
        let moto = Moto::start();
        let client = client!(dynamodb, moto);
        create_table(&client, "conditions").await;
        let first = item([("pk", "a".into()), ("sk", 1.into()), ("v", 1.into())]);
        let put = |item: Item| client.put_item().table_name("conditions").item(item).condition_expression("attribute_not_exists(pk)");
        ok(put(first.clone()).send().await, "the first conditional PutItem");

        let err = put(first).send().await.expect_err("a second PutItem with attribute_not_exists(pk) fails");
        assert_eq!(err.status(), Some(400));
        assert_eq!(err.code(), Some("ConditionalCheckFailedException"));
        assert!(err.request_id().is_some_and(|id| !id.is_empty()), "the error has a request id: {err:?}");
        assert!(err.to_string().contains("ConditionalCheckFailedException"), "{err}");
        match err {
            PutItemError::ConditionalCheckFailedException(e) => {
                assert_eq!(e.meta().status(), Some(400));
                assert!(e.message.as_deref().is_some_and(|m| !m.is_empty()), "the error carries the service's message");
            }
            other => panic!("expected PutItemError::ConditionalCheckFailedException, got {other:?}"),
        }
        ok(client.delete_table().table_name("conditions").send().await, "DeleteTable");
    }

    #[tokio::test]
    async fn query_pages_through_2500_items() {
        const ITEMS: usize = 2500;
        let moto = Moto::start();
        let client = client!(dynamodb, moto);
        create_table(&client, "pages").await;

        // About 1 KiB each, so that moto's 1 MB page limit splits the result.
        let padding = "p".repeat(1000);
        let items: Vec<WriteRequest> = (0..ITEMS)
            .map(|i| {
                let put = PutRequest::builder().item(item([("pk", "all".into()), ("sk", i.into()), ("padding", padding.as_str().into())]));
                WriteRequest::builder().put_request(put.build().unwrap()).build()
            })
            .collect();
        for batch in items.chunks(25) {
            let written = ok(
                client.batch_write_item().request_items(HashMap::from([("pages".to_owned(), batch.to_vec())])).send().await,
                "BatchWriteItem",
            );
            assert!(written.unprocessed_items.unwrap_or_default().is_empty(), "every item written");
        }

        let query = || {
            client
                .query()
                .table_name("pages")
                .key_condition_expression("pk = :pk")
                .expression_attribute_values([(":pk", AttributeValue::from("all"))])
                .consistent_read(true)
        };

        // Pages cut by moto's 1 MB limit.
        let mut pages = query().into_paginator().send();
        let mut sizes = Vec::new();
        let mut keys = Vec::new();
        while let Some(page) = pages.next().await {
            let page = ok(page, "Query (a page)");
            let page_items = page.items.unwrap_or_default();
            assert_eq!(page.count as usize, page_items.len());
            sizes.push(page_items.len());
            keys.extend(page_items.iter().map(|item| {
                item.get("sk")
                    .and_then(AttributeValue::as_number::<usize>)
                    .unwrap_or_else(|| panic!("an item without its sort key: {item:?}"))
            }));
        }
        assert!(sizes.len() > 1, "2,500 items of 1 KiB come in several pages, got {sizes:?}");
        assert_eq!(keys, (0..ITEMS).collect::<Vec<_>>(), "every item once, in sort key order");

        // Pages of at most 400 items (`Limit`; 400 KiB, under the 1 MB
        // limit), then read as items.
        let mut pages = query().into_paginator().page_size(400).send();
        let mut sizes = Vec::new();
        while let Some(page) = pages.next().await {
            sizes.push(ok(page, "Query (a page of 400)").items.unwrap_or_default().len());
        }
        assert_eq!(sizes, [400, 400, 400, 400, 400, 400, 100]);
        let items = ok(query().into_paginator().page_size(400).items().collect_items().await, "Query (items)");
        assert_eq!(items.len(), ITEMS);

        ok(client.delete_table().table_name("pages").send().await, "DeleteTable");
    }
}

mod sqs {
    use super::*;
    use moto_tests::sqs::operation::get_queue_url::GetQueueUrlError;
    use moto_tests::sqs::primitives::Blob;
    use moto_tests::sqs::types::MessageAttributeValue;

    #[tokio::test]
    async fn send_receive_and_delete_a_message_with_attributes() {
        let moto = Moto::start();
        let client = client!(sqs, moto);
        let queue_url = ok(client.create_queue().queue_name("moto-tests").send().await, "CreateQueue").queue_url.expect("a queue URL");
        let found = ok(client.get_queue_url().queue_name("moto-tests").send().await, "GetQueueUrl");
        assert_eq!(found.queue_url.as_deref(), Some(queue_url.as_str()));

        let attributes = HashMap::from([
            ("colour".to_owned(), MessageAttributeValue::builder().data_type("String").string_value("blue").build().unwrap()),
            ("count".to_owned(), MessageAttributeValue::builder().data_type("Number").string_value("42").build().unwrap()),
            (
                "raw".to_owned(),
                MessageAttributeValue::builder().data_type("Binary").binary_value(Blob::new(vec![0u8, 1, 255])).build().unwrap(),
            ),
        ]);
        let body = "hello from a generated client: ünïcödé & <xml>";
        let sent = ok(
            client.send_message().queue_url(&queue_url).message_body(body).message_attributes(attributes.clone()).send().await,
            "SendMessage",
        );
        assert!(sent.message_id.is_some(), "SendMessage returns the message id");
        assert!(sent.md5_of_message_body.is_some(), "SendMessage returns the body's MD5");

        let received = ok(
            client
                .receive_message()
                .queue_url(&queue_url)
                .message_attribute_names(vec!["All".to_owned()])
                .max_number_of_messages(10)
                // Visible again at once unless deleted (checked below).
                .visibility_timeout(0)
                .wait_time_seconds(0)
                .send()
                .await,
            "ReceiveMessage",
        );
        let messages = received.messages.unwrap_or_default();
        assert_eq!(messages.len(), 1, "{messages:?}");
        let message = &messages[0];
        assert_eq!(message.body.as_deref(), Some(body));
        assert_eq!(message.message_id, sent.message_id);
        assert_eq!(message.md5_of_body, sent.md5_of_message_body);
        assert_eq!(message.message_attributes.as_ref(), Some(&attributes));

        let receipt = message.receipt_handle.clone().expect("a receipt handle");
        ok(client.delete_message().queue_url(&queue_url).receipt_handle(receipt).send().await, "DeleteMessage");
        // Deleted, not just hidden: it was received with a visibility timeout of 0.
        let again = ok(client.receive_message().queue_url(&queue_url).wait_time_seconds(0).send().await, "ReceiveMessage");
        assert_eq!(again.messages.unwrap_or_default().len(), 0);
        ok(client.delete_queue().queue_url(&queue_url).send().await, "DeleteQueue");
    }

    #[tokio::test]
    async fn a_missing_queue_is_its_typed_error_with_the_query_code() {
        let moto = Moto::start();
        let client = client!(sqs, moto);
        let err = client.get_queue_url().queue_name("no-such-queue").send().await.expect_err("GetQueueUrl of a missing queue fails");
        assert_eq!(err.status(), Some(400));
        assert!(err.request_id().is_some_and(|id| !id.is_empty()), "the error has a request id: {err:?}");
        match &err {
            GetQueueUrlError::QueueDoesNotExist(e) => {
                // moto sends `x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender`,
                // as SQS does for awsQuery-compatible clients.
                assert_eq!(e.meta().code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
                assert!(e.message.as_deref().is_some_and(|m| m.contains("does not exist")), "{e:?}");
            }
            other => panic!("expected GetQueueUrlError::QueueDoesNotExist, got {other:?}"),
        }
        assert_eq!(err.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
    }
}

mod kms {
    use super::*;
    use moto_tests::kms::primitives::Blob;

    #[tokio::test]
    async fn encrypt_then_decrypt_round_trips() {
        let moto = Moto::start();
        let client = client!(kms, moto);
        let key = ok(client.create_key().description("moto-tests").send().await, "CreateKey").key_metadata.expect("the key's metadata");
        let described = ok(client.describe_key().key_id(&key.key_id).send().await, "DescribeKey");
        assert_eq!(described.key_metadata.map(|m| m.key_id), Some(key.key_id.clone()));

        let plaintext: Vec<u8> = (0..=255u8).collect();
        let encrypted = ok(client.encrypt().key_id(&key.key_id).plaintext(Blob::new(plaintext.clone())).send().await, "Encrypt");
        let ciphertext = encrypted.ciphertext_blob.expect("a ciphertext");
        assert_ne!(ciphertext.as_ref(), plaintext.as_slice());

        let decrypted = ok(client.decrypt().ciphertext_blob(ciphertext).send().await, "Decrypt");
        assert_eq!(decrypted.plaintext.as_ref().map(|p| p.as_ref()), Some(plaintext.as_slice()));
        assert_eq!(decrypted.key_id, key.arn, "Decrypt names the key by its ARN");
    }
}

mod secretsmanager {
    use super::*;
    use moto_tests::secretsmanager::operation::get_secret_value::GetSecretValueError;
    use moto_tests::secretsmanager::primitives::Blob;

    #[tokio::test]
    async fn create_secret_then_get_secret_value() {
        let moto = Moto::start();
        let client = client!(secretsmanager, moto);
        let value = r#"{"user":"admin","password":"p@ss w0rd"}"#;
        let created = ok(client.create_secret().name("moto-tests/db").secret_string(value).send().await, "CreateSecret");
        assert!(created.version_id.is_some(), "CreateSecret returns the version id");

        let got = ok(client.get_secret_value().secret_id("moto-tests/db").send().await, "GetSecretValue");
        assert_eq!(got.secret_string.as_deref(), Some(value));
        assert_eq!(got.arn, created.arn);
        assert_eq!(got.name.as_deref(), Some("moto-tests/db"));
        assert_eq!(got.version_id, created.version_id);
        assert!(got.created_date.is_some(), "a creation date (epoch seconds with a fraction)");

        let bytes = vec![0u8, 159, 146, 150, 255];
        ok(client.create_secret().name("moto-tests/binary").secret_binary(Blob::new(bytes.clone())).send().await, "CreateSecret");
        let got = ok(client.get_secret_value().secret_id("moto-tests/binary").send().await, "GetSecretValue");
        assert_eq!(got.secret_binary.as_ref().map(|b| b.as_ref()), Some(bytes.as_slice()));

        match client.get_secret_value().secret_id("moto-tests/missing").send().await {
            // Secrets Manager answers 400; moto 404.
            Err(GetSecretValueError::ResourceNotFoundException(e)) => {
                assert!(e.meta().status().is_some_and(|s| (400..500).contains(&s)), "{e:?}")
            }
            other => panic!("GetSecretValue of a missing secret: expected ResourceNotFoundException, got {other:?}"),
        }
    }
}

mod ssm {
    use super::*;
    use moto_tests::ssm::types::ParameterType;

    #[tokio::test]
    async fn parameters_by_path_come_in_pages() {
        let moto = Moto::start();
        let client = client!(ssm, moto);
        for i in 0..7 {
            let put =
                client.put_parameter().name(format!("/moto-tests/app/p{i}")).value(format!("value {i}")).r#type(ParameterType::String);
            assert_eq!(ok(put.send().await, "PutParameter").version, 1);
        }
        ok(
            client.put_parameter().name("/moto-tests/app/secret").value("s3cret").r#type(ParameterType::SecureString).send().await,
            "PutParameter",
        );
        ok(client.put_parameter().name("/moto-tests/other").value("elsewhere").r#type(ParameterType::String).send().await, "PutParameter");

        let one = ok(client.get_parameter().name("/moto-tests/app/p3").send().await, "GetParameter").parameter.expect("the parameter");
        assert_eq!(one.value.as_deref(), Some("value 3"));
        assert_eq!(one.r#type, Some(ParameterType::String));
        assert!(one.last_modified_date.is_some(), "a modification date");
        let secret = ok(client.get_parameter().name("/moto-tests/app/secret").with_decryption(true).send().await, "GetParameter");
        assert_eq!(secret.parameter.and_then(|p| p.value).as_deref(), Some("s3cret"));

        let mut pages = client.get_parameters_by_path().path("/moto-tests/app").with_decryption(true).into_paginator().page_size(3).send();
        let mut sizes = Vec::new();
        let mut names = Vec::new();
        while let Some(page) = pages.next().await {
            let parameters = ok(page, "GetParametersByPath (a page)").parameters.unwrap_or_default();
            sizes.push(parameters.len());
            names.extend(parameters.into_iter().map(|p| p.name.unwrap_or_default()));
        }
        assert!(sizes.len() >= 3 && sizes.iter().all(|&n| n <= 3), "8 parameters in pages of at most 3, got {sizes:?}");
        names.sort();
        let mut expected: Vec<String> = (0..7).map(|i| format!("/moto-tests/app/p{i}")).collect();
        expected.push("/moto-tests/app/secret".into());
        assert_eq!(names, expected);
    }
}

mod glacier {
    use super::*;
    use moto_tests::glacier::operation::describe_vault::DescribeVaultError;

    /// No call sets `account_id`: the client fills in `-` (the account of
    /// the credentials), as boto3 and the AWS SDKs do, for plain calls, the
    /// waiter and the paginator alike.
    #[tokio::test]
    async fn vaults_without_an_account_id() {
        let moto = Moto::start();
        let client = client!(glacier, moto);
        for name in ["moto-tests-a", "moto-tests-b"] {
            ok(client.create_vault().vault_name(name).send().await, "CreateVault");
        }
        let found = ok(
            client.wait_until_vault_exists().vault_name("moto-tests-a").wait(std::time::Duration::from_secs(60)).await,
            "VaultExists",
        );
        let vault = found.into_result().expect("the vault exists");
        assert_eq!(vault.vault_name.as_deref(), Some("moto-tests-a"));
        assert!(vault.vault_arn.as_deref().is_some_and(|arn| arn.ends_with(":vaults/moto-tests-a")), "{:?}", vault.vault_arn);
        assert_eq!(vault.number_of_archives, 0);

        let described = ok(client.describe_vault().vault_name("moto-tests-b").send().await, "DescribeVault");
        assert_eq!(described.vault_name.as_deref(), Some("moto-tests-b"));
        // An explicit `-` is the same account.
        ok(client.describe_vault().account_id("-").vault_name("moto-tests-b").send().await, "DescribeVault");

        let mut names = Vec::new();
        let mut vaults = client.list_vaults().into_paginator().items();
        while let Some(vault) = vaults.next().await {
            names.push(ok(vault, "ListVaults (an item)").vault_name.unwrap_or_default());
        }
        names.sort();
        assert_eq!(names, ["moto-tests-a", "moto-tests-b"]);

        ok(client.delete_vault().vault_name("moto-tests-a").send().await, "DeleteVault");
        match client.describe_vault().vault_name("moto-tests-a").send().await {
            Ok(vault) => panic!("the vault was deleted, yet described: {vault:?}"),
            // moto's code for a missing vault, which the model does not
            // list (AWS's is ResourceNotFoundException).
            Err(e) => {
                assert_eq!(e.code(), Some("VaultNotFound"), "{e:?}");
                assert!(matches!(e, DescribeVaultError::Unhandled(_)), "{e:?}");
            }
        }
        let left = ok(client.list_vaults().send().await, "ListVaults").vault_list.unwrap_or_default();
        assert_eq!(left.len(), 1);
    }
}

mod kafka {
    use super::*;
    use moto_tests::kafka::types::{ClusterType, ServerlessRequest, VpcConfig};

    /// moto sends a cluster's `creationTime` without an offset
    /// (`2026-12-01T21:38:32.014423`), which botocore reads as UTC: so does
    /// the client, instead of failing the whole response. The tags go
    /// through the collection setters as arrays of `&str`.
    #[tokio::test]
    async fn clusters_with_offsetless_creation_times_and_tags() {
        let moto = Moto::start();
        let client = client!(kafka, moto);
        let before = std::time::SystemTime::now() - std::time::Duration::from_secs(300);
        let vpc = VpcConfig::builder().subnet_ids(["subnet-1", "subnet-2"]).security_group_ids(["sg-1"]).build().unwrap();
        let serverless = ServerlessRequest::builder().vpc_configs([vpc]).build().unwrap();
        let created = ok(
            client.create_cluster_v2().cluster_name("moto-tests").serverless(serverless).tags([("team", "genomics")]).send().await,
            "CreateClusterV2",
        );
        let arn = created.cluster_arn.expect("the cluster's ARN");
        assert_eq!(created.cluster_type, Some(ClusterType::Serverless));

        let cluster = ok(client.describe_cluster_v2().cluster_arn(&arn).send().await, "DescribeClusterV2")
            .cluster_info
            .expect("the cluster's description");
        assert_eq!(cluster.cluster_name.as_deref(), Some("moto-tests"));
        let created_at = cluster.creation_time.expect("moto sends a creation time");
        // moto writes its local time without an offset; the test machine's
        // local time is within a day of UTC.
        let since = created_at - moto_tests::kafka::time::OffsetDateTime::from(before);
        assert!(since.whole_hours().abs() <= 14, "creation time {created_at} is not close to now");
        assert_eq!(created_at.offset(), moto_tests::kafka::time::UtcOffset::UTC);

        ok(client.tag_resource().resource_arn(&arn).tags([("stage", "test"), ("owner", "ci")]).send().await, "TagResource");
        ok(client.untag_resource().resource_arn(&arn).tag_keys(["team", "owner"]).send().await, "UntagResource");
        let tags = ok(client.list_tags_for_resource().resource_arn(&arn).send().await, "ListTagsForResource").tags.unwrap_or_default();
        assert_eq!(tags, HashMap::from([("stage".to_owned(), "test".to_owned())]));
    }
}

mod route53 {
    use super::*;
    use moto_tests::route53::types::{Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType};

    /// restXml end to end: XML request bodies (nested structures, wrapped
    /// lists), XML responses, labels.
    #[tokio::test]
    async fn hosted_zones_and_record_sets() {
        let moto = Moto::start();
        let client = client!(route53, moto);
        let created = ok(
            client.create_hosted_zone().name("example.com").caller_reference("moto-tests-1").send().await,
            "CreateHostedZone",
        );
        let zone = created.hosted_zone;
        assert_eq!(zone.name, "example.com.");
        // Ids come as `/hostedzone/ID`; trimming the prefix in labels is a
        // customization of a later part of issue 14.
        let id = zone.id.trim_start_matches("/hostedzone/").to_owned();
        let zones = ok(client.list_hosted_zones().send().await, "ListHostedZones").hosted_zones;
        assert_eq!(zones.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(), ["example.com."]);

        let record = ResourceRecordSet::builder()
            .name("www.example.com")
            .r#type(RrType::A)
            .ttl(300)
            .resource_records([ResourceRecord::builder().value("192.0.2.1").build().unwrap()])
            .build()
            .unwrap();
        let change = Change::builder().action(ChangeAction::Create).resource_record_set(record).build().unwrap();
        let batch = ChangeBatch::builder().changes([change]).build().unwrap();
        ok(client.change_resource_record_sets().hosted_zone_id(&id).change_batch(batch).send().await, "ChangeResourceRecordSets");
        let sets = ok(client.list_resource_record_sets().hosted_zone_id(&id).send().await, "ListResourceRecordSets").resource_record_sets;
        let www = sets.iter().find(|s| s.name == "www.example.com.").expect("the new record set");
        assert_eq!((www.r#type.clone(), www.ttl), (RrType::A, Some(300)));
        let values: Vec<&str> = www.resource_records.iter().flatten().map(|r| r.value.as_str()).collect();
        assert_eq!(values, ["192.0.2.1"]);
    }
}

/// The harness itself: the server is gone once its guard is dropped.
#[test]
fn the_server_stops_when_dropped() {
    let moto = Moto::start();
    let port = moto.port();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(), "the server answers");
    drop(moto);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "nothing listens on port {port} after the drop");
}

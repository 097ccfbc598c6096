//! The account id of the credentials and the operation's input in the
//! endpoint, as a DynamoDB client meets them (the generated client of
//! `ListTables`, `DescribeTable` and `BatchGetItem` that the endpoint tests
//! build, sending to a `TestTransport`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_credential_types::provider::{future, ProvideCredentials};
use endpoint_tests::dynamodb_client::config::{AccountIdEndpointMode, Config, ConfigBuilder, Credentials};
use endpoint_tests::dynamodb_client::error::DisplayErrorContext;
use endpoint_tests::dynamodb_client::testing::TestTransport;
use endpoint_tests::dynamodb_client::types::{AttributeValue, KeysAndAttributes};
use endpoint_tests::dynamodb_client::Client;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

/// A configuration for `us-east-1` whose transport answers `200 {}`.
fn builder(transport: &TestTransport) -> ConfigBuilder {
    transport.respond(200, "{}");
    Config::builder().region("us-east-1").http_client(transport.clone())
}

/// Where `ListTables` went, or the error chain.
fn list_tables(config: Config, transport: &TestTransport) -> Result<String, String> {
    match block_on(Client::new(config).list_tables().send()) {
        Ok(_) => Ok(transport.requests()[0].uri().to_string()),
        Err(e) => Err(DisplayErrorContext(&e).to_string()),
    }
}

#[test]
fn credentials_with_an_account_id_send_to_the_accounts_endpoint() {
    let transport = TestTransport::new();
    let config = builder(&transport).static_credentials_with_account_id("AKID", "SECRET", "123456789012").build();
    assert_eq!(list_tables(config, &transport).unwrap(), "https://123456789012.ddb.us-east-1.amazonaws.com/");
    // Signed for DynamoDB in the region, as before.
    let authorization = transport.requests()[0].headers()["authorization"].to_str().unwrap().to_owned();
    assert!(authorization.contains("/us-east-1/dynamodb/aws4_request"), "{authorization}");

    // Any credentials type carries it: here built by hand.
    let transport = TestTransport::new();
    let credentials = Credentials::builder()
        .access_key_id("AKID")
        .secret_access_key("SECRET")
        .account_id("210987654321")
        .provider_name("test")
        .build();
    let config = builder(&transport).credentials(credentials).build();
    assert_eq!(list_tables(config, &transport).unwrap(), "https://210987654321.ddb.us-east-1.amazonaws.com/");
}

#[test]
fn without_an_account_id_or_with_the_mode_disabled_the_endpoint_is_regional() {
    let transport = TestTransport::new();
    let config = builder(&transport).static_credentials("AKID", "SECRET").build();
    assert_eq!(list_tables(config, &transport).unwrap(), "https://dynamodb.us-east-1.amazonaws.com/");

    let transport = TestTransport::new();
    let config = builder(&transport)
        .static_credentials_with_account_id("AKID", "SECRET", "123456789012")
        .account_id_endpoint_mode(AccountIdEndpointMode::Disabled)
        .build();
    assert_eq!(list_tables(config, &transport).unwrap(), "https://dynamodb.us-east-1.amazonaws.com/");
}

#[test]
fn required_without_an_account_id_fails_naming_the_setting() {
    let transport = TestTransport::new();
    let config = builder(&transport)
        .static_credentials("AKID", "SECRET")
        .account_id_endpoint_mode(AccountIdEndpointMode::Required)
        .build();
    let error = list_tables(config, &transport).unwrap_err();
    assert!(error.starts_with("configuration error: cannot resolve the endpoint: AccountIdEndpointMode is required"), "{error}");
    assert!(error.contains("account_id_endpoint_mode") && error.contains("AWS_ACCOUNT_ID_ENDPOINT_MODE"), "{error}");
    assert!(transport.requests().is_empty());

    // Without credentials at all, that is what the error says.
    let transport = TestTransport::new();
    let config = builder(&transport).account_id_endpoint_mode(AccountIdEndpointMode::Required).build();
    let error = list_tables(config, &transport).unwrap_err();
    assert!(error.contains("credentials") && !error.contains("cannot resolve the endpoint"), "{error}");
    assert!(transport.requests().is_empty());

    // With an account id, `required` is satisfied.
    let transport = TestTransport::new();
    let config = builder(&transport)
        .static_credentials_with_account_id("AKID", "SECRET", "123456789012")
        .account_id_endpoint_mode(AccountIdEndpointMode::Required)
        .build();
    assert_eq!(list_tables(config, &transport).unwrap(), "https://123456789012.ddb.us-east-1.amazonaws.com/");
}

#[test]
fn the_environment_gives_the_account_id_and_the_mode() {
    let env = |mode: Option<&'static str>| {
        move |name: &str| -> Option<String> {
            match name {
                "AWS_REGION" => Some("eu-west-1".into()),
                "AWS_ACCESS_KEY_ID" => Some("AKID".into()),
                "AWS_SECRET_ACCESS_KEY" => Some("SECRET".into()),
                "AWS_ACCOUNT_ID" => Some("123456789012".into()),
                "AWS_ACCOUNT_ID_ENDPOINT_MODE" => mode.map(str::to_owned),
                _ => None,
            }
        }
    };
    let transport = TestTransport::new();
    transport.respond(200, "{}");
    let config = Config::from_env_source(env(None)).http_client(transport.clone()).build();
    assert_eq!(list_tables(config, &transport).unwrap(), "https://123456789012.ddb.eu-west-1.amazonaws.com/");

    let transport = TestTransport::new();
    transport.respond(200, "{}");
    let config = Config::from_env_source(env(Some("disabled"))).http_client(transport.clone()).build();
    assert_eq!(config.account_id_endpoint_mode(), AccountIdEndpointMode::Disabled);
    assert_eq!(list_tables(config, &transport).unwrap(), "https://dynamodb.eu-west-1.amazonaws.com/");
}

/// Counts its calls; its credentials carry an account id.
#[derive(Debug, Clone, Default)]
struct Counting {
    calls: Arc<AtomicUsize>,
}

impl ProvideCredentials for Counting {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        self.calls.fetch_add(1, Ordering::SeqCst);
        future::ProvideCredentials::ready(Ok(Credentials::builder()
            .access_key_id("AKID")
            .secret_access_key("SECRET")
            .account_id("123456789012")
            .provider_name("counting")
            .build()))
    }
}

#[test]
fn the_identity_resolved_for_the_endpoint_is_the_one_the_cache_keeps() {
    let provider = Counting::default();
    let transport = TestTransport::new();
    transport.respond(200, "{}").respond(200, "{}");
    let client = Client::new(builder(&transport).credentials_provider(provider.clone()).build());
    block_on(async {
        for _ in 0..3 {
            client.list_tables().send().await.unwrap();
        }
    });
    // Resolved before the endpoint of the first call, then reused by its
    // attempt and by the later calls.
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
    let uris: Vec<String> = transport.requests().iter().map(|r| r.uri().to_string()).collect();
    assert_eq!(uris, ["https://123456789012.ddb.us-east-1.amazonaws.com/"; 3]);
}

#[test]
fn the_input_names_the_resource_whose_account_the_endpoint_uses() {
    // DescribeTable: `TableName` is the `ResourceArn` (contextParam).
    let transport = TestTransport::new();
    let client = Client::new(builder(&transport).static_credentials_with_account_id("AKID", "SECRET", "111111111111").build());
    let arn = "arn:aws:dynamodb:us-east-1:222222222222:table/orders";
    block_on(client.describe_table().table_name(arn).send()).unwrap();
    assert_eq!(transport.requests()[0].uri().to_string(), "https://222222222222.ddb.us-east-1.amazonaws.com/");

    // BatchGetItem: the tables are the keys of `RequestItems`
    // (`operationContextParams` `keys(RequestItems)`: `ResourceArnList`).
    let transport = TestTransport::new();
    let client = Client::new(builder(&transport).static_credentials_with_account_id("AKID", "SECRET", "111111111111").build());
    let keys = KeysAndAttributes::builder()
        .keys(vec![HashMap::from([("pk".to_owned(), AttributeValue::S("value".into()))])])
        .build()
        .unwrap();
    let table = "arn:aws:dynamodb:us-east-1:333333333333:table/orders";
    block_on(client.batch_get_item().request_items(HashMap::from([(table.to_owned(), keys)])).send()).unwrap();
    assert_eq!(transport.requests()[0].uri().to_string(), "https://333333333333.ddb.us-east-1.amazonaws.com/");

    // A plain table name is no ARN: the credentials' account.
    let transport = TestTransport::new();
    let client = Client::new(builder(&transport).static_credentials_with_account_id("AKID", "SECRET", "111111111111").build());
    block_on(client.describe_table().table_name("orders").send()).unwrap();
    assert_eq!(transport.requests()[0].uri().to_string(), "https://111111111111.ddb.us-east-1.amazonaws.com/");
}

//! `sts_regional_endpoints` as an STS client meets it (the generated client
//! of `GetCallerIdentity` that the endpoint tests build, from STS's official
//! model, sending to a `TestTransport`): `AWS_STS_REGIONAL_ENDPOINTS=legacy`
//! keeps the global endpoint, `regional` does not, code wins, and an
//! invalid value fails the request before anything is sent.

use endpoint_tests::sts_client::config::{Config, ConfigBuilder, RetryConfig};
use endpoint_tests::sts_client::error::DisplayErrorContext;
use endpoint_tests::sts_client::testing::TestTransport;
use endpoint_tests::sts_client::Client;

const IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/me</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

/// `Config::from_env` over these variables, in `region`, with keys.
fn from_env(vars: &'static [(&'static str, &'static str)], region: &str) -> ConfigBuilder {
    Config::from_env_source(move |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()))
        .region(region)
        .static_credentials("AKID", "SECRET")
        .retry_config(RetryConfig::disabled())
}

/// Where `GetCallerIdentity` went (URL and signing region), or the error chain.
fn send(builder: ConfigBuilder) -> Result<(String, String), String> {
    let transport = TestTransport::new();
    transport.respond(200, IDENTITY);
    let client = Client::new(builder.http_client(transport.clone()).build());
    match block_on(client.get_caller_identity().send()) {
        Ok(output) => {
            assert_eq!(output.account.as_deref(), Some("123456789012"));
            let request = &transport.requests()[0];
            let authorization = request.headers()["authorization"].to_str().unwrap();
            let scope = authorization.split('/').nth(2).unwrap_or_default().to_owned();
            Ok((request.uri().to_string(), scope))
        }
        Err(e) => {
            assert!(transport.requests().is_empty(), "nothing is sent");
            Err(DisplayErrorContext(&e).to_string())
        }
    }
}

#[test]
fn legacy_keeps_the_global_endpoint_and_regional_does_not() {
    let global = ("https://sts.amazonaws.com/".to_owned(), "us-east-1".to_owned());
    let legacy = &[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")];
    assert_eq!(send(from_env(legacy, "us-east-1")).unwrap(), global);
    // A region that used the global endpoint before regional endpoints.
    assert_eq!(send(from_env(legacy, "eu-west-1")).unwrap(), global);
    let regional = &[("AWS_STS_REGIONAL_ENDPOINTS", "Regional")];
    let expected = ("https://sts.us-east-1.amazonaws.com/".to_owned(), "us-east-1".to_owned());
    assert_eq!(send(from_env(regional, "us-east-1")).unwrap(), expected);
    // Unset: regional, the rules' default.
    assert_eq!(send(from_env(&[], "eu-west-1")).unwrap().0, "https://sts.eu-west-1.amazonaws.com/");
    // A region that never used the global endpoint keeps its own.
    assert_eq!(send(from_env(legacy, "af-south-1")).unwrap().0, "https://sts.af-south-1.amazonaws.com/");
}

#[test]
fn code_wins_and_an_invalid_value_is_a_configuration_error() {
    let regional = &[("AWS_STS_REGIONAL_ENDPOINTS", "regional")];
    let config = from_env(regional, "us-east-1").sts_use_global_endpoint(true);
    assert_eq!(send(config).unwrap().0, "https://sts.amazonaws.com/");
    let invalid = &[("AWS_STS_REGIONAL_ENDPOINTS", "global")];
    let message = send(from_env(invalid, "us-east-1")).unwrap_err();
    assert!(message.contains("AWS_STS_REGIONAL_ENDPOINTS is `global`, which is neither `legacy` nor `regional`"), "{message}");
    let fixed = from_env(invalid, "us-east-1").sts_use_global_endpoint(false);
    assert_eq!(send(fixed).unwrap().0, "https://sts.us-east-1.amazonaws.com/");
    // Read by every client, for the credential chain's STS calls.
    assert_eq!(from_env(&[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")], "us-east-1").build().sts_use_global_endpoint(), Some(true));
}

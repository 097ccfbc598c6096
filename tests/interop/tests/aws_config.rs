//! aws-config's region and credentials provider, handed to the generated
//! Omics client in two lines as the README shows: the request is signed
//! with the provider's credentials in its region.

use aws_config::BehaviorVersion;

#[tokio::test]
async fn aws_configs_provider_signs_the_generated_clients_requests() {
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region("eu-central-1")
        .credentials_provider(aws_config::meta::credentials::CredentialsProviderChain::first_try(
            "static",
            aws_credential_types::Credentials::new("AKIDFROMAWSCONFIG", "secret", Some("token".into()), None, "test"),
        ))
        .load()
        .await;

    let transport = omics::testing::TestTransport::new();
    transport.respond(200, r#"{"id": "0123456789", "arn": "arn:aws:omics:eu-central-1:123456789012:referenceStore/0123456789", "creationTime": "2024-03-01T12:00:00Z"}"#);
    // The two lines of the README.
    let config = omics::Config::builder()
        .region(sdk.region().expect("a region").to_string())
        .credentials_provider(sdk.credentials_provider().expect("a provider"))
        .http_client(transport.clone())
        .build();
    omics::Client::new(config).get_reference_store().id("0123456789").send().await.expect("the call succeeds");

    let request = &transport.requests()[0];
    let authorization = request.headers()["authorization"].to_str().unwrap();
    assert!(authorization.contains("Credential=AKIDFROMAWSCONFIG/"), "{authorization}");
    assert!(authorization.contains("/eu-central-1/omics/aws4_request"), "{authorization}");
    assert_eq!(request.headers()["x-amz-security-token"], "token");
    assert!(request.uri().host().unwrap().ends_with("eu-central-1.amazonaws.com"), "{}", request.uri());
}

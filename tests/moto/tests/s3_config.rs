//! The generated S3 client's configuration: S3's settings read from the
//! environment as the AWS SDKs read them (through `Config::from_env_source`,
//! which is `Config::from_env` reading a map instead of the process
//! environment: no test here sets a process variable, so none races
//! another), and per-call overrides (`config_override`) of the region, the
//! endpoint, path-style addressing, credentials, retries and timeouts, for
//! sending and presigning. Requests are recorded by the testing transport,
//! or sent to the loopback server; nothing leaves the machine.

use std::time::{Duration, Instant, SystemTime};

use moto_tests::s3;
use s3::config::{Config, ConfigBuilder, RetryConfig, TimeoutConfig};
use s3::error::{DisplayErrorContext, UnhandledKind};
use s3::operation::get_object::GetObjectError;
use s3::presigning::PresigningConfig;
use s3::testing::{TestClock, TestTransport};
use s3::Client;
use tests::server::{Reply, TestServer};

/// An access point in us-west-2, another region than the clients'.
const ACCESS_POINT: &str = "arn:aws:s3:us-west-2:123456789012:accesspoint:myendpoint";
/// A Multi-Region Access Point.
const MRAP: &str = "arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap";

/// A configuration as `Config::from_env` reads it from these variables
/// (and region us-east-1 with credentials), answered by `transport`.
fn from_env(vars: &[(&'static str, &'static str)], transport: &TestTransport) -> ConfigBuilder {
    let mut all = vec![("AWS_REGION", "us-east-1"), ("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "SECRET")];
    all.extend_from_slice(vars);
    let lookup = move |name: &str| all.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned());
    Config::from_env_source(lookup).http_client(transport.clone())
}

/// The URL GetObject of `bucket` is sent to, or the configuration error
/// that refused it before sending.
async fn get_object_url(config: ConfigBuilder, transport: &TestTransport, bucket: &str) -> Result<String, String> {
    transport.respond(200, "");
    let sent_before = transport.requests().len();
    match Client::new(config.build()).get_object().bucket(bucket).key("key").send().await {
        Ok(_) => Ok(transport.requests()[sent_before].uri().to_string()),
        Err(GetObjectError::Unhandled(unhandled)) if unhandled.kind() == UnhandledKind::Configuration => {
            // (The canned reply stays queued, for the next call.)
            assert_eq!(transport.requests().len(), sent_before, "refused before sending");
            Err(DisplayErrorContext(&unhandled).to_string())
        }
        Err(other) => panic!("GetObject of {bucket}: {}", DisplayErrorContext(&other)),
    }
}

mod environment {
    use super::*;

    #[tokio::test]
    async fn use_arn_region_decides_whether_an_access_point_in_another_region_is_reached() {
        let transport = TestTransport::new();
        let url = |vars: &'static [(&'static str, &'static str)]| get_object_url(from_env(vars, &transport), &transport, ACCESS_POINT);
        let expected = "https://myendpoint-123456789012.s3-accesspoint.us-west-2.amazonaws.com/key?x-id=GetObject";
        assert_eq!(url(&[("AWS_S3_USE_ARN_REGION", "true")]).await.unwrap(), expected);
        assert_eq!(url(&[("AWS_S3_USE_ARN_REGION", "TRUE")]).await.unwrap(), expected, "any case");
        let refused = url(&[("AWS_S3_USE_ARN_REGION", "false")]).await.unwrap_err();
        assert!(refused.contains("us-west-2") && refused.contains("UseArnRegion"), "{refused}");
        let config = from_env(&[("AWS_S3_USE_ARN_REGION", "false")], &transport);
        assert_eq!(config.clone().build().use_arn_region(), Some(false));
        // A value set in code wins over the environment.
        let url_set_in_code = get_object_url(config.use_arn_region(true), &transport, ACCESS_POINT).await;
        assert_eq!(url_set_in_code.unwrap(), expected);
    }

    #[tokio::test]
    async fn the_us_east_1_regional_endpoint_setting_chooses_the_global_endpoint_when_legacy() {
        let transport = TestTransport::new();
        let url = |vars: &'static [(&'static str, &'static str)]| get_object_url(from_env(vars, &transport), &transport, "bucket");
        assert_eq!(url(&[("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "legacy")]).await.unwrap(), "https://bucket.s3.amazonaws.com/key?x-id=GetObject");
        let regional = "https://bucket.s3.us-east-1.amazonaws.com/key?x-id=GetObject";
        assert_eq!(url(&[("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "Regional")]).await.unwrap(), regional);
        assert_eq!(url(&[]).await.unwrap(), regional, "unset: the regional endpoint, as aws-sdk-s3");
        let config = from_env(&[("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "legacy")], &transport);
        assert_eq!(config.clone().build().use_global_endpoint(), Some(true));
        assert_eq!(get_object_url(config.use_global_endpoint(false), &transport, "bucket").await.unwrap(), regional);
    }

    #[tokio::test]
    async fn multi_region_access_points_can_be_disabled() {
        let transport = TestTransport::new();
        let disabled = from_env(&[("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "true")], &transport);
        let message = get_object_url(disabled, &transport, MRAP).await.unwrap_err();
        assert!(message.contains("Multi-Region Access Point ARNs are disabled"), "{message}");
        // Enabled, the rules choose the global endpoint, whose SigV4a this
        // client refuses by name: another error.
        let enabled = from_env(&[("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "false")], &transport);
        let message = get_object_url(enabled, &transport, MRAP).await.unwrap_err();
        assert!(message.contains("SigV4a") && !message.contains("are disabled"), "{message}");
    }

    #[tokio::test]
    async fn express_session_auth_can_be_disabled() {
        let transport = TestTransport::new();
        let bucket = "mybucket--usw2-az1--x-s3";
        let mut vars = vec![("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true")];
        vars.push(("AWS_REGION", "us-west-2"));
        let lookup = |vars: Vec<(&'static str, &'static str)>| {
            move |name: &str| {
                let fixed = [("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "SECRET")];
                vars.iter().chain(fixed.iter()).find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
            }
        };
        let disabled = Config::from_env_source(lookup(vars)).http_client(transport.clone());
        let url = get_object_url(disabled, &transport, bucket).await.unwrap();
        assert_eq!(url, "https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/key?x-id=GetObject");
        let authorization = transport.requests().last().unwrap().headers()["authorization"].to_str().unwrap().to_owned();
        assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKID/"), "{authorization}");
        assert!(authorization.contains("/us-west-2/s3express/"), "{authorization}");
        let enabled = Config::from_env_source(lookup(vec![("AWS_REGION", "us-west-2")])).http_client(transport.clone());
        let message = get_object_url(enabled, &transport, bucket).await.unwrap_err();
        assert!(message.contains("sigv4-s3express"), "session auth, which this client refuses by name: {message}");
    }

    #[tokio::test]
    async fn an_invalid_value_fails_each_request_naming_the_variable_until_code_sets_the_setting() {
        let transport = TestTransport::new();
        let config = from_env(&[("AWS_S3_USE_ARN_REGION", "yes")], &transport);
        let message = get_object_url(config.clone(), &transport, "bucket").await.unwrap_err();
        assert!(message.contains("AWS_S3_USE_ARN_REGION is `yes`"), "{message}");
        assert!(message.contains("`true` nor `false`"), "{message}");
        let url = get_object_url(config.use_arn_region(false), &transport, "bucket").await;
        assert_eq!(url.unwrap(), "https://bucket.s3.us-east-1.amazonaws.com/key?x-id=GetObject");
        let config = from_env(&[("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "global")], &transport);
        let message = get_object_url(config, &transport, "bucket").await.unwrap_err();
        assert!(message.contains("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT is `global`"), "{message}");
        assert!(message.contains("`legacy` nor `regional`"), "{message}");
        // Presigning refuses it too.
        let client = Client::new(from_env(&[("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "1")], &transport).build());
        let presigned = client.get_object().bucket("bucket").key("key").presigned(PresigningConfig::expires_in(Duration::from_secs(60)).unwrap());
        let message = DisplayErrorContext(&presigned.await.unwrap_err()).to_string();
        assert!(message.contains("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH is `1`"), "{message}");
    }
}

mod overrides {
    use super::*;

    fn client(transport: &TestTransport) -> Client {
        let config = Config::builder()
            .region("us-east-1")
            .static_credentials("AKID", "SECRET")
            .http_client(transport.clone())
            .time_source(TestClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400)))
            .sleep_impl(TestClock::new(SystemTime::UNIX_EPOCH));
        Client::new(config.build())
    }

    fn sent(transport: &TestTransport, index: usize) -> (String, String) {
        let request = &transport.requests()[index];
        let authorization = request.headers()["authorization"].to_str().unwrap().to_owned();
        (request.uri().to_string(), authorization)
    }

    #[tokio::test]
    async fn a_region_endpoint_path_style_or_credentials_override_changes_only_that_call() {
        let transport = TestTransport::new();
        let client = client(&transport);
        for _ in 0..5 {
            transport.respond(200, "");
        }
        let get = || client.get_object().bucket("bucket").key("key");
        get().config_override(|c| c.region("eu-west-1")).send().await.unwrap();
        get().send().await.unwrap();
        get().config_override(|c| c.endpoint_url("https://storage.example.com").force_path_style(true)).send().await.unwrap();
        get().config_override(|c| c.static_credentials("OTHER", "SECRET2")).send().await.unwrap();
        get().send().await.unwrap();

        let (url, authorization) = sent(&transport, 0);
        assert_eq!(url, "https://bucket.s3.eu-west-1.amazonaws.com/key?x-id=GetObject");
        assert!(authorization.contains("Credential=AKID/20240301/eu-west-1/s3/"), "{authorization}");
        for index in [1, 4] {
            let (url, authorization) = sent(&transport, index);
            assert_eq!(url, "https://bucket.s3.us-east-1.amazonaws.com/key?x-id=GetObject", "the client's configuration");
            assert!(authorization.contains("Credential=AKID/20240301/us-east-1/s3/"), "{authorization}");
        }
        assert_eq!(sent(&transport, 2).0, "https://storage.example.com/bucket/key?x-id=GetObject");
        assert!(sent(&transport, 3).1.contains("Credential=OTHER/20240301/us-east-1/s3/"), "{}", sent(&transport, 3).1);
        assert_eq!(client.config().region(), Some("us-east-1"));
        assert_eq!(client.config().force_path_style(), None);
    }

    #[tokio::test]
    async fn overrides_apply_on_top_of_each_other_and_reach_a_paginator() {
        let transport = TestTransport::new();
        let client = client(&transport);
        let page = |token: Option<&str>| {
            let next = token.map(|t| format!("<IsTruncated>true</IsTruncated><NextContinuationToken>{t}</NextContinuationToken>"));
            let body = format!("<ListBucketResult>{}<KeyCount>0</KeyCount></ListBucketResult>", next.unwrap_or_default());
            http::Response::builder().status(200).body(bytes::Bytes::from(body)).unwrap()
        };
        transport.respond_with(page(Some("t1")));
        transport.respond_with(page(None));
        let pages = client
            .list_objects_v2()
            .bucket("bucket")
            .config_override(|c| c.region("eu-west-1"))
            .config_override(|c| c.force_path_style(true))
            .into_paginator()
            .send()
            .collect_pages()
            .await
            .unwrap();
        assert_eq!(pages.len(), 2);
        for index in 0..2 {
            let url = sent(&transport, index).0;
            assert!(url.starts_with("https://s3.eu-west-1.amazonaws.com/bucket?list-type=2"), "{url}");
        }
    }

    #[tokio::test]
    async fn a_retry_override_takes_effect_for_that_call() {
        let transport = TestTransport::new();
        let client = client(&transport);
        let failures = |count| {
            for _ in 0..count {
                transport.respond(503, "");
            }
        };
        failures(3);
        let err = client.get_object().bucket("bucket").key("key").send().await.unwrap_err();
        assert_eq!(transport.requests().len(), 3, "the client's 3 attempts: {err:?}");
        failures(1);
        let overridden = client.get_object().bucket("bucket").key("key").config_override(|c| c.retry_config(RetryConfig::disabled()));
        overridden.send().await.unwrap_err();
        assert_eq!(transport.requests().len(), 4, "one attempt");
        failures(5);
        let more = RetryConfig::standard().with_max_attempts(5);
        client.get_object().bucket("bucket").key("key").config_override(|c| c.retry_config(more)).send().await.unwrap_err();
        assert_eq!(transport.requests().len(), 9, "five attempts");
        assert_eq!(transport.remaining(), 0);
    }

    /// On the loopback server with the default transport: a server that
    /// never answers fails the call with the override's attempt timeout,
    /// and the next call, with the client's timeouts, is answered.
    #[tokio::test]
    async fn a_timeout_override_takes_effect_for_that_call() {
        let ok = Reply::Respond { status: 200, headers: vec![], body: Vec::new() };
        let server = TestServer::start(vec![Reply::Hang, ok]).await;
        let config = Config::builder()
            .region("us-east-1")
            .static_credentials("AKID", "SECRET")
            .endpoint_url(format!("http://127.0.0.1:{}", server.port()))
            .build();
        let client = Client::new(config);
        let started = Instant::now();
        let timeouts = TimeoutConfig::standard().with_attempt_timeout(Some(Duration::from_millis(300)));
        let err = client
            .get_object()
            .bucket("bucket")
            .key("key")
            .config_override(|c| c.timeout_config(timeouts).retry_config(RetryConfig::disabled()))
            .send()
            .await
            .unwrap_err();
        match &err {
            GetObjectError::Unhandled(unhandled) => assert_eq!(unhandled.kind(), UnhandledKind::Timeout, "{unhandled}"),
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
        assert_eq!(client.config().timeout_config().attempt_timeout(), Some(Duration::from_secs(60)));
        client.get_object().bucket("bucket").key("key").send().await.unwrap();
        assert_eq!(server.requests().len(), 2);
    }

    /// Credentials that count how often they are loaded.
    #[derive(Debug, Clone, Default)]
    struct Counting(std::sync::Arc<std::sync::atomic::AtomicUsize>, &'static str);

    impl Counting {
        fn loads(&self) -> usize {
            self.0.load(std::sync::atomic::Ordering::SeqCst)
        }
    }

    impl aws_credential_types::provider::ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let credentials = aws_credential_types::Credentials::new(self.1, "SECRET", None, None, "counting");
            aws_credential_types::provider::future::ProvideCredentials::ready(Ok(credentials))
        }
    }

    #[tokio::test]
    async fn an_override_reuses_the_clients_cached_credentials_unless_it_sets_its_own() {
        let transport = TestTransport::new();
        let provider = Counting(Default::default(), "AKID");
        let client = Client::new(
            Config::builder().region("us-east-1").credentials_provider(provider.clone()).http_client(transport.clone()).build(),
        );
        for _ in 0..4 {
            transport.respond(200, "");
        }
        let get = || client.get_object().bucket("bucket").key("key");
        get().send().await.unwrap();
        get().config_override(|c| c.region("eu-west-1")).send().await.unwrap();
        assert_eq!(provider.loads(), 1, "the client's cache served the override");
        let other = Counting(Default::default(), "OTHER");
        let with_other = other.clone();
        get().config_override(move |c| c.credentials_provider(with_other)).send().await.unwrap();
        assert_eq!((provider.loads(), other.loads()), (1, 1));
        assert!(sent(&transport, 2).1.contains("Credential=OTHER/"), "{}", sent(&transport, 2).1);
        get().send().await.unwrap();
        assert_eq!(provider.loads(), 1);
        assert!(sent(&transport, 3).1.contains("Credential=AKID/"), "the client's own again");
    }

    #[tokio::test]
    async fn presigning_honours_the_override() {
        let transport = TestTransport::new();
        let client = client(&transport);
        let expires = || PresigningConfig::expires_in(Duration::from_secs(300)).unwrap();
        let get = || client.get_object().bucket("bucket").key("key");
        let presigned = get().config_override(|c| c.region("ap-southeast-2").static_credentials("OTHER", "SECRET2")).presigned(expires());
        let uri = presigned.await.unwrap().uri().to_owned();
        assert!(uri.starts_with("https://bucket.s3.ap-southeast-2.amazonaws.com/key?"), "{uri}");
        assert!(uri.contains("X-Amz-Credential=OTHER%2F20240301%2Fap-southeast-2%2Fs3%2Faws4_request"), "{uri}");
        let uri = get().presigned(expires()).await.unwrap().uri().to_owned();
        assert!(uri.starts_with("https://bucket.s3.us-east-1.amazonaws.com/key?"), "{uri}");
        assert!(uri.contains("X-Amz-Credential=AKID%2F20240301%2Fus-east-1%2Fs3%2Faws4_request"), "{uri}");
        assert!(transport.requests().is_empty(), "presigning sends nothing");
    }
}

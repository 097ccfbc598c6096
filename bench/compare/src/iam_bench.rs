//! IAM (awsQuery): a `ListRoles` response of 1,000 roles parsed through
//! each public API (in-memory transports).

use std::time::Duration;

use bytes::Bytes;

/// A `ListRoles` response with `roles` roles, as IAM writes it.
pub fn list_roles_xml(roles: usize) -> Bytes {
    let mut xml = String::from(
        r#"<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><IsTruncated>true</IsTruncated><Marker>AAIAAYmGMfVKbqLMT2eSCVl5vfIvMJ3ZNYWrSRL9TrhAKgfVEgvoM3H9SHl6fPWhq09rDSY5x6</Marker><Roles>"#,
    );
    for i in 0..roles {
        xml.push_str(&format!(
            "<member><Path>/application/component-{team}/</Path>\
             <AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D</AssumeRolePolicyDocument>\
             <RoleId>AROA{i:017}</RoleId><RoleName>service-role-{i:05}</RoleName>\
             <Arn>arn:aws:iam::123456789012:role/application/component-{team}/service-role-{i:05}</Arn>\
             <CreateDate>2024-03-01T12:{:02}:{:02}Z</CreateDate><MaxSessionDuration>3600</MaxSessionDuration>\
             <Description>Role {i} of the component's services</Description></member>",
            (i / 60) % 60,
            i % 60,
            team = i % 20,
        ));
    }
    xml.push_str("</Roles></ListRolesResult><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></ListRolesResponse>");
    xml.into()
}

#[derive(Debug)]
struct Canned(Bytes);

impl iam::transport::HttpClient for Canned {
    fn send(&self, _request: iam::transport::HttpRequest) -> iam::transport::BoxFuture<'_, Result<iam::transport::HttpResponse, iam::transport::TransportError>> {
        let body = self.0.clone();
        Box::pin(async move {
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", "text/xml")
                .header("x-amzn-requestid", "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE")
                .body(body)
                .expect("a response"))
        })
    }
}

fn ours(body: Bytes) -> iam::Client {
    let config = iam::Config::builder()
        .region("us-east-1")
        .static_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .http_client(Canned(body))
        .build();
    iam::Client::new(config)
}

fn sdk(body: Bytes) -> aws_sdk_iam::Client {
    let http_client = aws_smithy_http_client::test_util::infallible_client_fn(move |_request| {
        http::Response::builder()
            .status(200)
            .header("content-type", "text/xml")
            .header("x-amzn-requestid", "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE")
            .body(body.clone())
            .expect("a response")
    });
    let config = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_iam::config::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None, "bench"))
        .http_client(http_client)
        .build();
    aws_sdk_iam::Client::from_conf(config)
}

/// ListRoles of 1,000 roles, calls per second on each side.
pub fn list_roles(runtime: &tokio::runtime::Runtime, budget: Duration) {
    let body = list_roles_xml(1000);
    let (ours, sdk) = (ours(body.clone()), sdk(body.clone()));
    let check_ours = runtime.block_on(ours.list_roles().path_prefix("/application/").send()).expect("ours parses the response");
    let check_sdk = runtime.block_on(sdk.list_roles().path_prefix("/application/").send()).expect("the SDK parses the response");
    assert_eq!((check_ours.roles.len(), check_sdk.roles().len()), (1000, 1000));
    let (a, b) = (&check_ours.roles[999], &check_sdk.roles()[999]);
    assert_eq!((a.role_name.as_str(), a.arn.as_str(), a.role_id.as_str()), (b.role_name(), b.arn(), b.role_id()));
    assert_eq!(a.max_session_duration, b.max_session_duration());
    assert_eq!(a.create_date.unix_timestamp(), b.create_date().secs());
    assert_eq!(check_ours.marker.as_deref(), check_sdk.marker());
    let call_ours = || {
        let output = runtime.block_on(ours.list_roles().path_prefix("/application/").send()).expect("a call");
        output.roles.len()
    };
    let call_sdk = || {
        let output = runtime.block_on(sdk.list_roles().path_prefix("/application/").send()).expect("a call");
        output.roles().len()
    };
    let (ours_rate, sdk_rate) = crate::race(budget, call_ours, call_sdk);
    println!("iam_list_roles_1000_bytes={}", body.len());
    println!("iam_list_roles_1000_ours_calls_per_s={ours_rate:.0}");
    println!("iam_list_roles_1000_sdk_calls_per_s={sdk_rate:.0}");
}

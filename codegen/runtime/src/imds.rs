//! EC2 instance metadata (IMDS), as the AWS SDKs reach it (copied verbatim
//! into each generated crate by codegen; the source lives in
//! `codegen/runtime/src/imds.rs`): where it is (the endpoint from code,
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's
//! `ec2_metadata_service_endpoint`, or the address of the endpoint mode:
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`, the profile's
//! `ec2_metadata_service_endpoint_mode`, IPv4 by default, or IPv6; checked
//! against `aws-config`'s `imds-endpoint-tests.json`), its requests (also
//! those of the container endpoint) and the instance's region, the last
//! step of the region chain.
#![allow(dead_code)]

use std::time::Duration;

use bytes::Bytes;

use crate::profile::Section;
use crate::provider_env::ProviderEnv;
use crate::transport::HttpClient;

/// Attempts of each IMDS and container request (transport errors and 5xx
/// are retried), and the time each may take, connecting included (as
/// aws-config's IMDS client: 1 s to connect, 1 s to read).
const ATTEMPTS: usize = 3;
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);

/// The most the region lookup may take, retries included: on a machine
/// that is not an EC2 instance, where IMDS's address does not answer,
/// `Config::load` gives up after this long.
pub(crate) const REGION_TIMEOUT: Duration = Duration::from_secs(2);

/// One request with retries on transport errors and 5xx, each attempt
/// bounded by [`ATTEMPT_TIMEOUT`]: the status and the body.
pub(crate) async fn fetch(
    http: &dyn HttpClient,
    method: http::Method,
    uri: &http::Uri,
    headers: &[(&str, String)],
) -> Result<(u16, Bytes), String> {
    let mut last = String::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
        }
        let mut request = http::Request::builder().method(method.clone()).uri(uri.clone());
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        let request = request.body(Bytes::new()).map_err(|e| format!("cannot build the request to {uri}: {e}"))?;
        match tokio::time::timeout(ATTEMPT_TIMEOUT, http.send(request)).await {
            Ok(Ok(response)) if response.status().is_server_error() => last = format!("{uri} answered {}", response.status()),
            Ok(Ok(response)) => return Ok((response.status().as_u16(), response.into_body())),
            Ok(Err(e)) => last = format!("{uri}: {e}"),
            Err(_) => last = format!("{uri} did not answer within {ATTEMPT_TIMEOUT:?}"),
        }
    }
    Err(format!("{last} ({ATTEMPTS} attempts)"))
}

/// An IMDSv2 session token, for the requests that follow (`base`: IMDS's
/// endpoint).
pub(crate) async fn session_token(http: &dyn HttpClient, base: &http::Uri) -> Result<String, String> {
    let token_uri = uri(base, "/latest/api/token").map_err(|e| e.to_string())?;
    let ttl = [("x-aws-ec2-metadata-token-ttl-seconds", "21600".to_owned())];
    match fetch(http, http::Method::PUT, &token_uri, &ttl).await? {
        (200, token) => Ok(String::from_utf8_lossy(&token).trim().to_owned()),
        (403, _) => Err("request forbidden: IMDS is disabled or the request was refused (403)".to_owned()),
        (other, _) => Err(format!("IMDS answered {other} to the session token request")),
    }
}

/// The instance's region, from `/latest/meta-data/placement/region` with an
/// IMDSv2 session token, as the last step of the region chain: `Ok(None)`
/// when IMDS is disabled (`AWS_EC2_METADATA_DISABLED`); an error when IMDS
/// cannot be reached within [`REGION_TIMEOUT`], refuses, or names no
/// usable region. `profile`: the selected profile, for its IMDS settings.
pub(crate) async fn region(env: &ProviderEnv, profile: Option<&Section>, http: &dyn HttpClient) -> Result<Option<String>, String> {
    if env.var("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
        return Ok(None);
    }
    let base = endpoint(env, profile, None, None).map_err(|e| e.to_string())?;
    let lookup = async {
        let token = session_token(http, &base).await?;
        let region_uri = uri(&base, "/latest/meta-data/placement/region").map_err(|e| e.to_string())?;
        let (status, body) = fetch(http, http::Method::GET, &region_uri, &[("x-aws-ec2-metadata-token", token)]).await?;
        if status != 200 {
            return Err(format!("IMDS answered {status} to the region request"));
        }
        let region = String::from_utf8_lossy(&body).trim().to_owned();
        // It becomes part of endpoint host names: a region's characters only.
        let usable = !region.is_empty() && region.len() <= 64 && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !usable {
            return Err(format!("IMDS named no usable region (`{}`)", region.chars().take(64).collect::<String>()));
        }
        Ok(Some(region))
    };
    match tokio::time::timeout(REGION_TIMEOUT, lookup).await {
        Ok(result) => result,
        Err(_) => Err(format!("IMDS ({base}) did not give the region within {REGION_TIMEOUT:?}")),
    }
}

/// Which of IMDS's two addresses to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EndpointMode {
    /// `http://169.254.169.254`.
    IPv4,
    /// `http://[fd00:ec2::254]`.
    IPv6,
}

impl std::str::FromStr for EndpointMode {
    type Err = ImdsConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "ipv4" => Ok(EndpointMode::IPv4),
            "ipv6" => Ok(EndpointMode::IPv6),
            _ => Err(ImdsConfigError(format!("`{text}` is not a valid endpoint mode (IPv4 or IPv6)"))),
        }
    }
}

impl EndpointMode {
    fn address(self) -> &'static str {
        match self {
            EndpointMode::IPv4 => "http://169.254.169.254",
            EndpointMode::IPv6 => "http://[fd00:ec2::254]",
        }
    }
}

/// A setting of IMDS's that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImdsConfigError(String);

impl std::fmt::Display for ImdsConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImdsConfigError {}

/// IMDS's base URI. What code sets wins, then the environment, then the
/// profile; an explicit endpoint wins over any mode.
pub(crate) fn endpoint(
    env: &ProviderEnv,
    profile: Option<&Section>,
    endpoint_override: Option<&str>,
    mode_override: Option<EndpointMode>,
) -> Result<http::Uri, ImdsConfigError> {
    let explicit = endpoint_override
        .map(str::to_owned)
        .or_else(|| env.var("AWS_EC2_METADATA_SERVICE_ENDPOINT"))
        .or_else(|| profile.and_then(|p| p.get("ec2_metadata_service_endpoint")).map(str::to_owned));
    let text = match explicit {
        Some(text) => text,
        None => {
            let mode = match mode_override {
                Some(mode) => mode,
                None => match env
                    .var("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
                    .or_else(|| profile.and_then(|p| p.get("ec2_metadata_service_endpoint_mode")).map(str::to_owned))
                {
                    Some(text) => text.trim().parse()?,
                    None => EndpointMode::IPv4,
                },
            };
            mode.address().to_owned()
        }
    };
    let text = text.trim();
    let uri: http::Uri =
        text.parse().map_err(|e| ImdsConfigError(format!("the IMDS endpoint `{text}` is not a URI: {e}")))?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(ImdsConfigError(format!("the IMDS endpoint `{text}` needs a scheme and a host")));
    }
    Ok(uri)
}

/// A path under IMDS's base URI (`/latest/api/token`, ...).
pub(crate) fn uri(base: &http::Uri, path: &str) -> Result<http::Uri, ImdsConfigError> {
    let text = format!("{}{path}", base.to_string().trim_end_matches('/'));
    text.parse().map_err(|e| ImdsConfigError(format!("the IMDS URI `{text}` is not valid: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::path::PathBuf;

    /// The 14 cases of `aws-config`'s `imds-endpoint-tests.json`: the
    /// token URI, or an error containing the expected text.
    #[test]
    fn the_imds_endpoint_cases_pass() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-config-tests/imds-config/imds-endpoint-tests.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} is missing ({e}): the tests need ../shared beside the checkout", path.display()));
        let cases: Value = serde_json::from_str(&text).unwrap();
        let cases = cases["tests"].as_array().unwrap();
        let mut failures = Vec::new();
        for case in cases {
            let strings = |key: &str| -> Vec<(String, String)> {
                case[key].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect()
            };
            let files = strings("fs").into_iter().map(|(k, v)| (PathBuf::from(k), v.into_bytes()));
            let env = ProviderEnv::given(strings("env"), files);
            let set = env.profile_set().unwrap();
            let mode = case["mode_override"].as_str().map(|m| m.parse().unwrap());
            let got = endpoint(&env, set.profile(&env.profile_name()), case["endpoint_override"].as_str(), mode)
                .and_then(|base| uri(&base, "/latest/api/token"));
            let ok = match (&case["result"]["Ok"], &case["result"]["Err"], &got) {
                (Value::String(wanted), _, Ok(uri)) => &uri.to_string() == wanted,
                (_, Value::String(wanted), Err(e)) => e.to_string().contains(wanted.as_str()),
                _ => false,
            };
            if !ok {
                failures.push(format!("{}: got {got:?}, expected {}", case["docs"], case["result"]));
            }
        }
        println!("aws-config IMDS endpoint tests: {} passed, {} failed", cases.len() - failures.len(), failures.len());
        assert_eq!(cases.len(), 14);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

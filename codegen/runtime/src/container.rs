//! ECS and EKS Pod Identity container credentials, as the AWS SDKs reach
//! them (copied verbatim into each generated crate by codegen; the source
//! lives in `codegen/runtime/src/container.rs`): for now, where they are:
//! `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` under ECS's address, or
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which over plain HTTP may only
//! name a loopback address or ECS's and EKS's own. Checked against
//! `aws-config`'s `ecs-tests.json`.
#![allow(dead_code)]

use crate::provider_env::ProviderEnv;

/// Why the container endpoint cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerConfigError(String);

impl std::fmt::Display for ContainerConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ContainerConfigError {}

/// ECS's credentials address, under which a relative URI lives.
const ECS_ADDRESS: &str = "http://169.254.170.2";

/// The hosts a full URI over plain HTTP may name besides loopback ones:
/// ECS's, and EKS Pod Identity's IPv4 and IPv6 addresses.
const CONTAINER_HOSTS: &[&str] = &["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"];

/// The URI to fetch credentials from. A relative URI wins over a full one.
pub(crate) fn credentials_uri(env: &ProviderEnv) -> Result<http::Uri, ContainerConfigError> {
    if let Some(relative) = env.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        let text = format!("{ECS_ADDRESS}{}", relative.trim());
        return text
            .parse()
            .map_err(|e| ContainerConfigError(format!("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a URI path: {e}")));
    }
    let Some(full) = env.var("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
        return Err(ContainerConfigError(
            "No environment variables were set to configure ECS provider (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI)"
                .to_owned(),
        ));
    };
    let uri: http::Uri = full
        .trim()
        .parse()
        .map_err(|e| ContainerConfigError(format!("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URI: {e}")))?;
    let Some(host) = uri.host() else {
        return Err(ContainerConfigError("AWS_CONTAINER_CREDENTIALS_FULL_URI: URI did not specify a host".to_owned()));
    };
    match uri.scheme_str() {
        Some("https") => Ok(uri),
        Some("http") if is_loopback(host) || CONTAINER_HOSTS.contains(&host) => Ok(uri),
        Some("http") => Err(ContainerConfigError(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI: the host `{host}` is not allowed over plain HTTP (only loopback addresses and the ECS and EKS container addresses are)"
        ))),
        _ => Err(ContainerConfigError("AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URI".to_owned())),
    }
}

/// `localhost`, `127.0.0.0/8` or `[::1]`.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The 11 cases of `aws-config`'s `ecs-tests.json`.
    #[test]
    fn the_container_uri_cases_pass() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-config-tests/ecs-tests.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} is missing ({e}): the tests need ../shared beside the checkout", path.display()));
        let cases: Value = serde_json::from_str(&text).unwrap();
        let cases = cases["tests"].as_array().unwrap();
        let mut failures = Vec::new();
        for case in cases {
            let vars = case["env"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()));
            let got = credentials_uri(&ProviderEnv::given(vars, []));
            let ok = match (&case["result"]["Ok"], &case["result"]["ErrorContains"], &got) {
                (Value::String(wanted), _, Ok(uri)) => &uri.to_string() == wanted,
                (_, Value::String(wanted), Err(e)) => e.to_string().contains(wanted.as_str()),
                _ => false,
            };
            if !ok {
                failures.push(format!("{}: got {got:?}, expected {}", case["docs"], case["result"]));
            }
        }
        println!("aws-config ECS tests: {} passed, {} failed", cases.len() - failures.len(), failures.len());
        assert_eq!(cases.len(), 11);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn plain_http_to_other_hosts_is_refused() {
        for uri in ["http://169.254.169.254/creds", "http://example.com/creds", "http://127.0.0.1.evil.com/x"] {
            let env = ProviderEnv::given([("AWS_CONTAINER_CREDENTIALS_FULL_URI".to_owned(), uri.to_owned())], []);
            let error = credentials_uri(&env).unwrap_err().to_string();
            assert!(error.contains("not allowed"), "{uri}: {error}");
        }
        for uri in ["http://127.0.0.2:9/x", "http://[::1]/x", "http://LOCALHOST/x"] {
            let env = ProviderEnv::given([("AWS_CONTAINER_CREDENTIALS_FULL_URI".to_owned(), uri.to_owned())], []);
            assert!(credentials_uri(&env).is_ok(), "{uri}");
        }
    }
}

//! The steps of the default credential chain that call AWS (copied
//! verbatim into each generated crate by codegen; the source lives in
//! `codegen/runtime/src/chain_calls.rs`): STS `AssumeRole` for a profile's
//! `role_arn`, STS `AssumeRoleWithWebIdentity` for a web identity token,
//! and SSO `GetRoleCredentials` with the token of the SSO cache
//! (`~/.aws/sso/cache`), refreshed through SSO-OIDC `CreateToken` when it
//! nears its expiry. Every call goes through the generated clients of
//! [`crate::chain`], so it is signed, retried and timed out like any other.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::Credentials;

use crate::config::{Config, ConfigBuilder};
use crate::credentials_chain::rfc3339;
use crate::error::DisplayErrorContext;
use crate::primitives::Document;
use crate::profile_chain::AssumeRole;
use crate::provider_env::ProviderEnv;
use crate::transport::HttpClient;

/// What the chain's calls share: where settings and files come from, the
/// HTTP client, and the region of the configuration being loaded.
#[derive(Clone, Copy)]
pub(crate) struct Calls<'a> {
    pub(crate) env: &'a ProviderEnv,
    pub(crate) http: &'a Arc<dyn HttpClient>,
    /// The region set in code, which wins over the environment and profile.
    pub(crate) region: Option<&'a str>,
}

fn provider_error(message: impl Into<String>) -> CredentialsError {
    CredentialsError::provider_error(message.into())
}

fn invalid(message: impl Into<String>) -> CredentialsError {
    CredentialsError::invalid_configuration(message.into())
}

/// STS is called in the configuration's region, else this one, as the
/// AWS SDKs do.
const STS_DEFAULT_REGION: &str = "us-east-1";

/// How long before its expiry an SSO token is refreshed.
const SSO_REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);

impl Calls<'_> {
    /// A client configuration for a service of the chain: the settings the
    /// environment and the selected profile give (`AWS_ENDPOINT_URL_<SERVICE>`
    /// and the profile's `services` section, FIPS, dual-stack, retries),
    /// this HTTP client, and `region`, else the environment's or the
    /// profile's, else `fallback` (never IMDS's: the chain is not where the
    /// region is looked for).
    fn config(&self, endpoint_env: &str, region: Option<&str>, fallback: &str) -> ConfigBuilder {
        let env = self.env;
        let mut builder = Config::from_env_source_for(endpoint_env, &[], |name| env.var(name));
        if let Some(region) = region {
            builder = builder.region(region);
        }
        let builder = builder.load_settings_for(endpoint_env, env, env.profile_set().ok().as_ref());
        let builder = if builder.region_is_set() { builder } else { builder.region(fallback) };
        builder.shared_http_client(self.http.clone())
    }

    /// The configuration of STS calls: in the region set in code, else the
    /// environment's or the profile's, else `us-east-1`.
    fn sts_config(&self) -> ConfigBuilder {
        self.config("AWS_ENDPOINT_URL_STS", self.region, STS_DEFAULT_REGION)
    }

    /// Assumes `role` with `source`'s credentials.
    pub(crate) async fn assume_role(&self, source: Credentials, role: &AssumeRole) -> Result<Credentials, CredentialsError> {
        let client = crate::chain::sts::Client::new(self.sts_config().credentials(source).build());
        let session = role.role_session_name.clone().unwrap_or_else(|| session_name("assume-role-from-profile"));
        let mut call = client.assume_role().role_arn(&role.role_arn).role_session_name(session);
        if let Some(id) = &role.external_id {
            call = call.external_id(id);
        }
        if let Some(seconds) = &role.duration_seconds {
            let seconds: i32 = seconds
                .trim()
                .parse()
                .map_err(|_| invalid(format!("duration_seconds `{seconds}` of the role {} is not a number of seconds", role.role_arn)))?;
            call = call.duration_seconds(seconds);
        }
        let output = call.send().await.map_err(|e| {
            provider_error(format!("STS AssumeRole of {} failed: {}", role.role_arn, DisplayErrorContext(&e)))
        })?;
        sts_credentials(output.credentials, output.assumed_role_user, "AssumeRoleProvider")
    }

    /// Trades the token in `token_file` for credentials of `role_arn`.
    pub(crate) async fn web_identity(
        &self,
        token_file: &str,
        role_arn: &str,
        session_name_set: Option<&str>,
    ) -> Result<Credentials, CredentialsError> {
        let path = self.env.expand(token_file);
        let token = self
            .env
            .read(&path)
            .map_err(|e| invalid(format!("could not read the web identity token file `{}`: {e}", path.display())))?;
        let token = String::from_utf8(token)
            .map_err(|_| invalid(format!("the web identity token file `{}` is not UTF-8", path.display())))?;
        let client = crate::chain::sts::Client::new(self.sts_config().build());
        let session = session_name_set.map(str::to_owned).unwrap_or_else(|| session_name("web-identity-token"));
        let output = client
            .assume_role_with_web_identity()
            .role_arn(role_arn)
            .role_session_name(session)
            .web_identity_token(token.trim())
            .send()
            .await
            .map_err(|e| {
                provider_error(format!("STS AssumeRoleWithWebIdentity of {role_arn} failed: {}", DisplayErrorContext(&e)))
            })?;
        sts_credentials(output.credentials, output.assumed_role_user, "WebIdentityToken")
    }

    /// SSO role credentials: the cached token of `session` (or, in the
    /// legacy form, of `start_url`), refreshed when a session's token
    /// nears its expiry, traded for the role's credentials.
    pub(crate) async fn sso(&self, sso: &SsoProfile<'_>) -> Result<Credentials, CredentialsError> {
        let region = sso.region.ok_or_else(|| invalid("the SSO profile has no `sso_region`"))?;
        let (token, _) = self.sso_token(sso.session, sso.start_url, region).await?;
        let client = crate::chain::sso::Client::new(self.config("AWS_ENDPOINT_URL_SSO", Some(region), region).build());
        let output = client
            .get_role_credentials()
            .role_name(sso.role_name)
            .account_id(sso.account_id)
            .access_token(token)
            .send()
            .await
            .map_err(|e| provider_error(format!("SSO GetRoleCredentials failed: {}", DisplayErrorContext(&e))))?;
        let role = output.role_credentials.ok_or_else(|| provider_error("SSO GetRoleCredentials returned no credentials"))?;
        let (Some(id), Some(secret)) = (role.access_key_id, role.secret_access_key) else {
            return Err(provider_error("SSO GetRoleCredentials returned credentials without a key id and secret"));
        };
        let expiry = u64::try_from(role.expiration)
            .ok()
            .and_then(|ms| SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms)))
            .ok_or_else(|| provider_error(format!("SSO's expiration {} is out of range", role.expiration)))?;
        let mut builder = Credentials::builder()
            .access_key_id(id)
            .secret_access_key(secret)
            .expiry(expiry)
            .account_id(sso.account_id)
            .provider_name("SSO");
        builder.set_session_token(role.session_token);
        Ok(builder.build())
    }

    /// The access token of the SSO cache, refreshed through SSO-OIDC when
    /// it is a session's and expires within five minutes (the refreshed
    /// token is written back to the cache, as the AWS CLI and SDKs do).
    /// Returns the token and its expiry.
    pub(crate) async fn sso_token(
        &self,
        session: Option<&str>,
        start_url: Option<&str>,
        region: &str,
    ) -> Result<(String, SystemTime), CredentialsError> {
        let key = session.or(start_url).ok_or_else(|| invalid("the SSO profile has no `sso_start_url`"))?;
        let home = self.env.home().ok_or_else(|| invalid("no home directory, where the SSO token cache is"))?;
        let path = home.join(".aws").join("sso").join("cache").join(format!("{}.json", sha1_hex(key)));
        let bytes = self
            .env
            .read(&path)
            .map_err(|e| invalid(format!("failed to read `{}`: {e}; run `aws sso login` to sign in", path.display())))?;
        let mut cached = CachedToken::parse(&bytes).map_err(|why| invalid(format!("the SSO token cache `{}` {why}", path.display())))?;
        let now = SystemTime::now();
        if session.is_some() && cached.expires_at < now + SSO_REFRESH_WINDOW {
            match self.refresh(&cached, region, now).await {
                Ok(Some(refreshed)) => {
                    // Another process may hold the same cache: failing to
                    // write it back only costs a later refresh.
                    let _ = self.env.write(&path, &refreshed.to_json(&bytes));
                    cached = refreshed;
                }
                Ok(None) => {}
                Err(e) if cached.expires_at > now => drop(e),
                Err(e) => return Err(e),
            }
        }
        if cached.expires_at <= now {
            return Err(invalid(format!("the SSO token for `{key}` has expired; run `aws sso login` to sign in again")));
        }
        Ok((cached.access_token, cached.expires_at))
    }

    /// SSO-OIDC `CreateToken` with the cached refresh token; `None` when
    /// the cache holds no usable registration to refresh with.
    async fn refresh(&self, cached: &CachedToken, region: &str, now: SystemTime) -> Result<Option<CachedToken>, CredentialsError> {
        let (Some(refresh_token), Some(client_id), Some(client_secret)) =
            (&cached.refresh_token, &cached.client_id, &cached.client_secret)
        else {
            return Ok(None);
        };
        if cached.registration_expires_at.is_some_and(|at| at <= now) {
            return Ok(None);
        }
        let client = crate::chain::sso_oidc::Client::new(self.config("AWS_ENDPOINT_URL_SSO_OIDC", Some(region), region).build());
        let output = client
            .create_token()
            .client_id(client_id)
            .client_secret(client_secret)
            .grant_type("refresh_token")
            .refresh_token(refresh_token)
            .send()
            .await
            .map_err(|e| provider_error(format!("refreshing the SSO token (SSO-OIDC CreateToken) failed: {}", DisplayErrorContext(&e))))?;
        let access_token = output.access_token.ok_or_else(|| provider_error("SSO-OIDC CreateToken returned no access token"))?;
        let lifetime = Duration::from_secs(u64::try_from(output.expires_in).unwrap_or(0));
        Ok(Some(CachedToken {
            access_token,
            expires_at: now + lifetime,
            refresh_token: output.refresh_token.or_else(|| cached.refresh_token.clone()),
            client_id: cached.client_id.clone(),
            client_secret: cached.client_secret.clone(),
            registration_expires_at: cached.registration_expires_at,
        }))
    }
}

/// An SSO profile's settings, resolved from its `sso_session` or legacy keys.
pub(crate) struct SsoProfile<'a> {
    pub(crate) session: Option<&'a str>,
    pub(crate) start_url: Option<&'a str>,
    pub(crate) region: Option<&'a str>,
    pub(crate) account_id: &'a str,
    pub(crate) role_name: &'a str,
}

/// A token of the SSO cache.
struct CachedToken {
    access_token: String,
    expires_at: SystemTime,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    registration_expires_at: Option<SystemTime>,
}

impl CachedToken {
    fn parse(bytes: &[u8]) -> Result<CachedToken, String> {
        let json = crate::json::document(bytes).map_err(|e| format!("is not JSON: {e}"))?;
        let text = |key: &str| crate::json::string(&json, key).filter(|v| !v.is_empty()).map(str::to_owned);
        let date = |key: &str| -> Result<Option<SystemTime>, String> {
            text(key).map(|t| rfc3339(&t).map_err(|e| format!("has a bad `{key}`: {e}"))).transpose()
        };
        Ok(CachedToken {
            access_token: text("accessToken").ok_or("has no `accessToken`")?,
            expires_at: date("expiresAt")?.ok_or("has no `expiresAt`")?,
            refresh_token: text("refreshToken"),
            client_id: text("clientId"),
            client_secret: text("clientSecret"),
            registration_expires_at: date("registrationExpiresAt")?,
        })
    }

    /// The cache file with this token's fields replaced, the others of
    /// `previous` kept.
    fn to_json(&self, previous: &[u8]) -> Vec<u8> {
        let mut json = crate::json::object(previous);
        json.insert("accessToken".into(), Document::String(self.access_token.clone()));
        json.insert("expiresAt".into(), Document::String(format_rfc3339(self.expires_at)));
        if let Some(token) = &self.refresh_token {
            json.insert("refreshToken".into(), Document::String(token.clone()));
        }
        // Strings and what the file held: nothing that cannot be written.
        crate::json::to_vec(&Document::Object(json)).unwrap_or_default()
    }
}

/// Credentials from an STS response, with the account id of the assumed
/// role's ARN (`arn:aws:sts::<account>:assumed-role/...`).
fn sts_credentials(
    credentials: Option<crate::chain::sts::types::Credentials>,
    user: Option<crate::chain::sts::types::AssumedRoleUser>,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let credentials = credentials.ok_or_else(|| provider_error("STS returned no credentials"))?;
    let mut builder = Credentials::builder()
        .access_key_id(credentials.access_key_id)
        .secret_access_key(credentials.secret_access_key)
        .session_token(credentials.session_token)
        .expiry(SystemTime::from(credentials.expiration))
        .provider_name(provider);
    if let Some(account) = user.as_ref().and_then(|u| u.arn.split(':').nth(4)).filter(|a| !a.is_empty()) {
        builder = builder.account_id(account);
    }
    Ok(builder.build())
}

/// A session name as the AWS SDKs make one: a prefix and the time in
/// milliseconds.
fn session_name(prefix: &str) -> String {
    let millis = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    format!("{prefix}-{millis}")
}

/// The SSO cache's file name for a session name or start URL.
fn sha1_hex(key: &str) -> String {
    use sha1::Digest;
    crate::primitives::hex(&sha1::Sha1::digest(key.as_bytes()))
}

fn format_rfc3339(time: SystemTime) -> String {
    aws_smithy_types::DateTime::from(time)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::TestTransport;

    fn date(time: SystemTime) -> String {
        format_rfc3339(time)
    }

    fn sso_env(config: &str, cache_key: &str, cache: &str) -> ProviderEnv {
        ProviderEnv::given(
            [("HOME".to_owned(), "/home/me".to_owned())],
            [
                ("/home/me/.aws/config".into(), config.as_bytes().to_vec()),
                (format!("/home/me/.aws/sso/cache/{}.json", sha1_hex(cache_key)).into(), cache.as_bytes().to_vec()),
            ],
        )
    }

    fn sso_profile<'a>(session: Option<&'a str>, start_url: Option<&'a str>) -> SsoProfile<'a> {
        SsoProfile { session, start_url, region: Some("eu-central-1"), account_id: "111122223333", role_name: "Reader" }
    }

    #[tokio::test]
    async fn an_sso_session_token_near_its_expiry_is_refreshed_through_sso_oidc() {
        let soon = date(SystemTime::now() + Duration::from_secs(60));
        let later = date(SystemTime::now() + Duration::from_secs(86400));
        let cache = format!(
            r#"{{"accessToken":"old-token","expiresAt":"{soon}","refreshToken":"refresh-1","clientId":"client","clientSecret":"client-secret","registrationExpiresAt":"{later}"}}"#
        );
        let env = sso_env("[profile dev]\nsso_session = corp\n", "corp", &cache);
        let transport = TestTransport::new();
        transport.respond(200, r#"{"accessToken":"new-token","expiresIn":3600,"refreshToken":"refresh-2","tokenType":"Bearer"}"#);
        transport.respond(
            200,
            r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso/secret","sessionToken":"sso-session","expiration":4102444800000}}"#,
        );
        let http: Arc<dyn HttpClient> = Arc::new(transport.clone());
        let calls = Calls { env: &env, http: &http, region: None };
        let credentials = calls.sso(&sso_profile(Some("corp"), None)).await.unwrap();
        assert_eq!((credentials.access_key_id(), credentials.session_token()), ("ASIASSO", Some("sso-session")));
        assert_eq!(credentials.account_id().map(|a| a.as_str()), Some("111122223333"));
        assert_eq!(credentials.expiry(), Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800)));
        let requests = transport.requests();
        assert_eq!(requests.len(), 2);
        // SSO-OIDC CreateToken, unsigned, with the cached registration.
        assert_eq!(requests[0].uri().to_string(), "https://oidc.eu-central-1.amazonaws.com/token");
        assert!(requests[0].headers().get("authorization").is_none());
        let body: serde_json::Value = serde_json::from_slice(requests[0].body()).unwrap();
        assert_eq!(body["grantType"], "refresh_token");
        assert_eq!((body["refreshToken"].as_str(), body["clientId"].as_str()), (Some("refresh-1"), Some("client")));
        // Then SSO with the refreshed token.
        assert_eq!(requests[1].headers().get("x-amz-sso_bearer_token").unwrap(), "new-token");
        assert!(requests[1].uri().to_string().starts_with("https://portal.sso.eu-central-1.amazonaws.com/federation/credentials?"));
    }

    #[tokio::test]
    async fn expired_and_missing_sso_tokens_are_errors_that_say_to_sign_in() {
        let transport = TestTransport::new();
        let http: Arc<dyn HttpClient> = Arc::new(transport.clone());
        // The legacy form has no refresh: an expired token is an error.
        let expired = r#"{"accessToken":"t","expiresAt":"2020-01-01T00:00:00Z"}"#;
        let url = "https://corp.awsapps.com/start";
        let env = sso_env("", url, expired);
        let calls = Calls { env: &env, http: &http, region: None };
        let error = calls.sso(&sso_profile(None, Some(url))).await.unwrap_err();
        let text = DisplayErrorContext(&error).to_string();
        assert!(text.contains("has expired; run `aws sso login`"), "{text}");
        // No cache file, and a cache file that is not JSON.
        let env = sso_env("", "another", expired);
        let calls = Calls { env: &env, http: &http, region: None };
        let text = DisplayErrorContext(&calls.sso(&sso_profile(None, Some(url))).await.unwrap_err()).to_string();
        assert!(text.contains("failed to read `/home/me/.aws/sso/cache/") && text.contains("aws sso login"), "{text}");
        let env = sso_env("", url, "garbage");
        let calls = Calls { env: &env, http: &http, region: None };
        let text = DisplayErrorContext(&calls.sso(&sso_profile(None, Some(url))).await.unwrap_err()).to_string();
        assert!(text.contains("is not JSON"), "{text}");
        assert!(transport.requests().is_empty(), "nothing is sent");
    }

    #[test]
    fn the_sso_cache_is_named_by_the_sha1_of_the_session_or_start_url() {
        // The file names of aws-config's recorded SSO scenarios.
        assert_eq!(sha1_hex("dev"), "34c6fceca75e456f25e7e99531e2425c6c1de443");
        assert_eq!(sha1_hex("https://ssotest.awsapps.com/start"), "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12");
    }

    #[test]
    fn a_cached_token_reads_and_writes_back_keeping_other_fields() {
        let cache = br#"{"accessToken":"a","expiresAt":"2030-01-01T00:00:00Z","clientId":"c","clientSecret":"s","refreshToken":"r","startUrl":"u"}"#;
        let token = CachedToken::parse(cache).unwrap();
        assert_eq!(token.access_token, "a");
        assert_eq!(token.refresh_token.as_deref(), Some("r"));
        let refreshed = CachedToken { access_token: "b".into(), ..token };
        let written: serde_json::Value = serde_json::from_slice(&refreshed.to_json(cache)).unwrap();
        assert_eq!(written["accessToken"], "b");
        assert_eq!(written["startUrl"], "u");
        assert_eq!(written["expiresAt"], "2030-01-01T00:00:00Z");
        assert!(CachedToken::parse(br#"{"accessToken":"a"}"#).is_err());
        assert!(CachedToken::parse(b"not json").is_err());
    }
}

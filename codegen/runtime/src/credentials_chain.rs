//! The default credential chain, as the AWS SDKs walk it (copied verbatim
//! into each generated crate by codegen; the source lives in
//! `codegen/runtime/src/credentials_chain.rs`): the environment, then the
//! selected profile (static keys, `credential_source`, `credential_process`,
//! a web identity token, SSO, then the roles it assumes with STS), then web
//! identity from the environment, then the container endpoint (ECS, EKS Pod
//! Identity), then EC2 instance metadata (IMDSv2). A source that is not
//! configured passes to the next; a configured one that fails stops the
//! chain with its error. The steps that call STS and SSO are in
//! `chain_calls`. Checked against the recorded scenarios of `aws-config`'s
//! test data.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::SystemTime;

use aws_credential_types::provider::error::{CredentialsError, TokenError};
use aws_credential_types::Credentials;
use bytes::Bytes;

use crate::profile::{ProfileFileError, ProfileSet, Section};
use crate::profile_chain::{BaseSource, ProfileChain};
use crate::provider_env::ProviderEnv;
use crate::transport::HttpClient;

/// The name the chain's credentials carry as their provider.
const PROVIDER: &str = "DefaultChain";

/// The default chain over an environment, files and an HTTP client.
#[derive(Clone, Debug)]
pub(crate) struct DefaultChain {
    env: ProviderEnv,
    http: Arc<dyn HttpClient>,
    profile_name: Option<String>,
    /// The region of the configuration, for the STS calls.
    region: Option<String>,
}

fn not_loaded(message: impl Into<String>) -> CredentialsError {
    CredentialsError::not_loaded(message.into())
}

fn provider_error(message: impl Into<String>) -> CredentialsError {
    CredentialsError::provider_error(message.into())
}

fn invalid(message: impl Into<String>) -> CredentialsError {
    CredentialsError::invalid_configuration(message.into())
}

fn is_not_loaded(error: &CredentialsError) -> bool {
    matches!(error, CredentialsError::CredentialsNotLoaded(_))
}

/// A `CredentialsError` as one line with its causes (`outer: inner`).
fn describe(error: &CredentialsError) -> String {
    crate::error::DisplayErrorContext(error).to_string()
}

impl aws_credential_types::provider::ProvideCredentials for DefaultChain {
    fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::new(async move { self.credentials().await.map_err(named) })
    }
}

/// `error`, of the same kind, its text led by the chain's name, so that a
/// failed call says where its credentials were to come from.
fn named(error: CredentialsError) -> CredentialsError {
    let text = match std::error::Error::source(&error) {
        Some(source) => crate::error::DisplayErrorContext(source).to_string(),
        None => error.to_string(),
    };
    let text = format!("{PROVIDER}: {text}");
    match error {
        CredentialsError::CredentialsNotLoaded(_) => CredentialsError::not_loaded(text),
        CredentialsError::InvalidConfiguration(_) => CredentialsError::invalid_configuration(text),
        CredentialsError::ProviderError(_) => CredentialsError::provider_error(text),
        CredentialsError::Unhandled(_) => CredentialsError::unhandled(text),
        other => other,
    }
}

/// The default token chain (for services that authenticate with a bearer
/// token): the selected profile's `sso_session`, whose cached token is
/// refreshed through SSO-OIDC as it nears its expiry.
impl aws_credential_types::provider::token::ProvideToken for DefaultChain {
    fn provide_token<'a>(&'a self) -> aws_credential_types::provider::future::ProvideToken<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideToken::new(async move {
            let (token, expiry) = self.token().await.map_err(|e| TokenError::provider_error(describe(&e)))?;
            Ok(aws_credential_types::Token::new(token, Some(expiry)))
        })
    }
}

impl DefaultChain {
    pub(crate) fn new(env: ProviderEnv, http: Arc<dyn HttpClient>) -> Self {
        DefaultChain { env, http, profile_name: None, region: None }
    }

    /// The region of the configuration, which the STS calls use.
    pub(crate) fn region(mut self, region: Option<String>) -> Self {
        self.region = region;
        self
    }

    fn calls(&self) -> crate::chain_calls::Calls<'_> {
        crate::chain_calls::Calls { env: &self.env, http: &self.http, region: self.region.as_deref() }
    }

    /// Uses this profile instead of `AWS_PROFILE`'s.
    pub(crate) fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The selected profile: set in code, else `AWS_PROFILE`, else `default`.
    fn selected_profile(&self) -> String {
        self.profile_name.clone().unwrap_or_else(|| self.env.profile_name())
    }

    /// The SSO token of the selected profile's `sso_session`, and its expiry.
    pub(crate) async fn token(&self) -> Result<(String, SystemTime), CredentialsError> {
        let set = self.env.profile_set().map_err(|e| invalid(format!("could not parse profile file: {e}")))?;
        let name = self.selected_profile();
        let profile = set.profile(&name).ok_or_else(|| not_loaded(format!("the profile `{name}` is not defined")))?;
        let session = profile
            .get("sso_session")
            .ok_or_else(|| not_loaded(format!("profile `{name}` has no `sso_session`, which a bearer token comes from")))?;
        let section = set
            .sso_sessions
            .get(session)
            .ok_or_else(|| invalid(format!("sso-session named `{session}` (referenced by profile `{name}`) was not found")))?;
        let region = section
            .get("sso_region")
            .ok_or_else(|| invalid(format!("sso-session `{session}` has no `sso_region`")))?;
        self.calls().sso_token(Some(session), section.get("sso_start_url"), region).await
    }

    /// Walks the chain, reading the profile files once.
    pub(crate) async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut skipped = Vec::new();
        if let Some(credentials) = environment(&self.env) {
            return credentials;
        }
        skipped.push("environment variables");
        let set = self.env.profile_set();
        let name = self.selected_profile();
        match self.profile(&set, &name).await {
            Err(e) if is_not_loaded(&e) => skipped.push("profile"),
            other => return other,
        }
        if let Some(token_file) = self.env.var("AWS_WEB_IDENTITY_TOKEN_FILE") {
            let role_arn = self
                .env
                .var("AWS_ROLE_ARN")
                .ok_or_else(|| invalid("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"))?;
            let session = self.env.var("AWS_ROLE_SESSION_NAME");
            return self.calls().web_identity(&token_file, &role_arn, session.as_deref()).await;
        }
        skipped.push("web identity");
        match self.container().await {
            Err(e) if is_not_loaded(&e) => skipped.push("container"),
            other => return other,
        }
        match self.imds(set.as_ref().ok().and_then(|s| s.profile(&name))).await {
            Err(e) if is_not_loaded(&e) => {
                skipped.push("EC2 instance metadata");
                Err(not_loaded(format!("no credentials in any source of the chain ({}); last: {}", skipped.join(", "), describe(&e))))
            }
            other => other,
        }
    }

    /// The selected profile's credentials; not loaded when there is no such
    /// profile or it holds no credentials.
    async fn profile(
        &self,
        set: &Result<ProfileSet, ProfileFileError>,
        name: &str,
    ) -> Result<Credentials, CredentialsError> {
        let set = set.as_ref().map_err(|e| invalid(format!("could not parse profile file: {e}")))?;
        let Some(profile) = set.profile(name) else {
            return Err(not_loaded(format!("the profile `{name}` is not defined")));
        };
        let chain = match crate::profile_chain::resolve(set, name) {
            Ok(chain) => chain,
            Err(e) if e.empty_profile() == Some(name) => return Err(not_loaded(e.to_string())),
            Err(e) => return Err(invalid(format!("profile `{name}`: {e}"))),
        };
        let ProfileChain { base, roles } = chain;
        let credentials = match base {
            BaseSource::AccessKey { access_key_id, secret_access_key, session_token, account_id } => {
                let mut builder = Credentials::builder()
                    .access_key_id(access_key_id)
                    .secret_access_key(secret_access_key)
                    .provider_name("ProfileFile");
                if let Some(token) = session_token {
                    builder = builder.session_token(token);
                }
                if let Some(account) = account_id {
                    builder = builder.account_id(account);
                }
                builder.build()
            }
            BaseSource::NamedSource(source) => {
                let loaded = match source.as_str() {
                    "Environment" => {
                        environment(&self.env).unwrap_or_else(|| Err(not_loaded("no credentials in the environment")))
                    }
                    "Ec2InstanceMetadata" => self.imds(Some(profile)).await,
                    "EcsContainer" => self.container().await,
                    other => {
                        return Err(invalid(format!(
                            "profile `{name}`: credential_source `{other}` is not Environment, Ec2InstanceMetadata or EcsContainer"
                        )))
                    }
                };
                loaded.map_err(|e| {
                    provider_error(format!("profile `{name}`: credential_source {source}: {}", describe(&e)))
                })?
            }
            BaseSource::CredentialProcess { command, account_id } => {
                credential_process(&command, account_id).await?
            }
            BaseSource::Login { session } => login(&self.env, &session, SystemTime::now())?,
            BaseSource::WebIdentityToken { role_arn, web_identity_token_file, role_session_name } => {
                self.calls().web_identity(&web_identity_token_file, &role_arn, role_session_name.as_deref()).await?
            }
            BaseSource::Sso { session, region, start_url, account_id: Some(account_id), role_name: Some(role_name) } => {
                let sso = crate::chain_calls::SsoProfile {
                    session: session.as_deref(),
                    start_url: start_url.as_deref(),
                    region: region.as_deref(),
                    account_id: &account_id,
                    role_name: &role_name,
                };
                self.calls().sso(&sso).await?
            }
            // `profile_chain` allows both or neither: neither is a profile
            // of an SSO token only.
            BaseSource::Sso { .. } => {
                return Err(invalid(format!(
                    "selected profile will resolve an access token instead of credentials since it doesn't have `sso_account_id` and `sso_role_name` set (profile `{name}`)"
                )))
            }
        };
        let mut credentials = credentials;
        for role in &roles {
            credentials = self.calls().assume_role(credentials, role).await?;
        }
        Ok(credentials)
    }

    /// ECS and EKS Pod Identity: not loaded unless the environment names an endpoint.
    async fn container(&self) -> Result<Credentials, CredentialsError> {
        let env = &self.env;
        if env.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_none() && env.var("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_none() {
            return Err(not_loaded("no container credentials endpoint in the environment"));
        }
        let uri = crate::container::credentials_uri(env).map_err(|e| invalid(e.to_string()))?;
        let token = match env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            Some(path) => {
                let bytes = env.read(&env.expand(&path)).map_err(|e| {
                    invalid(format!("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE `{path}` cannot be read: {e}"))
                })?;
                Some(String::from_utf8_lossy(&bytes).trim().to_owned())
            }
            None => env.var("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        };
        if token.as_deref().is_some_and(|t| t.contains(['\r', '\n'])) {
            return Err(invalid("the container authorization token holds a line break"));
        }
        let mut headers = vec![("accept", "application/json".to_owned())];
        if let Some(token) = token {
            headers.push(("authorization", token));
        }
        let (status, body) = self.fetch(http::Method::GET, &uri, &headers).await.map_err(provider_error)?;
        if status != 200 {
            return Err(provider_error(format!("the container credentials endpoint answered {status}: {}", snippet(&body))));
        }
        parse_credentials_json(&body, "ContainerCredentials", &["AccessKeyId", "SecretAccessKey", "Token", "Expiration"], None)
    }

    /// IMDSv2: a session token, the instance's role, then its credentials.
    /// Not loaded when disabled, or when the instance has no role.
    /// `profile`: the selected profile, for its IMDS settings.
    async fn imds(&self, profile: Option<&Section>) -> Result<Credentials, CredentialsError> {
        let env = &self.env;
        if env.var("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) {
            return Err(not_loaded("EC2 instance metadata is disabled (AWS_EC2_METADATA_DISABLED)"));
        }
        let base = crate::imds::endpoint(env, profile, None, None).map_err(|e| invalid(e.to_string()))?;
        let uri = |path: &str| crate::imds::uri(&base, path).map_err(|e| invalid(e.to_string()));
        let token = crate::imds::session_token(&*self.http, &base).await.map_err(provider_error)?;
        let headers = [("x-aws-ec2-metadata-token", token)];
        let roles_path = "/latest/meta-data/iam/security-credentials/";
        let (status, roles) = self.fetch(http::Method::GET, &uri(roles_path)?, &headers).await.map_err(provider_error)?;
        let role = match status {
            200 => String::from_utf8_lossy(&roles).lines().next().unwrap_or_default().trim().to_owned(),
            404 => return Err(not_loaded("the instance has no IAM role (IMDS answered 404)")),
            other => return Err(provider_error(format!("IMDS answered {other} to the role request"))),
        };
        if role.is_empty() || role.contains(['/', '?', '#']) {
            return Err(provider_error(format!("IMDS named no usable role (`{role}`)")));
        }
        let (status, body) =
            self.fetch(http::Method::GET, &uri(&format!("{roles_path}{role}"))?, &headers).await.map_err(provider_error)?;
        if status != 200 {
            return Err(provider_error(format!("IMDS answered {status} to the credentials request")));
        }
        let json = crate::json::document(&body).map_err(|e| provider_error(format!("IMDS's credentials are not JSON: {e}")))?;
        match crate::json::string(&json, "Code") {
            Some("Success") | None => {}
            Some(code) => return Err(provider_error(format!("IMDS's credentials response has code {code}"))),
        }
        parse_credentials_json(&body, "Ec2InstanceMetadata", &["AccessKeyId", "SecretAccessKey", "Token", "Expiration"], None)
    }

    /// One request with retries on transport errors and 5xx: the status
    /// and the body.
    async fn fetch(&self, method: http::Method, uri: &http::Uri, headers: &[(&str, String)]) -> Result<(u16, Bytes), String> {
        crate::imds::fetch(&*self.http, method, uri, headers).await
    }
}

/// The environment's keys: `None` when `AWS_ACCESS_KEY_ID` is unset or blank.
fn environment(env: &ProviderEnv) -> Option<Result<Credentials, CredentialsError>> {
    let id = env.var("AWS_ACCESS_KEY_ID")?;
    let Some(secret) = env.var("AWS_SECRET_ACCESS_KEY") else {
        return Some(Err(invalid("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")));
    };
    let mut builder = Credentials::builder().access_key_id(id).secret_access_key(secret).provider_name("Environment");
    if let Some(token) = env.var("AWS_SESSION_TOKEN") {
        builder = builder.session_token(token);
    }
    if let Some(account) = env.var("AWS_ACCOUNT_ID") {
        builder = builder.account_id(account);
    }
    Some(Ok(builder.build()))
}

/// Credentials from a JSON object with the given keys (id, secret, token,
/// expiration); `AccountId` when present.
/// `account_id`: the account when the JSON names none.
fn parse_credentials_json(
    body: &[u8],
    provider: &'static str,
    keys: &[&str; 4],
    account_id: Option<String>,
) -> Result<Credentials, CredentialsError> {
    let json =
        crate::json::document(body).map_err(|e| provider_error(format!("{provider}: the credentials are not JSON: {e}")))?;
    let field = |key: &str| crate::json::string(&json, key).filter(|v| !v.is_empty()).map(str::to_owned);
    let (Some(id), Some(secret)) = (field(keys[0]), field(keys[1])) else {
        return Err(provider_error(format!("{provider}: the response has no {} and {}", keys[0], keys[1])));
    };
    let mut builder = Credentials::builder().access_key_id(id).secret_access_key(secret).provider_name(provider);
    if let Some(token) = field(keys[2]) {
        builder = builder.session_token(token);
    }
    if let Some(expiration) = field(keys[3]) {
        builder = builder.expiry(rfc3339(&expiration).map_err(|e| provider_error(format!("{provider}: the expiration {e}")))?);
    }
    if let Some(account) = field("AccountId").or(account_id) {
        builder = builder.account_id(account);
    }
    Ok(builder.build())
}

/// A date of the credential sources' JSON (`2024-03-01T12:00:00Z`, or
/// with an offset).
pub(crate) fn rfc3339(text: &str) -> Result<SystemTime, String> {
    let date = aws_smithy_types::DateTime::from_str(text.trim(), aws_smithy_types::date_time::Format::DateTimeWithOffset)
        .map_err(|e| format!("`{text}` is not an RFC 3339 date: {e}"))?;
    SystemTime::try_from(date).map_err(|e| format!("`{text}` is out of range: {e}"))
}

/// `login_session`: the credentials `aws login` cached under
/// `~/.aws/login/cache/<SHA-256 of the session>.json`, while they last.
/// Refreshing them takes the Sign-In service's `CreateOAuth2Token` with a
/// DPoP proof, which this client cannot call yet: expired credentials are
/// an error that says to sign in again (after checking that the cache
/// holds what a refresh would need, as the SDKs do).
fn login(env: &ProviderEnv, session: &str, now: SystemTime) -> Result<Credentials, CredentialsError> {
    use sha2::Digest;
    let name = crate::primitives::hex(&sha2::Sha256::digest(session.trim().as_bytes()));
    let home = env.home().ok_or_else(|| invalid("no home directory, where the login cache is"))?;
    let path = home.join(".aws").join("login").join("cache").join(format!("{name}.json"));
    let bytes = env
        .read(&path)
        .map_err(|e| invalid(format!("failed to read the login cache `{}`: {e}; run `aws login` to sign in", path.display())))?;
    let json = crate::json::document(&bytes)
        .map_err(|e| invalid(format!("the login cache `{}` is not JSON: {e}", path.display())))?;
    let token = crate::json::member(&json, "accessToken").filter(|t| t.is_object()).ok_or_else(|| {
        invalid(format!("the login cache `{}` has no `accessToken`; run `aws login` to sign in", path.display()))
    })?;
    let field = |key: &str| crate::json::string(token, key).filter(|v| !v.is_empty());
    let expires_at =
        field("expiresAt").map(rfc3339).transpose().map_err(|e| provider_error(format!("the login cache's `expiresAt` {e}")))?;
    if expires_at.is_some_and(|at| at <= now) {
        for needed in ["refreshToken", "clientId", "dpopKey"] {
            if crate::json::string(&json, needed).filter(|v| !v.is_empty()).is_none() {
                return Err(invalid(format!(
                    "the login session's credentials have expired and the login cache `{}` has no `{needed}` to refresh them with; run `aws login` to sign in again",
                    path.display()
                )));
            }
        }
        return Err(provider_error(
            "the login session's credentials have expired; refreshing them (Sign-In CreateOAuth2Token) is not supported by this client yet: run `aws login` to sign in again",
        ));
    }
    let (Some(id), Some(secret)) = (field("accessKeyId"), field("secretAccessKey")) else {
        return Err(invalid(format!("the login cache `{}` has no access key id and secret", path.display())));
    };
    let mut builder = Credentials::builder().access_key_id(id).secret_access_key(secret).provider_name("Login");
    if let Some(token) = field("sessionToken") {
        builder = builder.session_token(token);
    }
    if let Some(account) = field("accountId") {
        builder = builder.account_id(account);
    }
    builder.set_expiry(expires_at);
    Ok(builder.build())
}

/// What a process printed and how it ended.
struct ProcessOutput {
    status: std::process::ExitStatus,
    stdout: Vec<u8>,
}

/// Runs `command` (no input; its standard error goes where ours does, as
/// the AWS CLI lets a credential process's messages through) on a thread
/// of its own: std's processes keep tokio's process driver and signal
/// handling out of every crate's build. A call dropped before the process
/// ends kills it.
async fn run_process(mut command: std::process::Command) -> std::io::Result<ProcessOutput> {
    use std::io::Read;
    use std::process::Stdio;
    use std::sync::{Arc, Mutex, PoisonError};
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn()?;
    let mut stdout = child.stdout.take().ok_or_else(|| std::io::Error::other("the process has no standard output"))?;
    let child = Arc::new(Mutex::new(child));
    let (done, finished) = tokio::sync::oneshot::channel();
    let waited = child.clone();
    std::thread::spawn(move || {
        let mut printed = Vec::new();
        let read = stdout.read_to_end(&mut printed);
        // Once its output has ended, the process is about to exit.
        let status = waited.lock().unwrap_or_else(PoisonError::into_inner).wait();
        let _ = done.send(read.and(status).map(|status| ProcessOutput { status, stdout: printed }));
    });
    /// Kills the process unless it has been waited for.
    struct KillOnDrop(Arc<Mutex<std::process::Child>>, bool);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            // Locked only while the thread waits for a process whose
            // output has ended: nothing to kill then.
            if let (false, Ok(mut child)) = (self.1, self.0.try_lock()) {
                let _ = child.kill();
            }
        }
    }
    let mut guard = KillOnDrop(child, false);
    let output = finished.await.map_err(|_| std::io::Error::other("the thread waiting for the process ended"))?;
    guard.1 = true;
    output
}

/// The start of a body, for an error message.
fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned()
}

/// `credential_process`: runs the command through the platform's shell, as
/// the AWS SDKs do (`sh -c` on Unix, `cmd.exe /C` on Windows), and reads
/// credentials from the JSON it prints (`Version` 1).
async fn credential_process(command: &str, account_id: Option<String>) -> Result<Credentials, CredentialsError> {
    let process = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd.exe");
        c.args(["/C", command]);
        c
    } else {
        let mut c = std::process::Command::new("sh");
        c.args(["-c", command]);
        c
    };
    let output = run_process(process)
        .await
        .map_err(|e| provider_error(format!("Error retrieving credentials: could not run the external process: {e}")))?;
    if !output.status.success() {
        return Err(provider_error(format!(
            "Error retrieving credentials: external process exited with code {}",
            output.status
        )));
    }
    let json = crate::json::document(&output.stdout).map_err(|e| {
        provider_error(format!(
            "Error retrieving credentials from external process, could not parse response: invalid JSON in response: {e}"
        ))
    })?;
    let unparsable = |why: &str| {
        provider_error(format!("Error retrieving credentials from external process, could not parse response: {why}"))
    };
    match crate::json::member(&json, "Version").and_then(crate::json::integer) {
        Some(1) => {}
        Some(other) => return Err(unparsable(&format!("unsupported Version {other} (only 1 is)"))),
        None => return Err(unparsable("the JSON has no Version")),
    }
    parse_credentials_json(
        &output.stdout,
        "CredentialProcess",
        &["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"],
        account_id,
    )
    .map_err(|e| unparsable(&describe(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::VecDeque;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    use crate::transport::{BoxFuture, HttpRequest, HttpResponse, TransportError, TransportErrorKind};

    // Linux: the test reads the process table from /proc.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_credential_process_is_run_and_killed_when_its_call_is_dropped() {
        let dir = std::env::temp_dir().join(format!("credential-process-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let printed = r#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "SECRET"}"#;
        let credentials = credential_process(&format!("printf '%s' '{printed}'"), None).await.unwrap();
        assert_eq!(credentials.access_key_id(), "AKID");
        let failed = credential_process("exit 3", None).await.unwrap_err();
        assert!(describe(&failed).contains("exit"), "{}", describe(&failed));
        // A process that hangs: the call gives up, and the process is gone.
        let pid_file = dir.join("pid");
        let command = format!("echo $$ > '{}'; exec sleep 30", pid_file.display());
        let gave_up = tokio::time::timeout(std::time::Duration::from_millis(500), credential_process(&command, None)).await;
        assert!(gave_up.is_err(), "the process was still running");
        let pid = std::fs::read_to_string(&pid_file).unwrap().trim().to_owned();
        let mut alive = true;
        for _ in 0..200 {
            // A killed child that its thread reaped is gone from /proc.
            alive = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "));
            if !alive {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(!alive, "process {pid} outlived its call");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// One recorded request and its response.
    #[derive(Debug)]
    struct Exchange {
        method: String,
        uri: String,
        response: Option<(u16, Vec<(String, String)>)>,
        body: Vec<u8>,
    }

    /// Answers each request with the next recorded response, after
    /// checking that the request is the one recorded.
    #[derive(Debug, Default)]
    struct Replay {
        exchanges: Mutex<VecDeque<Exchange>>,
        problems: Mutex<Vec<String>>,
    }

    impl Replay {
        fn from_traffic(path: &Path) -> Replay {
            let replay = Replay::default();
            let Ok(text) = std::fs::read_to_string(path) else { return replay };
            let traffic: Value = serde_json::from_str(&text).unwrap();
            let mut by_connection: Vec<(u64, Exchange)> = Vec::new();
            for event in traffic["events"].as_array().unwrap() {
                let id = event["connection_id"].as_u64().unwrap();
                let action = &event["action"];
                let index = match by_connection.iter().position(|(c, _)| *c == id) {
                    Some(index) => index,
                    None => {
                        by_connection.push((id, Exchange { method: String::new(), uri: String::new(), response: None, body: Vec::new() }));
                        by_connection.len() - 1
                    }
                };
                let exchange = &mut by_connection[index].1;
                if let Some(request) = action.get("Request") {
                    exchange.method = request["request"]["method"].as_str().unwrap().to_owned();
                    exchange.uri = request["request"]["uri"].as_str().unwrap().to_owned();
                } else if let Some(response) = action.get("Response") {
                    if let Some(ok) = response["response"].get("Ok") {
                        let headers = ok["headers"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .flat_map(|(k, vs)| vs.as_array().into_iter().flatten().map(move |v| (k.clone(), v.as_str().unwrap().to_owned())))
                            .collect();
                        exchange.response = Some((ok["status"].as_u64().unwrap() as u16, headers));
                    }
                } else if let Some(data) = action.get("Data") {
                    if data["direction"] == "Response" {
                        if let Some(text) = data["data"]["Utf8"].as_str() {
                            exchange.body.extend_from_slice(text.as_bytes());
                        }
                    }
                }
            }
            *replay.exchanges.lock().unwrap() = by_connection.into_iter().map(|(_, e)| e).collect();
            replay
        }
    }

    impl HttpClient for Replay {
        fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            let next = self.exchanges.lock().unwrap().pop_front();
            let result = match next {
                None => {
                    self.problems.lock().unwrap().push(format!("unrecorded request {} {}", request.method(), request.uri()));
                    Err(TransportError::new(TransportErrorKind::Connect, "no recorded response"))
                }
                Some(exchange) => {
                    if exchange.method != request.method().as_str() || !same_uri(&exchange.uri, request.uri()) {
                        self.problems.lock().unwrap().push(format!(
                            "sent {} {}, recorded {} {}",
                            request.method(),
                            request.uri(),
                            exchange.method,
                            exchange.uri
                        ));
                    }
                    match exchange.response {
                        Some((status, headers)) => {
                            let mut response = http::Response::builder().status(status);
                            for (k, v) in headers {
                                response = response.header(k, v);
                            }
                            Ok(response.body(Bytes::from(exchange.body)).unwrap())
                        }
                        None => Err(TransportError::new(TransportErrorKind::Io, "the recorded connection failed")),
                    }
                }
            };
            Box::pin(async move { result })
        }
    }

    /// Whether a request went to the recorded URI: the same scheme, host
    /// and path (none is `/`), and the same query parameters in any order
    /// (the recordings differ in their order).
    fn same_uri(recorded: &str, sent: &http::Uri) -> bool {
        let Ok(recorded) = recorded.parse::<http::Uri>() else { return false };
        let query = |uri: &http::Uri| {
            let mut pairs: Vec<String> = uri.query().unwrap_or_default().split('&').filter(|p| !p.is_empty()).map(str::to_owned).collect();
            pairs.sort();
            pairs
        };
        recorded.scheme() == sent.scheme()
            && recorded.authority() == sent.authority()
            && recorded.path() == sent.path()
            && query(&recorded) == query(sent)
    }

    /// The scenario's environment and files (its `fs/` tree at `/`).
    fn scenario_env(dir: &Path) -> ProviderEnv {
        let vars: Vec<(String, String)> = std::fs::read_to_string(dir.join("env.json"))
            .ok()
            .map(|text| serde_json::from_str::<Value>(&text).unwrap())
            .and_then(|v| v.as_object().cloned())
            .into_iter()
            .flatten()
            .map(|(k, v)| (k, v.as_str().unwrap().to_owned()))
            .collect();
        fn walk(root: &Path, dir: &Path, files: &mut Vec<(PathBuf, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(root, &path, files);
                } else {
                    let relative = path.strip_prefix(root).unwrap();
                    files.push((Path::new("/").join(relative), std::fs::read(&path).unwrap()));
                }
            }
        }
        let mut files = Vec::new();
        walk(&dir.join("fs"), &dir.join("fs"), &mut files);
        ProviderEnv::given(vars, files)
    }

    /// Whether the outcome is what the scenario's `test-case.json` expects.
    fn check(dir: &Path, got: &Result<Credentials, CredentialsError>) -> Result<(), String> {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("test-case.json")).unwrap()).unwrap();
        let result = &case["result"];
        match (result.get("Ok"), result.get("ErrorContains").and_then(Value::as_str), got) {
            (Some(wanted), _, Ok(c)) => {
                let expiry = c.expiry().and_then(|e| e.duration_since(SystemTime::UNIX_EPOCH).ok()).map(|d| d.as_secs());
                let same = wanted["access_key_id"].as_str() == Some(c.access_key_id())
                    && wanted["secret_access_key"].as_str() == Some(c.secret_access_key())
                    && wanted["session_token"].as_str() == c.session_token()
                    && wanted["account_id"].as_str() == c.account_id().map(|a| a.as_str())
                    && wanted["expiry"].as_u64() == expiry;
                if same {
                    Ok(())
                } else {
                    Err(format!("got {} / {:?} / expiry {expiry:?}, expected {wanted}", c.access_key_id(), c.account_id()))
                }
            }
            (_, Some(wanted), Err(e)) if describe(e).contains(wanted) => Ok(()),
            _ => Err(format!("got {}, expected {result}", match got {
                Ok(c) => format!("credentials {}", c.access_key_id()),
                Err(e) => format!("the error `{}`", describe(e)),
            })),
        }
    }

    /// The scenarios that need what the chain cannot do yet, and why. The
    /// list may only shrink: a listed scenario that passes fails the test.
    const NOT_YET: &[(&str, &str)] = &[
    ];

    /// `login-provider-test-cases.json`: credentials of `aws login`'s cache.
    /// The two cases that refresh expired credentials through the Sign-In
    /// service are not run (this client cannot call it yet): they are
    /// counted as not yet.
    #[test]
    fn the_login_cases() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-config-tests/login-provider-test-cases.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (the tests need ../shared)", path.display()));
        let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
        let (mut passed, mut not_yet, mut problems) = (0, 0, Vec::new());
        // The cases' "now": after the refresh case's cached expiry (2020), before its refreshed one.
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_763_000_000);
        for case in &cases {
            let name = case["documentation"].as_str().unwrap();
            if case.get("mockApiCalls").is_some() {
                not_yet += 1;
                continue;
            }
            let mut files = vec![(PathBuf::from("/home/.aws/config"), case["configContents"].as_str().unwrap().as_bytes().to_vec())];
            for (file, content) in case["cacheContents"].as_object().into_iter().flatten() {
                files.push((PathBuf::from(format!("/home/.aws/login/cache/{file}")), serde_json::to_vec(content).unwrap()));
            }
            let env = ProviderEnv::given([("HOME".to_owned(), "/home".to_owned())], files);
            let session = env.profile_set().unwrap().profile("signin").and_then(|p| p.get("login_session")).unwrap().to_owned();
            let got = login(&env, &session, now);
            let outcome = &case["outcomes"][0];
            let ok = match (outcome["result"].as_str(), &got) {
                (Some("credentials"), Ok(c)) => {
                    outcome["accessKeyId"].as_str() == Some(c.access_key_id())
                        && outcome["secretAccessKey"].as_str() == Some(c.secret_access_key())
                        && outcome["sessionToken"].as_str() == c.session_token()
                        && outcome["accountId"].as_str() == c.account_id().map(|a| a.as_str())
                        && outcome["expiresAt"].as_str().map(|t| rfc3339(t).unwrap()) == c.expiry()
                }
                (Some("error"), Err(e)) => !describe(e).contains("not supported"),
                _ => false,
            };
            if ok {
                passed += 1;
            } else {
                problems.push(format!("{name}: got {:?}", got.map(|c| c.access_key_id().to_owned()).map_err(|e| describe(&e))));
            }
        }
        println!("aws-config login scenarios: {passed} passed, {not_yet} not yet");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert_eq!((passed, not_yet), (6, 2));
    }

    /// The scenarios of `default-token-provider-chain/`: the bearer token
    /// of the selected profile's SSO session.
    #[tokio::test]
    async fn the_token_chain_scenarios() {
        use aws_credential_types::provider::token::ProvideToken;
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-config-tests/default-token-provider-chain");
        assert!(root.is_dir(), "{} is missing: the tests need ../shared beside the checkout", root.display());
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
        dirs.sort();
        let (mut passed, mut problems) = (0, Vec::new());
        for dir in &dirs {
            let case: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("test-case.json")).unwrap()).unwrap();
            let replay = Arc::new(Replay::from_traffic(&dir.join("http-traffic.json")));
            let chain = DefaultChain::new(scenario_env(dir), replay.clone());
            let got = chain.provide_token().await;
            let wanted = &case["result"]["Ok"];
            let expiry = |token: &aws_credential_types::Token| {
                token.expiration().map(|e| aws_smithy_types::DateTime::from(e).fmt(aws_smithy_types::date_time::Format::DateTime).unwrap())
            };
            match got {
                Ok(token) if wanted["token"].as_str() == Some(token.token()) && wanted["expiration"].as_str() == expiry(&token).as_deref() => {
                    passed += 1
                }
                other => problems.push(format!("{}: got {:?}, expected {wanted}", dir.display(), other.map(|t| t.token().to_owned()))),
            }
        }
        println!("aws-config token scenarios: {passed} passed, {} failed", problems.len());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert_eq!(passed, 3);
    }

    /// Every recorded scenario of `default-credential-provider-chain/`
    /// (through the whole chain) and `profile-provider/` (through the
    /// profile step alone), each with its environment, files and HTTP
    /// traffic replayed, never the network.
    #[tokio::test]
    async fn the_recorded_credential_scenarios() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-config-tests");
        assert!(root.is_dir(), "{} is missing: the tests need ../shared beside the checkout", root.display());
        let (mut passed, mut failed, mut problems) = (0, 0, Vec::new());
        for suite in ["default-credential-provider-chain", "profile-provider"] {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(suite)).unwrap().map(|e| e.unwrap().path()).collect();
            dirs.sort();
            for dir in dirs {
                let id = format!("{suite}/{}", dir.file_name().unwrap().to_string_lossy());
                let replay = Arc::new(Replay::from_traffic(&dir.join("http-traffic.json")));
                let chain = DefaultChain::new(scenario_env(&dir), replay.clone());
                let got = if suite == "profile-provider" {
                    chain.profile(&chain.env.profile_set(), &chain.selected_profile()).await
                } else {
                    chain.credentials().await
                };
                let mut outcome = check(&dir, &got);
                let unused = replay.exchanges.lock().unwrap().len();
                let mismatches = replay.problems.lock().unwrap().clone();
                // A run that fails may go on past the recording (the SDK's
                // retries of a failed call met its end too): only requests
                // the recording answered must match.
                let run_failed = got.is_err();
                let mismatches: Vec<String> =
                    mismatches.into_iter().filter(|m| !(run_failed && m.starts_with("unrecorded request"))).collect();
                if outcome.is_ok() && (unused > 0 || !mismatches.is_empty()) {
                    outcome = Err(format!("{unused} recorded requests unsent; {mismatches:?}"));
                }
                let listed = NOT_YET.iter().any(|(n, _)| *n == id);
                match (outcome, listed) {
                    (Ok(()), false) => passed += 1,
                    (Ok(()), true) => problems.push(format!("{id} passes: remove it from NOT_YET")),
                    (Err(_), true) => failed += 1,
                    (Err(why), false) => problems.push(format!("{id}: {why}")),
                }
            }
        }
        println!("aws-config credential scenarios: {passed} passed, {failed} not yet");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert_eq!(passed + failed, 47, "the 29 chain and 18 profile scenarios");
    }
}

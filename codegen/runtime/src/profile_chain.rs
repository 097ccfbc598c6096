//! Which credentials a profile names, as the AWS SDKs resolve them (copied
//! verbatim into each generated crate by codegen; the source lives in
//! `codegen/runtime/src/profile_chain.rs`): a base source (static keys, a
//! named source such as `Ec2InstanceMetadata`, a web identity token, SSO,
//! `credential_process`), then the roles to assume from it in order,
//! following `source_profile` from profile to profile (cycles refused).
//! Nothing is fetched here: the chain is what a provider then walks.
//! Checked against `aws-config`'s `assume-role-tests.json`.
#![allow(dead_code)]

use std::fmt;

use crate::profile::{ProfileSet, Section};

/// Where a chain's first credentials come from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum BaseSource {
    /// `aws_access_key_id` and `aws_secret_access_key` (with
    /// `aws_session_token` and `aws_account_id` when given).
    AccessKey { access_key_id: String, secret_access_key: String, session_token: Option<String>, account_id: Option<String> },
    /// `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
    NamedSource(String),
    /// `web_identity_token_file` with its `role_arn`.
    WebIdentityToken { role_arn: String, web_identity_token_file: String, role_session_name: Option<String> },
    /// SSO: with an `sso_session` (its region and start URL), or the legacy
    /// form; `account_id` and `role_name` are absent for a token-only profile.
    Sso {
        session: Option<String>,
        region: Option<String>,
        start_url: Option<String>,
        account_id: Option<String>,
        role_name: Option<String>,
    },
    /// `login_session`: the credentials `aws login` (console sign-in) cached.
    Login { session: String },
    /// `credential_process`: a command printing credentials as JSON.
    CredentialProcess { command: String, account_id: Option<String> },
}

// Never print secrets.
impl fmt::Debug for BaseSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaseSource::AccessKey { access_key_id, account_id, .. } => f
                .debug_struct("AccessKey")
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"** redacted **")
                .field("account_id", account_id)
                .finish_non_exhaustive(),
            BaseSource::NamedSource(name) => f.debug_tuple("NamedSource").field(name).finish(),
            BaseSource::WebIdentityToken { role_arn, web_identity_token_file, .. } => f
                .debug_struct("WebIdentityToken")
                .field("role_arn", role_arn)
                .field("web_identity_token_file", web_identity_token_file)
                .finish_non_exhaustive(),
            BaseSource::Sso { session, start_url, .. } => {
                f.debug_struct("Sso").field("session", session).field("start_url", start_url).finish_non_exhaustive()
            }
            BaseSource::Login { session } => f.debug_struct("Login").field("session", session).finish(),
            BaseSource::CredentialProcess { .. } => f.write_str("CredentialProcess(** redacted **)"),
        }
    }
}

/// A role to assume with the credentials of the step before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssumeRole {
    pub(crate) role_arn: String,
    pub(crate) external_id: Option<String>,
    pub(crate) role_session_name: Option<String>,
    pub(crate) duration_seconds: Option<String>,
}

/// A profile's credentials: the base, then each role in the order assumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProfileChain {
    pub(crate) base: BaseSource,
    pub(crate) roles: Vec<AssumeRole>,
}

/// Why a profile names no usable credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileChainError {
    message: String,
    /// The profile that holds no credential settings at all, when that is why.
    empty_profile: Option<String>,
}

impl ProfileChainError {
    /// The profile that holds no credential settings at all (a profile of
    /// only `region` and such), when that is the error: a chain then looks
    /// elsewhere instead of failing.
    pub(crate) fn empty_profile(&self) -> Option<&str> {
        self.empty_profile.as_deref()
    }
}

impl fmt::Display for ProfileChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProfileChainError {}

fn error(message: impl Into<String>) -> ProfileChainError {
    ProfileChainError { message: message.into(), empty_profile: None }
}

fn no_credentials(name: &str) -> ProfileChainError {
    ProfileChainError {
        message: format!("profile `{name}` did not contain credential information"),
        empty_profile: Some(name.to_owned()),
    }
}

/// The most profiles a chain may visit (a cycle is caught before).
const MAX_PROFILES: usize = 64;

/// Resolves the chain of profile `selected`.
pub(crate) fn resolve(set: &ProfileSet, selected: &str) -> Result<ProfileChain, ProfileChainError> {
    if set.profiles.is_empty() {
        return Err(error("No profiles were defined"));
    }
    let mut visited: Vec<&str> = Vec::new();
    let mut roles = Vec::new();
    let mut name = selected;
    let mut referenced_from: Option<&str> = None;
    let base = loop {
        let Some(profile) = set.profile(name) else {
            return Err(match referenced_from {
                Some(from) => error(format!("could not find source profile {name} referenced from {from}")),
                None => error(format!("profile `{name}` was not found")),
            });
        };
        if visited.contains(&name) || visited.len() >= MAX_PROFILES {
            return Err(error(format!("profile formed an infinite loop: {} -> {name}", visited.join(" -> "))));
        }
        visited.push(name);
        // A source profile's own keys win over its role.
        if visited.len() > 1 {
            if let Some(keys) = static_keys(profile)? {
                break keys;
            }
        }
        let Some(role_arn) = profile.get("role_arn") else {
            break base_source(set, name, profile)?;
        };
        if let Some(file) = profile.get("web_identity_token_file") {
            break BaseSource::WebIdentityToken {
                role_arn: role_arn.to_owned(),
                web_identity_token_file: file.to_owned(),
                role_session_name: profile.get("role_session_name").map(str::to_owned),
            };
        }
        roles.push(AssumeRole {
            role_arn: role_arn.to_owned(),
            external_id: profile.get("external_id").map(str::to_owned),
            role_session_name: profile.get("role_session_name").map(str::to_owned),
            duration_seconds: profile.get("duration_seconds").map(str::to_owned),
        });
        match (profile.get("source_profile"), profile.get("credential_source")) {
            (Some(_), Some(_)) => return Err(error("profile contained both source_profile and credential_source")),
            (None, Some(source)) => break BaseSource::NamedSource(source.to_owned()),
            (Some(source), None) if source == name => {
                // Self-referential: this profile's own keys, then its role.
                break static_keys(profile)?.ok_or_else(|| no_credentials(name))?;
            }
            (Some(source), None) => {
                referenced_from = Some(name);
                name = source;
            }
            (None, None) => {
                return Err(error(format!("profile must contain `source_profile` or `credential_source` (profile `{name}`)")))
            }
        }
    };
    roles.reverse();
    Ok(ProfileChain { base, roles })
}

/// The static keys of a profile, if it has any (both, or an error naming
/// the one missing).
fn static_keys(profile: &Section) -> Result<Option<BaseSource>, ProfileChainError> {
    match (profile.get("aws_access_key_id"), profile.get("aws_secret_access_key")) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(error("profile missing aws_secret_access_key")),
        (None, Some(_)) => Err(error("profile missing aws_access_key_id")),
        (Some(id), Some(secret)) => Ok(Some(BaseSource::AccessKey {
            access_key_id: id.to_owned(),
            secret_access_key: secret.to_owned(),
            session_token: profile.get("aws_session_token").map(str::to_owned),
            account_id: profile.get("aws_account_id").map(str::to_owned),
        })),
    }
}

/// The credentials of a profile without a role (or the source profile at
/// the end of a chain).
fn base_source(set: &ProfileSet, name: &str, profile: &Section) -> Result<BaseSource, ProfileChainError> {
    if let Some(keys) = static_keys(profile)? {
        return Ok(keys);
    }
    if profile.get("web_identity_token_file").is_some() {
        return Err(error(format!("`web_identity_token_file` was specified but `role_arn` was missing (profile `{name}`)")));
    }
    if let Some(sso) = sso(set, name, profile)? {
        return Ok(sso);
    }
    if let Some(session) = profile.get("login_session") {
        return Ok(BaseSource::Login { session: session.to_owned() });
    }
    if let Some(command) = profile.get("credential_process") {
        return Ok(BaseSource::CredentialProcess {
            command: command.to_owned(),
            account_id: profile.get("aws_account_id").map(str::to_owned),
        });
    }
    Err(no_credentials(name))
}

/// SSO, with an `sso_session` or in the legacy form, checked as the SDKs check it.
fn sso(set: &ProfileSet, name: &str, profile: &Section) -> Result<Option<BaseSource>, ProfileChainError> {
    let get = |key: &str| profile.get(key).map(str::to_owned);
    let (account_id, role_name) = (get("sso_account_id"), get("sso_role_name"));
    if let Some(session) = profile.get("sso_session") {
        if profile.get("sso_region").is_some() {
            return Err(error(format!(
                "`sso_region` can only be specified in the [sso-session] config when a session name is given (profile `{name}`)"
            )));
        }
        let Some(section) = set.sso_sessions.get(session) else {
            return Err(error(format!("sso-session named `{session}` (referenced by profile `{name}`) was not found")));
        };
        check_sso_pair(&account_id, &role_name)?;
        return Ok(Some(BaseSource::Sso {
            session: Some(session.to_owned()),
            region: section.get("sso_region").map(str::to_owned),
            start_url: section.get("sso_start_url").map(str::to_owned),
            account_id,
            role_name,
        }));
    }
    let start_url = get("sso_start_url");
    if start_url.is_none() && account_id.is_none() && role_name.is_none() {
        return Ok(None);
    }
    check_sso_pair(&account_id, &role_name)?;
    Ok(Some(BaseSource::Sso { session: None, region: get("sso_region"), start_url, account_id, role_name }))
}

fn check_sso_pair(account_id: &Option<String>, role_name: &Option<String>) -> Result<(), ProfileChainError> {
    match (account_id, role_name) {
        (None, Some(_)) => Err(error("if `sso_role_name` is set, then `sso_account_id` must also be set")),
        (Some(_), None) => Err(error("if `sso_account_id` is set, then `sso_role_name` must also be set")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A profile set from the test data's `profiles` and `sso_sessions`, as
    /// a config file the parser reads.
    fn profile_set(input: &Value) -> ProfileSet {
        let mut config = String::new();
        let sections = [("profile", "profiles"), ("sso-session", "sso_sessions")];
        for (prefix, key) in sections {
            for (name, properties) in input[key].as_object().into_iter().flatten() {
                config.push_str(&format!("[{prefix} {name}]\n"));
                for (k, v) in properties.as_object().into_iter().flatten() {
                    config.push_str(&format!("{k} = {}\n", v.as_str().unwrap()));
                }
            }
        }
        ProfileSet::parse(Some(("config", &config)), None).unwrap()
    }

    fn opt(map: &mut serde_json::Map<String, Value>, key: &str, value: &Option<String>) {
        if let Some(value) = value {
            map.insert(key.to_owned(), json!(value));
        }
    }

    /// The chain as the test data writes it.
    fn as_json(chain: &ProfileChain) -> Value {
        let mut steps = Vec::new();
        let base = match &chain.base {
            BaseSource::AccessKey { access_key_id, secret_access_key, session_token, account_id } => {
                let mut m = serde_json::Map::new();
                m.insert("access_key_id".into(), json!(access_key_id));
                m.insert("secret_access_key".into(), json!(secret_access_key));
                opt(&mut m, "session_token", session_token);
                opt(&mut m, "account_id", account_id);
                json!({ "AccessKey": m })
            }
            BaseSource::NamedSource(name) => json!({ "NamedSource": name }),
            BaseSource::WebIdentityToken { role_arn, web_identity_token_file, role_session_name } => {
                let mut m = serde_json::Map::new();
                m.insert("role_arn".into(), json!(role_arn));
                m.insert("web_identity_token_file".into(), json!(web_identity_token_file));
                opt(&mut m, "role_session_name", role_session_name);
                json!({ "WebIdentityToken": m })
            }
            BaseSource::Sso { session, region, start_url, account_id, role_name } => {
                let mut m = serde_json::Map::new();
                opt(&mut m, "sso_session", session);
                opt(&mut m, "sso_region", region);
                opt(&mut m, "sso_start_url", start_url);
                opt(&mut m, "sso_account_id", account_id);
                opt(&mut m, "sso_role_name", role_name);
                json!({ "Sso": m })
            }
            BaseSource::CredentialProcess { command, .. } => json!({ "CredentialProcess": command }),
            BaseSource::Login { session } => json!({ "Login": session }),
        };
        steps.push(base);
        for role in &chain.roles {
            let mut m = serde_json::Map::new();
            m.insert("role_arn".into(), json!(role.role_arn));
            opt(&mut m, "external_id", &role.external_id);
            opt(&mut m, "role_session_name", &role.role_session_name);
            steps.push(json!({ "AssumeRole": m }));
        }
        json!({ "ProfileChain": steps })
    }

    /// The 28 cases of `aws-config`'s `assume-role-tests.json`: the chain,
    /// or an error containing the expected text.
    #[test]
    fn the_assume_role_chain_cases_pass() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-config-tests/assume-role-tests.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} is missing ({e}): the tests need ../shared beside the checkout", path.display()));
        let cases: Value = serde_json::from_str(&text).unwrap();
        let mut failures = Vec::new();
        let cases = cases.as_array().unwrap();
        for case in cases {
            let docs = case["docs"].as_str().unwrap();
            let set = profile_set(&case["input"]);
            let got = resolve(&set, case["input"]["selected_profile"].as_str().unwrap());
            let output = &case["output"];
            let ok = match (output.get("Error").and_then(Value::as_str), &got) {
                (Some(wanted), Err(e)) => e.to_string().contains(wanted),
                (None, Ok(chain)) => &as_json(chain) == output,
                _ => false,
            };
            if !ok {
                failures.push(format!("{docs}: got {got:?}, expected {output}"));
            }
        }
        println!("aws-config assume-role chain tests: {} passed, {} failed", cases.len() - failures.len(), failures.len());
        assert_eq!(cases.len(), 28, "the 28 cases of assume-role-tests.json");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn secrets_never_reach_debug() {
        let set = ProfileSet::parse(
            Some(("config", "[profile p]\naws_access_key_id = AKID\naws_secret_access_key = TOPSECRET\ncredential_process = get --token SECRET2")),
            None,
        )
        .unwrap();
        let chain = resolve(&set, "p").unwrap();
        let text = format!("{chain:?}");
        assert!(text.contains("AKID") && !text.contains("TOPSECRET"), "{text}");
        let process = BaseSource::CredentialProcess { command: "get --token SECRET2".into(), account_id: None };
        assert!(!format!("{process:?}").contains("SECRET2"));
    }
}

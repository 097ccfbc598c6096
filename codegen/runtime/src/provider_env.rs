//! What the credential and region providers read: environment variables
//! and files, the process's own or given ones (so that tests, and the
//! recorded scenarios of `aws-config`'s test data, never touch the real
//! environment). Copied verbatim into each generated crate by codegen; the
//! source lives in `codegen/runtime/src/provider_env.rs`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::profile::{ProfileFileError, ProfileSet};

/// Environment variables and files, real or given.
#[derive(Clone, Default)]
pub(crate) struct ProviderEnv {
    /// `None`: the process's environment.
    vars: Option<Arc<HashMap<String, String>>>,
    /// `None`: the real file system.
    files: Option<Arc<HashMap<PathBuf, Vec<u8>>>>,
}

impl std::fmt::Debug for ProviderEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secrets: only say where they come from.
        f.debug_struct("ProviderEnv")
            .field("vars", &if self.vars.is_some() { "given" } else { "process" })
            .field("files", &if self.files.is_some() { "given" } else { "file system" })
            .finish()
    }
}

impl ProviderEnv {
    /// The process's environment and file system.
    pub(crate) fn real() -> Self {
        ProviderEnv::default()
    }

    /// Given variables and files (paths as the variables name them).
    pub(crate) fn given(
        vars: impl IntoIterator<Item = (String, String)>,
        files: impl IntoIterator<Item = (PathBuf, Vec<u8>)>,
    ) -> Self {
        ProviderEnv { vars: Some(Arc::new(vars.into_iter().collect())), files: Some(Arc::new(files.into_iter().collect())) }
    }

    /// A variable's value; unset and blank values are both `None`.
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        let value = match &self.vars {
            Some(vars) => vars.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    /// A file's bytes.
    pub(crate) fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match &self.files {
            Some(files) => files
                .get(path)
                .cloned()
                // As the operating system reports a missing file (ENOENT on
                // Unix, ERROR_FILE_NOT_FOUND on Windows: both 2).
                .ok_or_else(|| std::io::Error::from_raw_os_error(2)),
            None => std::fs::read(path),
        }
    }

    /// Writes a file (creating its folder); with given files, nothing is
    /// written.
    pub(crate) fn write(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        if self.files.is_some() {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    /// The home directory: `HOME`, else `USERPROFILE`, else `HOMEDRIVE` and `HOMEPATH`.
    pub(crate) fn home(&self) -> Option<PathBuf> {
        if let Some(home) = self.var("HOME").or_else(|| self.var("USERPROFILE")) {
            return Some(PathBuf::from(home));
        }
        match (self.var("HOMEDRIVE"), self.var("HOMEPATH")) {
            (Some(drive), Some(path)) => Some(PathBuf::from(format!("{drive}{path}"))),
            _ => None,
        }
    }

    /// A path with a leading `~` meaning the home directory.
    pub(crate) fn expand(&self, path: &str) -> PathBuf {
        match (path.strip_prefix('~'), self.home()) {
            (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with(['/', '\\']) => {
                home.join(rest.trim_start_matches(['/', '\\']))
            }
            _ => PathBuf::from(path),
        }
    }

    /// The selected profile: `AWS_PROFILE`, else `default`.
    pub(crate) fn profile_name(&self) -> String {
        self.var("AWS_PROFILE").unwrap_or_else(|| "default".to_owned())
    }

    /// The config file (`AWS_CONFIG_FILE`, else `~/.aws/config`) and the
    /// credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else
    /// `~/.aws/credentials`), parsed and merged; a file that does not exist
    /// has no profiles.
    pub(crate) fn profile_set(&self) -> Result<ProfileSet, ProfileFileError> {
        let config = self.expand(&self.var("AWS_CONFIG_FILE").unwrap_or_else(|| "~/.aws/config".to_owned()));
        let credentials =
            self.expand(&self.var("AWS_SHARED_CREDENTIALS_FILE").unwrap_or_else(|| "~/.aws/credentials".to_owned()));
        let text = |path: &Path| self.read(path).ok().map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        let (config_text, credentials_text) = (text(&config), text(&credentials));
        let (config_name, credentials_name) = (config.display().to_string(), credentials.display().to_string());
        ProfileSet::parse(
            config_text.as_deref().map(|t| (config_name.as_str(), t)),
            credentials_text.as_deref().map(|t| (credentials_name.as_str(), t)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_files_and_variables_make_the_profiles() {
        let env = ProviderEnv::given(
            [("HOME".to_owned(), "/home/me".to_owned()), ("AWS_PROFILE".to_owned(), "dev".to_owned()), ("EMPTY".to_owned(), " ".to_owned())],
            [
                (PathBuf::from("/home/me/.aws/config"), b"[profile dev]\nregion = eu-west-1\n".to_vec()),
                (PathBuf::from("/home/me/.aws/credentials"), b"[dev]\naws_access_key_id = AKID\n".to_vec()),
            ],
        );
        assert_eq!(env.var("EMPTY"), None);
        assert_eq!(env.profile_name(), "dev");
        let set = env.profile_set().unwrap();
        let dev = set.profile("dev").unwrap();
        assert_eq!((dev.get("region"), dev.get("aws_access_key_id")), (Some("eu-west-1"), Some("AKID")));
        assert_eq!(env.expand("~/x/y"), PathBuf::from("/home/me/x/y"));
        assert_eq!(env.expand("~other/x"), PathBuf::from("~other/x"));
        // No files at all: no profiles, no error.
        let bare = ProviderEnv::given([], []);
        assert!(bare.profile_set().unwrap().profiles.is_empty());
        // A bad file: the error names it and the line.
        let bad = ProviderEnv::given(
            [("AWS_CONFIG_FILE".to_owned(), "/etc/aws".to_owned())],
            [(PathBuf::from("/etc/aws"), b"[profile x\n".to_vec())],
        );
        assert_eq!(bad.profile_set().unwrap_err().to_string(), "/etc/aws:1: Profile definition must end with ']'");
    }
}

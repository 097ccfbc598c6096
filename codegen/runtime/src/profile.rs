//! The shared AWS config and credentials files (`~/.aws/config`,
//! `~/.aws/credentials`), parsed as every AWS SDK parses them (copied
//! verbatim into each generated crate by codegen; the source lives in
//! `codegen/runtime/src/profile.rs`): sections of properties, comments,
//! continuation lines and sub-properties, `[profile name]` in the config
//! file and `[name]` in the credentials file, `[sso-session name]` and
//! `[services name]` sections, the two files merged with the credentials
//! file winning. Checked against the cross-SDK parser cases of
//! `aws-config`'s test data (`profile-parser-tests.json`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt;

/// Which of the two files a text came from: they name sections differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `~/.aws/config` (`AWS_CONFIG_FILE`): `[profile name]`, `[default]`,
    /// `[sso-session name]`, `[services name]`.
    Config,
    /// `~/.aws/credentials` (`AWS_SHARED_CREDENTIALS_FILE`): `[name]`.
    Credentials,
}

/// A syntax error, with the file and line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFileError {
    file: String,
    line: usize,
    message: &'static str,
}

impl fmt::Display for ProfileFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ProfileFileError {}

/// One section's properties, by lower-cased name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Section {
    properties: BTreeMap<String, String>,
}

impl Section {
    /// A property's value (names are case-insensitive).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        match self.properties.get(name) {
            Some(value) => Some(value),
            None => self.properties.get(&name.to_ascii_lowercase()).map(String::as_str),
        }
    }

    pub(crate) fn properties(&self) -> &BTreeMap<String, String> {
        &self.properties
    }

    /// The sub-properties of a property whose value is a block of
    /// `name = value` lines (`s3 =` followed by indented lines).
    pub(crate) fn sub_properties(&self, name: &str) -> BTreeMap<String, String> {
        let Some(block) = self.get(name) else { return BTreeMap::new() };
        block
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .filter(|(k, _)| !k.is_empty())
            .collect()
    }
}

/// The profiles, SSO sessions and services sections of both files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ProfileSet {
    pub(crate) profiles: BTreeMap<String, Section>,
    pub(crate) sso_sessions: BTreeMap<String, Section>,
    pub(crate) services: BTreeMap<String, Section>,
}

impl ProfileSet {
    /// Parses the config file's and the credentials file's texts (`name`s
    /// for error messages) and merges them: a profile in both gets the
    /// properties of both, the credentials file's winning.
    pub(crate) fn parse(
        config: Option<(&str, &str)>,
        credentials: Option<(&str, &str)>,
    ) -> Result<ProfileSet, ProfileFileError> {
        let mut set = ProfileSet::default();
        if let Some((name, text)) = config {
            set.merge(parse_file(text, name, FileKind::Config)?);
        }
        if let Some((name, text)) = credentials {
            set.merge(parse_file(text, name, FileKind::Credentials)?);
        }
        Ok(set)
    }

    pub(crate) fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    fn merge(&mut self, file: ParsedFile) {
        for (kind, name, section) in file.sections {
            let target = match kind {
                SectionKind::Profile => &mut self.profiles,
                SectionKind::SsoSession => &mut self.sso_sessions,
                SectionKind::Services => &mut self.services,
            };
            target.entry(name).or_default().properties.extend(section.properties);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    Profile,
    SsoSession,
    Services,
}

/// A file's sections in order (a name may repeat: later properties win).
struct ParsedFile {
    sections: Vec<(SectionKind, String, Section)>,
}

/// Where the lines being read go.
enum Current {
    /// Before the first section header.
    Nothing,
    /// In a section the SDKs ignore (an invalid or unknown name): its
    /// properties are read and dropped.
    Ignored { property: bool },
    /// In section `index` of the file; `property` is the last property
    /// defined in it, if any (continuations extend it), `skipping` when
    /// that property's name was invalid (it and its continuations are
    /// dropped).
    Section { index: usize, property: Option<String>, skipping: bool },
}

fn parse_file(text: &str, file: &str, kind: FileKind) -> Result<ParsedFile, ProfileFileError> {
    let mut sections: Vec<(SectionKind, String, Section)> = Vec::new();
    // `[default]` in the config file is ignored when `[profile default]`
    // is there too, wherever it is.
    let mut bare_default: Vec<usize> = Vec::new();
    let mut prefixed_default = false;
    let mut current = Current::Nothing;
    for (number, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let error = |message| ProfileFileError { file: file.to_owned(), line: number + 1, message };
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            let header = section_header(line).ok_or_else(|| error("Profile definition must end with ']'"))?;
            current = match classify(header, kind) {
                Some((section_kind, name, is_bare_default)) => {
                    if section_kind == SectionKind::Profile && name == "default" && kind == FileKind::Config {
                        if is_bare_default {
                            bare_default.push(sections.len());
                        } else {
                            prefixed_default = true;
                        }
                    }
                    sections.push((section_kind, name, Section::default()));
                    Current::Section { index: sections.len() - 1, property: None, skipping: false }
                }
                None => Current::Ignored { property: false },
            };
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            // A continuation of the last property's value.
            let text = line.trim();
            match &mut current {
                Current::Nothing => return Err(error("Expected a profile definition")),
                Current::Ignored { property: false } | Current::Section { property: None, skipping: false, .. } => {
                    return Err(error("Expected a property definition, found continuation"))
                }
                Current::Ignored { property: true } | Current::Section { skipping: true, .. } => {}
                Current::Section { index, property: Some(name), skipping: false } => {
                    let value = sections[*index].2.properties.entry(name.clone()).or_default();
                    if value.is_empty() || value.starts_with('\n') {
                        // A block of sub-properties (`name =` then `key = value` lines).
                        let (key, _) = text.split_once('=').ok_or_else(|| error("Expected an '=' sign defining a sub-property"))?;
                        if key.trim().is_empty() {
                            return Err(error("Sub-property did not have a name"));
                        }
                    }
                    value.push('\n');
                    value.push_str(text);
                }
            }
            continue;
        }
        // A property definition.
        let (key, value) = line.split_once('=').ok_or_else(|| error("Expected an '=' sign defining a property"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(error("Property did not have a name"));
        }
        let value = without_comment(value.trim());
        match &mut current {
            Current::Nothing => return Err(error("Expected a profile definition")),
            Current::Ignored { property } => *property = true,
            Current::Section { index, property, skipping } => {
                // An invalid name is ignored, with what continues it.
                *skipping = !valid_name(key);
                if *skipping {
                    *property = None;
                } else {
                    let key = key.to_ascii_lowercase();
                    sections[*index].2.properties.insert(key.clone(), value.to_owned());
                    *property = Some(key);
                }
            }
        }
    }
    if prefixed_default {
        for index in bare_default.into_iter().rev() {
            sections.remove(index);
        }
    }
    Ok(ParsedFile { sections })
}

/// The text between `[` and `]` of a section header, trimmed; `None` when
/// there is no `]`, or when something other than a comment follows it.
fn section_header(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('[')?;
    let end = inner.find(']')?;
    let rest = inner[end + 1..].trim_start();
    if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
        return None;
    }
    Some(inner[..end].trim())
}

/// A header's section: its kind and name, and whether it is the config
/// file's bare `[default]`; `None` for a section the SDKs ignore.
fn classify(header: &str, kind: FileKind) -> Option<(SectionKind, String, bool)> {
    let named = |prefix: &str| {
        let rest = header.strip_prefix(prefix)?;
        rest.starts_with([' ', '\t']).then(|| rest.trim())
    };
    let section = match kind {
        FileKind::Credentials => (SectionKind::Profile, header, false),
        FileKind::Config if header == "default" => (SectionKind::Profile, header, true),
        FileKind::Config => {
            if let Some(name) = named("profile") {
                (SectionKind::Profile, name, false)
            } else if let Some(name) = named("sso-session") {
                (SectionKind::SsoSession, name, false)
            } else if let Some(name) = named("services") {
                (SectionKind::Services, name, false)
            } else {
                return None;
            }
        }
    };
    let (section_kind, name, bare) = section;
    valid_name(name).then(|| (section_kind, name.to_owned(), bare))
}

/// Profile and property names: letters, digits and `-_/.%@:+`.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_/.%@:+".contains(c))
}

/// A property value without its trailing comment: `#` or `;` after
/// whitespace starts one (adjacent to the value, they are part of it).
fn without_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if (b == b'#' || b == b';') && i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            return value[..i].trim_end();
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(config: &str) -> Result<ProfileSet, ProfileFileError> {
        ProfileSet::parse(Some(("config", config)), None)
    }

    #[test]
    fn errors_name_the_file_and_the_line() {
        let error = parse("[profile foo]\nname = value\n\n[profile bar\n").unwrap_err();
        assert_eq!(error.to_string(), "config:4: Profile definition must end with ']'");
        let error = ProfileSet::parse(None, Some(("/home/me/.aws/credentials", "[a]\n -x"))).unwrap_err();
        assert_eq!(error.to_string(), "/home/me/.aws/credentials:2: Expected a property definition, found continuation");
    }

    #[test]
    fn sub_properties_read_as_a_map() {
        let set = parse("[profile foo]\ns3 =\n  Addressing_Style = path\n  use_accelerate_endpoint=true\nregion = eu-west-1").unwrap();
        let foo = set.profile("foo").unwrap();
        assert_eq!(foo.get("REGION"), Some("eu-west-1"));
        let s3 = foo.sub_properties("s3");
        assert_eq!(s3.get("addressing_style").map(String::as_str), Some("path"));
        assert_eq!(s3.get("use_accelerate_endpoint").map(String::as_str), Some("true"));
    }

    #[test]
    fn services_sections_are_kept_apart() {
        let set = parse("[services dev]\ndynamodb =\n  endpoint_url = http://localhost:8000\n[profile p]\nservices = dev").unwrap();
        let dev = &set.services["dev"];
        assert_eq!(dev.sub_properties("dynamodb")["endpoint_url"], "http://localhost:8000");
        assert_eq!(set.profile("p").unwrap().get("services"), Some("dev"));
    }

    /// The cross-SDK parser cases of `aws-config`'s test data: every one
    /// gives the profiles and SSO sessions it expects, or an error
    /// containing its text.
    #[test]
    fn the_cross_sdk_parser_cases_pass() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-config-tests/profile-parser-tests.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} is missing ({e}): the tests need ../shared beside the checkout", path.display()));
        let cases: serde_json::Value = serde_json::from_str(&text).unwrap();
        let as_map = |sections: &BTreeMap<String, Section>| -> serde_json::Value {
            sections.iter().map(|(name, section)| (name.clone(), serde_json::json!(section.properties))).collect()
        };
        let (mut passed, mut failures) = (0, Vec::new());
        for case in cases["tests"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            let input = &case["input"];
            let config = input["configFile"].as_str().map(|t| ("config", t));
            let credentials = input["credentialsFile"].as_str().map(|t| ("credentials", t));
            let result = ProfileSet::parse(config, credentials);
            let output = &case["output"];
            let outcome = match (output.get("errorContaining").and_then(|e| e.as_str()), result) {
                (Some(wanted), Err(error)) if error.to_string().contains(wanted) => Ok(()),
                (Some(wanted), other) => Err(format!("expected an error containing {wanted:?}, got {other:?}")),
                (None, Err(error)) => Err(format!("unexpected error {error}")),
                (None, Ok(set)) => {
                    let expected = &output["config"];
                    let profiles_match = as_map(&set.profiles) == expected["profiles"];
                    let sessions_match = match expected.get("sso_sessions") {
                        Some(sessions) => &as_map(&set.sso_sessions) == sessions,
                        None => true,
                    };
                    if profiles_match && sessions_match {
                        Ok(())
                    } else {
                        Err(format!("got {} and {}, expected {expected}", as_map(&set.profiles), as_map(&set.sso_sessions)))
                    }
                }
            };
            match outcome {
                Ok(()) => passed += 1,
                Err(why) => failures.push(format!("{name}: {why}")),
            }
        }
        println!("aws-config profile parser tests: {passed} passed, {} failed", failures.len());
        assert_eq!(passed, 65, "the 65 cases of profile-parser-tests.json");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

//! The generator's one error type. Every variant that a model can cause names
//! the file and, where there is one, the shape id, so that a user can find the
//! offending definition.

use std::fmt;
use std::path::PathBuf;

/// Where a shape was defined.
pub type Source = std::sync::Arc<PathBuf>;

/// Everything that can go wrong between reading a model and writing a crate.
#[derive(Debug)]
pub enum Error {
    /// A model file or directory could not be read.
    Io { path: PathBuf, message: String },
    /// A model file is not valid JSON.
    Json { path: PathBuf, line: usize, column: usize, message: String },
    /// The file is JSON, but not a Smithy JSON AST document.
    Malformed { path: PathBuf, shape: Option<String>, message: String },
    /// The `smithy` version of a file is not one this generator reads.
    UnsupportedVersion { path: PathBuf, version: String },
    /// A shape declares a `type` that Smithy does not define.
    UnknownShapeType { path: PathBuf, shape: String, kind: String },
    /// A reference (member target, operation input, ...) names no shape.
    UnresolvedTarget { path: PathBuf, shape: String, target: String },
    /// Two files define the same shape differently.
    ConflictingShape { shape: String, first: PathBuf, second: PathBuf },
    /// The model is valid Smithy but uses something this generator cannot emit yet.
    Unsupported { path: PathBuf, shape: String, feature: String },
    /// The model violates a Smithy rule that code generation depends on.
    Invalid { path: PathBuf, shape: String, message: String },
    /// The loaded model holds no service shape.
    NoService { paths: Vec<PathBuf> },
    /// Several services and no `--service` to choose one.
    AmbiguousService { services: Vec<String> },
    /// `--service` names a shape that is not a service of the model.
    ServiceNotFound { requested: String, services: Vec<String> },
    /// `--operation` names an operation that the service does not have.
    OperationNotFound { requested: String, service: String, available: Vec<String> },
    /// A command-line option has a value the generator cannot use.
    InvalidOption { option: &'static str, message: String },
    /// The output directory holds a file of that name that the generator did
    /// not write; it is never overwritten.
    NotGenerated { path: PathBuf },
    /// Emitted tokens did not parse as a Rust file (a generator bug).
    Format { file: String, message: String },
    /// A Smithy IDL file (or a reference in one) is wrong at a known place:
    /// `line` and `column` count from 1, `line_text` is the offending line.
    Syntax { path: PathBuf, line: usize, column: usize, line_text: String, message: String },
    /// Two files give the same metadata key values that cannot be merged.
    ConflictingMetadata { key: String, first: PathBuf, second: PathBuf },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, message } => write!(f, "{}: cannot read: {message}", path.display()),
            Error::Json { path, line, column, message } => {
                write!(f, "{}:{line}:{column}: invalid JSON: {message}", path.display())
            }
            Error::Malformed { path, shape: Some(shape), message } => {
                write!(f, "{}: shape `{shape}`: {message}", path.display())
            }
            Error::Malformed { path, shape: None, message } => write!(f, "{}: {message}", path.display()),
            Error::UnsupportedVersion { path, version } => write!(
                f,
                "{}: unsupported Smithy version \"{version}\" (this generator reads JSON AST version \"2.0\")",
                path.display()
            ),
            Error::UnknownShapeType { path, shape, kind } => write!(
                f,
                "{}: shape `{shape}` has unknown type \"{kind}\"",
                path.display()
            ),
            Error::UnresolvedTarget { path, shape, target } => write!(
                f,
                "{}: shape `{shape}` refers to `{target}`, which is not defined in the model",
                path.display()
            ),
            Error::ConflictingShape { shape, first, second } => write!(
                f,
                "shape `{shape}` is defined differently in {} and {}",
                first.display(),
                second.display()
            ),
            Error::Unsupported { path, shape, feature } => write!(
                f,
                "{}: shape `{shape}` uses {feature}, which this generator does not support yet",
                path.display()
            ),
            Error::Invalid { path, shape, message } => {
                write!(f, "{}: shape `{shape}`: {message}", path.display())
            }
            Error::NoService { paths } => {
                let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(f, "no service shape found in the model (read: {})", list(&files))
            }
            Error::AmbiguousService { services } => write!(
                f,
                "the model holds several services; choose one with --service: {}",
                list(services)
            ),
            Error::ServiceNotFound { requested, services } => write!(
                f,
                "--service `{requested}` is not a service of the model; services: {}",
                list(services)
            ),
            Error::OperationNotFound { requested, service, available } => write!(
                f,
                "--operation `{requested}` is not an operation of service `{service}`; operations: {}",
                list(available)
            ),
            Error::InvalidOption { option, message } => write!(f, "{option}: {message}"),
            Error::NotGenerated { path } => write!(
                f,
                "{}: refusing to overwrite a file that was not generated (its first line has no `@generated` header); move it away or choose another --out",
                path.display()
            ),
            Error::Format { file, message } => {
                write!(f, "internal error: generated code for {file} does not parse: {message}")
            }
            Error::Syntax { path, line, column, line_text, message } => {
                write!(f, "{}:{line}:{column}: {message}", path.display())?;
                // The offending line, then a caret under the column (tabs kept
                // so that the caret lines up in a terminal).
                let pad: String = line_text
                    .chars()
                    .take(column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n  {line_text}\n  {pad}^")
            }
            Error::ConflictingMetadata { key, first, second } => write!(
                f,
                "metadata `{key}` has conflicting values in {} and {} (only arrays are merged)",
                first.display(),
                second.display()
            ),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

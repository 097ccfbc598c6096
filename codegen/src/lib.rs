//! A Smithy-to-Rust client generator.
//!
//! The stages, one module each, run in this order:
//!
//! 1. [`load`]: read Smithy IDL ([`idl`]) and JSON AST files into a typed [`model::Model`];
//! 2. [`validate`]: check references and the rules later stages rely on;
//! 3. [`select`]: choose the service and operations, compute their closure;
//! 4. [`ir`]: decide every Rust name, type, `Option` and `Box`;
//! 5. [`emit`]: render the IR as tokens, one module per shape kind;
//! 6. [`format`]: pretty-print the tokens with a `@generated` header;
//! 7. [`write`]: compare with the output directory, and write.

pub mod emit;
pub mod error;
pub mod format;
pub mod idl;
pub mod ir;
pub mod load;
pub mod model;
pub mod select;
pub mod single_file;
pub mod validate;
pub mod write;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use error::{Error, Result};

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Model files or directories.
    pub models: Vec<PathBuf>,
    /// The service shape id (or name); needed only when the model has several.
    pub service: Option<String>,
    /// Operation names (or shape ids); empty means every operation.
    pub operations: Vec<String>,
    /// The generated package's name; by default derived from the service.
    pub crate_name: Option<String>,
    /// The protocol to write, for a service that lists several (a trait id
    /// such as `aws.protocols#awsJson1_0`, or its name); by default the
    /// first the generator writes, in the order of `ir::protocol`.
    pub protocol: Option<String>,
    /// Where the runtime goes: a crate of its own beside the client's (the
    /// default), or modules of the client's crate.
    pub runtime: RuntimeLayout,
}

/// Where a generated client's runtime (configuration, transport, signing,
/// retries, codecs, the credential chain: `codegen/runtime/`) goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RuntimeLayout {
    /// A crate of its own, `<name>-runtime` in `runtime/` beside the
    /// client's `Cargo.toml`, which depends on it by path and re-exports
    /// what a user reads (`config`, `primitives`, `testing`, ...). Built
    /// like any dependency: regenerating the client with other operations
    /// rebuilds only the client's crate, and cargo builds the two
    /// side by side.
    #[default]
    Crate,
    /// Modules of the client's crate: one crate holds everything (what the
    /// test harnesses that stitch a client into one file need).
    Inline,
}

/// Runs every stage but writing: returns the generated files, keyed by path
/// relative to the output directory. With `CODEGEN_TIMINGS` set in the
/// environment, prints how long each stage took (and the slowest files) to
/// standard error.
pub fn generate(options: &Options) -> Result<BTreeMap<String, String>> {
    let started = Instant::now();
    let model = load::load(&options.models)?;
    timing("load", started);
    generate_from_model(&model, options)
}

/// The stages after loading, for a model already in memory.
pub fn generate_from_model(model: &model::Model, options: &Options) -> Result<BTreeMap<String, String>> {
    let started = Instant::now();
    validate::validate(model)?;
    let selection = select::select(model, options.service.as_deref(), &options.operations)?;
    let crate_name = match &options.crate_name {
        Some(name) => validate_crate_name(name)?,
        None => default_crate_name(model, &selection.service),
    };
    let mut krate = ir::build_with_protocol(model, &selection, &crate_name, options.protocol.as_deref())?;
    emit::customize(&mut krate);
    if options.runtime == RuntimeLayout::Crate {
        krate.runtime_crate = Some(format!("{crate_name}-runtime"));
    }
    timing("validate, select, ir", started);
    let mut files = render_files(&krate)?;
    let started = Instant::now();
    for (path, text) in chain_clients()? {
        files.insert(format!("{}{path}", krate.runtime_dir()), text.clone());
    }
    timing("the credential chain's clients", started);
    Ok(files)
}

/// A client of the credential chain: generated from a reduced model of
/// ours into `src/chain/<module>.rs` of every crate (behind its
/// `credentials-chain` feature), as a module sharing the crate's runtime.
pub struct ChainClient {
    /// The module under `crate::chain`.
    pub module: &'static str,
    /// The model, relative to the workspace root.
    pub model: &'static str,
    text: &'static str,
}

/// The clients the default credential chain calls: STS (`AssumeRole`,
/// `AssumeRoleWithWebIdentity`), SSO (`GetRoleCredentials`) and SSO-OIDC
/// (`CreateToken`, to refresh a cached SSO token).
pub const CHAIN_CLIENTS: &[ChainClient] = &[
    ChainClient { module: "sts", model: "model/credentials/sts.json", text: include_str!("../../model/credentials/sts.json") },
    ChainClient { module: "sso", model: "model/credentials/sso.json", text: include_str!("../../model/credentials/sso.json") },
    ChainClient {
        module: "sso_oidc",
        model: "model/credentials/sso-oidc.json",
        text: include_str!("../../model/credentials/sso-oidc.json"),
    },
];

/// The files of [`CHAIN_CLIENTS`] (`src/chain/<module>.rs`), generated
/// once per process: every crate holds the same.
pub fn chain_clients() -> Result<&'static BTreeMap<String, String>> {
    static FILES: std::sync::OnceLock<std::result::Result<BTreeMap<String, String>, String>> = std::sync::OnceLock::new();
    FILES
        .get_or_init(|| {
            CHAIN_CLIENTS
                .iter()
                .map(|client| {
                    let text = chain_client(client).map_err(|e| format!("{}: {e}", client.model))?;
                    Ok((format!("src/chain/{}.rs", client.module), text))
                })
                .collect()
        })
        .as_ref()
        .map_err(|message| Error::InvalidOption { option: "chain client", message: message.clone() })
}

fn chain_client(client: &ChainClient) -> Result<String> {
    let model = load::load_str(client.text, std::path::Path::new(client.model))?;
    validate::validate(&model)?;
    let selection = select::select(&model, None, &[])?;
    let mut krate = ir::build_with_protocol(&model, &selection, client.module, None)?;
    emit::customize(&mut krate);
    krate.nested = true;
    let files = render_files(&krate)?;
    let module = single_file::as_nested_module(&files, &format!("chain::{}", client.module))?;
    Ok(format!(
        "// @generated by `{}` from {}. Do not edit by hand.\n\n{module}",
        format::COMMAND,
        client.model
    ))
}

fn timings_wanted() -> bool {
    std::env::var_os("CODEGEN_TIMINGS").is_some()
}

fn timing(stage: &str, started: Instant) {
    if timings_wanted() {
        eprintln!("codegen: {stage}: {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    }
}

/// Emits and formats every file, spreading the files over the machine's
/// cores: each thread takes the next file from a shared queue, largest
/// kinds first, so that one big file does not finish last alone. The
/// result does not depend on the thread count: files are independent and
/// collected by path.
fn render_files(krate: &ir::Crate) -> Result<BTreeMap<String, String>> {
    let started = Instant::now();
    let mut jobs = emit::jobs(krate);
    // Stable: the same order every run.
    jobs.sort_by_key(|(_, job)| std::cmp::Reverse(job.weight()));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len()).max(1);
    let next = AtomicUsize::new(0);
    type Rendered = (String, Result<String>, Duration, Duration);
    let mut results: Vec<Rendered> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (jobs, next) = (&jobs, &next);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    while let Some((path, job)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let t0 = Instant::now();
                        let content = emit::render(krate, *job);
                        let t1 = Instant::now();
                        let text = format::format_file(path, content);
                        done.push((path.clone(), text, t1 - t0, t1.elapsed()));
                    }
                    done
                })
            })
            .collect();
        // A panic in a worker is a generator bug: let it surface as one.
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    if timings_wanted() {
        let emit: Duration = results.iter().map(|r| r.2).sum();
        let format: Duration = results.iter().map(|r| r.3).sum();
        eprintln!(
            "codegen: emit and format {} files on {threads} threads: {:.1} ms wall ({:.1} ms emitting, {:.1} ms formatting, summed over threads)",
            results.len(),
            started.elapsed().as_secs_f64() * 1000.0,
            emit.as_secs_f64() * 1000.0,
            format.as_secs_f64() * 1000.0
        );
        let mut slowest: Vec<&Rendered> = results.iter().collect();
        slowest.sort_by_key(|r| std::cmp::Reverse(r.2 + r.3));
        for (path, _, emit, format) in slowest.into_iter().take(5) {
            eprintln!("codegen:   {path}: {:.1} ms emit, {:.1} ms format", emit.as_secs_f64() * 1000.0, format.as_secs_f64() * 1000.0);
        }
    }
    // The first error by path, whichever thread met it.
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut files = BTreeMap::new();
    for (path, text, ..) in results {
        files.insert(path, text?);
    }
    Ok(files)
}

/// A package name Cargo accepts: ASCII letters, digits, `-` and `_`,
/// starting with a letter.
fn validate_crate_name(name: &str) -> Result<String> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(name.to_owned())
    } else {
        Err(Error::InvalidOption {
            option: "--crate-name",
            message: format!("`{name}` is not a valid package name (letters, digits, `-` and `_`, starting with a letter)"),
        })
    }
}

/// `aws.api#service` `sdkId` in lower case with dashes (`omics`,
/// `cloudtrail-data`), else the service name in kebab case.
fn default_crate_name(model: &model::Model, service: &model::ShapeId) -> String {
    use heck::ToKebabCase;
    let sdk_id = model
        .get(service)
        .and_then(|s| s.traits.get(model::traits::AWS_SERVICE))
        .and_then(|t| t.get("sdkId"))
        .and_then(serde_json::Value::as_str);
    let name = match sdk_id {
        Some(id) => id.to_lowercase().split_whitespace().collect::<Vec<_>>().join("-"),
        None => service.name.to_kebab_case(),
    };
    let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("service-{name}")
    } else {
        name
    }
}

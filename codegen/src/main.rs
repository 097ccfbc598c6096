//! The `codegen` command: regenerate a Rust client crate from Smithy models.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// The repository root, where `model/` and `generated/` live.
fn workspace_root() -> PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Generate a Rust client crate from a Smithy service model.
///
/// With no arguments, regenerates this repository's `generated/` crate from
/// `model/`. Point --model at other Smithy models (IDL or JSON AST files, or
/// directories of them) and --out at a directory to generate a client for another service.
#[derive(Parser, Debug)]
#[command(name = "codegen", version, after_help = EXAMPLES)]
struct Cli {
    /// A Smithy model file (`.smithy` IDL or `.json` AST), or a directory
    /// searched recursively for both. Repeat to merge several.
    /// [default: the repository's model/]
    #[arg(long = "model", value_name = "PATH")]
    models: Vec<PathBuf>,

    /// The directory the crate is written to (created if missing).
    /// [default: the repository's generated/]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// The service to generate, as a shape id (`com.example#Weather`) or name.
    /// Needed only when the model holds several services.
    #[arg(long, value_name = "SHAPE_ID")]
    service: Option<String>,

    /// Generate only this operation (by name, e.g. `GetReferenceImportJob`)
    /// and the shapes it needs. Repeat for several. [default: all operations]
    #[arg(long = "operation", value_name = "NAME")]
    operations: Vec<String>,

    /// The package name of the generated crate. [default: from the service's sdkId]
    #[arg(long, value_name = "NAME")]
    crate_name: Option<String>,

    /// The protocol to write (`awsJson1_0`, or a trait id such as
    /// `aws.protocols#awsJson1_0`) for a service that lists several.
    /// [default: the first listed in the README's order that is written]
    #[arg(long, value_name = "NAME")]
    protocol: Option<String>,

    /// Put the runtime into the client's crate as modules, instead of a
    /// crate of its own in `runtime/` beside it (`<name>-runtime`): one
    /// crate, rebuilt whole whenever the client is regenerated.
    #[arg(long)]
    inline_runtime: bool,

    /// Write nothing: list the files that would change and exit with status 1
    /// if there are any (for CI).
    #[arg(long)]
    check: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write the JSON AST of the loaded model (like `smithy ast`): every shape
    /// of the given files, with applied traits, the prelude left out. Use it to
    /// convert IDL (`.smithy`) models to JSON or to compare the two forms.
    Ast {
        /// A `.smithy` or `.json` model file, or a directory searched
        /// recursively for both. Repeat to merge several.
        #[arg(long = "model", value_name = "PATH", required = true)]
        models: Vec<PathBuf>,

        /// The file to write. [default: standard output]
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `codegen ast`: loads the models and writes their JSON AST.
fn ast(models: &[PathBuf], output: Option<&std::path::Path>) -> ExitCode {
    let started = Instant::now();
    let result = codegen::load::load(models).and_then(|model| {
        let mut text = serde_json::to_string_pretty(&codegen::load::json_ast(&model))
            .map_err(|e| codegen::Error::Io { path: PathBuf::from("<json>"), message: e.to_string() })?;
        text.push('\n');
        Ok((model, text))
    });
    let (model, text) = match result {
        Ok(done) => done,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: {}: cannot write: {e}", path.display());
                return ExitCode::FAILURE;
            }
            eprintln!(
                "wrote the JSON AST of {} files ({} shapes) to {} in {:.1} ms",
                model.files.len(),
                model.ast_shapes.len(),
                path.display(),
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).is_err() {
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

const EXAMPLES: &str = "Examples:
  cargo run -p codegen
      Regenerate generated/ from model/.
  cargo run -p codegen -- --check
      Fail if generated/ is out of date.
  cargo run -p codegen -- --model omics-2022-11-28.json --operation GetReferenceImportJob --out my-omics
      Generate one operation of a downloaded AWS model into my-omics/.
  cargo run -p codegen -- ast --model weather.smithy --output weather.json
      Convert an IDL model to its JSON AST.";

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Ast { models, output }) = &cli.command {
        return ast(models, output.as_deref());
    }
    let started = Instant::now();
    // The default run also keeps the runtime crate's copy of the credential
    // chain's clients up to date: there they are compiled and tested.
    let runtime_chain = (cli.models.is_empty() && cli.out.is_none()).then(|| workspace_root().join("codegen/runtime/src/chain"));
    let models = if cli.models.is_empty() { vec![workspace_root().join("model").join("omics.json")] } else { cli.models };
    let out = cli.out.unwrap_or_else(|| workspace_root().join("generated"));
    let options = codegen::Options {
        models,
        service: cli.service,
        operations: cli.operations,
        crate_name: cli.crate_name,
        protocol: cli.protocol,
        runtime: if cli.inline_runtime { codegen::RuntimeLayout::Inline } else { codegen::RuntimeLayout::Crate },
    };
    let result = codegen::generate(&options).and_then(|files| {
        let mut changes =
            if cli.check { codegen::write::diff(&out, &files)? } else { codegen::write::write(&out, &files)? };
        let mut count = files.len();
        if let Some(dir) = &runtime_chain {
            let chain: std::collections::BTreeMap<String, String> = codegen::chain_clients()?
                .iter()
                .map(|(path, text)| (path.trim_start_matches("src/chain/").to_owned(), text.clone()))
                .collect();
            count += chain.len();
            changes.extend(if cli.check { codegen::write::diff(dir, &chain)? } else { codegen::write::write(dir, &chain)? });
        }
        Ok((count, changes))
    });
    match result {
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        Ok((count, changes)) if cli.check => {
            if changes.is_empty() {
                eprintln!("{} is up to date ({count} files)", out.display());
                ExitCode::SUCCESS
            } else {
                eprintln!("{} is out of date; run `cargo run -p codegen` to regenerate:", out.display());
                for change in &changes {
                    eprintln!("  {change}");
                }
                ExitCode::FAILURE
            }
        }
        Ok((count, changes)) => {
            for change in &changes {
                eprintln!("  {change}");
            }
            eprintln!(
                "generated {count} files into {} ({} changed) in {:.1} ms",
                out.display(),
                changes.len(),
                started.elapsed().as_secs_f64() * 1000.0
            );
            ExitCode::SUCCESS
        }
    }
}

//! The IDL reader answers every input with a model or an error, never a
//! panic: random token soups and mutations of real IDL files (a fixed seed,
//! so that a failure reproduces), each loaded on its own and beside a valid
//! file.

use std::path::{Path, PathBuf};

mod common;
use common::Rng;

const PIECES: &[&str] = &[
    "$version: \"2.0\"\n", "$version: \"1.0\"\n", "namespace ex\n", "use a#B\n", "metadata m = ", "apply ", "structure ",
    "string ", "list ", "map ", "enum ", "intEnum ", "operation ", "service ", "resource ", "union ", "set ", "A", "B",
    "ex#A", "A$b", "$", "{", "}", "[", "]", "(", ")", ":", ":=", "=", "@", "@required", "@mixin", "with ", "for ",
    "input", "output", "errors", "member", "key", "value", "\"", "\"\"\"", "\"\"\"\n  x\n  \"\"\"", "\\", "\\u", "\\ud83d",
    "/// doc\n", "// c\n", "\n", " ", ",", "-", "1", "-1.5e3", "1e999", "true", "null", "#", "é", "\r", "\t", "\u{0}",
];

fn token_soup(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..rng.below(60) {
        text.push_str(PIECES[rng.below(PIECES.len())]);
    }
    text
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len());
        match rng.below(5) {
            0 => {
                bytes.remove(at);
            }
            1 => bytes.insert(at, b"{}[]()\"@$:=#\n\\ab1-"[rng.below(18)]),
            2 => {
                let end = (at + rng.below(40)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let piece = PIECES[rng.below(PIECES.len())].as_bytes();
                bytes.splice(at..at, piece.iter().copied());
            }
            _ => {
                let end = (at + rng.below(80)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len());
                bytes.splice(to..to, copy);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn seeds() -> Vec<String> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/idl");
    let mut paths: Vec<PathBuf> = vec![fixtures.join("omics.smithy")];
    for dir in [fixtures.join("fixtures"), fixtures.join("fixtures/multi")] {
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "smithy") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths.iter().map(|p| std::fs::read_to_string(p).expect("readable")).collect()
}

fn run(text: &str, companion: &str) {
    let _ = codegen::load::load_str(text, Path::new("fuzz.smithy"));
    let files = [(PathBuf::from("fuzz.smithy"), text.to_owned()), (PathBuf::from("other.smithy"), companion.to_owned())];
    if let Ok(model) = codegen::load::load_texts(&files) {
        // A model that loads also writes its AST, and may go further.
        let _ = codegen::load::json_ast(&model);
        let _ = codegen::validate::validate(&model);
    }
}

#[test]
fn no_panic_on_random_or_mutated_idl() {
    let seeds = seeds();
    let mut rng = Rng(0x1d1_5eed_2024);
    let cases = 3000;
    for case in 0..cases {
        let text = if case % 3 == 0 {
            token_soup(&mut rng)
        } else {
            let seed = &seeds[rng.below(seeds.len())];
            // Small seeds whole; the big one cut to a window to keep it fast.
            let start = if seed.len() > 4000 && rng.below(2) == 0 { rng.below(seed.len() - 4000) } else { 0 };
            let window: String = seed.get(start..).unwrap_or(seed).chars().take(4000).collect();
            mutate(&window, &mut rng)
        };
        let companion = &seeds[rng.below(seeds.len())];
        let outcome = std::panic::catch_unwind(|| run(&text, companion));
        assert!(outcome.is_ok(), "case {case} panicked on:\n{text}");
    }
}

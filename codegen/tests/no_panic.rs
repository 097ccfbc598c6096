//! The generator must answer every input with files or an error, never a
//! panic. This mutates the repository's real models at random (a fixed seed,
//! so failures reproduce) and runs the whole pipeline on each mutant.

use std::path::Path;

use serde_json::Value;

mod common;
use common::Rng;

fn replacement(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => Value::Bool(true),
        2 => Value::from(-1),
        3 => Value::from(1.5e300),
        4 => Value::from(""),
        5 => Value::from("smithy.api#String"),
        6 => Value::from("not a shape id$"),
        7 => Value::Array(vec![Value::Null]),
        _ => Value::Object(Default::default()),
    }
}

/// Replaces, deletes or renames one randomly chosen node of the document.
fn mutate(value: &mut Value, rng: &mut Rng, depth: usize) {
    let descend = depth < 12 && rng.below(4) != 0;
    match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(rng.below(map.len())).cloned().unwrap_or_default();
            if descend {
                if let Some(child) = map.get_mut(&key) {
                    return mutate(child, rng, depth + 1);
                }
            }
            match rng.below(3) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    let child = map.remove(&key).unwrap_or(Value::Null);
                    let renamed = match rng.below(5) {
                        0 => String::new(),
                        1 => "9 lives-ß".to_owned(),
                        2 => "self".to_owned(),
                        3 => "_".to_owned(),
                        _ => format!("{key}x"),
                    };
                    map.insert(renamed, child);
                }
                _ => {
                    map.insert(key, replacement(rng));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let index = rng.below(items.len());
            if descend {
                return mutate(&mut items[index], rng, depth + 1);
            }
            if rng.below(2) == 0 {
                items.remove(index);
            } else {
                items[index] = replacement(rng);
            }
        }
        other => *other = replacement(rng),
    }
}

fn run(text: &str) {
    let path = Path::new("mutant.json");
    if let Ok(model) = codegen::load::load_str(text, path) {
        let _ = codegen::generate_from_model(&model, &codegen::Options::default());
    }
}

#[test]
fn mutated_models_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut sources = vec![root.join("model/omics.json")];
    for entry in std::fs::read_dir(root.join("tests/fixtures")).expect("fixtures") {
        sources.push(entry.expect("entry").path());
    }
    sources.sort();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut runs = 0;
    for source in &sources {
        let text = std::fs::read_to_string(source).expect("model readable");
        let original: Value = serde_json::from_str(&text).expect("model parses");
        for _ in 0..300 {
            let mut mutant = original.clone();
            for _ in 0..=rng.below(3) {
                mutate(&mut mutant, &mut rng, 0);
            }
            run(&mutant.to_string());
            runs += 1;
        }
        // Textual damage: truncation and byte flips.
        for _ in 0..50 {
            let mut bytes = text.clone().into_bytes();
            let cut = rng.below(bytes.len());
            bytes.truncate(cut.max(1));
            if let Some(b) = bytes.get_mut(rng.below(cut.max(1))) {
                *b = b"{}[]\",:x0"[rng.below(9)];
            }
            run(&String::from_utf8_lossy(&bytes));
            runs += 1;
        }
    }
    assert!(runs >= 1000, "only {runs} mutants ran");
}

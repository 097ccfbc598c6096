#!/usr/bin/env bash
# Compile-time budget of the generated crate: builds, from an empty target
# directory, a hello-world binary that calls get_reference_import_job
# through generated/, and prints the wall time of that cold build and the
# time cargo spent on the generated crate itself (from `cargo --timings`).
#
#   bash bench/compile.sh            # debug build
#   PROFILE=release bash bench/compile.sh
#
# Crates must already be downloaded (any earlier build of the workspace
# does that); the build itself runs offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
profile="${PROFILE:-dev}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/hello/src"
cat > "$work/hello/Cargo.toml" <<TOML
[package]
name = "hello-omics"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
omics = { path = "$root/generated" }
tokio = { version = "1.38", features = ["macros", "rt"] }

[workspace]
TOML
cat > "$work/hello/src/main.rs" <<'RUST'
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = omics::Client::new(omics::Config::from_env().build());
    match client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await {
        Ok(job) => println!("{} {}", job.id, job.status),
        Err(error) => println!("error: {error}"),
    }
}
RUST
# The workspace's lock file pins the same versions the tests use.
cp "$root/Cargo.lock" "$work/hello/Cargo.lock"

cd "$work/hello"
export CARGO_TARGET_DIR="$work/target"
start=$(date +%s.%N)
cargo build --offline --quiet --profile "$profile" --timings 2>/dev/null || cargo build --offline --profile "$profile" --timings
end=$(date +%s.%N)

report=$(ls "$CARGO_TARGET_DIR"/cargo-timings/cargo-timing-*.html | head -1)
python3 - "$report" "$start" "$end" "$(nproc)" "$profile" <<'PY'
import json, re, sys
report, start, end, cores, profile = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
html = open(report).read()
match = re.search(r"const UNIT_DATA = (\[.*?\]);", html, re.S)
units = json.loads(match.group(1)) if match else []
omics = sum(u["duration"] for u in units if u["name"] == "omics")
total_units = len(units)
print(f"cold build of hello-omics ({profile}, empty target dir, {cores} cores): {end - start:.1f} s wall, {total_units} units")
print(f"the generated omics crate alone: {omics:.1f} s")
slowest = sorted(units, key=lambda u: -u["duration"])[:8]
print("slowest units: " + ", ".join(f"{u['name']} {u['duration']:.1f}s" for u in slowest))
PY

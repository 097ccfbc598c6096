#!/usr/bin/env bash
# The Omics hello-world rows and the default credential chain's, as table
# rows for bench/run.sh (which calls this script), or alone:
#
#   1. a cold debug build (and the stripped release binary) of a
#      hello-world that calls get_reference_import_job with its credential
#      chain: ours with `Config::load()` (the generated crate's default
#      features) against aws-sdk-omics with aws-config (default features)
#      and tokio, each from an empty target directory, ROUNDS (default 3)
#      times in rotated order, the median of each reported;
#   2. the cost of the `credentials-chain` feature: our hello-world built
#      cold with it against `--no-default-features` plus `rustls` and
#      `tracing` (and `Config::from_env()`, since `load` is the feature's);
#   3. resolving credentials from a static profile (real files named by
#      AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE), by a release-mode
#      timing program: the chain's walk alone, and `Config::load()` with
#      the first resolution, in microseconds.
#
#   bash bench/chain.sh     # prints the rows
#
# Scratch space: $BENCH_DIR (default ~/.cache/smithy-rust-codegen/bench);
# needs network access or a warm cargo cache (aws-config and the SDK).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH_DIR:-$HOME/.cache/smithy-rust-codegen/bench}"
mkdir -p "$bench"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
official="$root/../shared/models/aws/omics-2022-11-28.json"
[ -f "$official" ] || { echo "missing $official (the reference material ../shared beside the checkout)" >&2; exit 1; }

echo "building the generator (release)..." >&2
CARGO_TARGET_DIR="$bench/target" cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p codegen
codegen="$bench/target/release/codegen"
generate() { local log; log=$("$codegen" "$@" 2>&1) || { echo "$log" >&2; echo "failed: codegen $*" >&2; exit 1; }; }
# The whole Omics model, as the other hello-world rows build it.
generate --model "$official" --out "$bench/omics"

call='    match client.get_reference_import_job().reference_store_id("1234567890").id("0123456789").send().await {'
hello ours "omics = { path = \"$bench/omics\" }" "#[tokio::main(flavor = \"current_thread\")]
async fn main() {
    let client = omics::Client::new(omics::Config::load().await);
$call
        Ok(job) => println!(\"{} {}\", job.id, job.status),
        Err(error) => println!(\"error: {error}\"),
    }
}"
hello ours-no-chain "omics = { path = \"$bench/omics\", default-features = false, features = [\"rustls\", \"tracing\"] }" "#[tokio::main(flavor = \"current_thread\")]
async fn main() {
    let client = omics::Client::new(omics::Config::from_env().build());
$call
        Ok(job) => println!(\"{} {}\", job.id, job.status),
        Err(error) => println!(\"error: {error}\"),
    }
}"
hello sdk 'aws-config = "1"
aws-sdk-omics = "1"' "#[tokio::main(flavor = \"current_thread\")]
async fn main() {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_omics::Client::new(&config);
$call
        Ok(job) => println!(\"{} {:?}\", job.id(), job.status()),
        Err(error) => println!(\"error: {error}\"),
    }
}"

# ROUNDS (default 3) rounds of the three cold builds, the order rotated
# each round (the first build of a run was the slowest in every run, the
# machine's caches colder): each figure is the median of its builds.
rounds="${ROUNDS:-3}"
declare -A cold cold_rss size times rss
order=(ours sdk ours-no-chain)
for ((round = 0; round < rounds; round++)); do
    for ((i = 0; i < 3; i++)); do
        name=${order[$(( (i + round) % 3 ))]}
        measured=$(cold_build "$name" dev)
        times[$name]+="${measured% *} "
        rss[$name]+="${measured#* } "
    done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for name in "${order[@]}"; do
    cold[$name]=$(median "${times[$name]}")
    cold_rss[$name]=$(median "${rss[$name]}")
    echo "cold builds of hello-$name: ${times[$name]}(median ${cold[$name]} s)" >&2
done
for name in ours sdk; do
    cold_build "$name" release >/dev/null
    size[$name]=$(stat -c %s "$bench/hello-$name/target/release/hello-$name")
done

# 3. The timing program: one operation's crate with the chain and no
# transport (a static profile needs none).
generate --model "$official" --out "$bench/omics-resolve" --crate-name omics --operation GetReferenceImportJob
mkdir -p "$bench/resolve-timing/src"
cat > "$bench/resolve-timing/Cargo.toml" <<TOML
[package]
name = "resolve-timing"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
omics = { path = "$bench/omics-resolve", default-features = false, features = ["credentials-chain"] }
aws-credential-types = "1"
tokio = { version = "1", features = ["macros", "rt"] }
TOML
cat > "$bench/resolve-timing/src/main.rs" <<'RUST'
//! Resolving credentials from a static profile in real files: the default
//! chain's walk (variables, both files read and parsed, the profile's
//! keys), and `Config::load()` with the first resolution. Prints
//! `walk_us=` and `load_us=`, each the median of 7 batches' means.
use std::hint::black_box;
use std::time::Instant;

use aws_credential_types::provider::ProvideCredentials;

const BATCH: u32 = 2_000;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = std::env::temp_dir().join(format!("resolve-timing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let (config, credentials) = (dir.join("config"), dir.join("credentials"));
    std::fs::write(&config, "[default]\nregion = us-east-1\n\n[profile bench]\nregion = us-west-2\noutput = json\n").unwrap();
    std::fs::write(
        &credentials,
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default/secret\n\n\
         [bench]\naws_access_key_id = AKIDBENCHEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    )
    .unwrap();
    // Set before any other thread exists (the runtime is current-thread).
    for (name, value) in [
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
        ("AWS_PROFILE", "bench"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ] {
        std::env::set_var(name, value);
    }
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"] {
        std::env::remove_var(name);
    }
    let provider = omics::Config::load().await.credentials_provider().expect("the chain");
    assert_eq!(provider.provide_credentials().await.expect("the profile's keys").access_key_id(), "AKIDBENCHEXAMPLE");
    let mut walk = Vec::new();
    let mut load = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        for _ in 0..BATCH {
            black_box(provider.provide_credentials().await.unwrap());
        }
        walk.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(BATCH));
        let start = Instant::now();
        for _ in 0..BATCH {
            let config = omics::Config::load().await;
            black_box(config.credentials_provider().unwrap().provide_credentials().await.unwrap());
        }
        load.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(BATCH));
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("walk_us={:.1}", median(walk));
    println!("load_us={:.1}", median(load));
}
RUST
echo "building and running the credential resolution timing (release)..." >&2
(cd "$bench/resolve-timing" && cargo fetch --quiet && CARGO_TARGET_DIR="$bench/resolve-timing/target" cargo build --quiet --offline --release)
timing=$("$bench/resolve-timing/target/release/resolve-timing")
walk_us=$(sed -n 's/^walk_us=//p' <<<"$timing")
load_us=$(sed -n 's/^load_us=//p' <<<"$timing")

printf '| cold debug build of a hello-world with its credential chain (`Config::load()`; aws-config with default features), empty target dir, median of '"$rounds"' rounds | %.1f s | %.1f s | %s |\n' \
    "${cold[ours]}" "${cold[sdk]}" "$(calc "${cold[ours]} / ${cold[sdk]}")"
printf '| peak memory of that build | %s | %s | %s |\n' "$(mib "${cold_rss[ours]}")" "$(mib "${cold_rss[sdk]}")" "$(calc "${cold_rss[ours]} / ${cold_rss[sdk]}")"
printf '| stripped release hello-world binary (with the credential chain) | %.1f MiB | %.1f MiB | %s |\n' \
    "$(calc "${size[ours]} / 1048576")" "$(calc "${size[sdk]} / 1048576")" "$(calc "${size[ours]} / ${size[sdk]}")"
printf '| cost of the `credentials-chain` feature: that cold build with it, without it (`rustls`, `tracing`; `Config::from_env()`) | %.1f s, %.1f s (+%s s) | | %s |\n' \
    "${cold[ours]}" "${cold[ours-no-chain]}" "$(calc "${cold[ours]} - ${cold[ours-no-chain]}")" "$(calc "${cold[ours]} / ${cold[ours-no-chain]}")"
printf '| resolving credentials from a static profile (real files), µs: the chain'"'"'s walk; `Config::load()` and the first resolution | %s; %s | | |\n' \
    "$walk_us" "$load_us"

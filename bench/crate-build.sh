#!/usr/bin/env bash
# Generation speed and crate build time, against aws-sdk-omics from crates.io,
# measured side by side in one run:
#
# 1. generation: wall time of the release `codegen` binary on model/ and on
#    the whole official Omics model (median of RUNS runs), and on all the
#    official models of ../shared/models/aws (one process each, summed);
# 2. crate build: debug build of the whole-Omics generated crate alone
#    versus the aws-sdk-omics crate alone (their dependencies built first;
#    each crate rebuilt after `cargo clean -p`, CARGO_INCREMENTAL=0, median
#    of RUNS runs, alternating), with the ratio and both line counts.
#
#   bash bench/crate-build.sh          # RUNS=3 by default
#
# Needs network access (or a warm cargo cache) for aws-sdk-omics; the scratch
# workspace and its target directory live in $BENCH_DIR (default
# ~/.cache/smithy-rust-codegen/bench), so that reruns skip the dependencies.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-5}"
bench="${BENCH_DIR:-$HOME/.cache/smithy-rust-codegen/bench}"
shared="$root/../shared/models/aws"
official="$shared/omics-2022-11-28.json"
[ -f "$official" ] || { echo "missing $official (the reference material ../shared beside the checkout)" >&2; exit 1; }
mkdir -p "$bench"
export CARGO_TARGET_DIR="$bench/target"

# Runs a command with its output kept only for when it fails.
quietly() { local log; log=$("$@" 2>&1) || { echo "$log" >&2; echo "failed: $*" >&2; exit 1; }; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.4f\n", a - b }'; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }

echo "building the generator (release)..." >&2
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p codegen
codegen="$CARGO_TARGET_DIR/release/codegen"

# 1. Generation.
gen_model=$(for _ in $(seq "$runs"); do
    rm -rf "$bench/model-out"; t=$(now); quietly "$codegen" --model "$root/model" --out "$bench/model-out"; elapsed "$t"
done | median)
gen_omics=$(for _ in $(seq "$runs"); do
    rm -rf "$bench/omics"; t=$(now); quietly "$codegen" --model "$official" --out "$bench/omics"; elapsed "$t"
done | median)
rm -rf "$bench/corpus"
t=$(now)
count=0
for model in "$shared"/*.json; do
    quietly "$codegen" --model "$model" --out "$bench/corpus/$(basename "$model" .json)"
    count=$((count + 1))
done
gen_all=$(elapsed "$t")

# 2. Crate build, in one scratch workspace with one target directory.
mkdir -p "$bench/ws/sdk/src" "$bench/ws/ours/src"
cat > "$bench/ws/Cargo.toml" <<TOML
[workspace]
resolver = "2"
members = ["sdk", "ours"]
TOML
cat > "$bench/ws/sdk/Cargo.toml" <<TOML
[package]
name = "use-sdk"
version = "0.1.0"
edition = "2021"
publish = false
[dependencies]
aws-sdk-omics = "1"
TOML
cat > "$bench/ws/ours/Cargo.toml" <<TOML
[package]
name = "use-ours"
version = "0.1.0"
edition = "2021"
publish = false
[dependencies]
omics = { path = "$bench/omics" }
TOML
echo 'pub use aws_sdk_omics as _sdk;' > "$bench/ws/sdk/src/lib.rs"
echo 'pub use omics as _ours;' > "$bench/ws/ours/src/lib.rs"
cd "$bench/ws"
export CARGO_INCREMENTAL=0
echo "building the dependencies of both crates..." >&2
cargo build --quiet -p use-sdk -p use-ours
build_one() { cargo clean --quiet -p "$1"; local t; t=$(now); cargo build --quiet -p "$1"; elapsed "$t"; }
# Each run builds ours and then the SDK's, back to back, and the ratio is
# the median of the runs' own ratios: this machine's speed drifts by up to a
# third between minutes, which moves the two medians apart, but each pair of
# builds sees nearly the same machine.
ours_times=(); sdk_times=(); ratios=()
for i in $(seq "$runs"); do
    echo "crate build run $i of $runs..." >&2
    o=$(build_one omics); s=$(build_one aws-sdk-omics)
    ours_times+=("$o"); sdk_times+=("$s"); ratios+=("$(calc "$o / $s")")
done
ours=$(printf '%s\n' "${ours_times[@]}" | median)
sdk=$(printf '%s\n' "${sdk_times[@]}" | median)
ratio=$(printf '%s\n' "${ratios[@]}" | median)
sdk_version=$(cargo pkgid -p aws-sdk-omics | sed 's/.*[#@]//')
sdk_manifest=$(cargo metadata --format-version 1 | python3 -c '
import json, sys
packages = json.load(sys.stdin)["packages"]
print(next(p["manifest_path"] for p in packages if p["name"] == "aws-sdk-omics"))
')
sdk_src=$(dirname "$sdk_manifest")
lines_ours=$(find "$bench/omics/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)
lines_sdk=$(find "$sdk_src/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)

printf '\n%s, %s cores, median of %s runs\n\n' "$(date -u +%Y-%m-%d)" "$(nproc)" "$runs"
printf '| figure | this project | aws-sdk-omics %s | ratio |\n| --- | --- | --- | --- |\n' "$sdk_version"
printf '| generate model/ (9 operations) | %.0f ms | | |\n' "$(calc "$gen_model * 1000")"
printf '| generate the whole Omics model (91 operations) | %.0f ms | | |\n' "$(calc "$gen_omics * 1000")"
printf '| generate all %s official models | %.2f s | | |\n' "$count" "$gen_all"
printf '| debug build of the whole-Omics crate alone (ratio: median of the runs'"'"' own) | %.1f s | %.1f s | %.2f |\n' "$ours" "$sdk" "$ratio"
printf '| lines of Rust in the crate | %s | %s | %.2f |\n' "$lines_ours" "$lines_sdk" "$(calc "$lines_ours / $lines_sdk")"

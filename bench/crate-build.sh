#!/usr/bin/env bash
# Generation speed and crate build time, against aws-sdk-omics,
# aws-sdk-dynamodb, aws-sdk-s3 and aws-sdk-iam from crates.io, measured side by side in
# one run:
#
# 1. generation: wall time of the release `codegen` binary on model/ and on
#    the whole official Omics and DynamoDB models (median of RUNS runs each,
#    also per operation), and on all the official models of
#    ../shared/models/aws (one process each, summed);
# 2. crate build: debug build of the whole-Omics generated crate alone
#    versus the aws-sdk-omics crate alone, and of the whole-DynamoDB
#    generated crate alone versus the aws-sdk-dynamodb crate alone, and of
#    the whole-S3 generated crate alone versus the aws-sdk-s3 crate alone,
#    and of the whole-IAM generated crate alone versus the aws-sdk-iam crate
#    alone (their dependencies built first; each crate rebuilt after `cargo clean
#    -p`, CARGO_INCREMENTAL=0, median of RUNS runs, alternating), with the
#    ratios and the line counts. "Alone" is the client's crate on our side
#    and the aws-sdk-* crate on the SDK's: the runtimes are dependencies on
#    both (our generated `<name>-runtime`, the SDK's aws-smithy-* and
#    aws-runtime crates); the build of the DynamoDB client's runtime crate
#    is its own row.
#
#   bash bench/crate-build.sh          # RUNS=5 by default
#
# Needs network access (or a warm cargo cache) for the SDK crates; the scratch
# workspace and its target directory live in $BENCH_DIR (default
# ~/.cache/smithy-rust-codegen/bench), so that reruns skip the dependencies.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-5}"
bench="${BENCH_DIR:-$HOME/.cache/smithy-rust-codegen/bench}"
shared="$root/../shared/models/aws"
official="$shared/omics-2022-11-28.json"
dynamodb_model="$root/../shared/models/aws-more/dynamodb-2012-08-10.json"
s3_model="$root/../shared/models/aws-more/s3-2006-03-01.json"
iam_model="$root/../shared/models/aws-more/iam-2010-05-08.json"
for model in "$official" "$dynamodb_model" "$s3_model" "$iam_model"; do
    [ -f "$model" ] || { echo "missing $model (the reference material ../shared beside the checkout)" >&2; exit 1; }
done
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
    rm -rf "$bench/model-out"; t=$(now); quietly "$codegen" --model "$root/model/omics.json" --out "$bench/model-out"; elapsed "$t"
done | median)
gen_omics=$(for _ in $(seq "$runs"); do
    rm -rf "$bench/omics"; t=$(now); quietly "$codegen" --model "$official" --out "$bench/omics"; elapsed "$t"
done | median)
gen_dynamodb=$(for _ in $(seq "$runs"); do
    rm -rf "$bench/dynamodb"; t=$(now); quietly "$codegen" --model "$dynamodb_model" --out "$bench/dynamodb"; elapsed "$t"
done | median)
gen_s3=$(for _ in $(seq "$runs"); do
    rm -rf "$bench/s3"; t=$(now); quietly "$codegen" --model "$s3_model" --out "$bench/s3" --crate-name s3; elapsed "$t"
done | median)
gen_iam=$(for _ in $(seq "$runs"); do
    rm -rf "$bench/iam"; t=$(now); quietly "$codegen" --model "$iam_model" --out "$bench/iam" --crate-name iam; elapsed "$t"
done | median)
# A synthetic ec2Query service shaped like EC2 (ec2-sized-model.py), at
# 75, 250 and 750 operations (EC2 has about 750): time and peak memory
# should grow linearly.
ec2_rows=""
for ops in 75 250 750; do
    python3 "$root/bench/ec2-sized-model.py" "$ops" > "$bench/ec2-like-$ops.json"
    measured=$(for _ in $(seq "$runs"); do
        rm -rf "$bench/ec2-like"
        /usr/bin/time -f "%e %M" "$codegen" --model "$bench/ec2-like-$ops.json" --out "$bench/ec2-like" 2>&1 >/dev/null | tail -1
    done | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')
    seconds=${measured% *}; kib=${measured#* }
    ec2_rows+=$(printf '| generate an EC2-sized ec2Query model, %s operations (synthetic: `bench/ec2-sized-model.py`) | %.0f ms (%s ms per operation), %.0f MiB peak | | |' \
        "$ops" "$(calc "$seconds * 1000")" "$(calc "$seconds * 1000 / $ops")" "$(calc "$kib / 1024")")$'\n'
done
# One module per operation under src/operation/.
operations() { find "$1/src/operation" -maxdepth 1 -name '*.rs' | wc -l; }
ops_omics=$(operations "$bench/omics")
ops_dynamodb=$(operations "$bench/dynamodb")
ops_s3=$(operations "$bench/s3")
ops_iam=$(operations "$bench/iam")
rm -rf "$bench/corpus"
t=$(now)
count=0
for model in "$shared"/*.json; do
    quietly "$codegen" --model "$model" --out "$bench/corpus/$(basename "$model" .json)"
    count=$((count + 1))
done
gen_all=$(elapsed "$t")

# 2. Crate build, in one scratch workspace with one target directory.
mkdir -p "$bench/ws/sdk/src" "$bench/ws/ours/src" "$bench/ws/sdk-dynamodb/src" "$bench/ws/ours-dynamodb/src" \
    "$bench/ws/sdk-s3/src" "$bench/ws/ours-s3/src" "$bench/ws/sdk-iam/src" "$bench/ws/ours-iam/src"
cat > "$bench/ws/Cargo.toml" <<TOML
[workspace]
resolver = "2"
members = ["sdk", "ours", "sdk-dynamodb", "ours-dynamodb", "sdk-s3", "ours-s3", "sdk-iam", "ours-iam"]
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
cat > "$bench/ws/sdk-dynamodb/Cargo.toml" <<TOML
[package]
name = "use-sdk-dynamodb"
version = "0.1.0"
edition = "2021"
publish = false
[dependencies]
aws-sdk-dynamodb = "1"
TOML
cat > "$bench/ws/ours-dynamodb/Cargo.toml" <<TOML
[package]
name = "use-ours-dynamodb"
version = "0.1.0"
edition = "2021"
publish = false
[dependencies]
dynamodb = { path = "$bench/dynamodb" }
TOML
cat > "$bench/ws/sdk-s3/Cargo.toml" <<TOML
[package]
name = "use-sdk-s3"
version = "0.1.0"
edition = "2021"
publish = false
[dependencies]
aws-sdk-s3 = "1"
TOML
cat > "$bench/ws/ours-s3/Cargo.toml" <<TOML
[package]
name = "use-ours-s3"
version = "0.1.0"
edition = "2021"
publish = false
[dependencies]
s3 = { path = "$bench/s3" }
TOML
cat > "$bench/ws/sdk-iam/Cargo.toml" <<TOML
[package]
name = "use-sdk-iam"
version = "0.1.0"
edition = "2021"
publish = false
[dependencies]
aws-sdk-iam = "1"
TOML
cat > "$bench/ws/ours-iam/Cargo.toml" <<TOML
[package]
name = "use-ours-iam"
version = "0.1.0"
edition = "2021"
publish = false
[dependencies]
iam = { path = "$bench/iam" }
TOML
echo 'pub use aws_sdk_omics as _sdk;' > "$bench/ws/sdk/src/lib.rs"
echo 'pub use omics as _ours;' > "$bench/ws/ours/src/lib.rs"
echo 'pub use aws_sdk_dynamodb as _sdk;' > "$bench/ws/sdk-dynamodb/src/lib.rs"
echo 'pub use dynamodb as _ours;' > "$bench/ws/ours-dynamodb/src/lib.rs"
echo 'pub use aws_sdk_s3 as _sdk;' > "$bench/ws/sdk-s3/src/lib.rs"
echo 'pub use s3 as _ours;' > "$bench/ws/ours-s3/src/lib.rs"
echo 'pub use aws_sdk_iam as _sdk;' > "$bench/ws/sdk-iam/src/lib.rs"
echo 'pub use iam as _ours;' > "$bench/ws/ours-iam/src/lib.rs"
cd "$bench/ws"
export CARGO_INCREMENTAL=0
echo "building the dependencies of the eight crates..." >&2
cargo build --quiet -p use-sdk -p use-ours -p use-sdk-dynamodb -p use-ours-dynamodb -p use-sdk-s3 -p use-ours-s3 -p use-sdk-iam -p use-ours-iam
build_one() { cargo clean --quiet -p "$1"; local t; t=$(now); cargo build --quiet -p "$1"; elapsed "$t"; }
# Each run builds ours and then the SDK's, back to back, and the ratio is
# the median of the runs' own ratios: this machine's speed drifts by up to a
# third between minutes, which moves the two medians apart, but each pair of
# builds sees nearly the same machine.
# The pairs take their turns in each run (Omics, DynamoDB, S3, then IAM).
ours_times=(); sdk_times=(); ratios=()
ddb_ours_times=(); ddb_sdk_times=(); ddb_ratios=()
s3_ours_times=(); s3_sdk_times=(); s3_ratios=()
iam_ours_times=(); iam_sdk_times=(); iam_ratios=()
runtime_times=()
for i in $(seq "$runs"); do
    echo "crate build run $i of $runs..." >&2
    o=$(build_one omics); s=$(build_one aws-sdk-omics)
    ours_times+=("$o"); sdk_times+=("$s"); ratios+=("$(calc "$o / $s")")
    o=$(build_one dynamodb); s=$(build_one aws-sdk-dynamodb)
    ddb_ours_times+=("$o"); ddb_sdk_times+=("$s"); ddb_ratios+=("$(calc "$o / $s")")
    o=$(build_one s3); s=$(build_one aws-sdk-s3)
    s3_ours_times+=("$o"); s3_sdk_times+=("$s"); s3_ratios+=("$(calc "$o / $s")")
    o=$(build_one iam); s=$(build_one aws-sdk-iam)
    iam_ours_times+=("$o"); iam_sdk_times+=("$s"); iam_ratios+=("$(calc "$o / $s")")
    runtime_times+=("$(build_one dynamodb-runtime)")
done
ours=$(printf '%s\n' "${ours_times[@]}" | median)
sdk=$(printf '%s\n' "${sdk_times[@]}" | median)
ratio=$(printf '%s\n' "${ratios[@]}" | median)
ddb_ours=$(printf '%s\n' "${ddb_ours_times[@]}" | median)
ddb_sdk=$(printf '%s\n' "${ddb_sdk_times[@]}" | median)
ddb_ratio=$(printf '%s\n' "${ddb_ratios[@]}" | median)
s3_ours=$(printf '%s\n' "${s3_ours_times[@]}" | median)
s3_sdk=$(printf '%s\n' "${s3_sdk_times[@]}" | median)
s3_ratio=$(printf '%s\n' "${s3_ratios[@]}" | median)
iam_ours=$(printf '%s\n' "${iam_ours_times[@]}" | median)
iam_sdk=$(printf '%s\n' "${iam_sdk_times[@]}" | median)
iam_ratio=$(printf '%s\n' "${iam_ratios[@]}" | median)
runtime=$(printf '%s\n' "${runtime_times[@]}" | median)
sdk_version=$(cargo pkgid -p aws-sdk-omics | sed 's/.*[#@]//')
ddb_sdk_version=$(cargo pkgid -p aws-sdk-dynamodb | sed 's/.*[#@]//')
s3_sdk_version=$(cargo pkgid -p aws-sdk-s3 | sed 's/.*[#@]//')
iam_sdk_version=$(cargo pkgid -p aws-sdk-iam | sed 's/.*[#@]//')
metadata=$(cargo metadata --format-version 1)
sdk_src() { # the source directory of a crates.io package of the workspace
    python3 -c '
import json, os, sys
packages = json.load(sys.stdin)["packages"]
print(os.path.dirname(next(p["manifest_path"] for p in packages if p["name"] == sys.argv[1])))
' "$1" <<<"$metadata"
}
lines() { find "$1/src" -name '*.rs' -print0 | xargs -0 cat | wc -l; }
lines_ours=$(lines "$bench/omics")
lines_sdk=$(lines "$(sdk_src aws-sdk-omics)")
ddb_lines_ours=$(lines "$bench/dynamodb")
ddb_lines_sdk=$(lines "$(sdk_src aws-sdk-dynamodb)")
s3_lines_ours=$(lines "$bench/s3")
s3_lines_sdk=$(lines "$(sdk_src aws-sdk-s3)")
iam_lines_ours=$(lines "$bench/iam")
iam_lines_sdk=$(lines "$(sdk_src aws-sdk-iam)")
# Generation time per operation: DynamoDB's should read in the same range
# as Omics'.
per_op() { calc "$1 * 1000 / $2"; }

printf '\n%s, %s cores, median of %s runs\n\n' "$(date -u +%Y-%m-%d)" "$(nproc)" "$runs"
printf '| figure | this project | aws-sdk-omics %s, aws-sdk-dynamodb %s, aws-sdk-s3 %s, aws-sdk-iam %s | ratio |\n| --- | --- | --- | --- |\n' "$sdk_version" "$ddb_sdk_version" "$s3_sdk_version" "$iam_sdk_version"
printf '| generate model/ (9 operations) | %.0f ms | | |\n' "$(calc "$gen_model * 1000")"
printf '| generate the whole Omics model (%s operations) | %.0f ms (%s ms per operation) | | |\n' "$ops_omics" "$(calc "$gen_omics * 1000")" "$(per_op "$gen_omics" "$ops_omics")"
printf '| generate the whole DynamoDB model (%s operations) | %.0f ms (%s ms per operation) | | |\n' "$ops_dynamodb" "$(calc "$gen_dynamodb * 1000")" "$(per_op "$gen_dynamodb" "$ops_dynamodb")"
printf '| generate the whole S3 model (%s operations) | %.0f ms (%s ms per operation) | | |\n' "$ops_s3" "$(calc "$gen_s3 * 1000")" "$(per_op "$gen_s3" "$ops_s3")"
printf '| generate the whole IAM model (%s operations) | %.0f ms (%s ms per operation) | | |\n' "$ops_iam" "$(calc "$gen_iam * 1000")" "$(per_op "$gen_iam" "$ops_iam")"
printf '%s' "$ec2_rows"
printf '| generate all %s official models | %.2f s | | |\n' "$count" "$gen_all"
printf '| debug build of the whole-Omics crate alone (ratio: median of the runs'"'"' own) | %.1f s | %.1f s | %.2f |\n' "$ours" "$sdk" "$ratio"
printf '| lines of Rust in the whole-Omics crate | %s | %s | %.2f |\n' "$lines_ours" "$lines_sdk" "$(calc "$lines_ours / $lines_sdk")"
printf '| debug build of the whole-DynamoDB crate alone (ratio: median of the runs'"'"' own) | %.1f s | %.1f s | %.2f |\n' "$ddb_ours" "$ddb_sdk" "$ddb_ratio"
printf '| lines of Rust in the whole-DynamoDB crate | %s | %s | %.2f |\n' "$ddb_lines_ours" "$ddb_lines_sdk" "$(calc "$ddb_lines_ours / $ddb_lines_sdk")"
printf '| debug build of the whole-S3 crate alone (ratio: median of the runs'"'"' own) | %.1f s | %.1f s | %.2f |\n' "$s3_ours" "$s3_sdk" "$s3_ratio"
printf '| lines of Rust in the whole-S3 crate | %s | %s | %.2f |\n' "$s3_lines_ours" "$s3_lines_sdk" "$(calc "$s3_lines_ours / $s3_lines_sdk")"
printf '| debug build of the whole-IAM crate alone (ratio: median of the runs'"'"' own) | %.1f s | %.1f s | %.2f |\n' "$iam_ours" "$iam_sdk" "$iam_ratio"
printf '| lines of Rust in the whole-IAM crate | %s | %s | %.2f |\n' "$iam_lines_ours" "$iam_lines_sdk" "$(calc "$iam_lines_ours / $iam_lines_sdk")"
printf '| debug build of the DynamoDB client'"'"'s runtime crate alone (`dynamodb-runtime`, a dependency of the client like the SDK'"'"'s aws-smithy-* crates; not in the rows above, on either side) | %.1f s | | |\n' "$runtime"

#!/usr/bin/env bash
# Every benchmark against aws-sdk-omics, aws-sdk-dynamodb, aws-sdk-s3 and aws-sdk-iam 1.x from
# crates.io, side by side in one run, printed as a Markdown table with the
# ratios (each row names its service; its SDK column is that service's SDK):
#
#   generation (model/, the whole Omics and DynamoDB models, all official
#   models), its peak memory; the debug build of each whole-service crate
#   alone (Omics, DynamoDB); from bench/chain.sh, a cold debug build of a
#   hello-world that calls get_reference_import_job with its credential
#   chain (`Config::load()`; aws-config), with its peak memory, the
#   stripped release hello-world binaries, the cost of the
#   `credentials-chain` feature, and the time to resolve credentials from
#   a static profile; through in-memory transports, Omics response
#   parsing (1,000 sources) and per-call overhead (3 sources), DynamoDB
#   Query response parsing (1,000 items with nested maps) and the per-call
#   overhead of a small GetItem; S3: the debug build of the whole-S3 crate
#   alone, a cold debug build of a hello-world calling GetObject,
#   ListObjectsV2 response parsing (1,000 keys) and GetObject of 1 GiB from
#   a loopback server (throughput and the process's peak memory); IAM
#   (awsQuery): the debug build of the whole-IAM crate alone and ListRoles
#   response parsing (1,000 roles); from bench/events.sh, events sent
#   over HTTP/2 per second and the round trip of one, against bare HTTP/2.
#
#   bash bench/run.sh                  # prints the table
#   bash bench/run.sh --write-readme   # also puts it into README.md
#
# RUNS (default 5) sets the crate-build and generation runs, BENCH_MILLIS
# (default 3000) the time each side of each request benchmark runs.
# Takes about 40 minutes on 2 cores (most of it building the SDKs, aws-sdk-s3 above all). Needs
# network access or a warm cargo cache. Scratch space: $BENCH_DIR (default
# ~/.cache/smithy-rust-codegen/bench). Never part of the test command.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH_DIR:-$HOME/.cache/smithy-rust-codegen/bench}"
export BENCH_DIR="$bench"
mkdir -p "$bench"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

# 1, 2: generation and crate build (their own script), as table rows.
part=$(bash "$root/bench/crate-build.sh")
sdk_version=$(sed -n 's/^| figure | this project | aws-sdk-omics \([0-9.]*\),.*/\1/p' <<<"$part")
ddb_sdk_version=$(sed -n 's/^| figure | .* aws-sdk-dynamodb \([0-9.]*\)[, ].*/\1/p' <<<"$part")
s3_sdk_version=$(sed -n 's/^| figure | .* aws-sdk-s3 \([0-9.]*\)[, ].*/\1/p' <<<"$part")
iam_sdk_version=$(sed -n 's/^| figure | .* aws-sdk-iam \([0-9.]*\) .*/\1/p' <<<"$part")
rows=$(grep '^| [a-z]' <<<"$part" | grep -v '^| figure')
codegen="$bench/target/release/codegen"

# Peak memory of generating the whole Omics model.
gen_rss=$(/usr/bin/time -f "%M" "$codegen" --model "$root/../shared/models/aws/omics-2022-11-28.json" --out "$bench/omics" 2>&1 >/dev/null | tail -1)

# 3, 4, 7: the Omics hello-world binaries and the credential chain's rows
# (their own script), cold builds from empty target directories.
chain_rows=$(bash "$root/bench/chain.sh")

# Sending events over HTTP/2 against the floor of bare HTTP/2 (its own script).
events_rows=$(bash "$root/bench/events.sh")

# The S3 hello-worlds.
hello s3-ours "s3 = { path = \"$bench/s3\" }" '#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = s3::Client::new(s3::Config::from_env().build());
    match client.get_object().bucket("my-bucket").key("hello.txt").send().await {
        Ok(object) => match object.body.collect().await {
            Ok(bytes) => println!("{} bytes", bytes.len()),
            Err(error) => println!("error: {error}"),
        },
        Err(error) => println!("error: {error}"),
    }
}'
hello s3-sdk 'aws-sdk-s3 = "1"' '#[tokio::main(flavor = "current_thread")]
async fn main() {
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-west-2".to_owned());
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new(region))
        .build();
    let client = aws_sdk_s3::Client::from_conf(config);
    match client.get_object().bucket("my-bucket").key("hello.txt").send().await {
        Ok(object) => match object.body.collect().await {
            Ok(bytes) => println!("{} bytes", bytes.into_bytes().len()),
            Err(error) => println!("error: {error}"),
        },
        Err(error) => println!("error: {error}"),
    }
}'
declare -A cold cold_rss
# The S3 hello-worlds: the whole generated S3 crate (from crate-build.sh)
# against aws-sdk-s3, a cold debug build each (no release build: the
# figure the issue asks for is the debug one).
for name in s3-ours s3-sdk; do
    measured=$(cold_build "$name" dev)
    cold[$name]=${measured% *}
    cold_rss[$name]=${measured#* }
done

# 5, 6: calls per second through in-memory transports. The whole-DynamoDB
# crate is generated beside bench/compare (gitignored: the official model's
# documentation text is never committed) before it is built.
echo "building and running the request benchmarks..." >&2
log=$("$codegen" --model "$root/../shared/models/aws-more/dynamodb-2012-08-10.json" --out "$root/bench/compare/dynamodb-generated" 2>&1) \
    || { echo "$log" >&2; echo "failed to generate bench/compare/dynamodb-generated" >&2; exit 1; }
log=$("$codegen" --model "$root/../shared/models/aws-more/s3-2006-03-01.json" --out "$root/bench/compare/s3-generated" --crate-name s3 \
    --operation ListObjectsV2 --operation GetObject 2>&1) \
    || { echo "$log" >&2; echo "failed to generate bench/compare/s3-generated" >&2; exit 1; }
log=$("$codegen" --model "$root/../shared/models/aws-more/iam-2010-05-08.json" --out "$root/bench/compare/iam-generated" --crate-name iam \
    --operation ListRoles 2>&1) \
    || { echo "$log" >&2; echo "failed to generate bench/compare/iam-generated" >&2; exit 1; }
cd "$root/bench/compare"
CARGO_TARGET_DIR="$bench/compare-target" cargo build --quiet --release
figures=$("$bench/compare-target/release/bench-compare")
get() { printf '%s\n' "$figures" | sed -n "s/^$1=//p"; }

table=$(
    printf 'Measured by `bash bench/run.sh` on %s, %s cores, against aws-sdk-omics %s (Omics rows), aws-sdk-dynamodb %s (DynamoDB rows), aws-sdk-s3 %s (S3 rows) and aws-sdk-iam %s (IAM rows).\n\n' \
        "$(date -u +%Y-%m-%d)" "$(nproc)" "$sdk_version" "$ddb_sdk_version" "$s3_sdk_version" "$iam_sdk_version"
    printf '| figure | this project | AWS SDK for Rust | ratio |\n| --- | --- | --- | --- |\n'
    printf '%s\n' "$rows"
    printf '| peak memory generating the whole Omics model | %s | | |\n' "$(mib "$gen_rss")"
    printf '%s\n' "$chain_rows"
    printf '%s\n' "$events_rows"
    # Throughput: higher is better, the ratio is ours over the SDK's.
    ours_rate=$(get sources_1000_ours_calls_per_s); sdk_rate=$(get sources_1000_sdk_calls_per_s); bytes=$(get sources_1000_bytes)
    printf '| response parsing, 1,000 sources (%s KiB), calls/s (`generated/`; higher is better) | %s | %s | %sx |\n' \
        "$(( bytes / 1024 ))" "$ours_rate" "$sdk_rate" "$(calc "$ours_rate / $sdk_rate")"
    # Overhead: time per call, lower is better, like the rows above.
    ours_rate=$(get sources_3_ours_calls_per_s); sdk_rate=$(get sources_3_sdk_calls_per_s)
    printf '| per-call overhead, 3 sources, µs per call (`generated/`) | %s | %s | %s |\n' \
        "$(calc "1000000 / $ours_rate")" "$(calc "1000000 / $sdk_rate")" "$(calc "$sdk_rate / $ours_rate")"
    # The same two for DynamoDB, through the whole-DynamoDB crate.
    ours_rate=$(get dynamodb_query_1000_ours_calls_per_s); sdk_rate=$(get dynamodb_query_1000_sdk_calls_per_s); bytes=$(get dynamodb_query_1000_bytes)
    printf '| DynamoDB Query response parsing, 1,000 items with nested maps (%s KiB), calls/s (higher is better) | %s | %s | %sx |\n' \
        "$(( bytes / 1024 ))" "$ours_rate" "$sdk_rate" "$(calc "$ours_rate / $sdk_rate")"
    ours_rate=$(get dynamodb_get_item_ours_calls_per_s); sdk_rate=$(get dynamodb_get_item_sdk_calls_per_s)
    printf '| DynamoDB per-call overhead, small GetItem, µs per call | %s | %s | %s |\n' \
        "$(calc "1000000 / $ours_rate")" "$(calc "1000000 / $sdk_rate")" "$(calc "$sdk_rate / $ours_rate")"
    # S3: the whole-S3 crate's hello-world, ListObjectsV2 parsing, GetObject from a loopback server.
    printf '| S3: cold debug build of a hello-world calling GetObject (whole-S3 crate) | %.1f s | %.1f s | %s |\n' \
        "${cold[s3-ours]}" "${cold[s3-sdk]}" "$(calc "${cold[s3-ours]} / ${cold[s3-sdk]}")"
    printf '| S3: peak memory of that build | %s | %s | %s |\n' \
        "$(mib "${cold_rss[s3-ours]}")" "$(mib "${cold_rss[s3-sdk]}")" "$(calc "${cold_rss[s3-ours]} / ${cold_rss[s3-sdk]}")"
    ours_rate=$(get s3_list_1000_ours_calls_per_s); sdk_rate=$(get s3_list_1000_sdk_calls_per_s); bytes=$(get s3_list_1000_bytes)
    printf '| S3 ListObjectsV2 response parsing, 1,000 keys (%s KiB), calls/s (higher is better) | %s | %s | %sx |\n' \
        "$(( bytes / 1024 ))" "$ours_rate" "$sdk_rate" "$(calc "$ours_rate / $sdk_rate")"
    ours_rate=$(get s3_get_1024_mib_ours_mib_per_s); sdk_rate=$(get s3_get_1024_mib_sdk_mib_per_s)
    printf '| S3 GetObject of 1 GiB from a loopback server, MiB/s (higher is better) | %s | %s | %sx |\n' \
        "$ours_rate" "$sdk_rate" "$(calc "$ours_rate / $sdk_rate")"
    printf '| S3 GetObject: peak memory of the process, 1 GiB (128 MiB) | %s (%s) | %s (%s) | %s |\n' \
        "$(mib "$(get s3_get_1024_mib_ours_peak_kib)")" "$(mib "$(get s3_get_128_mib_ours_peak_kib)")" \
        "$(mib "$(get s3_get_1024_mib_sdk_peak_kib)")" "$(mib "$(get s3_get_128_mib_sdk_peak_kib)")" \
        "$(calc "$(get s3_get_1024_mib_ours_peak_kib) / $(get s3_get_1024_mib_sdk_peak_kib)")"
    ours_rate=$(get iam_list_roles_1000_ours_calls_per_s); sdk_rate=$(get iam_list_roles_1000_sdk_calls_per_s); bytes=$(get iam_list_roles_1000_bytes)
    printf '| IAM ListRoles response parsing, 1,000 roles (%s KiB), calls/s (higher is better) | %s | %s | %sx |\n' \
        "$(( bytes / 1024 ))" "$ours_rate" "$sdk_rate" "$(calc "$ours_rate / $sdk_rate")"
)
printf '\n%s\n' "$table"

if [ "${1:-}" = "--write-readme" ]; then
    python3 - "$root/README.md" "$table" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
start, end = "<!-- bench:start -->", "<!-- bench:end -->"
if start not in text or end not in text:
    sys.exit(f"{path} has no {start} ... {end} section")
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(f"{head}{start}\n{table}\n{end}{tail}")
PY
    echo "wrote the table into README.md" >&2
fi

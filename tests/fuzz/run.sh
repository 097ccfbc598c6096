#!/usr/bin/env bash
# Runs the fuzz targets of tests/fuzz/ (cargo-fuzz, libFuzzer), each for a
# bounded time, and prints one line of figures per target.
#
#   bash tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS (default 60) is the time of each target; TARGETs default to all
# of them. A crash, a failed property, a hang (over 10 s for one input) or
# running out of memory stops the run with a non-zero exit and leaves the
# input in tests/fuzz/artifacts/<target>/; replay it with
#   $CARGO_TARGET_DIR/<host>/release/<target> tests/fuzz/artifacts/<target>/<file>
# (`run.sh --print-binary-dir` prints that directory).
#
# The committed seeds (tests/fuzz/corpus/<target>/) are only read: what the
# fuzzer finds goes to $FUZZ_WORK/<target>/ (default
# ~/.cache/smithy-rust-codegen/fuzz-corpus), kept between runs.
#
# cargo-fuzz is used from PATH, else installed from crates.io into
# ~/.cache/smithy-rust-codegen/cargo-fuzz. The stable toolchain is enough:
# no sanitizer is used (the code under test has no `unsafe`), only
# libFuzzer's coverage instrumentation, with debug assertions and overflow
# checks on.
set -euo pipefail
cd "$(dirname "$0")/../.."

cache="$HOME/.cache/smithy-rust-codegen"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/target}"
host="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="$CARGO_TARGET_DIR/$host/release"
if [ "${1:-}" = "--print-binary-dir" ]; then
    echo "$bin_dir"
    exit 0
fi

seconds="${1:-60}"
shift || true
all=(json event_stream endpoint timestamp http_binding idl xml)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

# The longest input each target tries (libFuzzer's -max_len).
max_len() {
    case "$1" in
        json | idl | xml) echo 8192 ;;
        event_stream) echo 4096 ;;
        http_binding | endpoint) echo 1024 ;;
        timestamp) echo 256 ;;
        *) echo "unknown fuzz target: $1" >&2; exit 2 ;;
    esac
}
for target in "${targets[@]}"; do max_len "$target" >/dev/null; done

if ! command -v cargo-fuzz >/dev/null; then
    export PATH="$cache/cargo-fuzz/bin:$PATH"
    if ! command -v cargo-fuzz >/dev/null; then
        echo "== installing cargo-fuzz into $cache/cargo-fuzz" >&2
        cargo install --quiet --locked cargo-fuzz --version '^0.13' --root "$cache/cargo-fuzz"
    fi
fi

cargo fuzz build --fuzz-dir tests/fuzz --sanitizer none

work="${FUZZ_WORK:-$cache/fuzz-corpus}"
status=0
for target in "${targets[@]}"; do
    mkdir -p "$work/$target" "tests/fuzz/artifacts/$target"
    log="$work/$target.log"
    set +e
    "$bin_dir/$target" "$work/$target" "tests/fuzz/corpus/$target" \
        -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="tests/fuzz/artifacts/$target/" >"$log" 2>&1
    code=$?
    set -e
    # libFuzzer's last status line (`#N ... cov: C ft: F corp: K/S ...`)
    # and its final stats.
    done_line="$(grep -E '^#[0-9]+.* cov: ' "$log" | tail -1 || true)"
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")"
    ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")"
    corp="$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$done_line")"
    if [ "$code" -eq 0 ]; then
        printf 'fuzz %-13s %5ss %10s runs %7s exec/s  cov %5s  ft %6s  corpus %s\n' \
            "$target" "$seconds" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
    else
        echo "fuzz $target FAILED (exit $code); the log is $log, the input is in tests/fuzz/artifacts/$target/:" >&2
        grep -E "panicked|ERROR: libFuzzer|SUMMARY|Test unit written|timeout|out-of-memory" "$log" | head -20 >&2 || true
        status=1
    fi
done
exit "$status"

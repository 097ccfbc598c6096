#!/usr/bin/env bash
# Sending events, as table rows for bench/run.sh (which calls this script),
# or alone: the `streaming` fixture's generated client sends 32 KiB
# audio-like chunks over HTTP/2 (h2c on loopback) to the tests crate's
# event-stream server, which checks every event's chained signature and
# answers each with a transcript; compared with the same chunks through
# hyper's bare HTTP/2 client to the same server (nothing framed, signed or
# checked: the floor on this machine). aws-sdk-transcribestreaming cannot
# be pointed at a plaintext loopback HTTP/2 server, so the floor is the
# comparison. Rows: events per second (2,000 chunks, median of 3) and the
# round trip of one event and its answer in lock step (median of 500).
#
#   bash bench/events.sh     # prints the rows
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH_DIR:-$HOME/.cache/smithy-rust-codegen/bench}"
mkdir -p "$bench"
cd "$root"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench/target}" cargo run --quiet --release -p tests --example events_bench

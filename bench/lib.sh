# Helpers of bench/run.sh and bench/chain.sh (sourced; needs $bench).

calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
mib() { awk "BEGIN { printf \"%.0f MiB\", $1 / 1024 }"; }

# A hello-world crate under $bench/hello-<name>: name, dependency lines, main.rs.
hello() {
    mkdir -p "$bench/hello-$1/src"
    printf '[package]\nname = "hello-%s"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n[workspace]\n\n[dependencies]\n%s\ntokio = { version = "1", features = ["macros", "rt"] }\n\n[profile.release]\nstrip = true\n' "$1" "$2" > "$bench/hello-$1/Cargo.toml"
    printf '%s\n' "$3" > "$bench/hello-$1/src/main.rs"
}

# A cold build of hello-<name> from an empty target directory, with the
# given cargo profile: prints "<seconds> <peak KiB>".
cold_build() {
    (
        cd "$bench/hello-$1"
        echo "resolving and downloading the crates of hello-$1..." >&2
        cargo fetch --quiet
        echo "cold $2 build of hello-$1..." >&2
        rm -rf "$bench/hello-$1/target"
        CARGO_TARGET_DIR="$bench/hello-$1/target" /usr/bin/time -f "%e %M" cargo build --quiet --offline --profile "$2" 2>&1 | tail -1
    )
}

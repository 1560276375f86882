#!/usr/bin/env bash
# Packages every function (each crate under functions/ except `local`) the way Lambda runs it and
# prints, per function, the bootstrap and zip sizes and the cold start measured against a local
# Lambda runtime API (tests/bench/lambda_coldstart.rs). Figures only; nothing is asserted.
#
#   bash scripts/package.sh                 # OPBX_COLDSTART_RUNS=10 by default
#
# Builds x86_64 with plain cargo (no zig): `cargo lambda build --release` (the release profile of
# Cargo.toml, opt-level "z", plus cargo lambda's thin LTO, one codegen unit and panic = abort), as
# `sam build` does; about a minute of CPU per function on top of a ≈15-minute clean release build
# on 2 cores. arm64 is built too when the aarch64-unknown-linux-gnu target is installed (sizes
# only: its cold start cannot be measured on this x86_64 machine). The functions connect to the test MariaDB and Redis while measured
# (OPBX_TEST_DATABASE_URL, OPBX_TEST_REDIS_URL; scripts/services.sh starts them) and to moto when
# AWS_ENDPOINT_URL_DYNAMODB is set (eval "$(bash scripts/moto.sh)").
# Output goes under $CARGO_TARGET_DIR (default target/), so a packaging run need not wait for the
# lock of a debug build's directory. Exits 1 when a zip is 5 MB or more (the size budget).
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/deploy-tools.sh)"
target="${CARGO_TARGET_DIR:-target}"

packages=()
for manifest in functions/*/Cargo.toml; do
    name=$(basename "$(dirname "$manifest")")
    [[ $name == local ]] || packages+=(-p "$name")
done

# A stale directory would show a function that no longer exists.
rm -rf "$target/lambda"
cargo lambda build --release --compiler cargo --x86-64 "${packages[@]}"

arm64=aarch64-unknown-linux-gnu
rm -rf "$target/lambda-arm64"
if rustup target list --installed 2>/dev/null | grep -qx "$arm64"; then
    cargo lambda build --release --arm64 --lambda-dir "$target/lambda-arm64" "${packages[@]}"
fi

newest_glibc() {
    objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1
}
for dir in "$target"/lambda/*/ "$target"/lambda-arm64/*/; do
    [[ -d $dir ]] || continue
    (cd "$dir" && zip -q -9 bootstrap.zip bootstrap)
done
echo
echo "glibc: provided.al2023 has 2.34; these binaries need at most $(
    for b in "$target"/lambda/*/bootstrap; do newest_glibc "$b"; done | sort -uV | tail -1
) (this machine links against its own glibc; sam build with zig targets Lambda's)"
echo
cargo run --quiet -p opbx-tests --bin lambda-coldstart -- --runs "${OPBX_COLDSTART_RUNS:-10}" "$target/lambda"

echo
if [[ -d $target/lambda-arm64 ]]; then
    echo "arm64 (zip MB):"
    for dir in "$target"/lambda-arm64/*/; do
        printf '  %-22s %6.2f\n' "$(basename "$dir")" "$(stat -c %s "$dir/bootstrap.zip" | awk '{print $1/1e6}')"
    done
else
    echo "arm64: not built; the $arm64 standard library is not installed, and rustup can only" \
        "fetch it from static.rust-lang.org (Debian's is for its own older rustc)."
fi

over=()
for zip in "$target"/lambda/*/bootstrap.zip "$target"/lambda-arm64/*/bootstrap.zip; do
    [[ -f $zip ]] || continue
    (($(stat -c %s "$zip") < 5000000)) || over+=("$zip")
done
if ((${#over[@]})); then
    echo "over the 5 MB budget: ${over[*]}" >&2
    exit 1
fi

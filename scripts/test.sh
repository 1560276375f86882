#!/usr/bin/env bash
# Every OpBX test, from a fresh clone: starts (installing if needed) MariaDB and Redis, then runs
# formatting and lint checks, builds every binary, and runs all tests on both backends.
# Tests that need a server fail loudly when it is missing; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)"; exit 1; }

step "services (MariaDB, Redis)"
eval "$(bash scripts/services.sh)"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "deploy template: cfn-lint and sam validate --lint (tools from PyPI, installed once)"
bash scripts/deploy-tools.sh check

step "build every binary (the end-to-end tests run opbx-local)"
cargo build --workspace --bins --locked

step "tests: unit, behaviour suite on SQLite+memory and MariaDB+Redis, end-to-end"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --no-fail-fast: a failing binary must not hide how the others fare.
set +e
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

step "schemathesis: the OpenAPI document against the running API (about 2 minutes)"
set +e
bash scripts/schemathesis.sh
fuzz_status=$?
set -e

# One closing line over every test binary, so the total is not the last binary's alone.
awk '/^test result:/ { p += $4; f += $6 } END { printf "\ntotal: %d passed, %d failed\n", p, f; exit (p == 0) }' "$log"
[ "$fuzz_status" -eq 0 ] || { echo "schemathesis failed (see target/schemathesis/)"; exit "$fuzz_status"; }
exit "$status"

#!/usr/bin/env bash
# Fuzzes the REST API from the outside with schemathesis: every documented operation, positive and
# negative data, every stateless check, against a temporary opbx-local (built binary, fresh SQLite
# database) signed in as an owner. Bounded in time; exits non-zero on any failure, so the OpenAPI
# document and the validation cannot disagree (a schema-valid request rejected, a schema-violating
# one accepted, a 5xx, an undocumented status or body).
#
#   bash scripts/schemathesis.sh            # run (builds opbx-local when missing)
#
# Two runs share the budget's settings: the organization API as an owner, then the platform API
# (`/api/v1/platform/…`) as a platform operator made with `opbx-local operator add`.
#
# OPBX_SCHEMATHESIS_PORT (default: a free port), OPBX_SCHEMATHESIS_SECONDS (time budget, default
# 120, per run), OPBX_SCHEMATHESIS_EXAMPLES (cases per operation and phase, default 30), OPBX_SCHEMATHESIS_SEED.
# The report (JUnit + NDJSON) and the server's log stay in target/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${OPBX_SCHEMATHESIS_VENV:-$HOME/.cache/opbx-venv-schemathesis}"
# A version known to work; raise it together with a run of this script.
version="4.32.5"
seconds="${OPBX_SCHEMATHESIS_SECONDS:-120}"
examples="${OPBX_SCHEMATHESIS_EXAMPLES:-30}"
seed="${OPBX_SCHEMATHESIS_SEED:-1}"
out="target/schemathesis"

log() { printf '[schemathesis] %s\n' "$*" >&2; }

if [[ ! -x "$venv/bin/python" ]]; then
    log "creating $venv"
    python3 -m venv "$venv"
fi
if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != *"$version"* ]]; then
    log "installing schemathesis==$version"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi

# Where cargo puts it: CI builds into its own CARGO_TARGET_DIR, not ./target.
target_dir="${CARGO_TARGET_DIR:-target}"
bin="${OPBX_LOCAL_BIN:-$target_dir/debug/opbx-local}"
if [[ ! -x "$bin" ]]; then
    log "building opbx-local"
    cargo build --locked -p opbx-local >&2
fi

port="${OPBX_SCHEMATHESIS_PORT:-$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
base="http://127.0.0.1:$port"
tmp=$(mktemp -d)
rm -rf "$out" && mkdir -p "$out"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

email="fuzz-owner@example.com"
password="schemathesis-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
# The platform API is fuzzed as a platform operator, created the way a self-hoster does.
operator_password=$(OPBX_DATABASE_URL="sqlite://$tmp/opbx.db" RUST_LOG=warn \
    "$bin" operator add fuzz-operator@example.com | sed -n 's/^Generated password.*: //p')
# Nothing outside: Cloudonix calls go to a closed port and fail fast.
env OPBX_LISTEN="127.0.0.1:$port" \
    OPBX_DATABASE_URL="sqlite://$tmp/opbx.db" \
    OPBX_KEY_FILE="$tmp/opbx.key" \
    OPBX_UI_DIR="$tmp/no-ui" \
    OPBX_BOOTSTRAP_EMAIL="$email" \
    OPBX_BOOTSTRAP_PASSWORD="$password" \
    OPBX_PUBLIC_URL="$base" \
    OPBX_CLOUDONIX_API_URL="http://127.0.0.1:9" \
    RUST_LOG="${RUST_LOG:-warn}" \
    "$bin" >"$out/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 100); do
    curl -fsS "$base/health" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log" >&2; log "opbx-local exited"; exit 1; }
    sleep 0.2
done
token=$(curl -fsS "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" |
    "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])')

operator_token=$(curl -fsS "$base/api/v1/platform/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"fuzz-operator@example.com\",\"password\":\"$operator_password\"}" |
    "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# One run per kind of caller: the organization API as its owner, then the platform API as an
# operator (each other's routes would only answer 403). Logouts are left out: they would revoke
# the run's own token (the Rust tests cover them). The hooks keep the rules JSON Schema cannot
# state out of the "schema-valid" cases (see the file).
# One worker: with two, Hypothesis in both threads may first parse its own sources at once, and
# CPython 3.11 before 3.11.9 then fails ast.parse ("AST constructor recursion depth mismatch",
# gh-106905), which schemathesis reports as an error of whichever operation it was generating.
# filter_too_much is Hypothesis judging its own generator (too many drawn values thrown away, as
# for the outbound route's pattern); it is no finding about the API, and every case that is drawn
# is still sent and checked.
fuzz() {
    local report="$1" token="$2"
    shift 2
    PYTHONPATH="$PWD/scripts" SCHEMATHESIS_HOOKS=schemathesis_hooks \
    "$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run "$base/api/v1/openapi.json" \
        --checks all \
        --phases examples,coverage,fuzzing \
        --mode all \
        --max-examples "$examples" \
        --max-time "$seconds" \
        --seed "$seed" \
        --workers 1 \
        --suppress-health-check filter_too_much \
        "$@" ${OPBX_SCHEMATHESIS_ARGS:-} \
        --header "Authorization: Bearer $token" \
        --report junit,ndjson --report-dir "$out/$report" \
        --generation-database none \
        --no-color 2>&1 | tee -a "$out/run.log"
    return "${PIPESTATUS[0]}"
}
log "fuzzing $base (budget ${seconds}s per run, $examples examples per operation, seed $seed)"
set +e
fuzz organization "$token" --exclude-path /api/v1/auth/logout \
    --exclude-path-regex '^/api/v1/platform/'
status=$?
fuzz platform "$operator_token" --include-path-regex '^/api/v1/platform/' \
    --exclude-path /api/v1/platform/auth/logout
platform_status=$?
((status == 0)) && status=$platform_status
set -e
if grep -q "panicked" "$out/server.log"; then
    log "opbx-local panicked; see $out/server.log"
    status=1
fi
# The figures of schemathesis' own summaries (both runs, added up), on one line.
figure() {
    grep -Eo "$1" "$out/run.log" | grep -Eo '[0-9]+' | awk '{n += $1} END {print n + 0}'
}
printf 'schemathesis: %s cases; schema-valid rejected %s, schema-violating accepted %s, server errors %s (exit %s; report in %s)\n' \
    "$(figure '[0-9]+ generated')" \
    "$(figure 'Schema-valid request rejected: [0-9]+')" \
    "$(figure 'Schema-violating request accepted: [0-9]+')" \
    "$(figure 'Server error: [0-9]+')" "$status" "$out"
exit "$status"

#!/usr/bin/env bash
# Reliability under load and store faults (issue 16; README "Reliability"): starts the services
# when needed, builds opbx-local and tests/bench/reliability.rs (debug, like the test command;
# OPBX_RELIABILITY_PROFILE=release for the release build), and runs the scenarios against
# opbx-local on MariaDB + Redis + the AWS emulator, each behind a fault proxy of its own, all on
# loopback. Not part of scripts/test.sh. Bounded: killed after OPBX_RELIABILITY_TIMEOUT seconds
# (default 900). The last line reads
#   reliability: <S> scenarios, <Q> requests, <A> non-CXML answers, <L> lost call logs, <D> duplicate rows
# and the exit status is 0 only when A, L and D are 0 and every scenario passed its own checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# A Redis database index chosen by the caller (OPBX_TEST_REDIS_URL) is kept.
redis_url=${OPBX_TEST_REDIS_URL:-}
eval "$(bash scripts/services.sh 2>/dev/null)"
export OPBX_TEST_REDIS_URL=${redis_url:-$OPBX_TEST_REDIS_URL}
eval "$(bash scripts/moto.sh 2>/dev/null)"
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

profile=${OPBX_RELIABILITY_PROFILE:-debug}
flags=()
[[ $profile == release ]] && flags=(--release)
# The test command's own build (every binary, reliability and opbx-local among them): after a
# test run it has nothing left to do, and per-package builds would compile the dependencies
# again with other features.
# OPBX_RELIABILITY_BUILD=0 runs the binaries already built.
if [[ ${OPBX_RELIABILITY_BUILD:-1} != 0 ]]; then
  cargo build "${flags[@]}" --workspace --bins --locked >&2
fi

target_dir=${CARGO_TARGET_DIR:-target}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
set +e
timeout --signal=TERM --kill-after=10 "${OPBX_RELIABILITY_TIMEOUT:-900}" \
  "$target_dir/$profile/reliability" | tee "$out"
status=${PIPESTATUS[0]}
set -e
((status == 0)) || { echo "reliability run failed (status $status)"; exit "$status"; }
last=$(tail -n 1 "$out")
grep -q "FAILED" "$out" && exit 1
[[ $last =~ ,\ 0\ non-CXML\ answers,\ 0\ lost\ call\ logs,\ 0\ duplicate\ rows$ ]]

#!/usr/bin/env bash
# Coverage-guided fuzzing (issue 16.3) with libFuzzer on stable Rust: the targets of fuzz/src/lib.rs
# built with LLVM's SanitizerCoverage (stable -C flags; no sanitizer, so no nightly) and
# libfuzzer-sys, each run for SECONDS on its committed corpus (fuzz/corpus/<target>/, which grows
# with every input that reached new code: commit it). A crash's input lands in
# target/fuzz/artifacts/<target>/; add it to the corpus once fixed, where `cargo test -p opbx-fuzz`
# replays it for good.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]     # default: 60 s each, every target
#   OPBX_FUZZ_RUNS=10000000 bash scripts/fuzz.sh 3600   # each target until 10 M executions (1 h cap)
#
# Prints one line per target and a last line `fuzz: <T> targets, <E> executions, <C> crashes`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(webhook_params call_events cxml callback_state numbers dial_plan schedule)
fi

out="target/fuzz"
mkdir -p "$out"
# What cargo-fuzz passes with `--sanitizer none`: edge coverage, 8-bit counters, the PC table and
# comparison tracing, all stable codegen options; `--cfg fuzzing` as libfuzzer-sys expects.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# Its own target dir: these flags rebuild every dependency, which must not evict the normal build.
export CARGO_TARGET_DIR="$out/build"
# An explicit --target keeps RUSTFLAGS off build scripts and proc macros, which have no libFuzzer
# to link the coverage callbacks against.
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --locked --release -p opbx-fuzz --features libfuzzer --bins --target "$host" >&2

total_execs=0
total_crashes=0
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t" "$out/artifacts/$t"
    log="$out/$t.log"
    started=$SECONDS
    touch "$out/$t.started"
    set +e
    "$CARGO_TARGET_DIR/$host/release/$t" "fuzz/corpus/$t" -max_total_time="$seconds" \
        -runs="${OPBX_FUZZ_RUNS:--1}" -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/$t/" -close_fd_mask=3 >"$log" 2>&1
    set -e
    execs=$(awk '/stat::number_of_executed_units/ { print $NF }' "$log" | tail -1)
    execs=${execs:-0}
    # This run's findings only: slow-unit files are reports, not failures (a stalled machine
    # makes them), and earlier runs' crashes are already in the corpus or being fixed.
    crashes=$(find "$out/artifacts/$t" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \
        -o -name 'leak-*' \) -newer "$out/$t.started" | wc -l)
    echo "$t: $execs executions in $((SECONDS - started))s, $crashes crashes, corpus $(find "fuzz/corpus/$t" -type f | wc -l) inputs"
    total_execs=$((total_execs + execs))
    total_crashes=$((total_crashes + crashes))
done
echo "fuzz: ${#targets[@]} targets, $total_execs executions, $total_crashes crashes"
((total_crashes == 0))

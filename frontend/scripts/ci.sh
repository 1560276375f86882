#!/usr/bin/env bash
# The frontend's part of scripts/test.sh: install exactly the locked packages, static checks, unit
# tests, production build, bundle budget, browser tests against the opbx-local binary given in
# OPBX_LOCAL_BIN; then one summary line `frontend: N passed, N failed`. A step that fails fails the
# run, after the later independent steps have had their say.
set -uo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null || { echo "frontend: npm is required (Node.js >= 20.19)"; exit 1; }
failed=()
run() { # name, command...
  local name=$1 started=$SECONDS; shift
  printf '\n--> frontend %s\n' "$name"
  "$@"
  local status=$?
  printf -- '--> frontend %s: %s, %d s\n' "$name" "$([[ $status -eq 0 ]] && echo ok || echo FAILED)" $((SECONDS - started))
  ((status == 0)) || { failed+=("$name"); return 1; }
}

rm -rf test-results/vitest.json test-results/playwright.json
if run "npm ci" npm ci --no-audit --no-fund --loglevel=error; then
  run check npm run --silent check
  run "unit tests" npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
  if run build npm run --silent build; then
    run budget npm run --silent budget
    run "browser tests" bash scripts/e2e.sh
  fi
fi

# Non-zero also when a report is missing; that alone is a failure only if no step failed already.
node scripts/summary.mjs || ((${#failed[@]})) || failed+=("test reports")
if ((${#failed[@]})); then
  echo "frontend: failed steps: ${failed[*]}"
  exit 1
fi

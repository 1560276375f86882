#!/usr/bin/env bash
# Runs OpBX with its admin UI on http://127.0.0.1:8080 (or OPBX_LISTEN): builds the SPA into
# frontend/dist when it is missing or older than its sources (npm ci first when the installed
# packages are not the locked ones), then starts opbx-local.
set -euo pipefail
cd "$(dirname "$0")/.."

ui_sources=(frontend/src frontend/public frontend/index.html frontend/package-lock.json frontend/vite.config.ts)
stale() {
  [[ ! -f frontend/dist/index.html ]] ||
    [[ -n $(find "${ui_sources[@]}" -newer frontend/dist/index.html -print -quit) ]]
}

if stale; then
  if ! command -v npm >/dev/null; then
    echo "run: npm not found, so the admin UI cannot be built; OpBX starts with the API only." >&2
    echo "run: install Node.js >= 20.19 (https://nodejs.org) for the UI." >&2
  elif ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    echo "run: Node.js $(node -v) is too old to build the admin UI (needs >= 20.19); starting the API only." >&2
  else
    echo "run: building the admin UI (frontend/dist)"
    (
      cd frontend
      # npm ci when node_modules is missing or was installed from another lock file.
      if [[ ! node_modules/.package-lock.json -nt package-lock.json ]]; then npm ci --no-audit --no-fund; fi
      npm run --silent build
    )
  fi
fi

exec cargo run -p opbx-local

#!/usr/bin/env bash
# Browser tests against a real opbx-local: starts one on a free port with a fresh SQLite database
# in a temp dir, serving this frontend's dist/, then runs Playwright with Debian's chromium
# (installed with apt when missing; Playwright downloads nothing). Fails loudly when the binary,
# the build or the browser is missing.
#   OPBX_LOCAL_BIN  the opbx-local binary (default: ../target/debug/opbx-local)
#   E2E_PORT        port to listen on (default: a free one)
#   FAKE_CLOUDONIX_PORT  port of the fake Cloudonix API the tests start (default: a free one)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${OPBX_LOCAL_BIN:-../target/debug/opbx-local}
[[ -x $bin ]] || { echo "e2e: no opbx-local at $bin (cargo build -p opbx-local first)" >&2; exit 1; }
[[ -f dist/index.html ]] || { echo "e2e: no dist/ (npm run build first)" >&2; exit 1; }

if ! command -v chromium >/dev/null || ! dpkg -s fonts-liberation >/dev/null 2>&1; then
  echo "e2e: installing chromium and fonts-liberation from Debian"
  sudo=$([[ $(id -u) -eq 0 ]] && echo "" || echo sudo)
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-liberation >/dev/null
fi
# The real binary, not Debian's wrapper script (which adds extensions and prints shell noise).
export CHROMIUM_PATH=${CHROMIUM_PATH:-$(dpkg -L chromium | grep -m1 '/lib/chromium/chromium$')}

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
port=${E2E_PORT:-$(free_port)}
# Playwright's global setup serves the fake Cloudonix API here (e2e/fake-cloudonix-api.ts).
export FAKE_CLOUDONIX_PORT=${FAKE_CLOUDONIX_PORT:-$(free_port)}
tmp=$(mktemp -d)
password="E2e-$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')"
# The same database for the operator the platform tests sign in as, made as a self-hoster would.
export OPBX_DATABASE_URL=sqlite://$tmp/opbx.db
operator=ops@example.com
operator_password=$(RUST_LOG=warn "$bin" operator add "$operator" | sed -n 's/^Generated password.*: //p')
[[ -n $operator_password ]] || { echo "e2e: opbx-local operator add printed no password" >&2; exit 1; }
# Invitations and password resets land here as files (the embedded mailer), for the tests to follow.
mkdir -p "$tmp/mail"
# A public URL, because pushing settings to Cloudonix needs one (without it opbx-local shows URLs
# from its listen address but refuses to provision: Cloudonix cannot reach a loopback address);
# tests/e2e covers the shown URLs without it.
OPBX_LISTEN=127.0.0.1:$port \
OPBX_MAIL_DIR=$tmp/mail \
OPBX_MEDIA_DIR=$tmp/media \
OPBX_KEY_FILE=$tmp/opbx.key \
OPBX_BOOTSTRAP_PASSWORD=$password \
OPBX_CLOUDONIX_API_URL=http://127.0.0.1:$FAKE_CLOUDONIX_PORT \
OPBX_PUBLIC_URL=http://127.0.0.1:$port \
OPBX_UI_DIR=$PWD/dist \
RUST_LOG=warn \
  "$bin" >"$tmp/opbx-local.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { echo "e2e: opbx-local exited:" >&2; cat "$tmp/opbx-local.log" >&2; exit 1; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/health" >/dev/null || { echo "e2e: opbx-local did not come up" >&2; exit 1; }

rm -rf test-results/screenshots
BASE_URL=http://127.0.0.1:$port OPBX_E2E_PASSWORD=$password OPBX_E2E_MAIL_DIR=$tmp/mail \
OPBX_E2E_OPERATOR=$operator OPBX_E2E_OPERATOR_PASSWORD=$operator_password \
  npx playwright test "$@"

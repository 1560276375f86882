#!/usr/bin/env bash
# Makes sure a local SMTP sink (aiosmtpd, from PyPI into a private venv) listens on loopback for
# the SMTP adapter's tests: it accepts every message and writes it, as received, to a folder.
# Idempotent. Prints the environment the tests need.
set -euo pipefail

PORT=${OPBX_TEST_SMTP_PORT:-2525}
VENV=${OPBX_SMTP_VENV:-$HOME/.cache/opbx-venv-smtp}
DIR=${OPBX_TEST_SMTP_DIR:-/tmp/opbx-smtp-sink-$PORT}
LOG=${OPBX_SMTP_LOG:-/tmp/opbx-smtp-sink-$PORT.log}

log() { echo "[smtp-sink] $*" >&2; }

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

if ! answers; then
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  if ! "$VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    log "installing aiosmtpd into $VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==1.4.6"
  fi
  mkdir -p "$DIR"
  log "starting the SMTP sink on 127.0.0.1:$PORT, writing to $DIR"
  nohup "$VENV/bin/python" - "$PORT" "$DIR" >"$LOG" 2>&1 <<'PY' &
import asyncio, os, sys, time, uuid
from aiosmtpd.controller import Controller

port, folder = int(sys.argv[1]), sys.argv[2]

class Sink:
    async def handle_DATA(self, server, session, envelope):
        # One file per recipient, named for it, holding the message as it arrived.
        for rcpt in envelope.rcpt_tos:
            name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}-{rcpt}.eml"
            with open(os.path.join(folder, name), "wb") as f:
                f.write(envelope.original_content)
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
asyncio.new_event_loop().run_forever()
PY
  for _ in $(seq 60); do
    if answers; then break; fi
    sleep 0.5
  done
  answers || { log "the SMTP sink did not come up; see $LOG"; exit 1; }
fi

echo "export OPBX_TEST_SMTP_URL=smtp://127.0.0.1:$PORT"
echo "export OPBX_TEST_SMTP_DIR=$DIR"

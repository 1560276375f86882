#!/usr/bin/env bash
# Makes sure moto server (an AWS emulator) runs on loopback for the DynamoDB, API Gateway
# Management, Secrets Manager, SQS, S3 and SES tests, installing it into a private venv from PyPI when missing. Idempotent.
# Prints the environment the tests need: AWS endpoint, dummy credentials and region.
set -euo pipefail

PORT=${OPBX_TEST_MOTO_PORT:-5005}
VENV=${OPBX_MOTO_VENV:-$HOME/.cache/opbx-venv-moto}
LOG=${OPBX_MOTO_LOG:-/tmp/opbx-moto.log}
URL="http://127.0.0.1:${PORT}"
EXTRAS="server,dynamodb,secretsmanager,sqs,s3"

log() { echo "[moto] $*" >&2; }

answers() { curl -fsS -o /dev/null "$URL/moto-api/" 2>/dev/null; }

if ! answers; then
  if [ ! -x "$VENV/bin/moto_server" ]; then
    if ! python3 -m venv --help >/dev/null 2>&1; then
      log "installing python3-venv from Debian's packages"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
    fi
    python3 -m venv "$VENV"
  fi
  # Installed again when the extras change (a venv from before secretsmanager was added).
  if [ "$(cat "$VENV/.opbx-extras" 2>/dev/null)" != "$EXTRAS" ]; then
    log "installing moto[$EXTRAS] into $VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[$EXTRAS]"
    echo "$EXTRAS" >"$VENV/.opbx-extras"
  fi
  log "starting moto server on $URL"
  nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
  for _ in $(seq 60); do
    if answers; then break; fi
    sleep 0.5
  done
  answers || { log "moto server did not come up; see $LOG"; exit 1; }
fi

# Dummy credentials: moto accepts any, and the AWS SDK refuses to sign without some.
echo "export AWS_ENDPOINT_URL_DYNAMODB=$URL"
echo "export AWS_ENDPOINT_URL_DYNAMODB_STREAMS=$URL"
echo "export AWS_ENDPOINT_URL_SECRETS_MANAGER=$URL"
echo "export AWS_ENDPOINT_URL_SQS=$URL"
echo "export AWS_ENDPOINT_URL_S3=$URL"
echo "export AWS_ENDPOINT_URL_SESV2=$URL"
echo "export AWS_ACCESS_KEY_ID=testing"
echo "export AWS_SECRET_ACCESS_KEY=testing"
echo "export AWS_REGION=us-east-1"
echo "export OPBX_TEST_MOTO_URL=$URL"

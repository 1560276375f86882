#!/bin/sh
# Creates OpBX's DynamoDB tables in an emulator (moto, DynamoDB Local, LocalStack) from
# localstack/tables/*.json — the same definitions infra/template.yaml declares (tests/deploy
# checks that). Idempotent: an existing table is left as it is.
#
#   AWS_ENDPOINT_URL=http://127.0.0.1:5005 sh localstack/init/create-tables.sh
#
# Needs the aws CLI; any credentials and region do for an emulator.
set -eu
tables=${OPBX_TABLES_DIR:-$(dirname "$0")/../tables}
: "${AWS_ENDPOINT_URL:?set AWS_ENDPOINT_URL to the emulator, e.g. http://127.0.0.1:5005}"
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1} AWS_PAGER=""

for definition in "$tables"/*.json; do
    case "$definition" in *.ttl.json) continue ;; esac
    name=$(sed -n 's/.*"TableName": *"\([^"]*\)".*/\1/p' "$definition")
    if aws dynamodb describe-table --table-name "$name" >/dev/null 2>&1; then
        echo "table $name exists"
        continue
    fi
    aws dynamodb create-table --cli-input-json "file://$definition" >/dev/null
    aws dynamodb wait table-exists --table-name "$name"
    ttl="${definition%.json}.ttl.json"
    if [ -f "$ttl" ]; then
        aws dynamodb update-time-to-live --cli-input-json "file://$ttl" >/dev/null
    fi
    echo "table $name created"
done

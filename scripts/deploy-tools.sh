#!/usr/bin/env bash
# Deploy tooling from PyPI in one virtualenv: cfn-lint, aws-sam-cli and cargo-lambda (which brings
# zig, the linker it uses to target Lambda's glibc and arm64).
# Each is installed only when missing, so a warm machine pays nothing.
#
#   eval "$(bash scripts/deploy-tools.sh)"   # puts the venv's bin/ on PATH
#   bash scripts/deploy-tools.sh check       # cfn-lint + sam validate --lint on infra/template.yaml
#
# Both checks run offline; they need a region name, not credentials.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${OPBX_DEPLOY_VENV:-$HOME/.cache/opbx-venv-deploy}"
# Versions known to work; raise them together with a run of the check.
tools=(
    "cfn-lint:cfn-lint==1.58.0"
    "sam:aws-sam-cli==1.170.0"
    "cargo-lambda:cargo-lambda==1.9.2"
)

log() { printf '%s\n' "$*" >&2; }

install() {
    if [[ ! -x "$venv/bin/python" ]]; then
        log "deploy-tools: creating $venv"
        python3 -m venv "$venv"
    fi
    local missing=()
    for entry in "${tools[@]}"; do
        [[ -x "$venv/bin/${entry%%:*}" ]] || missing+=("${entry#*:}")
    done
    if ((${#missing[@]})); then
        log "deploy-tools: installing ${missing[*]}"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}" >&2
    fi
}

check() {
    export PATH="$venv/bin:$PATH"
    # Offline: a region is required by both tools, credentials and the network are not.
    export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" AWS_REGION="${AWS_REGION:-us-east-1}"
    export SAM_CLI_TELEMETRY=0
    log "cfn-lint infra/template.yaml"
    cfn-lint infra/template.yaml
    # Through samconfig.toml's environments, so a broken samconfig fails here too.
    for env in dev prod; do
        log "sam validate --lint --config-env $env"
        sam validate --lint --config-env "$env" >&2
    done
    log "deploy checks: template passes cfn-lint and sam validate --lint"
}

install
case "${1:-env}" in
    env) echo "export PATH=\"$venv/bin:\$PATH\"" ;;
    check) check ;;
    *) log "usage: $0 [env|check]"; exit 2 ;;
esac

#!/usr/bin/env bash
# Makes sure MariaDB and Redis run on loopback with the test credentials, installing them from
# Debian's packages when missing. Idempotent: safe to run before every test run.
# Prints the environment the tests need (OPBX_TEST_DATABASE_URL, OPBX_TEST_REDIS_URL).
set -euo pipefail

DB_USER=${OPBX_TEST_DB_USER:-opbx}
DB_PASSWORD=${OPBX_TEST_DB_PASSWORD:-opbx}
DB_NAME=${OPBX_TEST_DB_NAME:-opbx_test}
REDIS_PORT=${OPBX_TEST_REDIS_PORT:-6379}

log() { echo "[services] $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root (or sudo) to run: $*"; exit 1; fi
}

apt_install() {
  log "installing $* from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # description, attempts, command...
  local what=$1 attempts=$2; shift 2
  for _ in $(seq "$attempts"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  log "$what did not come up"; return 1
}

ensure_mariadb() {
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    apt_install mariadb-server mariadb-client
  fi
  if ! as_root mariadb-admin ping >/dev/null 2>&1; then
    log "starting MariaDB"
    as_root mkdir -p /run/mysqld
    as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    wait_for "MariaDB" 60 as_root mariadb-admin ping
  fi
  # Debian's root logs in over the socket only, so the tests get their own TCP user.
  as_root mariadb -uroot <<SQL
CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
CREATE USER IF NOT EXISTS '${DB_USER}'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
ALTER USER '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '${DB_USER}'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '${DB_USER}'@'localhost' WITH GRANT OPTION;
-- As Aurora's master user may: the migrate tests create the application's least-privilege user.
GRANT CREATE USER ON *.* TO '${DB_USER}'@'127.0.0.1';
GRANT CREATE USER ON *.* TO '${DB_USER}'@'localhost';
DROP DATABASE IF EXISTS \`${DB_NAME}\`;
CREATE DATABASE \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
FLUSH PRIVILEGES;
SQL
  # Tests that need an empty database of their own create ${DB_NAME}_<id>; drop earlier runs' ones.
  as_root mariadb -uroot -N -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '${DB_NAME}\\_%'" |
    while read -r db; do as_root mariadb -uroot -e "DROP DATABASE \`$db\`"; done
  wait_for "MariaDB over TCP as ${DB_USER}" 10 \
    mariadb -h127.0.0.1 -P3306 -u"$DB_USER" -p"$DB_PASSWORD" -e 'SELECT 1' "$DB_NAME"
}

ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server redis-tools
  fi
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /tmp --logfile /tmp/opbx-redis.log
    wait_for "Redis" 30 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
  fi
}

ensure_mariadb
ensure_redis
echo "export OPBX_TEST_DATABASE_URL=mysql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:3306/${DB_NAME}"
echo "export OPBX_TEST_REDIS_URL=redis://127.0.0.1:${REDIS_PORT}/"
bash "$(dirname "$0")/moto.sh"
bash "$(dirname "$0")/smtp-sink.sh"

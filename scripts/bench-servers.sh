#!/usr/bin/env bash
# Private MariaDB and Redis for the benchmarks, which count round trips from the servers' own
# counters (MariaDB's Questions, Redis's MONITOR): on the shared test servers other clients would
# be counted too. Prints the variables that point the benchmarks at them.
#
#   eval "$(bash scripts/bench-servers.sh)"          # start (ports 18501, 18502 by default)
#   bash scripts/bench-servers.sh stop
#
# No authentication (loopback only, --skip-grant-tables): throwaway servers for measurements.
set -euo pipefail
dir="${OPBX_BENCH_DIR:-/tmp/opbx-bench-servers}"
mysql_port="${OPBX_BENCH_MYSQL_PORT:-18501}"
redis_port="${OPBX_BENCH_REDIS_PORT:-18502}"

if [[ ${1:-} == stop ]]; then
    [[ -f $dir/mysql.pid ]] && kill "$(cat "$dir/mysql.pid")" 2>/dev/null || true
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    exit 0
fi

mkdir -p "$dir"
if ! mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$mysql_port" ping >/dev/null 2>&1; then
    if [[ ! -d $dir/mysql/mysql ]]; then
        mariadb-install-db --no-defaults --datadir="$dir/mysql" --auth-root-authentication-method=normal \
            --skip-test-db >"$dir/install.log" 2>&1
    fi
    mariadbd --no-defaults --datadir="$dir/mysql" --port="$mysql_port" --bind-address=127.0.0.1 \
        --socket="$dir/mysql.sock" --pid-file="$dir/mysql.pid" --skip-grant-tables \
        --innodb-buffer-pool-size=1G --user=root >"$dir/mysql.log" 2>&1 &
    for _ in $(seq 60); do
        mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$mysql_port" ping >/dev/null 2>&1 && break
        sleep 0.5
    done
    mariadb --protocol=tcp -h 127.0.0.1 -P "$mysql_port" -e "CREATE DATABASE IF NOT EXISTS opbx_bench"
fi
if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --logfile "$dir/redis.log" >/dev/null
    for _ in $(seq 20); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.2; done
fi
echo "export OPBX_TEST_DATABASE_URL=mysql://opbx:opbx@127.0.0.1:$mysql_port/opbx_bench"
echo "export OPBX_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/"

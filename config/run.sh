#!/bin/sh
# run.sh -- `make run`: start Redis, the API processes, nginx, the workers (and webhookd) on
# loopback, print the URL and a development API key, and stop everything on Ctrl-C/SIGTERM.
# Nothing daemonizes: every process stays in this script's process group.
# usage: config/run.sh BIN_DIR      (DOCPROC_* environment variables reach every program)
set -eu
BIN=$1
SRC=$(cd "$(dirname "$0")/.." && pwd)
cd "$SRC"
# The effective configuration (defaults < config file < DOCPROC_* environment).
export DOCPROC_CONFIG="${DOCPROC_CONFIG:-$SRC/config/docproc.conf}"
eval "$("$BIN/docproc-admin" config | sed 's/^/cfg_/')"
RUN=$cfg_run_dir
case $RUN in /*) ;; *) RUN=$SRC/$RUN ;; esac
mkdir -p "$RUN/redis" "$RUN/logs" "$RUN/nginx/tmp"
# Started programs, newest first: stopped before Redis, which is stopped last. The traps are
# set before anything starts, so a failing startup step (set -e) stops what is already running:
# never a redis-server left holding its port.
pids=""
redis_pid=""
stopping=0
stop() {
    [ $stopping = 1 ] && return
    stopping=1
    echo
    echo "docproc: stopping..."
    # Workers first (they hand back or finish their jobs), then the front, then Redis last.
    for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
    if [ -n "$redis_pid" ]; then
        kill -TERM "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
    fi
    echo "docproc: stopped"
}
trap 'stop; exit 0' INT TERM
trap 'rc=$?; stop; exit $rc' EXIT

for p in $cfg_redis_port $cfg_http_port; do
    if command -v bash >/dev/null && bash -c "exec 3<>/dev/tcp/$cfg_listen_addr/$p" 2>/dev/null; then
        echo "docproc: port $p on $cfg_listen_addr is in use (set DOCPROC_REDIS_PORT / DOCPROC_HTTP_PORT)" >&2
        exit 1
    fi
done

redis-server --bind "$cfg_listen_addr" --port "$cfg_redis_port" --dir "$RUN/redis" \
    --daemonize no --appendonly yes --appendfsync "$cfg_redis_appendfsync" --save "" \
    --maxmemory-policy noeviction --logfile "$RUN/logs/redis.log" &
redis_pid=$!
# Ready means PONG: while Redis replays its AOF it answers -LOADING (seconds for a big data set),
# and every step below needs the data. Wait as long as it is alive and loading.
i=0
until [ "$(redis-cli -h "$cfg_listen_addr" -p "$cfg_redis_port" ping 2>/dev/null)" = PONG ]; do
    kill -0 "$redis_pid" 2>/dev/null || { echo "docproc: redis exited (see $RUN/logs/redis.log)" >&2; exit 1; }
    i=$((i + 1))
    [ $i = 20 ] && echo "docproc: waiting for Redis to load its data..."
    [ $i -gt 6000 ] && { echo "docproc: redis not ready after 10 minutes (see $RUN/logs/redis.log)" >&2; exit 1; }
    sleep 0.1
done

# A development key, the same across restarts (kept in the run directory).
if [ ! -s "$RUN/dev-api-key" ]; then
    "$BIN/docproc-admin" key create --tenant dev --name "make run" > "$RUN/dev-api-key"
fi
KEY=$(cat "$RUN/dev-api-key")
case $KEY in
dpk_*) ;;
*) echo "docproc: $RUN/dev-api-key holds no API key (dpk_...); remove it to get a new one" >&2; exit 1 ;;
esac
"$BIN/docproc-admin" key store "$KEY" --tenant dev --name "make run"

upstreams=""
n=0
while [ $n -lt "$cfg_api_processes" ]; do
    port=$((cfg_api_port + n))
    "$BIN/docproc-api" --api_port="$port" 2>>"$RUN/logs/api-$n.log" &
    pids="$! $pids"
    upstreams="$upstreams $cfg_listen_addr:$port"
    n=$((n + 1))
done
"$BIN/docproc-worker" 2>>"$RUN/logs/worker.log" &
pids="$! $pids"
if [ -x "$BIN/docproc-webhookd" ]; then
    "$BIN/docproc-webhookd" 2>>"$RUN/logs/webhookd.log" &
    pids="$! $pids"
fi
nginx/gen-conf.sh "$RUN/nginx" "$cfg_listen_addr" "$cfg_http_port" "$SRC/web" \
    "$cfg_max_upload_bytes" $upstreams > "$RUN/nginx/nginx.conf"
nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e stderr 2>>"$RUN/logs/nginx.log" &
pids="$! $pids"

URL="http://$cfg_listen_addr:$cfg_http_port"
i=0
until curl -fsS "$URL/readyz" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 600 ] && { echo "docproc: the API did not become ready (see $RUN/logs)" >&2; exit 1; }
    sleep 0.1
done
cat <<MSG
docproc is running.
URL: $URL
API key: $KEY
Dashboard: $URL/   Logs: $RUN/logs/   Stop: Ctrl-C
Try: curl -H "Authorization: Bearer $KEY" --data-binary @scan.png -H 'Content-Type: image/png' $URL/v1/documents
MSG
wait

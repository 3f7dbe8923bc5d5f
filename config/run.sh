#!/bin/sh
# run.sh -- `make run`: start Redis, the API processes, nginx (HTTP and HTTPS), the workers (and
# webhookd) on loopback, print the URLs and a development API key, keep every process running
# (one that dies is started again with backoff, and logged), and stop everything on
# Ctrl-C/SIGTERM. Nothing daemonizes: every process stays in this script's process group.
# Started as root, the programs, Redis and nginx's workers run as run_user (created if missing).
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
# Everything under run/ is private: keys, credentials, data, logs.
umask 077
mkdir -p "$RUN/redis" "$RUN/logs" "$RUN/nginx/tmp" "$RUN/pids" "$RUN/api"
chmod -R go-rwx "$RUN"
rm -f "$RUN"/pids/*.pid
# Redis is locked: one ACL user per program with its own password, made at the first start and
# kept in run/redis-auth/ (0700, files 0600); the default user is off (config/redis-acl.sh).
AUTH=$RUN/redis-auth
config/redis-acl.sh "$AUTH"
# creds PROGRAM: the options that make a program log in as its own user.
creds() {
    echo "--redis_user=docproc-$1 --redis_password= --redis_password_file=$AUTH/docproc-$1.pass"
}
# docproc-admin (and anything else run from here) logs in as docproc-admin.
admin() {
    DOCPROC_REDIS_USER=docproc-admin DOCPROC_REDIS_PASSWORD= \
        DOCPROC_REDIS_PASSWORD_FILE=$AUTH/docproc-admin.pass "$BIN/docproc-admin" "$@"
}
# Where clients reach a server that listens on the wildcard address.
reach() { case $1 in 0.0.0.0) echo 127.0.0.1 ;; *) echo "$1" ;; esac; }
redis_at=$(reach "$cfg_redis_bind")

# ---- stopping ----
# Started programs (their supervisors), newest first: stopped before Redis, which is stopped
# last. The traps are set before anything starts, so a failing startup step (set -e) stops what
# is already running: never a redis-server left holding its port.
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

# ---- supervision ----
# supervise NAME LOG CMD...: runs CMD (stderr appended to LOG) and, as systemd's
# Restart=on-failure would, starts it again when it fails (crash, kill -9, error exit): after
# 1 s, doubling to 30 s while it keeps failing (back to 1 s once it ran a minute). Each restart
# is logged to logs/run.log and printed. SIGTERM to the supervisor stops CMD and the
# supervisor. The current pid is in run/pids/NAME.pid. Every restart is counted in Redis
# (docproc_process_restarts_total{program="NAME"} in /metrics), where the count outlives the
# process; a restarted Redis counts its own restart once it answers again.
group=$(cut -d' ' -f5 /proc/$$/stat)
supervise() {
    name=$1 log=$2
    shift 2
    # The log belongs to the account the program runs as (Redis opens it itself too).
    : >> "$log"
    [ -z "$as" ] || chown "$cfg_run_user:" "$log"
    (
        down=0 child="" nap="" restarted=0 counters=""
        trap 'down=1; kill -TERM $child $nap $counters 2>/dev/null || true' TERM
        delay=1
        while :; do
            [ "$name" = nginx ] && orphans_of_nginx
            "$@" 2>>"$log" &
            child=$!
            echo "$child" > "$RUN/pids/$name.pid"
            started=$(date +%s)
            [ $restarted = 1 ] && count_restart
            rc=0
            wait "$child" || rc=$?
            # A trapped signal ends wait early: wait until the child has really gone.
            while kill -0 "$child" 2>/dev/null; do wait "$child" || rc=$?; done
            [ $down = 1 ] && exit 0
            # Like Restart=on-failure: a clean exit (0, or SIGHUP/INT/PIPE/TERM, e.g. Ctrl-C
            # reaching the whole group) is a stop, not a failure.
            case $rc in 0 | 129 | 130 | 141 | 143) exit 0 ;; esac
            [ $(($(date +%s) - started)) -ge 60 ] && delay=1
            msg="$name exited (status $rc); restarting it in ${delay}s"
            printf '{"ts":"%s","level":"warn","prog":"run.sh","msg":"%s"}\n' \
                "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$msg" >> "$RUN/logs/run.log"
            echo "docproc: $msg"
            sleep "$delay" &
            nap=$!
            wait "$nap" || true
            nap=""
            [ $down = 1 ] && exit 0
            restarted=1
            delay=$((delay * 2))
            [ $delay -gt 30 ] && delay=30
        done
    ) 2>/dev/null & # (the shell would report a killed child as "Killed" on our stderr)
}
# count_restart (inside supervise): adds one restart of $name in Redis as docproc-admin, in the
# background so the supervisor goes on watching its program: tries once a second for up to a
# minute while Redis is down or loading (or is the one restarting). The supervisor's TERM trap
# ends it with the rest. Best effort: a restart it could not count is still logged.
count_restart() {
    (
        p=""
        trap 'kill -TERM $p 2>/dev/null; exit 0' TERM
        tries=0
        while [ $tries -lt 60 ]; do
            DOCPROC_REDIS_USER=docproc-admin DOCPROC_REDIS_PASSWORD= \
                DOCPROC_REDIS_PASSWORD_FILE=$AUTH/docproc-admin.pass \
                "$BIN/docproc-admin" restarted "$name" >/dev/null 2>&1 &
            p=$!
            wait "$p" && exit 0
            tries=$((tries + 1))
            sleep 1 &
            p=$!
            wait "$p" || true
        done
    ) &
    counters="$counters $!"
}
# nginx's workers outlive a master killed with SIGKILL and keep its ports: end them first.
orphans_of_nginx() {
    for d in /proc/[0-9]*; do
        [ "$(cut -d' ' -f5 "$d/stat" 2>/dev/null)" = "$group" ] || continue
        case $(tr '\0' ' ' < "$d/cmdline" 2>/dev/null) in
        "nginx: worker"* | "nginx: cache"*) kill -KILL "${d#/proc/}" 2>/dev/null || true ;;
        esac
    done
}

# ---- privileges ----
# As root, everything but nginx's master runs as run_user, if that account can reach the
# programs and the dashboard (a checkout under /root cannot be read by anyone else).
as=""
nginx_user=""
if [ "$(id -u)" = 0 ] && [ -n "$cfg_run_user" ]; then
    if ! id -u "$cfg_run_user" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            --user-group "$cfg_run_user"
    fi
    ugid=$(id -g "$cfg_run_user")
    drop="setpriv --reuid=$cfg_run_user --regid=$ugid --init-groups --"
    if $drop sh -c "test -x '$BIN/docproc-api' && test -r '$SRC/web/index.html' && test -r '$DOCPROC_CONFIG'" 2>/dev/null; then
        as=$drop
        nginx_user="$cfg_run_user $(id -gn "$cfg_run_user")"
        chown -R "$cfg_run_user:$ugid" "$RUN"
    else
        echo "docproc: $cfg_run_user cannot read $BIN or $SRC/web; running as root" >&2
    fi
fi

for p in "$redis_at:$cfg_redis_port" "$(reach "$cfg_public_addr"):$cfg_http_port" \
    "$(reach "$cfg_public_addr"):$cfg_https_port"; do
    case $p in *:0) continue ;; esac
    if command -v bash >/dev/null && bash -c "exec 3<>/dev/tcp/${p%:*}/${p##*:}" 2>/dev/null; then
        echo "docproc: $p is in use (set DOCPROC_REDIS_PORT / DOCPROC_HTTP_PORT / DOCPROC_HTTPS_PORT)" >&2
        exit 1
    fi
done

# ---- Redis ----
# The programs on this host reach it over its Unix socket (less kernel work per command than
# loopback TCP): redis_socket, or one in the run directory; TCP stays open for other hosts and
# for redis-cli below. A path too long for a socket address keeps everything on TCP.
sock=${cfg_redis_socket:-$RUN/redis/redis.sock}
sockargs=""
if [ ${#sock} -lt 100 ]; then
    sockargs="--unixsocket $sock --unixsocketperm 700"
    export DOCPROC_REDIS_SOCKET="$sock"
fi
# rdbcompression no: an AOF rewrite (the RDB preamble of the new base file) would otherwise
# LZF-compress every stored file, and uploads are mostly PNG, JPEG and PDF bytes that do not
# compress: half of a rewrite's CPU for nothing (docs/BENCH.md, "Ingest, third pass").
# shellcheck disable=SC2086
supervise redis "$RUN/logs/redis.log" $as redis-server --bind "$cfg_redis_bind" \
    --port "$cfg_redis_port" --dir "$RUN/redis" --daemonize no --appendonly yes \
    --appendfsync "$cfg_redis_appendfsync" --save "" --maxmemory-policy noeviction \
    --rdbcompression no \
    --maxmemory "${cfg_redis_maxmemory_mb}mb" $sockargs \
    --aclfile "$AUTH/users.acl" --logfile "$RUN/logs/redis.log"
redis_pid=$!
# Ready means PONG: while Redis replays its AOF it answers -LOADING (seconds for a big data set),
# and every step below needs the data. Wait as long as it is alive and loading.
i=0
until [ "$(REDISCLI_AUTH=$(cat "$AUTH/docproc-admin.pass") redis-cli -h "$redis_at" \
    -p "$cfg_redis_port" --user docproc-admin ping 2>/dev/null)" = PONG ]; do
    rp=$(cat "$RUN/pids/redis.pid" 2>/dev/null || true)
    if [ -n "$rp" ] && ! kill -0 "$rp" 2>/dev/null; then
        echo "docproc: redis exited (see $RUN/logs/redis.log)" >&2
        exit 1
    fi
    i=$((i + 1))
    [ $i = 20 ] && echo "docproc: waiting for Redis to load its data..."
    [ $i -gt 6000 ] && { echo "docproc: redis not ready after 10 minutes (see $RUN/logs/redis.log)" >&2; exit 1; }
    sleep 0.1
done

# A development key, the same across restarts (kept in the run directory).
if [ ! -s "$RUN/dev-api-key" ]; then
    admin key create --tenant dev --name "make run" > "$RUN/dev-api-key"
fi
KEY=$(cat "$RUN/dev-api-key")
case $KEY in
dpk_*) ;;
*) echo "docproc: $RUN/dev-api-key holds no API key (dpk_...); remove it to get a new one" >&2; exit 1 ;;
esac
admin key store "$KEY" --tenant dev --name "make run"

# ---- programs ----
# The API processes listen on Unix sockets (api_socket, {n} = the process number; by default in
# run/api/, 0700, the sockets 0660): nginx on this host reaches them without loopback TCP. A
# socket left by a killed process is replaced when it starts again. A path too long for a
# socket address keeps that process on TCP (listen_addr:api_port+n).
apisock=$cfg_api_socket
[ -n "$apisock" ] || apisock="$RUN/api/api-{n}.sock"
case $apisock in
*"{n}"*) ;;
*) if [ "$cfg_api_processes" -gt 1 ]; then
    echo "docproc: api_socket must contain {n} when api_processes > 1" >&2
    exit 1
fi ;;
esac
# api_at N: where API process N listens: unix:PATH or HOST:PORT.
api_at() {
    ap=$(printf '%s' "$apisock" | sed "s/{n}/$1/g")
    if [ ${#ap} -lt 100 ]; then
        echo "unix:$ap"
    else
        echo "$(reach "$cfg_listen_addr"):$((cfg_api_port + $1))"
    fi
}
upstreams=""
n=0
while [ $n -lt "$cfg_api_processes" ]; do
    where=$(api_at $n)
    case $where in
    unix:*) listen="--api_socket=${where#unix:}" ;;
    *) listen="--api_socket= --api_port=$((cfg_api_port + n))" ;;
    esac
    # shellcheck disable=SC2086
    supervise "api-$n" "$RUN/logs/api-$n.log" $as "$BIN/docproc-api" $listen $(creds api)
    pids="$! $pids"
    upstreams="$upstreams $where"
    n=$((n + 1))
done
# shellcheck disable=SC2086
supervise worker "$RUN/logs/worker.log" $as "$BIN/docproc-worker" $(creds worker)
pids="$! $pids"
if [ -x "$BIN/docproc-webhookd" ]; then
    # shellcheck disable=SC2086
    supervise webhookd "$RUN/logs/webhookd.log" $as "$BIN/docproc-webhookd" $(creds webhookd)
    pids="$! $pids"
fi

# ---- nginx: HTTP, and HTTPS with a certificate of a local CA ----
if [ "$cfg_https_port" -gt 0 ]; then
    config/run-tls.sh "$RUN/tls" "$cfg_public_addr"
fi
# shellcheck disable=SC2086
DP_HTTPS_PORT=$cfg_https_port DP_TLS_CERT=$RUN/tls/server.pem DP_TLS_KEY=$RUN/tls/server.key \
    DP_RATE_LIMIT=$cfg_rate_limit_per_s DP_CONN_LIMIT=$cfg_conn_limit_per_addr \
    DP_METRICS_RATE=$cfg_metrics_rate_limit_per_s DP_HEADER_TIMEOUT=$cfg_client_header_timeout_s \
    DP_BODY_TIMEOUT=$cfg_client_body_timeout_s DP_WORKER_CONNECTIONS=$cfg_nginx_worker_connections \
    DP_NGINX_USER=$nginx_user DP_BATCH_BODY=$cfg_max_batch_bytes \
    nginx/gen-conf.sh "$RUN/nginx" "$cfg_public_addr" "$cfg_http_port" "$SRC/web" \
    "$cfg_max_upload_bytes" $upstreams > "$RUN/nginx/nginx.conf"
supervise nginx "$RUN/logs/nginx.log" nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e stderr
pids="$! $pids"

at=$(reach "$cfg_public_addr")
URL="http://$at:$cfg_http_port"
i=0
until curl -fsS "$URL/readyz" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 600 ] && { echo "docproc: the API did not become ready (see $RUN/logs)" >&2; exit 1; }
    sleep 0.1
done
# Every API process, not just the first to answer through nginx (one whose socket or port is
# taken keeps failing and being restarted: say so instead of claiming to run).
n=0
while [ $n -lt "$cfg_api_processes" ]; do
    where=$(api_at $n)
    case $where in
    unix:*) health="--unix-socket ${where#unix:} http://localhost/healthz" ;;
    *) [ "$cfg_api_port" -gt 0 ] || break # api_port 0: any port, nothing to ask
        health="http://$where/healthz" ;;
    esac
    i=0
    # shellcheck disable=SC2086
    until curl -fsS $health >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -gt 600 ] && { echo "docproc: API process $n ($where) does not answer (see $RUN/logs/api-$n.log)" >&2; exit 1; }
        sleep 0.1
    done
    n=$((n + 1))
done
https=""
[ "$cfg_https_port" -gt 0 ] && https="HTTPS: https://$at:$cfg_https_port (CA: $RUN/tls/ca.pem)
"
cat <<MSG
docproc is running.
URL: $URL
${https}API key: $KEY
Dashboard: $URL/   Logs: $RUN/logs/   Stop: Ctrl-C
Try: curl -H "Authorization: Bearer $KEY" --data-binary @scan.png -H 'Content-Type: image/png' $URL/v1/documents
MSG
wait

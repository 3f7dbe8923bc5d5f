#!/bin/sh
# tunnel-bench.sh -- what the stunnel TLS tunnel (config/redis-tunnel.sh) adds to one Redis round
# trip: a throwaway redis-server, both tunnel ends on loopback, and `redis-benchmark -t ping -c 1`
# (one client: every request waits for its answer) direct and through the tunnel, ROUNDS times
# each, alternating. Prints p50 and mean per request, in microseconds. (`make bench-tunnel`)
# usage: tests/tools/tunnel-bench.sh [REQUESTS] [ROUNDS]
set -eu
N=${1:-20000}
ROUNDS=${2:-3}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(mktemp -d /tmp/docproc-tunnel-bench-XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
R=$(free_port) S=$(free_port) C=$(free_port)
redis-server --bind 127.0.0.1 --port "$R" --save "" --appendonly no --dir "$DIR" \
    --daemonize no > "$DIR/redis.log" 2>&1 &
pids="$pids $!"
"$SRC/config/redis-tunnel.sh" cert "$DIR/t" redis.docproc.test
"$SRC/config/redis-tunnel.sh" server "$DIR/t" "127.0.0.1:$S" "127.0.0.1:$R" 2> "$DIR/s.log" &
pids="$pids $!"
"$SRC/config/redis-tunnel.sh" client "$DIR/t" "127.0.0.1:$C" "127.0.0.1:$S" \
    redis.docproc.test 2> "$DIR/c.log" &
pids="$pids $!"
i=0
until [ "$(redis-cli -p "$C" ping 2>/dev/null)" = PONG ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "tunnel did not come up" >&2; exit 1; }
    sleep 0.1
done
# one run: "p50_us mean_us" of PING_MBULK (redis-benchmark --csv: test,rps,avg,min,p50,...)
run() {
    redis-benchmark -p "$1" -t ping -c 1 -n "$N" --csv 2>/dev/null |
        awk -F'"' '/PING_MBULK/ {printf "%.0f %.0f\n", $10 * 1000, $6 * 1000}'
}
echo "requests per run: $N, one client, PING (RESP), $ROUNDS rounds"
r=1
while [ $r -le "$ROUNDS" ]; do
    d=$(run "$R") t=$(run "$C")
    echo "round $r  direct p50 ${d% *} us mean ${d#* } us   tunnel p50 ${t% *} us mean ${t#* } us" \
        "  added p50 $((${t% *} - ${d% *})) us mean $((${t#* } - ${d#* })) us"
    r=$((r + 1))
done

#!/bin/sh
# redis-tunnel.sh -- TLS between docproc hosts and Redis with Debian's stunnel4: hiredis 0.14
# (Debian 12) speaks no TLS, so each program talks plain RESP to a stunnel client on its own
# loopback, which carries it over TLS 1.3 to a stunnel server on the Redis host, which hands it
# to Redis on that host's loopback. Redis's ACL and passwords (config/redis-acl.sh) still apply
# end to end; the tunnel adds encryption and server authentication (the client pins the
# server's certificate and checks its name). See docs/DEPLOY.md.
#
# usage: config/redis-tunnel.sh cert DIR NAME
#            a self-signed certificate for the Redis host NAME (DNS name or IP): DIR/tunnel.pem
#            (copy it to every docproc host) and DIR/tunnel.key (0600, stays on the Redis host)
#        config/redis-tunnel.sh server DIR ACCEPT CONNECT
#            on the Redis host: TLS on ACCEPT (host:port) to Redis at CONNECT (127.0.0.1:6390)
#        config/redis-tunnel.sh client DIR ACCEPT CONNECT NAME
#            on each docproc host: plain on ACCEPT (127.0.0.1:port; set redis_host/redis_port
#            to it) to the tunnel server at CONNECT, whose certificate DIR/tunnel.pem names NAME
# server and client write DIR/<mode>.conf and exec stunnel4 in the foreground (logs on stderr),
# so a supervisor (systemd, run.sh, the test harness) owns the process.
set -eu
mode=$1 DIR=$2
umask 077
mkdir -p "$DIR"
case $mode in
cert)
    name=$3
    case $name in
    *[!0-9.]*) san="DNS:$name" ;;
    *) san="IP:$name" ;;
    esac
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
        -subj "/CN=$name" -addext "subjectAltName=$san" -addext "basicConstraints=critical,CA:TRUE" \
        -keyout "$DIR/tunnel.key" -out "$DIR/tunnel.pem" 2>/dev/null
    chmod 600 "$DIR/tunnel.key"
    chmod 644 "$DIR/tunnel.pem"
    exit 0
    ;;
server)
    conf=$DIR/server.conf
    cat > "$conf" <<EOF
foreground = yes
pid =
debug = warning
[redis]
accept = $3
connect = $4
cert = $DIR/tunnel.pem
key = $DIR/tunnel.key
sslVersionMin = TLSv1.3
socket = l:TCP_NODELAY=1
socket = r:TCP_NODELAY=1
EOF
    ;;
client)
    conf=$DIR/client.conf
    cat > "$conf" <<EOF
foreground = yes
pid =
debug = warning
[redis]
client = yes
accept = $3
connect = $4
CAfile = $DIR/tunnel.pem
verifyChain = yes
checkHost = $5
sslVersionMin = TLSv1.3
socket = l:TCP_NODELAY=1
socket = r:TCP_NODELAY=1
EOF
    ;;
*)
    echo "usage: $0 cert DIR NAME | server DIR ACCEPT CONNECT | client DIR ACCEPT CONNECT NAME" >&2
    exit 2
    ;;
esac
exec stunnel4 "$conf"

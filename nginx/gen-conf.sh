#!/bin/sh
# gen-conf.sh -- writes docproc's nginx.conf to stdout. Used by `make run` and the e2e tests.
# usage: gen-conf.sh PREFIX_DIR LISTEN_ADDR HTTP_PORT WEB_ROOT MAX_BODY_BYTES API...
# Each API is ADDR:PORT or unix:PATH (an API process's api_socket on this host).
# PREFIX_DIR holds nginx's pid, temp files and logs. nginx runs in the foreground (daemon off).
# Optional settings come from the environment (config/run.sh passes its options; unset = the
# default of the option named in brackets, see config/docproc.conf):
#   DP_HTTPS_PORT, DP_TLS_CERT, DP_TLS_KEY  HTTPS (HTTP/2, TLS 1.2+1.3, HSTS) when all are set
#   DP_RATE_LIMIT      requests/s per API key on /v1/, burst 2x; 0 = off   [rate_limit_per_s]
#   DP_CONN_LIMIT      requests in progress per client address; 0 = off    [conn_limit_per_addr]
#   DP_METRICS_RATE    /metrics requests/s per address, burst 2x; 0 = off  [metrics_rate_limit_per_s]
#   DP_HEADER_TIMEOUT  DP_BODY_TIMEOUT  seconds  [client_header_timeout_s, client_body_timeout_s]
#   DP_WORKER_CONNECTIONS                        [nginx_worker_connections]
#   DP_BATCH_BODY      bytes of a multipart POST /v1/batches               [max_batch_bytes]
#   DP_NGINX_USER      account of the worker processes when nginx starts as root [run_user]
set -eu
prefix=$1 addr=$2 port=$3 web=$4 maxbody=$5
shift 5
https_port=${DP_HTTPS_PORT:-0} cert=${DP_TLS_CERT:-} certkey=${DP_TLS_KEY:-}
rate=${DP_RATE_LIMIT:-200} conns=${DP_CONN_LIMIT:-256} mrate=${DP_METRICS_RATE:-10}
htimeout=${DP_HEADER_TIMEOUT:-10} btimeout=${DP_BODY_TIMEOUT:-30}
wconns=${DP_WORKER_CONNECTIONS:-16384}
# Body cap: the API's own cap plus room for multipart framing (nginx refuses by Content-Length
# at once, and while a chunked body streams); the API enforces the exact cap on the file bytes.
body=$(( maxbody + 65536 ))
batchbody=$(( ${DP_BATCH_BODY:-209715200} + 65536 ))
user=""
if [ "$(id -u)" = 0 ]; then
    # As root, nginx would drop its workers to 'nobody', who may not read a checkout under
    # /root: make run names an account that can (DP_NGINX_USER); without one they stay root.
    if [ -n "${DP_NGINX_USER:-}" ]; then user="user ${DP_NGINX_USER};"; else user="user root root;"; fi
fi
# Each connection may hold a client and an upstream socket.
nofile=$(( wconns * 2 + 64 ))
hard=$(ulimit -Hn)
[ "$hard" != unlimited ] && [ "$nofile" -gt "$hard" ] && nofile=$hard

limit_conn="" limit_req="" limit_metrics=""
[ "$conns" -gt 0 ] && limit_conn="limit_conn peraddr $conns;"
zone_rate="" zone_metrics=""
# A limit of 0 is off: no zone at all (nginx refuses a rate of 0r/s).
[ "$rate" -gt 0 ] && limit_req="limit_req zone=perkey burst=$(( rate * 2 )) nodelay;" \
    && zone_rate="limit_req_zone \$ratekey zone=perkey:10m rate=${rate}r/s;"
[ "$mrate" -gt 0 ] && limit_metrics="limit_req zone=metrics burst=$(( mrate * 2 )) nodelay;" \
    && zone_metrics="limit_req_zone \$binary_remote_addr zone=metrics:1m rate=${mrate}r/s;"

# Headers on every answer (dashboard, API, errors). The dashboard loads nothing from elsewhere;
# it shows the original file and the hOCR through blob: URLs. A location with add_header of its own
# inherits none of the server's, so the error locations repeat them.
headers() {
    cat <<HDR
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Content-Security-Policy "default-src 'self'; img-src 'self' blob: data:; frame-src blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'" always;
        add_header Referrer-Policy no-referrer always;
HDR
    [ "$1" = https ] && echo '        add_header Strict-Transport-Security "max-age=31536000" always;'
    return 0
}

# The API's proxying, as /v1/ and /v1/batches share it.
proxy_common() {
    cat <<CONF
            proxy_pass http://docproc_api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Request-Id \$reqid;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            # Uploads may hold the request open with ?wait=N.
            proxy_read_timeout 660s;
CONF
}
proxy_v1() {
    cat <<CONF
            $limit_req
$(proxy_common)
            # A POST is retried on another API only if it never reached the first one...
            proxy_next_upstream error timeout;
            # ...unless it carries an Idempotency-Key: then a retry cannot store it twice.
            if (\$dp_idempotent_post) {
                rewrite ^ /__idempotent\$uri last;
            }
CONF
}
proxy_idempotent() {
    cat <<CONF
            $limit_req
            rewrite ^/__idempotent(/.*)\$ \$1 break;
$(proxy_common)
            proxy_next_upstream error timeout http_502 http_504 non_idempotent;
CONF
}

# The locations of one server block (the same on HTTP and HTTPS).
locations() {
    hdr=$(headers "$1")
    cat <<CONF
        root $web;
        index index.html;
        $limit_conn
$hdr

        location /v1/ {
$(proxy_v1)
        }
        # Many files in one request: the batch cap instead of the document cap.
        location = /v1/batches {
            client_max_body_size $batchbody;
$(proxy_v1)
        }
        location /__idempotent/ {
            internal;
$(proxy_idempotent)
        }
        location = /__idempotent/v1/batches {
            internal;
            client_max_body_size $batchbody;
$(proxy_idempotent)
        }
        location = /metrics {
            $limit_metrics
            proxy_pass http://docproc_api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Request-Id \$reqid;
        }
        location ~ ^/(healthz|readyz)\$ {
            proxy_pass http://docproc_api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Request-Id \$reqid;
        }

        error_page 413 @too_large;
        error_page 429 @rate_limited;
        error_page 502 503 504 @unavailable;
        location @too_large {
            default_type application/json;
            return 413 '{"error":{"code":"too_large","message":"request body over the size limit"}}';
        }
        location @rate_limited {
            default_type application/json;
$hdr
            add_header Retry-After 1 always;
            return 429 '{"error":{"code":"rate_limited","message":"too many requests, slow down"}}';
        }
        location @unavailable {
            default_type application/json;
$hdr
            add_header Retry-After 1 always;
            return 503 '{"error":{"code":"unavailable","message":"no API process is answering, retry shortly"}}';
        }
CONF
}

cat <<CONF
# generated by nginx/gen-conf.sh -- do not edit; edit the generator
$user
worker_processes auto;
worker_rlimit_nofile $nofile;
daemon off;
pid $prefix/nginx.pid;
error_log stderr warn;
events { worker_connections $wconns; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;
    log_format json escape=json '{"ts":"\$time_iso8601","prog":"nginx","request_id":"\$reqid",'
        '"method":"\$request_method","path":"\$uri","status":\$status,'
        '"bytes_in":\$request_length,"ms":\$request_time,"upstream":"\$upstream_addr"}';
    # Buffered: one write per 64 kB or second instead of one per request.
    access_log $prefix/access.log json buffer=64k flush=1s;
    server_tokens off;
    sendfile on;
    client_max_body_size $body;
    client_body_buffer_size 1m;
    # A client that holds a connection open without finishing its request is dropped soon.
    client_header_timeout ${htimeout}s;
    client_body_timeout ${btimeout}s;
    send_timeout 60s;
    keepalive_timeout 30s;
    reset_timedout_connection on;
    # One id per request, end to end: the client's X-Request-Id or nginx's own.
    # POSTs with an Idempotency-Key may be passed to another API process after a failure.
    map "\$request_method:\$http_idempotency_key" \$dp_idempotent_post { "~^POST:." 1; default 0; }
    map \$http_x_request_id \$reqid { default \$http_x_request_id; "" \$request_id; }
    # Rate limits are per API key (the Authorization header), per address for requests without.
    map \$http_authorization \$ratekey { default \$http_authorization; "" \$binary_remote_addr; }
    $zone_rate
    $zone_metrics
    limit_conn_zone \$binary_remote_addr zone=peraddr:10m;
    limit_req_status 429;
    limit_conn_status 429;

    upstream docproc_api {
CONF
for a in "$@"; do echo "        server $a max_fails=2 fail_timeout=2s;"; done
cat <<CONF
        keepalive 32;
    }

    server {
        listen $addr:$port;
CONF
locations http
echo "    }"
if [ "$https_port" -gt 0 ] && [ -n "$cert" ] && [ -n "$certkey" ]; then
    cat <<CONF

    server {
        listen $addr:$https_port ssl http2;
        ssl_certificate $cert;
        ssl_certificate_key $certkey;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_prefer_server_ciphers off;
        ssl_session_cache shared:TLS:10m;
        ssl_session_timeout 1h;
CONF
    locations https
    echo "    }"
fi
echo "}"

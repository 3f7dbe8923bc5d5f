#!/bin/sh
# run-tls.sh -- make run's HTTPS certificate: a local CA and a server certificate it signed, made
# with OpenSSL at first start and kept in DIR (files 0600). The server certificate is made again
# when the names it must cover change (or it is about to expire); the CA is kept, so a browser or
# client that trusts DIR/ca.pem keeps trusting the server.
# usage: config/run-tls.sh DIR [ADDR]    (ADDR: an extra IP address the certificate covers)
set -eu
dir=$1 addr=${2:-}
umask 077
mkdir -p "$dir"
san="IP:127.0.0.1,DNS:localhost"
case $addr in ""|127.0.0.1|0.0.0.0) ;; *) san="$san,IP:$addr" ;; esac
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
if [ ! -s "$dir/ca.pem" ] || [ ! -s "$dir/ca.key" ]; then
    # shellcheck disable=SC2086
    openssl req -x509 $ec -nodes -days 3650 -subj "/CN=docproc local CA $(hostname)" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    rm -f "$dir/server.pem"
fi
if [ -s "$dir/server.pem" ] && [ -s "$dir/server.key" ] && [ "$(cat "$dir/server.san" 2>/dev/null)" = "$san" ] &&
    openssl x509 -in "$dir/server.pem" -noout -checkend 2592000 >/dev/null 2>&1; then
    exit 0
fi
# shellcheck disable=SC2086
openssl req $ec -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
    "$san" > "$dir/server.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 825 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
rm -f "$dir/server.csr"
echo "$san" > "$dir/server.san"

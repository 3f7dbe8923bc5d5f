#!/bin/sh
# deps.sh -- install the Debian 12 packages docproc needs to build, run and test.
# Idempotent and quick when everything is present; uses apt-get as root, else prints the command.
set -eu
PKGS="make gcc pkg-config git ca-certificates curl
 libmicrohttpd-dev libhiredis-dev libtesseract-dev libleptonica-dev libcurl4-openssl-dev
 libcjson-dev check libpoppler-glib-dev libcairo2-dev libpcre2-dev libssl-dev
 libxml2-dev libzbar-dev liblinear-dev libpng-dev libtiff-dev
 tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-nld
 tesseract-ocr-spa tesseract-ocr-ita tesseract-ocr-por redis-server redis-sentinel nginx-light
 clang-format nodejs chromium qrencode poppler-utils stunnel4 wrk iproute2 openssl systemd"
# npm ships inside some nodejs builds (NodeSource, which conflicts with Debian's npm package);
# Debian's own nodejs needs it separately. Node + npm run the e2e webhook receiver.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
    echo "deps: not root; run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps Debian's postinst from starting system redis/nginx services we do not use.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends $missing

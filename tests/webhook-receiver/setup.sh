#!/bin/sh
# setup.sh -- install the e2e webhook receiver's npm dependencies (standardwebhooks) from the
# committed package-lock.json. Idempotent; check_e2e_webhooks runs it before starting the receiver.
set -eu
cd "$(dirname "$0")"
command -v node >/dev/null 2>&1 || { echo "setup.sh: node missing (make deps)" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "setup.sh: npm missing (make deps)" >&2; exit 1; }
# Up to date when the installed version is the locked one (a changed pin reinstalls).
want=$(node -p "require('./package-lock.json').packages['node_modules/standardwebhooks'].version")
have=$(node -p "require('./node_modules/standardwebhooks/package.json').version" 2>/dev/null || true)
[ "$want" = "$have" ] && exit 0
npm ci --no-audit --no-fund --loglevel=error

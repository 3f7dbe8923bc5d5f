#!/bin/sh
# setup.sh -- install the e2e webhook receiver's npm dependencies (standardwebhooks) from the
# committed package-lock.json. Idempotent; check_e2e_webhooks runs it when node_modules is missing.
set -eu
cd "$(dirname "$0")"
command -v node >/dev/null 2>&1 || { echo "setup.sh: node missing (make deps)" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "setup.sh: npm missing (make deps)" >&2; exit 1; }
[ -f node_modules/standardwebhooks/package.json ] && exit 0
npm ci --no-audit --no-fund --loglevel=error

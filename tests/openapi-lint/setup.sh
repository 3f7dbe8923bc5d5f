#!/bin/sh
# setup.sh -- install the OpenAPI linter (@redocly/openapi-core) from the committed
# package-lock.json. Idempotent; check_e2e_openapi runs it when node_modules is missing.
set -eu
cd "$(dirname "$0")"
command -v node >/dev/null 2>&1 || { echo "setup.sh: node missing (make deps)" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "setup.sh: npm missing (make deps)" >&2; exit 1; }
[ -f node_modules/@redocly/openapi-core/package.json ] && exit 0
npm ci --no-audit --no-fund --loglevel=error

#!/bin/sh
# setup.sh -- install the browser test's npm dependency (playwright-core, which downloads no
# browser: the test drives Debian's /usr/bin/chromium) from the committed package-lock.json.
# Idempotent; check_e2e_dashboard runs it when node_modules is missing.
set -eu
cd "$(dirname "$0")"
command -v node >/dev/null 2>&1 || { echo "setup.sh: node missing (make deps)" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "setup.sh: npm missing (make deps)" >&2; exit 1; }
[ -f node_modules/playwright-core/package.json ] && exit 0
npm ci --no-audit --no-fund --loglevel=error

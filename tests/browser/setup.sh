#!/bin/sh
# setup.sh -- install the browser test's npm dependency (playwright-core, which downloads no
# browser: the test drives Debian's /usr/bin/chromium) from the committed package-lock.json.
# Idempotent; check_e2e_dashboard runs it before every run.
set -eu
cd "$(dirname "$0")"
command -v node >/dev/null 2>&1 || { echo "setup.sh: node missing (make deps)" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "setup.sh: npm missing (make deps)" >&2; exit 1; }
# Up to date when the installed version is the locked one (a changed pin reinstalls).
want=$(node -p "require('./package-lock.json').packages['node_modules/playwright-core'].version")
have=$(node -p "require('./node_modules/playwright-core/package.json').version" 2>/dev/null || true)
[ "$want" = "$have" ] && exit 0
npm ci --no-audit --no-fund --loglevel=error

#!/bin/sh
# gen-docproc-conf.sh -- writes config/docproc.conf from the option table (docproc-api --help),
# every option commented out at its default. `make lint` checks the file is current.
# usage: config/gen-docproc-conf.sh BIN_DIR > config/docproc.conf
set -eu
"$1/docproc-api" --help | python3 -c '
import re, sys
print("# docproc.conf -- configuration of every docproc program (api, worker, webhookd, admin).")
print("# Each line is \"name = value\"; a DOCPROC_<NAME> environment variable or a --name=value")
print("# argument overrides it. make run reads this file (DOCPROC_CONFIG names another one).")
print("# Every option below is commented out at its built-in default.")
for line in sys.stdin:
    m = re.match(r"\s+--(\S+)\s+(.*) \(default (.*?)(, (-?\d+)\.\.(\d+))?\)$", line.rstrip())
    if not m:
        continue
    bounds = " (%s..%s)" % (m.group(5), m.group(6)) if m.group(5) else ""
    print()
    print("# " + m.group(2) + bounds)
    print("#%s = %s" % (m.group(1), m.group(3).strip("\x27")))
'

#!/usr/bin/env bash
# Benchmarks feedback under load on loopback: the same load as Tests/Load (its driver,
# Tests/Load/feedback_load.py): 200 collaborators in 10 review sessions, each holding the
# session's live room (WebSocket) open while commenting (on frames and ranges, with
# drawings), replying and setting statuses, beside staff posting public and internal
# comments, for 30 s; then the rooms drain and everything is checked as the test checks it.
#
# Prints, one figure per line: clients, sessions, room connections, the pace, writes per
# second, p50/p99 write latency (request to 2xx), p50/p99 event fan-out delay (from a
# write's 2xx to each room's receipt of its event, matched by comment id or status change),
# reconnects (after 4008, and any others), and the CPU the client and the server used
# (medians over the seconds of the load). Exits 1 when a check fails (a write not stored,
# a 5xx, an event missing, twice or out of order), 2 when the load could not run.
#
# Builds nothing. The server is $DAILIES_BIN, else .build/release/dailies, else
# .build/debug/dailies; it runs with its worker on a fresh data directory and a free port,
# and is stopped afterwards. The client runs in .build-venv (Scripts/python-venv.sh makes
# it), on the same cores as the server: compare runs made on the same machine.
#
# Usage: Scripts/bench-feedback.sh [--clients N] [--sessions N] [--seconds S] [--interval S] [--keep]
#   The same from the environment: DAILIES_LOAD_CLIENTS, DAILIES_LOAD_SESSIONS,
#   DAILIES_LOAD_SECONDS, DAILIES_LOAD_INTERVAL (mean seconds between one client's writes,
#   default 4), DAILIES_LOAD_STAFF_INTERVAL, DAILIES_LOAD_SEED. --keep keeps the server's
#   data directory and log.
set -euo pipefail

usage() { sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-64}"; }
case "${1:-}" in -h|--help) usage 0 ;; esac

dailies=${DAILIES_BIN:-}
if [ -n "$dailies" ]; then
  dailies=$(realpath "$dailies")  # before the cd below
fi
cd "$(dirname "$0")/.."

if [ -z "$dailies" ]; then
  if [ -x .build/release/dailies ]; then
    dailies=$PWD/.build/release/dailies
  else
    dailies=$PWD/.build/debug/dailies
  fi
fi
[ -x "$dailies" ] || { echo "error: no dailies binary at $dailies: build it, or set DAILIES_BIN" >&2; exit 66; }
python=.build-venv/bin/python
[ -x "$python" ] || { echo "error: no $python: run Scripts/python-venv.sh" >&2; exit 66; }

echo "binary: $dailies" >&2
exec "$python" Tests/Load/feedback_load.py --dailies "$dailies" "$@"

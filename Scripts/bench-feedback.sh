#!/usr/bin/env bash
# Benchmarks feedback under load on loopback, on each catalog engine in turn: SQLite (the data
# directory's catalog) and then PostgreSQL (a PostgreSQL 15 of the script's own, from
# Scripts/postgres-test-server.sh, a fresh database for the run, stopped on the way out).
# Each run is the same load as Tests/Load (its driver, Tests/Load/feedback_load.py): 200
# collaborators in 10 review sessions, each holding the session's live room (WebSocket) open
# while commenting (on frames and ranges, with drawings), replying and setting statuses,
# beside staff posting public and internal comments, for 30 s; then the rooms drain and
# everything is checked as the test checks it.
#
# Prints, for each engine, one figure per line: clients, sessions, room connections, the
# pace, writes per second, p50/p99 write latency (request to 2xx), p50/p99 event fan-out delay
# (from a write's 2xx to each room's receipt of its event, matched by comment id or status
# change), reconnects (after 4008, and any others), and the CPU the client and the server used
# (medians over the seconds of the load). Then both side by side, a column each, and a column
# of PostgreSQL / SQLite ratios for the main figures (above 1: PostgreSQL did more writes per
# second, or was slower, or busier). The server's CPU is dailies serve's and its worker's, not
# PostgreSQL's own processes'; they share the cores with the client. The test PostgreSQL runs
# with fsync off (its data is thrown away): its figures are an upper bound for a durable
# server's. Exits 1 when a check fails on either engine (a write not stored, a 5xx, an event
# missing, twice or out of order), 2 when the load could not run.
#
# Builds nothing. The server is $DAILIES_BIN, else .build/release/dailies, else
# .build/debug/dailies; it runs with its worker on a fresh data directory and a free port,
# and is stopped afterwards. The client runs in .build-venv (Scripts/python-venv.sh makes
# it), on the same cores as the server: compare runs made on the same machine. A short run to
# see that everything works: --clients 20 --sessions 2 --seconds 5.
#
# Usage: Scripts/bench-feedback.sh [--clients N] [--sessions N] [--seconds S] [--interval S] [--keep]
#   The same from the environment: DAILIES_LOAD_CLIENTS, DAILIES_LOAD_SESSIONS,
#   DAILIES_LOAD_SECONDS, DAILIES_LOAD_INTERVAL (mean seconds between one client's writes,
#   default 4), DAILIES_LOAD_STAFF_INTERVAL, DAILIES_LOAD_SEED. The same settings on both
#   engines. --keep keeps each server's data directory and log (the PostgreSQL catalog goes
#   with its server).
set -euo pipefail

usage() { sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-64}"; }
case "${1:-}" in -h|--help) usage 0 ;; esac

dailies=${DAILIES_BIN:-}
if [ -n "$dailies" ]; then
  dailies=$(realpath "$dailies")  # before the cd below
fi
cd "$(dirname "$0")/.."
unset DATABASE_URL  # each run's catalog is the one this script says, never the caller's

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

work=$(mktemp -d)
postgres_dir=
cleanup() {
  if [ -n "$postgres_dir" ]; then Scripts/postgres-test-server.sh stop "$postgres_dir"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "binary: $dailies" >&2
status=0
echo "=== Catalog on SQLite (in the data directory) ==="
"$python" Tests/Load/feedback_load.py --dailies "$dailies" --summary "$work/sqlite.json" "$@" || status=$?

echo
echo "=== Catalog on PostgreSQL (test server, fsync off) ==="
echo "Starting a PostgreSQL..." >&2
postgres_dir=$(mktemp -d)
postgres_url=$(Scripts/postgres-test-server.sh start "$postgres_dir")
psql "$postgres_url" -q -c "CREATE DATABASE bench_feedback" >/dev/null
run=0
"$python" Tests/Load/feedback_load.py --dailies "$dailies" --summary "$work/postgres.json" \
  --database "${postgres_url/\/postgres\?//bench_feedback?}" "$@" || run=$?
[ "$run" -le "$status" ] || status=$run
echo

if [ -f "$work/sqlite.json" ] && [ -f "$work/postgres.json" ]; then
  "$python" - "$work/sqlite.json" "$work/postgres.json" "$(psql "$postgres_url" -Atc 'SHOW server_version' | cut -d' ' -f1)" <<'EOF'
import json
import sys

sqlite, postgres = (dict(json.load(open(path))) for path in sys.argv[1:3])
# The figures a ratio says something about; the others are the load's settings and counts.
compared = ("writes per second", "write latency p50 ms", "write latency p99 ms", "event fan-out delay p50 ms",
            "event fan-out delay p99 ms", "server+worker CPU cores, median per second")


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


width = max(len(label) for label in sqlite)
print(f"SQLite and PostgreSQL {sys.argv[3]} side by side (PostgreSQL / SQLite: above 1, PostgreSQL did more")
print("writes per second, or took longer, or used more CPU)")
print(f"  {'':{width}s}  {'SQLite':>10s}  {'PostgreSQL':>10s}  {'PG/SQLite':>9s}")
for label, value in sqlite.items():
    other = postgres.get(label, "-")
    ratio = ""
    if label in compared and number(value) and number(other) is not None:
        ratio = f"{number(other) / number(value):.2f}"
    print(f"  {label:{width}s}  {value:>10s}  {other:>10s}  {ratio:>9s}".rstrip())
EOF
else
  echo "No side-by-side figures: a run did not finish (see above)." >&2
fi
exit "$status"

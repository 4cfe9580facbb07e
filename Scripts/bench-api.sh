#!/usr/bin/env bash
# Benchmarks the REST API under load on loopback, on each catalog engine in turn: SQLite (the
# data directory's catalog) and then PostgreSQL (a PostgreSQL 15 of the script's own, from
# Scripts/postgres-test-server.sh, a fresh database for the run, stopped on the way out).
# In each run, 200 collaborators in 10 review sessions list items, read item detail and grab
# frames, beside 10 staff readers, for 30 s; then the same again while another client sends
# 20 wrong passphrases a second. Prints, for each engine, per route group, requests, req/s,
# p50 and p99; the p99 of each group idle and under the storm and their ratio (target <= 1.5);
# the server's threads, peak RSS and CPU. Then both engines side by side: req/s, p50 and p99
# of all routes, the p99 of each group (and of the storm's answers), the server's CPU, with a
# line of PostgreSQL / SQLite ratios (above 1: PostgreSQL has more req/s, or slower answers).
# Exits non-zero if any request of the normal load failed on either engine (a non-2xx answer
# or a transport error).
#
# The server runs on a fresh data directory and a free port; everything is seeded through
# the API (3 versions of a 5 s 1280x720 24 fps movie, transcoded by the server's own worker).
# The load client is Scripts/bench-api.py (asyncio + aiohttp, in the venv that
# Scripts/python-venv.sh makes). It runs on the same cores as the server, and so does
# PostgreSQL (its processes' CPU shows as "other processes on the machine", not the server's):
# compare runs made on the same machine, e.g. the code before and after a change with
# --dailies. The test PostgreSQL runs with fsync off (its data is thrown away): its figures are
# an upper bound for a durable server's. A short run to see that everything works: --seconds 5
# (a few minutes for both engines, after the build: the seeding, with its transcodes, takes most).
#
# Usage: Scripts/bench-api.sh [--dailies PATH] [--seconds N]
#   --dailies PATH  bench this dailies binary (default: build this checkout in release mode)
#   --seconds N     length of each of the two runs on each engine (default 30, at least 5)
set -euo pipefail

usage() { sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-64}"; }
dailies=
seconds=30
while [ $# -gt 0 ]; do
  case "$1" in
    --dailies) [ $# -ge 2 ] || usage; dailies=$(realpath "$2"); shift 2 ;;  # before the cd below
    --seconds) [ $# -ge 2 ] || usage; seconds=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "error: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 5 ] && [ "$seconds" -le 600 ] || {
  echo "error: --seconds must be a whole number from 5 to 600" >&2; exit 64; }
cd "$(dirname "$0")/.."
unset DATABASE_URL  # each run's catalog is the one this script says, never the caller's

Scripts/install-deps.sh
if [ -z "$dailies" ]; then
  swift build -c release --product dailies >&2
  dailies=$(swift build -c release --show-bin-path)/dailies
fi
[ -x "$dailies" ] || { echo "error: $dailies is not an executable" >&2; exit 66; }
python=$(Scripts/python-venv.sh)

work=$(mktemp -d)
postgres_dir=
server=
log=
stop_server() {
  [ -n "$server" ] || return 0
  # Its supervised worker too: after the server is gone the worker is no longer its child.
  local pids="$server $(pgrep -P "$server" || true)"
  kill -TERM "$server" 2>/dev/null || true  # a graceful stop also stops the worker
  for _ in $(seq 1 50); do
    kill -0 $pids 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL $pids 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
}
cleanup() {
  stop_server
  if [ -n "$postgres_dir" ]; then Scripts/postgres-test-server.sh stop "$postgres_dir"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Authoring 3 sources (5 s 1280x720 24 fps, H.264)..." >&2
media=()
for i in 1 2 3; do
  # A different hue each, so the content-addressed store keeps three originals.
  ffmpeg -hide_banner -nostdin -loglevel error -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=24,trim=end_frame=120,hue=h=$((i * 90))" \
    -c:v libx264 -preset ultrafast -crf 23 -pix_fmt yuv420p "$work/sh${i}0_comp_v001.mov"
  media+=("$work/sh${i}0_comp_v001.mov")
done

server_log_tail() { # lines: the server's last lines, without libav's per-grab warnings ("[swscaler @ 0x...] ...")
  local noise
  noise=$(grep -cE '^\[[^]]+ @ 0x[0-9a-f]+\]' "$log" || true)
  grep -vE '^\[[^]]+ @ 0x[0-9a-f]+\]' "$log" | tail -n "$1" >&2
  [ "$noise" -eq 0 ] || echo "(and $noise lines of libav warnings)" >&2
}

run_engine() { # engine (sqlite or postgres): one benchmark on a fresh catalog; its figures in $work/ENGINE.json
  local engine=$1 database=() url= key= status=0
  mkdir -p "$work/$engine" || return 1
  log="$work/$engine/server.log"
  if [ "$engine" = postgres ]; then
    if [ -z "$postgres_dir" ]; then
      echo "Starting a PostgreSQL..." >&2
      postgres_dir=$(mktemp -d)
      postgres_url=$(Scripts/postgres-test-server.sh start "$postgres_dir") || return 1
    fi
    # (Called after ||, this function runs without set -e: each step that may fail says so.)
    psql "$postgres_url" -q -c "CREATE DATABASE bench_api" >/dev/null || return 1
    database=(--database "${postgres_url/\/postgres\?//bench_api?}")
  fi

  # Port 0: the system picks a free port, which the server prints when it listens. Its first
  # start prints the admin's API key.
  "$dailies" serve --data-dir "$work/$engine/data" "${database[@]}" --host 127.0.0.1 --port 0 >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do
    url=$(sed -n 's/^Dailies is listening on \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.2
  done
  key=$(grep -o 'dk_[A-Za-z0-9_-]*' "$log" | head -n 1 || true)
  if [ -z "$url" ] || [ -z "$key" ]; then
    echo "error: the server on $engine did not start (or printed no API key); its output:" >&2
    tail -n 30 "$log" >&2
    stop_server
    return 1
  fi
  echo "Server $dailies (pid $server) at $url, catalog on $engine" >&2

  "$python" Scripts/bench-api.py --base-url "$url" --api-key "$key" --server-pid "$server" --seconds "$seconds" \
    --summary "$work/$engine.json" "${media[@]}" || status=$?
  if ! kill -0 "$server" 2>/dev/null; then
    echo "error: the server on $engine died during the benchmark; the end of its output:" >&2
    server_log_tail 30
    status=1
  elif [ "$status" -ne 0 ]; then
    echo "The end of the server's output:" >&2
    server_log_tail 15
  fi
  stop_server
  return "$status"
}

status=0
echo "=== Catalog on SQLite (in the data directory) ==="
run_engine sqlite || status=1
echo
echo "=== Catalog on PostgreSQL (test server, fsync off) ==="
run_engine postgres || status=1
echo

if [ -f "$work/sqlite.json" ] && [ -f "$work/postgres.json" ]; then
  "$python" - "$work/sqlite.json" "$work/postgres.json" "$(psql "$postgres_url" -Atc 'SHOW server_version' | cut -d' ' -f1)" <<'EOF'
import json
import sys

sqlite, postgres = (json.load(open(path)) for path in sys.argv[1:3])
print(f"SQLite and PostgreSQL {sys.argv[3]} side by side, {sqlite['seconds']} s per run (PG/SQLite: PostgreSQL's figure over")
print("SQLite's; above 1 for req/s, PostgreSQL answered more; above 1 for ms or CPU, it was slower or busier)")
rows = [("all routes req/s", lambda r: r["groups"]["all"]["req_s"]),
        ("all routes p50 ms", lambda r: r["groups"]["all"]["p50_ms"]),
        ("all routes p99 ms", lambda r: r["groups"]["all"]["p99_ms"])]
for group in ("review list", "review detail", "frame grab", "staff reads"):
    rows += [(f"{group} p50 ms", lambda r, g=group: r["groups"][g]["p50_ms"]),
             (f"{group} p99 ms", lambda r, g=group: r["groups"][g]["p99_ms"])]
rows += [("storm answers p50 ms", lambda r: r.get("storm", {}).get("p50_ms")),
         ("storm answers p99 ms", lambda r: r.get("storm", {}).get("p99_ms")),
         ("server CPU, % of a core", lambda r: r["server_cpu_pct"]),
         ("others' CPU, % of a core", lambda r: r["others_cpu_pct"])]


def cell(value, width=10):
    return f"{'-':>{width}s}" if value is None else f"{value:{width}.1f}"


def ratio(sqlite_value, postgres_value):
    return f"{'-':>9s}" if postgres_value is None or not sqlite_value else f"{postgres_value / sqlite_value:9.2f}"


width = max(len(label) for label, _ in rows)
print(f"  {'':{width}s}  {'Run 1, idle':<32s}  {'Run 2, with the storm'}")
print(f"  {'':{width}s}" + f"  {'SQLite':>10s} {'PostgreSQL':>10s} {'PG/SQLite':>9s}" * 2)
for label, get in rows:
    line = f"  {label:{width}s}"
    for run in ("idle", "storm"):
        s, p = get(sqlite[run]), get(postgres[run])
        line += f"  {cell(s)} {cell(p)} {ratio(s, p) if s is not None or p is not None else ' ' * 9}"
    print(line.rstrip())
print("  (others: every process on the machine but the server and the load client: PostgreSQL's among them)")
failed = {label: figures["failed"] for label, figures in (("SQLite", sqlite), ("PostgreSQL", postgres)) if figures["failed"]}
if failed:
    print("  failed requests of the normal load: " + ", ".join(f"{n} on {label}" for label, n in failed.items()))
EOF
else
  echo "No side-by-side figures: a run did not finish (see above)." >&2
fi
exit "$status"

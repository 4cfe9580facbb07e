#!/usr/bin/env bash
# Benchmarks the ftrack face: what a typical ftrack script's lookup costs through POST /api,
# beside the same lookup made directly through the Catalog.
#
# `dailies bench-ftrack` seeds a fresh data directory with 10,000 versions (500 assets) in 500
# review sessions of 20 items, each with two invitees, a status and a comment, then times each
# lookup directly through the Catalog in its own process. Then a `dailies serve` on the same
# data directory answers the same lookups as ftrack queries through POST /api, timed by a
# Python client on one keep-alive connection (the ftrack venv's python; no ftrack client, whose
# own overhead is not the server's). Prints p50 and p99 of each, and how much the face adds.
#
# Usage: Scripts/bench-ftrack.sh [--dailies PATH] [--count N] [--postgres]
#   --dailies PATH  bench this dailies binary (default: build this checkout in release mode)
#   --count N       timed repetitions of each lookup (default 200)
#   --postgres      the catalog on a PostgreSQL 15 of the script's own (Scripts/postgres-test-server.sh)
set -euo pipefail

usage() { sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-64}"; }
dailies=
count=200
postgres=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dailies) [ $# -ge 2 ] || usage; dailies=$(realpath "$2"); shift 2 ;;
    --count) [ $# -ge 2 ] || usage; count=$2; shift 2 ;;
    --postgres) postgres=true; shift ;;
    -h|--help) usage 0 ;;
    *) echo "error: unknown argument '$1'" >&2; usage ;;
  esac
done
cd "$(dirname "$0")/.."
if [ -z "$dailies" ]; then
  swift build -c release --product dailies >&2
  dailies="$PWD/.build/release/dailies"
fi
python=$(Scripts/python-venv.sh ftrack)

work=$(mktemp -d)
server=
postgres_dir=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$postgres_dir" ]; then Scripts/postgres-test-server.sh stop "$postgres_dir"; fi
  rm -rf "$work"
}
trap cleanup EXIT
database=()
if $postgres; then
  # A folder of its own: the server runs as the postgres user, who cannot enter $work.
  postgres_dir=$(mktemp -d)
  url=$(Scripts/postgres-test-server.sh start "$postgres_dir")
  database=(--database "$url")
fi

echo "Seeding and timing the Catalog's own lookups (10,000 versions, 500 sessions)..." >&2
"$dailies" bench-ftrack --data-dir "$work/data" "${database[@]}" --count "$count" > "$work/catalog.json"

"$dailies" serve --data-dir "$work/data" "${database[@]}" --port 0 --no-worker > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  grep -q "Dailies is listening on" "$work/server.log" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
base=$(sed -n 's/.*Dailies is listening on \(http:\/\/[^ ]*\).*/\1/p' "$work/server.log" | head -n 1)
[ -n "$base" ] || { echo "error: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

"$python" - "$work/catalog.json" "$base" "$count" <<'PY'
import http.client, json, statistics, sys, time, urllib.parse

report = json.load(open(sys.argv[1]))
base = urllib.parse.urlparse(sys.argv[2])
count = int(sys.argv[3])
connection = http.client.HTTPConnection(base.hostname, base.port)
headers = {"content-type": "application/json", "ftrack-api-key": report["api_key"], "ftrack-user": report["username"]}

def ask(expression):
    body = json.dumps([{"action": "query", "expression": expression + " offset 0 limit 500"}])
    connection.request("POST", "/api", body, headers)
    answer = json.loads(connection.getresponse().read())
    if not isinstance(answer, list):
        raise SystemExit(f"error: {expression}: {answer}")
    return answer[0]["data"]

def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]

print(f"ftrack face on {report['versions']} versions in {report['sessions']} sessions"
      + (f" (seeded in {report['seed_seconds']:.0f} s)" if report.get("seed_seconds") else ""))
print(f"{'lookup':<44} {'rows':>5} {'Catalog p50':>12} {'p99':>8} {'/api p50':>10} {'p99':>8} {'added p50':>10}")
for lookup in report["lookups"]:
    rows = len(ask(lookup["expression"]))
    for _ in range(5):
        ask(lookup["expression"])
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        ask(lookup["expression"])
        latencies.append((time.perf_counter() - started) * 1000)
    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    print(f"{lookup['name']:<44} {rows:>5} {lookup['p50_milliseconds']:>10.2f}ms {lookup['p99_milliseconds']:>6.2f}ms"
          f" {p50:>8.2f}ms {p99:>6.2f}ms {p50 - lookup['p50_milliseconds']:>+8.2f}ms")
PY

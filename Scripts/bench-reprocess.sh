#!/usr/bin/env bash
# Benchmarks batch reprocessing: a 20-version project reprocessed for review-720 with 1, 2 and
# then 4 worker processes on the same machine; prints versions (jobs) per minute for each and
# the ratio to 1 worker. The catalog is SQLite in the data directory, or with --postgres a
# PostgreSQL 15 of the script's own (Scripts/postgres-test-server.sh, stopped on the way out):
# every command (project add, ingest, reprocess, the workers) then runs with --database.
#
# Each version is a different 5 s 1080p24 source (H.264 with AAC), so nothing is deduplicated.
# Three projects hold the same sources (the originals are stored once), one per worker count,
# so every run does exactly the same work. The ingest's own review-1080 transcodes are made
# first, untimed.
#
# Reading it: the workers share the machine's cores, so the ratio to 1 worker can at best
# reach the core count (about 2x on 2 cores), less what one transcode already spreads over
# several cores; 4 workers on 2 cores show the queue's overhead rather than more speed. What
# scale-out needs is that the ratio grows with the workers up to the cores and holds there.
# The test PostgreSQL runs with fsync off (its data is thrown away): its figures are an upper
# bound for a durable server's.
#
# Usage: Scripts/bench-reprocess.sh [--postgres] [VERSIONS]   (default 20 versions)
set -euo pipefail

usage() { sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-64}"; }
engine=sqlite
count=20
for argument in "$@"; do
  case "$argument" in
    --postgres) engine=postgres ;;
    -h|--help) usage 0 ;;
    *)
      [[ "$argument" =~ ^[0-9]+$ ]] && [ "$argument" -ge 1 ] || { echo "error: unknown argument '$argument'" >&2; usage; }
      count=$argument
      ;;
  esac
done
cd "$(dirname "$0")/.."
unset DATABASE_URL  # the catalog is the one this script says, never the caller's

Scripts/install-deps.sh
swift build -c release --product dailies >&2
dailies=$(swift build -c release --show-bin-path)/dailies

work=$(mktemp -d)
postgres_dir=
worker_pids=()
stop_workers() {
  [ ${#worker_pids[@]} -gt 0 ] || return 0
  kill -TERM "${worker_pids[@]}" 2>/dev/null || true
  wait "${worker_pids[@]}" 2>/dev/null || true
  worker_pids=()
}
cleanup() {
  stop_workers
  if [ -n "$postgres_dir" ]; then Scripts/postgres-test-server.sh stop "$postgres_dir"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
data="$work/data"

catalog=()  # the arguments that say where the catalog is, for every command
if [ "$engine" = postgres ]; then
  echo "Starting a PostgreSQL..." >&2
  postgres_dir=$(mktemp -d)
  server_url=$(Scripts/postgres-test-server.sh start "$postgres_dir")
  psql "$server_url" -q -c "CREATE DATABASE bench_reprocess" >/dev/null
  catalog=(--database "${server_url/\/postgres\?//bench_reprocess?}")
  engine_name="PostgreSQL $(psql "$server_url" -Atc 'SHOW server_version' | cut -d' ' -f1) (test server, fsync off)"
else
  engine_name="SQLite (in the data directory)"
fi

echo "Authoring $count sources..." >&2
for i in $(seq 1 "$count"); do
  ffmpeg -hide_banner -nostdin -loglevel error -y \
    -f lavfi -i "testsrc2=size=1920x1080:rate=24,trim=end_frame=120,hue=h=$((i * 17))" \
    -f lavfi -i "sine=frequency=$((300 + i * 10)):sample_rate=48000:duration=5" \
    -c:v libx264 -preset ultrafast -crf 18 -c:a aac -shortest "$work/shot$i.mov"
done

worker_counts=(1 2 4)
project_of() { echo "Workers$1"; }
for workers in "${worker_counts[@]}"; do
  project=$(project_of "$workers")
  "$dailies" project add "$project" --data-dir "$data" "${catalog[@]}" >/dev/null
  "$dailies" ingest "$work"/shot*.mov --project "$project" --data-dir "$data" "${catalog[@]}" >/dev/null
done

start_workers() { # count
  for _ in $(seq 1 "$1"); do
    "$dailies" worker --data-dir "$data" "${catalog[@]}" >/dev/null 2>&1 &
    worker_pids+=($!)
  done
}

# Let the ingest's own review-1080 transcodes finish first, untimed. (A plan with versions
# left to process queues them again: the same work as a job already queued or running is
# that job, not another.)
echo "Making the first proxies..." >&2
start_workers 2
for workers in "${worker_counts[@]}"; do
  project=$(project_of "$workers")
  until "$dailies" reprocess --project "$project" --no-wait --data-dir "$data" "${catalog[@]}" 2>/dev/null \
      | grep -q "^$project: 0 to process"; do
    sleep 2
  done
done
stop_workers

rates=()
timed() { # workers: reprocesses their project for review-720; appends versions per minute to rates
  local project output started ended
  project=$(project_of "$1")
  start_workers "$1"
  started=$(date +%s.%N)
  output=$("$dailies" reprocess --project "$project" --profile review-720 --data-dir "$data" "${catalog[@]}" 2>&1) || {
    echo "error: reprocessing $project with $1 workers failed:" >&2
    echo "$output" | tail -n 20 >&2
    exit 1
  }
  ended=$(date +%s.%N)
  stop_workers
  grep -q "^done: $count succeeded, 0 failed" <<<"$output" || {
    echo "error: reprocessing $project with $1 workers did not do all $count versions:" >&2
    echo "$output" | tail -n 20 >&2
    exit 1
  }
  rates+=("$(python3 -c "print(f'{$count * 60 / ($ended - $started):.2f}')")")
}

echo "Reprocessing..." >&2
load_before=$(cut -d' ' -f1 /proc/loadavg)
for workers in "${worker_counts[@]}"; do
  echo "  with $workers worker process(es)..." >&2
  timed "$workers"
done
load_after=$(cut -d' ' -f1 /proc/loadavg)

cores=$(nproc)
echo "Reprocess of $count versions (5 s 1080p24 H.264 + AAC each) to review-720, catalog on $engine_name, on $cores cores:"
python3 - "$cores" "${worker_counts[*]}" "${rates[*]}" <<'EOF'
import sys
cores = int(sys.argv[1])
workers = [int(w) for w in sys.argv[2].split()]
rates = [float(r) for r in sys.argv[3].split()]
print(f"  {'workers':>7s}  {'versions/min':>12s}  {'x 1 worker':>10s}")
for count, rate in zip(workers, rates):
    print(f"  {count:7d}  {rate:12.2f}  {rate / rates[0]:10.2f}")
print(f"  ({cores} cores: about {cores}x 1 worker is the best to expect, whatever the catalog;"
      f" workers past {cores} only add overhead)")
EOF
echo "  (the machine's load average over 1 min: $load_before before the timed runs, $load_after after; well"
echo "   above the workers' count, other work shared the cores and every figure here is low)"

#!/usr/bin/env bash
# Benchmarks batch reprocessing: a 20-version project reprocessed with 1 and then 2 worker
# processes on the same machine; prints versions per minute for each and their ratio.
#
# Each version is a different 5 s 1080p24 source (H.264 with AAC), so nothing is deduplicated.
# Usage: Scripts/bench-reprocess.sh [VERSIONS]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20}

Scripts/install-deps.sh
swift build -c release --product dailies >&2
dailies=$(swift build -c release --show-bin-path)/dailies

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
data="$work/data"

echo "Authoring $count sources..." >&2
for i in $(seq 1 "$count"); do
  ffmpeg -hide_banner -nostdin -loglevel error -y \
    -f lavfi -i "testsrc2=size=1920x1080:rate=24,trim=end_frame=120,hue=h=$((i * 17))" \
    -f lavfi -i "sine=frequency=$((300 + i * 10)):sample_rate=48000:duration=5" \
    -c:v libx264 -preset ultrafast -crf 18 -c:a aac -shortest "$work/shot$i.mov"
done

# Two projects with the same sources (the originals are stored once): one to reprocess with
# one worker, the other with two, so both runs do exactly the same work.
for project in One Two; do
  "$dailies" project add "$project" --data-dir "$data" >/dev/null
  "$dailies" ingest "$work"/shot*.mov --project "$project" --data-dir "$data" >/dev/null
done

workers() { # count: starts workers, prints their pids
  for _ in $(seq 1 "$1"); do
    "$dailies" worker --data-dir "$data" >/dev/null 2>&1 &
    echo $!
  done
}

# Let the ingest's own review-1080 transcodes finish first, untimed.
echo "Making the first proxies..." >&2
pids=$(workers 2)
for project in One Two; do
  until "$dailies" reprocess --project "$project" --no-wait --data-dir "$data" 2>/dev/null | grep -q "^$project: 0 to process"; do
    sleep 2
  done
done
kill -TERM $pids; wait $pids 2>/dev/null || true

timed() { # workers project: versions per minute reprocessing the project for review-720
  local pids started ended
  pids=$(workers "$1")
  started=$(date +%s.%N)
  "$dailies" reprocess --project "$2" --profile review-720 --data-dir "$data" >/dev/null 2>&1
  ended=$(date +%s.%N)
  kill -TERM $pids; wait $pids 2>/dev/null || true
  python3 -c "print(f'{$count * 60 / ($ended - $started):.2f}')"
}

echo "Reprocessing..." >&2
one=$(timed 1 One)
two=$(timed 2 Two)
echo "Reprocess of $count versions (5 s 1080p24 H.264 + AAC each) to review-720, on $(nproc) cores:"
echo "  1 worker:  $one versions/min"
echo "  2 workers: $two versions/min"
python3 -c "print(f'  ratio 2 workers / 1 worker: {$two / $one:.2f}')"

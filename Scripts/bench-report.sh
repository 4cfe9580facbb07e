#!/usr/bin/env bash
# Benchmarks the PDF report: a session of 20 items with 100 comments on frames, each with a
# drawing, reported by `dailies report` twice: first with no frame receipt made yet (every
# picture is an exact grab from the proxy through the warm grabber pool), then with every
# receipt ready (the stills are read, never a decode of a whole file). Prints each run's wall
# time and peak memory (medians of RUNS), the PDF's pages and size, and as the reference the
# ffmpeg CLI grabbing the same 100 frames one process per frame, as a script would.
#
# Usage: Scripts/bench-report.sh [RUNS]   (default 3). Benches DAILIES_BIN, else a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}

Scripts/install-deps.sh
if [ -n "${DAILIES_BIN:-}" ]; then
  dailies=$DAILIES_BIN
else
  swift build -c release --product dailies >&2
  dailies=$(swift build -c release --show-bin-path)/dailies
fi

work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
data="$work/data"

echo "Authoring 20 sources (5 s, 1280x720 at 24 fps)..." >&2
for i in $(seq 1 20); do
  ffmpeg -hide_banner -nostdin -loglevel error -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=24,trim=end_frame=120,hue=h=$((i * 17))" \
    -c:v libx264 -preset ultrafast -crf 18 "$work/sh$(printf %03d "$i")0.mov"
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# No worker: the comments' receipts stay pending until the second run's worker makes them.
"$dailies" serve --data-dir "$data" --port "$port" --no-worker > "$work/serve.log" 2>&1 &
server=$!
until key=$(grep -o 'dk_[A-Za-z0-9_-]*' "$work/serve.log" | head -n 1) && [ -n "$key" ]; do sleep 0.2; done
base="http://127.0.0.1:$port"
api() { curl -sS --fail-with-body -H "Authorization: Bearer $key" "$@"; }

"$dailies" project add Bench --data-dir "$data" > /dev/null
"$dailies" ingest "$work"/sh*.mov --project Bench --data-dir "$data" > /dev/null
echo "Making the proxies..." >&2
"$dailies" worker --data-dir "$data" > /dev/null 2>&1 &
worker=$!
project=$(api "$base/api/v1/projects" | python3 -c 'import json,sys; print([p["id"] for p in json.load(sys.stdin)["data"] if p["name"]=="Bench"][0])')
until [ "$(api "$base/api/v1/projects/$project/versions?limit=100" | python3 -c 'import json,sys; print(sum(v["media_state"]=="ready" for v in json.load(sys.stdin)["data"]))')" = 20 ]; do
  sleep 1
done
kill -TERM "$worker"; wait "$worker" 2>/dev/null || true

# The session, and 5 drawn comments on frames of each item.
session=$(api "$base/api/v1/projects/$project/versions?limit=100" | python3 -c '
import json, sys
ids = [v["id"] for v in sorted(json.load(sys.stdin)["data"], key=lambda v: v["name"])]
print(json.dumps({"title": "Bench dailies", "version_ids": ids}))' |
  api -H 'Content-Type: application/json' -d @- "$base/api/v1/projects/$project/sessions" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api "$base/api/v1/sessions/$session/items" | python3 -c '
import json, sys
items = json.load(sys.stdin)["data"]
for n, item in enumerate(items):
    for k in range(5):
        frame = (n * 7 + k * 23) % 120
        print(item["id"], frame)' > "$work/comments"
while read -r item frame; do
  api -H 'Content-Type: application/json' -d "{\"text\": \"Frame $frame: pull the highlights down, keep the edge soft\",
    \"anchor\": {\"frame\": $frame}, \"drawing\": {\"display\": {\"width\": 1280, \"height\": 720, \"pixel_aspect\": \"1/1\"},
    \"shapes\": [{\"id\": \"$(python3 -c 'import uuid; print(uuid.uuid4())')\", \"type\": \"ellipse\", \"color\": \"#FF3B30FF\",
    \"width\": 0.006, \"from\": [0.2, 0.4], \"to\": [0.6, 0.8]}, {\"id\": \"$(python3 -c 'import uuid; print(uuid.uuid4())')\",
    \"type\": \"arrow\", \"color\": \"#FFD60AFF\", \"width\": 0.004, \"from\": [0.8, 0.2], \"to\": [0.5, 0.5]}]}}" \
    "$base/api/v1/sessions/$session/items/$item/comments" > /dev/null
done < "$work/comments"

measure() { # label file: runs the report RUNS times; prints the medians, keeps the time's in file
  python3 - "$1" "$work/$2" "$runs" "$dailies" report "$session" --data-dir "$data" -o "$work/report.pdf" <<'PYTHON'
import os, statistics, subprocess, sys, time
label, keep, runs, command = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
seconds, memory = [], []
for _ in range(runs):
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    # Wall time and peak RSS of that child alone, as Scripts/bench-transcode.sh measures.
    _, status, usage = os.wait4(child.pid, 0)
    seconds.append(time.monotonic() - started)
    memory.append(usage.ru_maxrss)
    made = child.stdout.read().strip()
    if status != 0:
        sys.exit(f"{' '.join(command)} failed")
print(f"{label:<34} {statistics.median(seconds):7.2f} s   peak {statistics.median(memory) / 1024:6.0f} MiB   {made.split(': ', 1)[-1]}")
open(keep, "w").write(str(statistics.median(seconds)))
PYTHON
}

echo >&2
measure "report, every picture grabbed" grabbed

echo "Making the 100 frame receipts..." >&2
"$dailies" worker --data-dir "$data" > /dev/null 2>&1 &
worker=$!
until [ "$(api "$base/api/v1/sessions/$session/comments?limit=500" | python3 -c 'import json,sys; print(sum((c.get("receipt") or {}).get("state")=="ready" for c in json.load(sys.stdin)["data"]))')" = 100 ]; do
  sleep 1
done
kill -TERM "$worker"; wait "$worker" 2>/dev/null || true
measure "report, every picture a receipt" receipts

# The reference: the same 100 frames grabbed by the ffmpeg CLI, a process per frame.
proxies=$(cd "$data" && python3 - "$base" "$key" "$session" <<'PYTHON'
import json, sys, urllib.request
base, key, session = sys.argv[1:]
def get(path):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    return json.load(urllib.request.urlopen(request))
items = {i["id"]: i["version_id"] for i in get(f"/api/v1/sessions/{session}/items")["data"]}
for comment in get(f"/api/v1/sessions/{session}/comments?limit=500")["data"]:
    components = get(f"/api/v1/versions/{items[comment['item_id']]}/components")["data"]
    proxy = [c["path"] for c in components if c["kind"] == "proxy"][0]
    # The middle of frame k's interval, as the server seeks, at the sources' 24 fps.
    print(proxy, (comment["anchor"]["frame"] + 0.5) / 24)
PYTHON
)
started=$(date +%s.%N)
while read -r proxy seconds; do
  ffmpeg -hide_banner -nostdin -loglevel error -y -ss "$seconds" \
    -i "$data/$proxy" -frames:v 1 "$work/grab.jpg"
done <<< "$proxies"
ended=$(date +%s.%N)
reference=$(python3 -c "print($ended - $started)")
python3 - "$reference" "$(cat "$work/grabbed")" "$(cat "$work/receipts")" <<'PYTHON'
import sys
reference, grabbed, receipts = map(float, sys.argv[1:])
print(f"{'ffmpeg CLI: the 100 frames alone':<34} {reference:7.2f} s")
print(f"ratio, report with grabs / ffmpeg grabs:    {grabbed / reference:.2f}")
print(f"ratio, report with receipts / ffmpeg grabs: {receipts / reference:.2f}")
PYTHON

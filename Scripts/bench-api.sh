#!/usr/bin/env bash
# Benchmarks the REST API under load on loopback: 200 collaborators in 10 review sessions
# list items, read item detail and grab frames, beside 10 staff readers, for 30 s; then the
# same again while another client sends 20 wrong passphrases a second. Prints, per route
# group, requests, req/s, p50 and p99; the p99 of each group idle and under the storm and
# their ratio (target <= 1.5); the server's threads, peak RSS and CPU. Exits non-zero if any
# request of the normal load failed (a non-2xx answer or a transport error).
#
# The server runs on a fresh data directory and a free port; everything is seeded through
# the API (3 versions of a 5 s 1280x720 24 fps movie, transcoded by the server's own worker).
# The load client is Scripts/bench-api.py (asyncio + aiohttp, in the venv that
# Scripts/python-venv.sh makes). It runs on the same cores as the server: compare runs
# made on the same machine, e.g. the code before and after a change with --dailies.
#
# Usage: Scripts/bench-api.sh [--dailies PATH] [--seconds N]
#   --dailies PATH  bench this dailies binary (default: build this checkout in release mode)
#   --seconds N     length of each of the two runs (default 30)
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

Scripts/install-deps.sh
if [ -z "$dailies" ]; then
  swift build -c release --product dailies >&2
  dailies=$(swift build -c release --show-bin-path)/dailies
fi
[ -x "$dailies" ] || { echo "error: $dailies is not an executable" >&2; exit 66; }
python=$(Scripts/python-venv.sh)

work=$(mktemp -d)
server=
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

# Port 0: the system picks a free port, which the server prints when it listens. Its first
# start prints the admin's API key.
"$dailies" serve --data-dir "$work/data" --host 127.0.0.1 --port 0 >"$work/server.log" 2>&1 &
server=$!
url= key=
for _ in $(seq 1 300); do
  url=$(sed -n 's/^Dailies is listening on \(http:[^ ]*\).*/\1/p' "$work/server.log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
key=$(grep -o 'dk_[A-Za-z0-9_-]*' "$work/server.log" | head -n 1 || true)
if [ -z "$url" ] || [ -z "$key" ]; then
  echo "error: the server did not start (or printed no API key); its output:" >&2
  tail -n 30 "$work/server.log" >&2
  exit 1
fi
echo "Server $dailies (pid $server) at $url" >&2

server_log_tail() { # lines: the server's last lines, without libav's per-grab warnings ("[swscaler @ 0x...] ...")
  local noise
  noise=$(grep -cE '^\[[^]]+ @ 0x[0-9a-f]+\]' "$work/server.log" || true)
  grep -vE '^\[[^]]+ @ 0x[0-9a-f]+\]' "$work/server.log" | tail -n "$1" >&2
  [ "$noise" -eq 0 ] || echo "(and $noise lines of libav warnings)" >&2
}

status=0
"$python" Scripts/bench-api.py --base-url "$url" --api-key "$key" --server-pid "$server" --seconds "$seconds" \
  "${media[@]}" || status=$?
if ! kill -0 "$server" 2>/dev/null; then
  echo "error: the server died during the benchmark; the end of its output:" >&2
  server_log_tail 30
  status=1
elif [ "$status" -ne 0 ]; then
  echo "The end of the server's output:" >&2
  server_log_tail 15
fi
exit "$status"

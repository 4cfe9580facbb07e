#!/usr/bin/env bash
# Benchmarks the transcoder and the frame grabber against the ffmpeg command-line tool, run
# side by side on the same machine, and prints medians and ratios (machines are noisy; the
# ratios are what to compare).
#
#   Transcode: `dailies transcode` (proxy, poster, filmstrip, frame map) against ffmpeg making
#   only the proxy with the same x264 preset, CRF, GOP and AAC settings, on a 10 s 1080p24
#   ProRes 422 source with 48 kHz PCM. Wall time and peak RSS of each, and each proxy's
#   PSNR against the source and video bytes, so a faster run is shown to be as good.
#   Grabs: 100 random frame-exact 480 px JPEG grabs from the 1080p proxy in one warm
#   process, each followed by 4 steps forward (the next frames, one by one), p50 and p99 of
#   each kind, against `ffmpeg -ss T -i proxy -frames:v 1` per grab. Once back to back, and
#   once 42 ms apart (24 fps, a key held down), where a step finds its frame read ahead.
#
# Usage: Scripts/bench-transcode.sh [RUNS]   (default 5 runs of each transcode)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}

Scripts/install-deps.sh
swift build -c release --product dailies >&2
dailies=$(swift build -c release --show-bin-path)/dailies

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Authoring a 10 s 1080p24 ProRes 422 source with 48 kHz 24-bit PCM..." >&2
ffmpeg -hide_banner -nostdin -loglevel error -y \
  -f lavfi -i "testsrc2=size=1920x1080:rate=24,trim=end_frame=240" \
  -f lavfi -i "sine=frequency=997:sample_rate=48000:duration=10,aformat=channel_layouts=stereo" \
  -vf format=yuv422p10le -c:v prores_ks -profile:v 2 -c:a pcm_s24le -timecode 01:00:00:00 "$work/source.mov"

python3 - "$dailies" "$work" "$runs" <<'PY'
import json, os, statistics, subprocess, sys, time
from fractions import Fraction

dailies, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
source = os.path.join(work, "source.mov")

def measure(command):
    """Runs command; returns (wall seconds, peak RSS in KiB) of that child alone."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"failed ({child.returncode}): {' '.join(command)}\n{child.stderr.read().decode()}")
    return wall, usage.ru_maxrss

ours_out = os.path.join(work, "ours")
ffmpeg_out = os.path.join(work, "ffmpeg.mp4")
ours = [dailies, "transcode", source, "--out", ours_out, "--profile", "review-1080"]
# The same settings review-1080 (ProxyProfile.review1080) uses: x264 fast, CRF 20, High, closed
# 8-frame GOPs (a keyframe every third of a second at 24 fps) with a strict B-pyramid, without
# scene-cut keyframes, AAC-LC 192 kb/s 48 kHz stereo, faststart, timecode track.
reference = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", source,
             "-map", "0:v:0", "-map", "0:a:0", "-c:v", "libx264", "-preset", "fast", "-crf", "20",
             "-profile:v", "high", "-pix_fmt", "yuv420p", "-g", "8", "-keyint_min", "8", "-flags", "+cgop",
             "-x264-params", "scenecut=0:open-gop=0:keyint=8:min-keyint=8:b-pyramid=strict",
             "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart", ffmpeg_out]

results = {"ours": [], "ffmpeg": []}
measure(ours); measure(reference)  # warm the page cache and the binaries
for run in range(runs):
    for name, command in (("ours", ours), ("ffmpeg", reference)):
        results[name].append(measure(command))
        print(f"  run {run + 1} {name:6s} {results[name][-1][0]:6.2f} s  {results[name][-1][1] / 1024:7.1f} MiB", file=sys.stderr)

wall = {k: statistics.median(w for w, _ in v) for k, v in results.items()}
rss = {k: statistics.median(r for _, r in v) for k, v in results.items()}
print("Transcode, 10 s 1080p24 ProRes 422 + PCM -> review-1080 (median of %d runs)" % runs)
print(f"  dailies transcode (proxy, poster, filmstrip, frame map): {wall['ours']:6.2f} s  peak RSS {rss['ours'] / 1024:7.1f} MiB")
print(f"  ffmpeg (proxy only, same settings):                       {wall['ffmpeg']:6.2f} s  peak RSS {rss['ffmpeg'] / 1024:7.1f} MiB")
print(f"  wall-time ratio ours/ffmpeg: {wall['ours'] / wall['ffmpeg']:.3f}   (target <= 0.85, stretch 0.75)")
print(f"  peak-RSS ratio  ours/ffmpeg: {rss['ours'] / rss['ffmpeg']:.3f}   (target <= 1.0)")

def psnr(proxy):
    """The proxy's average PSNR (Y, U, V together) against the source, by ffmpeg's psnr filter."""
    log = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-i", proxy, "-i", source, "-lavfi",
                          "[1:v]format=yuv420p[ref];[0:v][ref]psnr", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    return float(log.rsplit("average:", 1)[1].split()[0])

def video_bytes(path):
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size",
                            "-of", "csv=p=0", path], capture_output=True, text=True, check=True).stdout
    return sum(int(line) for line in probe.split())

ours_proxy = os.path.join(ours_out, "proxy.mp4")
print(f"  proxy PSNR against the source: ours {psnr(ours_proxy):.2f} dB, ffmpeg {psnr(ffmpeg_out):.2f} dB   (target: within 0.5 dB)")
print(f"  video bytes ratio ours/ffmpeg: {video_bytes(ours_proxy) / video_bytes(ffmpeg_out):.3f}   (target: within 5%)")

proxy = os.path.join(ours_out, "proxy.mp4")
def bench_grab(pace_ms):
    """`dailies bench-grab`'s report: 100 random grabs at 480 px, each and 4 steps, pace_ms apart."""
    return json.loads(subprocess.run([dailies, "bench-grab", proxy, "--count", "100", "--width", "480", "--steps", "4",
                                      "--pace-ms", str(pace_ms)], check=True, capture_output=True).stdout)

grabs = bench_grab(0)
rate = Fraction(grabs["rate"])
reference_latencies = []
for frame in grabs["frames"]:
    at = Fraction(frame) / rate
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-ss", f"{float(at):.6f}",
               "-i", proxy, "-frames:v", "1", "-vf", "scale=480:-2", "-q:v", "3", os.path.join(work, "grab.jpg")]
    reference_latencies.append(measure(command)[0] * 1000)
reference_latencies.sort()
p50_ref = reference_latencies[len(reference_latencies) // 2]
p99_ref = reference_latencies[-1 if len(reference_latencies) < 100 else 98]
print("Frame grabs, 100 random frames of the 1080p proxy at 480 px, each and 4 steps after it, one warm process")
print(f"  dailies, back to back, random: p50 {grabs['p50_ms']:6.1f} ms  p99 {grabs['p99_ms']:6.1f} ms   (targets p50 <= 15 ms, p99 <= 40 ms)")
print(f"  dailies, back to back, %d steps forward: p50 {grabs['step_p50_ms']:6.1f} ms  p99 {grabs['step_p99_ms']:6.1f} ms   (target p50 <= 5 ms)"
      % grabs["steps"])
paced = bench_grab(42)
print(f"  dailies, 42 ms apart, random: p50 {paced['p50_ms']:6.1f} ms  p99 {paced['p99_ms']:6.1f} ms")
print(f"  dailies, 42 ms apart, steps (read ahead): p50 {paced['step_p50_ms']:6.1f} ms  p99 {paced['step_p99_ms']:6.1f} ms"
      "   (target p50 <= 5 ms)")
print(f"  ffmpeg -ss T -i proxy -frames:v 1, a process per grab: p50 {p50_ref:6.1f} ms  p99 {p99_ref:6.1f} ms")
print(f"  p50 ratio ours/ffmpeg: {grabs['p50_ms'] / p50_ref:.3f}")
print(f"  resident memory across the timed grabs: {grabs['rss_kb_after_warmup'] / 1024:.1f} -> {grabs['rss_kb_end'] / 1024:.1f} MiB")
PY

#!/usr/bin/env bash
# Authors the test media in Fixtures/ with the ffmpeg command-line tool.
#
# Every video frame carries its own index as a barcode in the top quarter of the picture
# (see `barcode_filter` below and Tests/MediaTestSupport/FrameBarcode.swift, which reads it),
# over a moving test pattern. The media is committed; rerun this script only to change it.
#
# Usage: Scripts/make-fixtures.sh [OUTPUT_DIR]   (default: Fixtures)
#        GAPPED_ONLY=1 Scripts/make-fixtures.sh [OUTPUT_DIR]   (only the gapped image sequences)
set -euo pipefail

out=${1:-"$(cd "$(dirname "$0")/.." && pwd)/Fixtures"}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ff() { ffmpeg -hide_banner -nostdin -loglevel error -y "$@"; }
# No encoder version strings or dates in the files, so a rerun gives the same bytes.
bitexact=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)

# The barcode: 18 cells across the full width of the top quarter. Cell 0 is a start guard
# (white over black), cell 17 an end guard (black over white), cells 1-16 hold the frame
# index, most significant bit first. The upper half of the strip holds each bit (white = 1)
# and the lower half its complement, so a reader compares the two halves of a cell instead
# of trusting an absolute level: that survives scaling, chroma subsampling, limited range
# and lossy compression. The strip is drawn in RGB so every plane has the luma geometry.
#   $1: the index expression in terms of geq's N (the frame's ordinal at this filter).
barcode_filter() {
  local index=${1:-N}
  local cell="floor(X*18/W)"
  local bit="if(eq($cell,0),1,if(eq($cell,17),0,mod(floor(($index)/pow(2,16-$cell)),2)))"
  local level="255*if(lt(Y,H/8),$bit,1-$bit)"
  echo "format=gbrp,geq=r='if(lt(Y,H/4),$level,r(X,Y))':g='if(lt(Y,H/4),$level,g(X,Y))':b='if(lt(Y,H/4),$level,b(X,Y))'"
}

pattern() { # size rate frames
  echo "testsrc2=size=$1:rate=$2,trim=end_frame=$3"
}
tone() { # rate seconds channels
  local layout=stereo; [ "$3" = 1 ] && layout=mono
  echo "sine=frequency=997:sample_rate=$1:duration=$2,aformat=channel_layouts=$layout"
}

# An image sequence with numbers missing: every frame of first..last is made (barcode k on
# file first + k), then the files of the gaps are removed, so a held frame must show the
# barcode of the file before it.
#   $1 folder  $2 file pattern  $3 first number  $4 frame count  $5 pixel format
#   $6 codec options  $7… the numbers to remove
gapped_sequence() {
  local folder=$out/$1 pattern=$2 first=$3 count=$4 format=$5 codec=$6
  shift 6
  mkdir -p "$folder"
  rm -f "$folder/"*
  # shellcheck disable=SC2086
  ff -f lavfi -i "$(pattern 128x72 24 "$count")" -vf "$(barcode_filter),format=$format" $codec \
     -start_number "$first" "${bitexact[@]}" "$folder/$pattern"
  for number in "$@"; do
    # shellcheck disable=SC2059
    rm "$folder/$(printf "$pattern" "$number")"
  done
}

gapped_sequences() {
  echo "Gapped image sequences: DPX with one gap, half-float EXR with several, DPX with a gap where the padding widens"
  gapped_sequence dpx-gap plate.%04d.dpx 1001 12 rgb24 "" 1005
  gapped_sequence exr-gaps plate.%04d.exr 1001 12 gbrpf32le "-format half -compression zip1" 1003 1006 1007 1010
  # %03d: 995-998 are written with three digits, 1001-1006 with four; the gap 999-1000 spans the change.
  gapped_sequence dpx-padding-gap plate.%03d.dpx 995 12 rgb24 "" 999 1000
}

# Adding the gapped sequences to a checkout leaves every other fixture's bytes alone.
if [ "${GAPPED_ONLY:-}" = 1 ]; then
  gapped_sequences
  du -sh "$out"/dpx-gap "$out"/exr-gaps "$out"/dpx-padding-gap
  exit 0
fi

echo "ProRes 422 1080p24, 48 kHz 24-bit PCM, start timecode 01:00:00:00"
ff -f lavfi -i "$(pattern 480x270 24 24)" -f lavfi -i "$(tone 48000 1 2)" \
   -vf "scale=1920:1080:flags=bicubic,$(barcode_filter),scale=out_color_matrix=bt709:out_range=tv,format=yuv422p10le,setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv" \
   -c:v prores_ks -profile:v 2 -qscale:v 24 -vendor apl0 \
   -c:a pcm_s24le -timecode 01:00:00:00 "${bitexact[@]}" "$out/prores422-1080p24-pcm-tc01.mov"

echo "H.264 with B-frames at 24000/1001 in MP4, cut mid-GOP: an edit list that discards 12 decoded frames"
# The source counts from -12 (mod 2^16) so that the first frame shown after the cut is index 0.
ff -f lavfi -i "$(pattern 640x360 24000/1001 96)" -f lavfi -i "$(tone 48000 4.1 2)" \
   -vf "$(barcode_filter 'mod(N+65524,65536)'),format=yuv420p" \
   -c:v libx264 -preset fast -crf 26 -bf 3 -g 48 -keyint_min 48 -sc_threshold 0 \
   -c:a aac -b:a 96k -shortest "${bitexact[@]}" "$tmp/h264-source.mp4"
# 12 frames at 24000/1001 = 12012/24000 s; stream copy from there keeps the preceding GOP
# start and writes an edit list that hides it.
ff -ss 0.5005 -i "$tmp/h264-source.mp4" -c copy "${bitexact[@]}" "$out/h264-bframes-23976-editlist.mp4"

echo "H.264 29.97 drop-frame from 00:59:59;28 in MOV"
ff -f lavfi -i "$(pattern 640x360 30000/1001 90)" -f lavfi -i "$(tone 48000 3.1 2)" \
   -vf "$(barcode_filter),format=yuv420p" -c:v libx264 -preset fast -crf 26 -bf 2 -g 30 \
   -c:a aac -b:a 96k -shortest -timecode '00:59:59;28' "${bitexact[@]}" "$out/h264-2997df-tc005959.mov"

echo "H.264 59.94 drop-frame from 00:59:59;56 in MP4"
# At 59.94 drop-frame skips labels 00-03 each minute but every tenth: 01:00:00;00 is kept
# (the hour's minute 0), so the labels cross the hour from ;59 to 01:00:00;00.
ff -f lavfi -i "$(pattern 640x360 60000/1001 120)" \
   -vf "$(barcode_filter),format=yuv420p" -c:v libx264 -preset fast -crf 26 -bf 2 -g 60 \
   -timecode '00:59:59;56' "${bitexact[@]}" "$out/h264-5994df-tc005959.mp4"

echo "DNxHR LB 25 fps in MXF with start timecode 10:00:00:00"
ff -f lavfi -i "$(pattern 640x360 25 25)" -f lavfi -i "$(tone 48000 1 2)" \
   -vf "$(barcode_filter),format=yuv422p" -c:v dnxhd -profile:v dnxhr_lb \
   -c:a pcm_s16le -ac 1 -timecode 10:00:00:00 "${bitexact[@]}" "$out/dnxhr-25-tc10.mxf"

echo "Variable frame rate H.264 MP4 (frames dropped from a 30 fps capture)"
# Every 4th frame of the capture is dropped (and two in a row at 1 s), so frame durations
# vary between 1/30 and 3/30 s. The barcode counts the frames that remain.
ff -f lavfi -i "$(pattern 480x270 30 90)" -f lavfi -i "$(tone 44100 3 1)" \
   -vf "select='not(eq(mod(n\,4)\,1))*not(between(n\,30\,31))',$(barcode_filter),format=yuv420p" \
   -fps_mode vfr -c:v libx264 -preset fast -crf 26 -bf 2 -g 30 \
   -c:a aac -b:a 64k -shortest "${bitexact[@]}" "$out/h264-vfr.mp4"

echo "PNG image sequence numbered 1001-1048"
mkdir -p "$out/png-sequence"
rm -f "$out/png-sequence/"*.png
ff -f lavfi -i "$(pattern 320x180 24 48)" -vf "$(barcode_filter),format=rgb24" \
   -start_number 1001 "${bitexact[@]}" "$out/png-sequence/shot_010.%04d.png"

echo "Odd dimensions 1001x563 with 4:3 pixels (anamorphic), H.264 4:4:4 in MOV"
ff -f lavfi -i "$(pattern 1002x564 24 24)" \
   -vf "format=gbrp,crop=1001:563:0:0,$(barcode_filter),format=yuv444p,setsar=4/3" \
   -c:v libx264 -preset fast -crf 24 "${bitexact[@]}" "$out/h264-odd-1001x563-anamorphic.mov"

echo "Phone-style clip: stored 640x360 landscape, shown portrait (display matrix turns it 90 degrees clockwise)"
ff -f lavfi -i "$(pattern 640x360 30 45)" -f lavfi -i "$(tone 44100 1.5 1)" \
   -vf "$(barcode_filter),format=yuv420p" -c:v libx264 -preset fast -crf 26 -profile:v main \
   -c:a aac -b:a 64k -shortest "${bitexact[@]}" "$tmp/phone.mp4"
# ffmpeg 5.1 sets the display matrix only on stream copy, and its "rotate" tag counts
# counterclockwise: 270 gives the matrix phones write for portrait (ffprobe: rotation -90).
ff -i "$tmp/phone.mp4" -c copy -metadata:s:v:0 rotate=270 "${bitexact[@]}" "$out/h264-phone-rotated90.mp4"

echo "10-bit HEVC Main 10 in Matroska, BT.2020 PQ tags, FLAC audio"
ff -f lavfi -i "$(pattern 640x360 24 36)" -f lavfi -i "$(tone 48000 1.5 2)" \
   -vf "$(barcode_filter),format=yuv420p10le" -c:v libx265 -preset fast -crf 26 \
   -x265-params log-level=error -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc \
   -c:a flac -shortest "${bitexact[@]}" "$out/hevc-10bit-pq.mkv"

echo "VP9 in WebM with no audio"
ff -f lavfi -i "$(pattern 480x270 24 48)" -vf "$(barcode_filter),format=yuv420p" \
   -c:v libvpx-vp9 -b:v 0 -crf 40 -deadline realtime -cpu-used 8 -g 24 "${bitexact[@]}" "$out/vp9-noaudio.webm"

echo "Still JPEG"
ff -f lavfi -i "$(pattern 1280x720 24 1)" -vf "$(barcode_filter),format=yuvj420p" -frames:v 1 -q:v 4 \
   "${bitexact[@]}" "$out/still.jpg"

gapped_sequences

echo "Broken and unsupported inputs"
# A movie cut off in its media data: the sample table (moov, at the end) never arrives.
head -c 60000 "$out/h264-2997df-tc005959.mov" > "$out/broken-truncated.mov"
# The same cut with the sample table first: every sample past the cut is missing.
ff -i "$out/h264-vfr.mp4" -c copy -movflags +faststart "${bitexact[@]}" "$tmp/faststart.mp4"
head -c 40000 "$tmp/faststart.mp4" > "$out/broken-truncated-faststart.mp4"
: > "$out/broken-empty.mov"
printf 'This is a text file, not a movie.\nIt only has the name of one.\n' > "$out/broken-text.mov"
python3 -c 'import random,sys; sys.stdout.buffer.write(random.Random(20261123).randbytes(65536))' \
  > "$out/broken-random.bin"
ff -f lavfi -i "$(tone 48000 1 2)" -c:a pcm_s16le "${bitexact[@]}" "$out/unsupported-audio-only.wav"

du -sh "$out"

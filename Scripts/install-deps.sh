#!/usr/bin/env bash
# Installs the Debian 12 packages Dailies needs that are missing: FFmpeg's libraries and
# headers (the media engine; libavfilter for the display transforms), pkg-config (how SwiftPM finds them), and the ffmpeg/ffprobe
# tools that author fixtures and check results in the tests, and python3 with its venv module
# (Scripts/python-venv.sh makes the venv the Python tools run in), curl (the README's tour,
# which a test runs), chromium with its driver (the review site's browser tests), cairo's headers
# and the DejaVu fonts (the PDF reports), and poppler's tools (which render and read those PDFs
# back in the tests), and PostgreSQL 15 (the second engine: the tests start their own server
# in a temporary folder; the package's own cluster is not made). Installs nothing when all
# are present. Needs root or sudo for apt-get; never asks questions.
set -euo pipefail

packages=(
  pkg-config
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev libavfilter-dev
  ffmpeg
  python3 python3-venv
  curl
  chromium chromium-driver
  libcairo2-dev fonts-dejavu-core
  poppler-utils
  postgresql-15
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "error: these packages are missing and neither root nor sudo is available: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  # Dailies starts the servers it needs; the package would make and start a cluster of its own.
  "${as_root[@]}" mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" | "${as_root[@]}" tee /etc/postgresql-common/createcluster.conf > /dev/null
fi
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs ftrack's legacy Python client (`import ftrack`, ftrack-python-legacy-api 3.6.3, Python 2
# only) for pyenv's Python 2.7.18 into .build-ftrack-legacy/ (git ignores .build*/), and prints the
# path of that python on standard output (everything else goes to standard error). The ftrack
# round (Tests/Ftrack) runs its legacy scripts with it and PYTHONPATH=.build-ftrack-legacy:
#
#   DAILIES_PYTHON27=$(Scripts/ftrack-legacy-client.sh)
#
# Python 2.7.18 is pyenv's ($(pyenv root)/versions/2.7.18), or /root/.pyenv's when pyenv is not on
# the PATH; Debian 12 has no python2. Without it this fails, naming what is missing: the round
# must not pass having skipped the legacy client.
#
# The client and each of its requirements are pinned below and installed with --no-deps, so
# nothing unpinned comes in; they are installed again only when that list changes (a SHA-256
# stamp of it, kept in the folder, as Scripts/python-venv.sh does). Two runs at once wait for
# each other (flock).
set -euo pipefail
cd "$(dirname "$0")/.."

target=.build-ftrack-legacy
# ftrack-python-legacy-api 3.6.3 requires pyparsing<3, clique<2, requests<3, websocket-client<1
# and six; requests 2.27.1 is the last for Python 2, with urllib3<1.27, chardet<5, idna<3 and certifi.
packages=(
  ftrack-python-legacy-api==3.6.3
  pyparsing==2.4.7
  clique==1.6.1
  requests==2.27.1
  urllib3==1.26.20
  chardet==4.0.0
  idna==2.10
  certifi==2021.10.8
  websocket-client==0.59.0
  six==1.17.0
)

python=""
if command -v pyenv > /dev/null 2>&1; then
  root=$(pyenv root 2> /dev/null || true)
  if [ -n "$root" ] && [ -x "$root/versions/2.7.18/bin/python" ]; then
    python="$root/versions/2.7.18/bin/python"
  fi
fi
if [ -z "$python" ] && [ -x /root/.pyenv/versions/2.7.18/bin/python ]; then
  python=/root/.pyenv/versions/2.7.18/bin/python
fi
if [ -z "$python" ]; then
  echo "error: no Python 2.7.18 for ftrack's legacy client: looked for \$(pyenv root)/versions/2.7.18/bin/python" \
       "and /root/.pyenv/versions/2.7.18/bin/python (install it with: pyenv install 2.7.18)" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (2, 7))' 2> /dev/null; then
  echo "error: $python is not a working Python 2.7" >&2
  exit 1
fi

mkdir -p "$target"
exec 9> "$target/.lock"
flock 9

stamp="$target/requirements.sha256"
wanted=$( (printf '%s\n' "${packages[@]}"; "$python" --version 2>&1) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2> /dev/null)" != "$wanted" ] \
   || ! PYTHONPATH="$target" FTRACK_SERVER=http://127.0.0.1:9 "$python" -B -c 'import ftrack' > /dev/null 2>&1; then
  echo "Installing ftrack's legacy client for $python into $target..." >&2
  # Start clean (a half-made or stale folder), but keep the lock file we hold.
  find "$target" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  # pip 19 on Python 2.7 warns that Python 2 is past its end of life; that, and nothing else, is
  # dropped from what it says.
  set +e
  PYTHONWARNINGS=ignore "$python" -m pip install --quiet --disable-pip-version-check --no-deps --no-compile \
      --target "$target" "${packages[@]}" 2>&1 | { grep -v -e 'DEPRECATION: Python 2.7' >&2; true; }
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "error: pip could not install ftrack's legacy client into $target (exit $status)" >&2
    exit "$status"
  fi
  if ! PYTHONPATH="$target" FTRACK_SERVER=http://127.0.0.1:9 "$python" -B -c 'import ftrack' >&2; then
    echo "error: ftrack's legacy client does not import from $target after installing it" >&2
    exit 1
  fi
  echo "$wanted" > "$stamp"
fi
echo "$python"

#!/usr/bin/env bash
# Makes the project's Python virtual environment, .build-venv/ (git ignores .build*/), from
# Scripts/python-requirements.txt, and prints the path of its python on standard output
# (everything else goes to standard error), for scripts to run:
#
#   python=$(Scripts/python-venv.sh) && "$python" some-tool.py
#
# With a name, it makes the venv of that name instead: `Scripts/python-venv.sh ftrack` makes
# .build-venv-ftrack/ from Scripts/python-requirements-ftrack.txt (the ftrack round's clients,
# whose requirements clash with the browser tests', so they cannot share one environment).
#
# It creates the venv when it is missing (or its python no longer runs, say after the
# system's python changed) and installs the requirements only when the file differs from
# the one last installed, compared by a SHA-256 stamp kept in the venv; otherwise it does
# nothing, so calling it before every use is cheap. Two scripts starting at once wait for
# each other (flock) instead of installing into the same folder together.
# Needs python3 with its venv module (Debian: python3-venv, see Scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build-venv
requirements=Scripts/python-requirements.txt
if [ $# -gt 0 ]; then
  case $1 in
    *[!a-z0-9-]* | "") echo "error: a venv name is lower-case letters, digits and dashes, not '$1'" >&2; exit 2 ;;
  esac
  venv=.build-venv-$1
  requirements=Scripts/python-requirements-$1.txt
  [ -f "$requirements" ] || { echo "error: no $requirements for the venv '$1'" >&2; exit 2; }
fi
stamp="$venv/requirements.sha256"

mkdir -p "$venv"
exec 9>"$venv/.lock"
flock 9

wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
  echo "Creating the Python venv $venv..." >&2
  # Start clean (a half-made or stale venv), but keep the lock file we hold.
  find "$venv" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  python3 -m venv "$venv" >&2 || {
    echo "error: 'python3 -m venv' failed; on Debian install python3-venv (Scripts/install-deps.sh does)" >&2
    exit 1
  }
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "Installing $requirements into $venv..." >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --requirement "$requirements" >&2
  echo "$wanted" > "$stamp"
fi
echo "$PWD/$venv/bin/python"

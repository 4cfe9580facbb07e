#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs the Swift suites, and fails when
# no tests ran at all (a filter or a build quirk that silently finds nothing is a failure).
#
# The suites run in three rounds: real `dailies` and ffmpeg processes, waited for; the media
# engine's long synchronous decodes and encodes; then the suites that serve HTTP in-process.
# Kept apart, long blocking work cannot starve in-process servers of the Swift task pool's
# threads (two, on two cores), which made network tests time out under a full run.
#
# A last round, in Python (pytest, in the venv Scripts/python-venv.sh makes), holds the debug
# build to its OpenAPI document: schemathesis against a live `dailies serve`, and a client
# generated from the document doing the README's tour (Tests/Contract).
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/install-deps.sh

swift build --build-tests

log=$(mktemp)
trap 'rm -f "$log"' EXIT
total=0
round() {
  : > "$log"
  set +e
  swift test --skip-build "$@" 2>&1 < /dev/null | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  # Swift Testing ends with "Test run with N tests in M suites passed/failed".
  local ran
  ran=$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} .*/\1/p' "$log" | tail -n 1)
  if [ "$status" -ne 0 ]; then
    echo "error: swift test $* failed (exit $status)" >&2
    exit "$status"
  fi
  if [ -z "$ran" ] || [ "$ran" -eq 0 ]; then
    echo "error: no tests ran in swift test $*" >&2
    exit 1
  fi
  total=$((total + ran))
}

round --filter DailiesCLITests
round --filter 'MediaTests|FrameTimeTests'
round --skip 'DailiesCLITests|MediaTests|FrameTimeTests'

contract_round() {
  local python
  python=$(Scripts/python-venv.sh)
  : > "$log"
  set +e
  # No cache provider: pytest would leave .pytest_cache/ in the work tree.
  DAILIES_BIN="$PWD/.build/debug/dailies" "$python" -m pytest -p no:cacheprovider --tb=short \
    --durations=0 Tests/Contract 2>&1 < /dev/null | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  # pytest ends with "N passed in Ms" (", K skipped" and the like may sit beside it).
  local ran
  ran=$(grep -oE '[0-9]+ passed' "$log" | tail -n 1 | cut -d' ' -f1 || true)
  if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests in Tests/Contract (exit 5)" >&2
    exit 1
  fi
  if [ "$status" -ne 0 ]; then
    echo "error: pytest Tests/Contract failed (exit $status)" >&2
    exit "$status"
  fi
  if [ -z "$ran" ] || [ "$ran" -eq 0 ]; then
    echo "error: no tests passed in pytest Tests/Contract" >&2
    exit 1
  fi
  total=$((total + ran))
}

contract_round
echo "All $total tests passed."
echo "$total passed, 0 failed"

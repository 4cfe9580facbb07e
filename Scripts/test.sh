#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs the Swift suites, and fails when
# no tests ran at all (a filter or a build quirk that silently finds nothing is a failure).
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/install-deps.sh

swift build --build-tests

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
swift test --skip-build 2>&1 < /dev/null | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Swift Testing ends with "Test run with N tests in M suites passed/failed".
ran=$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} .*/\1/p' "$log" | tail -n 1)
if [ "$status" -ne 0 ]; then
  echo "error: swift test failed (exit $status)" >&2
  exit "$status"
fi
if [ -z "$ran" ] || [ "$ran" -eq 0 ]; then
  echo "error: no tests ran" >&2
  exit 1
fi
echo "All $ran tests passed."

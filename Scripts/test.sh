#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs the Swift suites, and fails when
# no tests ran at all (a filter or a build quirk that silently finds nothing is a failure).
#
# The suites run in four rounds: real `dailies` and ffmpeg processes, waited for; the media
# engine's long synchronous decodes and encodes; then the suites that serve HTTP in-process;
# then the suites that touch the catalog once more, on PostgreSQL (Scripts/postgres-test-server.sh
# starts one for the run, on a free loopback port in a temporary folder).
# Kept apart, long blocking work cannot starve in-process servers of the Swift task pool's
# threads (two, on two cores), which made network tests time out under a full run.
#
# Four last rounds, in Python (pytest, in the venv Scripts/python-venv.sh makes), run a live
# `dailies serve`: one holds the debug build to its OpenAPI document (schemathesis, and a
# client generated from the document doing the README's tour: Tests/Contract); the next puts
# 200 collaborators in its session rooms for 30 s and checks every write and every event each
# of them got (Tests/Load; Scripts/bench-feedback.sh runs the same load for figures). The third
# drives the review site in a real headless Chromium with Selenium (Tests/Browser), saving
# screenshots to .build/browser-screenshots/. The last runs studios' ftrack scripts against it
# (Tests/Ftrack): the modern client (ftrack_api 3.1.0, in a venv of its own, `python-venv.sh
# ftrack`, as its pins clash with Selenium's) and the legacy one (`import ftrack` 3.6.3, on
# pyenv's Python 2.7.18, which Scripts/ftrack-legacy-client.sh finds and installs it for) doing
# the review-session flows, then the raw protocols, their limits and a fuzzed query parser.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/install-deps.sh

swift build --build-tests

# The Python tools first: the Swift mail tests start their SMTP peer (aiosmtpd) from this venv.
python=$(Scripts/python-venv.sh)
# The ftrack round's clients, installed now so that a missing Python 2.7 fails the run at once.
ftrack_python=$(Scripts/python-venv.sh ftrack)
DAILIES_PYTHON27=$(Scripts/ftrack-legacy-client.sh)
export DAILIES_PYTHON27

log=$(mktemp)
# The second engine: a PostgreSQL server of the tests' own, stopped on the way out whatever happens.
postgres_dir=$(mktemp -d)
trap 'rm -f "$log"; Scripts/postgres-test-server.sh stop "$postgres_dir"' EXIT
DAILIES_TEST_POSTGRES=$(Scripts/postgres-test-server.sh start "$postgres_dir")
export DAILIES_TEST_POSTGRES
total=0

# Runs one round: the command's output goes to the terminal and to $log; `count` reads how
# many tests ran from $log. Fails on a failing command, and on a round that ran no test.
run_round() {
  local label=$1 count=$2
  shift 2
  : > "$log"
  set +e
  "$@" 2>&1 < /dev/null | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  local ran
  ran=$("$count")
  if [ "$status" -ne 0 ]; then
    echo "error: $label failed (exit $status)" >&2
    exit "$status"
  fi
  if [ -z "$ran" ] || [ "$ran" -eq 0 ]; then
    echo "error: no tests ran in $label" >&2
    exit 1
  fi
  total=$((total + ran))
}

# Swift Testing ends with "Test run with N tests in M suites passed/failed".
swift_count() { sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} .*/\1/p' "$log" | tail -n 1; }
# pytest ends with "N passed in Ms" (", K skipped" and the like may sit beside it); with no
# test collected it exits 5, which fails the round like any other non-zero exit.
pytest_count() { grep -oE '[0-9]+ passed' "$log" | tail -n 1 | cut -d' ' -f1 || true; }

round() { run_round "swift test $*" swift_count swift test --skip-build "$@"; }

# Anchored at the module: an unanchored MediaTests would also match DailiesCLITests.FeedbackMediaTests.
round --filter '^DailiesCLITests\.'
round --filter '^(MediaTests|FrameTimeTests)\.'
round --skip '^(DailiesCLITests|MediaTests|FrameTimeTests)\.'
# The suites that touch the catalog again, on PostgreSQL: the catalog, the queue, the API, the
# access matrix and feedback. (Media runs once; tests that need both engines, such as the
# catalog copy, run in every round.)
DAILIES_TEST_ENGINE=postgres round --filter '^(CatalogTests|ReviewServerTests|FtrackFacesTests)\.'

export DAILIES_BIN="$PWD/.build/debug/dailies"
# No cache provider: pytest would leave .pytest_cache/ in the work tree.
run_round "pytest Tests/Contract" pytest_count "$python" -m pytest -p no:cacheprovider --tb=short --durations=0 Tests/Contract
run_round "pytest Tests/Load" pytest_count "$python" -m pytest -p no:cacheprovider --tb=short -s Tests/Load
run_round "pytest Tests/Browser" pytest_count "$python" -m pytest -p no:cacheprovider --tb=short Tests/Browser
run_round "pytest Tests/Ftrack" pytest_count "$ftrack_python" -m pytest -p no:cacheprovider --tb=short Tests/Ftrack

echo "All $total tests passed."
echo "$total passed, 0 failed"

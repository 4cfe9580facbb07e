"""The live server of the feedback load test: `dailies serve` WITH its worker (the worker
makes the frame receipts whose events the rooms must carry), on a free loopback port in a
fresh data directory, the admin key read from its output; stopped in a `finally`, also
when a test fails or pytest is interrupted (SIGTERM, then SIGKILL to its process group, so
neither the server nor its worker outlives the run).

The binary is $DAILIES_BIN, or the debug build when that is unset, as in Tests/Contract.
The contract tests' fixture is not reused: it starts the server with --no-worker.

The server's data directory and log are removed after a passing run and kept (their path
printed) after a failing one, or always with DAILIES_LOAD_KEEP=1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import feedback_load  # noqa: E402  (the driver lives beside this file)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "dailies"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if outcome.get_result().failed:
        item.config.stash[_FAILED] = True


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def server(request) -> Iterator[feedback_load.DailiesServer]:
    binary = Path(os.environ.get("DAILIES_BIN", DEFAULT_BIN))
    if not os.access(binary, os.X_OK):
        # Fail, not skip: a load stage that quietly skips would pass having checked nothing.
        pytest.fail(f"no dailies binary at {binary}: build it, or set DAILIES_BIN")
    running = feedback_load.DailiesServer(binary)
    try:
        try:
            running.start()
        except feedback_load.LoadError as error:
            pytest.fail(str(error))
        yield running
    finally:
        killed = running.stop()
        if killed or request.config.stash.get(_FAILED, False) or os.environ.get("DAILIES_LOAD_KEEP") == "1":
            sys.stderr.write(f"\nthe load test's server data and log are kept in {running.workdir} "
                             f"(log: {running.log_path})\n")
        else:
            running.remove()
        if killed:
            # A server that does not stop when asked is a hang: the round fails.
            pytest.fail(f"dailies serve (pid {running.pid}) did not stop within {running.STOP_TIMEOUT:.0f}s of SIGTERM "
                        f"and was killed (with its worker)")

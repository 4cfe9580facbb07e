"""Shared fixtures of the contract tests: a live `dailies serve` and a seeded catalog.

The contract tests hold the real server to the OpenAPI document it serves, so they need the
real binary, not an in-process stand-in. Each test module gets a server of its own (module
scope): a fresh data directory, a free loopback port, no worker (transcodes only queue, and
no webhook is ever delivered). The server is stopped in a `finally`, also when a test fails
or pytest is interrupted, so no process outlives the run.

The binary is $DAILIES_BIN, or the debug build when that is unset (Scripts/test.sh builds it).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "dailies"

# The admin's API key, printed once on a line of its own on the first start.
API_KEY_LINE = re.compile(r"^\s*(dk_[A-Za-z0-9_-]+)\s*$", re.MULTILINE)
# The path of an invite link ends with the token that /api/v1/review/access trades for a cookie.
INVITE_TOKEN = re.compile(r"/review/invite/([^/?#]+)$")
ACCESS_COOKIE = "dailies_access"

# A debug build on a loaded two-core machine can take a while to open its catalog.
START_TIMEOUT = 90.0
STOP_TIMEOUT = 15.0


def _free_port() -> int:
    # Ask the kernel for a free port on loopback; the tiny window before the server binds it
    # is acceptable for tests (a clash shows up as a server that fails to start).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running `dailies serve`: where it listens, the admin's key, and its log."""

    base_url: str
    api_key: str
    log_path: Path

    def staff(self) -> httpx.Client:
        """An HTTP client that calls the API as the admin."""
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=30.0,
        )

    def document(self) -> dict:
        """The OpenAPI document the server serves (fetched anew: it is what is under test)."""
        response = httpx.get(f"{self.base_url}/api/v1/openapi.json", timeout=30.0)
        response.raise_for_status()
        return response.json()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (the server stops cleanly on it), then SIGKILL if it is still there."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    binary = Path(os.environ.get("DAILIES_BIN", DEFAULT_BIN))
    if not os.access(binary, os.X_OK):
        # Fail, not skip: a contract stage that quietly skips would pass CI having checked nothing.
        pytest.fail(f"no dailies binary at {binary}: build it, or set DAILIES_BIN")

    workdir = Path(tempfile.mkdtemp(prefix="dailies-contract-"))
    log_path = workdir / "server.log"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = None
    try:
        # Output goes to a file, not a pipe: nobody drains a pipe during a long run, and a full
        # pipe would block the server's logging (and so the server). The file is also what we
        # show when the server misbehaves.
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [str(binary), "serve", "--data-dir", str(workdir / "data"),
                 "--port", str(port), "--host", "127.0.0.1", "--no-worker"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
            )
        api_key = _wait_until_ready(process, base_url, log_path)
        yield Server(base_url=base_url, api_key=api_key, log_path=log_path)
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_ready(process: subprocess.Popen, base_url: str, log_path: Path) -> str:
    """Waits for the printed API key and for GET /healthz to answer 200; returns the key."""
    deadline = time.monotonic() + START_TIMEOUT
    api_key = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dailies serve exited with {process.returncode} while starting:\n"
                        + log_path.read_text(errors="replace"))
        if api_key is None:
            match = API_KEY_LINE.search(log_path.read_text(errors="replace"))
            api_key = match.group(1) if match else None
        if api_key is not None:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=5.0).status_code == 200:
                    return api_key
            except httpx.TransportError:
                pass  # not listening yet
        time.sleep(0.2)
    pytest.fail(f"dailies serve was not ready within {START_TIMEOUT:.0f}s (API key "
                f"{'seen' if api_key else 'never printed'}):\n" + log_path.read_text(errors="replace"))


@dataclass
class Catalog:
    """What `seed_catalog` made: ids to aim tests at, and a collaborator's access cookie."""

    project_id: str
    version_id: str
    session_id: str
    item_id: str
    collaborator_id: str
    access_cookie: str


def _created(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), (
        f"seeding failed: {response.request.method} {response.request.url.path} answered "
        f"{response.status_code}: {response.text}")
    return response.json()


def seed_catalog(server: Server) -> Catalog:
    """A project with one version (v003), a session from it, and an approver who has opened
    their invite, through the staff API (httpx's `json=` sends Content-Type: application/json)."""
    with server.staff() as staff:
        # Project names are unique per studio; every seeding makes a project of its own.
        name = f"Contract seed {uuid.uuid4().hex[:8]}"
        project = _created(staff.post("/api/v1/projects", json={"name": name}))
        version = _created(staff.post(f"/api/v1/projects/{project['id']}/versions",
                                      json={"name": "sh010_comp", "version_number": 3}))
        session = _created(staff.post(f"/api/v1/projects/{project['id']}/sessions",
                                      json={"version_ids": [version["id"]]}))
        items = _created(staff.get(f"/api/v1/sessions/{session['id']}/items"))
        assert items["data"], f"the session made from a version has no items: {items}"
        invited = _created(staff.post(
            f"/api/v1/sessions/{session['id']}/collaborators",
            json={"name": "Dana Client", "email": "dana@client.example", "role": "approver"}))
    token = INVITE_TOKEN.search(invited["invite_url"])
    assert token, f"unexpected invite_url: {invited['invite_url']}"
    # A fresh client without the staff key: the collaborator side knows only its cookie.
    with httpx.Client(base_url=server.base_url, timeout=30.0) as anonymous:
        access = anonymous.post("/api/v1/review/access", json={"token": token.group(1)})
        _created(access)
        cookie = access.cookies.get(ACCESS_COOKIE)
    assert cookie, f"POST /api/v1/review/access set no {ACCESS_COOKIE} cookie: {access.headers}"
    return Catalog(
        project_id=project["id"],
        version_id=version["id"],
        session_id=session["id"],
        item_id=items["data"][0]["id"],
        collaborator_id=invited["collaborator"]["id"],
        access_cookie=cookie,
    )


@pytest.fixture
def catalog(server: Server) -> Catalog:
    """A freshly seeded catalog for one test, so no test depends on what another left behind."""
    return seed_catalog(server)

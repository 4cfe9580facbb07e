"""Shared fixtures of the contract tests: a live `dailies serve` and a seeded catalog.

The contract tests hold the real server to the OpenAPI document it serves, so they need the
real binary, not an in-process stand-in. Each test module gets a server of its own (module
scope, Tests/Support/dailies_server.py): a fresh data directory, a free loopback port, no
worker (transcodes only queue, and no webhook is ever delivered). The server is stopped in a
`finally`, also when a test fails or pytest is interrupted, so no process outlives the run.

The binary is $DAILIES_BIN, or the debug build when that is unset (Scripts/test.sh builds it).
"""

from __future__ import annotations

import os
import re
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Support"))
from dailies_server import DailiesServer, ServerError  # noqa: E402  (shared with the other Python rounds)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "dailies"

# The path of an invite link ends with the token that /api/v1/review/access trades for a cookie.
INVITE_TOKEN = re.compile(r"/review/invite/([^/?#]+)$")
ACCESS_COOKIE = "dailies_access"



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


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    binary = Path(os.environ.get("DAILIES_BIN", DEFAULT_BIN))
    if not os.access(binary, os.X_OK):
        # Fail, not skip: a contract stage that quietly skips would pass CI having checked nothing.
        pytest.fail(f"no dailies binary at {binary}: build it, or set DAILIES_BIN")
    running = DailiesServer(binary, arguments=["--no-worker"])
    try:
        try:
            running.start()
        except ServerError as error:
            pytest.fail(str(error))
        yield Server(base_url=running.base_url, api_key=running.api_key, log_path=running.log_path)
    finally:
        running.stop()
        running.remove()


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

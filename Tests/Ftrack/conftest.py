"""Shared fixtures of the ftrack round: a live `dailies serve`, a catalog seeded through the
REST API, and the two real ftrack clients pointed at it.

- `server`: one `dailies serve` for the whole round (Tests/Support/dailies_server.py: a free
  loopback port, a fresh data directory, the admin's key read from its first start), with its
  worker, which delivers invitations to the data directory's maildir (`Server.mails_to`);
  stopped in a `finally`. The binary is $DAILIES_BIN, or the debug build.
- `fresh_server()`: another server for a test of its own, for tests that make failed
  sign-ins (the faces throttle failures per client address: on the shared server a few of
  them would slow every test after).
- `seed`: the catalog every hand-computed answer is worked out from (see `seed_catalog`).
- `ftrack_session()`: the modern client (`ftrack_api.Session()`, configured the way studios'
  scripts are, through FTRACK_SERVER, FTRACK_API_KEY, FTRACK_API_USER), without its event hub.
- `legacy`: runs one of the Python 2 scripts in legacy/ with pyenv's Python 2.7.18 and the
  legacy client (`import ftrack` 3.6.3, installed by Scripts/ftrack-legacy-client.sh); each
  script prints one JSON line saying what it found.
- `wire`: the raw protocols, for what no client shows (error forms, batches, limits).

A failing test's report ends with the tail of the log of every server still running, so a
refusal or a crash on the server side shows beside the assertion.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
import xmlrpc.client
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Support"))
from dailies_server import DailiesServer, ServerError  # noqa: E402  (shared with the other Python rounds)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "dailies"
LEGACY_DIR = Path(__file__).resolve().parent / "legacy"
LEGACY_LIB = REPO / ".build-ftrack-legacy"
ADMIN_USERNAME = "admin"
ACCESS_COOKIE = "dailies_access"
INVITE_TOKEN = re.compile(r"/review/invite/([^/?#]+)$")
# What every ftrack error carries on /api (the client raises ServerError on "exception").
ERROR_KEYS = {"exception", "content", "error_code"}
# Proxies would send loopback traffic elsewhere; neither client nor requests may see one.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                   "FTRACK_PROXY")

# Every server running now, so that a failing test's report can show their logs.
_RUNNING: list[DailiesServer] = []


def pytest_configure(config):
    # ftrack_api 3.1.0 pins pyparsing<3, whose 2.4.7 imports a module Python 3.11 deprecates.
    config.addinivalue_line("filterwarnings", "ignore:module 'sre_constants' is deprecated:DeprecationWarning")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for running in list(_RUNNING):
            report.sections.append((f"dailies serve log, last 60 lines ({running.log_path})", running.log_tail(60)))


def plain_http() -> requests.Session:
    """An HTTP session with no credentials, and no proxy or .netrc from the environment."""
    http = requests.Session()
    http.trust_env = False
    return http


def lid(value: str) -> str:
    """An id as the ftrack faces send it: lower case (the REST API's may be upper case)."""
    return str(value).lower()


# MARK: - Servers


@dataclass
class Server:
    """A running `dailies serve`: where it listens, the admin's key and who the admin is."""

    base_url: str
    api_key: str
    running: DailiesServer
    admin: dict = field(default_factory=dict)

    @property
    def rest(self) -> "Rest":
        return Rest(self.base_url, self.api_key)

    @property
    def wire(self) -> "Wire":
        return Wire(self.base_url, self.api_key, ADMIN_USERNAME)

    def log_tail(self, lines: int = 60) -> str:
        return self.running.log_tail(lines)

    def mails_to(self, email: str, *, containing: str = "", at_least: int = 1, timeout: float = 30) -> list[str]:
        """The mails the worker delivered to `email` (the data directory's maildir outbox) that
        contain `containing`, waiting until there are `at_least` of them."""
        outbox = self.running.data_dir / "outbox" / "new"
        deadline = time.monotonic() + timeout
        while True:
            mails = []
            for path in sorted(outbox.glob("*")) if outbox.is_dir() else []:
                text = path.read_text(errors="replace")
                headers = text.split("\n\n", 1)[0]
                if containing in text and any(line.lower().startswith("to:") and email in line
                                              for line in headers.splitlines()):
                    mails.append(text)
            if len(mails) >= at_least or time.monotonic() > deadline:
                return mails
            time.sleep(0.2)

    def alive(self) -> bool:
        if self.running.process is None or self.running.process.poll() is not None:
            return False
        try:
            return plain_http().get(f"{self.base_url}/healthz", timeout=10).status_code == 200
        except requests.RequestException:
            return False


def _binary() -> Path:
    binary = Path(os.environ.get("DAILIES_BIN", DEFAULT_BIN))
    if not os.access(binary, os.X_OK):
        # Fail, not skip: a round that quietly skips would pass having checked nothing.
        pytest.fail(f"no dailies binary at {binary}: build it, or set DAILIES_BIN")
    return binary


def start_server(arguments: list[str] | None = None) -> Server:
    """Starts a `dailies serve` (with `--no-worker` unless other arguments are given) and finds
    out who its admin is."""
    running = DailiesServer(_binary(), arguments=arguments if arguments is not None else ["--no-worker"])
    try:
        running.start()
    except ServerError as error:
        running.remove()
        pytest.fail(str(error))
    _RUNNING.append(running)
    server = Server(base_url=running.base_url, api_key=running.api_key, running=running)
    server.admin = server.rest.get("/api/v1/me")
    return server


def stop_server(server: Server) -> None:
    running = server.running
    if running in _RUNNING:
        _RUNNING.remove(running)
    killed = running.stop()
    running.remove()
    if killed:
        pytest.fail(f"dailies serve (pid {running.pid}) did not stop when asked and was killed")


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    started = start_server(arguments=[])  # with its worker: invitations reach the outbox
    try:
        yield started
    finally:
        stop_server(started)


@pytest.fixture
def fresh_server() -> Iterator[Callable[[], Server]]:
    """Starts servers of the test's own (each a fresh catalog), stopped after the test."""
    started: list[Server] = []

    def start() -> Server:
        started.append(start_server())
        return started[-1]

    try:
        yield start
    finally:
        for each in started:
            stop_server(each)


# MARK: - REST


class Rest:
    """The REST API as a staff member (Authorization: Bearer <key>), for seeding and checking."""

    def __init__(self, base_url: str, api_key: str):
        self.base_url = base_url
        self.http = plain_http()
        self.http.headers["Authorization"] = f"Bearer {api_key}"

    def call(self, method: str, path: str, expect: tuple[int, ...] = (200, 201, 204), **kwargs) -> Any:
        response = self.http.request(method, self.base_url + path, timeout=30, **kwargs)
        assert response.status_code in expect, (
            f"REST {method} {path} answered {response.status_code}: {response.text[:2000]}")
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def get(self, path: str, **kwargs) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs) -> Any:
        return self.call("POST", path, json=body, **kwargs)

    def patch(self, path: str, body: Any, **kwargs) -> Any:
        return self.call("PATCH", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs) -> Any:
        return self.call("DELETE", path, **kwargs)

    def all(self, path: str) -> list[dict]:
        """Every element of a paginated list."""
        rows: list[dict] = []
        while True:
            separator = "&" if "?" in path else "?"
            page = self.get(f"{path}{separator}limit=100&offset={len(rows)}")
            rows += page["data"]
            if not page["data"] or len(rows) >= page["pagination"]["total"]:
                return rows

    # Shortcuts for what the tests check.

    def session(self, session_id: str) -> dict:
        return self.get(f"/api/v1/sessions/{session_id}")

    def sessions(self, project_id: str) -> list[dict]:
        return self.all(f"/api/v1/projects/{project_id}/sessions")

    def items(self, session_id: str) -> list[dict]:
        return self.get(f"/api/v1/sessions/{session_id}/items")["data"]

    def collaborators(self, session_id: str) -> list[dict]:
        return self.get(f"/api/v1/sessions/{session_id}/collaborators")["data"]

    def comments(self, session_id: str, item_id: str | None = None) -> list[dict]:
        query = f"?item_id={item_id}" if item_id else ""
        return self.all(f"/api/v1/sessions/{session_id}/comments{query}")

    def statuses(self, session_id: str, item_id: str | None = None) -> list[dict]:
        query = f"?item_id={item_id}" if item_id else ""
        return self.get(f"/api/v1/sessions/{session_id}/statuses{query}")["data"]

    def events(self, session_id: str, kind: str | None = None) -> list[dict]:
        """The session's events (the review page's live feed), of one type when `kind` is given."""
        events = self.get(f"/api/v1/sessions/{session_id}/events?after=0")["events"]
        return [event for event in events if kind is None or event["type"] == kind]

    def invite(self, session_id: str, name: str, email: str, role: str = "reviewer") -> "Collaborator":
        """Invites someone through REST and trades their link for the access cookie."""
        invited = self.post(f"/api/v1/sessions/{session_id}/collaborators",
                            {"name": name, "email": email, "role": role})
        token = INVITE_TOKEN.search(invited["invite_url"])
        assert token, f"unexpected invite_url: {invited['invite_url']}"
        return Collaborator.admitted(self.base_url, session_id, invited["collaborator"], token.group(1))


@dataclass
class Collaborator:
    """Someone invited through REST, with their access cookie: they comment and set statuses
    the way the review page does."""

    base_url: str
    session_id: str
    record: dict
    token: str
    cookie: str

    @property
    def id(self) -> str:
        return self.record["id"]

    @property
    def email(self) -> str:
        return self.record["email"]

    @classmethod
    def admitted(cls, base_url: str, session_id: str, record: dict, token: str) -> "Collaborator":
        response = plain_http().post(f"{base_url}/api/v1/review/access", json={"token": token}, timeout=30)
        assert response.status_code == 200, f"POST /api/v1/review/access: {response.status_code} {response.text}"
        cookie = response.cookies.get(ACCESS_COOKIE)
        assert cookie, f"POST /api/v1/review/access set no {ACCESS_COOKIE} cookie: {response.headers}"
        return cls(base_url, session_id, record, token, cookie)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        response = plain_http().request(method, self.base_url + path, json=body, timeout=30,
                                        headers={"Cookie": f"{ACCESS_COOKIE}={self.cookie}"})
        assert response.status_code in (200, 201), (
            f"{self.record['name']}: {method} {path} answered {response.status_code}: {response.text[:2000]}")
        return response.json()

    def comment(self, item_id: str, text: str) -> dict:
        return self.call("POST", f"/api/v1/review/sessions/{self.session_id}/items/{item_id}/comments", {"text": text})

    def set_status(self, item_id: str, status: str) -> dict:
        return self.call("PUT", f"/api/v1/review/sessions/{self.session_id}/items/{item_id}/status", {"status": status})


# MARK: - The raw protocols


class FtrackError(AssertionError):
    """An /api call answered the ftrack error form where a result was expected."""


class Wire:
    """`POST /api` (JSON operations) and `POST /client/` (XML-RPC) spoken directly."""

    def __init__(self, base_url: str, api_key: str, user: str):
        self.base_url = base_url
        self.api_key = api_key
        self.user = user
        self.http = plain_http()

    def api_headers(self, *, key: str | None = None, user: str | None = None, strict: bool = False) -> dict:
        return {
            "content-type": "application/json",
            "accept": "application/json",
            "ftrack-api-key": self.api_key if key is None else key,
            "ftrack-user": self.user if user is None else user,
            "ftrack-strict-api": "true" if strict else "false",
        }

    def post_api(self, operations: Any = None, *, headers: dict | None = None, body: bytes | str | None = None,
                 timeout: float = 30, **credentials) -> requests.Response:
        """Sends one batch (or `body` as it is) and answers the raw response."""
        sent = headers if headers is not None else self.api_headers(**credentials)
        data = body if body is not None else json.dumps(operations)
        return self.http.post(f"{self.base_url}/api", data=data, headers=sent, timeout=timeout)

    def api(self, operations: list[dict], **kwargs) -> tuple[int, Any]:
        """Status and decoded JSON body of one batch; the body must be JSON whatever happens."""
        response = self.post_api(operations, **kwargs)
        try:
            decoded = response.json()
        except ValueError:
            raise AssertionError(f"POST /api answered {response.status_code} with a body that is not JSON "
                                 f"(the client cannot read it): {response.text[:500]!r}") from None
        return response.status_code, decoded

    def results(self, operations: list[dict], **kwargs) -> list[dict]:
        """The results of a batch that must succeed: HTTP 200 and one result per operation."""
        status, body = self.api(operations, **kwargs)
        if isinstance(body, dict) and "exception" in body:
            raise FtrackError(f"the batch failed: {body}\noperations: {json.dumps(operations)[:2000]}")
        assert status == 200, f"POST /api answered {status}: {body}"
        assert isinstance(body, list) and len(body) == len(operations), f"one result per operation expected: {body}"
        return body

    def query(self, expression: str) -> list[dict]:
        return self.query_page(expression)["data"]

    def query_page(self, expression: str) -> dict:
        result = self.results([{"action": "query", "expression": expression}])[0]
        assert result.get("action") == "query" and isinstance(result.get("data"), list), result
        return result

    def error(self, operations: list[dict], **kwargs) -> dict:
        """The error a batch that must fail answers: the ftrack form, with HTTP 200 (not strict)."""
        status, body = self.api(operations, **kwargs)
        assert_ftrack_error(body)
        assert status == 200, f"an error without ftrack-strict-api: true comes with HTTP 200, not {status}: {body}"
        return body

    # XML-RPC

    def legacy_headers(self, *, key: str | None = None, user: str | None = None) -> dict:
        return {
            "Content-Type": "text/xml",
            "Ftrack-Apikey": self.api_key if key is None else key,
            "Ftrack-User": self.user if user is None else user,
            "Ftrack-Os": "unix",
            "Ftrack-Version": "3.6.3",
            "Ftrack-bulk": "false",
        }

    def post_client(self, method: str | None = None, data: dict | None = None, *, body: bytes | str | None = None,
                    headers: dict | None = None, timeout: float = 30, **credentials) -> requests.Response:
        if body is None:
            params = dict(data or {})
            params.setdefault("ftrack_user", self.user if credentials.get("user") is None else credentials["user"])
            params.setdefault("ftrack_os", "unix")
            body = xmlrpc.client.dumps((params,), method, allow_none=True)
        sent = headers if headers is not None else self.legacy_headers(**credentials)
        return self.http.post(f"{self.base_url}/client/", data=body, headers=sent, timeout=timeout)

    def legacy(self, method: str | None = None, data: dict | None = None, **kwargs) -> dict:
        """The struct an XML-RPC call answers: never a <fault>, always a methodResponse struct."""
        response = self.post_client(method, data, **kwargs)
        return legacy_struct(response)

    def legacy_data(self, method: str, data: dict, **kwargs) -> Any:
        struct = self.legacy(method, data, **kwargs)
        assert "_exception" not in struct, f"{method} {data} failed: {struct}"
        assert struct.get("status") not in (0, None) and "data" in struct, f"not a success struct: {struct}"
        return struct["data"]


def assert_ftrack_error(body: Any) -> None:
    assert isinstance(body, dict) and ERROR_KEYS <= body.keys(), (
        f"expected the ftrack error form {{exception, content, error_code}}, got: {str(body)[:2000]}")
    assert isinstance(body["exception"], str) and body["exception"], body
    assert isinstance(body["content"], str) and body["content"].strip(), f"an error says what went wrong: {body}"


def legacy_struct(response: requests.Response) -> dict:
    """The struct of an XML-RPC methodResponse, as xmlrpclib reads it (a <fault> fails)."""
    assert response.status_code in (200, 401, 403), (
        f"POST /client/ answered HTTP {response.status_code}: {response.text[:1000]}")
    try:
        (struct,), _ = xmlrpc.client.loads(response.content, use_datetime=False)
    except xmlrpc.client.Fault as fault:
        raise AssertionError(f"POST /client/ answered a <fault> (the legacy client lets it escape as "
                             f"xmlrpclib.Fault): {fault}") from None
    except Exception as error:  # noqa: BLE001  (anything xmlrpclib cannot read is the failure)
        raise AssertionError(f"POST /client/ answered something xmlrpclib cannot read ({error}): "
                             f"{response.text[:1000]!r}") from None
    assert isinstance(struct, dict), f"a methodResponse holds one struct: {struct!r}"
    return struct


@pytest.fixture(scope="session")
def wire(server: Server) -> Wire:
    return server.wire


@pytest.fixture(scope="session")
def rest(server: Server) -> Rest:
    return server.rest


# MARK: - The seeded catalog


@dataclass
class Seed:
    """What `seed_catalog` made, by the names the tests use. Ids are as REST answers them;
    `lid()` gives the ftrack faces' lower-case form."""

    projects: dict[str, dict] = field(default_factory=dict)
    # (project name, asset name, version number) -> version
    versions: dict[tuple[str, str, int], dict] = field(default_factory=dict)
    # session title -> session
    sessions: dict[str, dict] = field(default_factory=dict)
    # (session title, asset name, version number) -> item
    items: dict[tuple[str, str, int], dict] = field(default_factory=dict)
    # (session title, email) -> collaborator
    collaborators: dict[tuple[str, str], Collaborator] = field(default_factory=dict)
    comments: dict[str, dict] = field(default_factory=dict)
    staff: dict[str, dict] = field(default_factory=dict)  # username -> {"user", "api_key"}
    passphrase: str = ""

    def version(self, asset: str, number: int, project: str = "My Project") -> dict:
        return self.versions[(project, asset, number)]

    def version_ids(self, predicate: Callable[[str, str, int], bool]) -> set[str]:
        """Lower-case ids of the seeded versions (project, asset, number) for which `predicate` holds."""
        return {lid(v["id"]) for (project, asset, number), v in self.versions.items() if predicate(project, asset, number)}

    def item(self, session: str, asset: str, number: int) -> dict:
        return self.items[(session, asset, number)]


# The seeded versions, in the order they are created: (project, asset, version number, task).
SEEDED_VERSIONS = [
    ("My Project", "characters", 1, None),
    ("My Project", "characters", 2, None),
    ("My Project", "sh010_comp", 1, "comp"),
    ("My Project", "sh010_comp", 2, None),
    ("My Project", "sh010_comp", 3, None),
    ("My Project", "sh020_comp", 1, None),
    ("My Project", "sh020_comp", 2, None),
    ("My Project", "fx_smoke", 1, None),
    ("Other Project", "sh010_comp", 1, None),
    ("Other Project", "props", 1, None),
]


def seed_catalog(server: Server) -> Seed:
    """The catalog the round's answers are worked out from, made through the REST API:

    - staff: the admin (username `admin`) and Ada Park (ada@studio.example, not an admin,
      username `ada`);
    - "My Project": characters v1, v2; sh010_comp v1 (task "comp"), v2, v3; sh020_comp v1, v2;
      fx_smoke v1. "Other Project": sh010_comp v1, props v1 (the same asset name in another
      project, to prove filtering);
    - sessions of My Project: "Dailies A" (characters v2, sh010_comp v3; Dana, approver, and
      Lee, reviewer), "Dailies B" (sh010_comp v1, v2, sh020_comp v1; Dana again), "Empty
      Session" (nothing, and a passphrase), "Keep Me" (fx_smoke v1; Kim, who commented: a session
      with feedback); of Other Project: "Other Review" (its sh010_comp v1; Ola);
    - feedback on "Dailies A": Dana approved sh010_comp v3, Lee asked for changes on it; on
      characters v2 a staff comment and one of Dana's.

    The flows of the other tests never use these sessions, these collaborators' emails, or the
    sh010_comp, sh020_comp and fx_smoke versions, so the hand-computed answers stay true
    whatever order tests run in. Version names follow `<asset>_v<NNN>`.
    """
    rest = server.rest
    seed = Seed()
    ada = rest.post("/api/v1/users", {"name": "Ada Park", "email": "ada@studio.example", "is_admin": False})
    seed.staff["ada"] = ada
    seed.staff[ADMIN_USERNAME] = {"user": server.admin, "api_key": server.api_key}
    for name in ("My Project", "Other Project"):
        seed.projects[name] = rest.post("/api/v1/projects", {"name": name})
    for project, asset, number, task in SEEDED_VERSIONS:
        body: dict[str, Any] = {"name": f"{asset}_v{number:03d}", "asset": asset, "version_number": number}
        if task:
            body["task"] = task
        seed.versions[(project, asset, number)] = rest.post(
            f"/api/v1/projects/{seed.projects[project]['id']}/versions", body)

    def session(project: str, title: str, description: str, versions: list[tuple[str, int]], **extra) -> dict:
        body = {"title": title, "description": description, **extra}
        if versions:  # an empty list is refused: a session starts empty without one
            body["version_ids"] = [seed.version(asset, number, project)["id"] for asset, number in versions]
        made = rest.post(f"/api/v1/projects/{seed.projects[project]['id']}/sessions", body)
        seed.sessions[title] = made
        items = rest.items(made["id"])
        assert [item["version_id"] for item in items] == [seed.version(a, n, project)["id"] for a, n in versions], items
        for (asset, number), item in zip(versions, items, strict=True):
            seed.items[(title, asset, number)] = item
        return made

    session("My Project", "Dailies A", "Seeded session A", [("characters", 2), ("sh010_comp", 3)])
    session("My Project", "Dailies B", "Seeded session B", [("sh010_comp", 1), ("sh010_comp", 2), ("sh020_comp", 1)])
    seed.passphrase = "seeded secret phrase 7f3a"
    session("My Project", "Empty Session", "No items", [], passphrase=seed.passphrase)
    session("My Project", "Keep Me", "Has feedback", [("fx_smoke", 1)])
    session("Other Project", "Other Review", "Other project's session", [("sh010_comp", 1)])

    for title, name, email, role in (("Dailies A", "Dana Client", "dana@client.example", "approver"),
                                     ("Dailies A", "Lee Reviewer", "lee@client.example", "reviewer"),
                                     ("Dailies B", "Dana Client", "dana@client.example", "reviewer"),
                                     ("Keep Me", "Kim Keeper", "kim@client.example", "reviewer"),
                                     ("Other Review", "Ola Other", "ola@other.example", "reviewer")):
        seed.collaborators[(title, email)] = rest.invite(seed.sessions[title]["id"], name, email, role)

    a_sh010 = seed.item("Dailies A", "sh010_comp", 3)["id"]
    a_characters = seed.item("Dailies A", "characters", 2)["id"]
    seed.collaborators[("Dailies A", "dana@client.example")].set_status(a_sh010, "approved")
    seed.collaborators[("Dailies A", "lee@client.example")].set_status(a_sh010, "requires_changes")
    seed.comments["staff"] = rest.post(f"/api/v1/sessions/{seed.sessions['Dailies A']['id']}/items/{a_characters}/comments",
                                       {"text": "Staff: a touch warmer, please"})
    seed.comments["dana"] = seed.collaborators[("Dailies A", "dana@client.example")].comment(
        a_characters, "Dana: the hair reads well now")
    seed.comments["kim"] = seed.collaborators[("Keep Me", "kim@client.example")].comment(
        seed.item("Keep Me", "fx_smoke", 1)["id"], "Kim: keep this one")
    return seed


@pytest.fixture(scope="session")
def seed(server: Server) -> Seed:
    return seed_catalog(server)


# MARK: - The modern client


@pytest.fixture(scope="session")
def schema_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ftrack-schema-cache")


def modern_environment(server: Server, schema_cache: Path, *, key: str | None = None,
                       user: str = ADMIN_USERNAME) -> dict[str, str]:
    """What a studio's script finds in its environment (ftrack's documented variables)."""
    return {
        "FTRACK_SERVER": server.base_url,
        "FTRACK_API_KEY": server.api_key if key is None else key,
        "FTRACK_API_USER": user,
        "FTRACK_API_SCHEMA_CACHE_PATH": str(schema_cache),
        "NO_PROXY": "127.0.0.1,localhost",
    }


@pytest.fixture(scope="session")
def ftrack_environment(server: Server, schema_cache: Path) -> Iterator[dict[str, str]]:
    """The modern client's environment for the whole round, as a studio's script has it."""
    patch = pytest.MonkeyPatch()
    for name in PROXY_VARIABLES:
        patch.delenv(name, raising=False)
    environment = modern_environment(server, schema_cache)
    for name, value in environment.items():
        patch.setenv(name, value)
    try:
        yield environment
    finally:
        patch.undo()


@pytest.fixture(scope="session")
def ftrack_session(ftrack_environment, seed: Seed):
    """Makes `ftrack_api.Session()`s the way a studio's script does: configured only by the
    environment, the event hub off. Each call makes a new one (a fresh cache, so what it reads
    comes from the server); all are closed at the end of the round."""
    import ftrack_api

    made: list[ftrack_api.Session] = []

    def make(**options) -> ftrack_api.Session:
        made.append(ftrack_api.Session(auto_connect_event_hub=False, **options))
        return made[-1]

    try:
        yield make
    finally:
        for each in made:
            each.close()


# MARK: - The legacy client


@pytest.fixture(scope="session")
def python27() -> str:
    """Python 2.7.18 with the legacy client installed beside it: $DAILIES_PYTHON27 (as
    Scripts/test.sh exports it), or whatever Scripts/ftrack-legacy-client.sh installs now."""
    path = os.environ.get("DAILIES_PYTHON27")
    if not path:
        made = subprocess.run([str(REPO / "Scripts" / "ftrack-legacy-client.sh")], capture_output=True, text=True,
                              timeout=600)
        if made.returncode != 0:
            pytest.fail(f"Scripts/ftrack-legacy-client.sh failed (exit {made.returncode}):\n{made.stderr}")
        path = made.stdout.strip().splitlines()[-1]
    if not os.access(path, os.X_OK):
        pytest.fail(f"no Python 2.7 at {path} for ftrack's legacy client")
    if not (LEGACY_LIB / "ftrack.py").exists():
        pytest.fail(f"ftrack's legacy client is not installed in {LEGACY_LIB}: run Scripts/ftrack-legacy-client.sh")
    return path


def legacy_environment(server: Server, *, key: str | None = None, user: str = ADMIN_USERNAME) -> dict[str, str]:
    """What a studio's legacy script runs with: FTRACK_SERVER, FTRACK_APIKEY, and the login
    name as the ftrack user (tests run as root, so LOGNAME and USER say who)."""
    environment = {name: value for name, value in os.environ.items() if name not in PROXY_VARIABLES}
    environment.update({
        "PYTHONPATH": f"{LEGACY_LIB}{os.pathsep}{LEGACY_DIR}",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "FTRACK_SERVER": server.base_url,
        "FTRACK_APIKEY": server.api_key if key is None else key,
        "LOGNAME": user,
        "USER": user,
    })
    for name in ("LNAME", "USERNAME", "FTRACK_API_KEY", "FTRACK_API_USER"):
        environment.pop(name, None)
    return environment


@dataclass
class LegacyRunner:
    python: str
    server: Server

    def run(self, script: str, *arguments: str, key: str | None = None, user: str = ADMIN_USERNAME,
            timeout: float = 60) -> dict:
        """Runs legacy/<script> with Python 2.7 and answers the one JSON line it printed."""
        command = [self.python, str(LEGACY_DIR / script), *map(str, arguments)]
        done = subprocess.run(command, env=legacy_environment(self.server, key=key, user=user), capture_output=True,
                              encoding="utf-8", errors="replace", timeout=timeout, cwd=LEGACY_DIR)
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        if done.returncode != 0 or not lines:
            pytest.fail(f"legacy script {script} {' '.join(map(str, arguments))} exited {done.returncode}\n"
                        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-6000:]}")
        try:
            return json.loads(lines[-1])
        except ValueError:
            pytest.fail(f"legacy script {script} did not end with a JSON line:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")


@pytest.fixture(scope="session")
def legacy(python27: str, server: Server, seed: Seed) -> LegacyRunner:
    return LegacyRunner(python27, server)


def new_uuid() -> str:
    """An id the way ftrack_api makes them: a lower-case uuid4."""
    return str(uuid.uuid4())


class Flow(dict):
    """What the steps of a flow made, by name, for the steps after them (a module's tests run
    in order, each one step of the flow the ftrack documentation teaches)."""

    def need(self, *names: str) -> Any:
        missing = [name for name in names if name not in self]
        if missing:
            pytest.fail(f"an earlier step of the flow did not complete (no {', '.join(missing)}): see its failure above")
        values = [self[name] for name in names]
        return values[0] if len(values) == 1 else values

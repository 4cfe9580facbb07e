"""The feedback load driver: many collaborators commenting, drawing, replying and setting
statuses in review sessions while each holds the session's live room open.

Used by Tests/Load/test_feedback_load.py (which asserts on what it records: counts and
order, never time) and by Scripts/bench-feedback.sh (which prints what it measured). Run
on its own it starts a server, loads it, checks and prints the figures:

    .build-venv/bin/python Tests/Load/feedback_load.py --dailies .build/debug/dailies
    .build-venv/bin/python Tests/Load/feedback_load.py --base-url http://127.0.0.1:8080 --api-key dk_...

With --dailies, --database URL puts the server's catalog there (postgres://...; SQLite in its
data dir by default), and --summary PATH writes the figures as JSON too (bench-feedback.sh
sets two engines' runs side by side from them).

What it does, in order:

1. Seeds through the staff API: a project, two versions (small fixtures, transcoded by the
   server's own worker), SESSIONS review sessions holding both (every other one with
   `comments_visible_to_others` false), and CLIENTS collaborators spread over them (a few
   approvers and observers, the rest reviewers). Each collaborator trades its invite token
   for the access cookie in a cookie jar of its own (one aiohttp ClientSession each).
2. Opens one room WebSocket per collaborator (`?after=0`: the whole history, then live
   events) and one staff room per session, and waits until every room has said hello.
3. For SECONDS, each collaborator writes about once every INTERVAL seconds (uniform jitter
   from half to one and a half of it): top-level comments (whole item, a frame or a range,
   half of the anchored ones with a drawing: a 50-point stroke, an arrow, a text),
   replies to comments it has seen in its room, and status changes (always to another
   status, so every 2xx is one change in the history). Observers only watch, after one
   status attempt that must be refused (403). One staff writer per session posts public
   and internal comments and replies (some internal), every STAFF_INTERVAL seconds.
   A room closed with 4008 (too slow) reconnects with `?after=<last seq>`; reconnects are
   counted, any other close or error is recorded as a problem (and reconnects too).
4. Drains: waits until no frame receipt is pending (the worker makes them), reads every
   session's events as staff, waits until every room has the last event it may see, then
   closes every socket, and reads the events again (nothing may have happened since).

Defaults, each also from the environment (the test reads only the environment): CLIENTS 200
(DAILIES_LOAD_CLIENTS), SESSIONS 10 (DAILIES_LOAD_SESSIONS), SECONDS 30
(DAILIES_LOAD_SECONDS), INTERVAL 4 (DAILIES_LOAD_INTERVAL; see LoadConfig for why 4),
STAFF_INTERVAL 2 (DAILIES_LOAD_STAFF_INTERVAL), seed 1 (DAILIES_LOAD_SEED).

Every await on the network has a timeout; a write that times out or fails to connect is
recorded as a transport failure, never retried (a retry could store a write twice).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Support"))
from dailies_server import DailiesServer, ServerError  # noqa: E402  (shared with the other Python rounds)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Fixtures"
MEDIA = (FIXTURES / "vp9-noaudio.webm", FIXTURES / "h264-bframes-23976-editlist.mp4")

REQUEST_TIMEOUT = 30.0  # seconds: any request slower than this is a failure (a hang), not a wait
CONNECT_TIMEOUT = 30.0  # a room's WebSocket handshake
CLOSE_TIMEOUT = 10.0  # a room's close handshake
TRANSCODE_TIMEOUT = 180.0  # the fixtures' transcodes on a loaded debug build
RECEIPT_DRAIN_TIMEOUT = 180.0  # until no frame receipt is pending after the writes
ROOM_DRAIN_TIMEOUT = 60.0  # until every room has the last event it may see
HELLO_TIMEOUT = 60.0  # until every room has sent its opening messages
SETUP_CONCURRENCY = 16  # invites, accesses and room openings in flight at once
MAX_UNEXPECTED_RECONNECTS = 5  # per room: after that it stays closed (and the run fails)

STATUSES = ("pending", "approved", "requires_changes")
ACCESS_COOKIE = "dailies_access"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


@dataclass
class LoadConfig:
    clients: int = 200
    sessions: int = 10
    seconds: float = 30.0
    # Mean seconds between one collaborator's writes. Measured on 2 cores with the debug
    # build (server, worker and this client on the same cores): 200 clients every 4 s (about
    # 55 writes/s with staff's) keep write latency in tens of ms and the worker's frame receipts
    # within a few seconds; every 3 s the writes start to queue (p50 70-300 ms) and every
    # 1.5 s the server saturates near 60 writes/s with p50 around 1.7 s.
    interval: float = 4.0
    staff_interval: float = 2.0  # mean seconds between one session's staff writes
    seed: int = 1

    @classmethod
    def from_env(cls) -> "LoadConfig":
        """DAILIES_LOAD_CLIENTS, _SESSIONS, _SECONDS, _INTERVAL, _STAFF_INTERVAL, _SEED."""
        default = cls()
        return cls(
            clients=env_int("DAILIES_LOAD_CLIENTS", default.clients),
            sessions=env_int("DAILIES_LOAD_SESSIONS", default.sessions),
            seconds=env_float("DAILIES_LOAD_SECONDS", default.seconds),
            interval=env_float("DAILIES_LOAD_INTERVAL", default.interval),
            staff_interval=env_float("DAILIES_LOAD_STAFF_INTERVAL", default.staff_interval),
            seed=env_int("DAILIES_LOAD_SEED", default.seed),
        )

    def validate(self) -> None:
        if self.sessions < 1 or self.clients < self.sessions:
            raise ValueError(f"need at least one session and one client per session "
                             f"(clients={self.clients}, sessions={self.sessions})")
        if self.seconds <= 0 or self.interval <= 0 or self.staff_interval <= 0:
            raise ValueError("seconds, interval and staff_interval must be positive")


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class LoadError(ServerError):
    """The load could not be set up or run (not a finding about what the server stored)."""


# --------------------------------------------------------------------------------------
# What the run records


@dataclass
class Write:
    """One write request and how it ended."""

    actor: str  # the client's label, or "staff:<session>"
    kind: str  # comment, reply, status, staff_comment, staff_reply, observer_status
    session: int
    item_id: str
    request: dict
    sent: float  # time.perf_counter()
    done: float = 0.0
    status: int | None = None  # None: no HTTP answer (timeout, connection error)
    error: str | None = None  # the transport error, or the answer's text when not 2xx
    body: dict | None = None  # the answer when 2xx
    expected: int = 0  # the status this write must get (201 or 200; 403 for observers)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def latency(self) -> float:
        return self.done - self.sent

    def describe(self) -> str:
        what = f"{self.actor} {self.kind} on item {self.item_id} {json.dumps(self.request)[:200]}"
        answer = f"HTTP {self.status}" if self.status is not None else "no answer"
        return f"{what} -> {answer}: {(self.error or '')[:300]}"


@dataclass
class Received:
    seq: int
    type: str
    at: float  # time.perf_counter() when the client read it
    key: Any  # what matches it to a write: a comment id, or a status key


@dataclass
class SessionInfo:
    index: int
    id: str
    visible_to_others: bool
    items: list[dict] = field(default_factory=list)  # {"id", "frame_count", "width", "height", "pixel_aspect"}


class Room:
    """One room WebSocket held for the whole run, reconnecting after a 4008 with
    `?after=<last seq it has>`; records every event in the order it arrives."""

    def __init__(self, label: str, http: aiohttp.ClientSession, url: str, headers: dict | None = None):
        self.label = label
        self.http = http
        self.url = url
        self.headers = headers or {}
        self.received: list[Received] = []
        self.last_seq = 0
        self.reconnects = 0  # after 4008 (too slow), as the format asks
        self.unexpected_reconnects = 0
        self.problems: list[str] = []  # unexpected closes, errors, refusals, unreadable messages
        self.other_messages: Counter = Counter()  # presence, presenter, ... (not events)
        self.hello = asyncio.Event()  # the first message arrived
        self.closing = False
        self.closed = asyncio.Event()
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.task: asyncio.Task | None = None
        # Top-level comments seen, by their author's kind: what may be answered, {kind: [(id, item id)]}.
        self.top_level: dict[str, list[tuple[str, str]]] = {"staff": [], "collaborator": []}

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name=f"room {self.label}")

    async def _run(self) -> None:
        try:
            while not self.closing:
                url = f"{self.url}?after={self.last_seq}"
                try:
                    self.ws = await asyncio.wait_for(
                        self.http.ws_connect(url, headers=self.headers, autoping=True, max_msg_size=16 * 2**20,
                                             timeout=aiohttp.ClientWSTimeout(ws_close=CLOSE_TIMEOUT)),
                        CONNECT_TIMEOUT)
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                    if self.closing:
                        break
                    self.problems.append(f"could not open {url}: {type(error).__name__}: {error}")
                    if not await self._may_reconnect():
                        break
                    continue
                try:
                    async for message in self.ws:
                        if message.type == aiohttp.WSMsgType.TEXT:
                            self._on_text(message.data)
                        elif message.type == aiohttp.WSMsgType.ERROR:
                            self.problems.append(f"WebSocket error: {self.ws.exception()!r}")
                        else:
                            self.problems.append(f"unexpected {message.type.name} message")
                finally:
                    code = self.ws.close_code
                    exception = self.ws.exception()
                if self.closing:
                    break
                if code == 4008:
                    self.reconnects += 1
                    continue
                self.problems.append(f"the room closed with code {code} (exception {exception!r}) after seq "
                                     f"{self.last_seq}")
                if not await self._may_reconnect():
                    break
        except Exception as error:  # a bug in this driver: never silent
            self.problems.append(f"room reader crashed: {type(error).__name__}: {error}")
        finally:
            self.closed.set()

    async def _may_reconnect(self) -> bool:
        self.unexpected_reconnects += 1
        if self.unexpected_reconnects > MAX_UNEXPECTED_RECONNECTS:
            self.problems.append(f"gave up after {MAX_UNEXPECTED_RECONNECTS} unexpected reconnects")
            return False
        await asyncio.sleep(0.5)
        return True

    def _on_text(self, text: str) -> None:
        now = time.perf_counter()
        self.hello.set()
        try:
            message = json.loads(text)
        except ValueError:
            self.problems.append(f"not JSON: {text[:200]}")
            return
        seq = message.get("seq") if isinstance(message, dict) else None
        if seq is None:
            kind = message.get("type") if isinstance(message, dict) else None
            self.other_messages[kind] += 1
            if kind not in ("presence", "presenter"):
                self.problems.append(f"unexpected room message: {text[:300]}")
            return
        kind, data = message.get("type"), message.get("data") or {}
        self.received.append(Received(seq=seq, type=kind, at=now, key=event_key(kind, data)))
        self.last_seq = max(self.last_seq, seq) if isinstance(seq, int) else self.last_seq
        if kind == "comment.created":
            comment = data.get("comment") or {}
            author = (comment.get("author") or {}).get("kind")
            if "parent_id" not in comment and comment.get("deleted_at") is None and author in self.top_level:
                self.top_level[author].append((comment.get("id"), comment.get("item_id")))

    async def close(self) -> None:
        self.closing = True
        ws = self.ws
        if ws is not None and not ws.closed:
            try:
                await asyncio.wait_for(ws.close(), CLOSE_TIMEOUT)
            except (asyncio.TimeoutError, aiohttp.ClientError, OSError) as error:
                self.problems.append(f"closing the room: {type(error).__name__}: {error}")
        if self.task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self.task), CLOSE_TIMEOUT)
            except asyncio.TimeoutError:
                self.task.cancel()
                self.problems.append("the room's reader did not end after close")


def event_key(kind: str, data: dict) -> Any:
    """What matches an event to the write that made it: the comment's id for a comment,
    (collaborator, item, number of changes) for a status; None for the rest."""
    if kind == "comment.created":
        return (data.get("comment") or {}).get("id")
    if kind == "status.changed":
        return status_key(data.get("status") or {})
    return None


def status_key(status: dict) -> tuple:
    return ("status", (status.get("collaborator") or {}).get("id"), status.get("item_id"),
            len(status.get("history") or ()))


@dataclass
class Client:
    """A simulated collaborator: its own HTTP session (cookie jar) and its room."""

    index: int
    label: str
    session: SessionInfo
    role: str
    collaborator_id: str
    token: str
    http: aiohttp.ClientSession | None = None
    room: Room | None = None
    status_now: dict = field(default_factory=dict)  # item id -> the status it set last (2xx)


@dataclass
class LoadResult:
    config: LoadConfig
    sessions: list[SessionInfo]
    clients: list[Client]
    staff_rooms: dict[int, Room]  # session index -> the staff room
    writes: list[Write]
    load_started: float
    load_ended: float  # when the last write of the load answered
    events: dict[int, list[dict]]  # session index -> every event, as staff read them after the drain
    events_after_close: dict[int, list[dict]]  # the same, read again after every room closed
    comments: dict[int, list[dict]]  # session index -> the staff comment list
    statuses: dict[int, list[dict]]  # session index -> the staff status list
    drain_problems: list[str]
    receipts_pending: int
    receipts_failed: int
    loop_lag: list[float]  # this process's event-loop lag samples (seconds)
    client_cpu: list[float]  # cores this process used, per second of the load
    server_cpu: list[float]  # cores the server and its worker used, per second of the load

    @property
    def rooms(self) -> list[tuple[str, SessionInfo, Room, dict]]:
        return all_rooms(self.clients, self.staff_rooms, self.sessions)


def all_rooms(clients: list[Client], staff_rooms: dict[int, Room], sessions: list[SessionInfo]):
    """Every room with its label, its session and its viewer ({"kind", "id"})."""
    out = [(c.label, c.session, c.room, {"kind": "collaborator", "id": c.collaborator_id}) for c in clients]
    out += [(room.label, sessions[i], room, {"kind": "staff"}) for i, room in staff_rooms.items()]
    return out


# --------------------------------------------------------------------------------------
# HTTP helpers


async def request_json(http: aiohttp.ClientSession, method: str, path: str, *, expect=(200, 201),
                       **kwargs) -> dict:
    """A setup or verification request: anything but an expected answer is a LoadError."""
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            async with http.request(method, path, **kwargs) as answer:
                text = await answer.text()
                if answer.status not in expect:
                    raise LoadError(f"{method} {path} answered {answer.status}: {text[:500]}")
                return json.loads(text) if text else {}
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
        raise LoadError(f"{method} {path} failed: {type(error).__name__}: {error}") from error


async def timed_write(http: aiohttp.ClientSession, write: Write, method: str, path: str) -> Write:
    """A load write: records the answer (or the failure), never raises for the server's sake."""
    write.sent = time.perf_counter()
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            async with http.request(method, path, json=write.request) as answer:
                text = await answer.text()
                write.done = time.perf_counter()
                write.status = answer.status
                if write.ok:
                    write.body = json.loads(text)
                else:
                    write.error = text
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError) as error:
        write.done = time.perf_counter()
        write.error = f"{type(error).__name__}: {error}"
    return write


async def bounded_gather(limit: int, coroutines) -> list:
    semaphore = asyncio.Semaphore(limit)

    async def one(coroutine):
        async with semaphore:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines))


async def read_events(staff: aiohttp.ClientSession, session_id: str) -> list[dict]:
    events: list[dict] = []
    after = 0
    while True:
        page = await request_json(staff, "GET", f"/api/v1/sessions/{session_id}/events",
                                  params={"after": after, "limit": 500})
        events += page["events"]
        if not page["events"] or page["events"][-1]["seq"] >= page["last_seq"]:
            return events
        after = page["events"][-1]["seq"]


async def read_comments(staff: aiohttp.ClientSession, session_id: str) -> list[dict]:
    comments: list[dict] = []
    while True:
        page = await request_json(staff, "GET", f"/api/v1/sessions/{session_id}/comments",
                                  params={"limit": 500, "offset": len(comments)})
        comments += page["data"]
        if not page["data"] or len(comments) >= page["pagination"]["total"]:
            return comments


async def read_statuses(staff: aiohttp.ClientSession, session_id: str) -> list[dict]:
    page = await request_json(staff, "GET", f"/api/v1/sessions/{session_id}/statuses")
    if len(page["data"]) != page["pagination"]["total"]:
        raise LoadError(f"the status list of session {session_id} holds {len(page['data'])} of "
                        f"{page['pagination']['total']}")
    return page["data"]


# --------------------------------------------------------------------------------------
# What the clients send


def drawing(rng: random.Random, item: dict) -> dict:
    """A small valid drawing: some of a 50-point stroke, an arrow and a text."""
    def unit() -> float:
        return round(rng.uniform(0.05, 0.95), 4)

    shapes = []
    kinds = rng.sample(["stroke", "arrow", "text"], rng.randint(1, 3))
    for kind in kinds:
        shape = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper(),
                 "type": kind, "color": rng.choice(["#FF3B30FF", "#34C759FF", "#0A84FFCC", "#ffffffff"])}
        if kind == "stroke":
            x0, y0, phase = unit(), unit(), rng.uniform(0, math.pi)
            shape["width"] = 0.004
            shape["points"] = [[round(min(max(x0 + 0.004 * i - 0.1, 0), 1), 4),
                                round(min(max(y0 + 0.05 * math.sin(phase + i / 5), 0), 1), 4),
                                round(rng.uniform(0.2, 1.0), 3)] for i in range(50)]
        elif kind == "arrow":
            shape["width"] = 0.003
            shape["from"], shape["to"] = [unit(), unit()], [unit(), unit()]
        else:
            shape["size"] = 0.03
            shape["at"] = [unit(), unit()]
            shape["text"] = rng.choice(["here", "too bright", "fix edge", "glint"])
        shapes.append(shape)
    return {"display": {"width": item["width"], "height": item["height"], "pixel_aspect": item["pixel_aspect"]},
            "hold": rng.random() < 0.3, "shapes": shapes}


def anchor_and_drawing(rng: random.Random, item: dict) -> tuple[dict, dict | None]:
    frames = item["frame_count"]
    roll = rng.random()
    if roll < 0.25:
        return {}, None
    if roll < 0.65:
        anchor = {"frame": rng.randrange(frames)}
    else:
        first = rng.randrange(frames)
        anchor = {"first": first, "last": rng.randrange(first, frames)}
    return anchor, (drawing(rng, item) if rng.random() < 0.5 else None)


async def paced(rng: random.Random, interval: float, deadline: float) -> bool:
    """Sleeps a jittered interval; False when the load's time is over."""
    pause = rng.uniform(0.5 * interval, 1.5 * interval)
    remaining = deadline - time.perf_counter()
    if remaining <= 0:
        return False
    await asyncio.sleep(min(pause, remaining))
    return time.perf_counter() < deadline


async def collaborator_writes(client: Client, config: LoadConfig, deadline: float, writes: list[Write]) -> None:
    rng = random.Random(f"{config.seed}:client:{client.index}")
    sid = client.session.id
    base = f"/api/v1/review/sessions/{sid}/items"
    # Spread the first writes over one interval.
    await asyncio.sleep(rng.uniform(0, config.interval))
    count = 0
    while time.perf_counter() < deadline:
        roll = rng.random()
        if roll < 0.35:
            item = rng.choice(client.session.items)
            new = rng.choice([s for s in STATUSES if s != client.status_now.get(item["id"], "pending")])
            write = Write(client.label, "status", client.session.index, item["id"], {"status": new}, 0, expected=200)
            await timed_write(client.http, write, "PUT", f"{base}/{item['id']}/status")
            if write.ok:
                client.status_now[item["id"]] = new
        elif roll < 0.55 and (seen := client.room.top_level["staff"] + client.room.top_level["collaborator"]):
            parent_id, item_id = rng.choice(seen)
            count += 1
            write = Write(client.label, "reply", client.session.index, item_id,
                          {"text": f"{client.label} reply {count}", "parent_id": parent_id}, 0, expected=201)
            await timed_write(client.http, write, "POST", f"{base}/{item_id}/comments")
        else:
            item = rng.choice(client.session.items)
            anchor, drawn = anchor_and_drawing(rng, item)
            count += 1
            body = {"text": f"{client.label} note {count}", "anchor": anchor}
            if drawn:
                body["drawing"] = drawn
            write = Write(client.label, "comment", client.session.index, item["id"], body, 0, expected=201)
            await timed_write(client.http, write, "POST", f"{base}/{item['id']}/comments")
        writes.append(write)
        if not await paced(rng, config.interval, deadline):
            break


async def staff_writes(staff: aiohttp.ClientSession, session: SessionInfo, room: Room, config: LoadConfig,
                       deadline: float, writes: list[Write]) -> None:
    rng = random.Random(f"{config.seed}:staff:{session.index}")
    base = f"/api/v1/sessions/{session.id}/items"
    actor = f"staff:{session.index}"
    await asyncio.sleep(rng.uniform(0, config.staff_interval))
    count = 0
    while time.perf_counter() < deadline:
        count += 1
        internal = rng.random() < 0.4
        # Half the time a reply: in a staff thread or in a collaborator's, as often.
        threads = room.top_level[rng.choice(["staff", "collaborator"])]
        if rng.random() < 0.5 and threads:
            parent_id, item_id = rng.choice(threads)
            body = {"text": f"{actor} reply {count}", "parent_id": parent_id, "internal": internal}
            write = Write(actor, "staff_reply", session.index, item_id, body, 0, expected=201)
        else:
            item = rng.choice(session.items)
            item_id = item["id"]
            anchor, drawn = anchor_and_drawing(rng, item)
            body = {"text": f"{actor} note {count}", "anchor": anchor, "internal": internal}
            if drawn:
                body["drawing"] = drawn
            write = Write(actor, "staff_comment", session.index, item_id, body, 0, expected=201)
        await timed_write(staff, write, "POST", f"{base}/{item_id}/comments")
        writes.append(write)
        if not await paced(rng, config.staff_interval, deadline):
            break


async def observer_refusal(client: Client, writes: list[Write]) -> None:
    """An observer may not set a status: 403, and nothing stored."""
    item = client.session.items[0]
    write = Write(client.label, "observer_status", client.session.index, item["id"], {"status": "approved"}, 0,
                  expected=403)
    await timed_write(client.http, write, "PUT",
                      f"/api/v1/review/sessions/{client.session.id}/items/{item['id']}/status")
    writes.append(write)


# --------------------------------------------------------------------------------------
# Monitors


async def monitor(stop: asyncio.Event, lag: list[float], client_cpu: list[float], server_cpu: list[float],
                  server_cpu_seconds) -> None:
    """Samples this event loop's lag (every 50 ms) and CPU use (every second)."""
    last_second = time.perf_counter()
    last_client = time.process_time()
    last_server = server_cpu_seconds() if server_cpu_seconds else None
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.05)
        now = time.perf_counter()
        lag.append(max(0.0, now - before - 0.05))
        if now - last_second >= 1.0:
            client_now = time.process_time()
            client_cpu.append((client_now - last_client) / (now - last_second))
            if last_server is not None:
                server_now = server_cpu_seconds()
                server_cpu.append((server_now - last_server) / (now - last_second))
                last_server = server_now
            last_second, last_client = now, client_now


# --------------------------------------------------------------------------------------
# The run


def role_for(position: int) -> str:
    """Per session: the 1st and 11th collaborator approve, the 5th and 15th observe."""
    return {0: "approver", 4: "observer"}.get(position % 10, "reviewer")


async def seed_media(staff: aiohttp.ClientSession, project_id: str) -> list[str]:
    versions = []
    for path in MEDIA:
        version = await request_json(staff, "POST", f"/api/v1/projects/{project_id}/versions",
                                     json={"name": path.stem})
        await request_json(staff, "PUT", f"/api/v1/versions/{version['id']}/media",
                           params={"filename": path.name}, data=path.read_bytes(), expect=(200, 201, 202))
        versions.append(version["id"])
    deadline = time.monotonic() + TRANSCODE_TIMEOUT
    for version_id in versions:
        while True:
            version = await request_json(staff, "GET", f"/api/v1/versions/{version_id}")
            if version["media_state"] == "ready":
                break
            if version["media_state"] == "failed":
                raise LoadError(f"version {version_id} failed to transcode: {version.get('media_error')}")
            if time.monotonic() > deadline:
                raise LoadError(f"version {version_id} not ready within {TRANSCODE_TIMEOUT:.0f}s: {version}")
            await asyncio.sleep(0.3)
    return versions


async def invite(staff: aiohttp.ClientSession, session: SessionInfo, index: int, position: int) -> Client:
    label = f"c{index:03d}"
    role = role_for(position)
    answer = await request_json(staff, "POST", f"/api/v1/sessions/{session.id}/collaborators",
                                json={"name": f"Load {label}", "role": role})
    token = answer["invite_url"].rstrip("/").rsplit("/", 1)[-1]
    return Client(index=index, label=label, session=session, role=role,
                  collaborator_id=answer["collaborator"]["id"], token=token)


async def enter(base_url: str, client: Client) -> None:
    # One session (connection pool and cookie jar) per collaborator; unsafe=True, or the
    # jar refuses cookies from an IP address such as 127.0.0.1.
    client.http = aiohttp.ClientSession(base_url, cookie_jar=aiohttp.CookieJar(unsafe=True),
                                        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT))
    await request_json(client.http, "POST", "/api/v1/review/access", json={"token": client.token})
    if not any(cookie.key == ACCESS_COOKIE for cookie in client.http.cookie_jar):
        raise LoadError(f"{client.label}: POST /api/v1/review/access set no {ACCESS_COOKIE} cookie")
    client.room = Room(client.label, client.http, f"/api/v1/review/sessions/{client.session.id}/room")
    client.room.start()


async def wait_all(events: list[asyncio.Event], timeout: float) -> bool:
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), timeout)
        return True
    except asyncio.TimeoutError:
        return False


def expected_seqs(events: list[dict], viewer: dict, visible_to_others: bool) -> list[int]:
    """The seqs of `events` (every event of a session, as staff read them) that `viewer`
    may see, by the rule of docs/feedback-format.md, worked out here from the comments
    themselves (not from the server's own visibility columns):

    - staff see everything;
    - a collaborator never sees an internal comment, nor anything in an internal thread;
    - when the session shows comments to others, every other comment;
    - otherwise their own comments and replies, and staff's comments: top-level ones, and
      replies in a thread that is theirs or staff's (not in another collaborator's thread);
    - receipts follow their comment; status, item and session events go to everyone.
    """
    if viewer["kind"] == "staff":
        return [event["seq"] for event in events]
    comments: dict[str, dict] = {}
    for event in events:
        if event["type"].startswith("comment."):
            comment = event["data"]["comment"]
            comments.setdefault(comment["id"], comment)
    me = viewer["id"]

    def may_see(comment: dict) -> bool:
        root = comments[comment["parent_id"]] if comment.get("parent_id") else comment
        if comment["internal"] or root["internal"]:
            return False
        if visible_to_others:
            return True
        author = comment["author"]
        if author["kind"] == "collaborator":
            return author["id"] == me
        if root is comment:
            return True
        return root["author"]["kind"] == "staff" or root["author"]["id"] == me

    seqs = []
    for event in events:
        kind, data = event["type"], event["data"]
        if kind.startswith("comment."):
            visible = may_see(data["comment"])
        elif kind == "receipt.ready":
            visible = may_see(comments[data["comment_id"]])
        else:
            visible = True
        if visible:
            seqs.append(event["seq"])
    return seqs


async def run_load(base_url: str, api_key: str, config: LoadConfig | None = None,
                   server_cpu_seconds=None) -> LoadResult:
    """Seeds, loads, drains and collects; raises LoadError when it cannot set up or run."""
    config = config or LoadConfig()
    config.validate()
    base_url = base_url.rstrip("/")
    staff = aiohttp.ClientSession(base_url, headers={"Authorization": f"Bearer {api_key}"},
                                  timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
                                  connector=aiohttp.TCPConnector(limit=64 + config.sessions))  # + the staff rooms
    clients: list[Client] = []
    staff_rooms: dict[int, Room] = {}
    try:
        return await _run(base_url, staff, config, clients, staff_rooms, server_cpu_seconds)
    finally:
        # Whatever happened: every room closed, every session's sockets released.
        rooms = [c.room for c in clients if c.room] + list(staff_rooms.values())
        await asyncio.gather(*(room.close() for room in rooms), return_exceptions=True)
        await asyncio.gather(*(c.http.close() for c in clients if c.http), return_exceptions=True)
        await staff.close()


async def _run(base_url, staff, config, clients, staff_rooms, server_cpu_seconds) -> LoadResult:
    started = time.perf_counter()
    project = await request_json(staff, "POST", "/api/v1/projects",
                                 json={"name": f"Feedback load {uuid.uuid4().hex[:8]}"})
    versions = await seed_media(staff, project["id"])
    log(f"seeded {len(versions)} versions (transcoded) in {time.perf_counter() - started:.1f}s")

    sessions: list[SessionInfo] = []
    for index in range(config.sessions):
        visible = index % 2 == 0
        created = await request_json(staff, "POST", f"/api/v1/projects/{project['id']}/sessions", json={
            "title": f"Load session {index}", "version_ids": versions,
            "settings": {"comments_visible_to_others": visible}})
        if created["settings"]["comments_visible_to_others"] != visible:
            raise LoadError(f"session {created['id']} did not take comments_visible_to_others={visible}")
        sessions.append(SessionInfo(index=index, id=created["id"], visible_to_others=visible))

    positions = Counter()
    plan = []
    for index in range(config.clients):
        session = sessions[index % config.sessions]
        plan.append((session, index, positions[session.index]))
        positions[session.index] += 1
    clients += await bounded_gather(SETUP_CONCURRENCY, [invite(staff, s, i, p) for s, i, p in plan])
    await bounded_gather(SETUP_CONCURRENCY, [enter(base_url, c) for c in clients])

    # The player's facts of each item, as collaborators see them (frame counts for anchors,
    # the display size for drawings).
    for session in sessions:
        first = next(c for c in clients if c.session is session)
        listed = await request_json(first.http, "GET", f"/api/v1/review/sessions/{session.id}/items")
        for item in listed["data"]:
            media = item["media"]
            session.items.append({"id": item["id"], "frame_count": media["frame_count"], "width": media["width"],
                                  "height": media["height"], "pixel_aspect": media.get("pixel_aspect", "1/1")})
        if len(session.items) != len(versions) or any(i["frame_count"] < 1 for i in session.items):
            raise LoadError(f"session {session.id} items as collaborators see them: {listed}")

    for session in sessions:
        room = Room(f"staff:{session.index}", staff, f"/api/v1/sessions/{session.id}/room")
        room.start()
        staff_rooms[session.index] = room
    everyone = [c.room for c in clients] + list(staff_rooms.values())
    if not await wait_all([r.hello for r in everyone], HELLO_TIMEOUT):
        silent = [r.label for r in everyone if not r.hello.is_set()]
        problems = "; ".join(p for r in everyone for p in r.problems[:1])
        raise LoadError(f"{len(silent)} rooms said nothing within {HELLO_TIMEOUT:.0f}s: {silent[:10]} {problems}")
    log(f"{len(clients)} collaborators in {len(sessions)} sessions, every room open "
        f"({time.perf_counter() - started:.1f}s)")

    writes: list[Write] = []
    await asyncio.gather(*(observer_refusal(c, writes) for c in clients if c.role == "observer"))

    stop_monitor = asyncio.Event()
    lag: list[float] = []
    client_cpu: list[float] = []
    server_cpu: list[float] = []
    watcher = asyncio.create_task(monitor(stop_monitor, lag, client_cpu, server_cpu, server_cpu_seconds))
    load_started = time.perf_counter()
    deadline = load_started + config.seconds
    writers = [collaborator_writes(c, config, deadline, writes) for c in clients if c.role != "observer"]
    writers += [staff_writes(staff, s, staff_rooms[s.index], config, deadline, writes) for s in sessions]
    await asyncio.gather(*writers)
    load_ended = time.perf_counter()
    stop_monitor.set()
    await watcher
    ok = sum(w.ok for w in writes)
    log(f"load done: {len(writes)} writes ({ok} 2xx) in {load_ended - load_started:.1f}s")

    drain_problems: list[str] = []
    # Frame receipts come from the worker, after the writes: wait until none is pending.
    drain_deadline = time.monotonic() + RECEIPT_DRAIN_TIMEOUT
    while True:
        comments = {s.index: await read_comments(staff, s.id) for s in sessions}
        receipts = Counter((c.get("receipt") or {}).get("state") for cs in comments.values() for c in cs)
        if receipts["pending"] == 0:
            break
        if time.monotonic() > drain_deadline:
            drain_problems.append(f"{receipts['pending']} frame receipts still pending "
                                  f"{RECEIPT_DRAIN_TIMEOUT:.0f}s after the load ended")
            break
        await asyncio.sleep(0.5)
    log(f"receipts settled: {dict(receipts)} ({time.perf_counter() - load_ended:.1f}s after the load)")

    events = {s.index: await read_events(staff, s.id) for s in sessions}
    statuses = {s.index: await read_statuses(staff, s.id) for s in sessions}
    # Every room gets, in time, the last event it may see.
    targets = []
    for _label, session, room, viewer in all_rooms(clients, staff_rooms, sessions):
        seqs = expected_seqs(events[session.index], viewer, session.visible_to_others)
        targets.append((room, seqs[-1] if seqs else 0))
    room_deadline = time.monotonic() + ROOM_DRAIN_TIMEOUT
    while True:
        behind = [(room, last) for room, last in targets
                  if room.last_seq < last and not room.closed.is_set()]
        if not behind or time.monotonic() > room_deadline:
            break
        await asyncio.sleep(0.2)
    if behind:
        drain_problems.append(f"{len(behind)} rooms were still behind {ROOM_DRAIN_TIMEOUT:.0f}s after the "
                              f"receipts settled, e.g. " + ", ".join(f"{r.label} at seq {r.last_seq} of {last}"
                                                                      for r, last in behind[:5]))
    # A moment for anything extra (a duplicate, an event it may not see) to show up; not timed.
    await asyncio.sleep(1.0)
    log(f"rooms drained ({time.perf_counter() - load_ended:.1f}s after the load); closing")
    await asyncio.gather(*(room.close() for room in everyone))
    events_after = {s.index: await read_events(staff, s.id) for s in sessions}
    comments = {s.index: await read_comments(staff, s.id) for s in sessions}
    receipts = Counter((c.get("receipt") or {}).get("state") for cs in comments.values() for c in cs)

    return LoadResult(
        config=config, sessions=sessions, clients=clients, staff_rooms=staff_rooms, writes=writes,
        load_started=load_started, load_ended=load_ended, events=events, events_after_close=events_after,
        comments=comments, statuses=statuses, drain_problems=drain_problems,
        receipts_pending=receipts["pending"], receipts_failed=receipts["failed"],
        loop_lag=lag, client_cpu=client_cpu, server_cpu=server_cpu)


# --------------------------------------------------------------------------------------
# Checks: each returns a list of problems (empty when all is well), and how much it checked


def check_writes(result: LoadResult) -> tuple[list[str], dict]:
    """Every write got the answer it must (2xx; 403 for observers' statuses): none failed
    with a 5xx, none timed out, no 429/503."""
    problems = []
    by_status = Counter(w.status for w in result.writes)
    for write in result.writes:
        if write.status != write.expected and not (write.expected in (200, 201) and write.ok):
            kind = ("5xx" if write.status and write.status >= 500 else "throttled" if write.status == 429
                    else "transport" if write.status is None else "unexpected")
            problems.append(f"[{kind}] {write.describe()}")
    return problems, {"writes": len(result.writes), "by_status": dict(by_status)}


def check_stored(result: LoadResult) -> tuple[list[str], int]:
    """Every comment write that got a 2xx is in the staff comment list as written (and
    nothing else is); every status write that got a 2xx is one change in the history, and
    the last one is the current status."""
    problems: list[str] = []
    checked = 0
    for session in result.sessions:
        stored = {c["id"]: c for c in result.comments[session.index]}
        wanted: dict[str, Write] = {}
        for write in result.writes:
            if write.session != session.index or not write.ok or "status" in write.kind:
                continue
            comment_id = write.body["id"]
            wanted[comment_id] = write
            got = stored.get(comment_id)
            checked += 1
            if got is None:
                problems.append(f"session {session.index}: comment {comment_id} answered {write.status} but is not "
                                f"in the staff list: {write.describe()}")
                continue
            mismatch = [name for name, ok in (
                ("text", got["text"] == write.request["text"]),
                ("item_id", got["item_id"] == write.item_id),
                ("parent_id", got.get("parent_id") == write.request.get("parent_id")),
                ("internal", got["internal"] == (write.request.get("internal", False)
                                                or (stored.get(got.get("parent_id"), {}).get("internal", False)))),
                ("drawing", ("drawing" in got) == ("drawing" in write.request)),
                ("anchor", {k: v for k, v in (got.get("anchor") or {}).items() if k in ("frame", "first", "last")}
                 == write.request.get("anchor", {})),
            ) if not ok]
            if mismatch:
                problems.append(f"session {session.index}: comment {comment_id} stored with other "
                                f"{', '.join(mismatch)}: {json.dumps(got)[:400]}")
        extra = set(stored) - set(wanted)
        if extra:
            problems.append(f"session {session.index}: {len(extra)} comments stored that no 2xx write made: "
                            f"{sorted(extra)[:5]}")

        # Statuses: each (collaborator, item) pair's 2xx writes, in the order they were made.
        made: dict[tuple, list[str]] = defaultdict(list)
        for write in sorted(result.writes, key=lambda w: w.sent):
            if write.session == session.index and write.kind == "status" and write.ok:
                made[(write.body["collaborator"]["id"], write.item_id)].append(write.request["status"])
        current = {(s["collaborator"]["id"], s["item_id"]): s for s in result.statuses[session.index]}
        for key, sequence in made.items():
            checked += len(sequence)
            got = current.get(key)
            if got is None:
                problems.append(f"session {session.index}: {len(sequence)} status writes of collaborator {key[0]} "
                                f"on item {key[1]} answered 2xx, but the status list has none")
                continue
            history = [change["to"] for change in got["history"]]
            if history != sequence or got["status"] != sequence[-1]:
                problems.append(f"session {session.index}: collaborator {key[0]} on item {key[1]}: wrote "
                                f"{sequence}, stored status {got['status']} with history {history}")
        # The list shows everyone's status on every item: untouched ones are pending, unchanged.
        extra = [s for key, s in current.items() if key not in made and (s["status"] != "pending" or s["history"])]
        if extra:
            problems.append(f"session {session.index}: {len(extra)} statuses changed that no 2xx write changed, "
                            f"e.g. {json.dumps(extra[0])[:400]}")

        # And each 2xx write is one event in the session's log.
        events = result.events[session.index]
        created = Counter(e["data"]["comment"]["id"] for e in events if e["type"] == "comment.created")
        changed = Counter(status_key(e["data"]["status"]) for e in events if e["type"] == "status.changed")
        for comment_id in wanted:
            if created[comment_id] != 1:
                problems.append(f"session {session.index}: comment {comment_id} has {created[comment_id]} "
                                f"comment.created events, not 1")
        status_writes = sum(len(s) for s in made.values())
        if sum(changed.values()) != status_writes or any(n != 1 for n in changed.values()):
            problems.append(f"session {session.index}: {status_writes} status writes answered 2xx, but the log "
                            f"holds {sum(changed.values())} status.changed events "
                            f"({sum(1 for n in changed.values() if n != 1)} repeated)")
    return problems, checked


def check_event_log(result: LoadResult) -> list[str]:
    """The staff event list is the session's history without gaps, and nothing happened
    after the drain (while the rooms were being closed)."""
    problems = []
    for session in result.sessions:
        seqs = [e["seq"] for e in result.events[session.index]]
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(f"session {session.index}: the staff event list is not 1...{len(seqs)} without gaps: "
                            f"{first_difference(seqs, list(range(1, len(seqs) + 1)))}")
        after = result.events_after_close[session.index]
        if [e["seq"] for e in after] != seqs:
            problems.append(f"session {session.index}: {len(after) - len(seqs)} events appeared after the drain: "
                            f"{[(e['seq'], e['type']) for e in after[len(seqs):]][:5]}")
    return problems


def first_difference(got: list[int], expected: list[int]) -> str:
    for index, (a, b) in enumerate(zip(got, expected, strict=False)):
        if a != b:
            return f"at position {index}: got {a}, expected {b} (got ...{got[max(0, index - 2):index + 3]})"
    if len(got) != len(expected):
        return f"got {len(got)} events, expected {len(expected)}"
    return "equal"


def check_rooms(result: LoadResult) -> tuple[list[str], int]:
    """Every room got exactly the events of its session it may see, in strictly increasing
    seq order: none missing, none twice, none it may not see; and no room closed but for
    4008 (reconnected), nor said anything unexpected."""
    problems: list[str] = []
    checked = 0
    for label, session, room, viewer in result.rooms:
        events = result.events[session.index]
        expected = expected_seqs(events, viewer, session.visible_to_others)
        got = [r.seq for r in room.received]
        checked += len(got)
        where = f"{label} ({viewer['kind']}, session {session.index}, " \
                f"{'shared' if session.visible_to_others else 'own'} comments)"
        for problem in room.problems:
            problems.append(f"{where}: {problem}")
        if got == expected:
            continue
        out_of_order = [(a, b) for a, b in zip(got, got[1:], strict=False) if b <= a]
        counts = Counter(got)
        duplicated = sorted(seq for seq, n in counts.items() if n > 1)
        expected_set = set(expected)
        missing = sorted(expected_set - set(got))
        forbidden = sorted(set(got) - expected_set)
        types = {e["seq"]: e["type"] for e in events}
        detail = []
        if out_of_order:
            detail.append(f"{len(out_of_order)} out of order, first {out_of_order[0]}")
        if duplicated:
            detail.append(f"{len(duplicated)} duplicated, e.g. {duplicated[:5]}")
        if missing:
            detail.append(f"{len(missing)} missing, e.g. {[(s, types.get(s)) for s in missing[:5]]}")
        if forbidden:
            detail.append(f"{len(forbidden)} it may not see, e.g. {[(s, types.get(s)) for s in forbidden[:5]]}")
        if not detail:
            detail.append(first_difference(got, expected))
        problems.append(f"{where}: got {len(got)} events, expected {len(expected)}: " + "; ".join(detail)
                        + f" (reconnects {room.reconnects})")
    return problems, checked


VISIBILITY_CASES = (
    "internal comment", "reply in an internal thread", "own-comments session: collaborator's comment",
    "own-comments session: collaborator's reply", "own-comments session: staff reply in a collaborator's thread",
    "own-comments session: staff reply in a staff thread", "shared session: reply to another collaborator",
    "receipt of a collaborator's comment",
)


def visibility_cases(result: LoadResult) -> Counter:
    """How often each case of the visibility rule occurred in the events, so a test can
    tell the rule was exercised (the rooms check is only as good as its cases)."""
    cases: Counter = Counter()
    for session in result.sessions:
        comments = {}
        prefix = "shared session" if session.visible_to_others else "own-comments session"
        for event in result.events[session.index]:
            if event["type"] == "receipt.ready":
                comment = comments.get(event["data"]["comment_id"], {})
                if (comment.get("author") or {}).get("kind") == "collaborator":
                    cases["receipt of a collaborator's comment"] += 1
                continue
            if event["type"] != "comment.created":
                continue
            comment = event["data"]["comment"]
            comments[comment["id"]] = comment
            author = comment["author"]
            parent = comments.get(comment.get("parent_id")) if comment.get("parent_id") else None
            if parent is None:
                cases["internal comment" if comment["internal"] else f"{prefix}: {author['kind']}'s comment"] += 1
                continue
            if parent["internal"] or comment["internal"]:
                cases["reply in an internal thread"] += 1
            elif author["kind"] == "staff":
                thread = "a staff thread" if parent["author"]["kind"] == "staff" else "a collaborator's thread"
                cases[f"{prefix}: staff reply in {thread}"] += 1
            elif parent["author"]["kind"] == "collaborator" and parent["author"]["id"] != author["id"]:
                cases[f"{prefix}: reply to another collaborator"] += 1
            else:
                cases[f"{prefix}: collaborator's reply"] += 1
    return cases


def check_all(result: LoadResult) -> list[str]:
    problems = list(result.drain_problems)
    problems += check_writes(result)[0]
    problems += check_stored(result)[0]
    problems += check_event_log(result)
    problems += check_rooms(result)[0]
    if result.receipts_pending or result.receipts_failed:
        problems.append(f"frame receipts: {result.receipts_pending} pending, {result.receipts_failed} failed")
    return problems


# --------------------------------------------------------------------------------------
# Figures


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def fanout_delays(result: LoadResult) -> list[float]:
    """For each write that got a 2xx and each room that received its event: the time from
    the write's answer to that room reading the event (0 when the event came first)."""
    answered = {}
    for write in result.writes:
        if not write.ok:
            continue
        if "status" in write.kind:
            answered[status_key(write.body)] = write.done
        else:
            answered[write.body["id"]] = write.done
    delays = []
    for _, _, room, _ in result.rooms:
        for received in room.received:
            done = answered.get(received.key) if received.key is not None else None
            if done is not None:
                delays.append(max(0.0, received.at - done))
    return delays


def figures(result: LoadResult) -> list[tuple[str, str]]:
    ok = [w for w in result.writes if w.ok and w.kind != "observer_status"]
    window = result.load_ended - result.load_started
    latencies = [w.latency * 1000 for w in ok]
    delays = [d * 1000 for d in fanout_delays(result)]
    rooms = result.rooms

    def ms(value):
        return "n/a" if value is None else f"{value:.1f}"

    def cores(values):
        return "n/a" if not values else f"{percentile(values, 50):.2f}"

    failed = [w for w in result.writes if not (w.ok or w.status == w.expected)]
    return [
        ("clients (collaborators)", str(len(result.clients))),
        ("sessions", str(len(result.sessions))),
        ("sessions showing each collaborator only their own comments",
         str(sum(not s.visible_to_others for s in result.sessions))),
        ("room connections (clients and one staff room per session)", str(len(rooms))),
        ("pace: mean seconds between one client's writes", f"{result.config.interval:g}"),
        ("pace: mean seconds between one session's staff writes", f"{result.config.staff_interval:g}"),
        ("load seconds", f"{window:.1f}"),
        ("writes answered 2xx", str(len(ok))),
        ("writes failed (non-2xx or no answer)", str(len(failed))),
        ("writes per second", f"{len(ok) / window:.1f}" if window > 0 else "n/a"),
        ("write latency p50 ms", ms(percentile(latencies, 50))),
        ("write latency p99 ms", ms(percentile(latencies, 99))),
        ("events delivered to rooms", str(sum(len(r.received) for _, _, r, _ in rooms))),
        ("event fan-out delay p50 ms", ms(percentile(delays, 50))),
        ("event fan-out delay p99 ms", ms(percentile(delays, 99))),
        ("reconnects after 4008", str(sum(r.reconnects for _, _, r, _ in rooms))),
        ("reconnects after anything else", str(sum(r.unexpected_reconnects for _, _, r, _ in rooms))),
        ("load client event-loop lag p99 ms", ms(percentile([x * 1000 for x in result.loop_lag], 99))),
        ("load client CPU cores, median per second", cores(result.client_cpu)),
        ("server+worker CPU cores, median per second", cores(result.server_cpu)),
    ]


def print_figures(result: LoadResult, out=sys.stdout) -> None:
    rows = figures(result)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label + ':':<{width + 1}} {value}", file=out)
    out.flush()


# --------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--dailies", help="start this dailies binary (with its worker) in a temporary data dir")
    target.add_argument("--base-url", help="load an already running server (with --api-key)")
    parser.add_argument("--api-key", help="the admin's API key, with --base-url")
    defaults = LoadConfig.from_env()
    parser.add_argument("--clients", type=int, default=defaults.clients, help="collaborators (DAILIES_LOAD_CLIENTS)")
    parser.add_argument("--sessions", type=int, default=defaults.sessions, help="sessions (DAILIES_LOAD_SESSIONS)")
    parser.add_argument("--seconds", type=float, default=defaults.seconds, help="load time (DAILIES_LOAD_SECONDS)")
    parser.add_argument("--interval", type=float, default=defaults.interval,
                        help="mean seconds between a collaborator's writes (DAILIES_LOAD_INTERVAL)")
    parser.add_argument("--staff-interval", type=float, default=defaults.staff_interval,
                        help="mean seconds between a session's staff writes (DAILIES_LOAD_STAFF_INTERVAL)")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="DAILIES_LOAD_SEED")
    parser.add_argument("--keep", action="store_true", help="keep the server's data dir and log (with --dailies)")
    parser.add_argument("--database", help="the server's catalog, as dailies serve's --database says (with --dailies; "
                                           "default: SQLite in its data dir)")
    parser.add_argument("--summary", help="also write the figures to this file, as JSON ([label, value] pairs)")
    args = parser.parse_args(argv)
    if args.base_url and not args.api_key:
        parser.error("--base-url needs --api-key")
    if args.database and not args.dailies:
        parser.error("--database goes with --dailies")
    config = LoadConfig(clients=args.clients, sessions=args.sessions, seconds=args.seconds, interval=args.interval,
                        staff_interval=args.staff_interval, seed=args.seed)
    try:
        config.validate()
    except ValueError as error:
        parser.error(str(error))

    server = None
    keep = args.keep
    try:
        if args.dailies:
            server = DailiesServer(args.dailies,
                                   arguments=["--database", args.database] if args.database else None).start()
            log(f"dailies serve (pid {server.pid}) at {server.base_url}, data in {server.workdir}")
            base_url, api_key, cpu = server.base_url, server.api_key, server.cpu_seconds
        else:
            base_url, api_key, cpu = args.base_url, args.api_key, None
        result = asyncio.run(run_load(base_url, api_key, config, cpu))
        print_figures(result)
        if args.summary:
            with open(args.summary, "w") as file:
                json.dump(figures(result), file, indent=1)
        problems = check_all(result)
        if server is not None and server.process.poll() is not None:
            problems.append(f"the server exited with {server.process.returncode} during the run")
        if problems:
            keep = True
            print(f"\nFAILED: {len(problems)} problems", file=sys.stderr)
            for problem in problems[:50]:
                print(f"  - {problem}", file=sys.stderr)
            if len(problems) > 50:
                print(f"  ... and {len(problems) - 50} more", file=sys.stderr)
            return 1
        print("checks: every 2xx write stored, every room got exactly the events it may see, in order",
              file=sys.stderr)
        return 0
    except LoadError as error:
        keep = True
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()
            if keep:
                print(f"the server's data dir and log are kept in {server.workdir} (log: {server.log_path})",
                      file=sys.stderr)
                print("the end of the server's log:\n" + server.log_tail(20), file=sys.stderr)
            else:
                server.remove()


if __name__ == "__main__":
    sys.exit(main())

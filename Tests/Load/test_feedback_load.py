"""Feedback under load: 200 collaborators (DAILIES_LOAD_CLIENTS) in 10 review sessions
(DAILIES_LOAD_SESSIONS), half of them showing each collaborator only their own comments,
each holding the session's live room open while commenting (on frames and ranges, with
drawings), replying and setting statuses for 30 s (DAILIES_LOAD_SECONDS), beside staff
posting public and internal comments; see feedback_load.py for the load itself.

It asserts counts and order, never time:

- every write got the answer it must: a 2xx (observers' statuses: 403); no 5xx, no 429,
  no timeout;
- every write that got a 2xx is stored as written (the staff comment lists, the statuses
  with their histories), nothing else is, and each is one event in the session's log;
- the session's log has no gaps, every frame receipt was made, and nothing happened after;
- every room got exactly the events of its session it may see (worked out from the staff
  event list and the visibility rule of docs/feedback-format.md), in strictly increasing
  seq order: none missing, none twice, none it may not see.

Run: DAILIES_BIN=.build/debug/dailies .build-venv/bin/python -m pytest -p no:cacheprovider Tests/Load -q
"""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from aiohttp import web

import feedback_load
from feedback_load import LoadConfig, LoadResult

SHOWN = 30  # problems listed in a failure message


@pytest.fixture(scope="module")
def load(server) -> LoadResult:
    """One load run for every test of this module."""
    config = LoadConfig.from_env()
    try:
        result = asyncio.run(feedback_load.run_load(server.base_url, server.api_key, config, server.cpu_seconds))
    except feedback_load.LoadError as error:
        pytest.fail(f"the load could not run: {error}\n{server_log(server)}")
    print()
    feedback_load.print_figures(result)  # shown with -s
    return result


def server_log(server) -> str:
    alive = "running" if server.process.poll() is None else f"EXITED with {server.process.returncode}"
    notable = server.log_tail(20, grep=r"(?i)\b(error|warning|critical|fatal)\b")
    return (f"the server ({alive}), {server.log_path}; its warnings and errors:\n{notable or '(none)'}\n"
            f"its last lines:\n{server.log_tail(10)}")


def listed(problems: list[str]) -> str:
    more = f"\n  ... and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    return "\n".join(f"  - {p}" for p in problems[:SHOWN]) + more


def test_every_write_answered_as_it_must(load, server):
    problems, stats = feedback_load.check_writes(load)
    ok = sum(w.ok for w in load.writes)
    assert ok > 0 and ok >= len(load.clients), f"too few writes to check anything: {stats}"
    assert not problems, (f"{len(problems)} of {stats['writes']} writes did not get the answer they must "
                          f"(answers by status: {stats['by_status']}):\n{listed(problems)}\n{server_log(server)}")
    assert server.process.poll() is None, f"the server exited during the load\n{server_log(server)}"


def test_every_2xx_write_is_stored(load, server):
    problems, checked = feedback_load.check_stored(load)
    writes = sum(w.ok for w in load.writes if w.kind != "observer_status")
    assert checked > 0 and checked == writes, f"checked {checked} stored writes of {writes} answered 2xx"
    assert not problems, f"{len(problems)} differences:\n{listed(problems)}\n{server_log(server)}"


def test_event_log_complete_and_settled(load, server):
    problems = list(load.drain_problems) + feedback_load.check_event_log(load)
    if load.receipts_pending or load.receipts_failed:
        problems.append(f"frame receipts: {load.receipts_pending} still pending, {load.receipts_failed} failed")
    events = sum(len(e) for e in load.events.values())
    receipts = sum(e["type"] == "receipt.ready" for es in load.events.values() for e in es)
    assert events > 0 and receipts > 0, f"{events} events, {receipts} receipts: nothing to check"
    assert not problems, f"{len(problems)} problems:\n{listed(problems)}\n{server_log(server)}"


def test_every_room_got_every_event_it_may_see_in_order(load, server):
    problems, checked = feedback_load.check_rooms(load)
    rooms = load.rooms
    silent = [label for label, _, room, _ in rooms if not room.received]
    assert checked > 0 and not silent, f"{len(silent)} rooms received no event: {silent[:10]}"
    # The rule was exercised: every case of it occurred, and some rooms were shown less
    # than their whole session.
    cases = feedback_load.visibility_cases(load)
    unexercised = [case for case in feedback_load.VISIBILITY_CASES if not cases[case]]
    assert not unexercised, f"cases of the visibility rule that never occurred: {unexercised} (seen: {dict(cases)})"
    hidden = sum(1 for _, session, room, viewer in rooms
                 if viewer["kind"] == "collaborator" and len(room.received) < len(load.events[session.index]))
    assert hidden > 0, "no room was shown less than its whole session: the visibility rule went unchecked"
    assert not problems, (f"{len(problems)} of {len(rooms)} rooms did not get exactly what they may see, "
                          f"in order:\n{listed(problems)}\n{server_log(server)}")


def test_driver_resumes_after_4008():
    """The driver itself: a room closed with 4008 reconnects with ?after=<last seq> and
    continues, counted (a fake room here: the server's 4008 needs a reader stalled for
    hundreds of messages, which this load's pace does not make)."""

    async def scenario():
        afters: list[int] = []

        async def room(request):
            after = int(request.query.get("after", "0"))
            afters.append(after)
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            await ws.send_str(json.dumps({"type": "presence", "at": "2026-11-23T10:00:00.000Z", "participants": []}))
            await ws.send_str(json.dumps({"type": "presenter", "at": "2026-11-23T10:00:00.000Z"}))
            last = 7 if len(afters) == 1 else 12
            for seq in range(after + 1, last + 1):
                await ws.send_str(json.dumps({"seq": seq, "type": "item.changed", "at": "2026-11-23T10:00:00.000Z",
                                              "data": {"item_id": "0A4C6F12-8B1D-4E0B-9C44-2F6E5D3A1B90"}}))
            if len(afters) == 1:
                await ws.close(code=4008, message=b"too far behind")
            else:
                async for _ in ws:
                    pass
            return ws

        app = web.Application()
        app.router.add_get("/room", room)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
                watcher = feedback_load.Room("fake", http, "/room")
                watcher.start()
                async with asyncio.timeout(30):
                    while watcher.last_seq < 12:
                        await asyncio.sleep(0.05)
                await watcher.close()
        finally:
            await runner.cleanup()
        return afters, watcher

    afters, watcher = asyncio.run(scenario())
    assert [r.seq for r in watcher.received] == list(range(1, 13))
    assert afters == [0, 7]
    assert watcher.reconnects == 1 and watcher.unexpected_reconnects == 0
    assert watcher.problems == []

"""The load client of Scripts/bench-api.sh: seeds a running `dailies serve` through its REST
API, then loads it and prints what it measured. Run it through bench-api.sh, which builds the
server, authors the media, starts and stops the server; its venv brings aiohttp.

Seeding: a project; one version per media file, each uploaded and transcoded by the server's
worker; SESSIONS review sessions holding every version, each with COLLABORATORS_PER_SESSION
collaborators who trade their invite token for the access cookie (each their own cookie
jar); and passphrase sessions whose collaborators' invite tokens the storm uses.

Load: one coroutine per simulated user, without think time, so the concurrency is fixed:
every collaborator loops over (list the items, read the detail, grab a random frame at
480 px), every staff reader over (list projects, versions, sessions). A warm-up first (not
counted), then run 1 (idle: that load alone) and run 2 (the same load, plus another client
sending STORM_RATE wrong passphrases per second, open-loop, so a slow server makes them
pile up as a real attacker's would).

Any non-2xx answer or transport error of the normal load is a failure: they are listed and
the exit status is 1.

With --summary PATH it also writes the main figures of both runs to PATH as JSON: per route
group req/s, p50 and p99, the storm's p50 and p99, the server's CPU and peak RSS (bench-api.sh
sets them side by side for the two catalog engines).
"""

import argparse
import asyncio
import collections
import hashlib
import json
import math
import os
import random
import sys
import time

import aiohttp

SESSIONS = 10
COLLABORATORS_PER_SESSION = 20
STAFF_READERS = 10
STORM_RATE = 20  # wrong passphrases per second
STORM_SESSIONS = 3
# The server refuses a token (429) after 5 wrong passphrases from one address within 15
# minutes; with at most 4 tries per token every storm attempt reaches the passphrase check.
STORM_TRIES_PER_TOKEN = 4
STORM_MAX_IN_FLIGHT = 400  # bounds the open-loop storm if the server stops answering
PASSPHRASE = "north light bench"
FRAME_WIDTH = 480
SAFE_FRAMES = 24  # frames grabbed from when a proxy's frame count cannot be found
REQUEST_TIMEOUT = 60  # seconds: a stalled request is a failure, not a hung benchmark

GROUPS = ("review list", "review detail", "frame grab", "staff reads")


def log(message):
    print(message, file=sys.stderr, flush=True)


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


class Recorder:
    """Latencies and failures of one run, by route group."""

    def __init__(self, deadline):
        # Requests that started before the deadline all count for latency (the slow ones left
        # in flight at the end too, or a stall would hide); req/s counts the answers that
        # came within the run.
        self.deadline = deadline
        self.latencies = {group: [] for group in GROUPS}
        self.in_window = collections.Counter()
        self.last_answer = 0.0
        self.failures = {group: collections.Counter() for group in GROUPS}
        self.examples = {}  # (group, reason) -> the first answer's text, to show

    def ok(self, group, ms):
        self.latencies[group].append(ms)
        self.last_answer = now = time.perf_counter()
        if now <= self.deadline:
            self.in_window[group] += 1

    def fail(self, group, reason, detail):
        self.failures[group][reason] += 1
        self.examples.setdefault((group, reason), detail[:300])

    def failed(self):
        return sum(sum(counter.values()) for counter in self.failures.values())


async def request(client, recorder, group, method, url, **options):
    """One timed request; returns the body of a 2xx answer, or None (recorded as a failure)."""
    started = time.perf_counter()
    try:
        async with client.request(method, url, **options) as response:
            body = await response.read()
            ms = (time.perf_counter() - started) * 1000
            if 200 <= response.status < 300:
                recorder.ok(group, ms)
                return body
            recorder.fail(group, f"HTTP {response.status}", body.decode("utf-8", "replace"))
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        recorder.fail(group, type(error).__name__, str(error) or type(error).__name__)
    return None


class API:
    """Staff calls for seeding: each must succeed, or the benchmark stops with the answer."""

    def __init__(self, client, base):
        self.client, self.base = client, base

    async def call(self, method, path, expect=(200, 201, 202), **options):
        async with self.client.request(method, self.base + path, **options) as response:
            text = await response.text()
            if response.status not in expect:
                sys.exit(f"error: {method} {path} answered {response.status}: {text[:500]}")
            return json.loads(text) if text else None


def find_key(value, key):
    """The first value of `key` anywhere in decoded JSON."""
    if isinstance(value, dict):
        if key in value:
            return value[key]
        value = list(value.values())
    if isinstance(value, list):
        for element in value:
            found = find_key(element, key)
            if found is not None:
                return found
    return None


async def seed(api, media, storm_tokens):
    """Creates everything through the API; returns what the load needs."""
    project = await api.call("POST", "/api/v1/projects", json={"name": "Bench", "code": "BN"})
    pid = project["id"]
    versions = []
    for number, path in enumerate(media, 1):
        version = await api.call("POST", f"/api/v1/projects/{pid}/versions",
                                 json={"name": f"sh{number:03d}0_comp", "version_number": 1})
        with open(path, "rb") as file:
            data = file.read()
        await api.call("PUT", f"/api/v1/versions/{version['id']}/media", expect=(202,),
                       params={"filename": os.path.basename(path)}, data=data,
                       headers={"X-Content-SHA256": hashlib.sha256(data).hexdigest()})
        versions.append(version["id"])

    log(f"Waiting for the worker to transcode {len(versions)} versions...")
    started = time.monotonic()
    frame_counts = {}
    for vid in versions:
        while True:
            version = await api.call("GET", f"/api/v1/versions/{vid}")
            if version["media_state"] == "ready":
                break
            if version["media_state"] == "failed":
                sys.exit(f"error: transcoding version {vid} failed: {version.get('media_error')}")
            if time.monotonic() - started > 600:
                sys.exit(f"error: version {vid} is still '{version['media_state']}' after 10 minutes")
            await asyncio.sleep(0.5)
        # The proxy's probe (media_info) says how many frames there are to grab from.
        components = (await api.call("GET", f"/api/v1/versions/{vid}/components"))["data"]
        proxy = next((c for c in components if c["kind"] == "proxy"), None)
        info = proxy.get("media_info") if proxy else None
        if isinstance(info, str):  # servers before the playback info sent it as JSON text
            info = json.loads(info)
        count = find_key(info, "frame_count") if info else None
        frame_counts[vid] = count
    log(f"  ready after {time.monotonic() - started:.1f} s; frames: {sorted(set(frame_counts.values()), key=str)}")

    sessions = []  # (session id, [invite tokens])
    frames_of_item = {}
    for number in range(SESSIONS):
        session = await api.call("POST", f"/api/v1/projects/{pid}/sessions",
                                 json={"title": f"Bench review {number + 1}", "version_ids": versions})
        tokens = []
        for person in range(COLLABORATORS_PER_SESSION):
            invite = await api.call("POST", f"/api/v1/sessions/{session['id']}/collaborators",
                                    json={"name": f"Client {number + 1}.{person + 1}", "role": "reviewer"})
            tokens.append(invite["invite_url"].rsplit("/", 1)[1])
        sessions.append((session["id"], tokens))
        # Frames to grab from, per item: its proxy's frame count, or a safe range if unknown.
        for item in (await api.call("GET", f"/api/v1/sessions/{session['id']}/items"))["data"]:
            frames_of_item[item["id"]] = frame_counts[item["version_id"]] or SAFE_FRAMES

    # Sessions that ask for a passphrase; their collaborators' tokens are the storm's.
    storm = []
    for number in range(STORM_SESSIONS):
        session = await api.call("POST", f"/api/v1/projects/{pid}/sessions",
                                 json={"title": f"Locked review {number + 1}", "version_ids": versions,
                                       "settings": {"require_passphrase": True}, "passphrase": PASSPHRASE})
        for person in range(math.ceil(storm_tokens / STORM_SESSIONS)):
            invite = await api.call("POST", f"/api/v1/sessions/{session['id']}/collaborators",
                                    json={"name": f"Locked {number + 1}.{person + 1}", "role": "reviewer"})
            storm.append(invite["invite_url"].rsplit("/", 1)[1])
    return pid, versions, frame_counts, frames_of_item, sessions, storm


class Collaborator:
    """A simulated collaborator: their own client (connection and cookie jar)."""

    def __init__(self, base, session_id, token):
        self.base, self.session_id, self.token = base, session_id, token
        # unsafe=True: aiohttp's jar otherwise ignores cookies set by an IP address host.
        self.client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                            connector=aiohttp.TCPConnector(limit=1),
                                            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT))
        self.items = []

    async def enter(self):
        async with self.client.post(self.base + "/api/v1/review/access", json={"token": self.token}) as response:
            text = await response.text()
            if response.status != 200:
                sys.exit(f"error: POST /api/v1/review/access answered {response.status}: {text[:500]}")
        async with self.client.get(f"{self.base}/api/v1/review/sessions/{self.session_id}/items") as response:
            if response.status != 200:
                sys.exit(f"error: a collaborator's item list answered {response.status}: {(await response.text())[:500]}")
            self.items = (await response.json())["data"]


async def collaborator_loop(user, recorder, deadline, detail_route, frames_of_item):
    base, sid = user.base, user.session_id
    while time.perf_counter() < deadline:
        await request(user.client, recorder, "review list", "GET", f"{base}/api/v1/review/sessions/{sid}/items")
        item = random.choice(user.items)
        detail = f"/items/{item['id']}" if detail_route else ""
        await request(user.client, recorder, "review detail", "GET", f"{base}/api/v1/review/sessions/{sid}{detail}")
        frame = random.randrange(frames_of_item[item["id"]])
        await request(user.client, recorder, "frame grab", "GET",
                      f"{base}/api/v1/review/sessions/{sid}/items/{item['id']}/frames/{frame}",
                      params={"width": str(FRAME_WIDTH)})


async def staff_loop(client, recorder, deadline, base, pid):
    paths = ("/api/v1/projects", f"/api/v1/projects/{pid}/versions", f"/api/v1/projects/{pid}/sessions")
    while time.perf_counter() < deadline:
        for path in paths:
            await request(client, recorder, "staff reads", "GET", base + path)


class Storm:
    """Wrong passphrases at a fixed rate from a client of its own, over many invite tokens."""

    def __init__(self, base, tokens):
        self.base, self.tokens = base, tokens
        self.statuses = collections.Counter()
        self.latencies = []
        self.sent = self.skipped = 0

    async def attempt(self, client, token, number):
        started = time.perf_counter()
        try:
            async with client.post(self.base + "/api/v1/review/access",
                                   json={"token": token, "passphrase": f"wrong guess {number}"}) as response:
                await response.read()
                self.statuses[f"HTTP {response.status}"] += 1
                self.latencies.append((time.perf_counter() - started) * 1000)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            self.statuses[type(error).__name__] += 1

    async def run(self, deadline):
        client = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(),
                                       connector=aiohttp.TCPConnector(limit=STORM_MAX_IN_FLIGHT),
                                       timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT))
        tasks = set()
        next_at = time.perf_counter()
        try:
            # Open loop: the n-th attempt leaves at start + n/rate whatever the answers do.
            while next_at < deadline:
                await asyncio.sleep(max(0, next_at - time.perf_counter()))
                if len(tasks) >= STORM_MAX_IN_FLIGHT:
                    self.skipped += 1
                else:
                    task = asyncio.create_task(self.attempt(client, self.tokens[self.sent % len(self.tokens)], self.sent))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                    self.sent += 1
                next_at += 1 / STORM_RATE
            if tasks:
                await asyncio.gather(*tasks)
        finally:
            await client.close()


class ServerSampler:
    """Samples the server process's /proc entries during a run: threads, resident memory, CPU."""

    def __init__(self, pid):
        self.pid = pid
        self.threads = []
        self.rss_kb = []
        self.cpu_start = self.cpu_end = None
        self.machine_start = self.machine_end = None

    def read_status(self):
        fields = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                fields[key] = value.split()
        return fields

    @staticmethod
    def machine_seconds():
        """(CPU time every process on the machine has used, on all cores; time the hypervisor
        gave this machine's cores to other machines), from /proc/stat."""
        with open("/proc/stat") as stat:
            user, nice, system, idle, iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
        tick = os.sysconf("SC_CLK_TCK")
        return (user + nice + system + irq + softirq) / tick, steal / tick

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    async def run(self, stop):
        self.cpu_start, self.machine_start = self.cpu_seconds(), self.machine_seconds()
        while not stop.is_set():
            fields = self.read_status()
            self.threads.append(int(fields["Threads"][0]))
            self.rss_kb.append(int(fields["VmRSS"][0]))
            try:
                await asyncio.wait_for(stop.wait(), 0.25)
            except asyncio.TimeoutError:
                pass
        self.cpu_end, self.machine_end = self.cpu_seconds(), self.machine_seconds()

    def peak_hwm_kb(self):
        return int(self.read_status()["VmHWM"][0])


async def run_load(name, seconds, users, staff, base, pid, detail_route, frames_of_item, server_pid, storm=None):
    """One run of the normal load (and the storm, when given); returns its measurements."""
    sampler = ServerSampler(server_pid)
    stop = asyncio.Event()
    sampling = asyncio.create_task(sampler.run(stop))
    client_cpu = time.process_time()
    started = time.perf_counter()
    deadline = started + seconds
    recorder = Recorder(deadline)
    loops = [collaborator_loop(user, recorder, deadline, detail_route, frames_of_item) for user in users]
    loops += [staff_loop(client, recorder, deadline, base, pid) for client in staff]
    if storm:
        loops.append(storm.run(deadline))
    await asyncio.gather(*loops)
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    stop.set()
    await sampling
    log(f"  {name}: {sum(len(v) for v in recorder.latencies.values())} requests in {elapsed:.1f} s, "
        f"{recorder.failed()} failed")
    return {"recorder": recorder, "seconds": seconds, "elapsed": elapsed, "drain": max(0, recorder.last_answer - deadline),
            "sampler": sampler, "client_cpu": client_cpu, "storm": storm}


def table(run):
    """The per-group table of a run; returns its figures: by group (and 'all') requests, req/s,
    p50, p99 and failures; and the server's CPU (% of one core) and peak RSS (MiB)."""
    recorder, seconds, elapsed = run["recorder"], run["seconds"], run["elapsed"]
    print(f"  {'route group':16s} {'requests':>9s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'failed':>7s}")
    groups = {}
    everything = []
    for group in GROUPS + ("all",):
        if group == "all":
            latencies = sorted(everything)
            failed = recorder.failed()
            answered = sum(recorder.in_window.values())
        else:
            latencies = sorted(recorder.latencies[group])
            everything += latencies
            failed = sum(recorder.failures[group].values())
            answered = recorder.in_window[group]
        p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
        groups[group] = {"requests": len(latencies), "req_s": answered / seconds, "p50_ms": p50, "p99_ms": p99,
                         "failed": failed}
        show = lambda value: f"{value:8.1f}" if value is not None else f"{'-':>8s}"
        print(f"  {group:16s} {len(latencies):9d} {answered / seconds:8.1f} {show(p50)} {show(p99)} {failed:7d}")
    print(f"  (requests: every one started in the {seconds} s, for p50/p99; req/s: the successful answers within them; "
          f"the last answer came {run['drain']:.1f} s after the end)")
    sampler = run["sampler"]
    server_cpu = sampler.cpu_end - sampler.cpu_start
    # What neither the server nor this client used: other work on the machine (and the idle worker).
    others = max(0, sampler.machine_end[0] - sampler.machine_start[0] - server_cpu - run["client_cpu"])
    steal = sampler.machine_end[1] - sampler.machine_start[1]
    print(f"  server: {max(sampler.threads)} threads at most (from {min(sampler.threads)}), "
          f"peak RSS {max(sampler.rss_kb) / 1024:.1f} MiB ({len(sampler.rss_kb)} samples of /proc/PID/status "
          f"every 0.25 s), CPU {server_cpu / elapsed * 100:.0f}% of one core")
    print(f"  load client: CPU {run['client_cpu'] / elapsed * 100:.0f}% of one core; other processes on the machine: "
          f"{others / elapsed * 100:.0f}% of one core; hypervisor steal: {steal / elapsed * 100:.0f}% of one core")
    return {"groups": groups, "server_cpu_pct": server_cpu / elapsed * 100, "server_peak_rss_mib": max(sampler.rss_kb) / 1024,
            "others_cpu_pct": others / elapsed * 100}


def report_failures(name, recorder):
    for group in GROUPS:
        for reason, count in recorder.failures[group].most_common():
            print(f"  {name}, {group}: {count} x {reason}, e.g. {recorder.examples[(group, reason)]!r}")


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--summary", help="also write the main figures of both runs to this file, as JSON")
    parser.add_argument("media", nargs="+", help="movies to upload as the versions")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    staff_headers = {"Authorization": f"Bearer {args.api_key}"}

    storm_tokens = math.ceil(STORM_RATE * args.seconds / STORM_TRIES_PER_TOKEN)
    async with aiohttp.ClientSession(headers=staff_headers, timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)) as admin:
        log(f"Seeding through the API: a project, {len(args.media)} versions, {SESSIONS} sessions x "
            f"{COLLABORATORS_PER_SESSION} collaborators, {STORM_SESSIONS} passphrase sessions with {storm_tokens} invite tokens...")
        pid, versions, frame_counts, frames_of_item, sessions, storm_tokens = await seed(API(admin, base), args.media, storm_tokens)

    users = [Collaborator(base, sid, token) for sid, tokens in sessions for token in tokens]
    staff = [aiohttp.ClientSession(headers=staff_headers, connector=aiohttp.TCPConnector(limit=1),
                                   timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)) for _ in range(STAFF_READERS)]
    try:
        log(f"{len(users)} collaborators trade their invite tokens for the access cookie...")
        gate = asyncio.Semaphore(20)

        async def enter(user):
            async with gate:
                await user.enter()
        await asyncio.gather(*(enter(user) for user in users))

        # Is there an item-detail route for collaborators? If not, the session view stands in.
        probe = users[0]
        async with probe.client.get(f"{base}/api/v1/review/sessions/{probe.session_id}/items/{probe.items[0]['id']}") as response:
            await response.read()
            detail_status = response.status
        if detail_status == 200:
            detail_route = True
        elif detail_status in (404, 405):
            detail_route = False
        else:
            sys.exit(f"error: probing the item-detail route answered {detail_status}")

        # Warm up (grabbers open their proxies, connections open); not counted.
        log(f"Warm-up, {args.warmup} s...")
        warmup = await run_load("warm-up", args.warmup, users, staff, base, pid, detail_route, frames_of_item,
                                args.server_pid)
        log(f"Run 1, idle, {args.seconds} s...")
        idle = await run_load("run 1", args.seconds, users, staff, base, pid, detail_route, frames_of_item,
                              args.server_pid)
        log(f"Run 2, with {STORM_RATE} wrong passphrases per second, {args.seconds} s...")
        stormy = await run_load("run 2", args.seconds, users, staff, base, pid, detail_route, frames_of_item,
                                args.server_pid, storm=Storm(base, storm_tokens))
        hwm = ServerSampler(args.server_pid).peak_hwm_kb()
    finally:
        await asyncio.gather(*(user.client.close() for user in users), *(client.close() for client in staff))

    frames = sorted({count for count in frame_counts.values() if count})
    unknown = None in frame_counts.values()
    print(f"API load on 127.0.0.1, {os.cpu_count()} cores shared by server, worker (idle) and load client; "
          f"{args.seconds} s per run after a {args.warmup} s warm-up")
    print(f"  {len(users)} collaborators ({COLLABORATORS_PER_SESSION} in each of {SESSIONS} sessions, each their own "
          f"connection and cookie) and {STAFF_READERS} staff readers, one coroutine each, no think time")
    print(f"  {len(versions)} versions per session, proxies of {', '.join(map(str, frames)) or 'unknown'} frames"
          + (f" (some counts unknown: grabs from their first {SAFE_FRAMES} frames)" if unknown else ""))
    print("  review list:   GET /api/v1/review/sessions/{id}/items")
    if detail_route:
        print("  review detail: GET /api/v1/review/sessions/{id}/items/{item_id}")
    else:
        print(f"  review detail: GET /api/v1/review/sessions/{{id}} (no item-detail route for collaborators: "
              f".../items/{{item_id}} answered {detail_status})")
    print(f"  frame grab:    GET /api/v1/review/sessions/{{id}}/items/{{item_id}}/frames/{{random k}}?width={FRAME_WIDTH}")
    print("  staff reads:   GET /api/v1/projects, /projects/{id}/versions, /projects/{id}/sessions")
    print()
    print(f"Run 1: idle ({args.seconds} s)")
    idle_figures = table(idle)
    print()
    storm = stormy["storm"]
    print(f"Run 2: the same load plus {STORM_RATE} wrong passphrases per second from another client ({args.seconds} s)")
    storm_figures = table(stormy)
    answers = ", ".join(f"{count} x {status}" for status, count in storm.statuses.most_common())
    latencies = sorted(storm.latencies)
    print(f"  storm: {storm.sent} attempts sent ({storm.sent / stormy['seconds']:.1f}/s) over {len(storm_tokens)} invite tokens "
          f"of {STORM_SESSIONS} passphrase sessions; answers: {answers or 'none'}"
          + (f"; {storm.skipped} not sent ({STORM_MAX_IN_FLIGHT} already waiting)" if storm.skipped else ""))
    if latencies:
        print(f"  storm answers: p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms "
              f"({len(latencies)} answers)")
    print(f"  server peak RSS since start (VmHWM): {hwm / 1024:.1f} MiB")
    storm_figures["storm"] = {"sent": storm.sent, "answers": len(latencies),
                              "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99)}
    print()
    print("p99 of the other routes, idle and under the storm (target: ratio <= 1.5)")
    print(f"  {'route group':16s} {'idle ms':>9s} {'storm ms':>9s} {'ratio':>7s}")
    for group in GROUPS + ("all",):
        idle_value, storm_value = idle_figures["groups"][group]["p99_ms"], storm_figures["groups"][group]["p99_ms"]
        ratio = f"{storm_value / idle_value:7.2f}" if idle_value and storm_value is not None else f"{'-':>7s}"
        print(f"  {group:16s} {idle_value or 0:9.1f} {storm_value or 0:9.1f} {ratio}")
    print()
    failed = sum(run["recorder"].failed() for run in (warmup, idle, stormy))
    if args.summary:
        with open(args.summary, "w") as file:
            json.dump({"seconds": args.seconds, "idle": idle_figures, "storm": storm_figures,
                       "peak_rss_mib": hwm / 1024, "failed": failed}, file, indent=1)
    if failed:
        print(f"FAILED: {failed} requests of the normal load failed")
        for name, run in (("warm-up", warmup), ("run 1", idle), ("run 2", stormy)):
            report_failures(name, run["recorder"])
        sys.exit(1)
    print("Every request of the normal load succeeded (warm-up and both runs).")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:  # Ctrl-C: bench-api.sh stops the server; no traceback
        sys.exit(130)

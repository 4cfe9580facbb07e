"""A live `dailies serve` for the Python test rounds (contract, load, browser): on a free
loopback port (`--port 0`, read back from its output) in a fresh data directory, the admin's
API key read from its output, stopped with everything it started.

Output goes to a file, never a pipe: nobody drains a pipe during a long run, and a full pipe
would block the server's logging (and so the server). The file is also what a failing test
shows.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


class ServerError(Exception):
    """The server could not be started."""


def _log(message: str) -> None:
    print(f"[dailies {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class DailiesServer:
    """A `dailies serve` with its worker, on a free loopback port (`--port 0`, read back
    from its output) in a fresh data directory; the admin key read from its output.

    It runs in a process group of its own, so its worker can be stopped with it: SIGTERM
    to the server (which stops its worker), then SIGKILL to the group if anything is left.
    """

    START_TIMEOUT = 90.0
    STOP_TIMEOUT = 15.0
    LISTENING = re.compile(r"Dailies is listening on (http://\S+)")
    API_KEY_LINE = re.compile(r"^\s*(dk_[A-Za-z0-9_-]+)\s*$", re.MULTILINE)

    def __init__(self, binary: str | os.PathLike, workdir: Path | None = None, arguments: list[str] | None = None):
        self.binary = Path(binary)
        self.arguments = list(arguments or [])
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="dailies-load-"))
        self.log_path = self.workdir / "server.log"
        self.process: subprocess.Popen | None = None
        self.base_url = ""
        self.api_key = ""

    def start(self) -> "DailiesServer":
        if not os.access(self.binary, os.X_OK):
            raise ServerError(f"no dailies binary at {self.binary}")
        with open(self.log_path, "wb") as out:
            # Output to a file, never a pipe nobody drains (a full pipe would block the server).
            self.process = subprocess.Popen(
                [str(self.binary), "serve", "--data-dir", str(self.workdir / "data"),
                 "--host", "127.0.0.1", "--port", "0", *self.arguments],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=self.workdir,
                start_new_session=True)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"dailies serve exited with {self.process.returncode} while starting:\n"
                                + self.log_tail(60))
            text = self.log_path.read_text(errors="replace")
            listening, key = self.LISTENING.search(text), self.API_KEY_LINE.search(text)
            if listening and key:
                self.base_url, self.api_key = listening.group(1).rstrip("/"), key.group(1)
                try:
                    with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as answer:
                        if answer.status == 200:
                            return
                except (urllib.error.URLError, OSError):
                    pass  # not answering yet
            time.sleep(0.2)
        raise ServerError(f"dailies serve was not ready within {self.START_TIMEOUT:.0f}s:\n" + self.log_tail(60))

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self) -> bool:
        """Stops the server and its worker; True when SIGTERM was not enough (something was
        killed). The worker runs in the server's session (`start_new_session`), though in a
        process group of its own: it is found by session id and killed by its pid."""
        process = self.process
        killed = False
        if process is None:
            return killed
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=self.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _log(f"dailies serve (pid {process.pid}) did not stop within {self.STOP_TIMEOUT:.0f}s of "
                    "SIGTERM: killing it")
                process.kill()
                killed = True
                process.wait(timeout=self.STOP_TIMEOUT)
        # The worker stops by itself when its server is gone; give it a moment.
        deadline = time.monotonic() + 10.0
        while self._session_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in self._session_members(process.pid):
            _log(f"process {pid} of dailies serve's session outlived it: killing it")
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            killed = True
        return killed

    @staticmethod
    def _session_members(sid: int) -> list[int]:
        """The live (not zombie) processes of session `sid` (Linux /proc)."""
        members = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()  # state, ppid, pgrp, session, ...
            except (OSError, IndexError):
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                members.append(int(stat.parent.name))
        return members

    def remove(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, lines: int = 40, grep: str | None = None) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no server log)"
        if grep:
            text = [line for line in text if re.search(grep, line)]
        return "\n".join(text[-lines:])

    def cpu_seconds(self) -> float | None:
        """User + system CPU seconds of the server and its worker so far (Linux /proc)."""
        if self.process is None:
            return None
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            pids += [int(child) for child in children]
        except OSError:
            pass
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            except (OSError, IndexError, ValueError):
                pass
        return total

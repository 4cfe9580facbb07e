"""Shared fixtures of the browser tests: a live `dailies serve` (with its worker, so versions
get their posters) and a headless Chromium driven by Selenium.

Chromium and its driver are Debian's (`chromium`, `chromium-driver`; Scripts/install-deps.sh
installs them) and Selenium runs offline: it is pointed at both binaries and told not to
phone home (SE_AVOID_STATS), so no Selenium Manager download is ever tried. Tests run as root
in CI, where Chromium needs --no-sandbox.

Every process is stopped in a `finally`, also when a test fails (the server by
Tests/Support/dailies_server.py). Screenshots go to .build/browser-screenshots/ (git
ignores .build*/), to be looked at.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Support"))
from dailies_server import DailiesServer, ServerError  # noqa: E402  (shared with the other Python rounds)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "dailies"
SCREENSHOTS = REPO / ".build" / "browser-screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

os.environ["SE_AVOID_STATS"] = "true"


@dataclass
class Server:
    """A running `dailies serve`: where it listens, its data folder and the admin's key."""

    base_url: str
    data_dir: Path
    api_key: str
    binary: Path

    def staff(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=30.0)


def dailies_binary() -> Path:
    """The `dailies` under test: $DAILIES_BIN, or the debug build."""
    binary = Path(os.environ.get("DAILIES_BIN", DEFAULT_BIN))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no dailies binary at {binary}: build it, or set DAILIES_BIN")
    return binary


@contextmanager
def fresh_server(arguments: list[str] | None = None) -> Iterator[DailiesServer]:
    """A `dailies serve` (and its worker) on an empty data folder, stopped and removed afterwards,
    also when a test fails."""
    running = DailiesServer(dailies_binary(), arguments=arguments)
    try:
        try:
            running.start()
        except ServerError as error:
            pytest.fail(str(error))
        yield running
    finally:
        running.stop()
        running.remove()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with fresh_server() as running:
        yield Server(base_url=running.base_url, data_dir=running.data_dir, api_key=running.api_key, binary=running.binary)


def _chromium() -> webdriver.Chrome:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing: Scripts/install-deps.sh installs chromium and chromium-driver")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,900",
                     "--lang=en-GB", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    driver = _chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def second_browser() -> Iterator[webdriver.Chrome]:
    """Another person's browser: its own profile, so its own cookies."""
    driver = _chromium()
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: webdriver.Chrome, name: str) -> None:
    """Saves what the page looks like at a laptop's size and at a phone's."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("desktop", (1440, 900)), ("phone", (390, 844))):
        driver.set_window_size(width, height)
        driver.save_screenshot(str(SCREENSHOTS / f"{name}-{label}.png"))
    driver.set_window_size(1440, 900)


FIXTURE = "h264-bframes-23976-editlist.mp4"


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def made(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), f"{response.request.url.path}: {response.status_code} {response.text}"
    return response.json()


@pytest.fixture(scope="session")
def ingested(server: Server):
    """Versions ingested from fixtures (each once, in one project), their media made by the
    worker: `ingested("h264-vfr.mp4")` answers (project id, version id)."""
    project_name = f"Feature {uuid.uuid4().hex[:6]}"
    with server.staff() as staff:
        project = made(staff.post("/api/v1/projects", json={"name": project_name}))
    versions: dict[str, str] = {}

    def get(fixture: str) -> tuple[str, str]:
        if fixture not in versions:
            name = Path(fixture).name.split(".")[0]
            ingest = subprocess.run([str(server.binary), "ingest", "--data-dir", str(server.data_dir), "--project",
                                     project_name, "--name", name, str(REPO / "Fixtures" / fixture)],
                                    capture_output=True, text=True, timeout=120)
            assert ingest.returncode == 0, ingest.stderr
            version_id = re.search(r"\(([0-9A-F-]{36})\)", ingest.stdout).group(1)
            deadline = time.monotonic() + 180
            with server.staff() as staff:
                while made(staff.get(f"/api/v1/versions/{version_id}"))["media_state"] != "ready":
                    assert time.monotonic() < deadline, f"{fixture}: the media was not made in 3 minutes"
                    time.sleep(0.5)
            versions[fixture] = version_id
        return project["id"], versions[fixture]

    return get


@pytest.fixture(scope="session")
def version(ingested) -> tuple[str, str]:
    """The 23.976 movie's version."""
    return ingested(FIXTURE)


def session(server: Server, project: str, version: str, **fields) -> dict:
    body = {"title": "Comp finals <Tue>", "description": "Final comps for the trailer.\nNotes by Friday, please.",
            "version_ids": [version], **fields}
    with server.staff() as staff:
        return made(staff.post(f"/api/v1/projects/{project}/sessions", json=body))


def invite(server: Server, session_id: str, name: str = "Dana Client") -> str:
    with server.staff() as staff:
        return made(staff.post(f"/api/v1/sessions/{session_id}/collaborators",
                               json={"name": name, "email": "dana@client.example", "role": "approver"}))["invite_url"]


def wait(driver, condition, timeout: float = 30):
    """Waits for `condition`; an element the page has just redrawn (stale) is looked at again."""
    return WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(condition)


# The barcode's design (Scripts/make-fixtures.sh, Tests/MediaTestSupport/FrameBarcode.swift):
# 18 cells across the top quarter, each split in an upper and a lower half; a start guard,
# 16 bits of the frame index (white over black is 1), an end guard.
READ_BARCODE = """
const video = arguments[0];
const canvas = document.createElement("canvas");
canvas.width = video.videoWidth; canvas.height = video.videoHeight;
const context = canvas.getContext("2d", { willReadFrequently: true });
context.drawImage(video, 0, 0);
const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
const D = 4608, cells = 18, cellWidth = D / cells, half = D / 8;
const luma = (u, v) => {
  const x = Math.min(canvas.width - 1, Math.floor(u * canvas.width / D));
  const y = Math.min(canvas.height - 1, Math.floor(v * canvas.height / D));
  const i = (y * canvas.width + x) * 4;
  return 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
};
const mean = (cell, upper) => {
  let total = 0;
  const left = cell * cellWidth + cellWidth / 4, top = (upper ? 0 : half) + half / 4;
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) total += luma(left + i * cellWidth / 8, top + j * half / 8);
  return total / 25;
};
const upper = [], lower = [];
for (let cell = 0; cell < cells; cell++) { upper.push(mean(cell, true)); lower.push(mean(cell, false)); }
return [upper, lower];
"""


def barcode(driver) -> int | None:
    upper, lower = driver.execute_script(READ_BARCODE, driver.find_element(By.CSS_SELECTOR, "video"))
    index = 0
    for cell, (top, bottom) in enumerate(zip(upper, lower)):
        if abs(top - bottom) < 48:
            return None
        bit = 1 if top > bottom else 0
        if cell == 0 and bit != 1 or cell == 17 and bit != 0:
            return None
        if 0 < cell < 17:
            index = index << 1 | bit
    return index


def counter(driver) -> int:
    return int(driver.find_element(By.ID, "counter").get_attribute("data-frame"))


def settled_on(driver, frame: int) -> None:
    wait(driver, lambda d: d.find_element(By.ID, "counter").get_attribute("data-frame") == str(frame))




def open_item(driver, link: str) -> None:
    """Opens a review link, then its first item in the player, settled on frame 0."""
    driver.get(link)
    wait(driver, seen.element_to_be_clickable((By.CSS_SELECTOR, ".item .open"))).click()
    settled_on(driver, 0)


def jump_to(driver, frame: int) -> None:
    """Types a frame's number in the jump field, and waits for the player to settle there."""
    first_number = driver.execute_script("return window.dailiesPlayer.media.first_frame_number")
    jump = driver.find_element(By.ID, "jump")
    jump.clear()
    jump.send_keys(str(first_number + frame), Keys.ENTER)
    settled_on(driver, frame)

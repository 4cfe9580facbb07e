"""The player is frame-exact in a real Chromium: after a seek, a step or a pause on frame k,
the picture shows frame k (its barcode, read back from a canvas) and the counter says k."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen

from conftest import Server, invite, made, screenshot, session, wait

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


# Each fixture, and the labels people know for some of its frames, worked out by hand from
# the fixture's facts (Fixtures/README.md), not by the code under test.
CASES = [
    # 24000/1001, no source timecode: counted from 00:00:00:00.
    ("h264-bframes-23976-editlist.mp4", {41: ("41", "00:00:01:17")}),
    # 29.97 drop-frame from 00:59:59;28, across the hour: 01:00:00;00 follows 00:59:59;29.
    ("h264-2997df-tc005959.mov", {1: ("1", "00:59:59;29"), 2: ("2", "01:00:00;00"), 33: ("33", "01:00:01;01")}),
    # A sequence numbered from 1001 at 24 fps.
    ("png-sequence/shot_010.1001.png", {0: ("1001", "00:00:00:00"), 41: ("1042", "00:00:01:17")}),
    # Variable rate: the proxy keeps every source frame, one per proxy frame.
    ("h264-vfr.mp4", {}),
]


@pytest.mark.parametrize("fixture,labels", CASES, ids=[case[0].split("/")[0] for case in CASES])
def test_seek_step_and_pause_show_the_frame_the_counter_says(server: Server, browser, ingested, fixture, labels) -> None:
    project, version_id = ingested(fixture)
    made_session = session(server, project, version_id, title="Frame check")
    browser.get(invite(server, made_session["id"]))
    wait(browser, seen.element_to_be_clickable((By.CSS_SELECTOR, ".item .open"))).click()
    settled_on(browser, 0)
    with server.staff() as staff:
        items = made(staff.get(f"/api/v1/sessions/{made_session['id']}/items"))["data"]
    frame_count = browser.execute_script("return window.dailiesPlayer.frameCount")
    first_number = browser.execute_script("return window.dailiesPlayer.media.first_frame_number")
    assert frame_count > 20 and items

    checked = []
    # Seeks, by typing the frame number people know: the first, the last and between.
    for frame in sorted({0, 1, 2, 11, 23, 24, 41, frame_count // 2, frame_count - 2, frame_count - 1}):
        jump = browser.find_element(By.ID, "jump")
        jump.clear()
        jump.send_keys(str(first_number + frame), Keys.ENTER)
        settled_on(browser, frame)
        assert barcode(browser) == frame == counter(browser), f"{fixture}: seek to {frame}"
        checked.append(frame)
    for frame, (number, timecode) in labels.items():
        jump = browser.find_element(By.ID, "jump")
        jump.clear()
        jump.send_keys(timecode, Keys.ENTER)
        settled_on(browser, frame)
        assert browser.find_element(By.ID, "counter").text.split() == [number, timecode], f"{fixture}: frame {frame}"
        assert barcode(browser) == frame

    # Steps with the arrow keys, forward then back.
    jump = browser.find_element(By.ID, "jump")
    jump.clear()
    jump.send_keys(str(first_number + 30), Keys.ENTER)
    settled_on(browser, 30)
    body = browser.find_element(By.TAG_NAME, "body")
    for expected in (31, 32, 33, 32, 31):
        body.send_keys(Keys.ARROW_RIGHT if expected > counter(browser) else Keys.ARROW_LEFT)
        settled_on(browser, expected)
        assert barcode(browser) == expected, f"step to {expected}"
        checked.append(expected)

    # Play, then pause: the player settles on a frame, and that is the frame shown.
    browser.find_element(By.ID, "play").click()
    wait(browser, lambda d: d.execute_script("return !document.querySelector('video').paused"))
    time.sleep(0.4)  # let it play a few frames: what is measured is where it stops, not when
    browser.find_element(By.ID, "play").click()
    wait(browser, lambda d: d.execute_script(
        "const p = window.dailiesPlayer; return p.video.paused && p.seeking === null && !p.video.seeking"))
    time.sleep(0.6)  # the settling seek, if the pause fell between frames
    paused_on = counter(browser)
    assert paused_on > 33 and barcode(browser) == paused_on, f"{fixture}: paused, the counter and the picture agree"
    if fixture == CASES[0][0]:
        screenshot(browser, "player")
    assert len(checked) >= 12

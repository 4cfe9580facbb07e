"""The player is frame-exact in a real Chromium: after a seek, a step or a pause on frame k,
the picture shows frame k (its barcode, read back from a canvas) and the counter says k."""

from __future__ import annotations

import subprocess
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen

from conftest import Server, barcode, counter, invite, jump_to, made, open_item, screenshot, session, settled_on, wait

# Each fixture, and the labels people know for some of its frames, worked out by hand from
# the fixture's facts (Fixtures/README.md), not by the code under test.
CASES = [
    # 24000/1001, no source timecode: counted from 00:00:00:00.
    ("h264-bframes-23976-editlist.mp4", {41: ("41", "00:00:01:17")}),
    # 29.97 drop-frame from 00:59:59;28, across the hour: 01:00:00;00 follows 00:59:59;29.
    ("h264-2997df-tc005959.mov", {1: ("1", "00:59:59;29"), 2: ("2", "01:00:00;00"), 33: ("33", "01:00:01;01")}),
    # 59.94 drop-frame from 00:59:59;56: labels ;56 to ;59, then 01:00:00;00 (minute 0 of the
    # hour is a tenth minute, so nothing is skipped there); a second on, 01:00:01;00.
    ("h264-5994df-tc005959.mp4", {3: ("3", "00:59:59;59"), 4: ("4", "01:00:00;00"), 64: ("64", "01:00:01;00")}),
    # A sequence numbered from 1001 at 24 fps.
    ("png-sequence/shot_010.1001.png", {0: ("1001", "00:00:00:00"), 41: ("1042", "00:00:01:17")}),
    # Variable rate: the proxy keeps every source frame, one per proxy frame.
    ("h264-vfr.mp4", {}),
]


@pytest.mark.parametrize("fixture,labels", CASES, ids=[case[0].split("/")[0] for case in CASES])
def test_seek_step_and_pause_show_the_frame_the_counter_says(server: Server, browser, ingested, fixture, labels) -> None:
    project, version_id = ingested(fixture)
    made_session = session(server, project, version_id, title="Frame check")
    open_item(browser, invite(server, made_session["id"]))
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

    # The self-check saw every presented frame agree with the frame map, and said nothing.
    presented, mismatches = browser.execute_script(
        "return [window.dailiesPlayer.presented, window.dailiesPlayer.mismatches]")
    assert presented >= len(checked) and mismatches == [], f"{fixture}: the player's self-check"
    with server.staff() as staff:
        # This test's own session: other tests share the version.
        reports = made(staff.get("/api/v1/frame-checks", params={"session_id": made_session["id"]}))
    assert reports["pagination"]["total"] == 0, reports


def test_the_self_check_reports_a_wrong_frame(server: Server, browser, version) -> None:
    """A player whose idea of the rate is wrong shows other frames than it says: its
    self-check sees the disagreement, and the server logs and counts it."""
    project, version_id = version
    made_session = session(server, project, version_id, title="Wrong rate")
    open_item(browser, invite(server, made_session["id"]))
    # Break the player on purpose: 25 fps on a 23.976 proxy drifts a frame every second or so.
    browser.execute_script("window.dailiesPlayer.rate = {num: 25, den: 1}")
    for frame in (30, 60, 80):
        jump_to(browser, frame)
    mismatches = browser.execute_script("return window.dailiesPlayer.mismatches")
    # What it presented started between its idea of frame starts (k/25 s): the map and the
    # picture disagree.
    assert len(mismatches) == 3 and all(m["during"] == "seek" and abs(m["media_time"] * 25 - round(m["media_time"] * 25)) > 0.01
                                        for m in mismatches), mismatches

    def reported(driver) -> dict | None:
        with server.staff() as staff:
            reports = made(staff.get("/api/v1/frame-checks", params={"session_id": made_session["id"]}))
        return reports if reports["pagination"]["total"] == len(mismatches) else None

    reports = wait(browser, reported)
    first = reports["data"][-1]
    assert first["viewer"]["name"] == "Dana Client" and first["during"] == "seek" and first["user_agent"]
    assert {(m["expected"], m["presented"]) for m in mismatches} == {(r["expected"], r["presented"]) for r in reports["data"]}


def test_transport_plays_loops_shuttles_and_zooms(server: Server, browser, version) -> None:
    project, version_id = version
    made_session = session(server, project, version_id, title="Transport")
    open_item(browser, invite(server, made_session["id"]))
    body = browser.find_element(By.TAG_NAME, "body")
    player = "window.dailiesPlayer"

    # In at 10, out at 20, loop the range: playing stays inside it.
    jump_to(browser, 10)
    body.send_keys("i")
    jump_to(browser, 20)
    body.send_keys("o")
    assert browser.find_element(By.ID, "range-label").text == "10–20"
    browser.find_element(By.CSS_SELECTOR, "#loop option[value=range]").click()
    jump_to(browser, 12)
    body.send_keys(Keys.SPACE)
    seen_frames = set()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        seen_frames.add(counter(browser))
        time.sleep(0.05)
    assert seen_frames <= set(range(10, 21)) and {10, 20} & seen_frames, f"looping 10–20 showed {sorted(seen_frames)}"
    body.send_keys("k")
    wait(browser, lambda d: d.execute_script(f"return {player}.video.paused && {player}.seeking === null && !{player}.playing"))
    time.sleep(0.6)
    assert 10 <= counter(browser) <= 20 and barcode(browser) == counter(browser)

    # L plays forward, L again is faster; K stops on a frame that is the frame shown.
    browser.find_element(By.CSS_SELECTOR, "#loop option[value=off]").click()
    jump_to(browser, 2)
    body.send_keys("l")
    wait(browser, lambda d: d.execute_script(f"return !{player}.video.paused"))
    body.send_keys("l")
    assert browser.execute_script(f"return {player}.video.playbackRate") == 2
    assert browser.find_element(By.ID, "speed").get_attribute("value") == "2"
    time.sleep(0.3)
    body.send_keys("k")
    wait(browser, lambda d: d.execute_script(f"return {player}.video.paused && {player}.seeking === null"))
    time.sleep(0.6)
    stopped = counter(browser)
    assert stopped > 2 and barcode(browser) == stopped

    # J plays backward, one exact frame after another; K stops it.
    browser.find_element(By.CSS_SELECTOR, "#speed option[value='1']").click()
    jump_to(browser, 40)
    body.send_keys("j")
    wait(browser, lambda d: counter(d) <= 36)
    body.send_keys("k")
    wait(browser, lambda d: d.execute_script(f"return !{player}.playing && {player}.seeking === null"))
    time.sleep(0.3)
    assert counter(browser) < 40 and barcode(browser) == counter(browser)
    # With K held, L steps one frame forward.
    before = counter(browser)
    ActionChains(browser).key_down("k").send_keys("l").key_up("k").perform()
    settled_on(browser, before + 1)
    assert barcode(browser) == before + 1

    # The timeline: hovering previews the filmstrip with the frame's labels; a click seeks there.
    timeline = browser.find_element(By.ID, "timeline")
    width = timeline.size["width"]
    # Offsets count from the element's centre: a quarter of the way along.
    ActionChains(browser).move_to_element_with_offset(timeline, -width // 4, 0).perform()
    preview = browser.find_element(By.CSS_SELECTOR, ".timeline .preview")
    wait(browser, lambda d: preview.is_displayed())
    assert browser.execute_script("return getComputedStyle(document.querySelector('.preview-picture')).backgroundImage").startswith('url(')
    hovered = browser.execute_script("return arguments[0].textContent", browser.find_element(By.CSS_SELECTOR, ".preview-label"))
    ActionChains(browser).click().perform()
    target = int(hovered.split()[0])
    settled_on(browser, target)
    assert barcode(browser) == target and abs(target - 84 // 4) <= 2

    # Zoom in with +, and back to fit with 0; the picture is still the frame the counter says.
    body.send_keys("+")
    assert "scale(1.25)" in browser.find_element(By.CSS_SELECTOR, ".frame").get_attribute("style")
    assert browser.find_element(By.ID, "zoom-label").text == "125%"
    body.send_keys("0")
    assert browser.find_element(By.ID, "zoom-label").text == ""
    # Fullscreen, and out of it.
    browser.find_element(By.ID, "fullscreen").click()
    wait(browser, lambda d: d.execute_script("return document.fullscreenElement && document.fullscreenElement.id") == "stage")
    browser.find_element(By.TAG_NAME, "body").send_keys("f")
    wait(browser, lambda d: d.execute_script("return document.fullscreenElement === null"))


def test_a_missing_file_of_a_sequence_is_marked(server: Server, browser, ingested) -> None:
    """dpx-gap has no file 1005 (index 4): the player holds the picture before, says the file
    is missing, and the timeline marks the frame."""
    project, version_id = ingested("dpx-gap/plate.1001.dpx")
    made_session = session(server, project, version_id, title="Gapped plate")
    open_item(browser, invite(server, made_session["id"]))
    gap = browser.find_element(By.CSS_SELECTOR, ".timeline .gap")
    assert "1005" in gap.get_attribute("title")
    badge = browser.find_element(By.CSS_SELECTOR, ".stage .missing")
    assert not badge.is_displayed()
    jump_to(browser, 4)
    assert badge.is_displayed() and "1005" in badge.text
    assert barcode(browser) == 3, "the frame before is held"
    jump_to(browser, 5)
    assert not badge.is_displayed() and barcode(browser) == 5
    assert browser.execute_script("return window.dailiesPlayer.mismatches") == []


def test_the_studio_logo_brands_the_page(server: Server, browser, version, tmp_path) -> None:
    logo = tmp_path / "logo.png"
    made_logo = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                                "color=c=0x1f6feb:s=240x60", "-frames:v", "1", str(logo)], capture_output=True, text=True)
    assert made_logo.returncode == 0, made_logo.stderr
    with server.staff() as staff:
        made(staff.put("/api/v1/organization/logo", content=logo.read_bytes(), headers={"Content-Type": "image/png"}))
        made(staff.patch("/api/v1/organization", json={"name": "Northlight VFX"}))
    try:
        project, version_id = version
        browser.get(invite(server, session(server, project, version_id, title="Branded")["id"]))
        image = wait(browser, seen.visibility_of_element_located((By.ID, "logo")))
        wait(browser, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image))
        assert image.get_attribute("alt") == "Northlight VFX"
        assert browser.find_element(By.ID, "studio").text == "Northlight VFX"
        screenshot(browser, "branded-session")
    finally:
        with server.staff() as staff:
            staff.delete("/api/v1/organization/logo")

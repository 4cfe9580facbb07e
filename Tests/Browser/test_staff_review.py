"""The staff side after clients reviewed, in a real Chromium against a real server: a session's
feedback page (live through the room, the player on a comment's frame, replies, resolving, an
internal comment with a drawing, the filters), the transfer of that feedback onto the version
(the wizard's rule, preview and result), the version's page, and the PDF report.

One server for the module, one small ingested movie, one staff browser; the collaborator
writes through the API with the access cookie their invite link gives.
"""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select

from conftest import FIXTURE, REPO, barcode, fresh_server, made, screenshot, wait
from staff_support import signed_in_chromium, toast_saying

ADMIN = "admin@dailies.local"
PASSWORD = "north light 42"
DRAWING = {"display": {"width": 1920, "height": 1080, "pixel_aspect": "1/1"},
           "shapes": [{"id": "9A8B7C6D-5E4F-4031-8293-A4B5C6D7E8F9", "type": "ellipse", "color": "#FF3B30FF",
                       "width": 0.004, "from": [0.3, 0.3], "to": [0.5, 0.6]}]}


@dataclass
class Review:
    """The module's server, with a session of one ingested movie and an approver who entered it."""

    base_url: str
    api_key: str
    project_id: str
    version_id: str
    session_id: str
    item_id: str
    collaborator_id: str
    client: httpx.Client  # the approver, with their access cookie

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=30.0)

    def comments(self) -> list[dict]:
        with self.api() as api:
            return made(api.get(f"/api/v1/sessions/{self.session_id}/comments"))["data"]


@pytest.fixture(scope="module")
def review() -> Iterator[Review]:
    with fresh_server() as running:
        setting = subprocess.run([str(running.binary), "user", "set-password", "--data-dir", str(running.data_dir), ADMIN],
                                 input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
        assert setting.returncode == 0, setting.stderr
        project_name = f"Trailer {uuid.uuid4().hex[:6]}"
        with httpx.Client(base_url=running.base_url, headers={"Authorization": f"Bearer {running.api_key}"}, timeout=30.0) as api:
            project = made(api.post("/api/v1/projects", json={"name": project_name}))
            ingest = subprocess.run([str(running.binary), "ingest", "--data-dir", str(running.data_dir), "--project", project_name,
                                     "--name", "sh010_comp", str(REPO / "Fixtures" / FIXTURE)],
                                    capture_output=True, text=True, timeout=120)
            assert ingest.returncode == 0, ingest.stderr
            version_id = re.search(r"\(([0-9A-F-]{36})\)", ingest.stdout).group(1)
            deadline = time.monotonic() + 180
            while made(api.get(f"/api/v1/versions/{version_id}"))["media_state"] != "ready":
                assert time.monotonic() < deadline, "the worker did not make the media in 3 minutes"
                time.sleep(0.3)
            session = made(api.post(f"/api/v1/projects/{project['id']}/sessions",
                                    json={"title": "Comp finals", "version_ids": [version_id]}))
            invite = made(api.post(f"/api/v1/sessions/{session['id']}/collaborators",
                                   json={"name": "Dana Client", "email": "dana@client.example", "role": "approver"}))
            item_id = made(api.get(f"/api/v1/sessions/{session['id']}/items"))["data"][0]["id"]
        with httpx.Client(base_url=running.base_url, timeout=30.0) as client:
            token = invite["invite_url"].rstrip("/").rsplit("/", 1)[-1]
            made(client.post("/api/v1/review/access", json={"token": token}))
            yield Review(running.base_url, running.api_key, project["id"], version_id, session["id"], item_id,
                         invite["collaborator"]["id"], client)


@pytest.fixture(scope="module")
def staff(review: Review):
    """A Chromium signed in as the admin."""
    with signed_in_chromium(review.base_url, ADMIN, PASSWORD) as driver:
        yield driver


def click(driver, element) -> None:
    """Clicks an element after bringing it to the middle of the window (clear of the sticky bar)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def comment_node(driver, comment_id: str):
    return driver.find_element(By.CSS_SELECTOR, f"#feedback-items [data-comment='{comment_id}']")


def test_the_whole_review_continued(review: Review, staff) -> None:
    driver = staff
    base = review.base_url
    feedback_url = f"{base}/staff/sessions/{review.session_id}/feedback"

    # The session's setup page leads to its feedback.
    driver.get(f"{base}/staff/sessions/{review.session_id}")
    click(driver, wait(driver, seen.element_to_be_clickable((By.ID, "tab-feedback"))))
    wait(driver, lambda d: d.current_url == feedback_url)
    wait(driver, lambda d: d.find_element(By.ID, "live-state").get_attribute("data-state") == "live")
    wait(driver, seen.text_to_be_present_in_element((By.ID, f"item-{review.item_id}"), "No comments yet."))
    driver.execute_script("window.stillTheSamePage = true")

    # The collaborator comments on frame 30 with a drawing, and asks for changes.
    frame = 30
    comment = made(review.client.post(f"/api/v1/review/sessions/{review.session_id}/items/{review.item_id}/comments",
                                      json={"text": "The glint on the visor pops here.", "anchor": {"frame": frame}, "drawing": DRAWING}))
    made(review.client.put(f"/api/v1/review/sessions/{review.session_id}/items/{review.item_id}/status",
                            json={"status": "requires_changes"}))

    # The page shows both live, without a reload: the comment, its frame, the status and its history, the verdict.
    # Each live event redraws the item, so every look finds its elements afresh (wait looks again at a stale one).
    wait(driver, lambda d: "The glint on the visor pops here." in comment_node(d, comment["id"]).text
         and comment_node(d, comment["id"]).find_element(By.CSS_SELECTOR, ".anchor").get_attribute("data-frame") == str(frame))
    status = f"#item-{review.item_id} .fb-status[data-status='requires_changes']"
    wait(driver, lambda d: "Dana Client" in d.find_element(By.CSS_SELECTOR, status).text
         and "Approver" in d.find_element(By.CSS_SELECTOR, status).text
         and d.find_element(By.CSS_SELECTOR, f"{status} summary").text == "History (1)")
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"#item-{review.item_id} [data-verdict='requires_changes']"))
    # Its frame receipt comes when the worker has made it, with the drawing over it.
    wait(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0",
                                            comment_node(d, comment["id"]).find_element(By.CSS_SELECTOR, ".fb-receipt img")),
         timeout=60)
    assert driver.execute_script("return window.stillTheSamePage") is True

    # Clicking the comment opens the player on its frame, exactly.
    click(driver, comment_node(driver, comment["id"]).find_element(By.CSS_SELECTOR, ".anchor"))
    wait(driver, lambda d: d.find_element(By.ID, "viewer-counter").get_attribute("data-frame") == str(frame))
    wait(driver, lambda d: barcode(d) == frame)

    # Staff reply through the page (to the client: not internal), then resolve the comment.
    click(driver, comment_node(driver, comment["id"]).find_element(By.CSS_SELECTOR, ".reply"))
    comment_node(driver, comment["id"]).find_element(By.CSS_SELECTOR, ".reply-text").send_keys("We will soften it in v004.")
    click(driver, comment_node(driver, comment["id"]).find_element(By.CSS_SELECTOR, ".reply-send"))
    wait(driver, lambda d: "We will soften it in v004." in comment_node(d, comment["id"]).find_element(By.CSS_SELECTOR, ".replies").text)
    click(driver, comment_node(driver, comment["id"]).find_element(By.CSS_SELECTOR, ".resolve"))
    wait(driver, lambda d: "resolved" in comment_node(d, comment["id"]).get_attribute("class"))
    comments = {c["id"]: c for c in review.comments()}
    assert comments[comment["id"]]["resolved_at"]
    [reply] = [c for c in comments.values() if c.get("parent_id") == comment["id"]]
    assert reply["text"] == "We will soften it in v004." and reply["internal"] is False and reply["author"]["kind"] == "staff"

    # An internal comment on the next frame, with a drawing made in the player.
    click(driver, driver.find_element(By.ID, "viewer-forward"))
    wait(driver, lambda d: d.find_element(By.ID, "viewer-counter").get_attribute("data-frame") == str(frame + 1))
    click(driver, driver.find_element(By.ID, "viewer-draw"))
    canvas = driver.find_element(By.CSS_SELECTOR, "#viewer-stage canvas.drawing")
    (ActionChains(driver).move_to_element_with_offset(canvas, -80, -30).click_and_hold()
     .move_by_offset(50, 20).move_by_offset(60, 30).release().perform())
    driver.find_element(By.ID, "staff-comment-text").send_keys("Team: the edge flickers from here.")
    assert driver.find_element(By.ID, "staff-comment-internal").is_selected()
    click(driver, driver.find_element(By.ID, "staff-comment-post"))
    toast_saying(driver, "Comment posted")
    [internal] = wait(driver, lambda d: [c for c in review.comments() if c["text"] == "Team: the edge flickers from here."])
    assert internal["internal"] is True and internal["anchor"]["frame"] == frame + 1
    assert internal["drawing"]["shapes"][0]["type"] == "stroke"
    wait(driver, lambda d: comment_node(d, internal["id"]).find_element(By.CSS_SELECTOR, ".tag.internal"))
    # The collaborator never sees it.
    theirs = made(review.client.get(f"/api/v1/review/sessions/{review.session_id}/comments"))["data"]
    assert {c["id"] for c in theirs} == {comment["id"], reply["id"]}

    # The filters: internal only, then the author.
    Select(driver.find_element(By.ID, "filter-internal")).select_by_value("internal")
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, f"#feedback-items [data-comment='{comment['id']}']"))
    assert comment_node(driver, internal["id"])
    Select(driver.find_element(By.ID, "filter-internal")).select_by_value("")
    Select(driver.find_element(By.ID, "filter-author")).select_by_visible_text("Dana Client")
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, f"#feedback-items [data-comment='{internal['id']}']"))
    assert comment_node(driver, comment["id"])
    click(driver, driver.find_element(By.ID, "clear-filters"))
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#feedback-items [data-comment='{internal['id']}']"))
    screenshot(driver, "staff-feedback")

    # Transfer: every comment, the rule's changes status, to-dos, and a note to the assignees.
    with review.api() as api:
        lists = made(api.get(f"/api/v1/projects/{review.project_id}/statuses"))
        before = made(api.get(f"/api/v1/versions/{review.version_id}"))["status"]
    changes = next(s["name"] for s in lists["version"] if s["kind"] == "needs_work")
    driver.get(feedback_url)
    click(driver, wait(driver, seen.element_to_be_clickable((By.ID, "transfer-link"))))
    wait(driver, seen.visibility_of_element_located((By.ID, "pick-items")))
    assert "each version itself" in driver.find_element(By.ID, "status-target").text
    Select(driver.find_element(By.ID, "changes-status")).select_by_value(changes)
    click(driver, driver.find_element(By.ID, "completable"))
    driver.find_element(By.ID, "transfer-note").send_keys("Please address these by Friday.")
    assert not driver.find_element(By.ID, "start-transfer").is_enabled()
    click(driver, driver.find_element(By.ID, "preview-transfer"))
    plan = wait(driver, seen.visibility_of_element_located((By.ID, "plan-table")))
    assert f"{before} → {changes}" in plan.text and "3 new notes, and your note" in plan.text
    with review.api() as api:
        assert made(api.get(f"/api/v1/versions/{review.version_id}"))["status"] == before  # a preview changes nothing
    click(driver, wait(driver, seen.element_to_be_clickable((By.ID, "start-transfer"))))
    result = wait(driver, seen.visibility_of_element_located((By.ID, "transfer-result")))
    assert "3 notes from comments, your note on 1 version, 1 status changed on versions" in result.text
    screenshot(driver, "staff-transfer")

    with review.api() as api:
        assert made(api.get(f"/api/v1/versions/{review.version_id}"))["status"] == changes
        notes = made(api.get(f"/api/v1/versions/{review.version_id}/notes"))["data"]
    by_text = {n["text"]: n for n in notes}
    assert set(by_text) == {"The glint on the visor pops here.", "We will soften it in v004.", "Team: the edge flickers from here.",
                            "Please address these by Friday."}
    assert all(n["completable"] for n in notes)
    glint = by_text["The glint on the visor pops here."]
    assert glint["anchor"]["frame"] == frame and glint["receipt"]["frame"] == frame and glint["drawing"] == {**DRAWING, "hold": False}
    assert by_text["We will soften it in v004."]["parent_id"] == glint["id"]

    # The version's page, from the result: its status, and its notes with the frame the client saw.
    click(driver, result.find_element(By.CSS_SELECTOR, "a.version-link"))
    wait(driver, seen.visibility_of_element_located((By.ID, "version-title")))
    assert driver.find_element(By.ID, "version-status").text == changes
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#notes .note")) == 4)
    still = driver.find_element(By.CSS_SELECTOR, f"[data-note='{glint['id']}'] .still img")
    wait(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", still))
    assert f"/api/v1/notes/{glint['id']}/receipt" in still.get_attribute("src")
    screenshot(driver, "staff-version")

    # How its pictures are made: the proxy says what made it, and the version's own choice is saved at once.
    assert driver.find_element(By.ID, "display-transform-made").text == "Proxy made with: None (display-referred)"
    transform = Select(driver.find_element(By.ID, "display-transform"))
    assert transform.first_selected_option.get_attribute("value") == ""
    transform.select_by_value("cineon")
    toast_saying(driver, "Reprocess the project")
    with review.api() as api:
        wait(driver, lambda d: made(api.get(f"/api/v1/versions/{review.version_id}")).get("display_transform") == "cineon")
        transform.select_by_value("")
        wait(driver, lambda d: "display_transform" not in made(api.get(f"/api/v1/versions/{review.version_id}")))

    # The report: made by the worker, its progress followed, then downloaded.
    driver.get(feedback_url)
    click(driver, wait(driver, seen.element_to_be_clickable((By.ID, "make-report"))))
    pdf = wait(driver, seen.visibility_of_element_located((By.ID, "report-pdf")), timeout=60)
    assert driver.find_element(By.ID, "report-state").text.startswith("Ready")
    head = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then((r) => r.arrayBuffer()).then((b) => done(String.fromCharCode(...new Uint8Array(b).slice(0, 5))));
    """, pdf.get_attribute("href"))
    assert head == "%PDF-"
    click(driver, driver.find_element(By.ID, "export-csv"))
    toast_saying(driver, ".csv")

    # Once more on a phone's width, the player open on the comment.
    click(driver, wait(driver, lambda d: comment_node(d, comment["id"]).find_element(By.CSS_SELECTOR, ".anchor")))
    wait(driver, lambda d: d.find_element(By.ID, "viewer-counter").get_attribute("data-frame") == str(frame))
    screenshot(driver, "staff-feedback-player")

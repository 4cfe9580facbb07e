"""Feedback in a real Chromium: a drawing and a comment on frame k come back on frame k
after a reload, and a click on the comment goes there; a second browser sees comments and
statuses live; a follower's player follows the presenter's steps and playing."""

from __future__ import annotations

import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen

from conftest import Server, barcode, counter, invite, jump_to, made, open_item, screenshot, session, settled_on, wait

# How many pixels of the drawing layer are painted.
PAINTED = """
const canvas = document.querySelector("canvas.drawing");
const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
let painted = 0;
for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
return painted;
"""


def painted(driver) -> int:
    return driver.execute_script(PAINTED)


def drag(driver, element, start: tuple[int, int], *moves: tuple[int, int]) -> None:
    """Presses at `start` (from the element's centre), moves by each offset, and lets go."""
    actions = ActionChains(driver).move_to_element_with_offset(element, *start).click_and_hold()
    for move in moves:
        actions = actions.move_by_offset(*move)
    actions.release().perform()


def test_a_drawing_and_comment_on_frame_k_come_back_on_frame_k(server: Server, browser, version) -> None:
    project, version_id = version
    made_session = session(server, project, version_id, title="Drawn notes")
    open_item(browser, invite(server, made_session["id"]))
    k = 37
    jump_to(browser, k)
    assert painted(browser) == 0

    # A stroke and a rectangle; undo takes the rectangle back, redo brings it again.
    browser.find_element(By.ID, "draw").click()
    canvas = browser.find_element(By.CSS_SELECTOR, "canvas.drawing")
    drag(browser, canvas, (-150, -40), (40, 10), (40, 25), (40, -5))
    browser.find_element(By.CSS_SELECTOR, "[data-tool=rectangle]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-color='#FFCC00FF']").click()
    drag(browser, canvas, (60, 20), (90, 60))
    drawn = painted(browser)
    assert drawn > 0
    browser.find_element(By.ID, "undo").click()
    assert 0 < painted(browser) < drawn
    browser.find_element(By.ID, "redo").click()
    assert painted(browser) == drawn
    # The other tools: a line, an arrow, an ellipse in a thick width, and text typed where clicked.
    for tool, start, move in (("line", (-200, 60), (80, 0)), ("arrow", (-200, 90), (80, -20)), ("ellipse", (100, -80), (70, 40))):
        browser.find_element(By.CSS_SELECTOR, f"[data-tool={tool}]").click()
        if tool == "ellipse":
            browser.find_element(By.CSS_SELECTOR, "#draw-width option[value=thick]").click()
        drag(browser, canvas, start, move)
    browser.find_element(By.CSS_SELECTOR, "[data-tool=text]").click()
    ActionChains(browser).move_to_element_with_offset(canvas, -60, 100).click().perform()
    label = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, "input.drawing-text")))
    label.send_keys("glint", Keys.ENTER)
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "input.drawing-text"))
    # Clear is one step to undo.
    browser.find_element(By.ID, "clear-drawing").click()
    assert painted(browser) == 0
    browser.find_element(By.ID, "undo").click()
    assert painted(browser) > drawn
    assert browser.find_element(By.CSS_SELECTOR, "#comment-anchor").get_attribute("value") == "frame"

    text = browser.find_element(By.ID, "comment-text")
    text.send_keys("The glint pops here <b>, see the circle")
    browser.find_element(By.ID, "comment-post").click()
    wait(browser, seen.text_to_be_present_in_element((By.ID, "comments"), "The glint pops here <b>, see the circle"))
    with server.staff() as staff:
        comments = made(staff.get(f"/api/v1/sessions/{made_session['id']}/comments"))["data"]
    assert len(comments) == 1
    comment = comments[0]
    assert comment["anchor"]["frame"] == k and comment["author"]["name"] == "Dana Client"
    shapes = comment["drawing"]["shapes"]
    assert [shape["type"] for shape in shapes] == ["stroke", "rectangle", "line", "arrow", "ellipse", "text"]
    assert shapes[1]["color"] == "#FFCC00FF" and shapes[4]["width"] == 0.008 and shapes[5]["text"] == "glint"
    assert all(0 <= value <= 1 for shape in shapes for point in (shape.get("points") or [shape.get("from") or shape["at"]])
               for value in point)
    assert comment["drawing"]["display"] == {"width": 640, "height": 360, "pixel_aspect": "1/1"}
    # Once saved, the drawing is the comment's: it still shows on its frame.
    assert painted(browser) > 0
    screenshot(browser, "item-feedback")

    # After a reload the page opens on frame 0, where nothing is drawn.
    browser.refresh()
    settled_on(browser, 0)
    wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, f".marker[data-frame='{k}']")))
    assert painted(browser) == 0
    # Clicking the comment goes to its frame and shows its drawing.
    browser.find_element(By.CSS_SELECTOR, f".comment[data-comment='{comment['id']}'] .anchor").click()
    settled_on(browser, k)
    assert barcode(browser) == k
    wait(browser, lambda d: painted(d) > 0)
    assert "selected" in browser.find_element(By.CSS_SELECTOR, f".comment[data-comment='{comment['id']}']").get_attribute("class")
    # A step away hides it; the timeline's marker brings it back.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    settled_on(browser, k + 1)
    assert painted(browser) == 0
    browser.find_element(By.CSS_SELECTOR, f".marker[data-frame='{k}']").click()
    settled_on(browser, k)
    wait(browser, lambda d: painted(d) > 0)

    # Replies, edits and deletes: a reply sits under its comment; an edit says so.
    node = browser.find_element(By.CSS_SELECTOR, f".comment[data-comment='{comment['id']}']")
    node.find_element(By.CSS_SELECTOR, ".reply").click()
    reply = node.find_element(By.CSS_SELECTOR, "form.inline textarea")
    reply.send_keys("And the flare two frames on")
    node.find_element(By.CSS_SELECTOR, "form.inline button[type=submit]").click()
    wait(browser, seen.text_to_be_present_in_element((By.CSS_SELECTOR, ".replies"), "And the flare two frames on"))
    reply_node = browser.find_element(By.CSS_SELECTOR, ".replies .comment")
    reply_node.find_element(By.CSS_SELECTOR, ".edit").click()
    field = reply_node.find_element(By.CSS_SELECTOR, "form.inline textarea")
    field.clear()
    field.send_keys("And the flare three frames on")
    reply_node.find_element(By.CSS_SELECTOR, "form.inline button[type=submit]").click()
    wait(browser, seen.text_to_be_present_in_element((By.CSS_SELECTOR, ".replies"), "And the flare three frames on"))
    assert "edited" in browser.find_element(By.CSS_SELECTOR, ".replies .comment header").text
    browser.find_element(By.CSS_SELECTOR, ".replies .comment .delete").click()
    browser.switch_to.alert.accept()
    wait(browser, seen.text_to_be_present_in_element((By.CSS_SELECTOR, ".replies"), "This comment was deleted."))

    # Filters: by resolved, by author.
    browser.find_element(By.CSS_SELECTOR, f".comment[data-comment='{comment['id']}'] .resolve").click()
    wait(browser, seen.presence_of_element_located((By.CSS_SELECTOR, ".comment.resolved")))
    browser.find_element(By.CSS_SELECTOR, "#filter-resolved option[value=open]").click()
    assert browser.find_element(By.ID, "comments").text == "No comment matches the filters."
    browser.find_element(By.CSS_SELECTOR, "#filter-resolved option[value=resolved]").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#comments > li > .comment")) == 1


def test_a_second_browser_sees_feedback_live_and_follows_the_presenter(server: Server, browser, second_browser,
                                                                       version) -> None:
    project, version_id = version
    made_session = session(server, project, version_id, title="Live review")
    dana, sam = browser, second_browser
    open_item(dana, invite(server, made_session["id"], "Dana Client"))
    open_item(sam, invite(server, made_session["id"], "Sam Second"))
    wait(sam, lambda d: d.find_element(By.ID, "presence").text == "2 here")

    # A comment, and statuses, arrive without a reload.
    jump_to(dana, 5)
    dana.find_element(By.ID, "comment-text").send_keys("Seen live by Sam")
    dana.find_element(By.ID, "comment-post").click()
    wait(sam, seen.text_to_be_present_in_element((By.ID, "comments"), "Seen live by Sam"))
    wait(sam, seen.presence_of_element_located((By.CSS_SELECTOR, ".marker[data-frame='5']")))
    dana.find_element(By.ID, "approve").click()
    wait(sam, seen.text_to_be_present_in_element((By.ID, "summary"), "1 of 2 approved"))
    sam.find_element(By.ID, "requires-changes").click()
    wait(dana, seen.text_to_be_present_in_element((By.ID, "summary"), "Changes requested"))
    assert dana.find_element(By.ID, "approve").get_attribute("aria-pressed") == "true"

    # Dana presents; Sam follows her steps, each to the exact frame.
    dana.find_element(By.ID, "present").click()
    wait(dana, lambda d: d.find_element(By.ID, "present").get_attribute("aria-pressed") == "true")
    follow = wait(sam, seen.element_to_be_clickable((By.ID, "follow")))
    assert "Dana Client" in follow.text
    follow.click()
    jump_to(dana, 30)
    settled_on(sam, 30)
    assert barcode(sam) == 30
    dana.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    settled_on(dana, 31)
    settled_on(sam, 31)
    assert barcode(sam) == 31
    # She plays, and Sam's player plays; she pauses, and both stop on the same frame.
    dana.find_element(By.TAG_NAME, "body").send_keys(Keys.SPACE)
    wait(sam, lambda d: d.execute_script("return !window.dailiesPlayer.video.paused"))
    time.sleep(0.5)
    dana.find_element(By.TAG_NAME, "body").send_keys(Keys.SPACE)
    wait(dana, lambda d: d.execute_script("return window.dailiesPlayer.video.paused && window.dailiesPlayer.seeking === null"))
    time.sleep(0.6)
    stopped = counter(dana)
    settled_on(sam, stopped)
    assert barcode(sam) == stopped == barcode(dana)

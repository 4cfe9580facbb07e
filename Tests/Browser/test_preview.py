"""Staff sign in on the review site and preview a session: exactly what a collaborator sees,
under a bar that says so. A comment made in preview is a staff comment (internal unless
unticked), and no status can be set."""

from __future__ import annotations

import subprocess

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen

from conftest import Server, invite, made, open_item, screenshot, session, settled_on, wait

ADMIN = "admin@dailies.local"
PASSWORD = "north light 42"


def set_password(server: Server) -> None:
    run = subprocess.run([str(server.binary), "user", "set-password", ADMIN, "--data-dir", str(server.data_dir)],
                         input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_staff_sign_in_and_preview_a_session(server: Server, browser, second_browser, version) -> None:
    project, version_id = version
    made_session = session(server, project, version_id, title="Preview me")
    set_password(server)

    # A preview address asks for sign-in first, and comes back to it after.
    browser.get(f"{server.base_url}/review/preview/{made_session['id']}")
    email = wait(browser, seen.visibility_of_element_located((By.ID, "email")))
    email.send_keys(ADMIN)
    browser.find_element(By.ID, "password").send_keys("not the password")
    browser.find_element(By.ID, "sign-in").click()
    wait(browser, seen.text_to_be_present_in_element((By.ID, "problem"), "do not match"))
    password = browser.find_element(By.ID, "password")
    password.clear()
    password.send_keys(PASSWORD)
    browser.find_element(By.ID, "sign-in").click()
    wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, ".session h1")))
    assert browser.current_url.endswith(f"/review/preview/{made_session['id']}")
    bar = browser.find_element(By.ID, "preview-bar")
    assert bar.is_displayed() and bar.text.startswith("Preview")
    cookies = {cookie["name"]: cookie for cookie in browser.get_cookies()}
    assert cookies["dailies_staff"]["httpOnly"] and not cookies["dailies_csrf"]["httpOnly"]
    screenshot(browser, "preview-session")

    # The item, as collaborators see it; no decision buttons.
    browser.find_element(By.CSS_SELECTOR, ".item .open").click()
    settled_on(browser, 0)
    assert not browser.find_elements(By.ID, "approve") and not browser.find_elements(By.ID, "requires-changes")
    internal = browser.find_element(By.ID, "comment-internal")
    assert internal.is_selected(), "a preview comment is internal unless unticked"
    browser.find_element(By.ID, "comment-text").send_keys("Staff only: check the grade")
    browser.find_element(By.ID, "comment-post").click()
    wait(browser, seen.text_to_be_present_in_element((By.ID, "comments"), "Staff only: check the grade"))
    internal.click()
    browser.find_element(By.ID, "comment-text").send_keys("From the studio: new grade tomorrow")
    browser.find_element(By.ID, "comment-post").click()
    wait(browser, seen.text_to_be_present_in_element((By.ID, "comments"), "From the studio: new grade tomorrow"))
    with server.staff() as staff:
        comments = made(staff.get(f"/api/v1/sessions/{made_session['id']}/comments"))["data"]
    assert {(c["text"], c["author"]["kind"], c["internal"]) for c in comments} == {
        ("Staff only: check the grade", "staff", True), ("From the studio: new grade tomorrow", "staff", False)}
    assert all(c["author"]["name"] == "Admin" for c in comments)

    # No status can be set from a preview, even by hand.
    item_id = comments[0]["item_id"]
    answer = browser.execute_script("""
        const csrf = document.cookie.match(/dailies_csrf=([^;]+)/)[1];
        return fetch(arguments[0], {method: "PUT", headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
                                    body: JSON.stringify({status: "approved"})}).then((r) => r.status);
    """, f"/api/v1/review/sessions/{made_session['id']}/items/{item_id}/status")
    assert answer in (401, 403)
    with server.staff() as staff:
        statuses = made(staff.get(f"/api/v1/sessions/{made_session['id']}/statuses"))["data"]
    assert all(status["status"] == "pending" for status in statuses), statuses

    # A collaborator sees the studio's public comment, never the internal one.
    open_item(second_browser, invite(server, made_session["id"]))
    wait(second_browser, seen.text_to_be_present_in_element((By.ID, "comments"), "From the studio: new grade tomorrow"))
    assert "Staff only" not in second_browser.find_element(By.ID, "comments").text

    # Signing out ends it: a preview address asks for sign-in again.
    browser.get(f"{server.base_url}/review/preview")
    wait(browser, seen.element_to_be_clickable((By.ID, "sign-out"))).click()
    wait(browser, seen.visibility_of_element_located((By.ID, "password")))
    browser.get(f"{server.base_url}/review/preview/{made_session['id']}")
    wait(browser, seen.visibility_of_element_located((By.ID, "password")))

"""The admin pages, project settings and notifications, through a real Chromium against one
real server for the module: the studio's name changed on its page reaches the next staff
invitation; an API key made for someone on the people page works until it is revoked there
(and a re-issued one replaces its old secret); a project's status list and tasks edited on its
settings page; the jobs page retrying a failed job; a collaborator's comment showing as the
admin's notification, with the header's unread count, read on the notifications page; and a
member who is not an admin kept out. Screenshots of each page at desktop, tablet and phone
widths go to .build/browser-screenshots/admin-*.png, to be looked at.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select

from conftest import SCREENSHOTS, fresh_server, made, screenshot, wait
from staff_support import confirm, mails_to, press, signed_in_by_route, signed_in_chromium, toast_saying

ADMIN = "admin@dailies.local"
PASSWORD = "admin pages 2026"
MEMBER = "casey@northlight.example"
MEMBER_PASSWORD = "casey's password 19"


@dataclass
class Studio:
    base_url: str
    data_dir: Path
    api_key: str
    binary: Path

    def api(self, key: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {key or self.api_key}"}, timeout=30.0)

    def set_password(self, email: str, password: str) -> None:
        done = subprocess.run([str(self.binary), "user", "set-password", "--data-dir", str(self.data_dir), email],
                              input=password + "\n", capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def studio() -> Iterator[Studio]:
    with fresh_server() as running:
        studio = Studio(running.base_url, running.data_dir, running.api_key, running.binary)
        studio.set_password(ADMIN, PASSWORD)
        yield studio


@pytest.fixture(scope="module")
def browser(studio: Studio):
    with signed_in_chromium(studio.base_url, ADMIN, PASSWORD) as driver:
        yield driver


def shoot(driver, name: str) -> None:
    """Desktop and phone (conftest), and a tablet's width, where nothing may stick out sideways."""
    screenshot(driver, name)
    driver.set_window_size(820, 1180)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    driver.save_screenshot(str(SCREENSHOTS / f"{name}-tablet.png"))
    driver.set_window_size(390, 844)
    phone_overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    driver.set_window_size(1440, 900)
    assert overflow <= 0 and phone_overflow <= 0, f"{name}: wider than the screen by {overflow}px (tablet), {phone_overflow}px (phone)"


def retype(field, text: str) -> None:
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACK_SPACE)
    field.send_keys(text)


def member_row(driver, user_id: str):
    return driver.find_element(By.CSS_SELECTOR, f'li.member[data-user="{user_id}"]')


def open_people(driver, studio: Studio) -> None:
    driver.get(f"{studio.base_url}/staff/admin/people")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#members li.member"))


# ----- The studio's name, into the next invitation -----

def test_studio_name_reaches_the_next_invitation(browser, studio: Studio) -> None:
    browser.get(f"{studio.base_url}/staff/admin")
    name = wait(browser, seen.visibility_of_element_located((By.ID, "studio-name")))
    assert name.get_attribute("value") == "Dailies"
    assert browser.find_element(By.ID, "admin-link").is_displayed()
    new_name = f"Northlight Pictures {uuid.uuid4().hex[:4]}"
    retype(name, new_name)
    assert browser.find_element(By.ID, "studio-state").text == "Not saved yet"
    browser.find_element(By.ID, "save-studio").click()
    toast_saying(browser, "Settings saved")
    assert browser.find_element(By.ID, "studio").text == new_name, "the header shows the new name at once"
    with studio.api() as api:
        assert made(api.get("/api/v1/organization"))["name"] == new_name
    shoot(browser, "admin-studio")

    open_people(browser, studio)
    form = browser.find_element(By.ID, "invite-form")
    fields = form.find_elements(By.CSS_SELECTOR, "input[type=text], input[type=email]")
    fields[0].send_keys("Kit Editor")
    fields[1].send_keys("kit@northlight.example")
    press(browser, browser.find_element(By.ID, "invite-staff"))
    wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, "#invite-result .good-line")))
    assert "Kit Editor" in browser.find_element(By.ID, "members").text, "the new member joins the list"
    mails = mails_to(studio.data_dir, "kit@northlight.example", new_name)
    assert mails, "the invitation carries the studio's new name"
    shoot(browser, "admin-people")


# ----- API keys: made, used, revoked; re-issued -----

def test_api_key_made_on_the_page_works_until_revoked(browser, studio: Studio) -> None:
    with studio.api() as api:
        casey = made(api.post("/api/v1/users", json={"name": "Casey Pipeline", "email": MEMBER}))["user"]
    open_people(browser, studio)
    row = member_row(browser, casey["id"])
    keys = row.find_element(By.CSS_SELECTOR, "details.api-keys")
    press(browser, keys.find_element(By.TAG_NAME, "summary"))
    label = wait(browser, lambda d: keys.find_element(By.CSS_SELECTOR, ".new-key-label"))
    wait(browser, lambda d: "Loading" not in keys.find_element(By.CSS_SELECTOR, ".keys-state").text)
    assert "cannot" not in keys.find_element(By.CSS_SELECTOR, ".keys-state").text, "the server lists API keys"
    label.send_keys("render farm", Keys.ENTER)
    box = wait(browser, lambda d: keys.find_element(By.CSS_SELECTOR, ".key-result details.key-box"))
    assert "shown once" in box.text and not box.get_attribute("open")
    press(browser, box.find_element(By.TAG_NAME, "summary"))
    secret = box.find_element(By.CSS_SELECTOR, "input.key-text").get_attribute("value")
    assert secret.startswith("dk_")
    with studio.api(secret) as api:
        assert made(api.get("/api/v1/me"))["id"] == casey["id"], "the new key is Casey's"
    with studio.api() as api:
        listed = made(api.get(f"/api/v1/users/{casey['id']}/api-keys"))["data"]
    key = next(entry for entry in listed if entry["label"] == "render farm")
    assert secret.startswith(key["hint"].rstrip("…")), "the list shows the key's first characters"
    shoot(browser, "admin-people-keys")

    # Revoked on the page: the key is refused from then on.
    key_row = keys.find_element(By.CSS_SELECTOR, f'tr[data-key="{key["id"]}"]')
    key_row.find_element(By.CSS_SELECTOR, ".revoke-key").click()
    confirm(browser, "Revoke")
    wait(browser, lambda d: "revoked" in keys.find_element(By.CSS_SELECTOR, f'tr[data-key="{key["id"]}"]').text)
    with studio.api(secret) as api:
        assert api.get("/api/v1/me").status_code == 401

    # Re-issued on the page: the new secret works, the one it replaces does not.
    with studio.api() as api:
        older = made(api.post(f"/api/v1/users/{casey['id']}/api-keys", json={"label": "dailies sync"}))
    browser.refresh()
    row = wait(browser, lambda d: member_row(d, casey["id"]))
    keys = row.find_element(By.CSS_SELECTOR, "details.api-keys")
    keys.find_element(By.TAG_NAME, "summary").click()
    reissue = wait(browser, lambda d: keys.find_element(By.CSS_SELECTOR, f'tr[data-key="{older["key"]["id"]}"] .reissue-key'))
    reissue.click()
    confirm(browser, "Re-issue")
    box = wait(browser, lambda d: keys.find_element(By.CSS_SELECTOR, ".key-result details.key-box"))
    box.find_element(By.TAG_NAME, "summary").click()
    fresh = box.find_element(By.CSS_SELECTOR, "input.key-text").get_attribute("value")
    assert fresh.startswith("dk_") and fresh != older["api_key"]
    with studio.api(fresh) as api:
        assert made(api.get("/api/v1/me"))["id"] == casey["id"]
    with studio.api(older["api_key"]) as api:
        assert api.get("/api/v1/me").status_code == 401

    # Made an admin on the page.
    row.find_element(By.CSS_SELECTOR, ".make-admin").click()
    toast_saying(browser, "is an admin")
    with studio.api() as api:
        assert next(user for user in made(api.get("/api/v1/users"))["data"] if user["id"] == casey["id"])["is_admin"]
        made(api.patch(f"/api/v1/users/{casey['id']}", json={"is_admin": False}))


# ----- A project's statuses and tasks -----

def test_project_status_list_and_tasks(browser, studio: Studio) -> None:
    with studio.api() as api:
        project = made(api.post("/api/v1/projects", json={"name": "Settings", "code": "ST"}))
        me = made(api.get("/api/v1/me"))
    browser.get(f"{studio.base_url}/staff/projects/{project['id']}")
    wait(browser, seen.element_to_be_clickable((By.ID, "settings-link"))).click()
    editor = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, '.status-editor[data-scope="version"]')))
    entries = editor.find_elements(By.CSS_SELECTOR, ".status-entry")
    # Rename the first, move the last up one (by keyboard), add one.
    retype(entries[0].find_element(By.CSS_SELECTOR, ".status-name"), "wip")
    assert "was “in progress”" in entries[0].text, "a rename says what it renames"
    press(browser, entries[-1].find_element(By.CSS_SELECTOR, ".move-up"))
    press(browser, editor.find_element(By.CSS_SELECTOR, ".add-status"))
    new = wait(browser, lambda d: d.switch_to.active_element if "status-name" in d.switch_to.active_element.get_attribute("class") else None)
    new.send_keys("client approved")
    Select(editor.find_elements(By.CSS_SELECTOR, ".status-kind")[-1]).select_by_value("approved")
    editor.find_element(By.CSS_SELECTOR, ".save-statuses").click()
    toast_saying(browser, "Version statuses saved")
    with studio.api() as api:
        names = [status["name"] for status in made(api.get(f"/api/v1/projects/{project['id']}/statuses"))["version"]]
    assert names == ["wip", "pending review", "requires changes", "approved", "client approved"]

    # A task, assigned to the admin.
    browser.find_element(By.ID, "new-task-name").send_keys("comp")
    picker = browser.find_element(By.CSS_SELECTOR, ".new-task details.assignees")
    picker.find_element(By.TAG_NAME, "summary").click()
    picker.find_element(By.CSS_SELECTOR, f'input[value="{me["id"]}"]').click()
    browser.find_element(By.ID, "create-task").click()
    toast_saying(browser, "Task comp added")
    with studio.api() as api:
        tasks = made(api.get(f"/api/v1/projects/{project['id']}/tasks"))["data"]
    assert [(task["name"], task["assignee_ids"]) for task in tasks] == [("comp", [me["id"]])]

    # What transparent pictures show, among the session defaults.
    Select(browser.find_element(By.ID, "default-alpha-background")).select_by_value("checkerboard")
    browser.find_element(By.ID, "save-defaults").click()
    toast_saying(browser, "Session defaults saved")
    with studio.api() as api:
        assert made(api.get(f"/api/v1/projects/{project['id']}"))["defaults"]["alpha_background"] == "checkerboard"
    shoot(browser, "admin-project-settings")


# ----- Jobs, notifications, and the door -----

def test_jobs_notifications_and_admins_only(browser, studio: Studio) -> None:
    with studio.api() as api:
        project = made(api.post("/api/v1/projects", json={"name": "Jobs"}))
        version = made(api.post(f"/api/v1/projects/{project['id']}/versions", json={"name": "sh040_noise_v001"}))
        # Not a movie: its transcode fails at once, for the page to retry.
        stored = api.put(f"/api/v1/versions/{version['id']}/media?filename=noise.mov", content=os.urandom(50_000),
                         headers={"Content-Type": "application/octet-stream"})
        assert stored.status_code == 202, stored.text
        session = made(api.post(f"/api/v1/projects/{project['id']}/sessions", json={"title": "Client review", "version_ids": [version["id"]]}))
        invite = made(api.post(f"/api/v1/sessions/{session['id']}/collaborators", json={"name": "Dana Client", "role": "approver"}))
    # The collaborator comments: the session's maker (the admin) is told.
    with httpx.Client(base_url=studio.base_url, timeout=30.0) as dana:
        made(dana.post("/api/v1/review/access", json={"token": invite["invite_url"].rsplit("/", 1)[1]}))
        item = made(dana.get(f"/api/v1/review/sessions/{session['id']}/items"))["data"][0]
        made(dana.post(f"/api/v1/review/sessions/{session['id']}/items/{item['id']}/comments",
                       json={"text": "The noise in the sky flickers."}))

    browser.get(f"{studio.base_url}/staff/admin/jobs?project={project['id']}")
    failed = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, '#jobs-body tr[data-state="failed"]')), timeout=60)
    assert "sh040_noise_v001" in failed.text
    assert browser.find_element(By.CSS_SELECTOR, "#workers [data-worker]"), "the server's worker is listed"
    shoot(browser, "admin-jobs")
    job_id = failed.get_attribute("data-job")
    with studio.api() as api:
        before = made(api.get(f"/api/v1/jobs/{job_id}"))
    failed.find_element(By.CSS_SELECTOR, ".retry-job").click()
    toast_saying(browser, "Queued again")
    with studio.api() as api:
        after = made(api.get(f"/api/v1/jobs/{job_id}"))
    assert after["updated_at"] > before["updated_at"], "the job was queued again (it may have failed again since)"

    # The header counts the unread notice on every page; the notifications page reads it.
    badge = wait(browser, seen.visibility_of_element_located((By.ID, "unread-count")))
    assert badge.text == "1"
    browser.find_element(By.ID, "notifications-link").click()
    notice = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, "#notices li.notice-item.unread")))
    assert "Dana Client" in notice.text and "The noise in the sky flickers." in notice.text
    shoot(browser, "admin-notifications")
    press(browser, notice.find_element(By.CSS_SELECTOR, ".mark-read"))
    toast_saying(browser, "Marked read")
    wait(browser, lambda d: not d.find_element(By.ID, "unread-count").is_displayed())
    with studio.api() as api:
        assert made(api.get("/api/v1/me/notifications?unread=true&limit=1"))["pagination"]["total"] == 0

    # Mail about feedback, on the account page.
    browser.get(f"{studio.base_url}/staff/account")
    mail_me = wait(browser, seen.element_to_be_clickable((By.ID, "mail-me")))
    wait(browser, lambda d: d.find_element(By.ID, "mail-form").get_attribute("aria-busy") is None)
    if not mail_me.is_selected():
        press(browser, mail_me)
    press(browser, browser.find_element(By.ID, "mail-daily"))
    browser.find_element(By.ID, "save-mail").click()
    toast_saying(browser, "Mail settings saved")
    with studio.api() as api:
        assert made(api.get("/api/v1/me/notification-settings")) == {"email": True, "frequency": "daily"}

    # Someone who is not an admin sees no Admin link, and the admin pages say they are for admins.
    with studio.api() as api:
        made(api.post("/api/v1/users", json={"name": "Jo Artist", "email": "jo@northlight.example"}))
    studio.set_password("jo@northlight.example", MEMBER_PASSWORD)
    signed_in_by_route(browser, studio.base_url, "jo@northlight.example", MEMBER_PASSWORD)
    browser.get(f"{studio.base_url}/staff/admin/people")
    wait(browser, seen.visibility_of_element_located((By.ID, "admins-only")))
    assert not browser.find_element(By.ID, "admin-link").is_displayed()
    assert not browser.find_elements(By.ID, "members")
    signed_in_by_route(browser, studio.base_url, ADMIN, PASSWORD)

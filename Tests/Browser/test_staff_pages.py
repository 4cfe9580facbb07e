"""The staff pages, through a real Chromium against a real server: signing in (the admin's
password set through the link the first start prints), creating a project, uploading movies
through the page and watching them become ready live, editing a status, filtering, making a
session from a selection, an upload that resumes after the server drops its connection, one that
resumes after a reload, the page's own SHA-256 against known vectors, and screenshots of each
page at desktop and tablet widths (.build/browser-screenshots/staff-*.png), to be looked at.

These tests run their own servers (a fresh data folder each), not conftest's shared one: they
start from nothing, as a studio's first day does.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select

from conftest import CHROMEDRIVER, CHROMIUM, REPO, SCREENSHOTS, DailiesServer, fresh_server, made, screenshot, wait
from staff_support import add_collaborator, drag_selected_above, mails_to, order_saved, press, row_names, rows, toast_saying

ADMIN = "admin@dailies.local"
PASSWORD = "staff pages 2026"
SET_PASSWORD_LINK = re.compile(r"(https?://\S+/staff/set-password/[A-Za-z0-9_-]+)")
DROP_AFTER = 1_000_000  # bytes of chunk bodies before the test server drops the connection, once
CHUNK = 8 * 1024 * 1024


class Staff:
    """A running server of these tests, with the admin's key for checking what the pages did."""

    def __init__(self, running: DailiesServer, binary: Path):
        self.running = running
        self.binary = binary
        self.base_url = running.base_url
        self.api_key = running.api_key

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=30.0)


@pytest.fixture(scope="module")
def staff_server() -> Iterator[Staff]:
    with fresh_server() as running:
        yield Staff(running, running.binary)


@pytest.fixture(scope="module")
def drop_server() -> Iterator[Staff]:
    """A server that drops the connection once, after DROP_AFTER bytes of upload chunks."""
    with fresh_server(["--test-drop-upload-after", str(DROP_AFTER)]) as running:
        yield Staff(running, running.binary)


def _chromium() -> webdriver.Chrome:
    """Chromium as conftest starts it, and one thing more: a "Leave the page?" question (an
    upload under way) is answered yes, as the person reloading means it."""
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,900",
                     "--lang=en-GB", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("unhandledPromptBehavior", "accept")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    return driver


def sign_in(driver: webdriver.Chrome, staff: Staff, shots: str | None = None) -> None:
    """The admin's first sign-in: the password set through the link the first start printed."""
    link = SET_PASSWORD_LINK.search(staff.running.log_path.read_text(errors="replace"))
    assert link, "the first start prints a link to set the admin's password:\n" + staff.running.log_tail(20)
    driver.get(link.group(1))
    first = wait(driver, seen.visibility_of_element_located((By.ID, "new-password")))
    first.send_keys(PASSWORD)
    driver.find_element(By.ID, "new-password-again").send_keys(PASSWORD[:-1] + "X")
    driver.find_element(By.ID, "set-password").click()
    wait(driver, seen.text_to_be_present_in_element((By.CSS_SELECTOR, "#set-password-form .problem"), "differ"))
    if shots:
        shoot(driver, f"{shots}-set-password")
    again = driver.find_element(By.ID, "new-password-again")
    again.clear()
    again.send_keys(PASSWORD, Keys.ENTER)
    wait(driver, lambda d: d.current_url.endswith("/staff/projects"))


def sign_in_with_password(driver: webdriver.Chrome, staff: Staff, page: str) -> None:
    """A staff page asked for while signed out goes to the sign-in, and back to it after."""
    driver.get(f"{staff.base_url}{page}")
    email = wait(driver, seen.visibility_of_element_located((By.ID, "email")))
    assert driver.current_url.endswith("/staff/sign-in?next=" + page.replace("/", "%2F"))
    email.send_keys(ADMIN)
    driver.find_element(By.ID, "password").send_keys("not the password", Keys.ENTER)
    wait(driver, seen.text_to_be_present_in_element((By.CSS_SELECTOR, "#sign-in-form .problem"), "."))
    shoot(driver, "staff-sign-in")
    password = driver.find_element(By.ID, "password")
    password.clear()
    password.send_keys(PASSWORD, Keys.ENTER)
    wait(driver, lambda d: d.current_url.endswith(page))


@pytest.fixture(scope="module")
def browser(staff_server: Staff) -> Iterator[webdriver.Chrome]:
    """A Chromium signed in as the admin on the tests' server."""
    driver = _chromium()
    try:
        sign_in(driver, staff_server, shots="staff")
        yield driver
    finally:
        driver.quit()


def shoot(driver: webdriver.Chrome, name: str) -> None:
    """conftest's screenshots (desktop, phone), and the tablet's width the staff pages are made for."""
    screenshot(driver, name)
    driver.set_window_size(820, 1180)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    driver.save_screenshot(str(SCREENSHOTS / f"{name}-tablet.png"))
    driver.set_window_size(1440, 900)
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than a tablet's screen"


def studio_named(tmp_path: Path, fixture: str, name: str) -> Path:
    """A fixture movie under the name a studio would give it."""
    path = tmp_path / name
    shutil.copyfile(REPO / "Fixtures" / fixture, path)
    return path


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def retype(field, text: str) -> None:
    """Replaces a field's text as a person does (clear() sends no input event)."""
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACK_SPACE)
    if text:
        field.send_keys(text)


def row(driver, version_id: str):
    return driver.find_element(By.CSS_SELECTOR, f'tr[data-version="{version_id}"]')


def visible_versions(driver) -> list[str]:
    return [tr.get_attribute("data-version") for tr in driver.find_elements(By.CSS_SELECTOR, "#versions-body tr[data-version]")
            if tr.is_displayed()]


def upload_rows(driver) -> list:
    return driver.find_elements(By.CSS_SELECTOR, "#upload-list tbody tr")


def wait_uploaded(driver, count: int, timeout: float = 60) -> None:
    """Until `count` rows of the upload list say they are processing (their bytes all sent)."""
    def done(d):
        states = [tr.get_attribute("data-state") for tr in upload_rows(d)]
        failed = [tr.text for tr in upload_rows(d) if tr.get_attribute("data-state") == "failed"]
        assert not failed, f"an upload failed: {failed}"
        return states.count("processing") >= count
    wait(driver, done, timeout)


def original(staff: Staff, version_id: str) -> dict:
    with staff.api() as api:
        components = made(api.get(f"/api/v1/versions/{version_id}/components"))["data"]
    return next(component for component in components if component["kind"] == "original")


# ---- The page's SHA-256 ------------------------------------------------------------------------

SHA256_VECTORS = """
const done = arguments[arguments.length - 1];
import("/staff/sha256.js").then(({ sha256 }) => {
  const text = (s) => new TextEncoder().encode(s);
  const out = {
    empty: sha256().hex(),
    abc: sha256().update(text("abc")).hex(),
    two_blocks: sha256().update(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).hex(),
    four_blocks: sha256().update(text("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")).hex(),
  };
  const million = sha256();
  const block = new Uint8Array(1000).fill(0x61);
  for (let i = 0; i < 1000; i++) million.update(block);
  out.million_a = million.hex();
  // Pseudo-random bytes in uneven pieces (1, 63, 64, 65 … bytes): the streaming must not matter.
  const bytes = new Uint8Array(200003);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; bytes[i] = x >>> 24; }
  const pieces = sha256();
  const sizes = [1, 63, 64, 65, 127, 4096, 777];
  for (let at = 0, k = 0; at < bytes.length; k++) { const n = sizes[k % sizes.length]; pieces.update(bytes.subarray(at, at + n)); at += n; }
  out.pieces = pieces.hex();
  out.whole = sha256().update(bytes).hex();
  out.bytes = Array.from(bytes.subarray(0, 16));
  done(out);
}, (error) => done({ error: String(error) }));
"""


def test_sha256_matches_known_vectors(browser, staff_server: Staff) -> None:
    browser.get(f"{staff_server.base_url}/staff/projects")
    got = browser.execute_async_script(SHA256_VECTORS)
    assert "error" not in got, got
    assert got["empty"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert got["abc"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert got["two_blocks"] == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    assert got["four_blocks"] == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
    assert got["million_a"] == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    x, expected = 12345, bytearray()
    for _ in range(200003):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        expected.append(x >> 24)
    assert got["bytes"] == list(expected[:16])
    assert got["pieces"] == got["whole"] == hashlib.sha256(expected).hexdigest()


def test_sign_in_goes_back_only_to_staff_pages(browser, staff_server: Staff) -> None:
    browser.get(f"{staff_server.base_url}/staff/projects")
    answers = browser.execute_async_script("""
const done = arguments[arguments.length - 1];
import("/staff/sign-in.js").then(({ nextPage }) => done([
  "?next=%2Fstaff%2Fprojects%2Fabc", "?next=https%3A%2F%2Fevil.example%2Fstaff%2F", "?next=%2F%2Fevil.example%2Fstaff%2F",
  "?next=%2Fapi%2Fv1%2Fme", "?next=%2Fstaff%2F..%5C..%5Cevil", "", "?next=%2Fstaff%2F..%2Fapi%2Fv1%2Fme",
  "?next=%2Fstaff%2F%252e%252e%2Fapi", "?next=%2Fstaff%2Faccount%3Ftab%3D1",
].map((search) => nextPage(search))));
""")
    assert answers == ["/staff/projects/abc"] + ["/staff/projects"] * 7 + ["/staff/account?tab=1"]


def test_a_used_or_unknown_password_link_says_so(browser, staff_server: Staff) -> None:
    browser.get(f"{staff_server.base_url}/staff/set-password/dp_not_a_real_link")
    password = wait(browser, seen.visibility_of_element_located((By.ID, "new-password")))
    password.send_keys("twelve chars long")
    browser.find_element(By.ID, "new-password-again").send_keys("twelve chars long", Keys.ENTER)
    wait(browser, seen.text_to_be_present_in_element((By.CSS_SELECTOR, "#set-password-form .problem"), "Ask an admin"))
    assert password.get_attribute("value") == "twelve chars long", "a failed request keeps what was typed"


# ---- Projects and versions, from an empty data folder ------------------------------------------

@pytest.fixture(scope="module")
def movies(browser, staff_server: Staff, tmp_path_factory) -> dict:
    """Through the pages only: create a project, then upload two movies named as a studio names
    them. Answers the project's id and the versions' ids by name."""
    folder = tmp_path_factory.mktemp("movies")
    files = [studio_named(folder, "h264-bframes-23976-editlist.mp4", "sh010_comp_v003.mp4"),
             studio_named(folder, "prores422-1080p24-pcm-tc01.mov", "sh020_grade_v012.mov")]

    browser.get(f"{staff_server.base_url}/staff/projects")
    wait(browser, seen.text_to_be_present_in_element((By.ID, "project-list"), "No projects yet"))
    shoot(browser, "staff-projects-empty")
    browser.find_element(By.CSS_SELECTOR, "#create-project-form input[name=name]").send_keys("Northlight")
    browser.find_element(By.CSS_SELECTOR, "#create-project-form input[name=code]").send_keys("NL")
    browser.find_element(By.ID, "create-project").click()
    wait(browser, lambda d: re.search(r"/staff/projects/[0-9A-Fa-f-]{36}$", d.current_url))
    project_id = browser.current_url.rsplit("/", 1)[1]
    wait(browser, seen.text_to_be_present_in_element((By.ID, "versions-body"), "No versions yet"))
    shoot(browser, "staff-versions-empty")

    browser.find_element(By.ID, "upload-files").send_keys("\n".join(str(path) for path in files))
    wait(browser, lambda d: len(upload_rows(d)) == 2)
    # The proposals from the names: asset and version number, editable.
    proposals = {tr.find_element(By.CSS_SELECTOR, ".file-name").text:
                 [field.get_attribute("value") for field in tr.find_elements(By.CSS_SELECTOR, "input")] for tr in upload_rows(browser)}
    assert proposals == {"sh010_comp_v003.mp4": ["sh010_comp_v003", "sh010_comp", "3"],
                         "sh020_grade_v012.mov": ["sh020_grade_v012", "sh020_grade", "12"]}
    reason_free_edit = upload_rows(browser)[1].find_elements(By.CSS_SELECTOR, "input")[0]
    reason_free_edit.clear()
    reason_free_edit.send_keys("sh020_grade_v012_warm")
    shoot(browser, "staff-upload-proposed")
    browser.find_element(By.ID, "upload-start").click()
    wait_uploaded(browser, 2)
    with staff_server.api() as api:
        versions = {version["name"]: version for version in made(api.get(f"/api/v1/projects/{project_id}/versions"))["data"]}
    assert set(versions) == {"sh010_comp_v003", "sh020_grade_v012_warm"}
    assert (versions["sh020_grade_v012_warm"]["asset"], versions["sh020_grade_v012_warm"]["version_number"]) == ("sh020_grade", 12)
    # The bytes are the files', checked by SHA-256.
    for path, name in zip(files, ["sh010_comp_v003", "sh020_grade_v012_warm"]):
        assert original(staff_server, versions[name]["id"])["sha256"] == sha256_of(path)
    return {"project": project_id, "ids": {name: version["id"] for name, version in versions.items()}}


def test_upload_two_movies_and_watch_them_become_ready(browser, staff_server: Staff, movies) -> None:
    # No reload: the live channel brings each version's media state and progress.
    for version_id in movies["ids"].values():
        wait(browser, lambda d: row(d, version_id).get_attribute("data-media") == "ready", timeout=120)
        wait(browser, lambda d: row(d, version_id).find_element(By.CSS_SELECTOR, ".col-poster img").get_attribute("naturalWidth") not in (None, "0"))
    assert browser.find_element(By.ID, "live-state").get_attribute("data-state") == "live"
    first = row(browser, movies["ids"]["sh010_comp_v003"])
    assert first.find_element(By.CSS_SELECTOR, ".col-number").text == "v003"
    assert first.find_element(By.CSS_SELECTOR, ".asset-name").text == "sh010_comp"
    shoot(browser, "staff-versions")


def test_edit_a_status(browser, staff_server: Staff, movies) -> None:
    version_id = movies["ids"]["sh010_comp_v003"]
    browser.get(f"{staff_server.base_url}/staff/projects/{movies['project']}")
    select = wait(browser, seen.element_to_be_clickable((By.CSS_SELECTOR, f'tr[data-version="{version_id}"] .status-select')))
    Select(select).select_by_visible_text("approved")
    wait(browser, seen.text_to_be_present_in_element((By.ID, "toasts"), "approved"))
    with staff_server.api() as api:
        assert made(api.get(f"/api/v1/versions/{version_id}"))["status"] == "approved"
    # The keyboard does the same: focus the list, arrow to another status.
    select = row(browser, version_id).find_element(By.CSS_SELECTOR, ".status-select")
    select.send_keys("requires changes")
    with staff_server.api() as api:
        wait(browser, lambda d: made(api.get(f"/api/v1/versions/{version_id}"))["status"] == "requires changes")


def test_filters_keep_the_selection(browser, staff_server: Staff, movies) -> None:
    ids = movies["ids"]
    browser.get(f"{staff_server.base_url}/staff/projects/{movies['project']}")
    wait(browser, lambda d: len(visible_versions(d)) == 2)
    row(browser, ids["sh010_comp_v003"]).find_element(By.CSS_SELECTOR, ".select-version").click()
    assert browser.find_element(By.ID, "selected-count").text == "1 selected"

    search = browser.find_element(By.ID, "filter-search")
    search.send_keys("sh020")
    wait(browser, lambda d: visible_versions(d) == [ids["sh020_grade_v012_warm"]])
    assert browser.find_element(By.ID, "shown-count").text == "1 of 2 shown"
    assert "1 selected (1 hidden by the filters)" == browser.find_element(By.ID, "selected-count").text
    retype(search, "SH010_COMP")  # the asset, in any case
    wait(browser, lambda d: visible_versions(d) == [ids["sh010_comp_v003"]])
    retype(search, "")

    Select(browser.find_element(By.ID, "filter-status")).select_by_visible_text("pending review")
    wait(browser, lambda d: ids["sh010_comp_v003"] not in visible_versions(d) and ids["sh020_grade_v012_warm"] in visible_versions(d))
    Select(browser.find_element(By.ID, "filter-media")).select_by_visible_text("No media")
    wait(browser, seen.text_to_be_present_in_element((By.ID, "versions-body"), "No versions match the filters"))
    shoot(browser, "staff-versions-filtered-out")
    browser.find_element(By.CSS_SELECTOR, "#versions-body .empty button").click()
    wait(browser, lambda d: len(visible_versions(d)) == 2)
    Select(browser.find_element(By.ID, "filter-task")).select_by_visible_text("No task")
    wait(browser, lambda d: len(visible_versions(d)) == 2)
    # Selecting all selects what the filters show.
    browser.find_element(By.ID, "select-all").click()
    assert browser.find_element(By.ID, "selected-count").text == "2 selected"
    browser.find_element(By.ID, "select-all").click()
    assert browser.find_element(By.ID, "selected-count").text == "Nothing selected"
    assert not browser.find_element(By.ID, "new-session").is_enabled()


def test_new_session_and_add_to_session_from_a_selection(browser, staff_server: Staff, movies) -> None:
    ids = movies["ids"]
    page = f"{staff_server.base_url}/staff/projects/{movies['project']}"
    browser.get(page)
    wait(browser, lambda d: len(visible_versions(d)) == 2)
    row(browser, ids["sh010_comp_v003"]).find_element(By.CSS_SELECTOR, ".select-version").click()
    browser.find_element(By.ID, "new-session").click()
    wait(browser, lambda d: re.search(r"/staff/sessions/[0-9A-Fa-f-]{36}$", d.current_url))
    session_id = browser.current_url.rsplit("/", 1)[1]
    with staff_server.api() as api:
        items = made(api.get(f"/api/v1/sessions/{session_id}/items"))["data"]
    assert [item["version_id"] for item in items] == [ids["sh010_comp_v003"]]

    browser.get(page)
    wait(browser, lambda d: len(visible_versions(d)) == 2)
    row(browser, ids["sh020_grade_v012_warm"]).find_element(By.CSS_SELECTOR, ".select-version").click()
    browser.find_element(By.ID, "add-to-session").click()
    dialog = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, "dialog.session-pick")))
    wait(browser, lambda d: dialog.find_element(By.ID, "target-existing").is_selected())
    Select(dialog.find_element(By.ID, "existing-session")).select_by_value(session_id)
    shoot(browser, "staff-versions-add-to-session")
    dialog.find_element(By.ID, "session-from-versions").click()
    wait(browser, lambda d: d.current_url.endswith(f"/staff/sessions/{session_id}"))
    with staff_server.api() as api:
        items = made(api.get(f"/api/v1/sessions/{session_id}/items"))["data"]
    assert [item["version_id"] for item in items] == [ids["sh010_comp_v003"], ids["sh020_grade_v012_warm"]]


def test_a_review_set_up_through_the_pages_alone(browser, staff_server: Staff, movies) -> None:
    """A studio's first review, through the pages only, on this module's server that started on
    an empty data folder: the admin's password came through the link the first start printed
    (the browser fixture), a project and two movies were uploaded through the page and became
    ready live (the movies fixture and the test above). Here both go into a new session, which
    is reordered with the mouse and then with the keys, and two collaborators are added and
    invited: the invitations are in the outbox."""
    ids = movies["ids"]
    browser.get(f"{staff_server.base_url}/staff/projects/{movies['project']}")
    for version_id in ids.values():
        wait(browser, lambda d: row(d, version_id).get_attribute("data-media") == "ready", timeout=120)
        row(browser, version_id).find_element(By.CSS_SELECTOR, ".select-version").click()
    browser.find_element(By.ID, "new-session").click()
    wait(browser, lambda d: re.search(r"/staff/sessions/[0-9A-Fa-f-]{36}$", d.current_url))
    session_id = browser.current_url.rsplit("/", 1)[1]
    wait(browser, lambda d: len(rows(d)) == 2 and d.find_elements(By.CSS_SELECTOR, "#collaborators > li"))

    def order() -> list[str]:
        with staff_server.api() as api:
            items = made(api.get(f"/api/v1/sessions/{session_id}/items"))["data"]
        return [item["version_name"] for item in sorted(items, key=lambda item: item["position"])]

    first, second = row_names(browser)
    assert order() == [first, second]
    # The mouse: the second, selected, dragged above the first.
    rows(browser)[1].find_element(By.CSS_SELECTOR, ".select").click()
    drag_selected_above(browser, rows(browser)[1], rows(browser)[0])
    order_saved(browser)
    assert row_names(browser) == order() == [second, first]
    # The keys: nothing selected, Alt+ArrowUp in the second row moves it up.
    rows(browser)[0].find_element(By.CSS_SELECTOR, ".select").click()
    rows(browser)[1].find_element(By.CSS_SELECTOR, ".reason").click()
    ActionChains(browser).key_down(Keys.ALT).send_keys(Keys.ARROW_UP).key_up(Keys.ALT).perform()
    wait(browser, lambda d: row_names(d) == [first, second])
    order_saved(browser)
    assert order() == [first, second]

    for name, email, role in (("Dana Client", "dana@client.example", "approver"), ("Sam Super", "sam@client.example", "reviewer")):
        add_collaborator(browser, name, email, role)
    browser.find_element(By.ID, "invite-message").send_keys("The first two shots of the trailer.")
    press(browser, browser.find_element(By.ID, "send-invites"))
    toast_saying(browser, "Emailed 2 invitations.")
    for email in ("dana@client.example", "sam@client.example"):
        mails = mails_to(staff_server.running.data_dir, email, containing="The first two shots of the trailer.")
        assert mails and "/review/invite/" in mails[0], f"no invitation for {email} in the outbox"


def test_projects_list_links_to_versions_and_sessions(browser, staff_server: Staff, movies) -> None:
    browser.get(f"{staff_server.base_url}/staff/projects")
    line = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, f'tr[data-project="{movies["project"]}"]')))
    assert "Northlight" in line.text and "NL" in line.text
    links = [a.get_attribute("href") for a in line.find_elements(By.CSS_SELECTOR, ".project-links a")]
    assert links == [f"{staff_server.base_url}/staff/projects/{movies['project']}",
                     f"{staff_server.base_url}/staff/projects/{movies['project']}/sessions"]
    shoot(browser, "staff-projects")


def test_upload_a_folder_of_frames_as_one_sequence(browser, staff_server: Staff) -> None:
    """A folder of numbered frames is one entry (one version), sent frame by frame, stored as a
    sequence by the server and made ready."""
    folder = REPO / "Fixtures" / "png-sequence"
    frames = sorted(folder.iterdir())
    with staff_server.api() as api:
        project = made(api.post("/api/v1/projects", json={"name": "Frames"}))
    browser.get(f"{staff_server.base_url}/staff/projects/{project['id']}")
    wait(browser, seen.presence_of_element_located((By.ID, "upload-folder"))).send_keys(str(folder))
    wait(browser, lambda d: len(upload_rows(d)) == 1)
    entry = upload_rows(browser)[0]
    assert entry.find_element(By.CSS_SELECTOR, ".file-name").text == f"shot_010.####.png (1001–{1000 + len(frames)}, {len(frames)} frames)"
    assert [field.get_attribute("value") for field in entry.find_elements(By.CSS_SELECTOR, "input")] == ["shot_010", "shot_010", "1"]
    browser.find_element(By.ID, "upload-start").click()
    wait_uploaded(browser, 1)
    with staff_server.api() as api:
        versions = made(api.get(f"/api/v1/projects/{project['id']}/versions"))["data"]
    assert [version["name"] for version in versions] == ["shot_010"]
    wait(browser, lambda d: row(d, versions[0]["id"]).get_attribute("data-media") == "ready", timeout=120)


def test_a_folder_mostly_missing_frames_asks_first(browser, staff_server: Staff, tmp_path) -> None:
    folder = tmp_path / "sparse"
    folder.mkdir()
    for number in (1001, 1040):
        shutil.copyfile(REPO / "Fixtures" / "png-sequence" / f"shot_010.{number}.png", folder / f"sparse.{number}.png")
    with staff_server.api() as api:
        project = made(api.post("/api/v1/projects", json={"name": "Sparse"}))
    browser.get(f"{staff_server.base_url}/staff/projects/{project['id']}")
    wait(browser, seen.presence_of_element_located((By.ID, "upload-folder"))).send_keys(str(folder))
    wait(browser, lambda d: len(upload_rows(d)) == 1)
    assert "38 frames missing" in upload_rows(browser)[0].text
    browser.find_element(By.ID, "upload-start").click()
    dialog = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, "dialog.dialog")))
    assert "1002–1039" in dialog.text
    dialog.find_element(By.CSS_SELECTOR, "button[value=yes]").click()
    wait_uploaded(browser, 1)


DROP_FILES = """
const [names, contents] = [arguments[0], arguments[1]];
const transfer = new DataTransfer();
names.forEach((name, i) => transfer.items.add(new File([Uint8Array.from(atob(contents[i]), (c) => c.charCodeAt(0))], name)));
const zone = document.getElementById("drop-zone");
for (const type of ["dragenter", "dragover", "drop"]) {
  zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
}
"""

GROUP = """
const done = arguments[arguments.length - 1];
import("/staff/names.js").then(({ group, propose }) => {
  const file = (name) => new File(["x"], name);
  const entries = group(["plate.1001.exr", "plate.1002.exr", "plate.1004.exr", "sh010_comp_v003.mov", "notes.1001.txt", "single.1001.dpx",
                         "bg_v2.0100.png", "bg_v2.0101.png"].map((name) => ({ file: file(name), path: `shots/${name}` })));
  done({
    entries: entries.map((entry) => [entry.kind, entry.label, entry.base, entry.files.length]),
    proposals: ["sh010_comp_v003", "sh010_comp.v12", "plate", "bg_v2", "A_V7"].map((base) => propose(base, () => 4)),
  });
});
"""


def test_names_and_a_drop(browser, staff_server: Staff) -> None:
    """What the page proposes from names, how numbered frames group, and a drop on the zone."""
    with staff_server.api() as api:
        project = made(api.post("/api/v1/projects", json={"name": "Dropped on"}))
    browser.get(f"{staff_server.base_url}/staff/projects/{project['id']}")
    wait(browser, seen.presence_of_element_located((By.ID, "drop-zone")))
    got = browser.execute_async_script(GROUP)
    assert got["entries"] == [
        ["file", "sh010_comp_v003.mov", "sh010_comp_v003", 1],
        ["file", "notes.1001.txt", "notes.1001", 1],
        ["sequence", "plate.####.exr (1001–1004, 3 frames)", "plate", 3],
        ["file", "single.1001.dpx", "single.1001", 1],
        ["sequence", "bg_v2.####.png (100–101, 2 frames)", "bg_v2", 2],
    ]
    assert got["proposals"] == [
        {"name": "sh010_comp_v003", "asset": "sh010_comp", "version_number": 3},
        {"name": "sh010_comp.v12", "asset": "sh010_comp", "version_number": 12},
        {"name": "plate", "asset": "plate", "version_number": 5},
        {"name": "bg_v2", "asset": "bg", "version_number": 2},
        {"name": "A_V7", "asset": "A", "version_number": 7},
    ]
    still = (REPO / "Fixtures" / "still.jpg").read_bytes()
    browser.execute_script(DROP_FILES, ["sh090_matte_v004.jpg"], [base64.b64encode(still).decode()])
    wait(browser, lambda d: len(upload_rows(d)) == 1)
    assert [field.get_attribute("value") for field in upload_rows(browser)[0].find_elements(By.CSS_SELECTOR, "input")] == \
        ["sh090_matte_v004", "sh090_matte", "4"]
    browser.find_element(By.ID, "upload-start").click()
    wait_uploaded(browser, 1)
    with staff_server.api() as api:
        version = made(api.get(f"/api/v1/projects/{project['id']}/versions"))["data"][0]
    assert original(staff_server, version["id"])["sha256"] == hashlib.sha256(still).hexdigest()


# ---- Resuming ------------------------------------------------------------------------------------

def test_upload_resumes_after_the_connection_drops(drop_server: Staff, tmp_path) -> None:
    """The server drops the connection once, a megabyte into the movie; the upload still ends
    with the file's bytes. (Chromium itself sends a request again when a kept-alive connection
    drops before any answer, so the page may never see this drop: the test after this one
    takes the network away from the page itself.)"""
    movie = studio_named(tmp_path, "prores422-1080p24-pcm-tc01.mov", "sh030_comp_v001.mov")
    assert movie.stat().st_size > DROP_AFTER
    with drop_server.api() as api:
        project = made(api.post("/api/v1/projects", json={"name": "Dropped"}))
    driver = _chromium()
    try:
        sign_in(driver, drop_server)
        driver.get(f"{drop_server.base_url}/staff/projects/{project['id']}")
        wait(driver, seen.presence_of_element_located((By.ID, "upload-files")))
        driver.find_element(By.ID, "upload-files").send_keys(str(movie))
        wait(driver, lambda d: len(upload_rows(d)) == 1)
        driver.find_element(By.ID, "upload-start").click()
        wait_uploaded(driver, 1)
    finally:
        driver.quit()
    with drop_server.api() as api:
        version = made(api.get(f"/api/v1/projects/{project['id']}/versions"))["data"][0]
        assert original(drop_server, version["id"])["sha256"] == sha256_of(movie)
        # The drop happened during the page's upload: it happens once, and a chunk sent now arrives whole.
        other = made(api.post(f"/api/v1/projects/{project['id']}/versions", json={"name": "sh030_comp_v002"}))
        upload = made(api.post(f"/api/v1/versions/{other['id']}/uploads", json={"file_name": "again.mov", "size": movie.stat().st_size}))
        sent = made(api.patch(f"/api/v1/uploads/{upload['id']}", content=movie.read_bytes(),
                              headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}))
        assert sent["complete"]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    """A file of two chunks. Random bytes: not a movie, so its processing fails, which these
    tests do not mind."""
    path = tmp_path_factory.mktemp("big") / "sh040_plate_v002.mov"
    path.write_bytes(os.urandom(2 * CHUNK - 4321))
    return path


def remembered_upload(driver) -> str | None:
    """The upload id the page remembers in localStorage (for resuming after a reload)."""
    return driver.execute_script("const all = JSON.parse(localStorage.getItem('dailies.staff.uploads') || '{}');"
                                 "return Object.values(all).map((r) => r.upload_id).find(Boolean) || null;")


def server_offset(staff: Staff, upload_id: str) -> int:
    with staff.api() as api:
        answer = api.get(f"/api/v1/uploads/{upload_id}")
    return answer.json()["offset"] if answer.status_code == 200 else -1


# Holds the page's second upload chunk back (as a stalled network would) until the test lets it go:
# so the tests act mid-upload at a known point, whatever the machine's speed.
HOLD_SECOND_CHUNK = """
const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
let chunks = 0;
window.heldChunk = null;
XMLHttpRequest.prototype.open = function (method, ...rest) { this.heldMethod = method; return open.call(this, method, ...rest); };
XMLHttpRequest.prototype.send = function (body) {
  if (this.heldMethod === "PATCH" && ++chunks === 2) { window.heldChunk = () => send.call(this, body); return; }
  return send.call(this, body);
};
"""


def hold_second_chunk(driver) -> None:
    driver.execute_script(HOLD_SECOND_CHUNK)


def offline(driver, on: bool) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                           {"offline": on, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def upload_until_the_second_chunk(driver, staff: Staff, project_name: str, path: Path) -> tuple[dict, str]:
    """In a new project, starts uploading `path` through the page and holds its second chunk in
    the page; answers the project and the upload's id once the first chunk is on the server."""
    with staff.api() as api:
        project = made(api.post("/api/v1/projects", json={"name": project_name}))
    driver.get(f"{staff.base_url}/staff/projects/{project['id']}")
    wait(driver, seen.presence_of_element_located((By.ID, "upload-files")))
    driver.find_element(By.ID, "upload-files").send_keys(str(path))
    wait(driver, lambda d: len(upload_rows(d)) == 1)
    hold_second_chunk(driver)
    driver.find_element(By.ID, "upload-start").click()
    upload_id = wait(driver, remembered_upload)
    wait(driver, lambda d: d.execute_script("return window.heldChunk !== null"), timeout=60)
    return project, upload_id


def test_upload_resumes_when_the_network_goes_away(browser, staff_server: Staff, big_file: Path) -> None:
    """The network goes away mid-upload: the page says it is reconnecting, asks the server where
    it stands once it can, carries on, and sends the SHA-256 the server checks."""
    try:
        project, upload_id = upload_until_the_second_chunk(browser, staff_server, "Offline", big_file)
        assert server_offset(staff_server, upload_id) == CHUNK
        # The second chunk goes out with the network gone: a real network error for the page.
        offline(browser, True)
        browser.execute_script("window.heldChunk()")
        wait(browser, seen.text_to_be_present_in_element((By.CSS_SELECTOR, "#upload-list tbody tr"), "Reconnecting"))
        browser.save_screenshot(str(SCREENSHOTS / "staff-upload-reconnecting-desktop.png"))
    finally:
        offline(browser, False)
    wait_uploaded(browser, 1, timeout=90)
    with staff_server.api() as api:
        versions = made(api.get(f"/api/v1/projects/{project['id']}/versions"))["data"]
    assert original(staff_server, versions[0]["id"])["sha256"] == sha256_of(big_file)


def test_upload_resumes_after_a_reload(browser, staff_server: Staff, big_file: Path) -> None:
    """A reload mid-upload: the page remembers the upload, asks for the file again, re-hashes the
    part already sent from it, and finishes; the server's SHA-256 is the file's."""
    project, upload_id = upload_until_the_second_chunk(browser, staff_server, "Reloaded", big_file)
    assert int(float(browser.find_element(By.ID, "upload-overall").get_attribute("value"))) >= CHUNK
    browser.save_screenshot(str(SCREENSHOTS / "staff-upload-under-way-desktop.png"))
    browser.refresh()  # "Leave the page?" (an upload is under way): yes
    assert server_offset(staff_server, upload_id) == CHUNK
    notice = wait(browser, seen.visibility_of_element_located((By.ID, "unfinished")))
    wait(browser, seen.text_to_be_present_in_element((By.ID, "unfinished"), "Choose the file again"))
    assert big_file.name in notice.text
    shoot(browser, "staff-upload-unfinished")
    browser.find_element(By.ID, "upload-files").send_keys(str(big_file))
    wait_uploaded(browser, 1, timeout=90)
    assert not browser.find_element(By.ID, "unfinished").text
    with staff_server.api() as api:
        versions = made(api.get(f"/api/v1/projects/{project['id']}/versions"))["data"]
    assert [version["name"] for version in versions] == ["sh040_plate_v002"], "resuming makes no second version"
    assert original(staff_server, versions[0]["id"])["sha256"] == sha256_of(big_file)


# ---- The account page ------------------------------------------------------------------------------

def test_account_change_password_and_invite(browser, staff_server: Staff) -> None:
    browser.get(f"{staff_server.base_url}/staff/account")
    wait(browser, seen.text_to_be_present_in_element((By.ID, "me-email"), ADMIN))
    assert browser.find_element(By.ID, "me-username").text.startswith("admin")
    shoot(browser, "staff-account")
    form = browser.find_element(By.ID, "password-form")
    fields = form.find_elements(By.CSS_SELECTOR, "input[type=password]")
    fields[0].send_keys("not my password")
    fields[1].send_keys("a brand new password")
    fields[2].send_keys("a brand new password")
    form.find_element(By.ID, "change-password").click()
    wait(browser, seen.text_to_be_present_in_element((By.CSS_SELECTOR, "#password-form .problem"), "not right"))
    assert fields[1].get_attribute("value") == "a brand new password", "a failed request keeps what was typed"
    fields[0].clear()
    fields[0].send_keys(PASSWORD)
    form.find_element(By.ID, "change-password").click()
    wait(browser, seen.text_to_be_present_in_element((By.ID, "toasts"), "Password changed"))
    # And back, so the other tests' sign-ins still work.
    fields[0].send_keys("a brand new password")
    fields[1].send_keys(PASSWORD)
    fields[2].send_keys(PASSWORD)
    form.find_element(By.ID, "change-password").click()
    wait(browser, lambda d: not fields[0].get_attribute("value"))

    invite = browser.find_element(By.ID, "invite-form")
    texts = invite.find_elements(By.CSS_SELECTOR, "input[type=text], input[type=email], textarea")
    texts[0].send_keys("Robin Coordinator")
    texts[1].send_keys("robin@northlight.example")
    texts[2].send_keys("Welcome to the dailies!")
    invite.find_element(By.ID, "invite-staff").click()
    result = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, "#invite-result .good-line")))
    assert "robin@northlight.example" in result.text
    key_box = browser.find_element(By.CSS_SELECTOR, "#invite-result .key-box")
    assert "shown once" in key_box.text and not key_box.get_attribute("open")
    shoot(browser, "staff-account-invited")
    outbox = staff_server.running.data_dir / "outbox"
    wait(browser, lambda d: any("robin@northlight.example" in path.read_text(errors="replace")
                                for path in outbox.rglob("*") if path.is_file()), timeout=30)

    # Signing out, and in again with the password.
    browser.find_element(By.ID, "account-sign-out").click()
    wait(browser, lambda d: d.current_url.endswith("/staff/sign-in"))
    sign_in_with_password(browser, staff_server, "/staff/account")

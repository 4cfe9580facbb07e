"""The staff pages for review sessions: a project's sessions list, and one session's setup page
(details and schedule in the studio's time zone, access, items, collaborators, actions), driven
in a real Chromium against a real server, and checked through the API.

The studio's zone is America/New_York for the whole module, so every time on the page differs
from UTC, and by a different amount in summer and in winter.
"""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen

from conftest import REPO, SCREENSHOTS, fresh_server, made, wait
from staff_support import add_collaborator, confirm, signed_in_chromium, drag_selected_above, mails_to, order_saved, person, press, row_names, rows, toast_saying

ADMIN = "admin@dailies.local"
PASSWORD = "north light 42"
ZONE = "America/New_York"
MOVIES = ("h264-bframes-23976-editlist.mp4", "still.jpg")  # small: their media is made in seconds


@dataclass
class Studio:
    """The module's server, with a project of versions: two ingested movies (posters made by the
    worker) and three versions with no media yet."""

    base_url: str
    data_dir: Path
    api_key: str
    binary: Path
    project_id: str
    version_ids: list[str]

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=30.0)

    def session(self, title: str, versions: int = 5) -> dict:
        with self.api() as api:
            return made(api.post(f"/api/v1/projects/{self.project_id}/sessions",
                                 json={"title": title, "version_ids": self.version_ids[:versions]}))

    def items(self, session_id: str) -> list[dict]:
        with self.api() as api:
            return sorted(made(api.get(f"/api/v1/sessions/{session_id}/items"))["data"], key=lambda item: item["position"])

    def item_order(self, session_id: str) -> list[str]:
        return [item["version_name"] for item in self.items(session_id)]

    def mails_to(self, email: str, containing: str, at_least: int = 1, timeout: float = 30) -> list[str]:
        return mails_to(self.data_dir, email, containing, at_least, timeout)


@pytest.fixture(scope="module")
def studio() -> Iterator[Studio]:
    with fresh_server() as running:
        binary = running.binary
        data_dir = running.data_dir
        setting = subprocess.run([str(binary), "user", "set-password", "--data-dir", str(data_dir), ADMIN],
                                 input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
        assert setting.returncode == 0, setting.stderr
        api = httpx.Client(base_url=running.base_url, headers={"Authorization": f"Bearer {running.api_key}"}, timeout=30.0)
        with api:
            made(api.patch("/api/v1/organization", json={"time_zone": ZONE}))
            project_name = f"Trailer {uuid.uuid4().hex[:6]}"
            project = made(api.post("/api/v1/projects", json={"name": project_name}))
            version_ids = []
            for number, fixture in enumerate(MOVIES, start=1):
                ingest = subprocess.run([str(binary), "ingest", "--data-dir", str(data_dir), "--project", project_name,
                                         "--name", f"sh0{number}0_comp", str(REPO / "Fixtures" / fixture)],
                                        capture_output=True, text=True, timeout=120)
                assert ingest.returncode == 0, ingest.stderr
                version_ids.append(re.search(r"\(([0-9A-F-]{36})\)", ingest.stdout).group(1))
            for number in (3, 4, 5):
                version_ids.append(made(api.post(f"/api/v1/projects/{project['id']}/versions",
                                                 json={"name": f"sh0{number}0_comp"}))["id"])
            deadline = time.monotonic() + 180
            for version_id in version_ids[:2]:
                while made(api.get(f"/api/v1/versions/{version_id}"))["media_state"] != "ready":
                    assert time.monotonic() < deadline, "the worker did not make the media in 3 minutes"
                    time.sleep(0.5)
        yield Studio(running.base_url, data_dir, running.api_key, binary, project["id"], version_ids)


@pytest.fixture(scope="module")
def staff(studio: Studio):
    """A Chromium signed in as the admin (the staff web session's cookies, set by the sign-in route)."""
    with signed_in_chromium(studio.base_url, ADMIN, PASSWORD) as driver:
        yield driver


def open_setup(driver, studio: Studio, session_id: str, rows: int | None = None) -> None:
    driver.set_window_size(1440, 900)
    driver.get(f"{studio.base_url}/staff/sessions/{session_id}")
    wait(driver, seen.visibility_of_element_located((By.ID, "session-title")))
    if rows is not None:
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#items .item-row")) == rows)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#collaborators > li"))






def set_value(driver, element, value: str) -> None:
    """Types into a datetime-local field the way the page sees it (its keyboard entry is locale-bound)."""
    driver.execute_script("""arguments[0].value = arguments[1];
        arguments[0].dispatchEvent(new Event("input", {bubbles: true}));""", element, value)





# ----- The schedule's time zone arithmetic, in the browser -----

def test_times_convert_between_the_studio_zone_and_utc_across_daylight_saving(studio: Studio, staff) -> None:
    staff.get(f"{studio.base_url}/staff/no-such-page")
    answers = staff.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import("/staff/session-schedule.js").then((m) => {
          const from = (value, zone) => m.fromLocalInput(value, zone);
          const to = (iso, zone) => m.toLocalInput(iso, zone);
          // Every 15 minutes for a day either side of each of 2026's changes in New York, Lord
          // Howe (a half-hour shift) and London, and every 6 hours of the year: the wall clock
          // goes back to the instant, except the second pass of a repeated time, which the page
          // reads as the first.
          const changes = {"America/New_York": ["2026-03-08", "2026-11-01"], "Australia/Lord_Howe": ["2026-04-05", "2026-10-04"],
                           "Europe/London": ["2026-03-29", "2026-10-25"]};
          const misses = [];
          let checked = 0;
          const check = (zone, t) => {
            checked += 1;
            const back = Date.parse(from(to(new Date(t).toISOString(), zone), zone));
            const repeated = m.offsetMinutes(zone, t - 3600000) !== m.offsetMinutes(zone, t) ||
                             m.offsetMinutes(zone, t - 1800000) !== m.offsetMinutes(zone, t);
            if (back !== t && !(repeated && back < t)) misses.push([zone, new Date(t).toISOString(), new Date(back).toISOString()]);
          };
          for (const [zone, days] of Object.entries(changes)) {
            for (const day of days) {
              const middle = Date.parse(day + "T00:00:00Z");
              for (let t = middle - 86400000; t <= middle + 2 * 86400000; t += 900000) check(zone, t);
            }
            for (let t = Date.parse("2026-01-01T00:00:00Z"); t < Date.parse("2027-01-01T00:00:00Z"); t += 6 * 3600000) check(zone, t);
          }
          done({
            misses, checked,
            summer: from("2026-07-01T09:00", "America/New_York"),
            winter: from("2026-12-01T09:00", "America/New_York"),
            springGapNY: from("2026-03-08T02:30", "America/New_York"),
            fallTwiceNY: from("2026-11-01T01:30", "America/New_York"),
            springGapLondon: from("2026-03-29T01:30", "Europe/London"),
            fallTwiceLondon: from("2026-10-25T01:30", "Europe/London"),
            lordHoweGap: from("2026-10-04T02:15", "Australia/Lord_Howe"),
            kolkata: from("2026-07-01T09:00", "Asia/Kolkata"),
            backSummer: to("2026-07-01T13:00:00.000Z", "America/New_York"),
            backLondonFirst: to("2026-10-25T00:30:00Z", "Europe/London"),
            backLondonSecond: to("2026-10-25T01:30:00Z", "Europe/London"),
            labelLondonSummer: m.zoneLabel("Europe/London", Date.parse("2026-07-01T00:00:00Z")),
            labelLondonWinter: m.zoneLabel("Europe/London", Date.parse("2026-12-01T00:00:00Z")),
            labelKolkata: m.zoneLabel("Asia/Kolkata"),
            labelNY: m.zoneLabel("America/New_York", Date.parse("2026-01-15T00:00:00Z")),
            notATime: from("2026-07-01", "UTC"),
          });
        }, (error) => done({error: String(error)}));
    """)
    assert "error" not in answers, answers
    assert answers.pop("checked") > 5000
    assert answers.pop("misses") == []
    assert answers == {
        "summer": "2026-07-01T13:00:00.000Z",           # EDT, UTC-4
        "winter": "2026-12-01T14:00:00.000Z",           # EST, UTC-5
        "springGapNY": "2026-03-08T07:30:00.000Z",      # 02:30 never happens: 03:30 EDT
        "fallTwiceNY": "2026-11-01T05:30:00.000Z",      # 01:30 happens twice: the first, in EDT
        "springGapLondon": "2026-03-29T01:30:00.000Z",  # 02:30 BST
        "fallTwiceLondon": "2026-10-25T00:30:00.000Z",  # 01:30 BST
        "lordHoweGap": "2026-10-03T15:45:00.000Z",      # forward by the half-hour jump: 02:45 +11
        "kolkata": "2026-07-01T03:30:00.000Z",
        "backSummer": "2026-07-01T09:00",
        "backLondonFirst": "2026-10-25T01:30",
        "backLondonSecond": "2026-10-25T01:30",
        "labelLondonSummer": "Europe/London (GMT+1)",
        "labelLondonWinter": "Europe/London (GMT)",
        "labelKolkata": "Asia/Kolkata (GMT+5:30)",
        "labelNY": "America/New_York (GMT-5)",
        "notATime": None,
    }


# ----- The sessions list -----

def test_new_session_from_the_list(studio: Studio, staff) -> None:
    studio.session("Colour pass, earlier", versions=1)
    staff.get(f"{studio.base_url}/staff/projects/{studio.project_id}/sessions")
    wait(staff, seen.visibility_of_element_located((By.CSS_SELECTOR, "#sessions-open table")))
    assert "Colour pass, earlier" in staff.find_element(By.ID, "sessions-open").text
    assert "America/New_York" in staff.find_element(By.CSS_SELECTOR, ".zone-note").text
    crumbs = staff.find_element(By.ID, "crumbs").text
    assert "Projects" in crumbs and "Sessions" in crumbs
    wait(staff, lambda d: d.find_element(By.CSS_SELECTOR, "#sessions-open tbody tr td.number").text == "1")

    staff.find_element(By.ID, "new-session").click()
    wait(staff, lambda d: re.search(r"/staff/sessions/[0-9A-Fa-f-]{36}$", d.current_url))
    session_id = staff.current_url.rsplit("/", 1)[1]
    wait(staff, seen.text_to_be_present_in_element((By.ID, "session-title"), "New review session"))
    with studio.api() as api:
        session = made(api.get(f"/api/v1/sessions/{session_id}"))
    # The server's defaults (now, a week later) are shown on the studio's wall clock.
    starts = staff.execute_script("return document.getElementById('starts-at').value")
    expected = staff.execute_async_script("""const done = arguments[arguments.length - 1];
        import("/staff/session-schedule.js").then((m) => done(m.toLocalInput(arguments[0], arguments[1])));""",
                                          session["starts_at"], ZONE)
    assert starts == expected and starts != session["starts_at"][:16], (starts, session["starts_at"])
    assert "America/New_York" in staff.find_element(By.ID, "zone-label").text

    staff.get(f"{studio.base_url}/staff/projects/{studio.project_id}/sessions")
    wait(staff, seen.text_to_be_present_in_element((By.ID, "sessions-open"), "New review session"))


def test_picked_versions_into_a_new_session_or_an_existing_one(studio: Studio, staff) -> None:
    """session-pick.js, which the versions page opens for its selection."""
    staff.get(f"{studio.base_url}/staff/projects/{studio.project_id}/sessions")
    wait(staff, seen.visibility_of_element_located((By.ID, "new-session")))
    pick = """import("/staff/session-pick.js").then((m) => m.sessionFromVersions({projectID: arguments[0], versionIDs: arguments[1]}));"""
    staff.execute_script(pick, studio.project_id, [studio.version_ids[1], studio.version_ids[0]])
    wait(staff, seen.visibility_of_element_located((By.ID, "new-session-title"))).send_keys("Picked on the versions page")
    staff.find_element(By.ID, "session-from-versions").click()
    wait(staff, seen.text_to_be_present_in_element((By.ID, "session-title"), "Picked on the versions page"))
    wait(staff, lambda d: len(rows(d)) == 2)
    session_id = staff.current_url.rsplit("/", 1)[1]
    assert studio.item_order(session_id) == ["sh020_comp", "sh010_comp"]

    staff.execute_script(pick, studio.project_id, [studio.version_ids[4]])
    wait(staff, seen.element_to_be_clickable((By.ID, "target-existing"))).click()
    wait(staff, lambda d: d.find_element(By.ID, "existing-session").is_enabled())
    staff.find_element(By.CSS_SELECTOR, f"#existing-session option[value='{session_id}']").click()
    assert staff.find_element(By.ID, "session-from-versions").text == "Add to session"
    staff.find_element(By.ID, "session-from-versions").click()
    wait(staff, lambda d: len(rows(d)) == 3)
    assert studio.item_order(session_id) == ["sh020_comp", "sh010_comp", "sh050_comp"]


# ----- Details and schedule -----

def test_edit_title_description_and_schedule_in_the_studio_zone(studio: Studio, staff) -> None:
    session = studio.session("Edit me", versions=1)
    open_setup(staff, studio, session["id"])
    title = staff.find_element(By.ID, "title")
    title.clear()
    title.send_keys("Trailer finals")
    staff.find_element(By.ID, "description").send_keys("Final comps.\nNotes by Friday, please.")
    set_value(staff, staff.find_element(By.ID, "starts-at"), "2027-07-01T09:00")   # EDT
    set_value(staff, staff.find_element(By.ID, "ends-at"), "2027-12-01T17:30")     # EST
    assert "GMT-4" in staff.find_element(By.ID, "starts-at-hint").text
    assert "GMT-5" in staff.find_element(By.ID, "ends-at-hint").text
    staff.find_element(By.ID, "save-details").click()
    wait(staff, seen.text_to_be_present_in_element((By.ID, "details-state"), "Saved."))
    with studio.api() as api:
        stored = made(api.get(f"/api/v1/sessions/{session['id']}"))
    assert stored["title"] == "Trailer finals"
    assert stored["description"] == "Final comps.\nNotes by Friday, please."
    assert stored["starts_at"].startswith("2027-07-01T13:00:00")
    assert stored["ends_at"].startswith("2027-12-01T22:30:00")
    assert staff.find_element(By.ID, "session-title").text == "Trailer finals"
    assert staff.find_element(By.ID, "session-state").text == "scheduled"

    # A refused change keeps what was typed, and says why.
    set_value(staff, staff.find_element(By.ID, "ends-at"), "2027-06-01T09:00")
    staff.find_element(By.ID, "save-details").click()
    wait(staff, lambda d: d.find_element(By.ID, "details-problem").text != "")
    assert staff.execute_script("return document.getElementById('ends-at').value") == "2027-06-01T09:00"

    # After a reload the page shows the stored times on New York's wall clock.
    open_setup(staff, studio, session["id"])
    assert staff.execute_script("return document.getElementById('starts-at').value") == "2027-07-01T09:00"
    assert staff.execute_script("return document.getElementById('ends-at').value") == "2027-12-01T17:30"


def test_downloads_and_passphrase(studio: Studio, staff) -> None:
    session = studio.session("Access", versions=1)
    open_setup(staff, studio, session["id"])
    original = staff.find_element(By.ID, "download-original")
    assert "Project default (not allowed)" in original.find_element(By.CSS_SELECTOR, "option:checked").text
    original.find_element(By.CSS_SELECTOR, "option[value='true']").click()
    wait(staff, seen.text_to_be_present_in_element((By.ID, "download-original-state"), "for this session only"))
    with studio.api() as api:
        stored = made(api.get(f"/api/v1/sessions/{session['id']}"))
    assert stored["overrides"]["download_original"] is True and stored["settings"]["download_original"] is True

    staff.find_element(By.ID, "passphrase").send_keys("blue hour")
    staff.find_element(By.ID, "set-passphrase").click()
    wait(staff, seen.text_to_be_present_in_element((By.ID, "passphrase-state"), "passphrase set"))
    assert staff.find_element(By.ID, "passphrase").get_attribute("value") == ""
    with studio.api() as api:
        assert made(api.get(f"/api/v1/sessions/{session['id']}"))["has_passphrase"] is True
    staff.find_element(By.ID, "remove-passphrase").click()
    wait(staff, seen.text_to_be_present_in_element((By.ID, "passphrase-state"), "no passphrase"))
    with studio.api() as api:
        assert made(api.get(f"/api/v1/sessions/{session['id']}"))["has_passphrase"] is False


# ----- Items -----

def test_reorder_with_the_mouse_and_the_keys(studio: Studio, staff) -> None:
    session = studio.session("Reorder me")
    open_setup(staff, studio, session["id"], rows=5)
    assert row_names(staff) == ["sh010_comp", "sh020_comp", "sh030_comp", "sh040_comp", "sh050_comp"]

    # Select the last two, and drag the first of them by its handle above the first row: both move.
    checks = staff.find_elements(By.CSS_SELECTOR, "#items .item-row .select")
    checks[3].click()
    checks[4].click()
    drag_selected_above(staff, rows(staff)[3], rows(staff)[0])
    order_saved(staff)
    moved = ["sh040_comp", "sh050_comp", "sh010_comp", "sh020_comp", "sh030_comp"]
    assert row_names(staff) == moved
    assert studio.item_order(session["id"]) == moved

    # The keyboard: "Move down" moves the selection (both) one place; Alt+ArrowUp on a focused
    # row moves an unselected row alone.
    rows(staff)[0].find_element(By.CSS_SELECTOR, ".move-down").click()
    order_saved(staff)
    assert studio.item_order(session["id"]) == ["sh010_comp", "sh040_comp", "sh050_comp", "sh020_comp", "sh030_comp"]
    staff.find_element(By.ID, "select-all").click()
    staff.find_element(By.ID, "select-all").click()  # none selected
    reason = rows(staff)[4].find_element(By.CSS_SELECTOR, ".reason")
    reason.click()
    ActionChains(staff).key_down(Keys.ALT).send_keys(Keys.ARROW_UP).key_up(Keys.ALT).perform()
    order_saved(staff)
    expected = ["sh010_comp", "sh040_comp", "sh050_comp", "sh030_comp", "sh020_comp"]
    assert row_names(staff) == expected
    assert studio.item_order(session["id"]) == expected
    assert staff.switch_to.active_element == reason, "the focus stays in the moved row"

    # A client-facing name and a reason, edited in place.
    row = rows(staff)[0]
    client_name = row.find_element(By.CSS_SELECTOR, ".client-name")
    client_name.send_keys("Opening shot", Keys.ENTER)
    wait(staff, lambda d: row.find_element(By.CSS_SELECTOR, ".save-state").text == "Name saved")
    row.find_element(By.CSS_SELECTOR, ".reason").send_keys("New grade", Keys.TAB)
    wait(staff, lambda d: row.find_element(By.CSS_SELECTOR, ".save-state").text == "Reason saved")
    first_item = studio.items(session["id"])[0]
    assert (first_item["client_name"], first_item["reason"]) == ("Opening shot", "New grade")

    # Refused (the session was closed meanwhile): the order goes back as it was, and a refused
    # reason stays typed in its field with the server's message beside it.
    with studio.api() as api:
        made(api.post(f"/api/v1/sessions/{session['id']}/close"))
    rows(staff)[0].find_element(By.CSS_SELECTOR, ".move-down").click()
    wait(staff, seen.text_to_be_present_in_element((By.ID, "order-status"), "not saved"))
    assert row_names(staff) == expected
    reason = rows(staff)[1].find_element(By.CSS_SELECTOR, ".reason")
    reason.send_keys("Check the edges", Keys.TAB)
    wait(staff, lambda d: rows(d)[1].find_element(By.CSS_SELECTOR, ".row-result .problem").text != "")
    assert reason.get_attribute("value") == "Check the edges"
    assert studio.items(session["id"])[1].get("reason") in (None, "")


def test_remove_several_items_then_add_versions_back(studio: Studio, staff) -> None:
    session = studio.session("Remove from me")
    open_setup(staff, studio, session["id"], rows=5)
    checks = staff.find_elements(By.CSS_SELECTOR, "#items .item-row .select")
    checks[1].click()
    ActionChains(staff).key_down(Keys.SHIFT).click(checks[3]).key_up(Keys.SHIFT).perform()  # a range: 2nd to 4th
    assert staff.find_element(By.ID, "selected-count").text == "3 selected"
    staff.find_element(By.ID, "remove-selected").click()
    confirm(staff, "Remove")
    wait(staff, lambda d: len(rows(d)) == 2)
    assert studio.item_order(session["id"]) == ["sh010_comp", "sh050_comp"]
    assert row_names(staff) == ["sh010_comp", "sh050_comp"]

    staff.find_element(By.ID, "add-versions").click()
    dialog = wait(staff, seen.visibility_of_element_located((By.CSS_SELECTOR, "dialog.versions-dialog")))
    wait(staff, lambda d: len(dialog.find_elements(By.CSS_SELECTOR, "#version-choices input[type=checkbox]")) == 5)
    dialog.find_element(By.ID, "version-filter").send_keys("sh030")
    visible = [li for li in dialog.find_elements(By.CSS_SELECTOR, "#version-choices li") if li.is_displayed()]
    assert [li.find_element(By.CSS_SELECTOR, ".choice-name").text for li in visible] == ["sh030_comp"]
    visible[0].find_element(By.CSS_SELECTOR, "input").click()
    dialog.find_element(By.ID, "add-chosen").click()
    wait(staff, lambda d: len(rows(d)) == 3)
    assert studio.item_order(session["id"]) == ["sh010_comp", "sh050_comp", "sh030_comp"]


# ----- Collaborators and invites -----

def test_add_collaborators_and_send_invites(studio: Studio, staff) -> None:
    session = studio.session("Invite them", versions=2)
    open_setup(staff, studio, session["id"], rows=2)
    for name, email, role in (("Dana Client", "dana@client.example", "approver"), ("Sam Super", "sam@client.example", "reviewer")):
        add_collaborator(staff, name, email, role)
    assert "approver" in person(staff, "Dana Client").text and "not invited yet" in person(staff, "Dana Client").text
    assert "reviewer" in person(staff, "Sam Super").text

    # Edit one (a role), then revoke and restore them.
    press(staff, person(staff, "Sam Super").find_element(By.CSS_SELECTOR, ".edit"))
    editing = staff.find_element(By.CSS_SELECTOR, "#collaborators .person.editing")
    editing.find_element(By.CSS_SELECTOR, ".edit-role option[value='observer']").click()
    press(staff, editing.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait(staff, lambda d: "observer" in person(d, "Sam Super").text)
    press(staff, person(staff, "Sam Super").find_element(By.CSS_SELECTOR, ".revoke"))
    wait(staff, lambda d: "revoked" in person(d, "Sam Super").text)
    with studio.api() as api:
        sam = [one for one in made(api.get(f"/api/v1/sessions/{session['id']}/collaborators"))["data"] if one["name"] == "Sam Super"][0]
    assert sam["role"] == "observer" and sam.get("revoked_at")
    press(staff, person(staff, "Sam Super").find_element(By.CSS_SELECTOR, ".revoke"))
    wait(staff, lambda d: "revoked" not in person(d, "Sam Super").text)

    message = "Please look at the grade on sh010 before Friday."
    staff.find_element(By.ID, "invite-message").send_keys(message)
    press(staff, staff.find_element(By.ID, "send-invites"))
    toast_saying(staff, "Emailed 2 invitations.")
    wait(staff, lambda d: len([p for p in d.find_elements(By.CSS_SELECTOR, "#collaborators .person") if "invited" in p.text
                               and "not invited" not in p.text]) == 2)
    for email in ("dana@client.example", "sam@client.example"):
        mails = studio.mails_to(email, containing=message)
        assert mails and "Invite them" in mails[0], f"no invitation for {email} in the outbox"

    # Picked ones only: one tick, one mail more, to Dana alone.
    press(staff, person(staff, "Dana Client").find_element(By.CSS_SELECTOR, ".pick"))
    assert staff.find_element(By.ID, "send-invites").text == "Send invites to 1 picked"
    press(staff, staff.find_element(By.ID, "send-invites"))
    toast_saying(staff, "Emailed 1 invitation.")
    assert len(studio.mails_to("dana@client.example", containing="Invite them", at_least=2)) == 2
    assert len(studio.mails_to("sam@client.example", containing="Invite them", at_least=2, timeout=2)) == 1

    # Removing someone asks first.
    press(staff, person(staff, "Sam Super").find_element(By.CSS_SELECTOR, ".remove"))
    confirm(staff, "Remove")
    wait(staff, lambda d: "Sam Super" not in d.find_element(By.ID, "collaborators").text)
    with studio.api() as api:
        names = [one["name"] for one in made(api.get(f"/api/v1/sessions/{session['id']}/collaborators"))["data"]]
    assert names == ["Dana Client"]


# ----- The shareable link -----

def join(studio: Studio, url: str) -> int:
    token = url.rsplit("/", 1)[1]
    with httpx.Client(base_url=studio.base_url, timeout=30) as anyone:
        return anyone.post("/api/v1/review/join", json={"share_token": token, "name": "Passer-by"}).status_code


def test_copy_link_makes_a_new_link_and_ends_the_old(studio: Studio, staff) -> None:
    session = studio.session("Share me", versions=1)
    open_setup(staff, studio, session["id"], rows=1)
    copy = staff.find_element(By.ID, "copy-link")
    copy.click()
    wait(staff, lambda d: d.find_element(By.ID, "share-link").get_attribute("value").startswith(studio.base_url))
    first = staff.find_element(By.ID, "share-link").get_attribute("value")
    assert "shown only now" in staff.find_element(By.ID, "share-link-state").text
    assert join(studio, first) == 200

    copy.click()
    wait(staff, lambda d: d.find_element(By.ID, "share-link").get_attribute("value") not in ("", first))
    second = staff.find_element(By.ID, "share-link").get_attribute("value")
    assert join(studio, first) in (401, 403), "the old link still works"
    assert join(studio, second) == 200

    # The switch off ends the link; the studio-wide switch off says so on the page.
    staff.find_element(By.ID, "share-link-on").click()
    wait(staff, lambda d: not d.find_element(By.ID, "share-link-on").is_selected() and
         not d.find_element(By.ID, "share-link").is_displayed())
    assert join(studio, second) in (401, 403)
    with studio.api() as api:
        made(api.patch("/api/v1/organization", json={"share_links_enabled": False}))
    try:
        open_setup(staff, studio, session["id"], rows=1)
        assert "switched off studio-wide" in staff.find_element(By.ID, "share-links-studio-off").text
        assert not staff.find_element(By.ID, "share-link-on").is_enabled()
    finally:
        with studio.api() as api:
            made(api.patch("/api/v1/organization", json={"share_links_enabled": True}))


# ----- Session actions -----

def test_close_reopen_clone_and_open(studio: Studio, staff) -> None:
    session = studio.session("Act on me", versions=2)
    open_setup(staff, studio, session["id"], rows=2)
    staff.find_element(By.ID, "close-session").click()
    wait(staff, seen.text_to_be_present_in_element((By.ID, "session-state"), "closed"))
    assert staff.find_element(By.ID, "closed-note").is_displayed()
    with studio.api() as api:
        assert made(api.get(f"/api/v1/sessions/{session['id']}")).get("closed_at")
    staff.find_element(By.ID, "close-session").click()  # now "Reopen"
    wait(staff, seen.text_to_be_present_in_element((By.ID, "session-state"), "open"))

    preview = staff.find_element(By.ID, "preview")
    assert preview.get_attribute("href").endswith(f"/review/preview/{session['id']}")

    staff.find_element(By.ID, "clone-session").click()
    wait(staff, lambda d: d.current_url.rstrip("/").rsplit("/", 1)[1] not in (session["id"], "") and "/staff/sessions/" in d.current_url)
    clone_id = staff.current_url.rsplit("/", 1)[1]
    wait(staff, seen.visibility_of_element_located((By.ID, "session-title")))
    with studio.api() as api:
        assert made(api.get(f"/api/v1/sessions/{clone_id}"))["project_id"] == studio.project_id

    # Opening joins me as an approver and takes me in through my own link, as a client enters.
    staff.find_element(By.ID, "open-session").click()
    wait(staff, lambda d: d.current_url.endswith(f"/review/sessions/{clone_id}"))
    with studio.api() as api:
        people = made(api.get(f"/api/v1/sessions/{clone_id}/collaborators"))["data"]
    assert any(person.get("staff_user_id") and person["role"] == "approver" for person in people)


def test_delete_a_session_with_feedback_asks_and_says_what_goes(studio: Studio, staff) -> None:
    session = studio.session("Delete me", versions=1)
    item = studio.items(session["id"])[0]
    with studio.api() as api:
        invite_url = made(api.post(f"/api/v1/sessions/{session['id']}/collaborators",
                                   json={"name": "Dana Client", "email": "dana@client.example", "role": "approver"}))["invite_url"]
    with httpx.Client(base_url=studio.base_url, timeout=30) as dana:
        made(dana.post("/api/v1/review/access", json={"token": invite_url.rsplit("/", 1)[1]}))
        made(dana.post(f"/api/v1/review/sessions/{session['id']}/items/{item['id']}/comments", json={"text": "Too dark"}))

    open_setup(staff, studio, session["id"], rows=1)
    staff.find_element(By.ID, "delete-session").click()
    confirm(staff, "Delete")
    force = wait(staff, seen.element_to_be_clickable((By.ID, "force-delete")))
    assert "1 comments" in staff.find_element(By.ID, "session-problem").text
    with studio.api() as api:
        assert api.get(f"/api/v1/sessions/{session['id']}").status_code == 200, "refused means nothing went"
    force.click()
    confirm(staff, "Delete with feedback")
    wait(staff, lambda d: d.current_url.endswith(f"/staff/projects/{studio.project_id}/sessions"))
    with studio.api() as api:
        assert api.get(f"/api/v1/sessions/{session['id']}").status_code == 404


# ----- How the pages look -----

def test_screenshots_at_desktop_and_tablet_width(studio: Studio, staff) -> None:
    session = studio.session("Trailer finals, reel 2")
    with studio.api() as api:
        made(api.post(f"/api/v1/sessions/{session['id']}/collaborators",
                      json={"name": "Dana Client", "email": "dana@client.example", "role": "approver"}))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path, ready in (("staff-sessions", f"/staff/projects/{studio.project_id}/sessions", "#sessions-open table"),
                              ("staff-session-setup", f"/staff/sessions/{session['id']}", "#items .item-row")):
        staff.set_window_size(1440, 900)
        staff.get(studio.base_url + path)
        wait(staff, seen.visibility_of_element_located((By.CSS_SELECTOR, ready)))
        if name == "staff-session-setup":
            wait(staff, lambda d: len(rows(d)) == 5 and d.find_elements(By.CSS_SELECTOR, "#collaborators .person"))
            wait(staff, lambda d: d.execute_script(
                "return [...document.querySelectorAll('#items img.poster')].every((img) => img.complete)"))
        for label, (width, height) in (("desktop", (1440, 900)), ("tablet", (820, 1180))):
            staff.set_window_size(width, height)
            overflow = staff.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px"
            full = staff.execute_script("return document.documentElement.scrollHeight")
            staff.set_window_size(width, min(max(height, full + 140), 4000))
            staff.save_screenshot(str(SCREENSHOTS / f"{name}-{label}.png"))
        if name == "staff-session-setup":
            staff.set_window_size(1440, 900)
            main, pane = (staff.find_element(By.CSS_SELECTOR, selector).rect for selector in (".setup-main", ".people-pane"))
            assert pane["x"] > main["x"] + main["width"] - 1, "the collaborators pane sits right of the main column at 1440px"
            staff.set_window_size(820, 1180)
            main, pane = (staff.find_element(By.CSS_SELECTOR, selector).rect for selector in (".setup-main", ".people-pane"))
            assert pane["y"] >= main["y"] + main["height"] - 1, "the pane goes below at tablet width"
    staff.set_window_size(1440, 900)

"""The review site's entry, in a real Chromium: an invite link opens the session, a shareable
link asks for a name, a passphrase is asked for (a wrong one is said so), and a session out of
its schedule says so with its dates in the viewer's time zone. The session view lists the
items with their posters."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen

from conftest import Server, invite, iso, made, screenshot, session, wait

def test_invite_link_opens_the_session(server: Server, browser, version) -> None:
    project, version_id = version
    made_session = session(server, project, version_id)
    link = invite(server, made_session["id"])
    browser.get(link)
    title = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, ".session h1")))
    assert title.text == "Comp finals <Tue>", "markup in a title shows as text"
    assert browser.current_url.endswith(f"/review/sessions/{made_session['id']}"), "the token leaves the address bar"
    items = browser.find_elements(By.CSS_SELECTOR, ".playlist .item")
    assert [item.find_element(By.CSS_SELECTOR, "h2 .name").text for item in items] == ["h264-bframes-23976-editlist"]
    poster = items[0].find_element(By.CSS_SELECTOR, ".poster img")
    wait(browser, lambda driver: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", poster))
    assert "Reviewing as Dana Client" in browser.find_element(By.CSS_SELECTOR, ".session").text
    assert browser.find_element(By.CSS_SELECTOR, ".chip.summary").text == "0 of 1 approved"
    screenshot(browser, "session")
    # A reload keeps the session: the cookie carries the access.
    browser.refresh()
    assert wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, ".session h1"))).text == "Comp finals <Tue>"


def test_shareable_link_asks_for_a_name(server: Server, browser, version) -> None:
    project, version_id = version
    made_session = session(server, project, version_id, title="Open review")
    with server.staff() as staff:
        share = made(staff.post(f"/api/v1/sessions/{made_session['id']}/share-link"))["url"]
    browser.get(share)
    name = wait(browser, seen.visibility_of_element_located((By.ID, "name")))
    assert browser.find_element(By.CSS_SELECTOR, "form h1").text == "Who is reviewing?"
    screenshot(browser, "join")
    name.send_keys("Sam Visitor")
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    wait(browser, seen.text_to_be_present_in_element((By.CSS_SELECTOR, ".session"), "Reviewing as Sam Visitor"))


def test_a_wrong_passphrase_then_the_right_one(server: Server, browser, version) -> None:
    project, version_id = version
    made_session = session(server, project, version_id, title="Locked review", passphrase="north light",
                           settings={"require_passphrase": True})
    browser.get(invite(server, made_session["id"]))
    field = wait(browser, seen.visibility_of_element_located((By.ID, "passphrase")))
    assert browser.switch_to.active_element == field, "the field has the focus"
    field.send_keys("south dark")
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    wait(browser, seen.text_to_be_present_in_element((By.ID, "problem"), "That passphrase is not right."))
    screenshot(browser, "passphrase")
    field = browser.find_element(By.ID, "passphrase")
    field.clear()
    field.send_keys("north light")
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    assert wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, ".session h1"))).text == "Locked review"


def test_an_expired_session_shows_its_dates(server: Server, browser, version) -> None:
    project, version_id = version
    ended = datetime(2026, 1, 20, 17, 0, tzinfo=timezone.utc)
    made_session = session(server, project, version_id, title="Last year's review",
                           starts_at=iso(ended - timedelta(days=7)), ends_at=iso(ended))
    browser.get(invite(server, made_session["id"]))
    notice = wait(browser, seen.visibility_of_element_located((By.CSS_SELECTOR, ".notice")))
    assert notice.find_element(By.CSS_SELECTOR, "h1").text == "This review has ended"
    text = notice.text
    assert "This review session ended at" in text and "2026" in text and "Jan" in text and "T17:00" not in text, \
        f"the date, as people read it: {text}"
    screenshot(browser, "expired")


def test_pages_carry_a_strict_content_security_policy(server: Server) -> None:
    for path in ("/review/invite/di_nothing", "/site/review.js", "/common/api.js", "/site/review.css"):
        answer = httpx.get(server.base_url + path, timeout=30)
        assert answer.status_code == 200, path
        policy = answer.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert httpx.get(server.base_url + "/site/../Package.swift", timeout=30).status_code == 404
    assert httpx.get(server.base_url + "/site/nothing.js", timeout=30).status_code == 404


def test_downloads_show_only_when_the_session_allows_them(server: Server, browser, version) -> None:
    project, version_id = version
    for allowed in (True, False):
        made_session = session(server, project, version_id, title=f"Downloads {allowed}",
                               settings={"download_original": allowed, "download_proxy": allowed})
        browser.get(invite(server, made_session["id"]))
        wait(browser, seen.element_to_be_clickable((By.CSS_SELECTOR, ".item .open"))).click()
        wait(browser, lambda d: d.find_element(By.ID, "counter").get_attribute("data-frame") == "0")
        links = browser.find_elements(By.CSS_SELECTOR, "a.download")
        assert len(links) == (2 if allowed else 0), f"allowed={allowed}"
        # With the browser's own cookie, the files answer as the session says.
        cookie = browser.get_cookie("dailies_access")["value"]
        with server.staff() as staff:
            item_id = made(staff.get(f"/api/v1/sessions/{made_session['id']}/items"))["data"][0]["id"]
        for kind in ("original", "proxy"):
            answer = httpx.get(f"{server.base_url}/api/v1/review/sessions/{made_session['id']}/items/{item_id}/download/{kind}",
                               cookies={"dailies_access": cookie}, timeout=30)
            assert answer.status_code == (200 if allowed else 403), f"{kind}, allowed={allowed}: {answer.status_code}"
        browser.delete_all_cookies()

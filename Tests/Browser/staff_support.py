"""What the staff pages' browser tests share: reading and working the session setup page's
items and collaborators, and the mails the server's worker delivered to the data folder's
maildir outbox."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as seen

from conftest import _chromium, wait


def signed_in_by_route(driver, base_url: str, email: str, password: str) -> None:
    """Signs the browser in (the staff sign-in's cookies) through the route, not the page: the
    pages under test come after. A page of the site first, so the fetch is same-origin."""
    driver.get(f"{base_url}/staff/no-such-page")
    status = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch("/api/v1/staff/sign-in", {method: "POST", headers: {"Content-Type": "application/json"},
              body: JSON.stringify({email: arguments[0], password: arguments[1]})}).then((r) => done(r.status));
    """, email, password)
    assert status == 200, f"signing {email} in answered {status}"


@contextmanager
def signed_in_chromium(base_url: str, email: str, password: str) -> Iterator:
    """A Chromium signed in as `email` (the staff web session's cookies), quit afterwards."""
    driver = _chromium()
    try:
        signed_in_by_route(driver, base_url, email, password)
        yield driver
    finally:
        driver.quit()


def rows(driver) -> list:
    """The setup page's item rows, in order."""
    return driver.find_elements(By.CSS_SELECTOR, "#items .item-row")


def row_names(driver) -> list[str]:
    return [row.find_element(By.CSS_SELECTOR, ".item-name strong").text for row in rows(driver)]


def order_saved(driver) -> None:
    wait(driver, lambda d: d.find_element(By.ID, "order-status").text == "Order saved.")


def drag_selected_above(driver, source, target) -> None:
    """Drags `source` (a selected row: the selection goes with it) by its handle to just above `target`."""
    handle = source.find_element(By.CSS_SELECTOR, ".drag-handle")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    (ActionChains(driver).click_and_hold(handle).move_by_offset(0, -10)
     .move_to_element_with_offset(target, 0, -target.size["height"] // 2 + 4).pause(0.1).release().perform())


def confirm(driver, button_text: str) -> None:
    """Presses the confirm dialog's button (its default is Cancel, so this must be asked for)."""
    button = wait(driver, seen.element_to_be_clickable((By.CSS_SELECTOR, "dialog[open] button[value='yes']")))
    assert button.text == button_text
    button.click()
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"))


def press(driver, element) -> None:
    """Presses a button or checkbox from the keyboard (Space), as someone tabbing through does."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.send_keys(Keys.SPACE)


def person(driver, name: str):
    """A collaborator's line in the setup page's pane."""
    return driver.find_element(By.XPATH, f"//ul[@id='collaborators']/li[.//strong[text()='{name}']]")


def add_collaborator(driver, name: str, email: str, role: str) -> None:
    driver.find_element(By.ID, "collaborator-name").send_keys(name)
    driver.find_element(By.ID, "collaborator-email").send_keys(email)
    driver.find_element(By.CSS_SELECTOR, f"#collaborator-role option[value='{role}']").click()
    press(driver, driver.find_element(By.ID, "add-collaborator"))
    wait(driver, seen.text_to_be_present_in_element((By.ID, "collaborators"), name))


def toast_saying(driver, text: str) -> None:
    wait(driver, lambda d: any(text in toast.text for toast in d.find_elements(By.CSS_SELECTOR, "#toasts .toast")))


def mails_to(data_dir: Path, email: str, containing: str, at_least: int = 1, timeout: float = 30) -> list[str]:
    """The mails delivered to `email` holding `containing`, from the data folder's maildir outbox
    (the worker writes them there when no SMTP relay is set), waiting up to `timeout` for `at_least`."""
    outbox = Path(data_dir) / "outbox" / "new"
    deadline = time.monotonic() + timeout
    while True:
        mails = [text for text in (path.read_text(errors="replace") for path in sorted(outbox.glob("*")) if outbox.is_dir())
                 if containing in text and any(line.lower().startswith("to:") and email in line
                                               for line in text.split("\n\n", 1)[0].splitlines())]
        if len(mails) >= at_least or time.monotonic() > deadline:
            return mails
        time.sleep(0.2)

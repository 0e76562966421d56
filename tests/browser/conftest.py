"""A live server in a thread and Debian's Chromium driven by Playwright."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is required (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, app, monkeypatch):
    """A fresh browser context (English first) on the live server, with CSRF on as in
    production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "BASE_URL", live_server)  # links that leave the app
    context = browser.new_context(base_url=live_server, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # 4xx answers are part of the journeys (a refused form is a 422); scripts must not fail.
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    yield page
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, user) -> None:
    """Through the sign-in page, as a person does; waits for the wall."""
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Wall", exact=True)).to_be_visible()


def settled(page, selector: str) -> None:
    """Wait until htmx has wired the content it swapped into `selector`: it does so when the
    swap settles, 20 ms later, and a key pressed or a click made sooner does nothing (no
    person is that quick; a test is)."""
    unsettled = f"{selector}.htmx-settling, {selector}.htmx-added, {selector} .htmx-added"
    expect(page.locator(unsettled)).to_have_count(0)

"""News and relay, in a real browser: a member proposes, a lead approves from the queue, the
member relays it on LinkedIn, a visitor follows the tracked link, the member sees the click."""

import re
from contextlib import contextmanager
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.news.helpers import submit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# A person's everyday browser; the headless Chromium of the tests calls itself
# "HeadlessChrome", which the click counter rightly takes for a robot.
VISITOR_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0 Safari/537.36")


@contextmanager
def other_browser(browser, live_server, **options):
    """Someone else at their own computer: a context of its own, its own cookies."""
    context = browser.new_context(base_url=live_server, locale="en-GB", **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    yield page
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def test_member_proposes_lead_approves_member_relays_on_linkedin_and_sees_the_click(
    page, browser, live_server, make
):
    member = make.user("Awa Diallo", email="awa@example.com")
    lead = make.user("Lina Lead", role="lead", email="lina@example.com")
    article = f"{live_server}/login"  # a harmless local page: following the link stays here

    # The member proposes a piece of news with a real link.
    page.set_viewport_size(DESKTOP)
    sign_in(page, member)
    page.goto("/news")
    page.get_by_role("button", name="Propose news").first.click()
    page.get_by_label("Title").fill("Our team shipped the itinerary planner")
    page.get_by_label("Summary").fill("Three months of work; travellers already love it.")
    page.get_by_label("Link to the article (optional)").fill(article)
    page.get_by_role("button", name="Send my proposal").click()
    expect(page).to_have_url(re.compile(r"/news/mine$"))
    expect(page.get_by_text("waiting for a lead or an admin")).to_be_visible()

    # A lead, at their own computer, approves it from the queue, with an edit.
    with other_browser(browser, live_server) as lead_page:
        lead_page.set_viewport_size(DESKTOP)
        sign_in(lead_page, lead)
        lead_page.goto("/news/queue")
        card = lead_page.locator("article.queue-item", has_text="itinerary planner")
        expect(card).to_contain_text("Proposed by Awa Diallo")
        card.get_by_role("button", name="Edit, then publish").click()
        lead_page.get_by_label("Title").fill("Our team shipped the new itinerary planner")
        lead_page.get_by_role("button", name="Publish with these edits").click()
        expect(lead_page.get_by_text("Published, with your edits.")).to_be_visible()
        expect(lead_page.get_by_text("Proposed by Awa Diallo")).to_be_visible()
        lead_page.goto("/news/queue")
        expect(lead_page.get_by_text("Nothing waiting.")).to_be_visible()

    # The member opens the item, credited, and relays it on LinkedIn.
    page.goto("/news/mine")
    expect(page.get_by_text("published, you are credited")).to_be_visible()
    page.get_by_role("link", name="Our team shipped the new itinerary planner").click()
    expect(page.get_by_role("heading", name="Our team shipped the new itinerary planner")
           ).to_be_visible()
    expect(page.get_by_text("Proposed by Awa Diallo")).to_be_visible()
    expect(page.get_by_role("heading", name="Relay it")).to_be_visible()
    screenshot(page, "news-item-share-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "news-item-share-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_label("On LinkedIn").check()
    page.get_by_role("button", name="Get my link").click()
    expect(page.get_by_role("heading", name="Your link is ready")).to_be_visible()
    tracked = page.get_by_label("Your tracked link").input_value()
    assert re.fullmatch(re.escape(live_server) + r"/r/[A-Za-z0-9_-]{22,}", tracked), tracked
    share = page.get_by_role("button", name="Open LinkedIn to share")
    expect(share).to_have_attribute(
        "href", "https://www.linkedin.com/sharing/share-offsite/?url=" + quote(tracked, safe=""))
    href = share.get_attribute("href")
    assert parse_qs(urlsplit(href).query) == {"url": [tracked]}
    expect(share).to_have_attribute("target", "_blank")
    screenshot(page, "news-item-shared-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "news-item-shared-phone")
    page.set_viewport_size(DESKTOP)

    # Someone who saw the post opens the tracked link, without an account.
    with other_browser(browser, live_server, user_agent=VISITOR_UA) as visitor:
        response = visitor.request.get(tracked, max_redirects=0)
        assert response.status == 302
        location = response.headers["location"]
        assert location.startswith(article + "?")
        query = parse_qs(urlsplit(location).query)
        assert query["utm_medium"] == ["employee_advocacy"]
        assert query["utm_content"] == ["linkedin"]
        assert query["utm_source"] == ["linkedin"]
        assert query["utm_campaign"][0].startswith("news-")
        visitor.goto(tracked)  # the same person, in the browser: counted once only
        expect(visitor).to_have_url(re.compile(r"/login\?.*utm_medium=employee_advocacy"))

    # The member sees, privately, that the link was followed.
    page.goto("/news/mine")
    expect(page.get_by_text("1 visit through your links so far.")).to_be_visible()
    row = page.locator("tr", has_text="Our team shipped the new itinerary planner")
    expect(row.locator("td").nth(1)).to_have_text("LinkedIn")
    expect(row.locator("td").nth(3)).to_have_text("1")
    screenshot(page, "news-mine-reach")


def test_a_member_copies_their_tracked_link_with_one_click(app, page, live_server, make):
    """The "copy a link" channel: the link is on the clipboard, and the page says so."""
    member = make.user("Awa Diallo", email="awa@example.com")
    lead = make.user("Lina Lead", role="lead", email="lina@example.com")
    news_id = submit(app, lead, "Our new itinerary planner", url=f"{live_server}/login")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, member)
    page.goto(f"/news/{news_id}")
    page.get_by_label("Copy a link").check()
    page.get_by_role("button", name="Get my link").click()
    tracked = page.get_by_label("Your tracked link").input_value()
    assert re.fullmatch(re.escape(live_server) + r"/r/[A-Za-z0-9_-]{22,}", tracked), tracked
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied: paste it wherever you like.")
    assert page.evaluate("navigator.clipboard.readText()") == tracked
    screenshot(page, "news-item-copied")

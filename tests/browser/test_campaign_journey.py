"""A campaign in a real browser: a lead starts "Eco-responsible month" for the team and launches
it, a colleague thanks someone under it from the give form, and the team's progress moves."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from kudos.sqltypes import utcnow
from tests.browser.conftest import screenshot, settled, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def second_person(browser, live_server):
    """Another person at their own computer: a context with its own cookies."""
    context = browser.new_context(base_url=live_server, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"the page logged errors: {errors}"


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways ({width}px)"


def test_lead_launches_a_campaign_a_member_takes_part_and_progress_moves(
    page, make, browser, live_server
):
    team = make.team("Lyon office")
    lead = make.user("Léa Lead", role="lead", team=team, leads=[team], email="lea@example.com")
    awa = make.user("Awa Diallo", team=team, email="awa@example.com")
    make.user("Bruno Costa", team=team, email="bruno@example.com")
    today = utcnow().date()

    # The lead starts the campaign from the campaigns page, through the form.
    page.set_viewport_size(DESKTOP)
    sign_in(page, lead)
    page.goto("/campaigns/")
    expect(page.get_by_role("heading", name="No campaign for now")).to_be_visible()
    page.get_by_role("button", name="Start a campaign").click()
    expect(page.get_by_role("heading", name="Start a campaign")).to_be_visible()
    page.get_by_label("Title").fill("Eco-responsible month")
    page.get_by_label("Theme").fill("The green gestures of our office")
    page.get_by_label("Description").fill("Cycling in, switching off, mending, sharing.")
    expect(page.get_by_label("Team")).to_have_value(str(team.id))
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + timedelta(days=27)).isoformat())
    page.get_by_label("Our collective goal").select_option(label="Kudos given together")
    page.get_by_label("Target, together").fill("10")
    screenshot(page, "campaign-form")
    page.get_by_role("button", name="Save as a draft").click()

    expect(page.get_by_role("heading", name="Eco-responsible month")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your campaign is ready as a draft.")
    expect(page.locator(".page-head .tag")).to_have_text("Draft")
    campaign_url = page.url
    assert re.search(r"/campaigns/\d+$", campaign_url)

    page.get_by_role("button", name="Launch").click()
    # Told now or at the start of their working day, whatever the hour the test runs at.
    expect(page.get_by_role("status")).to_contain_text(re.compile(
        r"Launched\. 2 (colleagues were told now|will be told at the start of their working "
        r"day)\."))
    expect(page.locator(".page-head .tag")).to_have_text("Running")
    expect(page.locator(".goal-figure")).to_have_text(re.compile(r"^0\s*/\s*10 kudos given"))
    expect(page.get_by_role("button", name="Pause")).to_be_visible()

    # A colleague, at their own computer, thanks someone and picks the campaign.
    with second_person(browser, live_server) as other:
        sign_in(other, awa)
        other.get_by_role("banner").get_by_role("button", name="Thank a colleague").click()
        expect(other.get_by_role("heading", name="Thank a colleague")).to_be_visible()
        search = other.get_by_label("Find colleagues by name or email (up to 10)")
        with other.expect_response("**/people/search?*"):
            search.press_sequentially("bru", delay=30)
        bruno = other.locator("#picker-results").get_by_role(
            "button", name=re.compile("Bruno Costa"))
        expect(bruno).to_be_visible()
        settled(other, "#picker-results")
        bruno.click()
        expect(other.locator("#chosen").get_by_role("checkbox", name="Bruno Costa")) \
            .to_be_checked()
        settled(other, "#chosen")  # the chip takes the focus when it settles
        other.get_by_label("Your message").fill(
            "Thank you for fixing everyone's bikes at lunch: ten more of us cycle in now.")
        campaign = other.get_by_label("Part of a campaign (optional)")
        expect(campaign).to_have_value("0")
        campaign.select_option(label="Eco-responsible month")
        other.get_by_role("button", name="Send my thanks").click()
        expect(other.get_by_role("status")).to_have_text(
            "Thank you! Bruno Costa will be glad to read it.")

    # The lead reloads the campaign page: the team's progress moved.
    page.reload()
    expect(page.locator(".goal-figure")).to_have_text(re.compile(r"^1\s*/\s*10 kudos given"))
    expect(page.locator("progress")).to_have_attribute("value", "1")
    expect(page.get_by_text("Participation is shown from 5 people up")).to_be_visible()
    chart = page.get_by_role("img", name="Activity per day")
    expect(chart).to_be_visible()
    page.get_by_text("The same, as a table").click()
    expect(page.locator(".chart table tbody tr")).to_have_count(1)
    expect(page.locator(".chart table tbody tr td").nth(1)).to_have_text("1")
    no_horizontal_scroll(page)
    screenshot(page, "campaign-page-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator(".goal-figure")).to_have_text(re.compile(r"^1\s*/\s*10"))
    no_horizontal_scroll(page)
    screenshot(page, "campaign-page-phone")

    # The lead ends it early: the closing page, and a thank-you for the wall.
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="End now").click()
    expect(page.get_by_role("heading", name=re.compile("what we achieved together"))) \
        .to_be_visible()
    page.get_by_label("A thank-you to the team").fill(
        "Thank you all: our office cycles, mends and switches off more than a month ago.")
    page.get_by_role("button", name="Publish it on the wall").click()
    expect(page.get_by_role("status")).to_contain_text("Your thank-you is on the campaign page")
    expect(page.locator(".thank-you")).to_contain_text("our office cycles")
    no_horizontal_scroll(page)
    screenshot(page, "campaign-closing-desktop")

"""Thanking colleagues, in a real browser: giving with the active search, co-signing, the wall
that loads more as one scrolls and brings new kudos in, and a refusal that keeps one's words."""

import re
import uuid
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from kudos.auth.models import User
from kudos.extensions import db
from kudos.recognition import operations
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.sqltypes import utcnow
from tests.browser.conftest import screenshot, settled, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def give(app, giver, recipients, message: str) -> int:
    """A kudos given server-side, through the same operation as the form."""
    with app.app_context():
        kudos, _created = operations.give(
            db.session.get(User, giver.id),
            operations.Draft(recipient_ids=[r.id for r in recipients], message=message),
        )
        return kudos.id


def mark_page(page) -> None:
    """Leave a mark in the window: it survives htmx swaps, not a navigation or a reload."""
    page.evaluate("window.kudosTestMark = 'still here'")


def expect_same_page(page) -> None:
    assert page.evaluate("window.kudosTestMark") == "still here", "the page was reloaded"


@contextmanager
def other_browser(browser, live_server):
    """A second person at their own computer: a context of its own, its own cookies."""
    context = browser.new_context(base_url=live_server, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"the page logged errors: {errors}"


def pick(page, typed: str, name: str) -> None:
    """Type part of a name in the active search and click the colleague among the results."""
    search = page.get_by_label("Find colleagues by name or email (up to 10)")
    search.fill("")
    with page.expect_response(f"**/people/search?{urlencode({'q': typed})}*"):
        search.press_sequentially(typed, delay=30)  # one request, 200 ms after the last key
    results = page.locator("#picker-results")
    option = results.get_by_role("button", name=re.compile(re.escape(name)))
    expect(option).to_be_visible()
    settled(page, "#picker-results")
    option.click()
    expect(page.locator("#chosen").get_by_role("checkbox", name=name)).to_be_checked()
    expect(option).to_have_count(0)  # taken out of the results once chosen
    # The chip takes the focus when htmx settles it: typing sooner could land in the chip.
    settled(page, "#chosen")


def test_member_thanks_two_colleagues_found_with_the_active_search(page, make):
    team = make.team("Itineraries")
    giver = make.user("Nadia Benali", email="nadia@example.com", team=team)
    make.user("Bruno Costa", email="bruno@example.com", team=team)
    make.user("Chloé Martin", email="chloe@example.com")
    make.user("Brigitte Stopped", email="brigitte@example.com", active=False)

    sign_in(page, giver)
    page.get_by_role("banner").get_by_role("button", name="Thank a colleague").click()
    expect(page.get_by_role("heading", name="Thank a colleague")).to_be_visible()
    mark_page(page)

    with page.expect_response("**/people/search?q=br*"):
        page.get_by_label("Find colleagues by name or email (up to 10)").press_sequentially("br")
    results = page.locator("#picker-results")
    expect(results.get_by_role("button", name=re.compile("Bruno Costa"))).to_be_visible()
    expect(results).not_to_contain_text("Brigitte")  # deactivated: cannot be picked
    pick(page, "bru", "Bruno Costa")
    pick(page, "chlo", "Chloé Martin")
    expect(page.get_by_text("Pick one or more colleagues above.")).to_be_hidden()
    expect_same_page(page)
    message = "Thank you both for the Lisbon itinerary: the clients loved the tram ride."
    page.get_by_label("Your message").fill(message)
    screenshot(page, "recognition-give-two-colleagues")

    page.get_by_role("button", name="Send my thanks").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_have_text(
        "Thank you! Bruno Costa, Chloé Martin will be glad to read it."
    )
    top = page.locator("article.card").first
    expect(top.locator(".card-people")).to_have_text(
        "Nadia Benali thanked Bruno Costa, Chloé Martin"
    )
    expect(top.locator(".message")).to_have_text(message)
    screenshot(page, "recognition-wall-after-giving")


def test_colleague_cosigns_a_kudos_and_takes_it_back_without_a_reload(
    page, app, make, browser, live_server
):
    giver = make.user("Nadia Benali", email="nadia@example.com")
    bruno = make.user("Bruno Costa", email="bruno@example.com")
    cosigner = make.user("Chloé Martin", email="chloe@example.com")
    kudos_id = give(app, giver, [bruno], "Thank you for staying late to fix the booking bug.")

    sign_in(page, giver)  # the giver's own wall, in the first browser
    card = page.locator(f"#kudos-{kudos_id}")
    expect(card.locator(".card-people")).to_have_text("Nadia Benali thanked Bruno Costa")
    expect(card.get_by_role("button", name="+1 I co-sign")).to_have_count(0)  # already in it

    with other_browser(browser, live_server) as other:
        sign_in(other, cosigner)
        other_card = other.locator(f"#kudos-{kudos_id}")
        expect(other_card).to_contain_text("Thank you for staying late")
        mark_page(other)
        cosign = other_card.get_by_role("button", name="+1 I co-sign")
        cosign.click()
        expect(cosign).to_have_attribute("aria-pressed", "true")
        expect(other_card.locator(".card-people")).to_contain_text("and 1 colleague")
        expect_same_page(other)
        screenshot(other, "recognition-cosigned")

        page.reload()
        expect(card.locator(".card-people")).to_contain_text("— and 1 colleague")
        expect(card.locator(".reactions")).to_contain_text("1 colleague co-signed")

        cosign.click()  # a second +1 takes it back
        expect(cosign).to_have_attribute("aria-pressed", "false")
        expect(other_card.locator(".card-people")).not_to_contain_text("colleague")
        expect_same_page(other)

    page.reload()
    expect(card.locator(".card-people")).to_have_text("Nadia Benali thanked Bruno Costa")
    expect(card.locator(".reactions")).not_to_contain_text("co-signed")


def test_scrolling_to_the_bottom_of_the_wall_loads_older_kudos(page, app, make):
    viewer = make.user("Nadia Benali", email="nadia@example.com")
    people = [make.user(f"Colleague {n}", email=f"colleague{n}@example.com") for n in range(5)]
    now = utcnow()
    with app.app_context():  # rows straight into the tables: fast, and no cooldown applies
        for n in range(45):
            giver, recipient = people[n % 5], people[(n + 1) % 5]
            db.session.add(
                Kudos(
                    giver_id=giver.id,
                    message=f"Kudos number {n}",
                    idempotency_key=uuid.uuid4().hex,
                    created_at=now - timedelta(minutes=n),
                    recipients=[KudosRecipient(user_id=recipient.id, approved=True)],
                )
            )
        db.session.commit()

    sign_in(page, viewer)
    cards = page.locator("article.card")
    expect(cards).to_have_count(20)
    expect(cards.first.locator(".message")).to_have_text("Kudos number 0")
    mark_page(page)
    url = page.url

    page.locator(".load-more").scroll_into_view_if_needed()
    expect(cards).to_have_count(40)
    expect(cards.nth(39).locator(".message")).to_have_text("Kudos number 39")
    page.locator(".load-more").scroll_into_view_if_needed()
    expect(cards).to_have_count(45)
    expect(cards.last.locator(".message")).to_have_text("Kudos number 44")
    expect(page.locator(".load-more")).to_have_count(0)  # the end of the wall
    assert page.url == url
    expect_same_page(page)
    screenshot(page, "recognition-wall-loaded-more")

    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(cards).to_have_count(20)
    screenshot(page, "recognition-wall-phone")


def test_refused_fourth_kudos_in_a_week_keeps_the_typed_message(page, app, make):
    giver = make.user("Nadia Benali", email="nadia@example.com")
    awa = make.user("Awa Diallo", email="awa@example.com")
    for n in range(3):
        give(app, giver, [awa], f"Thank you, Awa ({n + 1}).")

    sign_in(page, giver)
    page.get_by_role("banner").get_by_role("button", name="Thank a colleague").click()
    pick(page, "awa", "Awa Diallo")
    message = "Your notes on the Porto trip\nsaved my week. Thank you!"
    page.get_by_label("Your message").fill(message)
    page.get_by_role("button", name="Send my thanks").click()

    expect(page.locator("#cooldown")).to_contain_text("You've thanked Awa Diallo 3 times this week")
    expect(page.locator("#cooldown")).to_contain_text("Your message is kept.")
    expect(page.get_by_label("Your message")).to_have_value(message)
    expect(page.locator("#chosen").get_by_role("checkbox", name="Awa Diallo")).to_be_checked()
    screenshot(page, "recognition-cooldown-refusal")
    with app.app_context():
        assert db.session.scalar(select(func.count(Kudos.id))) == 3  # nothing was written

    page.set_viewport_size(PHONE)
    screenshot(page, "recognition-give-phone")


def test_new_kudos_appears_at_the_top_of_an_open_wall_without_a_reload(page, app, make):
    viewer = make.user("Nadia Benali", email="nadia@example.com")
    bruno = make.user("Bruno Costa", email="bruno@example.com")
    chloe = make.user("Chloé Martin", email="chloe@example.com")
    give(app, bruno, [chloe], "Thanks for the onboarding session.")

    sign_in(page, viewer)
    cards = page.locator("article.card")
    expect(cards).to_have_count(1)
    mark_page(page)

    new_id = give(app, chloe, [bruno], "The new booking page is lovely, thank you!")
    # The wall polls every 30 s while visible; trigger the poll now rather than wait.
    page.evaluate("htmx.trigger('#newer-poll', 'kudos:visible')")
    expect(cards).to_have_count(2)
    expect(cards.first).to_have_id(f"kudos-{new_id}")
    expect(cards.first.locator(".card-people")).to_have_text("Chloé Martin thanked Bruno Costa")

    # The poll now asks for what is newer still: nothing, so nothing is added twice.
    expect(page.locator("#newer-poll")).to_have_attribute(
        "hx-get", re.compile(f"after=[^&]*_{new_id}&"))
    settled(page, "#newer-poll")  # the new poll element listens once htmx has settled it
    with page.expect_response(re.compile(r"/wall/newer\?")) as answer:
        page.evaluate("htmx.trigger('#newer-poll', 'kudos:visible')")
    assert answer.value.status == 204
    expect(cards).to_have_count(2)
    expect_same_page(page)
    screenshot(page, "recognition-new-kudos-on-top")

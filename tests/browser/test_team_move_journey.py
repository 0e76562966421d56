"""A member asks to move team in Settings; the destination team's lead welcomes them from the
requests page; the member sees their new team. Screenshots in English and French, desktop and
phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def test_asking_to_move_and_being_welcomed(page, browser, live_server, make):
    design, sales = make.team("Design"), make.team("Sales")
    awa = make.user("Awa Diallo", email="awa@example.com", team=design)
    lina = make.user("Lina Lead", email="lina@example.com", role="lead", team=sales,
                     leads=[sales])

    sign_in(page, awa)
    page.goto("/settings/#team")
    expect(page.get_by_text("You are in Design.")).to_be_visible()
    page.get_by_label("Team I would like to join").select_option(label="Sales")
    page.get_by_label("A word for the team’s leads (optional)").fill(
        "I pair with the sales team every week")
    page.get_by_role("button", name="Ask to move").click()
    expect(page.get_by_text("Your request to join Sales is sent.")).to_be_visible()
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto("/settings/#team")
        screenshot(page, f"team-move-settings-en-{size}")

    context = browser.new_context(base_url=live_server, locale="en-GB")
    lead = context.new_page()
    sign_in(lead, lina)
    lead.goto("/teams/requests")
    expect(lead.get_by_text("asks to move from Design to Sales")).to_be_visible()
    for size, viewport in SIZES.items():
        lead.set_viewport_size(viewport)
        lead.goto("/teams/requests")
        screenshot(lead, f"team-move-requests-en-{size}")
    french = browser.new_context(base_url=live_server, locale="fr-FR")
    lead_fr = french.new_page()
    lead_fr.context.add_cookies(context.cookies())
    for size, viewport in SIZES.items():
        lead_fr.set_viewport_size(viewport)
        lead_fr.goto("/teams/requests")
        expect(lead_fr.get_by_role("heading", name="Demandes d’équipe")).to_be_visible()
        screenshot(lead_fr, f"team-move-requests-fr-{size}")
    lead.set_viewport_size(SIZES["desktop"])
    lead.get_by_role("button", name="Welcome them to Sales").click()
    expect(lead.get_by_text("Awa Diallo is now in Sales.")).to_be_visible()
    context.close()

    page.set_viewport_size(SIZES["desktop"])
    page.goto("/settings/")
    expect(page.get_by_text("You are in Sales.")).to_be_visible()
    awa_fr = french.new_page()
    awa_fr.context.clear_cookies()
    awa_fr.context.add_cookies(page.context.cookies())
    for size, viewport in SIZES.items():
        awa_fr.set_viewport_size(viewport)
        awa_fr.goto("/settings/#team")
        screenshot(awa_fr, f"team-move-settings-fr-{size}")
    french.close()

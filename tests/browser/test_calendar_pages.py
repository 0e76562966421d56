"""The working calendar as an admin and a colleague see it: closures added and refused on
the admin page, public holidays listed, a person's own country in their settings, in both
languages and both widths."""

import pytest
from playwright.sync_api import expect

from kudos.auth.models import User
from kudos.extensions import db
from tests.browser.conftest import sign_in
from tests.browser.shots import shoot

pytestmark = pytest.mark.browser


def set_locale(app, user, locale: str) -> None:
    with app.app_context():
        db.session.get(User, user.id).locale = locale
        db.session.commit()


def test_an_admin_closes_the_company_for_christmas_and_a_backwards_range_is_refused(page, app,
                                                                                   make):
    admin = make.user("Claire Admin", role="admin")
    sign_in(page, admin)
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Working calendar").click()
    expect(page.get_by_role("heading", name="Working calendar")).to_be_visible()
    expect(page.get_by_role("cell", name="National Day")).to_be_visible()
    page.get_by_label("Name").fill("Christmas")
    page.get_by_label("First day").fill("2026-12-24")
    page.get_by_label("Last day (included)").fill("2026-12-20")
    page.get_by_role("button", name="Add this closure").click()
    expect(page.get_by_text("The last day comes before the first day.")).to_be_visible()
    shoot(page, "calendar-refused-en")
    page.get_by_label("Last day (included)").fill("2027-01-01")
    page.get_by_role("button", name="Add this closure").click()
    expect(page.get_by_role("status").or_(page.locator(".flash-success"))).to_contain_text(
        "“Christmas” is added")
    expect(page.get_by_role("cell", name="December 24, 2026")).to_be_visible()
    shoot(page, "calendar-en")
    set_locale(app, admin, "fr")
    page.reload()
    expect(page.get_by_role("heading", name="Calendrier de travail")).to_be_visible()
    expect(page.get_by_role("cell", name="Fête nationale")).to_be_visible()
    expect(page.get_by_role("cell", name="24 décembre 2026")).to_be_visible()
    shoot(page, "calendar-fr")
    page.get_by_role("button", name="Retirer Christmas").click()
    expect(page.get_by_text("Aucune fermeture prévue.")).to_be_visible()


def test_a_colleague_chooses_the_country_of_their_public_holidays(page, app, make):
    person = make.user("Jonas Weber")
    sign_in(page, person)
    page.get_by_role("link", name="Settings").click()
    country = page.get_by_label("Country of my public holidays")
    expect(country).to_have_value("")
    expect(country.locator("option:checked")).to_have_text("Same as the company (France)")
    country.select_option("DE")
    page.get_by_role("button", name="Save my settings").click()
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()
    expect(page.get_by_label("Country of my public holidays")).to_have_value("DE")
    page.get_by_label("Country of my public holidays").scroll_into_view_if_needed()
    shoot(page, "settings-country-en")
    set_locale(app, person, "fr")
    page.reload()
    expect(page.get_by_label("Pays de mes jours fériés")).to_have_value("DE")
    shoot(page, "settings-country-fr")

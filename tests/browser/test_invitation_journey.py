"""A new colleague's first minutes, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from kudos.auth import operations
from kudos.auth.models import Team, User
from kudos.extensions import db
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_invited_person_sets_password_signs_in_switches_to_french_and_signs_out(
    page, app, admin, make
):
    team = make.team("Itineraries")
    with app.app_context():
        inviter = db.session.get(User, admin.id)
        _invitation, token = operations.invite(
            inviter, email="hugo@example.com", name="Hugo Martin", role="member",
            team=db.session.get(Team, team.id),
        )

    page.goto(f"/invite/{token}")
    expect(page.get_by_role("heading", name="Welcome to Kudos")).to_be_visible()
    expect(page.get_by_label("Your name, as colleagues will see it")).to_have_value("Hugo Martin")
    page.get_by_label("Choose a password").fill("password")  # too common: refused kindly
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("one of the most common ones")).to_be_visible()
    screenshot(page, "invitation-refused-password")
    page.get_by_label("Choose a password").fill("sunny itinerary in Lisbon")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome to Kudos, Hugo Martin!")).to_be_visible()
    # A short welcome comes first; it can be skipped as a whole.
    expect(page.get_by_role("heading", name="What this is about")).to_be_visible()
    page.get_by_role("button", name="Skip the welcome and go to the wall").click()
    expect(page.get_by_role("heading", name="Wall", exact=True)).to_be_visible()

    # Sign out, then back in with the new password.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out. See you soon.")).to_be_visible()
    page.get_by_label("Email").fill("hugo@example.com")
    page.get_by_label("Password").fill("sunny itinerary in Lisbon")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Wall", exact=True)).to_be_visible()

    # French, from the footer switch; it sticks to the account.
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Mur", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot(page, "home-fr")
    page.get_by_role("link", name="Réglages").click()
    expect(page.get_by_label("Langue")).to_have_value("fr")

    page.get_by_role("button", name="Se déconnecter", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Vous êtes déconnecté·e. À bientôt")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))


def test_invitation_link_works_only_once(page, app, admin):
    with app.app_context():
        _invitation, token = operations.invite(
            db.session.get(User, admin.id), email="lea@example.com", name="Léa"
        )
        operations.accept_invitation(token, name="Léa", password="a quiet morning walk")
    page.goto(f"/invite/{token}")
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()

"""The charter as people see it: the page in both languages and both widths, the admin's
editor with its history, and the notice of a new version, set aside in one click."""

import pytest
from playwright.sync_api import expect

from kudos.auth.models import User
from kudos.charter import operations
from kudos.extensions import db
from kudos.sqltypes import utcnow
from tests.browser.conftest import sign_in
from tests.browser.shots import shoot

pytestmark = pytest.mark.browser

def set_locale(app, user, locale: str) -> None:
    with app.app_context():
        db.session.get(User, user.id).locale = locale
        db.session.commit()


def test_the_charter_reads_well_in_both_languages_and_widths(page, app, make):
    from datetime import timedelta
    reader = make.user("Inès Moreau", created_at=utcnow() - timedelta(days=20))
    make.user("Claire Admin", role="admin")
    sign_in(page, reader)
    page.get_by_role("contentinfo").get_by_role("link", name="Our charter").click()
    expect(page.get_by_role("heading", name="Our ambassador charter")).to_be_visible()
    expect(page.get_by_role("heading", name="What is fine to share outside")).to_be_visible()
    expect(page.get_by_text("Claire Admin")).to_be_visible()
    shoot(page, "charter-en")
    set_locale(app, reader, "fr")
    page.reload()
    expect(page.get_by_role("heading",
                            name="Notre charte des ambassadrices et ambassadeurs")).to_be_visible()
    shoot(page, "charter-fr")


def test_an_admin_adapts_the_charter_and_colleagues_are_told_once(page, app, make, browser,
                                                                  live_server):
    from datetime import timedelta
    admin = make.user("Claire Admin", role="admin")
    reader = make.user("Hugo Martin", created_at=utcnow() - timedelta(days=20))
    sign_in(page, admin)
    page.get_by_role("link", name="Review the charter").click()
    expect(page.get_by_role("heading", name="The charter", exact=True)).to_be_visible()
    shoot(page, "charter-edit-en")
    page.get_by_label("Title").fill("Being an ambassador at Azur Voyages")
    page.get_by_label("Why this change? (kept in the history)").fill("Our name, our words")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Version 2 of the charter is saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Our name, our words")).to_be_visible()
    set_locale(app, admin, "fr")
    page.goto("/admin/charter?language=fr")
    expect(page.get_by_role("heading", name="La charte", exact=True)).to_be_visible()
    shoot(page, "charter-edit-fr")

    context = browser.new_context(base_url=live_server, locale="en-GB")
    other = context.new_page()
    sign_in(other, reader)
    notice = other.get_by_role("complementary").filter(has_text="Our charter has a new version.")
    expect(notice).to_be_visible()
    shoot(other, "charter-notice-en")
    notice.get_by_role("button", name="Got it").click()
    expect(notice).to_have_count(0)
    other.reload()
    expect(other.get_by_role("heading", name="Wall", exact=True)).to_be_visible()
    expect(other.get_by_text("Our charter has a new version.")).to_have_count(0)
    with app.app_context():
        operations.save(db.session.get(User, admin.id), "fr", version=1, title="Notre charte",
                        summary="- Volontaire", body="Texte", reason="Nos mots")
    set_locale(app, reader, "fr")
    other.reload()
    notice = other.get_by_role("complementary").filter(has_text="Notre charte a une nouvelle")
    expect(notice).to_be_visible()
    shoot(other, "charter-notice-fr")
    notice.get_by_role("button", name="La lire").click()
    expect(other.get_by_role("heading", name="Notre charte")).to_be_visible()
    context.close()

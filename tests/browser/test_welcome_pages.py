"""A newcomer's welcome in a real browser: three steps, the time zone taken from the
browser, the wall's hint after it; in both languages and widths."""

import pytest
from playwright.sync_api import expect

from kudos.admin.models import Topic
from kudos.auth import operations as auth_ops
from kudos.auth.models import User
from kudos.extensions import db
from tests.browser.shots import shoot

pytestmark = pytest.mark.browser


def invite(app, admin, email: str, name: str) -> str:
    with app.app_context():
        for topic in ("Night trains", "Accessibility", "Sales", "Company life"):
            if db.session.scalar(db.select(Topic).where(Topic.name == topic)) is None:
                db.session.add(Topic(name=topic, description="What happens around " + topic))
        db.session.commit()
        _invitation, token = auth_ops.invite(db.session.get(User, admin.id), email=email,
                                             name=name)
        return token


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_welcome_in_three_steps_with_the_browsers_time_zone(lang, browser, live_server, app,
                                                                admin, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = invite(app, admin, f"newcomer-{lang}@example.com", "Inès Moreau")
    context = browser.new_context(base_url=live_server, timezone_id="America/Toronto",
                                  locale="fr-FR" if lang == "fr" else "en-GB")
    page = context.new_page()
    words = {
        "en": {"create": "Create my account", "continue": "Continue",
               "follow": "Follow and continue", "finish": "Save and finish",
               "essentials": "What this is about", "topics": "Topics to follow",
               "rhythm": "Your working rhythm", "wall": "Wall",
               "hint": "A good first step: thank a colleague"},
        "fr": {"create": "Créer mon compte", "continue": "Continuer",
               "follow": "Suivre et continuer", "finish": "Enregistrer et terminer",
               "essentials": "De quoi il s’agit", "topics": "Sujets à suivre",
               "rhythm": "Votre rythme de travail", "wall": "Mur",
               "hint": "Une bonne première étape : remerciez un·e collègue"},
    }[lang]
    page.goto(f"/invite/{token}")
    page.locator("input[name=password]").fill("a quiet walk by the river")
    page.get_by_role("button", name=words["create"]).click()
    expect(page.get_by_role("heading", name=words["essentials"])).to_be_visible()
    shoot(page, f"welcome-1-charter-{lang}")
    page.get_by_role("button", name=words["continue"]).click()
    expect(page.get_by_role("heading", name=words["topics"])).to_be_visible()
    page.get_by_label("Night trains").check()
    page.get_by_label("Accessibility").check()
    shoot(page, f"welcome-2-topics-{lang}")
    page.get_by_role("button", name=words["follow"]).click()
    expect(page.get_by_role("heading", name=words["rhythm"])).to_be_visible()
    expect(page.locator("select[name=timezone]")).to_have_value("America/Toronto")
    shoot(page, f"welcome-3-rhythm-{lang}")
    page.get_by_role("button", name=words["finish"]).click()
    expect(page.get_by_role("heading", name=words["wall"], exact=True)).to_be_visible()
    expect(page.get_by_text(words["hint"])).to_be_visible()
    shoot(page, f"welcome-4-wall-{lang}")
    with app.app_context():
        person = db.session.scalar(db.select(User).where(
            User.email == f"newcomer-{lang}@example.com"))
        assert person.timezone == "America/Toronto"
    context.close()

"""A lead of a quiet six-person team opens its rhythm: the steady phase, and an honest "too
little activity to read a trend yet" instead of a decline. Screenshots in English and French,
desktop and phone."""

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from kudos.extensions import db
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.sqltypes import utcnow
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LONG_AGO = {"created_at": utcnow() - timedelta(days=400)}


def test_a_quiet_team_reads_too_little_activity_not_decline(page, browser, live_server, app,
                                                            make):
    pico = make.team("Pico")
    lead = make.user("Pia Lead", email="pia@example.com", role="lead", team=pico,
                     leads=[pico], **LONG_AGO)
    people = [make.user(f"Pico {i}", team=pico, **LONG_AGO) for i in range(5)]
    with app.app_context():
        for day in range(150, 3, -4):  # a kudos every four days, for five months
            kudos = Kudos(giver_id=people[day % 5].id, message="Thank you",
                          idempotency_key=uuid.uuid4().hex,
                          created_at=utcnow() - timedelta(days=day))
            kudos.recipients = [KudosRecipient(user_id=people[(day + 1) % 5].id,
                                               approved=True)]
            db.session.add(kudos)
        db.session.commit()

    sign_in(page, lead)
    page.goto(f"/insights/team/{pico.id}")
    expect(page.get_by_text("Too little activity to read a trend yet")).to_be_visible()
    expect(page.locator(".phase-badge")).to_have_text("Plateau")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(f"/insights/team/{pico.id}")
        screenshot(page, f"team-rhythm-quiet-en-{size}")

    french = browser.new_context(base_url=live_server, locale="fr-FR")
    lead_fr = french.new_page()
    lead_fr.context.add_cookies(page.context.cookies())
    for size, viewport in SIZES.items():
        lead_fr.set_viewport_size(viewport)
        lead_fr.goto(f"/insights/team/{pico.id}")
        expect(lead_fr.get_by_text("Trop peu d’activité pour lire une tendance")).to_be_visible()
        screenshot(lead_fr, f"team-rhythm-quiet-fr-{size}")
    french.close()

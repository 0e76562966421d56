"""The what-if preview of the anti-fatigue rules in a real browser: an admin lowers the daily
kudos cap below what a colleague really gave one busy day, replays the last 30 days under it
(a job computes it while the page polls a progress fragment), sees the kudos that would have
been refused beside the current rules, then saves the change with a reason."""

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kudos.auth.models import User
from kudos.extensions import db
from kudos.insights.models import NudgeDecision
from kudos.outbox import OutboxEvent
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.rules.models import PreviewRun
from kudos.rules.preview import run_preview
from kudos.sqltypes import utcnow
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

THANKS = [
    "Thank you for pairing with me on the invoice export: it finally adds up.",
    "Thanks for covering the support queue while I was at the dentist.",
    "Your notes from the customer call saved us a meeting. Thank you!",
    "Thank you for reviewing my pull request so carefully on a Friday.",
    "Thanks for the onboarding checklist: our new colleague was set up in an hour.",
    "Thank you for staying calm during the outage and keeping everyone informed.",
]


def give(giver: User, recipients: list[User], at: datetime, message: str) -> None:
    kudos = Kudos(giver_id=giver.id, message=message, visibility="company",
                  status="published", idempotency_key=f"seed-{giver.id}-{at.isoformat()}",
                  created_at=at)
    db.session.add(kudos)
    db.session.flush()
    for person in recipients:
        db.session.add(KudosRecipient(kudos_id=kudos.id, user_id=person.id, approved=True))


def seed_history(app, people: list[User], busy: User) -> None:
    """Four weeks of a team's ordinary thanks (one a day, from a different person each day,
    never twice to the same colleague in a week), one busy day 12 days ago when `busy`
    thanked four colleagues after a release, and a weekly digest decided for everyone."""
    today = utcnow().date()
    with app.app_context():
        for back in range(28, 0, -1):
            day = today - timedelta(days=back)
            if back == 12:
                others = [p for p in people if p.id != busy.id][:4]
                for hour, person in zip((9, 11, 14, 16), others, strict=True):
                    give(busy, [person], datetime.combine(day, time(hour)).replace(
                        tzinfo=utcnow().tzinfo), f"Thank you for your part in Tuesday's "
                         f"release, {person.name.split()[0]}: it went out without a hitch.")
                continue
            giver = people[back % len(people)]
            recipient = people[(back + 1 + back // 7) % len(people)]
            if recipient.id == giver.id:
                recipient = people[(back + 2) % len(people)]
            at = datetime.combine(day, time(10, 30)).replace(tzinfo=utcnow().tzinfo)
            give(giver, [recipient], at, THANKS[back % len(THANKS)])
            if day.isoweekday() == 1:
                for person in people:
                    db.session.add(NudgeDecision(user_id=person.id, kind="digest",
                                                 decided_at=at, decision="send",
                                                 reason="ok"))
        db.session.commit()


def test_admin_previews_a_lower_daily_cap_then_saves_it(page, make, app, monkeypatch):
    team = make.team("Lyon office")
    admin = make.user("Claire Martin", role="admin", team=team, email="claire@example.com")
    names = ["Awa Diallo", "Bruno Costa", "Chen Wei", "Dara Okafor", "Emil Novak"]
    people = [make.user(name, team=team, email=f"{name.split()[0].lower()}@example.com")
              for name in names]
    bruno = people[1]
    seed_history(app, [admin, *people], busy=bruno)

    # The preview's job is queued, not run: the page shows its progress until a worker
    # (played by this test) has computed it.
    # The job waits in the outbox (as it does with Redis, until the dispatcher moves it).
    monkeypatch.setattr("kudos.admin.rules_views.outbox.flush", lambda: 0)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, admin)
    page.goto("/admin/")
    page.get_by_role("navigation", name="Admin sections").get_by_role(
        "link", name="Anti-fatigue rules").click()
    expect(page.get_by_role("heading", name="Anti-fatigue rules", exact=True)).to_be_visible()
    expect(page.get_by_text("The defaults apply; nobody changed them yet.")).to_be_visible()

    cap = page.get_by_label("daily_kudos_cap", exact=True)
    expect(cap).to_have_value("10")
    cap.fill("2")
    page.get_by_label(re.compile("Replay the last")).select_option("30")
    page.get_by_role("button", name="Preview first").click()

    preview = page.locator("#preview")
    expect(preview).to_contain_text("Replaying the last 30 days…")
    expect(preview.locator("progress")).to_be_visible()
    with app.app_context():
        queued = db.session.scalars(select(OutboxEvent.args).where(
            OutboxEvent.job.endswith(":run_preview"))).all()
    assert len(queued) == 1
    screenshot(page, "rules-preview-progress")

    with app.app_context():
        run = db.session.get(PreviewRun, queued[0][0])
        assert run.proposed["daily_kudos_cap"] == "2" and run.days == 30
        run_preview(run.id)

    # The fragment polls every second, then shows the result beside the current rules.
    expect(preview.get_by_role("heading", name="If these rules had applied over the last "
                                                 "30 days")).to_be_visible(timeout=10_000)
    expect(preview.locator("progress")).to_have_count(0)
    headers = preview.locator("thead th")
    expect(headers).to_have_text(["Current rules", "Proposed rules"])
    refused = preview.get_by_role("row", name=re.compile("Kudos refused by a cooldown"))
    expect(refused.locator("td")).to_have_text(["0", "2"])
    sent = preview.get_by_role("row", name=re.compile("Nudges sent"))
    expect(sent.locator("td").first).not_to_have_text("0")
    expect(preview).to_contain_text("No team's phase would change today.")
    # Proposed, not saved: the rule in force is still the default.
    expect(page.get_by_text("The defaults apply; nobody changed them yet.")).to_be_visible()
    screenshot(page, "rules-preview-result")

    # Saving asks for a reason, keeps the proposed value, then records the new version.
    page.get_by_role("button", name="Save the rules").click()
    expect(page.locator("#reason-error")).to_have_text(
        "Please say why, for the history of the rules.")
    expect(page.get_by_label("daily_kudos_cap", exact=True)).to_have_value("2")
    page.get_by_label("Why this change? (kept in the history)").fill(
        "Ten a day reads like a quota; two keeps each thank-you meaningful.")
    page.get_by_role("button", name="Save the rules").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The rules are saved. They apply from now on.")
    expect(page.get_by_label("daily_kudos_cap", exact=True)).to_have_value("2")
    expect(page.locator("input[name=version]")).to_have_value("1")
    row = page.get_by_role("region", name="History").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Claire Martin")
    expect(row).to_contain_text("daily_kudos_cap: 10 → 2")
    expect(row).to_contain_text("two keeps each thank-you meaningful")
    screenshot(page, "rules-saved")

"""Insights: who sees which rhythm, a team that was enthusiastic then went quiet read as a
decline with its evidence, chart and suggestions, quiet contributors for the lead alone, the
scan's stored history, change notices through the gate, and back-offs that hold nudges."""

import html
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from kudos import rules
from kudos.auth.models import Team, User
from kudos.calendar.operations import company_today
from kudos.campaigns import operations as campaigns
from kudos.campaigns.models import Campaign
from kudos.extensions import db
from kudos.insights import operations
from kudos.insights.gate import deliver_deferred
from kudos.insights.models import Backoff, FatigueSignal, NudgeDecision
from kudos.notifications.models import Notification
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.sqltypes import utcnow
from tests.conftest import login

LONG_AGO = {"created_at": utcnow() - timedelta(days=400)}


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 303
    return client


def give(giver_id: int, recipient_id: int, days_ago: float) -> None:
    """One published kudos, `days_ago` days ago (a row, as an import would write it)."""
    kudos = Kudos(giver_id=giver_id, message="Thank you", idempotency_key=uuid.uuid4().hex,
                  created_at=utcnow() - timedelta(days=days_ago))
    kudos.recipients = [KudosRecipient(user_id=recipient_id, approved=True)]
    db.session.add(kudos)


@dataclass
class World:
    rocket: Team  # enthusiastic in the spring, quiet since
    comet: Team  # another team
    lead: User  # leads Rocket
    comet_lead: User
    members: list[User]  # Rocket's regular contributors
    quiet: User  # in Rocket, recognised 90 days ago and not since
    newcomer: User  # in Rocket for 10 days
    gone: User  # in Rocket, deactivated
    outsider: User  # in Comet, never recognised


@pytest.fixture
def world(app, make) -> World:
    rocket, comet = make.team("Rocket"), make.team("Comet")
    lead = make.user("Lena Lead", role="lead", leads=[rocket], **LONG_AGO)
    comet_lead = make.user("Carl Lead", role="lead", team=comet, leads=[comet], **LONG_AGO)
    members = [make.user(f"Rocket {i}", team=rocket, **LONG_AGO) for i in range(6)]
    quiet = make.user("Quentin Quiet", team=rocket, **LONG_AGO)
    newcomer = make.user("Nora New", team=rocket, created_at=utcnow() - timedelta(days=10))
    gone = make.user("Gus Gone", team=rocket, active=False, **LONG_AGO)
    outsider = make.user("Olga Outside", team=comet, **LONG_AGO)
    with app.app_context():
        ids = [m.id for m in members]
        for day in range(120, -1, -1):
            if day > 60:
                per_day = 2  # the usual rhythm
            elif day > 30:
                per_day = 6  # the spring wave
            else:
                per_day = 1 if day % 3 == 0 else 0  # quiet since
            for k in range(per_day):
                giver = ids[(day + k) % 6]
                give(giver, ids[(day + k + 1) % 6], day + k / 10)
        give(ids[0], quiet.id, 90)
        db.session.commit()
    return World(rocket, comet, lead, comet_lead, members, quiet, newcomer, gone, outsider)


def team_url(team: Team) -> str:
    return f"/insights/team/{team.id}"


def fatigue_api(client, scope: str):
    return client.get("/api/v1/insights/fatigue", query_string={"scope": scope})


# --- who sees what ----------------------------------------------------------------------------


def test_a_member_reads_no_teams_insights(app, world):
    member = signed_in(app, world.members[0])
    assert member.get("/insights/").status_code == 403
    assert member.get(team_url(world.rocket)).status_code == 403
    response = fatigue_api(member, f"team:{world.rocket.id}")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert fatigue_api(member, "company").status_code == 403


def test_a_lead_reads_only_their_teams(app, world):
    lead = signed_in(app, world.lead)
    assert lead.get(team_url(world.rocket)).status_code == 200
    assert fatigue_api(lead, f"team:{world.rocket.id}").status_code == 200
    assert lead.get(team_url(world.comet)).status_code == 403
    assert fatigue_api(lead, f"team:{world.comet.id}").status_code == 403
    assert fatigue_api(lead, "company").status_code == 403
    index = lead.get("/insights/").get_data(as_text=True)
    assert "Rocket" in index and "Comet" not in index


def test_an_admin_reads_every_team_and_the_company(app, world, make):
    admin = signed_in(app, make.user("Ada Admin", role="admin"))
    for team in (world.rocket, world.comet):
        assert admin.get(team_url(team)).status_code == 200
        assert fatigue_api(admin, f"team:{team.id}").status_code == 200
    company = fatigue_api(admin, "company")
    assert company.status_code == 200
    assert company.get_json()["scope"] == "company"
    index = admin.get("/insights/").get_data(as_text=True)
    assert "Rocket" in index and "Comet" in index


@pytest.mark.parametrize("who", ["member", "lead", "outsider"])
def test_everyone_reads_their_own_rhythm(app, world, who):
    user = {"member": world.members[1], "lead": world.lead, "outsider": world.outsider}[who]
    client = signed_in(app, user)
    response = fatigue_api(client, "me")
    assert response.status_code == 200
    body = response.get_json()
    assert body["scope"] == "me"
    assert body["suggestions"] == []
    assert len(body["evidence"]["series"]) == 90
    assert client.get("/api/v1/insights/fatigue").get_json()["scope"] == "me"  # the default


@pytest.mark.parametrize("scope", ["team:abc", "team:", "galaxy", "campaign:x1", "team:-1"])
def test_a_bad_scope_is_refused_naming_the_field(app, world, scope):
    lead = signed_in(app, world.lead)
    response = fatigue_api(lead, scope)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("validation_error", "scope")


def test_an_unknown_team_is_not_found(app, world):
    lead = signed_in(app, world.lead)
    assert fatigue_api(lead, "team:999999").status_code == 404
    assert lead.get("/insights/team/999999").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    assert client.get("/insights/me").status_code == 302
    assert fatigue_api(client, "me").status_code == 401


# --- a team that was enthusiastic, then went quiet ------------------------------------------


def test_the_api_reads_a_decline_with_its_evidence(app, world):
    lead = signed_in(app, world.lead)
    body = fatigue_api(lead, f"team:{world.rocket.id}").get_json()
    assert body["phase"] == "decline"
    assert 0 < body["score"] <= 1
    evidence = body["evidence"]
    assert evidence["recent_mean"] < 0.6 * evidence["usual_mean"]
    # Measured against the rhythm before the spring wave (the wave was a euphoria, not
    # the usual level), and dated from the day it fell.
    assert 2 <= evidence["usual_mean"] <= 6
    assert body["enough_data"] is True and body["confidence"] > 0.9
    assert evidence["since"] is not None
    assert evidence["ratio"] == pytest.approx(evidence["recent_mean"] / evidence["usual_mean"],
                                              abs=0.01)
    assert evidence["breadth"]["of"] == 8  # active members of Rocket (not Gus, deactivated)
    assert 1 <= evidence["breadth"]["recent"] <= 4
    assert evidence["breadth"]["usual"] == 6
    assert 0.2 <= evidence["concentration"] <= 1
    assert len(evidence["series"]) == len(evidence["phases"]) == 90
    assert evidence["phases"][-1] == "decline"
    assert "euphoria" in evidence["phases"]  # the wave is in the chart's history
    assert sum(evidence["series"][-30:]) < sum(evidence["series"][-60:-30]) / 3
    # Complete days only: the chart ends yesterday.
    with app.app_context():
        today = company_today()  # the company's (Paris), not UTC's: near midnight they differ
    assert evidence["start"] == (today - timedelta(days=90)).isoformat()


def test_the_team_page_shows_the_decline_chart_and_evidence(app, world):
    lead = signed_in(app, world.lead)
    response = lead.get(team_url(world.rocket))
    page = html.unescape(response.get_data(as_text=True))
    assert '<span class="phase-badge phase-decline">Decline</span>' in page
    assert "Activity well below its usual level" in page
    # The method's own numbers: the level before the change, and since when it fell.
    assert "Before the change:" in page and "events a working day" in page
    assert re.search(r"Since \w+ \d+, \d{4}: [\d.]+ events a working day", page)
    assert "confidence" in page and "Too little activity" not in page
    assert "Breadth:" in page and "of 8 people active recently" in page
    assert "Concentration: the most active fifth carries" in page
    svg = re.search(r"<svg[^>]*>", page).group(0)
    assert 'role="img"' in svg and "aria-labelledby" in svg
    bands = re.findall(r'class="band (phase-\w+)"', page)
    assert "phase-decline" in bands and "phase-euphoria" in bands
    assert bands[-1] == "phase-decline"
    assert len(re.findall(r'class="bar-kudos"', page)) > 30
    assert "Recognition flowing (90 days)" in page


def test_the_decline_suggestions_start_actions(app, world):
    lead = signed_in(app, world.lead)
    page = html.unescape(lead.get(team_url(world.rocket)).get_data(as_text=True))
    assert "Recognise completed work" in page
    assert "Share curated watch" in page
    assert "A collective action" in page
    assert "Pace it" not in page  # that one is for euphoria
    links = re.findall(r'<a href="([^"]+)" role="button"', page)
    assert len(links) == 3
    assert "/kudos/new?kind=highlight" in links
    body = fatigue_api(lead, f"team:{world.rocket.id}").get_json()
    assert [s["href"] for s in body["suggestions"]] == links
    for href in links:
        assert lead.get(href).status_code == 200  # each opens the prefilled form


def test_a_suggested_relay_campaign_opens_prefilled_for_the_team(app, world):
    lead = signed_in(app, world.lead)
    body = fatigue_api(lead, f"team:{world.rocket.id}").get_json()
    [watch] = [s for s in body["suggestions"] if s["title"] == "Share curated watch"]
    form = html.unescape(lead.get(watch["href"]).get_data(as_text=True))
    assert re.search(r'<option selected value="relay">|<option value="relay" selected>', form)
    assert re.search(r'<option selected value="relays">|<option value="relays" selected>', form)
    assert re.search(rf'<option selected value="{world.rocket.id}">'
                     rf'|<option value="{world.rocket.id}" selected>', form)


def test_quiet_contributors_are_the_team_members_nobody_recognised_for_60_days(app, world):
    lead = signed_in(app, world.lead)
    page = html.unescape(lead.get(team_url(world.rocket)).get_data(as_text=True))
    section = page[page.index('id="quiet-title"'):page.index("</section>",
                                                               page.index('id="quiet-title"'))]
    assert "Quiet contributors (only you see this)" in section
    assert "Quentin Quiet" in section
    assert f"/kudos/new?to={world.quiet.id}" in section
    for name in ["Rocket 0", "Rocket 5", "Nora New", "Gus Gone", "Olga Outside", "Lena Lead"]:
        assert name not in section


def test_quiet_contributors_are_shown_to_nobody_but_the_lead(app, world):
    for user in (world.members[0], world.quiet):
        client = signed_in(app, user)
        assert client.get(team_url(world.rocket)).status_code == 403
        mine = client.get("/insights/me").get_data(as_text=True)
        assert "Quentin Quiet" not in mine or user is world.quiet
        assert "Quiet contributors" not in mine
    comet = signed_in(app, world.comet_lead)
    assert comet.get(team_url(world.rocket)).status_code == 403
    assert "Quentin Quiet" not in comet.get(team_url(world.comet)).get_data(as_text=True)
    body = fatigue_api(signed_in(app, world.lead), f"team:{world.rocket.id}").get_json()
    assert "Quentin" not in str(body)  # the API gives no names


# --- scans, history and notices -------------------------------------------------------------


def signals(app, scope_type: str | None = None) -> list[tuple[str, int, str]]:
    with app.app_context():
        query = select(FatigueSignal.scope_type, FatigueSignal.scope_id, FatigueSignal.phase)
        if scope_type:
            query = query.where(FatigueSignal.scope_type == scope_type)
        return [tuple(row) for row in db.session.execute(query.order_by(FatigueSignal.id))]


def scan(app) -> dict:
    with app.app_context():
        return operations.scan_all()


def test_a_scan_stores_one_signal_per_scope_and_day(app, world):
    report = scan(app)
    assert report["teams"] == 2
    assert report["people"] == 11  # active people (Gus is deactivated), in a team or not
    stored = signals(app)
    assert ("company", 0, stored[0][2]) == stored[0]
    assert ("team", world.rocket.id, "decline") in stored
    assert len([s for s in stored if s[0] == "team"]) == 2
    assert len([s for s in stored if s[0] == "person"]) == 11
    scan(app)  # twice the same day is once
    assert signals(app) == stored
    with app.app_context():
        days = db.session.scalars(select(func.count(func.distinct(FatigueSignal.day)))).one()
        evidence = db.session.scalar(select(FatigueSignal.evidence).where(
            FatigueSignal.scope_type == "team", FatigueSignal.scope_id == world.rocket.id))
    assert days == 1
    assert {"recent_mean", "usual_mean", "ratio", "breadth", "concentration"} <= set(evidence)


def test_the_scan_runs_from_the_insights_page(app, world):
    lead = signed_in(app, world.lead)
    response = lead.post("/insights/scan")
    assert response.status_code == 303
    assert ("team", world.rocket.id, "decline") in signals(app)
    index = html.unescape(lead.get("/insights/").get_data(as_text=True))
    assert '<span class="phase-badge phase-decline">Decline</span>' in index
    page = html.unescape(lead.get(team_url(world.rocket)).get_data(as_text=True))
    assert "How the phase moved" in page


def seed_yesterday(app, team: Team, phase: str) -> None:
    with app.app_context():
        db.session.add(FatigueSignal(scope_type="team", scope_id=team.id, phase=phase, score=0.5,
                                     day=company_today() - timedelta(days=1), evidence={}))
        db.session.commit()


def phase_notices(app, user: User) -> tuple[list[NudgeDecision], list[Notification]]:
    with app.app_context():
        decisions = db.session.scalars(select(NudgeDecision).where(
            NudgeDecision.user_id == user.id, NudgeDecision.kind == "phase_changed")).all()
        notes = db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.kind == "phase_changed")).all()
        for row in [*decisions, *notes]:
            db.session.expunge(row)
        return decisions, notes


def test_a_phase_change_tells_the_leads_once_through_the_gate(app, world):
    with app.app_context():  # so that the gate sends now, whatever the hour of the test
        rules.change(db.session.get(User, world.lead.id), {"working_hours_only": False},
                     version=0, reason="Any hour, for this test")
    seed_yesterday(app, world.rocket, "plateau")
    assert scan(app)["changes"] == 1
    scan(app)  # the nightly job and a lead's "scan now" on the same day
    decisions, notes = phase_notices(app, world.lead)
    assert len(decisions) == 1
    [decision] = decisions
    assert (decision.decision, decision.reason) == ("send", "ok")
    assert decision.payload["team_id"] == world.rocket.id
    assert decision.done_at is not None
    assert len(notes) == 1 and notes[0].team_id == world.rocket.id
    assert phase_notices(app, world.members[0]) == ([], [])  # leads only


def test_no_notice_when_the_phase_did_not_change(app, world):
    seed_yesterday(app, world.rocket, "decline")
    assert scan(app)["changes"] == 0
    assert phase_notices(app, world.lead) == ([], [])


def test_a_phase_change_outside_the_leads_hours_is_deferred_not_dropped(app, world):
    with app.app_context():
        lead = db.session.get(User, world.lead.id)
        today = utcnow().astimezone(ZoneInfo(lead.timezone)).isoweekday()
        lead.working_days = ",".join(str(d) for d in range(1, 8) if d != today)
        db.session.commit()
    seed_yesterday(app, world.rocket, "euphoria")
    scan(app)
    [decision], notes = phase_notices(app, world.lead)
    assert (decision.decision, decision.reason) == ("defer", "outside_hours")
    assert decision.deliver_at > utcnow()
    assert notes == []
    with app.app_context():
        assert deliver_deferred(now=decision.deliver_at) == 1
    decisions, notes = phase_notices(app, world.lead)
    assert [d.decision for d in decisions] == ["defer", "send"]
    assert len(notes) == 1


# --- back-offs ---------------------------------------------------------------------------------


@pytest.fixture
def busy(app, make):
    """Team Nova: Bea gave far more this week than ever before and than her colleagues;
    Cem had a burst three weeks ago and went quiet since."""
    nova = make.team("Nova")
    lead = make.user("Nova Lead", role="lead", team=nova, leads=[nova], **LONG_AGO)
    bea = make.user("Bea Busy", team=nova, **LONG_AGO)
    cem = make.user("Cem Cooling", team=nova, **LONG_AGO)
    others = [make.user(f"Nova {i}", team=nova, **LONG_AGO) for i in range(4)]
    with app.app_context():
        for day in range(7):
            for k in range(6):
                give(bea.id, others[k % 4].id, day + k / 10)
        for day in range(90, -1, -1):
            if 90 >= day > 31:
                for k in range(3):  # three a day for two months: enough to read a trend
                    give(cem.id, others[(day + k) % 4].id, day + k / 10)
            elif 31 >= day > 21:
                for k in range(10):  # a burst
                    give(cem.id, others[k % 4].id, day + k / 10)
            elif day in (14, 3):
                give(cem.id, others[0].id, day)
        db.session.commit()
    return nova, lead, bea, cem, others


def test_overextended_and_cooling_people_get_a_back_off(app, busy):
    nova, lead, bea, cem, others = busy
    report = scan(app)
    assert report["backoffs"] == 2
    with app.app_context():
        rows = {b.user_id: b for b in db.session.scalars(select(Backoff))}
        flags = {row.scope_id: row.evidence["flags"] for row in db.session.scalars(
            select(FatigueSignal).where(FatigueSignal.scope_type == "person"))}
    assert set(rows) == {bea.id, cem.id}
    assert (rows[bea.id].reason, rows[cem.id].reason) == ("overextended", "cooling")
    with app.app_context():
        today = company_today()
    assert rows[bea.id].starts_on == today
    assert rows[bea.id].until == today + timedelta(days=13)  # backoff_days: 14 days of rest
    assert flags[bea.id] == ["overextended"] and flags[cem.id] == ["cooling"]
    assert flags[others[0].id] == []
    scan(app)  # a back-off is not started twice
    with app.app_context():
        assert db.session.scalar(select(func.count(Backoff.id))) == 2


def test_a_campaign_launch_is_held_for_a_person_in_back_off(app, busy):
    nova, lead, bea, cem, others = busy
    scan(app)
    with app.app_context():
        today = utcnow().date()
        campaign = Campaign(title="Autumn thanks", team_id=nova.id, owner_id=lead.id,
                            starts_on=today, ends_on=today + timedelta(days=13),
                            goal_kind="kudos_count", goal_target=20, status="draft")
        db.session.add(campaign)
        db.session.commit()
        campaigns.launch(db.session.get(User, lead.id), campaign)
        decisions = {d.user_id: d for d in db.session.scalars(select(NudgeDecision).where(
            NudgeDecision.kind == "campaign_launched"))}
        got = {user_id: (d.decision, d.reason) for user_id, d in decisions.items()}
        notified = set(db.session.scalars(select(Notification.user_id).where(
            Notification.kind == "campaign_launched")))
    assert got[bea.id] == ("hold", "backoff")
    assert got[cem.id] == ("hold", "backoff")
    assert lead.id not in got  # the owner is not nudged about their own campaign
    for other in others:
        assert got[other.id][1] in ("ok", "outside_hours")
    assert bea.id not in notified and cem.id not in notified


def test_my_rhythm_is_private_and_tells_about_the_back_off(app, busy):
    nova, lead, bea, cem, others = busy
    scan(app)
    client = signed_in(app, bea)
    page = html.unescape(client.get("/insights/me").get_data(as_text=True))
    assert "My rhythm" in page
    assert "Only you see this." in page
    assert "Kudos keeps quiet until" in page
    assert 'role="img"' in page
    for name in ("Cem Cooling", "Nova 0", "Nova Lead"):
        assert name not in page
    other = signed_in(app, others[0])
    page = html.unescape(other.get("/insights/me").get_data(as_text=True))
    assert "Kudos keeps quiet until" not in page
    settings = other.get("/settings/").get_data(as_text=True)
    assert "/insights/me" in settings


# --- honest uncertainty ------------------------------------------------------------------------


@pytest.fixture
def sparse(app, make):
    """Team Pico: a kudos every few days for months, then silence for ten days."""
    pico = make.team("Pico")
    lead = make.user("Pia Lead", role="lead", team=pico, leads=[pico], **LONG_AGO)
    people = [make.user(f"Pico {i}", team=pico, **LONG_AGO) for i in range(5)]
    with app.app_context():
        for day in range(150, 10, -4):
            give(people[day % 5].id, people[(day + 1) % 5].id, day)
        db.session.commit()
    return pico, lead


def test_too_little_activity_reads_steady_and_says_so(app, sparse):
    pico, lead = sparse
    client = signed_in(app, lead)
    body = fatigue_api(client, f"team:{pico.id}").get_json()
    assert (body["phase"], body["enough_data"]) == ("plateau", False)
    assert 0 <= body["confidence"] < 1
    page = html.unescape(client.get(team_url(pico)).get_data(as_text=True))
    assert "Too little activity to read a trend yet" in page
    assert "confidence" not in page  # no figure of certainty where there is none


def test_no_phase_change_is_announced_on_too_little_activity(app, sparse):
    pico, lead = sparse
    seed_yesterday(app, pico, "euphoria")  # whatever it read before, now: too little
    report = scan(app)
    assert report["changes"] == 0
    assert phase_notices(app, lead) == ([], [])


# --- small groups: the phase, never figures that could point at one person -------------------


def small_and_large(app, make) -> tuple[Team, Team, User, dict[str, User]]:
    """Trio (3 people) and Sextet (6), both led by Lena; in each, everyone but one thanked
    a colleague most days of the last two months, and the one left was never recognised."""
    trio, sextet = make.team("Trio"), make.team("Sextet")
    lead = make.user("Lena Lead", role="lead", leads=[trio, sextet], **LONG_AGO)
    quiet = {"trio": make.user("Tess Trio", team=trio, **LONG_AGO),
             "sextet": make.user("Sam Sextet", team=sextet, **LONG_AGO)}
    with app.app_context():
        for team, size in ((trio, 3), (sextet, 6)):
            busy = [make.user(f"{team.name} {i}", team=team, **LONG_AGO).id
                    for i in range(size - 1)]
            for day in range(60, 0, -1):
                give(busy[day % len(busy)], busy[(day + 1) % len(busy)], day)
        db.session.commit()
    return trio, sextet, lead, quiet


def test_a_team_of_three_shows_its_phase_but_no_figures_that_point_at_someone(app, make):
    trio, _sextet, lead, quiet = small_and_large(app, make)
    client = signed_in(app, lead)
    page = html.unescape(client.get(team_url(trio)).get_data(as_text=True))
    assert re.search(r'<span class="phase-badge phase-\w+">', page)  # the phase stays
    assert "events a working day" in page  # and the team's levels
    assert ("In a team of fewer than 5 people, the details that could point at one person "
            "stay hidden; the phase speaks for the whole team.") in page
    for hidden in ("Breadth:", "Concentration:", "<svg", "Recognition flowing",
                   "Quiet contributors", "Tess Trio"):
        assert hidden not in page
    body = fatigue_api(client, f"team:{trio.id}").get_json()
    assert body["phase"] in ("launch", "euphoria", "plateau", "decline", "dormant", "revival")
    assert body["figures_shown"] is False and body["figures_shown_from"] == 5
    evidence = body["evidence"]
    assert evidence["breadth"] is None and evidence["concentration"] is None
    assert evidence["series"] is None
    assert len(evidence["phases"]) == 90 and evidence["recent_mean"] > 0
    index = html.unescape(client.get("/insights/").get_data(as_text=True))
    trio_line = index[index.index(">Trio<"):index.index("</li>", index.index(">Trio<"))]
    sextet_line = index[index.index(">Sextet<"):index.index("</li>", index.index(">Sextet<"))]
    assert "the phase only: fewer than 5 people" in trio_line
    assert "the phase only" not in sextet_line


def test_a_team_of_six_shows_its_figures_to_its_lead(app, make):
    _trio, sextet, lead, quiet = small_and_large(app, make)
    client = signed_in(app, lead)
    page = html.unescape(client.get(team_url(sextet)).get_data(as_text=True))
    assert "Breadth: 5 of 6 people active recently" in page
    assert "Concentration: the most active fifth carries" in page
    assert 'role="img"' in page and 'class="bar-kudos"' in page
    assert "Recognition flowing (90 days)" in page
    assert "Sam Sextet" in page  # a quiet contributor, for the lead's eyes
    assert "the details that could point at one person" not in page
    body = fatigue_api(client, f"team:{sextet.id}").get_json()
    assert body["figures_shown"] is True
    assert body["evidence"]["breadth"] == {"recent": 5, "usual": 5, "of": 6}
    assert body["evidence"]["concentration"] is not None
    assert len(body["evidence"]["series"]) == 90


def test_a_campaign_with_few_people_taking_part_hides_its_figures_too(app, make):
    trio, _sextet, lead, _quiet = small_and_large(app, make)
    with app.app_context():
        today = utcnow().date()
        campaign = Campaign(title="Small thanks", team_id=trio.id, owner_id=lead.id,
                            starts_on=today - timedelta(days=10), ends_on=today,
                            goal_kind="kudos_count", goal_target=5, status="scheduled")
        db.session.add(campaign)
        db.session.flush()
        trio_kudos = select(Kudos).join(User, User.id == Kudos.giver_id).where(
            User.team_id == trio.id, Kudos.created_at >= utcnow() - timedelta(days=9))
        for kudos in db.session.scalars(trio_kudos):
            kudos.campaign_id = campaign.id
        db.session.commit()
        campaign_id = campaign.id
    body = fatigue_api(signed_in(app, lead), f"campaign:{campaign_id}").get_json()
    assert body["figures_shown"] is False  # two people took part
    assert body["evidence"]["breadth"] is None and body["evidence"]["series"] is None


def test_ones_own_rhythm_always_shows_its_figures(app, make):
    trio, _sextet, _lead, quiet = small_and_large(app, make)
    body = fatigue_api(signed_in(app, quiet["trio"]), "me").get_json()
    assert body["figures_shown"] is True
    assert len(body["evidence"]["series"]) == 90

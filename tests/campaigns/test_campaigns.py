"""Campaigns in the browser's forms: a lead creates and runs one, members take part by tagging,
progress and participation in aggregate only, the closing page, and each refusal."""

import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from kudos.auth.models import User
from kudos.campaigns import jobs, operations
from kudos.campaigns.models import Campaign, CampaignMute
from kudos.extensions import db
from kudos.insights.gate import deliver_deferred
from kudos.insights.models import Backoff, NudgeDecision
from kudos.news.models import NewsItem, Relay
from kudos.notifications.models import Notification
from kudos.recognition.models import Kudos
from kudos.sqltypes import utcnow
from tests.conftest import login


def today():
    return utcnow().date()


def days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


def long_date(n: int) -> str:
    return format_date(today() + timedelta(days=n), "long", locale="en")


def signed_in(app, user):
    """A client of its own for `user`: a person at their own computer."""
    client = app.test_client()
    assert login(client, user).status_code == 303
    return client


def campaign_form(team, **changes) -> dict:
    data = {"title": "Eco-responsible month", "theme": "The green gestures of our office",
            "description": "Cycling in, switching off, mending rather than buying.",
            "kind": "both", "team_id": str(team.id), "starts_on": days(0),
            "ends_on": days(27), "goal_kind": "kudos_count", "goal_target": "10"}
    data.update(changes)
    return data


def create(client, team, **changes) -> int:
    response = client.post("/campaigns/new", data=campaign_form(team, **changes))
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/campaigns/(\d+)$", response.headers["Location"]).group(1))


def launched(client, team, **changes) -> int:
    campaign_id = create(client, team, **changes)
    assert client.post(f"/campaigns/{campaign_id}/launch").status_code == 303
    return campaign_id


def thank(client, recipient, campaign_id, message="Thank you for organising the bike day!"):
    """Give a kudos through the form; `campaign_id` None leaves the campaign out."""
    data = {"kind": "kudos", "recipient_ids": [str(recipient.id)], "message": message,
            "visibility": "company", "idempotency_key": uuid.uuid4().hex}
    if campaign_id is not None:
        data["campaign_id"] = str(campaign_id)
    return client.post("/kudos", data=data)


def stored(app, campaign_id) -> Campaign | None:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is not None:
            db.session.expunge(campaign)
        return campaign


def campaign_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Campaign.id)))


def launch_notices(app) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "campaign_launched")))


def text(response) -> str:
    return response.get_data(as_text=True)


# Launch notices pass the nudge gate (working hours among others): these people are always
# at work, so that what the tests see does not depend on the hour they run at.
ALWAYS_AT_WORK = {"working_days": "1,2,3,4,5,6,7", "work_start_minute": 0,
                  "work_end_minute": 24 * 60}


@pytest.fixture
def office(make):
    """A team of five active people (the lead among them), one former colleague, and a
    neighbouring team; all always at work."""
    team = make.team("Lyon office")
    other = make.team("Paris office")

    def person(name, email, **fields):
        return make.user(name, email=f"{email}@example.com", **ALWAYS_AT_WORK, **fields)

    people = {
        "lead": person("Léa Lead", "lea", role="lead", team=team, leads=[team]),
        "awa": person("Awa Diallo", "awa", team=team),
        "bruno": person("Bruno Costa", "bruno", team=team),
        "chloe": person("Chloé Martin", "chloe", team=team),
        "quentin": person("Quentin Quiet", "quentin", team=team),
        "gone": person("Gaston Gone", "gaston", team=team, active=False),
        "neighbour": person("Nina Neighbour", "nina", team=other),
        "other_lead": person("Omar Other", "omar", role="lead", team=other, leads=[other]),
    }
    return team, other, people


# --- creating and launching -------------------------------------------------------------------

def test_lead_creates_a_campaign_for_their_team_as_a_draft(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    assert lead.get("/campaigns/new").status_code == 200
    campaign_id = create(lead, team)
    campaign = stored(app, campaign_id)
    assert campaign.status == "draft" and campaign.team_id == team.id
    assert campaign.owner_id == people["lead"].id and campaign.goal_target == 10
    page = lead.get(f"/campaigns/{campaign_id}")
    assert "Eco-responsible month" in text(page) and "Draft" in text(page)
    assert launch_notices(app) == []  # a draft tells nobody


def test_launch_starting_today_is_active_and_tells_each_member_once(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = create(lead, team)
    response = lead.post(f"/campaigns/{campaign_id}/launch", follow_redirects=True)
    assert "Launched. 4 colleagues were told now." in text(response)
    assert "Running" in text(response)
    campaign = stored(app, campaign_id)
    assert campaign.status == "scheduled" and campaign.launched_at is not None
    with app.app_context():
        assert operations.status_of(db.session.get(Campaign, campaign_id)) == "active"
    members = sorted(people[k].id for k in ("awa", "bruno", "chloe", "quentin"))
    assert launch_notices(app) == members  # not the lead, not the former colleague, not Paris
    with app.app_context():
        assert jobs.announce_launch(campaign_id) == 0  # the job runs again: nothing new
    assert launch_notices(app) == members


def test_the_lead_reads_how_many_were_told_at_launch_and_why_not_the_others(app, office, make):
    """Counts, never names: told now, told at the start of their working day, resting (a
    back-off), told something else within the interval, muted."""
    team, _other, people = office
    now = utcnow()
    with app.app_context():
        today_local = now.astimezone(ZoneInfo("Europe/Paris")).isoweekday()
        away = make.user("Olivia Offday", team=team, working_days=",".join(
            str(d) for d in range(1, 8) if d != today_local))
        db.session.add(Backoff(user_id=people["bruno"].id, reason="overextended",
                               starts_on=now.date(), until=now.date() + timedelta(days=5)))
        db.session.add(NudgeDecision(user_id=people["chloe"].id, kind="phase_changed",
                                     decided_at=now - timedelta(days=2), decision="send",
                                     reason="ok", payload={"key": "earlier"}, done_at=now))
        db.session.commit()
    lead = signed_in(app, people["lead"])
    campaign_id = create(lead, team)
    with app.app_context():
        db.session.add(CampaignMute(user_id=people["quentin"].id, campaign_id=campaign_id))
        db.session.commit()
    response = lead.post(f"/campaigns/{campaign_id}/launch", follow_redirects=True)
    summary = ("1 colleague was told now, 1 will be told at the start of their working day, "
               "1 is resting and will not be told, 1 had another notice recently and will not "
               "be told, 1 muted this campaign and will not be told.")
    assert f"Launched. {summary}" in text(response)
    assert launch_notices(app) == [people["awa"].id]

    page = text(lead.get(f"/campaigns/{campaign_id}"))
    assert "The launch notice" in page
    assert ("1 colleague was told at launch, 1 will be told at the start of their working day, "
            "1 is resting and will not be told") in page
    section = page[page.index("The launch notice"):]
    for person in ("Awa", "Bruno", "Chlo", "Quentin", "Olivia"):
        assert person not in section  # counts only

    # Her working day comes: the page now says she was told then.
    with app.app_context():
        moment = db.session.scalar(select(NudgeDecision.deliver_at).where(
            NudgeDecision.user_id == away.id, NudgeDecision.decision == "defer"))
        assert deliver_deferred(now=moment) == 1
    page = text(lead.get(f"/campaigns/{campaign_id}"))
    assert ("1 colleague was told at launch, 1 was told at the start of their working day, "
            "1 is resting") in page
    # A member sees no such summary.
    assert "The launch notice" not in text(signed_in(app, people["awa"]).get(
        f"/campaigns/{campaign_id}"))


def test_the_launch_notice_in_french_has_its_plural_forms(app, office):
    team, _other, people = office
    with app.app_context():
        db.session.get(User, people["lead"].id).locale = "fr"
        db.session.commit()
    lead = signed_in(app, people["lead"])
    campaign_id = create(lead, team)
    response = lead.post(f"/campaigns/{campaign_id}/launch", follow_redirects=True)
    assert "Lancée. 4 collègues ont été prévenu·es maintenant." in text(response)


def test_a_campaign_with_nobody_else_in_its_team_says_so(app, make):
    team = make.team("Solo")
    lead = make.user("Sol Lead", role="lead", team=team, leads=[team], **ALWAYS_AT_WORK)
    client = signed_in(app, lead)
    campaign_id = create(client, team)
    response = client.post(f"/campaigns/{campaign_id}/launch", follow_redirects=True)
    assert ("Launched. Nobody else is in this campaign&#39;s team yet, so nobody was told."
            in text(response))


def test_launch_of_a_later_campaign_is_scheduled(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team, starts_on=days(3), ends_on=days(20))
    page = text(lead.get(f"/campaigns/{campaign_id}"))
    assert "Coming up" in page
    assert "Thank a colleague for it" not in page  # nothing to tag before it starts


def test_a_muted_member_is_not_told_of_the_launch(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = create(lead, team)
    with app.app_context():
        db.session.add(CampaignMute(user_id=people["awa"].id, campaign_id=campaign_id))
        db.session.commit()
    lead.post(f"/campaigns/{campaign_id}/launch")
    assert people["awa"].id not in launch_notices(app)
    assert len(launch_notices(app)) == 3


def test_launching_twice_is_refused_with_a_message(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    response = lead.post(f"/campaigns/{campaign_id}/launch", follow_redirects=True)
    assert "This campaign is already launched." in text(response)
    assert len(launch_notices(app)) == 4


# --- taking part and progress -------------------------------------------------------------------

def test_a_tagged_kudos_moves_the_progress_on_the_campaign_page(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    assert "<strong>0</strong> / 10" in text(lead.get(f"/campaigns/{campaign_id}"))

    awa = signed_in(app, people["awa"])
    give_page = text(awa.get(f"/kudos/new?campaign={campaign_id}"))
    assert "Part of a campaign (optional)" in give_page
    assert thank(awa, people["bruno"], campaign_id).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Kudos.campaign_id)) == campaign_id
    assert "<strong>1</strong> / 10" in text(lead.get(f"/campaigns/{campaign_id}"))

    bruno = signed_in(app, people["bruno"])
    assert thank(bruno, people["awa"], campaign_id, "Thank you for the compost!").status_code \
        == 303
    page = text(lead.get(f"/campaigns/{campaign_id}"))
    assert "<strong>2</strong> / 10" in page
    assert 'value="2" max="10"' in page


def test_an_untagged_kudos_does_not_count(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    awa = signed_in(app, people["awa"])
    assert thank(awa, people["bruno"], None).status_code == 303
    assert thank(awa, people["chloe"], 0).status_code == 303  # "No campaign" in the form
    assert "<strong>0</strong> / 10" in text(lead.get(f"/campaigns/{campaign_id}"))


def test_reaching_the_goal_is_celebrated_together(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team, goal_target="1")
    thank(signed_in(app, people["awa"]), people["bruno"], campaign_id)
    page = text(lead.get(f"/campaigns/{campaign_id}"))
    assert "<strong>1</strong> / 1" in page
    assert "Goal reached, together." in page


def test_a_relay_tagged_with_the_campaign_counts_for_a_relays_goal(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team, kind="relay", goal_kind="relays", goal_target="5")
    with app.app_context():
        item = NewsItem(title="Our new rail-only season", summary="Trains all the way.",
                        url="https://example.com/rail", status="published",
                        published_at=utcnow())
        db.session.add(item)
        db.session.commit()
        news_id = item.id
    chloe = signed_in(app, people["chloe"])
    response = chloe.post(f"/news/{news_id}/relays", data={
        "channel": "internal", "comment": "Trains!", "campaign_id": str(campaign_id)})
    assert response.status_code == 200, text(response)
    with app.app_context():
        assert db.session.scalar(select(Relay.campaign_id)) == campaign_id
    page = text(lead.get(f"/campaigns/{campaign_id}"))
    assert "<strong>1</strong> / 5 news relayed" in page
    assert "Our new rail-only season" in page  # among the news relayed


def test_a_member_cannot_tag_a_paused_campaign(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    lead.post(f"/campaigns/{campaign_id}/pause")
    response = thank(signed_in(app, people["awa"]), people["bruno"], campaign_id)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Kudos.id))) == 0


def test_another_team_cannot_tag_the_campaign(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    response = thank(signed_in(app, people["neighbour"]), people["awa"], campaign_id)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Kudos.id))) == 0


# --- participation, in aggregate only ----------------------------------------------------------

def test_participation_says_fewer_than_five_until_five_people_took_part(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    thank(signed_in(app, people["awa"]), people["bruno"], campaign_id)
    thank(signed_in(app, people["bruno"]), people["awa"], campaign_id)
    # five active people: Léa, Awa, Bruno, Chloé and Quentin (Gaston has left); two took part
    page = text(lead.get(f"/campaigns/{campaign_id}"))
    assert "Fewer than 5 colleagues took part so far." in page
    assert "of 5 colleagues took part" not in page


def test_participation_is_shown_in_aggregate_once_five_took_part(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    for giver, recipient in (("awa", "bruno"), ("bruno", "awa"), ("chloe", "awa"),
                             ("quentin", "chloe"), ("lead", "quentin")):
        thank(signed_in(app, people[giver]), people[recipient], campaign_id)
    assert "5 of 5 colleagues took part." in text(lead.get(f"/campaigns/{campaign_id}"))
    assert "5 of 5 colleagues took part." in text(
        signed_in(app, people["chloe"]).get(f"/campaigns/{campaign_id}"))


def test_participation_is_hidden_for_a_team_of_four(app, make):
    team = make.team("Small team")
    lead = make.user("Léa Lead", role="lead", team=team, leads=[team])
    awa = make.user("Awa Diallo", team=team)
    bruno = make.user("Bruno Costa", team=team)
    make.user("Chloé Martin", team=team)
    lead_client = signed_in(app, lead)
    campaign_id = launched(lead_client, team)
    thank(signed_in(app, awa), bruno, campaign_id)
    page = text(lead_client.get(f"/campaigns/{campaign_id}"))
    assert "of 4 colleagues took part" not in page
    assert "Fewer than 5 colleagues took part so far." in page
    assert "Participation is shown from 5 people up" in page
    assert "<strong>1</strong> / 10" in page  # the collective progress still shows


def test_no_page_names_the_colleagues_who_did_not_take_part(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    awa = signed_in(app, people["awa"])
    # a highlight, so the campaign page shows a card with the people in it
    response = awa.post("/kudos", data={
        "kind": "highlight", "recipient_ids": [str(people["bruno"].id)],
        "message": "Thank you!", "work_title": "The bike shed", "campaign_id": str(campaign_id),
        "visibility": "company", "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 303, text(response)
    silent = ("Chloé Martin", "Chloé", "Quentin Quiet", "Quentin", "Gaston")
    pages = [lead.get(f"/campaigns/{campaign_id}"), awa.get(f"/campaigns/{campaign_id}"),
             lead.get("/campaigns/"), lead.get(f"/api/v1/campaigns/{campaign_id}/health"),
             lead.get("/api/v1/campaigns")]
    lead.post(f"/campaigns/{campaign_id}/end")
    pages += [lead.get(f"/campaigns/{campaign_id}"), awa.get(f"/campaigns/{campaign_id}")]
    for response in pages:
        assert response.status_code == 200
        body = text(response)
        for name in silent:
            assert name not in body, (response.request.path, name)
    assert "Bruno Costa" in text(pages[0])  # the highlight is there, with its people


# --- the chart -----------------------------------------------------------------------------------

def test_the_activity_chart_is_an_accessible_svg_with_a_table(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    thank(signed_in(app, people["awa"]), people["bruno"], campaign_id)
    page = text(lead.get(f"/campaigns/{campaign_id}"))
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">Activity per day</title>' in svg
    assert '<desc id="chart-desc">' in svg and "the busiest day had 1" in svg
    assert 'class="bar-kudos"' in svg
    assert "<script" not in svg
    table = re.search(r"<table.*?</table>", page, re.S).group(0)
    assert "The same, as a table" in page
    assert re.search(r"<tr><td>[^<]+</td><td>1</td><td>0</td></tr>", table)


# --- pausing, resuming, ending early, the closing page ------------------------------------------

def test_pause_resume_and_end_early(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)

    page = text(lead.post(f"/campaigns/{campaign_id}/pause", follow_redirects=True))
    assert "Paused. Take the time you need." in page
    assert stored(app, campaign_id).status == "paused"
    assert "Resume" in page

    page = text(lead.post(f"/campaigns/{campaign_id}/pause", follow_redirects=True))
    assert "Only a running campaign can be paused." in page

    page = text(lead.post(f"/campaigns/{campaign_id}/resume", follow_redirects=True))
    assert "Resumed." in page and "Running" in page
    assert stored(app, campaign_id).status == "scheduled"

    page = text(lead.post(f"/campaigns/{campaign_id}/end", follow_redirects=True))
    assert "Ended. Time to look at what you achieved together." in page
    assert "what we achieved together" in page
    campaign = stored(app, campaign_id)
    assert campaign.status == "ended" and campaign.ended_early_on == today()

    page = text(lead.post(f"/campaigns/{campaign_id}/resume", follow_redirects=True))
    assert "This campaign is not paused." in page
    assert stored(app, campaign_id).status == "ended"


def test_a_member_cannot_run_the_campaign(app, office):
    team, _other, people = office
    campaign_id = launched(signed_in(app, people["lead"]), team)
    awa = signed_in(app, people["awa"])
    for action in ("pause", "end"):
        assert awa.post(f"/campaigns/{campaign_id}/{action}").status_code == 403
    assert "Run it" not in text(awa.get(f"/campaigns/{campaign_id}"))
    assert stored(app, campaign_id).status == "scheduled"


def test_another_lead_cannot_run_the_campaign(app, office):
    team, _other, people = office
    campaign_id = launched(signed_in(app, people["lead"]), team)
    omar = signed_in(app, people["other_lead"])
    assert omar.post(f"/campaigns/{campaign_id}/end").status_code == 404  # not in their scope
    assert stored(app, campaign_id).status == "scheduled"


def test_the_closing_page_and_a_thank_you_on_the_wall(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    awa = signed_in(app, people["awa"])
    thank(awa, people["bruno"], campaign_id)
    lead.post(f"/campaigns/{campaign_id}/end")

    closing = text(awa.get(f"/campaigns/{campaign_id}"))
    assert "what we achieved together" in closing
    assert "<strong>1</strong> / 10" in closing
    assert "Say thank you" not in closing  # for the lead only

    page = text(lead.get(f"/campaigns/{campaign_id}"))
    assert "Say thank you" in page
    thanks = "Thank you all: 1 kudos for green gestures, and a greener office."
    response = lead.post(f"/campaigns/{campaign_id}/thank-you", data={"thank_you": thanks},
                         follow_redirects=True)
    assert "Your thank-you is on the campaign page and at the top of the wall." in text(
        response)
    assert "A thank-you from Léa Lead" in text(awa.get(f"/campaigns/{campaign_id}"))
    strip = text(awa.get("/news/relayed"))
    assert thanks in strip and "Eco-responsible month" in strip
    # Another team does not see it on its wall.
    assert thanks not in text(signed_in(app, people["neighbour"]).get("/news/relayed"))


def test_an_empty_thank_you_is_refused(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    lead.post(f"/campaigns/{campaign_id}/end")
    response = lead.post(f"/campaigns/{campaign_id}/thank-you", data={"thank_you": "  "},
                         follow_redirects=True)
    assert "Please write a thank-you of 1 to 1,000 characters." in text(response)
    assert stored(app, campaign_id).thank_you is None


def test_a_thank_you_waits_for_the_end(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    response = lead.post(f"/campaigns/{campaign_id}/thank-you", data={"thank_you": "Bravo"},
                         follow_redirects=True)
    assert "The thank-you is for the end of the campaign." in text(response)
    assert stored(app, campaign_id).thank_you is None


def test_editing_an_ended_campaign_is_refused_and_nothing_changes(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = launched(lead, team)
    lead.post(f"/campaigns/{campaign_id}/end")
    response = lead.post(f"/campaigns/{campaign_id}/edit",
                         data=campaign_form(team, title="Rewritten history"))
    assert response.status_code == 422
    assert "This campaign has ended; it stays as it was." in text(response)
    assert stored(app, campaign_id).title == "Eco-responsible month"


def test_editing_a_draft_saves_it(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = create(lead, team)
    response = lead.post(f"/campaigns/{campaign_id}/edit",
                         data=campaign_form(team, title="Eco-responsible spring"))
    assert response.status_code == 303
    assert stored(app, campaign_id).title == "Eco-responsible spring"


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_on": days(5), "ends_on": days(4)}, "The end comes after the start."),
        ({"starts_on": days(-1)}, "A new campaign starts today or later."),
        ({"goal_target": "0"}, "The goal needs a target above zero."),
        ({"goal_target": "-3"}, "The goal needs a target above zero."),
        ({"goal_kind": "leaderboard"}, "Please choose a collective goal from the list."),
        ({"title": "   "}, "Please give the campaign a title."),
        ({"ends_on": days(56)}, "A campaign lasts at most 56 days"),
    ],
    ids=["end-before-start", "past-start", "zero-target", "negative-target", "unknown-goal",
         "no-title", "too-long"],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(app, office, changes,
                                                                  message):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    response = lead.post("/campaigns/new", data=campaign_form(team, **changes))
    assert response.status_code == 422
    assert message in text(response)
    if "title" not in changes:
        assert 'value="Eco-responsible month"' in text(response)  # what was typed is kept
    assert campaign_count(app) == 0


def test_a_lead_cannot_create_for_a_team_they_do_not_lead(app, office):
    team, other, people = office
    lead = signed_in(app, people["lead"])
    assert lead.post("/campaigns/new", data=campaign_form(other)).status_code == 403
    assert campaign_count(app) == 0


def test_a_lead_cannot_create_a_company_wide_campaign(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    assert lead.post("/campaigns/new", data=campaign_form(team, team_id="0")).status_code \
        == 403
    assert campaign_count(app) == 0


def test_a_member_cannot_open_or_post_the_campaign_form(app, office):
    team, _other, people = office
    awa = signed_in(app, people["awa"])
    assert awa.get("/campaigns/new").status_code == 403
    assert awa.post("/campaigns/new", data=campaign_form(team)).status_code == 403
    assert campaign_count(app) == 0
    assert "Start a campaign" not in text(awa.get("/campaigns/"))


# --- the attention budget -------------------------------------------------------------------

def test_a_third_campaign_at_once_is_refused_naming_the_rule_and_the_first_date(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    launched(lead, team, title="First", starts_on=days(0), ends_on=days(20))
    launched(lead, team, title="Second", starts_on=days(5), ends_on=days(30))
    response = lead.post("/campaigns/new", data=campaign_form(
        team, title="Third", starts_on=days(10), ends_on=days(15)))
    assert response.status_code == 422
    body = text(response)
    assert "This team already has 2 campaigns running then." in body
    # the day after the two ends would leave no rest: after the second one's rest
    assert f"The first start date that fits is {long_date(45)}." in body
    assert campaign_count(app) == 2


def test_a_campaign_too_soon_after_the_last_is_refused_naming_the_rest(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    first = launched(lead, team, title="First")
    lead.post(f"/campaigns/{first}/end")  # ends today
    response = lead.post("/campaigns/new", data=campaign_form(
        team, title="Next", starts_on=days(14), ends_on=days(20)))
    assert response.status_code == 422
    body = text(response)
    assert "A team rests at least 14 days between two campaigns." in body
    assert f"The first start date that fits is {long_date(15)}." in body
    assert create(lead, team, title="Next", starts_on=days(15), ends_on=days(20))


def test_drafts_do_not_use_up_the_budget(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    for title in ("One", "Two", "Three"):
        create(lead, team, title=title)
    assert campaign_count(app) == 3


def test_launching_a_draft_that_no_longer_fits_is_refused(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    drafts = [create(lead, team, title=t) for t in ("One", "Two", "Three")]
    for campaign_id in drafts[:2]:
        lead.post(f"/campaigns/{campaign_id}/launch")
    page = text(lead.post(f"/campaigns/{drafts[2]}/launch", follow_redirects=True))
    assert "This team already has 2 campaigns running then." in page
    assert stored(app, drafts[2]).status == "draft"


# --- muting --------------------------------------------------------------------------------------

def test_a_member_mutes_and_unmutes_a_campaign(app, office):
    team, _other, people = office
    campaign_id = launched(signed_in(app, people["lead"]), team)
    awa = signed_in(app, people["awa"])
    assert "Mute this campaign" in text(awa.get(f"/campaigns/{campaign_id}"))

    response = awa.post(f"/campaigns/{campaign_id}/mute", data={"mute": "1"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(CampaignMute, (people["awa"].id, campaign_id)) is not None
    assert "Hear about this campaign again" in text(awa.get(f"/campaigns/{campaign_id}"))

    awa.post(f"/campaigns/{campaign_id}/mute", data={"mute": "1"})  # twice: still one row
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CampaignMute)) == 1

    awa.post(f"/campaigns/{campaign_id}/mute", data={"mute": "0"})
    with app.app_context():
        assert db.session.get(CampaignMute, (people["awa"].id, campaign_id)) is None
    assert "Mute this campaign" in text(awa.get(f"/campaigns/{campaign_id}"))


# --- who sees what ------------------------------------------------------------------------------

def test_members_do_not_see_other_teams_campaigns(app, office):
    team, _other, people = office
    campaign_id = launched(signed_in(app, people["lead"]), team)
    nina = signed_in(app, people["neighbour"])
    assert nina.get(f"/campaigns/{campaign_id}").status_code == 404
    assert nina.post(f"/campaigns/{campaign_id}/mute", data={"mute": "1"}).status_code == 404
    assert "Eco-responsible month" not in text(nina.get("/campaigns/"))
    awa = signed_in(app, people["awa"])
    assert "Eco-responsible month" in text(awa.get("/campaigns/"))
    assert awa.get(f"/campaigns/{campaign_id}").status_code == 200


def test_members_do_not_see_their_own_teams_drafts(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    campaign_id = create(lead, team, title="Secret plan")
    awa = signed_in(app, people["awa"])
    assert awa.get(f"/campaigns/{campaign_id}").status_code == 404
    assert "Secret plan" not in text(awa.get("/campaigns/"))
    assert "Secret plan" in text(lead.get("/campaigns/"))


def test_an_admin_creates_a_company_wide_campaign_everyone_sees(app, office, make):
    _team, _other, people = office
    admin = make.user("Claire Admin", role="admin", email="claire@example.com",
                      **ALWAYS_AT_WORK)
    claire = signed_in(app, admin)
    campaign_id = launched(claire, _team, team_id="0", title="Company spring")
    assert stored(app, campaign_id).team_id is None
    for key in ("awa", "neighbour"):
        assert "Company spring" in text(signed_in(app, people[key]).get("/campaigns/"))
    with app.app_context():
        everyone = db.session.scalar(select(func.count(User.id)).where(
            User.active.is_(True), User.id != admin.id))
    assert len(launch_notices(app)) == everyone


def test_a_campaign_called_off_before_it_began_owes_no_rest(app, office):
    team, _other, people = office
    lead = signed_in(app, people["lead"])
    called_off = launched(lead, team, title="Too soon", starts_on=days(5), ends_on=days(20))
    page = text(lead.post(f"/campaigns/{called_off}/end", follow_redirects=True))
    assert "what we achieved together" in page  # its closing page still renders
    assert create(lead, team, title="Better timing", starts_on=days(1), ends_on=days(10))

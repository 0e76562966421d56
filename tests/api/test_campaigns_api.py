"""API v1: campaigns, listed by scope and page, created by leads with collective goals only
(carrots are refused with the reason), and their health in aggregate."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kudos.api.operations import create_token
from kudos.api.pagination import encode_cursor
from kudos.auth.models import User
from kudos.campaigns.models import Campaign
from kudos.extensions import db
from kudos.recognition import operations as recognition
from kudos.sqltypes import utcnow
from tests.conftest import login


def days(n: int) -> str:
    return (utcnow().date() + timedelta(days=n)).isoformat()


def caller(app, user):
    """A client with a personal token, as a script would call."""
    with app.app_context():
        _token, secret = create_token(db.session.get(User, user.id), "campaign script")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def body(team, **changes) -> dict:
    data = {"title": "Eco-responsible month", "theme": "Green gestures at the office",
            "scope_team_id": team.id, "starts_on": days(0), "ends_on": days(27),
            "goal_kind": "kudos_count", "goal_target": 10}
    data.update(changes)
    return data


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error["field"] == field
    return error


def campaign_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Campaign.id)))


def thank(app, giver, recipient, campaign_id) -> None:
    with app.app_context():
        recognition.give(db.session.get(User, giver.id), recognition.Draft(
            recipient_ids=[recipient.id], message="Thank you for the bike repair workshop!",
            campaign_id=campaign_id))


@pytest.fixture
def office(make):
    team = make.team("Lyon office")
    other = make.team("Paris office")
    people = {
        "lead": make.user("Léa Lead", role="lead", team=team, leads=[team]),
        "awa": make.user("Awa Diallo", team=team),
        "bruno": make.user("Bruno Costa", team=team),
        "chloe": make.user("Chloé Martin", team=team),
        "quentin": make.user("Quentin Quiet", team=team),
        "nina": make.user("Nina Neighbour", team=other),
        "omar": make.user("Omar Other", role="lead", team=other, leads=[other]),
    }
    return team, other, people


# --- creating ---------------------------------------------------------------------------------

def test_a_lead_creates_a_draft(app, office):
    team, _other, people = office
    response = caller(app, people["lead"]).post("/api/v1/campaigns", json=body(team))
    assert response.status_code == 201
    created = response.get_json()
    assert created["status"] == "draft"
    assert {k: created[k] for k in ("title", "theme", "scope_team_id", "starts_on", "ends_on",
                                    "goal_kind", "goal_target")} == body(team)
    assert isinstance(created["id"], int)
    with app.app_context():
        assert db.session.get(Campaign, created["id"]).owner_id == people["lead"].id


def test_a_lead_creates_and_launches_in_one_call(app, office):
    team, _other, people = office
    lead = caller(app, people["lead"])
    response = lead.post("/api/v1/campaigns", json={**body(team), "launch": True})
    assert response.status_code == 201
    assert response.get_json()["status"] == "active"  # it starts today
    later = lead.post("/api/v1/campaigns", json={**body(team, title="Later", starts_on=days(5)),
                                                 "launch": True})
    assert later.get_json()["status"] == "scheduled"


def test_a_session_call_works_as_well(app, office):
    team, _other, people = office
    client = app.test_client()
    login(client, people["lead"])
    assert client.post("/api/v1/campaigns", json=body(team)).status_code == 201


def test_a_member_cannot_create_a_campaign(app, office):
    team, _other, people = office
    response = caller(app, people["awa"]).post("/api/v1/campaigns", json=body(team))
    assert_error(response, 403, "forbidden")
    assert campaign_count(app) == 0


def test_a_lead_cannot_create_for_a_team_they_do_not_lead(app, office):
    _team, other, people = office
    response = caller(app, people["lead"]).post("/api/v1/campaigns", json=body(other))
    assert_error(response, 403, "forbidden")
    assert campaign_count(app) == 0


def test_a_lead_cannot_create_a_company_wide_campaign(app, office):
    team, _other, people = office
    response = caller(app, people["lead"]).post("/api/v1/campaigns",
                                                json=body(team, scope_team_id=None))
    assert_error(response, 403, "forbidden")
    assert campaign_count(app) == 0


@pytest.mark.parametrize(
    ("carrot", "value"),
    [
        ("per_person_goal", 3),
        ("quota", 5),
        ("prize", "A weekend in Lisbon"),
        ("points", 100),
        ("ranking", True),
        ("leaderboard", {"top": 3}),
    ],
)
def test_a_carrot_is_refused_with_the_principle_and_its_documentation(app, office, carrot,
                                                                      value):
    team, _other, people = office
    response = caller(app, people["lead"]).post("/api/v1/campaigns",
                                                json={**body(team), carrot: value})
    error = assert_error(response, 422, "no_carrot", field=carrot)
    assert "recognition is its own reward" in error["message"]
    assert "goals are collective" in error["message"]
    assert "no-carrot" in error["message"]
    assert error["documentation"].startswith("http")
    assert error["documentation"].endswith("/principles#no-carrot")
    assert campaign_count(app) == 0


def test_the_documentation_link_opens_the_principle(app, office):
    team, _other, people = office
    lead = caller(app, people["lead"])
    error = lead.post("/api/v1/campaigns", json={**body(team), "prize": 1}).get_json()["error"]
    page = app.test_client().get(error["documentation"].split("#")[0].replace(
        "http://localhost", ""))
    assert page.status_code == 200
    assert 'id="no-carrot"' in page.get_data(as_text=True)


def test_a_carrot_is_refused_even_with_launch(app, office):
    team, _other, people = office
    response = caller(app, people["lead"]).post(
        "/api/v1/campaigns", json={**body(team), "launch": True, "points": 1})
    assert_error(response, 422, "no_carrot")
    assert campaign_count(app) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_on": "next monday"}, "starts_on"),
        ({"ends_on": "2027-02-30"}, "ends_on"),
        ({"starts_on": 20270301}, "starts_on"),
        ({"starts_on": None}, "starts_on"),
        ({"starts_on": days(5), "ends_on": days(4)}, "ends_on"),
        ({"starts_on": days(-1)}, "starts_on"),
        ({"ends_on": days(56)}, "ends_on"),  # 57 days
        ({"goal_target": 0}, "goal_target"),
        ({"goal_target": -1}, "goal_target"),
        ({"goal_target": "10"}, "goal_target"),
        ({"goal_kind": "ranking"}, "goal_kind"),
        ({"goal_kind": "everyone_gives_five"}, "goal_kind"),
        ({"title": ""}, "title"),
    ],
    ids=["words", "no-such-day", "number", "missing-start", "end-before-start", "past-start",
         "too-long", "zero-target", "negative-target", "text-target", "ranking-goal",
         "unknown-goal", "no-title"],
)
def test_bad_input_is_a_validation_error_naming_the_field(app, office, changes, field):
    team, _other, people = office
    response = caller(app, people["lead"]).post("/api/v1/campaigns", json=body(team, **changes))
    assert_error(response, 422, "validation_error", field=field)
    assert campaign_count(app) == 0


def test_a_body_that_is_not_an_object_is_refused(app, office):
    _team, _other, people = office
    response = caller(app, people["lead"]).post("/api/v1/campaigns", json=["a", "list"])
    assert_error(response, 422, "validation_error", field="body")


def test_the_attention_budget_is_refused_with_the_rule_and_the_date(app, office):
    team, _other, people = office
    lead = caller(app, people["lead"])
    for title, start, end in (("One", 0, 20), ("Two", 5, 30)):
        response = lead.post("/api/v1/campaigns", json={
            **body(team, title=title, starts_on=days(start), ends_on=days(end)),
            "launch": True})
        assert response.status_code == 201
    response = lead.post("/api/v1/campaigns", json=body(team, title="Three",
                                                       starts_on=days(10), ends_on=days(15)))
    error = assert_error(response, 422, "validation_error", field="starts_on")
    assert "already has 2 campaigns running then" in error["message"]
    assert "The first start date that fits is" in error["message"]
    assert campaign_count(app) == 2


# --- listing --------------------------------------------------------------------------------

def make_campaigns(app, office) -> dict[str, int]:
    """Lyon: a running one, a draft; Paris: a running one; the company: none."""
    team, other, people = office
    lyon, paris = caller(app, people["lead"]), caller(app, people["omar"])
    ids = {}
    ids["lyon"] = lyon.post("/api/v1/campaigns",
                            json={**body(team, title="Lyon green"), "launch": True}
                            ).get_json()["id"]
    ids["lyon_draft"] = lyon.post("/api/v1/campaigns", json=body(
        team, title="Lyon secret draft", starts_on=days(1), ends_on=days(10))).get_json()["id"]
    ids["paris"] = paris.post("/api/v1/campaigns",
                              json={**body(other, title="Paris relay"), "launch": True}
                              ).get_json()["id"]
    return ids


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [c["title"] for c in response.get_json()["items"]]


def test_the_list_shows_each_person_their_scope(app, office):
    _team, _other, people = office
    make_campaigns(app, office)
    assert titles(caller(app, people["awa"]).get("/api/v1/campaigns")) == ["Lyon green"]
    assert titles(caller(app, people["nina"]).get("/api/v1/campaigns")) == ["Paris relay"]
    assert titles(caller(app, people["lead"]).get("/api/v1/campaigns")) == [
        "Lyon secret draft", "Lyon green"]  # newest first; the draft for its lead


def test_an_admin_sees_every_campaign(app, office, admin):
    make_campaigns(app, office)
    assert len(titles(caller(app, admin).get("/api/v1/campaigns"))) == 3


def test_the_list_walks_every_campaign_once_by_cursor(app, office, admin):
    ids = make_campaigns(app, office)
    client = caller(app, admin)
    first = client.get("/api/v1/campaigns?limit=2").get_json()
    assert [c["id"] for c in first["items"]] == [ids["paris"], ids["lyon_draft"]]
    assert first["next_cursor"]
    second = client.get(f"/api/v1/campaigns?limit=2&cursor={first['next_cursor']}").get_json()
    assert [c["id"] for c in second["items"]] == [ids["lyon"]]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["not-a-cursor", encode_cursor(["x"]), encode_cursor([1, 2])])
def test_a_bad_cursor_is_a_validation_error(app, office, cursor):
    _team, _other, people = office
    response = caller(app, people["awa"]).get(f"/api/v1/campaigns?cursor={cursor}")
    assert_error(response, 422, "validation_error", field="cursor")


def test_the_list_needs_a_caller(app):
    assert_error(app.test_client().get("/api/v1/campaigns"), 401, "unauthenticated")


# --- health -----------------------------------------------------------------------------------

def test_health_gives_progress_participation_and_the_series(app, office):
    team, _other, people = office
    ids = make_campaigns(app, office)
    thank(app, people["awa"], people["bruno"], ids["lyon"])
    thank(app, people["bruno"], people["awa"], ids["lyon"])
    response = caller(app, people["chloe"]).get(f"/api/v1/campaigns/{ids['lyon']}/health")
    assert response.status_code == 200
    health = response.get_json()
    assert health["id"] == ids["lyon"] and health["status"] == "active"
    assert health["progress"] == {"value": 2, "target": 10, "percent": 20, "reached": False}
    # Two of five took part: fewer than the smallest group shown, so no figure.
    assert health["participation"] is None and health["participation_shown_from"] == 5
    assert health["phase"] is None  # until the anti-fatigue engine
    assert health["series"] == [{"day": days(0), "kudos": 2, "relays": 0}]


def test_health_gives_participation_once_five_people_took_part(app, office):
    _team, _other, people = office
    ids = make_campaigns(app, office)
    for giver, recipient in (("awa", "bruno"), ("bruno", "awa"), ("chloe", "awa"),
                             ("quentin", "chloe"), ("lead", "quentin")):
        thank(app, people[giver], people[recipient], ids["lyon"])
    health = caller(app, people["chloe"]).get(f"/api/v1/campaigns/{ids['lyon']}/health")
    assert health.get_json()["participation"] == {"took_part": 5, "of": 5}  # never names


def test_health_hides_participation_below_five_people(app, make):
    team = make.team("Small team")
    lead = make.user("Léa Lead", role="lead", team=team, leads=[team])
    awa = make.user("Awa Diallo", team=team)
    bruno = make.user("Bruno Costa", team=team)
    make.user("Chloé Martin", team=team)
    client = caller(app, lead)
    campaign_id = client.post("/api/v1/campaigns", json={**body(team), "launch": True}
                              ).get_json()["id"]
    thank(app, awa, bruno, campaign_id)
    health = client.get(f"/api/v1/campaigns/{campaign_id}/health").get_json()
    assert health["participation"] is None
    assert health["progress"]["value"] == 1


def test_health_names_nobody(app, office):
    _team, _other, people = office
    ids = make_campaigns(app, office)
    thank(app, people["awa"], people["bruno"], ids["lyon"])
    health = caller(app, people["lead"]).get(f"/api/v1/campaigns/{ids['lyon']}/health")
    raw = json.dumps(health.get_json(), ensure_ascii=False)
    for person in people.values():
        assert person.name not in raw and person.email not in raw


def test_health_of_another_teams_campaign_is_404(app, office):
    _team, _other, people = office
    ids = make_campaigns(app, office)
    assert_error(caller(app, people["nina"]).get(f"/api/v1/campaigns/{ids['lyon']}/health"),
                 404, "not_found")
    assert_error(caller(app, people["omar"]).get(f"/api/v1/campaigns/{ids['lyon']}/health"),
                 404, "not_found")


def test_health_of_a_draft_is_404_for_members_and_open_to_its_lead(app, office):
    _team, _other, people = office
    ids = make_campaigns(app, office)
    path = f"/api/v1/campaigns/{ids['lyon_draft']}/health"
    assert_error(caller(app, people["awa"]).get(path), 404, "not_found")
    draft = caller(app, people["lead"]).get(path).get_json()
    assert draft["status"] == "draft" and draft["progress"]["value"] == 0


def test_health_of_no_such_campaign_is_404(app, office):
    _team, _other, people = office
    assert_error(caller(app, people["awa"]).get("/api/v1/campaigns/999999/health"), 404,
                 "not_found")

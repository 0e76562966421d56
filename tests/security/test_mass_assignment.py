"""Mass assignment: fields a client has no say over (`role`, `giver_id`, `created_at`,
`is_admin`, `status`, `user_id`, `owner_id`, …) sent with an API call or a form are ignored:
the call succeeds as if they were not there, and nothing about them changes."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from kudos.auth.models import ApiToken, User
from kudos.campaigns.models import Campaign
from kudos.extensions import db
from kudos.news.models import NewsItem
from kudos.recognition.models import Kudos
from kudos.sqltypes import utcnow
from tests.security.world import World, build, sign_in

LONG_AGO = "2001-01-01T00:00:00+00:00"


def extras(world: World) -> dict:
    """What an attacker would like to set, as JSON."""
    return {"role": "admin", "is_admin": True, "giver_id": world.other,
            "user_id": world.other, "owner_id": world.admin, "author_id": world.other,
            "proposed_by_id": world.other, "created_at": LONG_AGO, "status": "hidden",
            "id": 999_999, "active": True, "team_id": world.team_b,
            "password_hash": "x", "email": "attacker@example.com"}


def form_extras(world: World) -> dict:
    """The same, as form fields."""
    return {name: str(value) for name, value in extras(world).items()}


def signed_in(app, world: World, role: str):
    client = app.test_client()
    sign_in(app, client, world.ids[role])
    return client


def person(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def newest(app, model, **where):
    with app.app_context():
        row = db.session.scalars(select(model).filter_by(**where)
                                 .order_by(model.id.desc()).limit(1)).first()
        if row is not None:
            db.session.expunge(row)
        return row


def assert_person_unchanged(app, world: World, role: str) -> None:
    user = person(app, world.ids[role])
    assert user.role == role and not user.is_admin
    assert user.email != "attacker@example.com" and user.password_hash != "x"
    assert user.id == world.ids[role]


def assert_recent(moment) -> None:
    assert utcnow() - moment < timedelta(minutes=5)


def test_api_kudos_ignores_giver_status_and_date(app):
    world = build(app)
    client = signed_in(app, world, "member")
    response = client.post("/api/v1/kudos", json={
        **extras(world), "recipient_ids": [world.third], "message": "Thanks for the demo",
        "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 201, response.get_json()
    kudos = newest(app, Kudos, id=response.get_json()["id"])
    assert kudos.giver_id == world.member
    assert kudos.status == "published" and kudos.id != 999_999
    assert_recent(kudos.created_at)
    assert_person_unchanged(app, world, "member")


def test_api_news_proposal_stays_a_proposal_of_its_author(app):
    world = build(app)
    client = signed_in(app, world, "member")
    response = client.post("/api/v1/news", json={
        **extras(world), "status": "published", "title": "Our offsite", "summary": "It was fun",
        "published_at": LONG_AGO, "decided_by_id": world.admin})
    assert response.status_code == 201, response.get_json()
    item = newest(app, NewsItem, id=response.get_json()["id"])
    assert item.status == "proposed" and item.published_at is None
    assert item.author_id == world.member and item.proposed_by_id == world.member
    assert item.decided_by_id is None
    assert_recent(item.created_at)
    assert_person_unchanged(app, world, "member")


def test_api_campaign_belongs_to_its_creator_as_a_draft(app):
    world = build(app)
    client = signed_in(app, world, "lead")
    start = utcnow().date() + timedelta(days=60)
    response = client.post("/api/v1/campaigns", json={
        **extras(world), "status": "scheduled", "launched_at": LONG_AGO, "title": "Spring",
        "scope_team_id": world.team_a, "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=10)).isoformat(), "goal_kind": "kudos_count",
        "goal_target": 5, "thank_you": "Thanks all"})
    assert response.status_code == 201, response.get_json()
    campaign = newest(app, Campaign, id=response.get_json()["id"])
    assert campaign.owner_id == world.lead and campaign.team_id == world.team_a
    assert campaign.status == "draft" and campaign.launched_at is None
    assert campaign.thank_you is None
    assert_recent(campaign.created_at)
    assert_person_unchanged(app, world, "lead")


def test_api_token_is_always_the_callers(app):
    world = build(app)
    client = signed_in(app, world, "member")
    response = client.post("/api/v1/tokens", json={**extras(world), "name": "script",
                                                   "revoked_at": None})
    assert response.status_code == 201
    token = newest(app, ApiToken, id=response.get_json()["id"])
    assert token.user_id == world.member and token.revoked_at is None
    assert_recent(token.created_at)
    with app.app_context():
        others = db.session.scalars(select(ApiToken.id).where(ApiToken.user_id == world.other))
        assert list(others) == [world.other_token]
    assert_person_unchanged(app, world, "member")


def _profile_form(**changes) -> dict:
    data = {"name": "Awa D.", "team_id": "0", "timezone": "Europe/Paris",
            "working_days": ["1", "2", "3", "4", "5"], "work_start": "09:00",
            "work_end": "18:00", "locale": "", "digest_frequency": "weekly",
            "notify_mode": "live"}
    data.update(changes)
    return data


def test_settings_form_changes_only_ones_own_settings(app):
    world = build(app)
    client = signed_in(app, world, "member")
    before = person(app, world.other)
    forged = {**form_extras(world), "team_id": str(world.team_b), "erased_at": LONG_AGO}
    response = client.post("/settings/", data=_profile_form(**forged))
    assert response.status_code == 303
    me = person(app, world.member)
    assert_person_unchanged(app, world, "member")
    assert me.active and me.erased_at is None and me.email == "awa@example.com"
    assert me.team_id == world.team_a  # a team is asked for, never set by oneself
    after = person(app, world.other)
    assert (after.name, after.email, after.role) == (before.name, before.email, before.role)


def test_give_form_ignores_giver_status_and_date(app):
    world = build(app)
    client = signed_in(app, world, "member")
    response = client.post("/kudos", data={
        **form_extras(world), "kind": "kudos", "recipient_ids": [str(world.third)],
        "message": "Thanks for the demo", "visibility": "company",
        "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 303
    kudos = newest(app, Kudos, message="Thanks for the demo")
    assert kudos.giver_id == world.member and kudos.status == "published"
    assert_recent(kudos.created_at)
    assert_person_unchanged(app, world, "member")


def test_news_form_proposal_cannot_publish_itself(app):
    world = build(app)
    client = signed_in(app, world, "member")
    response = client.post("/news/new", data={
        **form_extras(world), "status": "published", "title": "Forged", "summary": "Hello",
        "topic_id": "0", "published_at": LONG_AGO})
    assert response.status_code == 303
    item = newest(app, NewsItem, title="Forged")
    assert item.status == "proposed" and item.published_at is None
    assert item.author_id == item.proposed_by_id == world.member
    assert_person_unchanged(app, world, "member")


def test_accepting_an_invitation_cannot_choose_a_role_or_a_team(app):
    world = build(app)
    client = app.test_client()
    response = client.post(f"/invite/{world.secrets['invite_token']}", data={
        **form_extras(world), "name": "Nina New", "password": "a long and happy password",
        "confirm": "a long and happy password", "email": "nina@evil.example"})
    assert response.status_code == 303
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "newcomer@example.com"))
        forged = db.session.scalar(select(User).where(User.email.in_(
            ["nina@evil.example", "attacker@example.com"])))
        assert forged is None
        assert user.role == "member" and user.team_id is None and user.id != 999_999

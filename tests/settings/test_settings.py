"""Each person's settings: profile and rhythm, password, data export, erasure, API tokens."""

import json
import re

import pytest

from kudos.api.operations import create_token
from kudos.audit import AuditLog
from kudos.auth.models import ApiToken, User
from kudos.extensions import db
from kudos.sqltypes import utcnow
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "walking the dog at dawn"
PROFILE_COLUMNS = ("name", "team_id", "timezone", "working_days", "work_start_minute",
                   "work_end_minute", "locale", "profile_public")


@pytest.fixture
def browser(app):
    """A second browser of the same or another person."""
    return app.test_client()


def row(app, user_id: int) -> dict:
    with app.app_context():
        user = db.session.get(User, user_id)
        return {c.name: getattr(user, c.key) for c in User.__table__.columns}


def profile(app, user_id: int) -> dict:
    return {k: v for k, v in row(app, user_id).items() if k in PROFILE_COLUMNS}


def actions(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)).all()


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def token_for(app, user, name="a bot") -> tuple[int, str]:
    with app.app_context():
        token, secret = create_token(db.session.get(User, user.id), name)
        return token.id, secret


# --- profile and rhythm -------------------------------------------------------------------


@pytest.fixture
def team(make):
    return make.team("Itineraries")


def form(team=None, **changes) -> dict:
    data = {
        "name": "Awa D.",
        "team_id": team.id if team else 0,
        "timezone": "Africa/Dakar",
        "working_days": ["1", "2", "4"],
        "work_start": "08:30",
        "work_end": "16:45",
        "locale": "fr",
        "profile_public": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_saving_the_profile_keeps_every_field(app, member_client, member, team):
    response = member_client.post("/settings/", data=form(team))
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/"
    assert profile(app, member.id) == {
        "name": "Awa D.", "team_id": None, "timezone": "Africa/Dakar",  # a team is asked for
        "working_days": "1,2,4", "work_start_minute": 8 * 60 + 30,
        "work_end_minute": 16 * 60 + 45, "locale": "fr", "profile_public": True,
    }
    page = member_client.get("/settings/").get_data(as_text=True)
    assert '<html lang="fr">' in page  # the language applies at once
    assert 'value="08:30"' in page and 'value="16:45"' in page
    assert '<option selected value="Africa/Dakar">' in page


def test_unticking_public_profile_and_clearing_language_keeps_the_team(app, make, client,
                                                                        team):
    person = make.user(team=team, locale="fr")
    login(client, person)
    response = client.post("/settings/", data=form(None, locale="", profile_public=None))
    assert response.status_code == 303
    saved = profile(app, person.id)
    assert (saved["team_id"], saved["locale"], saved["profile_public"]) == (team.id, None,
                                                                            False)


def test_working_days_are_stored_once_and_in_order(app, member_client, member):
    member_client.post("/settings/", data=form(working_days=["7", "1", "1", "6"]))
    assert profile(app, member.id)["working_days"] == "1,6,7"


@pytest.mark.parametrize(("changes", "message"), [
    ({"work_start": "17:00", "work_end": "09:00"}, "The day must end after it starts."),
    ({"work_start": "09:00", "work_end": "09:00"}, "The day must end after it starts."),
    ({"working_days": None}, "Pick at least one working day."),
    ({"working_days": ["8"]}, "is not a valid choice"),
    ({"timezone": "Mars/Olympus_Mons"}, "Not a valid choice."),
    ({"locale": "de"}, "Not a valid choice."),
    ({"name": "   "}, "This field is required."),
    ({"work_start": "9h"}, "This field is required."),
], ids=["end-before-start", "end-equals-start", "no-day", "day-8", "timezone",
        "language", "blank-name", "bad-time"])
def test_bad_profile_input_is_refused_and_nothing_saved(app, member_client, member, changes,
                                                        message):
    before = profile(app, member.id)
    response = member_client.post("/settings/", data=form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert profile(app, member.id) == before


def test_refused_profile_keeps_what_was_typed(member_client):
    response = member_client.post("/settings/", data=form(name="Awa the Great",
                                                          work_end="07:00"))
    assert response.status_code == 422
    assert 'value="Awa the Great"' in response.get_data(as_text=True)


# --- password -----------------------------------------------------------------------------


def change(client, current=PASSWORD, new=NEW_PASSWORD):
    return client.post("/settings/password",
                       data={"current_password": current, "new_password": new})


def test_password_change_needs_the_current_password(app, member_client, member):
    response = change(member_client, current="not my password at all")
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    assert login(app.test_client(), member, PASSWORD).status_code == 303
    assert login(app.test_client(), member, NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize(("new", "message"), [
    ("iloveyou", "one of the most common ones"),
    ("short", "Use at least 8 characters."),
    ("awa@example.com", "cannot be your email address or your name"),
])
def test_weak_new_password_is_refused(app, member_client, member, new, message):
    response = change(member_client, new=new)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert login(app.test_client(), member, PASSWORD).status_code == 303


def test_password_change_ends_other_sessions_but_keeps_this_one(app, member_client, member,
                                                                browser):
    login(browser, member)
    assert browser.get("/").status_code == 200
    response = change(member_client)
    assert response.status_code == 303
    assert "Your password is changed." in member_client.get("/settings/").get_data(
        as_text=True)
    assert member_client.get("/").status_code == 200  # this browser stays signed in
    assert browser.get("/").status_code == 302  # the other one is signed out
    assert login(app.test_client(), member, NEW_PASSWORD).status_code == 303
    assert login(app.test_client(), member, PASSWORD).status_code == 200  # refused
    assert row(app, member.id)["password_changed_at"] is not None
    assert "password.changed" in actions(app)


# --- export -------------------------------------------------------------------------------


def test_export_is_a_json_attachment_with_the_profile(app, make, client, team):
    person = make.user("Awa Diallo", email="awa@example.com", team=team, leads=[team],
                       role="lead", timezone="Africa/Dakar", working_days="1,2,3",
                       work_start_minute=8 * 60, work_end_minute=17 * 60 + 30)
    login(client, person)
    _id, secret = token_for(app, person, "Slack bot")
    response = client.get("/settings/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".json" in disposition

    data = json.loads(response.get_data(as_text=True))
    expected = {
        "id": person.id, "email": "awa@example.com", "name": "Awa Diallo", "role": "lead",
        "team": "Itineraries", "teams_led": ["Itineraries"], "timezone": "Africa/Dakar",
        "working_days": [1, 2, 3], "work_hours": ["08:00", "17:30"], "language": None,
        "profile_public": True,
    }
    assert {key: data["profile"].get(key) for key in expected} == expected
    assert data["profile"]["created_at"].startswith(str(utcnow().year))
    assert len(data["sign_in_sessions"]) == 1
    assert [t["name"] for t in data["api_tokens"]] == ["Slack bot"]
    assert secret not in response.get_data(as_text=True)  # the secret itself never leaves


def test_export_needs_sign_in(client):
    assert client.get("/settings/export").status_code == 302


# --- erasing one's account ----------------------------------------------------------------


def erase(client, password=PASSWORD, **extra):
    return client.post("/settings/erase", data={"password": password, "confirm": "y", **extra})


def test_erasure_with_a_wrong_password_is_refused(app, member_client, member):
    response = erase(member_client, password="not my password")
    assert response.status_code == 422
    assert "That is not your password." in response.get_data(as_text=True)
    assert row(app, member.id)["email"] == member.email
    assert member_client.get("/").status_code == 200


def test_erasure_must_be_confirmed(app, member_client, member):
    response = member_client.post("/settings/erase", data={"password": PASSWORD})
    assert response.status_code == 422
    assert "Please tick this box to confirm." in response.get_data(as_text=True)
    assert row(app, member.id)["erased_at"] is None


def test_erasure_removes_personal_data_and_signs_out_everywhere(app, make, client, browser,
                                                                team):
    person = make.user("Awa Diallo", email="awa@example.com", team=team, role="lead",
                       leads=[team])
    login(client, person)
    login(browser, person)
    _id, secret = token_for(app, person)
    response = erase(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert "Your account is erased." in client.get("/login").get_data(as_text=True)

    assert client.get("/").status_code == 302
    assert browser.get("/").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    with app.app_context():
        user = db.session.get(User, person.id)
        assert "awa" not in user.email.lower() and user.name == ""
        assert user.display_name == "a former colleague"
        assert user.password_hash is None
        assert user.led_teams == []
        assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0
        dump = json.dumps({c.name: str(getattr(user, c.key))
                           for c in User.__table__.columns})
        assert "Awa" not in dump and "awa@example.com" not in dump
    response = login(client, "awa@example.com")
    assert "do not match" in response.get_data(as_text=True)
    assert "person.erased" in actions(app)


def test_the_only_admin_cannot_erase_their_account(app, admin_client, admin):
    response = erase(admin_client)
    assert response.status_code == 422
    assert "You are the only admin." in response.get_data(as_text=True)
    assert row(app, admin.id)["erased_at"] is None
    assert admin_client.get("/admin/").status_code == 200


def test_an_admin_can_erase_when_another_admin_remains(app, admin_client, admin, make):
    make.user("Second Admin", role="admin")
    assert erase(admin_client).status_code == 303
    assert row(app, admin.id)["erased_at"] is not None


def test_erased_email_can_be_invited_again(member_client, member, make):
    assert erase(member_client).status_code == 303
    boss = make.user("Boss", role="admin")
    login(member_client, boss)
    people = member_client.get("/admin/people").get_data(as_text=True)
    assert "a former colleague" not in people and "erased-" not in people
    response = member_client.post("/admin/people/invite", data={
        "email": member.email, "name": "Awa Diallo", "role": "member", "team_id": 0})
    assert response.status_code == 201


# --- API tokens ---------------------------------------------------------------------------


def test_new_token_is_shown_once_and_works(app, member_client, member):
    response = member_client.post("/settings/tokens", data={"name": "Slack bot"})
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    assert "it will not be shown again" in page
    secret = re.search(r'<code class="secret">(kudos_[A-Za-z0-9_-]+)</code>', page).group(1)

    later = member_client.get("/settings/").get_data(as_text=True)
    assert "Slack bot" in later and secret[:12] in later
    assert secret not in later

    me = app.test_client().get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.get_json()["email"] == member.email


def test_token_needs_a_name(app, member_client):
    response = member_client.post("/settings/tokens", data={"name": ""})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_revoked_token_stops_working(app, member_client, member):
    token_id, secret = token_for(app, member, "Slack bot")
    response = member_client.post(f"/settings/tokens/{token_id}/revoke")
    assert response.status_code == 303
    page = member_client.get("/settings/").get_data(as_text=True)
    assert "The token “Slack bot” no longer works." in page
    assert f"/settings/tokens/{token_id}/revoke" not in page
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert "token.revoked" in actions(app)


def test_someone_elses_token_cannot_be_revoked(app, member_client, make):
    other = make.user("Hugo Martin")
    token_id, secret = token_for(app, other)
    assert member_client.post(f"/settings/tokens/{token_id}/revoke").status_code == 404
    assert member_client.post("/settings/tokens/999999/revoke").status_code == 404
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert "token.revoked" not in actions(app)


def test_a_password_change_revokes_the_api_tokens(app, member_client, member):
    """Whoever knew the old password may have made a token: it stops working too."""
    _token_id, secret = token_for(app, member, "Slack bot")
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert change(member_client).status_code == 303
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 401
    page = member_client.get("/settings/").get_data(as_text=True)
    assert "your API tokens no longer work" in page
    assert "Slack bot" not in page
    assert "tokens.revoked_all" in actions(app)


def test_signing_out_everywhere_revokes_the_api_tokens(app, member_client, member, make):
    _token_id, secret = token_for(app, member, "Slack bot")
    other = make.user("Hugo Martin")
    _other_id, others = token_for(app, other, "Hugo's bot")
    assert "Your API tokens are revoked too." in member_client.get("/settings/").get_data(
        as_text=True)
    response = member_client.post("/logout/everywhere", follow_redirects=True)
    assert "your API tokens no longer work" in response.get_data(as_text=True)
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert app.test_client().get("/api/v1/me", headers=bearer(others)).status_code == 200


def test_a_recipients_export_lists_withdrawn_and_hidden_kudos_without_their_words(
        app, make, member_client, member):
    from tests.recognition.helpers import insert_kudos

    hugo = make.user("Hugo Martin")
    kept = insert_kudos(app, hugo, [member], message="Words that stay")
    withdrawn = insert_kudos(app, hugo, [member], message="Words taken back",
                             status="withdrawn", work_title="A title taken back")
    hidden = insert_kudos(app, hugo, [member], message="Words an admin hid", status="hidden",
                          work_url="https://example.com/hidden-link",
                          why_it_matters="Reasons hidden")
    response = member_client.get("/settings/export")
    body = response.get_data(as_text=True)
    for words in ("Words taken back", "A title taken back", "Words an admin hid",
                  "example.com/hidden-link", "Reasons hidden"):
        assert words not in body
    received = {k["id"]: k for k in json.loads(body)["kudos_received"]}
    assert received[kept]["message"] == "Words that stay"
    assert received[withdrawn]["status"] == "withdrawn"
    assert received[withdrawn]["message"] is None
    assert received[hidden]["status"] == "hidden"
    assert received[hidden]["message"] is None and received[hidden]["work_url"] is None
    # The giver's own export keeps their own words, whatever became of them.
    given = json.loads(client_for_export(app, hugo))["kudos_given"]
    assert {k["message"] for k in given} == {"Words that stay", "Words taken back",
                                             "Words an admin hid"}


def client_for_export(app, user) -> str:
    client = app.test_client()
    login(client, user)
    return client.get("/settings/export").get_data(as_text=True)

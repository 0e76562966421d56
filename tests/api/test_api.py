"""API v1: who is calling (session or bearer token), tokens, colleagues, the OpenAPI document,
and the error shape clients rely on."""

import re

import pytest

from kudos.api.operations import create_token
from kudos.api.pagination import encode_cursor
from kudos.auth.models import ApiToken, User
from kudos.extensions import db
from kudos.sqltypes import utcnow


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def token_for(app, user, name="a bot") -> tuple[int, str]:
    with app.app_context():
        token, secret = create_token(db.session.get(User, user.id), name)
        return token.id, secret


def live_tokens(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(
            db.select(ApiToken.name).where(ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
        ).all()


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error["field"] == field
    return error


@pytest.fixture
def api(app):
    """A client with no cookies, as a script or bot would be."""
    return app.test_client()


# --- the caller ---------------------------------------------------------------------------


def test_me_with_a_browser_session(member_client, member):
    response = member_client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": member.id, "email": "awa@example.com", "name": "Awa Diallo", "role": "member",
        "team_id": None, "timezone": member.timezone,
    }


def test_me_with_a_token_made_through_the_api(member_client, member, api):
    response = member_client.post("/api/v1/tokens", json={"name": "Slack bot"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "Slack bot" and body["token"].startswith("kudos_")
    assert "+00:00" in body["created_at"] or body["created_at"].endswith("Z")

    me = api.get("/api/v1/me", headers=bearer(body["token"]))
    assert me.status_code == 200
    assert me.get_json()["email"] == member.email


def test_me_with_a_token_made_by_the_operation(app, make, api):
    team = make.team("Sales")
    lead = make.user("Karim Benali", role="lead", team=team, leads=[team],
                     timezone="Africa/Dakar")
    _id, secret = token_for(app, lead)
    body = api.get("/api/v1/me", headers=bearer(secret)).get_json()
    assert (body["id"], body["role"], body["team_id"], body["timezone"]) == (
        lead.id, "lead", team.id, "Africa/Dakar")


def test_a_bearer_call_leaves_no_session_behind(app, member, api):
    _id, secret = token_for(app, member)
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert api.get_cookie("kudos_session") is None
    assert api.get_cookie("kudos_remember") is None
    assert_error(api.get("/api/v1/me"), 401, "unauthenticated")


def test_a_token_does_not_open_the_web_pages(app, member, api):
    _id, secret = token_for(app, member)
    response = api.get("/settings/", headers=bearer(secret))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_token_records_the_day_it_was_last_used(app, member, api):
    token_id, secret = token_for(app, member)
    api.get("/api/v1/me", headers=bearer(secret))
    with app.app_context():
        used = db.session.get(ApiToken, token_id).last_used_on
    assert used is not None and used.date() == utcnow().date()


# --- refusals -----------------------------------------------------------------------------


def test_no_credentials_is_401_json(api):
    error = assert_error(api.get("/api/v1/me"), 401, "unauthenticated")
    assert set(error) == {"code", "message"}
    assert_error(api.get("/api/v1/users"), 401, "unauthenticated")
    assert_error(api.post("/api/v1/tokens", json={"name": "x"}), 401, "unauthenticated")


@pytest.mark.parametrize("header", [
    "Bearer kudos_not-a-real-token",
    "Bearer ",
    "Basic YXdhQGV4YW1wbGUuY29tOnBhc3N3b3Jk",
    "kudos_no-scheme",
])
def test_bad_credentials_are_401_json(api, member, header):
    assert_error(api.get("/api/v1/me", headers={"Authorization": header}), 401,
                 "unauthenticated")


def test_revoked_token_is_401(app, member_client, member, api):
    token_id, secret = token_for(app, member)
    assert member_client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert_error(api.get("/api/v1/me", headers=bearer(secret)), 401, "unauthenticated")


def test_token_of_a_deactivated_person_is_401(app, member, api, admin_client):
    _id, secret = token_for(app, member)
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    admin_client.post(f"/admin/people/{member.id}/deactivate", data={"reason": ""})
    assert_error(api.get("/api/v1/me", headers=bearer(secret)), 401, "unauthenticated")


def test_unknown_api_path_is_404_json(member_client):
    assert_error(member_client.get("/api/v1/nothing-here"), 404, "not_found")


# --- tokens -------------------------------------------------------------------------------


def test_a_token_cannot_create_tokens(app, member, api):
    _id, secret = token_for(app, member)
    response = api.post("/api/v1/tokens", json={"name": "child"}, headers=bearer(secret))
    assert_error(response, 403, "forbidden")
    assert live_tokens(app) == ["a bot"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"json": {}}, "name"),
    ({"json": {"name": 42}}, "name"),
    ({"json": {"name": "   "}}, "name"),
    ({"json": {"name": "x" * 81}}, "name"),
    ({"json": ["Slack bot"]}, "body"),
    ({"data": "name=Slack bot", "content_type": "application/x-www-form-urlencoded"}, "body"),
    ({"data": "{not json", "content_type": "application/json"}, "body"),
], ids=["missing", "number", "blank", "too-long", "array", "form", "broken-json"])
def test_token_creation_refuses_bad_input(app, member_client, kwargs, field):
    response = member_client.post("/api/v1/tokens", **kwargs)
    assert_error(response, 422, "validation_error", field)
    assert live_tokens(app) == []


def test_token_list_shows_no_secrets(app, member_client, member, make):
    _id, secret = token_for(app, member, "Slack bot")
    token_for(app, make.user(), "someone else's")
    response = member_client.get("/api/v1/tokens")
    assert [t["name"] for t in response.get_json()["items"]] == ["Slack bot"]
    assert secret not in response.get_data(as_text=True)


def test_deleting_someone_elses_token_is_404_and_it_keeps_working(app, member_client, make,
                                                                   api):
    other = make.user("Hugo Martin")
    token_id, secret = token_for(app, other)
    assert_error(member_client.delete(f"/api/v1/tokens/{token_id}"), 404, "not_found")
    assert_error(member_client.delete("/api/v1/tokens/999999"), 404, "not_found")
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_a_token_can_revoke_itself(app, member, api):
    token_id, secret = token_for(app, member)
    assert api.delete(f"/api/v1/tokens/{token_id}", headers=bearer(secret)).status_code == 204
    assert_error(api.get("/api/v1/me", headers=bearer(secret)), 401, "unauthenticated")
    assert live_tokens(app) == []


# --- colleagues ---------------------------------------------------------------------------


@pytest.fixture
def company(make):
    """Six colleagues anyone can find (two with the same name), and three nobody else can."""
    people = {
        "alice": make.user("Alice Archer", email="alice@partner.example"),
        "bob": make.user("Bob Baker", email="bob@example.com"),
        "carol": make.user("Carol Cooper", email="carol@partner.example"),
        "sam1": make.user("Sam Lee", email="sam.lee@example.com"),
        "sam2": make.user("Sam Lee", email="sam.lee2@example.com"),
        "zoe": make.user("Zoé Zhang", email="zoe@example.com"),
        "hidden": make.user("Hana Hidden", email="hana@example.com", profile_public=False),
        "gone": make.user("Gaston Gone", email="gaston@example.com", active=False),
        "erased": make.user("", email="erased-99@invalid.example", active=False,
                            erased_at=utcnow()),
    }
    return people


def names(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [u["name"] for u in response.get_json()["items"]]


def test_users_search_by_name_and_by_email(member_client, company):
    assert names(member_client.get("/api/v1/users?q=cooper")) == ["Carol Cooper"]
    assert names(member_client.get("/api/v1/users?q=PARTNER.example")) == [
        "Alice Archer", "Carol Cooper"]
    assert names(member_client.get("/api/v1/users?q=nobody-like-this")) == []


def test_users_without_a_query_lists_everyone_visible_by_name(member_client, company):
    assert names(member_client.get("/api/v1/users")) == [
        "Alice Archer", "Awa Diallo", "Bob Baker", "Carol Cooper", "Sam Lee", "Sam Lee",
        "Zoé Zhang"]


def test_users_pages_walk_everyone_once(member_client, company):
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/users?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = member_client.get(url).get_json()
        assert len(body["items"]) <= 2
        seen += [(u["name"], u["id"]) for u in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert pages < 10
    assert pages == 4
    assert len(seen) == len(set(seen)) == 7
    assert seen == sorted(seen)
    assert [n for n, _ in seen].count("Sam Lee") == 2


def test_users_pages_with_a_query(member_client, company):
    first = member_client.get("/api/v1/users?q=example.com&limit=3").get_json()
    assert [u["name"] for u in first["items"]] == ["Awa Diallo", "Bob Baker", "Sam Lee"]
    rest = member_client.get(
        f"/api/v1/users?q=example.com&limit=3&cursor={first['next_cursor']}").get_json()
    assert [u["name"] for u in rest["items"]] == ["Sam Lee", "Zoé Zhang"]
    assert rest["next_cursor"] is None


def test_hidden_profiles_show_only_to_their_owner(app, member_client, company):
    assert names(member_client.get("/api/v1/users?q=hana")) == []
    assert "Hana Hidden" not in names(member_client.get("/api/v1/users?limit=100"))
    _id, secret = token_for(app, company["hidden"])
    response = app.test_client().get("/api/v1/users?q=hana", headers=bearer(secret))
    assert names(response) == ["Hana Hidden"]


def test_deactivated_and_erased_people_are_not_listed(member_client, company):
    everyone = member_client.get("/api/v1/users?limit=100").get_json()["items"]
    emails = {u["email"] for u in everyone}
    assert "gaston@example.com" not in emails
    assert not any(e.endswith("@invalid.example") for e in emails)
    assert names(member_client.get("/api/v1/users?q=gaston")) == []


@pytest.mark.parametrize("limit", ["0", "-1", "101", "ten", "2.5", ""])
def test_bad_limit_is_a_validation_error(member_client, limit):
    assert_error(member_client.get(f"/api/v1/users?limit={limit}"), 422, "validation_error",
                 "limit")


@pytest.mark.parametrize("cursor", [
    "not a cursor!",
    "e30",  # {}
    encode_cursor([1]),
    encode_cursor(["Bob Baker", 1, 2]),
    encode_cursor([123, 5]),
    encode_cursor(["Bob Baker", "five"]),
    encode_cursor(["Bob Baker", None]),
    "////",
], ids=["garbage", "object", "short", "long", "number-name", "text-id", "null-id", "bytes"])
def test_bad_cursor_is_a_validation_error(member_client, company, cursor):
    assert_error(member_client.get(f"/api/v1/users?cursor={cursor}"), 422,
                 "validation_error", "cursor")


# --- the OpenAPI document -----------------------------------------------------------------


def test_openapi_lists_every_api_route_and_nothing_else(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    routes = {}
    for rule in app.url_map.iter_rules():
        # The API, and the tracked link that API.md lists beside it.
        if rule.rule.startswith("/api/v1") or rule.endpoint == "news.follow_link":
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(
                m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    assert len(routes) >= 5
    documented = {path: set(ops) & {"get", "post", "put", "patch", "delete"}
                  for path, ops in spec["paths"].items()}
    assert documented == routes


# --- CSRF ---------------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def page_csrf_token(client) -> str:
    page = client.get("/settings/").get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


def test_session_call_without_csrf_token_is_refused(app, member_client, member, csrf_on):
    assert_error(member_client.post("/api/v1/tokens", json={"name": "Slack bot"}), 400,
                 "csrf_failed")
    token_id, _secret = token_for(app, member)
    assert_error(member_client.delete(f"/api/v1/tokens/{token_id}"), 400, "csrf_failed")
    assert live_tokens(app) == ["a bot"]
    assert member_client.get("/api/v1/me").status_code == 200  # reading needs no token


def test_session_call_with_the_pages_csrf_token_is_accepted(app, member_client, csrf_on):
    headers = {"X-CSRFToken": page_csrf_token(member_client)}
    response = member_client.post("/api/v1/tokens", json={"name": "Slack bot"},
                                  headers=headers)
    assert response.status_code == 201
    wrong = member_client.post("/api/v1/tokens", json={"name": "Other"},
                               headers={"X-CSRFToken": "forged"})
    assert_error(wrong, 400, "csrf_failed")
    assert live_tokens(app) == ["Slack bot"]


def test_bearer_calls_need_no_csrf_token(app, member, api, csrf_on):
    token_id, secret = token_for(app, member)
    other_id, _ = token_for(app, member, "another bot")
    create = api.post("/api/v1/tokens", json={"name": "x"}, headers=bearer(secret))
    assert_error(create, 403, "forbidden")  # refused for being a token, not for CSRF
    assert api.delete(f"/api/v1/tokens/{other_id}", headers=bearer(secret)).status_code == 204
    assert live_tokens(app) == ["a bot"]

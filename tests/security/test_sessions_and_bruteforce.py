"""Sessions, brute force and the security log.

- A sign-in starts a new session; an old cookie is refused after sign-out, after a password
  change made in another browser, after deactivation (even once reactivated); the remember
  cookie lasts at most 7 days and dies with its session.
- Sign-in, invitation and sign-up answers are rate limited (429 with Retry-After); an unknown
  email, a wrong password and a deactivated account get the same answer, at the same cost.
- Refused access is one JSON line with who, what and when (UTC); no password or token is ever
  logged; a newline in user input cannot start a new log line.
"""

import json
import logging
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import select

from kudos.auth import operations as auth_ops
from kudos.auth.models import UserSession
from kudos.extensions import db
from tests.conftest import PASSWORD, login
from tests.security.world import build, sign_in

SESSION, REMEMBER = "kudos_session", "kudos_remember"
NEW_PASSWORD = "another long and happy password"


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def replay(app, **cookies):
    """A new browser holding only the given cookies (an attacker who copied them)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def is_signed_in(client) -> bool:
    response = client.get("/me")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


def security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "kudos.security"]


# --- sessions ------------------------------------------------------------------------------


def test_sign_in_starts_a_new_session_each_time(app, member):
    client = app.test_client()
    client.get("/login")
    client.post("/language", data={"lang": "fr"})
    before = cookie(client, SESSION)
    assert login(client, member).status_code == 303
    first = cookie(client, SESSION)
    assert first != before
    second_browser = app.test_client()
    assert login(second_browser, member).status_code == 303
    assert cookie(second_browser, SESSION) != first
    with app.app_context():
        assert db.session.scalar(select(db.func.count(UserSession.id))) == 2


def test_old_cookie_is_refused_after_sign_out(app, member):
    client = app.test_client()
    login(client, member)
    stolen = cookie(client, SESSION)
    assert is_signed_in(replay(app, **{SESSION: stolen}))
    assert client.post("/logout").status_code == 303
    assert not is_signed_in(replay(app, **{SESSION: stolen}))
    assert not is_signed_in(client)


def test_old_cookie_is_refused_after_sign_out_everywhere(app, member):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, member)
    login(phone, member)
    assert laptop.post("/logout/everywhere").status_code == 303
    assert not is_signed_in(phone)


def test_password_change_signs_out_the_other_browsers_only(app, member):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, member)
    login(elsewhere, member)
    stolen = cookie(elsewhere, SESSION)
    response = here.post("/settings/password", data={"current_password": PASSWORD,
                                                     "new_password": NEW_PASSWORD})
    assert response.status_code == 303
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(replay(app, **{SESSION: stolen}))


def test_deactivation_ends_every_session_even_after_reactivation(app):
    world = build(app)
    member, admin = app.test_client(), app.test_client()
    sign_in(app, member, world.member)
    sign_in(app, admin, world.admin)
    stolen = cookie(member, SESSION)
    assert is_signed_in(member)
    assert admin.post(f"/admin/people/{world.member}/deactivate",
                      data={"reason": "left"}).status_code == 303
    assert not is_signed_in(member)
    assert admin.post(f"/admin/people/{world.member}/reactivate").status_code == 303
    assert not is_signed_in(replay(app, **{SESSION: stolen}))
    bearer = {"Authorization": f"Bearer {world.secrets['member_api_token']}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401


def test_remember_cookie_lasts_at_most_seven_days_and_dies_with_its_session(app, member):
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=7)
    assert app.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(days=1)
    client = app.test_client()
    response = login(client, member, remember="y")
    assert response.status_code == 303
    header = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith(REMEMBER + "="))
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))
    assert expires <= datetime.now(UTC) + timedelta(days=7, minutes=1)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    with app.app_context():
        row = db.session.scalar(select(UserSession))
        assert row.expires_at - row.created_at <= timedelta(days=7)
    remembered = cookie(client, REMEMBER)
    assert is_signed_in(replay(app, **{REMEMBER: remembered}))  # the cookie alone works…
    client.post("/logout")
    assert not is_signed_in(replay(app, **{REMEMBER: remembered}))  # …until sign-out


def test_an_expired_session_is_refused(app, member):
    client = app.test_client()
    login(client, member)
    with app.app_context():
        db.session.execute(db.update(UserSession).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    assert not is_signed_in(client)


# --- brute force ---------------------------------------------------------------------------


def assert_limited(response) -> None:
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_sign_in_is_limited_per_account(app, member):
    client = app.test_client()
    for _attempt in range(5):
        assert login(client, member, password="wrong password").status_code == 200
    response = login(client, member, password="wrong password")
    assert_limited(response)
    assert "a lot of attempts" in response.get_data(as_text=True)
    # Even the right password waits: the limit is on the account.
    assert_limited(login(client, member))


def test_sign_in_is_limited_per_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "3 per 5 minutes")
    client = app.test_client()
    for n in range(3):
        assert login(client, f"nobody{n}@example.com", "guess").status_code == 200
    assert_limited(login(client, "nobody9@example.com", "guess"))


def test_invitation_answers_are_limited(app, monkeypatch):
    monkeypatch.setitem(app.config, "TOKEN_LIMIT_PER_IP", "3 per 5 minutes")
    world = build(app)
    client = app.test_client()
    for n in range(3):
        assert client.post(f"/invite/guess-{n}", data={"name": "x"}).status_code == 404
    assert_limited(client.post(f"/invite/{world.secrets['invite_token']}", data={}))


def test_sign_up_is_limited(app, monkeypatch):
    monkeypatch.setitem(app.config, "TOKEN_LIMIT_PER_IP", "3 per 5 minutes")
    monkeypatch.setitem(app.config, "SIGNUP_DOMAINS", ["example.com"])
    client = app.test_client()
    for _attempt in range(3):
        assert client.post("/signup", data={"name": "", "email": "x"}).status_code == 422
    assert_limited(client.post("/signup", data={"name": "Eve", "email": "eve@example.com"}))


def test_api_answers_429_as_json_with_retry_after(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "1 per 5 minutes")
    client = app.test_client()
    login(client, "someone@example.com", "guess")
    response = client.post("/login", data={"email": "someone@example.com", "password": "x"},
                           headers={"Accept": "application/json"})
    assert_limited(response)
    assert response.get_json()["error"]["code"] == "rate_limited"


def _answer(response, email: str) -> str:
    """The page, but for what differs by design: the typed email and the browser's own CSRF
    token."""
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r"[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}", "CSRF", page)


def test_unknown_email_wrong_password_and_deactivated_account_get_the_same_answer(
    app, make, monkeypatch
):
    calls = []
    real = auth_ops.check_password
    monkeypatch.setattr(auth_ops, "check_password", lambda *a: calls.append(1) or real(*a))
    known = make.user(email="known@example.com")
    gone = make.user(email="gone@example.com", active=False)
    answers = []
    for email, password in (("unknown@example.com", PASSWORD), (known.email, "wrong one"),
                            (gone.email, PASSWORD)):
        calls.clear()
        response = login(app.test_client(), email, password)
        answers.append((response.status_code, _answer(response, email)))
        assert len(calls) == 1, "every path pays for one password check"
    assert answers[0] == answers[1] == answers[2]
    assert "do not match an account" in answers[0][1]


# --- the security log ----------------------------------------------------------------------


def test_refused_access_is_one_json_line_with_who_what_and_when(app, caplog):
    world = build(app)
    client = app.test_client()
    sign_in(app, client, world.member)
    with caplog.at_level(logging.INFO, logger="kudos.security"):
        assert client.get("/admin/people").status_code == 403
        assert client.post(f"/settings/tokens/{world.other_token}/revoke").status_code == 404
    lines = security_lines(caplog)
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first == {"event": "access_refused", "at": first["at"], "user_id": world.member,
                     "what": "admin", "method": "GET", "path": "/admin/people", "status": 403}
    assert second["what"] == "token.own" and second["status"] == 404
    for event in (first, second):
        at = datetime.fromisoformat(event["at"])
        assert at.utcoffset() == timedelta(0)
        assert abs(datetime.now(UTC) - at) < timedelta(minutes=1)


def test_sign_in_and_sign_out_are_logged_with_who_and_when(app, member, caplog):
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="kudos.security"):
        login(client, member, password="wrong password")
        login(client, member)
        client.post("/logout")
    events = [json.loads(line) for line in security_lines(caplog)]
    assert [e["event"] for e in events] == ["sign_in_failed", "sign_in", "sign_out"]
    assert events[0]["email"] == member.email
    assert events[1]["user_id"] == events[2]["user_id"] == member.id
    assert all(e["at"].endswith("+00:00") for e in events)


def test_no_password_or_token_is_ever_logged(app, caplog):
    world = build(app)
    secrets = [PASSWORD, NEW_PASSWORD, "wrong but secret", *world.secrets.values()]
    with caplog.at_level(logging.DEBUG):
        client = app.test_client()
        login(client, "awa@example.com", "wrong but secret")
        login(client, "awa@example.com")
        # The token first: a password change revokes it.
        bearer = {"Authorization": f"Bearer {world.secrets['member_api_token']}"}
        app.test_client().get("/api/v1/admin/rules", headers=bearer)
        client.post("/settings/password", data={"current_password": PASSWORD,
                                                "new_password": NEW_PASSWORD})
        app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer forged-123"})
        app.test_client().post(f"/invite/{world.secrets['invite_token']}",
                               data={"name": "Nina", "password": "short"})
        app.test_client().get(f"/r/{world.secrets['relay_token']}")
        session = cookie(client, SESSION)
    logged = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert "access_refused" in logged  # the log did receive the events
    for secret in [*secrets, session, "forged-123"]:
        assert secret not in logged


def test_newlines_in_user_input_cannot_forge_a_log_line(app, caplog):
    world = build(app)
    forged = '{"event": "sign_in", "user_id": 1}'
    member = app.test_client()
    sign_in(app, member, world.member)
    with caplog.at_level(logging.INFO, logger="kudos.security"):
        login(app.test_client(), f"eve@example.com\n{forged}", "guess")
        login(app.test_client(), f"eve@example.com\r{forged}", "guess")
        login(app.test_client(), f"eve@example.com\u2028{forged}", "guess")
        member.post("/admin/jobs/x%0A" + forged.replace('"', "%22") + "/retry")
    lines = security_lines(caplog)
    assert len(lines) == 4
    for line in lines:
        assert "\n" not in line and "\r" not in line and "\u2028" not in line
        assert json.loads(line)["event"] in ("sign_in_failed", "access_refused")
    assert json.loads(lines[-1])["path"].startswith("/admin/jobs/x\n")

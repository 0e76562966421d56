"""Protections of the foundation; each test fails if its protection goes."""

import json
import logging

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kudos import create_app
from kudos.admin.models import Value
from kudos.extensions import db
from kudos.permissions import LEVELS
from tests.conftest import PASSWORD, login

# Routes that need no declaration: Flask's static files.
UNDECLARED_OK = {"static"}


def test_every_route_declares_who_may_call_it(app):
    missing = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in UNDECLARED_OK:
            continue
        if getattr(view, "kudos_access", None) not in LEVELS:
            missing.append(rule.endpoint)
    assert not missing, f"routes without @access(...): {missing}"


def test_no_route_changes_state_on_get(app):
    """Every route that accepts GET is either read-only by declaration or a form page
    that also takes POST; state-changing endpoints are POST/PUT/DELETE only."""
    state_changing = {"auth.logout", "auth.logout_everywhere", "home.language",
                      "admin.deactivate", "admin.reactivate", "admin.revoke_invitation",
                      "admin.archive_entry", "settings.revoke_token", "settings.create_token",
                      "settings.password", "settings.save_profile", "api.create_token",
                      "api.revoke_token", "admin.create_entry"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in state_changing:
            assert "GET" not in rule.methods, rule.endpoint


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


@pytest.mark.parametrize("path", ["/login", "/does-not-exist", "/api/v1/me",
                                  "/static/css/app.css"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_behind_https(client):
    response = client.get("/login", base_url="https://kudos.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_cookies_are_secure_outside_debug(database_url, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_start_up_says_when_secure_cookies_meet_a_plain_http_base_url(database_url, monkeypatch,
                                                                     caplog):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    settings = {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url}
    with caplog.at_level(logging.WARNING, logger="kudos"):
        create_app({**settings, "BASE_URL": "http://kudos.intranet.example"})
    warning = caplog.text
    assert "http://kudos.intranet.example" in warning
    for setting in ("KUDOS_BASE_URL", "KUDOS_SESSION_COOKIE_SECURE",
                    "KUDOS_REMEMBER_COOKIE_SECURE"):
        assert setting in warning
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kudos"):
        create_app({**settings, "BASE_URL": "https://kudos.example"})
        create_app({**settings, "BASE_URL": "http://127.0.0.1:5000"})  # browsers accept it
        create_app({**settings, "BASE_URL": "http://kudos.intranet.example",
                    "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    assert "COOKIE_SECURE" not in caplog.text


def test_session_cookie_flags_at_sign_in(client, member):
    login(client, member)
    cookie = client.get_cookie("kudos_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_form_post_without_csrf_token_is_refused_readably_and_writes_nothing(
    app, admin_client, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = admin_client.post("/admin/values", data={"name": "Bold ideas"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Value.id))) == 0


def test_htmx_post_with_wrong_csrf_token_gets_a_fragment_swapped_into_the_message_area(
    app, admin_client, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = admin_client.post("/admin/values", data={"name": "Bold ideas"},
                                 headers={"HX-Request": "true", "X-CSRFToken": "forged"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#flash"
    body = response.get_data(as_text=True)
    assert "Nothing was saved" in body and "<html" not in body


def test_an_unexpected_error_shows_a_plain_page_and_is_logged(database_url, caplog):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url,
                      "TESTING": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    boom.kudos_access = "public"
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret internals" not in body and "Traceback" not in body
    assert "secret internals" in caplog.text
    assert "Content-Security-Policy" in response.headers


def test_sign_in_events_are_single_json_lines_without_the_password(client, member, caplog):
    with caplog.at_level(logging.INFO, logger="kudos.security"):
        login(client, "someone@example.com\nforged line", password="hunter2 is my secret")
        login(client, member)
    lines = [r.getMessage() for r in caplog.records if r.name == "kudos.security"]
    assert len(lines) == 2
    events = [json.loads(line) for line in lines]
    assert [e["event"] for e in events] == ["sign_in_failed", "sign_in"]
    assert all("\n" not in line for line in lines)
    assert all("hunter2" not in line and PASSWORD not in line for line in lines)
    assert events[0]["at"].endswith("+00:00")


def test_member_is_refused_on_admin_pages_and_it_is_logged(member_client, caplog):
    with caplog.at_level(logging.INFO, logger="kudos.security"):
        assert member_client.get("/admin/").status_code == 403
    assert "access_refused" in caplog.text

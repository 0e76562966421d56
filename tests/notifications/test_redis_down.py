"""Redis really stopped (a `redis-server` of the test's own, terminated): sign-in, sign-up,
accepting an invitation, "Scan now" and a rules preview answer as usual or with a kind
message, never a 500. Rate limits go on in memory while Redis is away."""

import pytest
from sqlalchemy import func, select

from kudos.auth.models import User
from kudos.auth.operations import invite
from kudos.domain.rules import Rules
from kudos.extensions import db, limiter
from kudos.outbox import OutboxEvent
from tests.conftest import PASSWORD, login, use_redis


@pytest.fixture
def redis_away(app, redis_server, monkeypatch):
    """The app's jobs and rate limits on the test's own Redis server, which is then
    stopped."""
    use_redis(app, redis_server.url)
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", redis_server.url)
    limiter.init_app(app)  # the same limiter, now counting in that Redis
    assert type(limiter.storage).__name__ == "RedisStorage"
    redis_server.stop()
    yield redis_server
    use_redis(app, None)
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    limiter.init_app(app)
    limiter._storage_dead = False  # noqa: SLF001 (back to the suite's memory storage)


def waiting_events(app, job: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(OutboxEvent.id))
                                 .where(OutboxEvent.job.endswith(job)))


def test_sign_in_works_and_is_still_limited_with_redis_stopped(app, member, redis_away):
    assert login(app.test_client(), member).status_code == 303
    client = app.test_client()
    answers = [login(client, member, "not the password").status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]  # five failed attempts per account, in memory now
    # The right password from this account waits too, as it would with Redis.
    assert login(client, member, PASSWORD).status_code == 429


def test_sign_up_says_kindly_that_the_link_could_not_go(app, client, redis_away, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_DOMAINS", ["azur.example"])
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    response = client.post("/signup", data={"name": "Inès Fontaine",
                                            "email": "ines@azur.example"})
    assert response.status_code == 503
    assert "We could not send your link just now." in response.get_data(as_text=True)


def test_an_invitation_is_accepted_with_redis_stopped(app, client, admin, redis_away):
    with app.app_context():
        _invitation, token = invite(db.session.get(User, admin.id), email="new@example.com",
                                    name="Nour Nouveau")
    response = client.post(f"/invite/{token}", data={"name": "Nour Nouveau",
                                                     "password": "a walk along the river"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new@example.com"))


def test_scan_now_and_a_rules_preview_wait_in_the_outbox(app, admin, redis_away):
    client = app.test_client()
    login(client, admin)
    response = client.post("/insights/scan")
    assert response.status_code == 303
    assert "The scan is on its way" in client.get("/insights/").get_data(as_text=True)
    assert waiting_events(app, ":scan_all") == 1
    rules = Rules()
    def field(value) -> str:
        if isinstance(value, bool) or value is None:
            return "on" if value else ""
        return str(value)

    form = {name: field(getattr(rules, name)) for name in Rules.names()}
    preview = client.post("/admin/rules/preview", data={**form, "days": "30"})
    assert preview.status_code in (200, 303)
    assert waiting_events(app, ":run_preview") == 1


def test_limits_go_back_to_redis_once_it_is_back(app, member, redis_away):
    assert login(app.test_client(), member, "not the password").status_code == 200
    assert limiter._storage_dead  # noqa: SLF001 (Flask-Limiter's own flag)
    redis_away.start()
    limiter._Limiter__last_check_backend = 0  # noqa: SLF001 (skip its back-off pause)
    assert login(app.test_client(), member, "not the password").status_code == 200
    assert not limiter._storage_dead  # noqa: SLF001

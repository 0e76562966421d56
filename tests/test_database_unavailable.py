"""When the database does not answer (PostgreSQL restarting, SQLite locked past its busy
timeout), requests get 503 with Retry-After, not a 500: clients and proxies retry those, and
giving is safe to resend with its Idempotency-Key. Found by bench/load/run.py --faults."""

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from kudos.api import kudos_routes
from kudos.home import views as home_views
from tests.api.test_kudos_api import token_for


class ServerGone(Exception):
    """Stands for the driver's error (psycopg.OperationalError, sqlite3's 'locked')."""


def unavailable(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, ServerGone("terminating connection due to "
                                                       "administrator command"))


@pytest.fixture
def headers(app, member):
    return token_for(app, member)


def test_api_answers_503_with_retry_after(client, headers, monkeypatch):
    monkeypatch.setattr(kudos_routes.queries, "wall_page", unavailable)
    response = client.get("/api/v1/kudos", headers=headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    error = response.get_json()["error"]
    assert error["code"] == "unavailable" and error["retry_after"] == 5 and error["message"]


def test_a_page_answers_503_without_the_layout(client, monkeypatch):
    """The layout reads the database (the person, the bell): the page must not need it."""
    monkeypatch.setattr(home_views, "text", unavailable)
    response = client.get("/healthz", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "try again" in response.get_data(as_text=True)


def test_the_app_recovers_on_the_next_request(client, headers, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(kudos_routes.queries, "wall_page", unavailable)
        assert client.get("/api/v1/kudos", headers=headers).status_code == 503
    assert client.get("/api/v1/kudos", headers=headers).status_code == 200


def test_other_database_errors_stay_unexpected(client, headers, monkeypatch):
    def conflict(*_args, **_kwargs):
        raise IntegrityError("INSERT", {}, ServerGone("duplicate key"))

    monkeypatch.setattr(kudos_routes.queries, "wall_page", conflict)
    response = client.get("/api/v1/kudos", headers=headers)
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"


def test_503_when_the_token_itself_cannot_be_checked(client, headers, monkeypatch):
    """The first query of an API request is the bearer token's; the error page must not try
    to load the person again (to pick the language) and fail a second time into a 500."""
    from kudos.api import views as api_views

    monkeypatch.setattr(api_views.operations, "user_for_token", unavailable)
    response = client.get("/api/v1/kudos", headers=headers)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    response = client.post("/api/v1/kudos", headers=headers,
                           json={"recipient_ids": [1], "message": "Thanks"})
    assert response.status_code == 503


def test_a_connection_lost_at_teardown_does_not_turn_the_answer_into_a_500(
    client, monkeypatch
):
    """PostgreSQL restarted after the view answered: the rollback of the session's end
    fails. The answer is made already; it stays a 200."""
    from sqlalchemy.orm import Session

    original = Session.close
    calls = []

    def close_once_failing(self):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("ROLLBACK", {}, ServerGone("server closed the connection"))
        return original(self)

    monkeypatch.setattr(Session, "close", close_once_failing)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert calls

"""Polls of open tabs (the wall's `/wall/newer`, the bell): with nothing new they are answered
before the session or the database is touched; anything else takes the ordinary path, and a
signed-out or revoked session learns nothing from them (kudos.polls)."""

import html
import re

import pytest
from sqlalchemy import update

from kudos.auth.models import User
from kudos.auth.operations import end_all_sessions
from kudos.extensions import db
from kudos.notifications import operations as notifications
from kudos.recognition.models import KudosAudience
from kudos.security import CSP
from tests.conftest import use_redis
from tests.recognition.helpers import client_for, counting_statements, insert_kudos

HTMX = {"HX-Request": "true"}
NO_REDIS = "redis://127.0.0.1:9"  # nothing listens there


@pytest.fixture
def people(make):
    sales, ops = make.team("Sales"), make.team("Ops")
    return {"reader": make.user("Awa Diallo", email="awa@example.com", team=sales),
            "hugo": make.user("Hugo Martin", email="hugo@example.com", team=ops),
            "lea": make.user("Lea Moreau", email="lea@example.com", team=ops),
            "sales": sales, "ops": ops}


def poll_url(response, element: str = "newer-poll") -> str:
    match = re.search(rf'id="{element}"[^>]*hx-get="([^"]+)"', response.get_data(as_text=True))
    return html.unescape(match.group(1))


def card_ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'id="kudos-(\d+)"', response.get_data(as_text=True))]


def quietly(app, client, url):
    """The answer to a poll, and the SQL statements it cost."""
    with counting_statements(app) as statements:
        response = client.get(url, headers=HTMX)
    return response, len(statements)


@pytest.fixture
def wall(rq_app, people):
    """A reader with the wall open (one kudos on it), polling."""
    insert_kudos(rq_app, people["hugo"], [people["lea"]], message="Already there")
    client = client_for(rq_app, people["reader"])
    return client, poll_url(client.get("/"))


def test_a_quiet_poll_costs_no_sql_statement_and_keeps_the_security_headers(rq_app, wall):
    client, url = wall
    for _ in range(2):
        response, statements = quietly(rq_app, client, url)
        assert response.status_code == 204 and statements == 0
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_something_new_comes_through_then_polls_are_quiet_again(rq_app, wall, people):
    client, url = wall
    fresh = insert_kudos(rq_app, people["lea"], [people["hugo"]], message="Just now")
    response, statements = quietly(rq_app, client, url)
    assert response.status_code == 200 and statements > 0
    assert card_ids(response) == [fresh]
    response, statements = quietly(rq_app, client, poll_url(response))
    assert response.status_code == 204 and statements == 0


def test_a_kudos_given_through_the_form_comes_through(rq_app, wall, people):
    client, url = wall
    giver = client_for(rq_app, people["hugo"])
    given = giver.post("/kudos", data={"kind": "kudos", "recipient_ids": str(people["lea"].id),
                                       "message": "For the demo", "visibility": "company",
                                       "value_id": "0", "campaign_id": "0"})
    assert given.status_code == 303
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200 and "For the demo" in response.get_data(as_text=True)


def test_what_the_reader_may_not_see_does_not_wake_the_poll_and_is_never_shown(
        rq_app, wall, people):
    client, url = wall
    insert_kudos(rq_app, people["hugo"], [people["lea"]], message="Between them",
                 visibility="recipients")
    response, statements = quietly(rq_app, client, url)
    assert response.status_code == 204 and statements == 0
    # A company kudos wakes every wall; what comes through is only what the reader may see.
    insert_kudos(rq_app, people["lea"], [people["hugo"]], message="For all")
    response = client.get(url, headers=HTMX)
    body = response.get_data(as_text=True)
    assert "For all" in body and "Between them" not in body


def test_a_team_kudos_and_a_move_to_that_team(rq_app, wall, people):
    client, url = wall
    team_kudos = insert_kudos(rq_app, people["hugo"], [people["lea"]], message="Ops only",
                              visibility="team")
    with rq_app.app_context():
        db.session.add(KudosAudience(kudos_id=team_kudos, team_id=people["ops"].id))
        db.session.commit()
    # Ops' kudos is not for a reader in Sales: their poll stays quiet.
    response, statements = quietly(rq_app, client, url)
    assert response.status_code == 204 and statements == 0
    # The reader moves to Ops: their next poll reads again, and sees Ops' kudos.
    with rq_app.app_context():
        reader = db.session.get(User, people["reader"].id)
        reader.team_id = people["ops"].id
        db.session.commit()
    response = client.get(url, headers=HTMX)
    assert card_ids(response) == [team_kudos]


@pytest.mark.parametrize("how", ["signed out", "signed out everywhere", "deactivated"])
def test_a_signed_out_or_revoked_session_learns_nothing(rq_app, wall, people, how):
    client, url = wall
    stranger = rq_app.test_client().get(url, headers=HTMX)  # never signed in
    assert stranger.status_code in (401, 302, 303)
    if how == "signed out":
        client.post("/logout")
    elif how == "signed out everywhere":
        with rq_app.app_context():
            end_all_sessions(db.session.get(User, people["reader"].id))
    else:
        with rq_app.app_context():
            db.session.execute(update(User).where(User.id == people["reader"].id)
                               .values(active=False))
            db.session.commit()
    for _ in range(2):  # nothing new, and then something new: the same answer, as today
        response = client.get(url, headers=HTMX)
        assert (response.status_code, response.headers.get("Location"),
                response.headers.get("HX-Redirect")) == (
            stranger.status_code, stranger.headers.get("Location"),
            stranger.headers.get("HX-Redirect"))
        insert_kudos(rq_app, people["lea"], [people["hugo"]], message="Later")


def test_someone_elses_validator_takes_the_ordinary_path(rq_app, wall, people):
    _client, url = wall
    other = client_for(rq_app, people["lea"])
    response, statements = quietly(rq_app, other, url)
    assert statements > 0  # her own session is checked; the poll's answer is hers
    assert response.status_code in (200, 204)


def test_with_redis_down_polls_answer_correctly_from_the_database(rq_app, wall, people,
                                                                  redis_url):
    client, url = wall
    use_redis(rq_app, NO_REDIS)
    try:
        response, statements = quietly(rq_app, client, url)
        assert response.status_code == 204 and statements > 0
        fresh = insert_kudos(rq_app, people["lea"], [people["hugo"]], message="While down")
        response = client.get(url, headers=HTMX)
        assert card_ids(response) == [fresh]
        assert "v=" not in poll_url(response)  # no validator to sign without Redis
        assert client.get(poll_url(response), headers=HTMX).status_code == 204
        assert client.get("/").status_code == 200
    finally:
        use_redis(rq_app, redis_url)


# --- the bell -----------------------------------------------------------------------------


def test_the_bell_is_quiet_until_a_notification_or_a_read(rq_app, people):
    client = client_for(rq_app, people["reader"])
    bell = client.get("/notifications/bell", headers=HTMX)
    url = poll_url(bell, "bell")
    response, statements = quietly(rq_app, client, url)
    assert response.status_code == 204 and statements == 0
    assert response.headers["Content-Security-Policy"] == CSP

    with rq_app.app_context():
        assert notifications.deliver(people["reader"].id, "kudos_received", "k-1",
                                     actor_id=people["hugo"].id)
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200 and 'class="bell-count">1<' in response.get_data(
        as_text=True)
    url = poll_url(response, "bell")
    assert quietly(rq_app, client, url) [0].status_code == 204

    read = client.post("/notifications/read", headers=HTMX)
    assert "bell-count" not in read.get_data(as_text=True)
    # Another tab still shows 1: its next poll reads again.
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200 and "bell-count" not in response.get_data(as_text=True)


def test_the_bell_of_a_signed_out_session_answers_as_today(rq_app, people):
    client = client_for(rq_app, people["reader"])
    url = poll_url(client.get("/notifications/bell", headers=HTMX), "bell")
    stranger = rq_app.test_client().get(url, headers=HTMX)
    client.post("/logout")
    response = client.get(url, headers=HTMX)
    assert response.status_code == stranger.status_code != 204


def test_a_forged_or_mangled_validator_is_only_a_slower_poll(rq_app, wall, people):
    client, url = wall
    for forged in ("1.2.3", "x.y.z.w", f"{people['reader'].id}.0.99999999999.abc", "é.1.1.1"):
        mangled = re.sub(r"v=[^&]*", f"v={forged}", url)
        response, statements = quietly(rq_app, client, mangled)
        assert response.status_code in (200, 204) and statements > 0

"""Signing in and out, sessions that really end, rate limits."""

from kudos.auth.models import UserSession
from kudos.extensions import db
from tests.conftest import PASSWORD, login


def test_sign_in_with_right_password_lands_on_home(client, member):
    response = login(client, member)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Sign out" in page.get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_the_same_answer(client, member):
    wrong = login(client, member, password="not the password at all")
    unknown = login(client, "nobody@example.com")
    assert wrong.status_code == unknown.status_code == 200
    message = "That email and password do not match an account."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_anonymous_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/settings/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/settings/")


def test_next_only_redirects_inside_the_site(client, member):
    response = client.post("/login?next=https://evil.example/x",
                           data={"email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=//evil.example",
                           data={"email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_old_cookie_is_useless_after_sign_out(app, client, member):
    login(client, member)
    stolen = client.get_cookie("kudos_session").value
    assert client.post("/logout").status_code == 303
    thief = app.test_client()
    thief.set_cookie("kudos_session", stolen)
    assert thief.get("/").status_code == 302


def test_sign_out_everywhere_ends_every_session(app, client, member):
    other = app.test_client()
    login(client, member)
    login(other, member)
    assert other.get("/").status_code == 200
    client.post("/logout/everywhere")
    assert other.get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_each_sign_in_gets_a_new_session(app, client, member):
    login(client, member)
    first = client.get_cookie("kudos_session").value
    client.post("/logout")
    login(client, member)
    assert client.get_cookie("kudos_session").value != first
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(UserSession.id))) == 2


def test_deactivated_person_cannot_sign_in(make, client):
    person = make.user(active=False)
    response = login(client, person)
    assert "do not match" in response.get_data(as_text=True)


def test_sign_out_refuses_get(member_client):
    assert member_client.get("/logout").status_code == 405
    assert member_client.get("/").status_code == 200


def test_failed_sign_ins_are_limited_per_account(client, member):
    for _ in range(5):
        login(client, member, password="wrong password here")
    response = login(client, member)  # even the right password waits now
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "wait a little" in response.get_data(as_text=True)


def test_remember_me_sets_a_short_lived_cookie(client, member):
    login(client, member, remember="y")
    cookie = client.get_cookie("kudos_remember")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.expires is not None

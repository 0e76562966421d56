"""Admins invite, change, deactivate and find people; invitations are accepted once."""

import re
from datetime import timedelta

import pytest
from flask import url_for

from kudos.audit import AuditLog
from kudos.auth.models import Invitation, Team, User
from kudos.auth.tokens import digest
from kudos.extensions import db
from kudos.sqltypes import utcnow
from tests.conftest import login

NEW_PASSWORD = "sunny mornings by the sea"


@pytest.fixture
def browser(app):
    """A second browser, for a person other than the one on `client`."""
    return app.test_client()


def invite(client, email="new.person@example.com", name="New Person", role="member",
           team=None):
    return client.post("/admin/people/invite", data={
        "email": email, "name": name, "role": role, "team_id": team.id if team else 0,
    })


def link_token(response) -> str:
    match = re.search(r"/invite/([A-Za-z0-9_-]{20,})", response.get_data(as_text=True))
    assert match, "no invitation link on the page"
    return match.group(1)


def invitations(app) -> list[Invitation]:
    with app.app_context():
        rows = db.session.scalars(db.select(Invitation).order_by(Invitation.id)).all()
        db.session.expunge_all()
        return rows


def actions(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)).all()


def fetch_user(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is not None:
            led = sorted(t.name for t in user.led_teams)
            team = user.team.name if user.team else None
            db.session.expunge(user)
            user.led_names, user.team_name = led, team
        return user


# --- inviting -----------------------------------------------------------------------------


def test_invitation_link_is_shown_once_and_only_its_hash_is_kept(app, admin_client, admin, make):
    team = make.team("Sales")
    response = invite(admin_client, email="  Hugo.Martin@Example.com ", name="Hugo  Martin",
                      role="lead", team=team)
    assert response.status_code == 201
    token = link_token(response)
    assert "hugo.martin@example.com" in response.get_data(as_text=True)

    [row] = invitations(app)
    assert row.email == "hugo.martin@example.com"
    assert row.name == "Hugo Martin"
    assert (row.role, row.team_id, row.kind) == ("lead", team.id, "invite")
    assert row.created_by_id == admin.id
    assert row.token_hash == digest(token)
    assert abs(row.expires_at - utcnow() - timedelta(days=7)) < timedelta(minutes=1)
    assert "person.invited" in actions(app)

    people_page = admin_client.get("/admin/people").get_data(as_text=True)
    assert "hugo.martin@example.com" in people_page  # listed as waiting...
    assert token not in people_page  # ...but the link is not shown again


def test_inviting_an_existing_email_is_refused_and_writes_nothing(app, admin_client, member):
    response = invite(admin_client, email="AWA@example.com", name="Awa Again")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Someone already has an account with this email address." in page
    assert invitations(app) == []
    assert actions(app) == []


@pytest.mark.parametrize("email", ["not-an-email", "two@@example.com", "no-domain@"])
def test_inviting_a_malformed_email_is_refused(app, admin_client, email):
    response = invite(admin_client, email=email)
    assert response.status_code == 422
    assert "Please enter a valid email address." in response.get_data(as_text=True)
    assert invitations(app) == []


def test_revoked_invitation_link_stops_working(app, admin_client, browser):
    token = link_token(invite(admin_client))
    [row] = invitations(app)
    response = admin_client.post(f"/admin/invitations/{row.id}/revoke")
    assert response.status_code == 303
    flashed = admin_client.get("/admin/people").get_data(as_text=True)
    assert "The invitation for new.person@example.com no longer works." in flashed
    assert "new.person@example.com" not in admin_client.get("/admin/people").get_data(
        as_text=True)  # no longer listed as waiting
    assert browser.get(f"/invite/{token}").status_code == 404
    assert "invitation.revoked" in actions(app)


def test_revoking_an_unknown_invitation_is_404(admin_client):
    assert admin_client.post("/admin/invitations/999999/revoke").status_code == 404


# --- accepting an invitation --------------------------------------------------------------


def test_accepting_an_invitation_creates_the_account_and_signs_in(app, admin_client, browser,
                                                                   make):
    team = make.team("Sales")
    token = link_token(invite(admin_client, role="lead", team=team))

    page = browser.get(f"/invite/{token}")
    assert page.status_code == 200
    assert 'value="New Person"' in page.get_data(as_text=True)  # the admin's spelling

    response = browser.post(f"/invite/{token}", data={"name": "Newt Person",
                                                      "password": NEW_PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/welcome/"  # a short, skippable welcome first
    assert browser.get("/").status_code == 200
    assert browser.get("/api/v1/me").get_json()["name"] == "Newt Person"

    user = fetch_user(app, "new.person@example.com")
    assert user.name == "Newt Person"
    assert (user.role, user.team_name, user.led_names) == ("lead", "Sales", ["Sales"])
    assert [i.used_at is not None for i in invitations(app)] == [True]
    assert "person.joined" in actions(app)
    assert login(app.test_client(), user, NEW_PASSWORD).status_code == 303


def test_invitation_link_works_only_once(app, admin_client, browser):
    token = link_token(invite(admin_client))
    data = {"name": "New Person", "password": NEW_PASSWORD}
    assert browser.post(f"/invite/{token}", data=data).status_code == 303

    later = app.test_client()
    gone = later.get(f"/invite/{token}")
    assert gone.status_code == 404
    assert "This link no longer works" in gone.get_data(as_text=True)
    again = later.post(f"/invite/{token}", data={**data, "password": "another fine password"})
    assert again.status_code == 404
    assert login(later, "new.person@example.com", "another fine password").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id)).where(
            User.email == "new.person@example.com")) == 1


def test_invitation_link_expires_after_seven_days(app, admin_client, browser, monkeypatch):
    token = link_token(invite(admin_client))
    start = utcnow()
    monkeypatch.setattr("kudos.auth.operations.utcnow",
                        lambda: start + timedelta(days=6, hours=23))
    assert browser.get(f"/invite/{token}").status_code == 200
    monkeypatch.setattr("kudos.auth.operations.utcnow",
                        lambda: start + timedelta(days=7, minutes=1))
    response = browser.get(f"/invite/{token}")
    assert response.status_code == 404
    assert "This link no longer works" in response.get_data(as_text=True)
    response = browser.post(f"/invite/{token}", data={"name": "Late", "password": NEW_PASSWORD})
    assert response.status_code == 404
    assert fetch_user(app, "new.person@example.com") is None


def test_unknown_invitation_token_is_404(client):
    response = client.get("/invite/not-a-token-we-ever-gave-out")
    assert response.status_code == 404
    assert "This link no longer works" in response.get_data(as_text=True)


def test_common_password_is_refused_and_the_typed_name_kept(app, admin_client, browser):
    token = link_token(invite(admin_client))
    response = browser.post(f"/invite/{token}", data={"name": "Typed By Hand",
                                                      "password": "Password1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "one of the most common ones" in page
    assert 'value="Typed By Hand"' in page
    assert fetch_user(app, "new.person@example.com") is None
    # The refusal did not use the link up.
    assert browser.get(f"/invite/{token}").status_code == 200
    ok = browser.post(f"/invite/{token}", data={"name": "Typed By Hand",
                                                "password": NEW_PASSWORD})
    assert ok.status_code == 303


def test_short_password_is_refused(app, admin_client, browser):
    token = link_token(invite(admin_client))
    response = browser.post(f"/invite/{token}", data={"name": "New Person",
                                                      "password": "short"})
    assert response.status_code == 422
    assert "Use at least 8 characters." in response.get_data(as_text=True)
    assert fetch_user(app, "new.person@example.com") is None
    assert browser.get("/").status_code == 302  # not signed in


def test_password_equal_to_the_email_name_is_refused(admin_client, browser):
    token = link_token(invite(admin_client, email="correcthorse@example.com"))
    response = browser.post(f"/invite/{token}", data={"name": "Horse",
                                                      "password": "CorrectHorse"})
    assert response.status_code == 422
    assert "cannot be your email address or your name" in response.get_data(as_text=True)


# --- changing role, team and led teams ----------------------------------------------------


def edit(client, person, *, role, team=None, led=()):
    return client.post(f"/admin/people/{person.id}", data={
        "role": role, "team_id": team.id if team else 0,
        "led_team_ids": [t.id for t in led],
    })


def test_admin_makes_someone_lead_of_teams_then_member_again(app, admin_client, make):
    sales, care = make.team("Sales"), make.team("Care")
    person = make.user("Hugo Martin", email="hugo@example.com")
    response = edit(admin_client, person, role="lead", team=sales, led=[sales, care])
    assert response.status_code == 303
    assert "Hugo Martin is updated." in admin_client.get(
        response.headers["Location"]).get_data(as_text=True)
    user = fetch_user(app, "hugo@example.com")
    assert (user.role, user.team_name, user.led_names) == ("lead", "Sales", ["Care", "Sales"])

    assert edit(admin_client, person, role="member", team=care, led=[sales]).status_code == 303
    user = fetch_user(app, "hugo@example.com")
    assert (user.role, user.team_name, user.led_names) == ("member", "Care", [])
    assert actions(app).count("person.changed") == 2


def test_a_lead_must_lead_at_least_one_team(app, admin_client, make):
    sales = make.team("Sales")
    person = make.user("Hugo Martin", email="hugo@example.com", team=sales)
    response = edit(admin_client, person, role="lead", team=sales)
    assert response.status_code == 422
    assert "A lead leads at least one team" in response.get_data(as_text=True)
    user = fetch_user(app, "hugo@example.com")
    assert (user.role, user.led_names) == ("member", [])
    assert "person.changed" not in actions(app)


def test_the_last_admin_cannot_be_demoted(app, admin_client, admin):
    response = edit(admin_client, admin, role="member")
    assert response.status_code == 422
    assert "This is the last admin" in response.get_data(as_text=True)
    assert fetch_user(app, admin.email).role == "admin"
    assert admin_client.get("/admin/").status_code == 200


def test_an_admin_can_be_demoted_when_another_remains(app, admin_client, admin, make):
    make.user("Second Admin", role="admin")
    assert edit(admin_client, admin, role="member").status_code == 303
    assert fetch_user(app, admin.email).role == "member"
    assert admin_client.get("/admin/").status_code == 403  # takes effect at once


def test_archived_team_cannot_be_picked(app, admin_client, make):
    old = make.team("Old team")
    with app.app_context():
        db.session.get(Team, old.id).archived_at = utcnow()
        db.session.commit()
    person = make.user("Hugo Martin", email="hugo@example.com")
    assert edit(admin_client, person, role="member", team=old).status_code == 422
    assert fetch_user(app, "hugo@example.com").team_id is None


def test_erased_or_unknown_person_page_is_404(admin_client, make):
    gone = make.user(erased_at=utcnow(), active=False)
    assert admin_client.get(f"/admin/people/{gone.id}").status_code == 404
    assert admin_client.get("/admin/people/999999").status_code == 404


# --- deactivating and reactivating --------------------------------------------------------


def test_deactivation_ends_their_open_session_at_once(app, admin_client, member, browser):
    assert login(browser, member).status_code == 303
    assert browser.get("/").status_code == 200

    response = admin_client.post(f"/admin/people/{member.id}/deactivate",
                                 data={"reason": "left the company"})
    assert response.status_code == 303
    assert "can no longer sign in" in admin_client.get(
        response.headers["Location"]).get_data(as_text=True)

    assert browser.get("/").status_code == 302
    assert browser.get("/settings/").headers["Location"].startswith("/login")
    assert "do not match" in login(browser, member).get_data(as_text=True)
    assert fetch_user(app, member.email).active is False
    with app.app_context():
        entry = db.session.scalar(
            db.select(AuditLog).where(AuditLog.action == "person.deactivated"))
        assert (entry.target_id, entry.details["reason"]) == (member.id, "left the company")


def test_admin_cannot_deactivate_themself(app, admin_client, admin):
    response = admin_client.post(f"/admin/people/{admin.id}/deactivate", data={"reason": ""},
                                 follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert fetch_user(app, admin.email).active is True
    assert admin_client.get("/admin/").status_code == 200
    assert "person.deactivated" not in actions(app)


def test_reactivated_person_can_sign_in_again_but_old_sessions_stay_ended(
        app, admin_client, member, browser):
    login(browser, member)
    admin_client.post(f"/admin/people/{member.id}/deactivate", data={"reason": ""})
    response = admin_client.post(f"/admin/people/{member.id}/reactivate",
                                 follow_redirects=True)
    assert "can sign in again" in response.get_data(as_text=True)
    assert fetch_user(app, member.email).active is True
    assert browser.get("/").status_code == 302  # the session ended on deactivation
    assert login(browser, member).status_code == 303
    assert browser.get("/").status_code == 200
    assert "person.reactivated" in actions(app)


# --- finding people -----------------------------------------------------------------------


@pytest.fixture
def colleagues(make):
    make.user("Hugo Martin", email="hugo.martin@example.com")
    make.user("Sofia Rossi", email="sofia@example.com")
    make.user("Nathan Moreau", email="nathan.m@example.org")


def test_htmx_search_returns_only_the_results_fragment(admin_client, colleagues):
    response = admin_client.get("/admin/people?q=hugo", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Hugo Martin" in body
    assert "Sofia Rossi" not in body
    assert "<html" not in body and "people-search" not in body and "<nav" not in body
    assert "<table" in body
    assert "HX-Request" in response.headers.get("Vary", "")


def test_search_without_htmx_returns_the_whole_page(admin_client, colleagues):
    response = admin_client.get("/admin/people?q=hugo")
    body = response.get_data(as_text=True)
    assert "<html" in body and 'id="people-search"' in body and 'value="hugo"' in body
    assert "Hugo Martin" in body and "Sofia Rossi" not in body


def test_boosted_navigation_gets_the_whole_page(admin_client, colleagues):
    response = admin_client.get("/admin/people",
                                headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_search_matches_email_and_says_when_nobody_matches(admin_client, colleagues):
    found = admin_client.get("/admin/people?q=EXAMPLE.ORG", headers={"HX-Request": "true"})
    assert "Nathan Moreau" in found.get_data(as_text=True)
    assert "Hugo Martin" not in found.get_data(as_text=True)
    none = admin_client.get("/admin/people?q=zzz", headers={"HX-Request": "true"})
    assert "Nobody matches" in none.get_data(as_text=True)


# --- who may open admin pages -------------------------------------------------------------


def admin_routes(app) -> list[tuple[str, str]]:
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/admin"):
                continue
            values = {arg: "teams" if arg == "kind" else 1 for arg in rule.arguments}
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, url_for(rule.endpoint, **values)))
    return routes


def test_members_and_leads_get_403_on_every_admin_page(app, make):
    routes = admin_routes(app)
    assert len(routes) >= 12
    team = make.team("Sales")
    member = make.user(team=team)
    lead = make.user(role="lead", team=team, leads=[team])
    for person in (member, lead):
        client = app.test_client()
        assert login(client, person).status_code == 303
        refused = {(method, path): client.open(path, method=method,
                                               data={"name": "Sneaky", "role": "admin"})
                   for method, path in routes}
        wrong = {route: r.status_code for route, r in refused.items() if r.status_code != 403}
        assert wrong == {}
        _, page = next(iter(refused.items()))
        assert "This page is not open to your role." in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Team.id))) == 1
        assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 0
        assert db.session.get(User, member.id).role == "member"
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)  # not in the menu


def test_signed_out_visitor_is_sent_to_sign_in_from_admin(client):
    response = client.get("/admin/people")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/people")

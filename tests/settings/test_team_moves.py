"""Team membership is decided by the destination team's leads and the admins: a member asks
to move, a lead or an admin approves or declines, the person is told, every step is audited.
A member can no longer move themselves (and so read another team's team-only kudos)."""

import pytest
from sqlalchemy import select

from kudos.audit import AuditLog
from kudos.auth.models import User
from kudos.extensions import db
from kudos.notifications.models import Notification
from kudos.teams.models import TeamMoveRequest
from tests.conftest import login
from tests.recognition.helpers import client_for, give, page_text


@pytest.fixture
def teams(make):
    return {"design": make.team("Design"), "sales": make.team("Sales"),
            "ops": make.team("Ops")}


@pytest.fixture
def people(make, teams):
    return {
        "awa": make.user("Awa Diallo", email="awa@example.com", team=teams["design"]),
        "sam": make.user("Sam Sales", email="sam@example.com", team=teams["sales"]),
        "sue": make.user("Sue Seller", email="sue@example.com", team=teams["sales"]),
        "lina": make.user("Lina Lead", email="lina@example.com", role="lead",
                          team=teams["sales"], leads=[teams["sales"]]),
        "otto": make.user("Otto Ops", email="otto@example.com", role="lead",
                          team=teams["ops"], leads=[teams["ops"]]),
        "claire": make.user("Claire Admin", email="claire@example.com", role="admin"),
    }


def team_of(app, person) -> int | None:
    with app.app_context():
        return db.session.get(User, person.id).team_id


def actions(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()


def kinds(app, person) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(Notification.kind).where(
            Notification.user_id == person.id)).all()


def ask(client, team, note="I work with them every day"):
    return client.post("/settings/team", data={"to_team_id": str(team.id), "note": note})


def request_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(TeamMoveRequest.id).order_by(
            TeamMoveRequest.id.desc()).limit(1))


def test_a_member_cannot_move_themselves_through_the_settings_form(app, people, teams):
    """The assessment's bypass: POST /settings/ with team_id, then read the team's past
    team-only kudos."""
    secret = give(app, people["sam"], people["sue"], message="Sales-only thanks",
                  visibility="team")
    awa = client_for(app, people["awa"])
    response = awa.post("/settings/", data={
        "name": "Awa Diallo", "team_id": str(teams["sales"].id), "timezone": "Europe/Paris",
        "working_days": ["1"], "work_start": "09:00", "work_end": "18:00",
        "digest_frequency": "weekly", "notify_mode": "live"})
    assert response.status_code == 303
    assert team_of(app, people["awa"]) == teams["design"].id
    assert awa.get(f"/kudos/{secret}").status_code == 404
    assert "Sales-only thanks" not in page_text(awa.get("/"))


def test_asking_shows_on_the_settings_page_and_tells_the_leads_and_admins(app, people,
                                                                          teams):
    awa = client_for(app, people["awa"])
    page = page_text(awa.get("/settings/"))
    assert "You are in Design." in page
    response = ask(awa, teams["sales"])
    assert response.status_code == 303
    page = page_text(awa.get("/settings/"))
    assert "Your request to join Sales is sent." in page
    assert "You asked to join Sales" in page
    assert team_of(app, people["awa"]) == teams["design"].id  # not moved yet
    assert kinds(app, people["lina"]) == ["move_asked"]
    assert kinds(app, people["claire"]) == ["move_asked"]
    assert kinds(app, people["otto"]) == []  # not a lead of Sales
    bell = page_text(client_for(app, people["lina"]).get("/notifications/"))
    assert "Awa Diallo asks to join a team you lead" in bell
    assert "team.move_requested" in actions(app)


def test_the_destination_lead_sees_and_approves_and_the_person_gets_the_team(app, people,
                                                                               teams):
    secret = give(app, people["sam"], people["sue"], message="Sales-only thanks",
                  visibility="team")
    awa = client_for(app, people["awa"])
    ask(awa, teams["sales"])
    lina = client_for(app, people["lina"])
    page = page_text(lina.get("/teams/requests"))
    assert "Awa Diallo asks to move from Design to Sales" in page
    assert "I work with them every day" in page
    move = request_id(app)
    response = lina.post(f"/teams/requests/{move}/approve", data={"decision_note": "Welcome!"})
    assert response.status_code == 303
    assert "Awa Diallo is now in Sales." in page_text(lina.get("/teams/requests"))
    assert team_of(app, people["awa"]) == teams["sales"].id
    # A member of the team now: its team-only kudos, past ones included, open to them.
    assert awa.get(f"/kudos/{secret}").status_code == 200
    assert kinds(app, people["awa"]) == ["move_approved"]
    assert "Your request to move team was approved" in page_text(awa.get("/notifications/"))
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(
            AuditLog.action == "team.move_approved"))
        assert entry.actor_id == people["lina"].id
        assert entry.details["before"] == teams["design"].id
        assert entry.details["after"] == teams["sales"].id


def test_a_declined_request_leaves_the_person_where_they_were_and_tells_them(app, people,
                                                                              teams):
    awa = client_for(app, people["awa"])
    ask(awa, teams["sales"])
    claire = client_for(app, people["claire"])
    move = request_id(app)
    assert claire.post(f"/teams/requests/{move}/decline").status_code == 303
    assert team_of(app, people["awa"]) == teams["design"].id
    assert kinds(app, people["awa"]) == ["move_declined"]
    assert "team.move_declined" in actions(app)
    # Decided once: a second decision finds nothing.
    assert claire.post(f"/teams/requests/{move}/approve").status_code == 404
    assert team_of(app, people["awa"]) == teams["design"].id


def test_a_lead_of_another_team_neither_sees_nor_decides(app, people, teams):
    ask(client_for(app, people["awa"]), teams["sales"])
    otto = client_for(app, people["otto"])
    assert "Awa Diallo" not in page_text(otto.get("/teams/requests"))
    move = request_id(app)
    assert otto.post(f"/teams/requests/{move}/approve").status_code == 404
    assert team_of(app, people["awa"]) == teams["design"].id
    member = client_for(app, people["sam"])
    assert member.get("/teams/requests").status_code == 403
    assert member.post(f"/teams/requests/{move}/approve").status_code == 403


def test_a_new_request_replaces_the_pending_one_and_a_request_can_be_withdrawn(app, people,
                                                                               teams):
    awa = client_for(app, people["awa"])
    ask(awa, teams["sales"])
    ask(awa, teams["ops"])
    with app.app_context():
        statuses = db.session.execute(select(TeamMoveRequest.to_team_id, TeamMoveRequest.status)
                                      .order_by(TeamMoveRequest.id)).all()
    assert statuses == [(teams["sales"].id, "cancelled"), (teams["ops"].id, "pending")]
    assert "Awa Diallo" not in page_text(client_for(app, people["lina"]).get("/teams/requests"))
    assert awa.post("/settings/team/cancel").status_code == 303
    assert "Awa Diallo" not in page_text(client_for(app, people["otto"]).get("/teams/requests"))
    assert "you stay in your team" in page_text(awa.get("/settings/"))


def test_asking_for_ones_own_team_or_an_unknown_one_is_refused(app, people, teams):
    awa = client_for(app, people["awa"])
    response = ask(awa, teams["design"])
    assert response.status_code == 422
    assert "You are already in this team." in page_text(response)
    unknown = ask(awa, type("T", (), {"id": 987654})())
    assert unknown.status_code == 422
    assert "Please choose a team from the list." in page_text(unknown)
    assert ask(awa, teams["sales"], note="x" * 301).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(TeamMoveRequest.id)) is None


def test_deactivating_someone_cancels_their_pending_request(app, people, teams):
    ask(client_for(app, people["awa"]), teams["sales"])
    claire = client_for(app, people["claire"])
    assert claire.post(f"/admin/people/{people['awa'].id}/deactivate",
                       data={"reason": "left"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(TeamMoveRequest.status)) == "cancelled"
    assert "Awa Diallo" not in page_text(client_for(app, people["lina"]).get("/teams/requests"))


def test_the_requests_page_reads_in_french(app, people, teams):
    ask(client_for(app, people["awa"]), teams["sales"])
    lina = app.test_client()
    login(lina, people["lina"])
    page = page_text(lina.get("/teams/requests", headers={"Accept-Language": "fr"}))
    assert "Demandes d’équipe" in page
    assert "Awa Diallo demande à passer de Design à Sales" in page

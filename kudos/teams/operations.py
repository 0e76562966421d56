"""Asking to move to another team, and deciding. A person never moves themselves: team-only
kudos (with their comments) and a team's campaigns open to its members, so who is in a team
is for the destination team's leads and the admins to decide. Every step is audited."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from kudos import audit, outbox
from kudos.auth.models import Team, User, active_users
from kudos.domain.errors import Invalid, NotFound
from kudos.extensions import db
from kudos.notifications.operations import deliver
from kudos.sqltypes import utcnow
from kudos.teams.models import TeamMoveRequest

NOTE_MAX = 300


def _note(text: str | None, field: str) -> str:
    note = " ".join((text or "").split())
    if len(note) > NOTE_MAX:
        raise Invalid(field, _("Please keep it under %(n)s characters (it has %(len)s).",
                               n=NOTE_MAX, len=len(note)))
    return note


def pending_request(user: User) -> TeamMoveRequest | None:
    return db.session.scalar(select(TeamMoveRequest).where(
        TeamMoveRequest.user_id == user.id, TeamMoveRequest.status == "pending"))


def ask_to_move(user: User, team_id: int | None, note: str = "") -> TeamMoveRequest:
    """Ask to join team `team_id`. A pending request of the person's is replaced."""
    team = db.session.get(Team, team_id) if team_id else None
    if team is None or team.archived_at is not None:
        raise Invalid("to_team_id", _("Please choose a team from the list."))
    if team.id == user.team_id:
        raise Invalid("to_team_id", _("You are already in this team."))
    note = _note(note, "note")
    earlier = pending_request(user)
    if earlier is not None:
        earlier.status = "cancelled"
        earlier.decided_at = utcnow()
        audit.record(user, "team.move_cancelled", earlier, replaced=True)
    request = TeamMoveRequest(user_id=user.id, from_team_id=user.team_id, to_team_id=team.id,
                              note=note)
    db.session.add(request)
    audit.record(user, "team.move_requested", request, from_team_id=user.team_id,
                 to_team_id=team.id)
    db.session.flush()
    outbox.publish(notify_deciders, request.id)
    db.session.commit()
    outbox.flush()
    return request


def cancel(user: User, request: TeamMoveRequest) -> None:
    """The person takes their request back."""
    if request.user_id != user.id or request.status != "pending":
        raise NotFound(_("There is no such request."))
    request.status = "cancelled"
    request.decided_at = utcnow()
    audit.record(user, "team.move_cancelled", request)
    db.session.commit()


def cancel_all(actor: User | None, user: User, reason: str) -> None:
    """Cancel a person's pending request (deactivated or erased: nobody is left to move).
    The caller commits."""
    for request in db.session.scalars(select(TeamMoveRequest).where(
            TeamMoveRequest.user_id == user.id, TeamMoveRequest.status == "pending")):
        request.status = "cancelled"
        request.decided_at = utcnow()
        audit.record(actor, "team.move_cancelled", request, reason=reason)


def may_decide(actor: User, request: TeamMoveRequest) -> bool:
    """Admins, and the leads of the team the person asks to join."""
    return actor.is_admin or (actor.is_lead and any(
        t.id == request.to_team_id for t in actor.led_teams))


def to_decide(actor: User) -> list[TeamMoveRequest]:
    """The pending requests `actor` may decide, oldest first."""
    query = (select(TeamMoveRequest).join(User, User.id == TeamMoveRequest.user_id)
             .where(TeamMoveRequest.status == "pending", User.active.is_(True),
                    User.erased_at.is_(None))
             .order_by(TeamMoveRequest.created_at, TeamMoveRequest.id))
    if not actor.is_admin:
        query = query.where(TeamMoveRequest.to_team_id.in_([t.id for t in actor.led_teams]))
    return list(db.session.scalars(query))


def decide(actor: User, request: TeamMoveRequest, approve: bool, note: str = "") -> None:
    """Approve (the person joins the team now) or decline (they stay where they are); the
    person is told either way."""
    if request.status != "pending" or not may_decide(actor, request):
        raise NotFound(_("There is no such request."))
    note = _note(note, "decision_note")
    person = request.user
    if approve and (request.to_team.archived_at is not None or not person.is_active):
        raise Invalid("decision_note", _("This team is archived or this person left: the "
                                         "request can only be declined."))
    # A conditional update: two leads deciding at once decide once.
    claimed = db.session.execute(
        update(TeamMoveRequest)
        .where(TeamMoveRequest.id == request.id, TeamMoveRequest.status == "pending")
        .values(status="approved" if approve else "declined", decided_at=utcnow(),
                decided_by_id=actor.id, decision_note=note)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise NotFound(_("There is no such request."))
    if approve:
        before = person.team_id
        person.team_id = request.to_team_id
        audit.record(actor, "team.move_approved", request, person_id=person.id,
                     before=before, after=request.to_team_id)
    else:
        audit.record(actor, "team.move_declined", request, person_id=person.id)
    outbox.publish(notify_person, request.id)
    db.session.commit()
    outbox.flush()


# --- jobs (through the outbox) -------------------------------------------------------------


def notify_deciders(request_id: int) -> None:
    """Tell the destination team's leads (and the admins) that someone asks to join."""
    request = db.session.get(TeamMoveRequest, request_id)
    if request is None or request.status != "pending":
        return
    deciders = db.session.scalars(active_users().where(User.role == "admin")).all()
    deciders += [lead for lead in request.to_team.leads if lead.is_active]
    for person_id in sorted({d.id for d in deciders} - {request.user_id}):
        deliver(person_id, "move_asked", f"move_asked:{request.id}:{person_id}",
                actor_id=request.user_id, team_id=request.to_team_id)


def notify_person(request_id: int) -> None:
    request = db.session.get(TeamMoveRequest, request_id)
    if request is None or request.status not in ("approved", "declined"):
        return
    kind = f"move_{request.status}"
    deliver(request.user_id, kind, f"{kind}:{request.id}", actor_id=request.decided_by_id,
            team_id=request.to_team_id)

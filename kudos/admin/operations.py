"""What admins do to people, teams, values and topics. Every change is audited."""

from flask_babel import gettext as _
from sqlalchemy import func, or_, update

from kudos import audit
from kudos.admin.models import Topic, Value
from kudos.auth.models import ROLES, ApiToken, Invitation, Team, User
from kudos.auth.operations import end_all_sessions
from kudos.charter.operations import reviewed_subquery as charter_reviewed
from kudos.domain.errors import Invalid
from kudos.domain.text import refuse_invisible
from kudos.extensions import db
from kudos.sqltypes import utcnow
from kudos.teams import operations as team_moves

# The three admin-curated lists share one shape: a name, a description, archivable.
CATALOGS = {"teams": Team, "values": Value, "topics": Topic}


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        db.select(func.count(User.id)).where(
            User.role == "admin", User.active.is_(True), User.id != user.id
        )
    )


def update_person(
    actor: User, person: User, *, role: str, team_id: int | None, led_team_ids: list[int]
) -> None:
    """Change someone's role, team and the teams they lead."""
    if role not in ROLES:
        raise Invalid("role", _("Please choose a role."))
    if person.is_admin and role != "admin" and _other_active_admins(person) == 0:
        raise Invalid("role", _("This is the last admin; make someone else an admin first."))
    team = _live_team(team_id, "team_id") if team_id else None
    led = [_live_team(team_id, "led_team_ids") for team_id in set(led_team_ids)]
    if role == "lead" and not led:
        raise Invalid("led_team_ids", _("A lead leads at least one team: please pick it."))
    before = {"role": person.role, "team_id": person.team_id,
              "led": sorted(t.id for t in person.led_teams)}
    person.role = role
    person.team_id = team.id if team else None
    person.led_teams = led if role == "lead" else []
    after = {"role": role, "team_id": person.team_id, "led": sorted(t.id for t in led)}
    if before != after:
        audit.record(actor, "person.changed", person, before=before, after=after)
    db.session.commit()


def _live_team(team_id: int, field: str) -> Team:
    team = db.session.get(Team, team_id)
    if team is None or team.archived_at is not None:
        raise Invalid(field, _("Please choose a team from the list."))
    return team


def deactivate(actor: User, person: User, reason: str = "") -> None:
    """Stop someone from signing in; their sessions and tokens stop working at once."""
    if person.id == actor.id:
        raise Invalid("person", _("You cannot deactivate your own account."))
    if person.is_admin and _other_active_admins(person) == 0:
        raise Invalid("person", _("This is the last admin; make someone else an admin first."))
    person.active = False
    person.deactivated_at = utcnow()
    end_all_sessions(person, commit=False)
    # Tokens end too: a reactivated person starts again with new ones.
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == person.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    team_moves.cancel_all(actor, person, "deactivated")
    audit.record(actor, "person.deactivated", person, reason=reason[:300])
    db.session.commit()


def reactivate(actor: User, person: User) -> None:
    if person.erased_at is not None:
        raise Invalid("person", _("An erased account cannot come back."))
    person.active = True
    person.deactivated_at = None
    audit.record(actor, "person.reactivated", person)
    db.session.commit()


def save_entry(actor: User, kind: str, entry=None, *, name: str, description: str = "",
               name_fr: str | None = None):
    """Create (entry None) or rename a team, value or topic; names are unique per kind.
    Values and topics also have a French name (`name_fr`, optional: French readers see the
    English one when it is empty), unique among the French names of their kind."""
    model = CATALOGS[kind]
    name = _clean_name(name, "name")
    has_french = hasattr(model, "name_fr")
    name_fr = " ".join((name_fr or "").split()) if has_french else ""
    if name_fr:
        _clean_name(name_fr, "name_fr")
    description = (description or "").strip()
    if len(description) > 300:
        raise Invalid("description", _("Please keep the description under 300 characters."))
    clash = _same_name(model, model.name, name)
    if clash is not None and clash is not entry:
        raise Invalid("name", _("“%(name)s” already exists.", name=clash.name))
    clash = _same_name(model, model.name_fr, name_fr) if name_fr else None
    if clash is not None and clash is not entry:
        raise Invalid("name_fr", _("“%(name)s” already exists.", name=clash.name_fr))
    fields = {"name": name, "description": description}
    # The audit names the French name only where there is or was one.
    if has_french and (name_fr or (entry is not None and entry.name_fr)):
        fields["name_fr"] = name_fr or None
    if entry is None:
        entry = model(**fields)
        db.session.add(entry)
        audit.record(actor, f"{kind}.created", entry, **{k: v for k, v in fields.items()
                                                         if k != "description"})
    else:
        audit.record(actor, f"{kind}.changed", entry,
                     before={key: getattr(entry, key) for key in fields}, after=fields)
        for key, value in fields.items():
            setattr(entry, key, value)
    db.session.commit()
    return entry


def _clean_name(name: str | None, field: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(field, _("Please enter a name."))
    if len(name) > 60:
        raise Invalid(field, _("Please keep the name under 60 characters."))
    refuse_invisible(name, field)
    return name


def _same_name(model, column, name: str):
    """An entry of `model` whose `column` is `name`, whatever the case."""
    # The exact name too: SQLite's lower() leaves non-ASCII letters ("Élan") as they are.
    return db.session.scalar(
        db.select(model).where(or_(column == name, func.lower(column) == name.lower())).limit(1)
    )


def set_archived(actor: User, kind: str, entry, archived: bool) -> None:
    """Archive (hide from choices, keep history) or restore an entry."""
    entry.archived_at = utcnow() if archived else None
    audit.record(actor, f"{kind}.{'archived' if archived else 'restored'}", entry)
    db.session.commit()


def setup_checklist() -> list[dict]:
    """An admin's first steps, each done or not, counted in one query."""
    def live(model):
        return (db.select(func.count(model.id)).where(model.archived_at.is_(None))
                .scalar_subquery())

    teams, values, topics, people, invitations, charter = db.session.execute(
        db.select(live(Team), live(Value), live(Topic),
                  db.select(func.count(User.id)).scalar_subquery(),
                  db.select(func.count(Invitation.id)).scalar_subquery(),
                  charter_reviewed())
    ).one()
    return [
        {"key": "teams", "done": teams > 0},
        {"key": "values", "done": values > 0},
        {"key": "topics", "done": topics > 0},
        {"key": "people", "done": people > 1 or invitations > 0},
        {"key": "charter", "done": charter > 0},
    ]

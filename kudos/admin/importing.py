"""Importing people from a CSV file: all rows or none."""

from collections.abc import Iterable

from flask_babel import gettext as _

from kudos import audit
from kudos.auth.models import ROLES, Team, User
from kudos.auth.operations import clean_name, new_invitation, normalise_email
from kudos.domain.errors import Invalid
from kudos.extensions import db

HEADER = ["email", "name", "team", "role"]


def parse_people_csv(reader: Iterable[list[str]]) -> tuple[list[dict], list[tuple[int, str]]]:
    """Check every row; return the clean rows and the problems as (line number, message)."""
    rows: list[dict] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    existing = set(db.session.scalars(db.select(User.email)))
    for line, raw in enumerate(reader, start=1):
        cells = [c.strip() for c in raw]
        if line == 1 and [c.lower() for c in cells[:4]] == HEADER:
            continue
        if not any(cells):
            continue
        if len(cells) != 4:
            problems.append((line, _("expected 4 columns (email,name,team,role), found %(n)s",
                                     n=len(cells))))
            continue
        email, name, team, role = cells
        try:
            email = normalise_email(email)
            name = clean_name(name)
        except Invalid as error:
            problems.append((line, f"{error.field}: {error.message}"))
            continue
        role = (role or "member").lower()
        if role not in ROLES:
            problems.append((line, _("role must be one of %(roles)s", roles=", ".join(ROLES))))
        elif email in existing:
            problems.append((line, _("%(email)s already has an account", email=email)))
        elif email in seen:
            problems.append((line, _("%(email)s is also on line %(other)s", email=email,
                                     other=seen[email])))
        elif role == "lead" and not team:
            problems.append((line, _("a lead needs a team")))
        elif len(team) > 60:
            problems.append((line, _("the team name is longer than 60 characters")))
        else:
            seen[email] = line
            rows.append({"email": email, "name": name, "team": team, "role": role})
    return rows, problems


def import_people(rows: list[dict], actor: User | None = None) -> list[tuple[str, str]]:
    """Create the people (teams too, when new) in one transaction. Each gets an activation
    link to choose a password; returns (email, secret) pairs."""
    teams = {t.name.lower(): t for t in db.session.scalars(db.select(Team))}
    links = []
    for row in rows:
        team = None
        if row["team"]:
            team = teams.get(row["team"].lower())
            if team is None:
                team = teams[row["team"].lower()] = Team(name=row["team"])
                db.session.add(team)
        user = User(email=row["email"], name=row["name"], role=row["role"], team=team)
        if row["role"] == "lead" and team is not None:
            user.led_teams.append(team)
        db.session.add(user)
        db.session.flush()
        _invitation, token = new_invitation("activate", user.email, user.name, user.role,
                                              team, actor)
        links.append((user.email, token))
    audit.record(actor, "people.imported", None, count=len(rows))
    db.session.commit()
    return links

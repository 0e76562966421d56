"""Importing people from a CSV file (email,name,team,role), line by line with a report.

People who already have an account are skipped and reported; the others are created, each
with an activation link. A file with a bad row imports nothing unless asked to import the
good rows anyway (`skip_bad_rows`). The CLI (`flask import-users`) and the admin pages call
`import_people`, which returns a structured per-line report.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from kudos import audit
from kudos.auth.models import ROLES, Team, User
from kudos.auth.operations import clean_name, new_invitation, normalise_email
from kudos.bulk import analyze
from kudos.domain.errors import Conflict, Invalid
from kudos.extensions import db

HEADER = ["email", "name", "team", "role"]
TEAM_NAME_MAX = 60

# What happened to a line (`LineReport.status`).
CREATED = "created"  # a new account, with its activation link
READY = "ready"  # would be created: a check only, or the file was refused for other lines
EXISTS = "exists"  # the email already has an account: skipped, nothing changed
INVALID = "invalid"  # a problem with the row (the message says which); nothing from it


@dataclass
class LineReport:
    """One line of the file and what became of it."""

    line: int
    status: str
    email: str | None = None
    name: str | None = None
    message: str | None = None
    field: str | None = None
    # The activation link's one-time secret, for created people only (shown or sent once).
    secret: str | None = None
    team: str = ""
    role: str = "member"


@dataclass
class PeopleImport:
    """The whole file: every line's report, and whether anything was written."""

    lines: list[LineReport]
    imported: bool

    def with_status(self, status: str) -> list[LineReport]:
        return [line for line in self.lines if line.status == status]

    @property
    def created(self) -> list[LineReport]:
        return self.with_status(CREATED)

    @property
    def skipped(self) -> list[LineReport]:
        return self.with_status(EXISTS)

    @property
    def problems(self) -> list[LineReport]:
        return self.with_status(INVALID)


def _rows(stream: TextIO) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(line, cells, None) for each row, the line being where it starts in the file; a file
    that cannot be read further ends with (line, None, why)."""
    reader = csv.reader(stream)
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            yield start, cells, None
    except UnicodeDecodeError:
        yield line, None, _("this is not UTF-8 text: save the file as CSV UTF-8 and import it "
                            "again")
    except csv.Error as error:
        yield line, None, _("the file cannot be read past this line (%(error)s)",
                            error=str(error))


def _check(line: int, cells: list[str], existing: set[str], seen: dict[str, int]) -> LineReport:
    """One row's report: READY, EXISTS or INVALID (nothing is written here)."""
    cells = [c.strip() for c in cells]
    if len(cells) != 4:
        return LineReport(line, INVALID, message=_(
            "expected 4 columns (email,name,team,role), found %(n)s", n=len(cells)))
    if any("\x00" in c for c in cells):
        return LineReport(line, INVALID, message=_("the row holds a NUL character"))
    email, name, team, role = cells
    try:
        email = normalise_email(email)
        name = clean_name(name)
    except Invalid as error:
        return LineReport(line, INVALID, email=email or None, field=error.field,
                          message=f"{error.field}: {error.message}")
    report = LineReport(line, READY, email=email, name=name, team=team,
                        role=(role or "member").lower())
    if report.role not in ROLES:
        report.status, report.field = INVALID, "role"
        report.message = _("role must be one of %(roles)s", roles=", ".join(ROLES))
    elif email in existing:
        report.status = EXISTS
        report.message = _("%(email)s already has an account: skipped", email=email)
    elif email in seen:
        report.status, report.field = INVALID, "email"
        report.message = _("%(email)s is also on line %(other)s", email=email,
                           other=seen[email])
    elif report.role == "lead" and not team:
        report.status, report.field = INVALID, "team"
        report.message = _("a lead needs a team")
    elif len(team) > TEAM_NAME_MAX:
        report.status, report.field = INVALID, "team"
        report.message = _("the team name is longer than 60 characters")
    else:
        seen[email] = line
    return report


def check_people(stream: TextIO) -> PeopleImport:
    """Read the file and report every line, writing nothing."""
    existing = set(db.session.scalars(db.select(User.email)))
    seen: dict[str, int] = {}
    lines: list[LineReport] = []
    for line, cells, unreadable in _rows(stream):
        if cells is None:
            lines.append(LineReport(line, INVALID, message=unreadable))
            break
        stripped = [c.strip() for c in cells]
        if not any(stripped) or (line == 1 and [c.lower() for c in stripped[:4]] == HEADER):
            continue
        lines.append(_check(line, cells, existing, seen))
    return PeopleImport(lines, imported=False)


def import_people(stream: TextIO, actor: User | None = None, *, skip_bad_rows: bool = False,
                  dry_run: bool = False) -> PeopleImport:
    """Create the people of a CSV file (teams too, when new), each with an activation link,
    in one transaction. People who already have an account are skipped (EXISTS). A bad row
    (INVALID) stops the whole file unless `skip_bad_rows`; `dry_run` only checks. Every line
    gets a report; created lines carry their link's one-time secret."""
    report = check_people(stream)
    if dry_run or (report.problems and not skip_bad_rows):
        return report
    ready = report.with_status(READY)
    try:
        _create(ready, actor)
        if ready:
            audit.record(actor, "people.imported", None, count=len(ready),
                         skipped=len(report.skipped), refused=len(report.problems))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Someone created one of these accounts at the same time. Nothing was "
                         "imported; import the file again (existing accounts are skipped)."
                         )) from None
    for line in ready:
        line.status = CREATED
    report.imported = bool(ready)
    if ready:
        analyze("users", "teams", "team_leads", "invitations")
    return report


def _create(ready: list[LineReport], actor: User | None) -> None:
    """The people (and new teams) of the READY lines, in the session; the caller commits."""
    teams = {t.name.lower(): t for t in db.session.scalars(db.select(Team))}
    for line in ready:
        team = None
        if line.team:
            team = teams.get(line.team.lower())
            if team is None:
                team = teams[line.team.lower()] = Team(name=line.team)
                db.session.add(team)
        user = User(email=line.email, name=line.name, role=line.role, team=team)
        if line.role == "lead" and team is not None:
            user.led_teams.append(team)
        db.session.add(user)
        db.session.flush()
        _invitation, line.secret = new_invitation("activate", user.email, user.name, user.role,
                                                  team, actor)

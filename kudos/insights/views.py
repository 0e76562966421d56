"""Insights pages: a team's rhythm for its leads, the company's for admins, one's own."""

from datetime import date, datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from kudos import outbox
from kudos.auth.models import Team, User, active_users
from kudos.calendar.operations import company_today, person_calendar
from kudos.domain.groups import large_enough
from kudos.extensions import db
from kudos.insights import chart, figures, operations
from kudos.insights.models import Backoff, FatigueSignal
from kudos.insights.suggestions import for_phase, phase_explanations, phase_names
from kudos.permissions import access, require
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.rules import current_rules
from kudos.sqltypes import utcnow

bp = Blueprint("insights", __name__, url_prefix="/insights")


@bp.context_processor
def _words() -> dict:
    return {"phase_words": phase_names(),
            "phase_help": phase_explanations(current_rules().launch_days)}
QUIET_DAYS = 60


def _since() -> datetime:
    return utcnow() - timedelta(days=operations.window_days() - 1)


def team_reading(team: Team) -> dict:
    members = list(db.session.scalars(select(User.id).where(
        active_users().whereclause, User.team_id == team.id)))
    return figures.for_group(operations.group_reading(members), len(members),
                             current_rules().min_group_size)


def _history(scope_type: str, scope_id: int) -> list[FatigueSignal]:
    rows = db.session.scalars(
        select(FatigueSignal).where(FatigueSignal.scope_type == scope_type,
                                    FatigueSignal.scope_id == scope_id)
        .order_by(FatigueSignal.day.desc()).limit(120)
    ).all()
    changes, last = [], None
    for row in reversed(rows):
        if row.phase != last:
            changes.append(row)
            last = row.phase
    return list(reversed(changes))[:10]


def _flows(team: Team) -> dict:
    """Kudos between this team and the others, in the last 90 days (counts only)."""
    since = utcnow() - timedelta(days=90)
    giver, recipient = aliased(User), aliased(User)
    rows = db.session.execute(
        select(giver.team_id, recipient.team_id, func.count())
        .select_from(Kudos).join(giver, giver.id == Kudos.giver_id)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .join(recipient, recipient.id == KudosRecipient.user_id)
        .where(Kudos.created_at >= since, Kudos.status == "published")
        .where((giver.team_id == team.id) | (recipient.team_id == team.id))
        .group_by(giver.team_id, recipient.team_id)
    ).all()
    names = dict(db.session.execute(select(Team.id, Team.name)).all())
    inside = sum(c for g, r, c in rows if g == team.id and r == team.id)
    given = sorted(((names.get(r, "—"), c) for g, r, c in rows if g == team.id and r != team.id),
                   key=lambda x: -x[1])
    received = sorted(((names.get(g, "—"), c) for g, r, c in rows
                       if r == team.id and g != team.id), key=lambda x: -x[1])
    return {"inside": inside, "given": given, "received": received}


def _quiet(team: Team) -> list[User]:
    """Colleagues nobody recognised for 60 days: a private hint for the lead to notice
    their work, never a list anyone else sees."""
    since = utcnow() - timedelta(days=QUIET_DAYS)
    recognised = select(KudosRecipient.user_id).join(Kudos, Kudos.id == KudosRecipient.kudos_id
                                                     ).where(Kudos.created_at >= since,
                                                             Kudos.status == "published")
    return db.session.scalars(
        active_users().where(User.team_id == team.id, User.id.not_in(recognised),
                             User.created_at < since).order_by(User.name)
    ).all()


@bp.get("/team/<int:team_id>")
@access("lead")
def team(team_id: int):
    team = db.get_or_404(Team, team_id)
    require("team.lead", team)
    reading = team_reading(team)
    if reading["since"]:
        reading["since"] = date.fromisoformat(reading["since"])
    start = datetime.fromisoformat(reading["start"]).date()
    # A small team: nothing that could point at one person (the chart's daily bars, the
    # flows, the quiet contributors); the phase, its history and suggestions stay.
    shown = reading["figures_shown"]
    return render_template(
        "insights/team.html", team=team, reading=reading,
        chart=chart.geometry(reading["series"], reading["phases"], start) if shown else None,
        history=_history("team", team.id), flows=_flows(team) if shown else None,
        quiet=_quiet(team) if shown else [],
        suggestions=for_phase(reading["phase"], team.id), rules=current_rules())


@bp.post("/scan")
@access("lead")
def scan():
    """Scan now: a job through the outbox (inline without Redis; with Redis away, it waits
    in the database and goes once Redis is back)."""
    outbox.publish(operations.scan_all)
    db.session.commit()
    outbox.flush()
    flash(_("The scan is on its way; the phases are up to date once it has run."), "success")
    return redirect(url_for("insights.index"), code=303)


@bp.get("/")
@access("lead")
def index():
    """The teams a lead leads (admins: all), with their latest stored phase."""
    teams = (db.session.scalars(select(Team).where(Team.archived_at.is_(None))
                                .order_by(Team.name)).all()
             if current_user.is_admin else current_user.led_teams)
    latest = {}
    for row in db.session.scalars(
        select(FatigueSignal).where(FatigueSignal.scope_type == "team",
                                    FatigueSignal.scope_id.in_([t.id for t in teams]))
        .order_by(FatigueSignal.day)
    ):
        latest[row.scope_id] = row
    company = None
    if current_user.is_admin:
        company = db.session.scalar(
            select(FatigueSignal).where(FatigueSignal.scope_type == "company")
            .order_by(FatigueSignal.day.desc()).limit(1))
    sizes = dict(db.session.execute(
        select(User.team_id, func.count(User.id))
        .where(active_users().whereclause, User.team_id.in_([t.id for t in teams]))
        .group_by(User.team_id)).all())
    min_group = current_rules().min_group_size
    small = {t.id for t in teams if not large_enough(sizes.get(t.id, 0), min_group)}
    return render_template("insights/index.html", teams=teams, latest=latest, company=company,
                           small=small, min_group=min_group)


@bp.get("/me")
@access("user")
def me():
    """A person's own rhythm, privately."""
    reading = operations.group_reading([current_user.id],
                                       calendar=person_calendar(current_user))
    backoff = db.session.scalar(select(Backoff).where(Backoff.user_id == current_user.id,
                                                      Backoff.until >= company_today()))
    chart_start = datetime.fromisoformat(reading["start"]).date()
    return render_template("insights/me.html", reading=reading, backoff=backoff,
                           chart=chart.geometry(reading["series"], reading["phases"],
                                                chart_start))



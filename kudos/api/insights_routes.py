"""API v1: fatigue insights per scope, and the admin rule set (read, change, preview)."""

from dataclasses import asdict

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from kudos import rules
from kudos.api.views import bp, json_body
from kudos.auth.models import Team, User, active_users
from kudos.calendar.operations import person_calendar
from kudos.campaigns.operations import can_manage, get_visible
from kudos.errors import ApiError
from kudos.extensions import db
from kudos.insights import figures, operations
from kudos.insights.suggestions import for_phase
from kudos.permissions import access, can
from kudos.rules.preview import compare


def _reading_for_people(user_ids: list[int], campaign_id: int | None = None) -> dict:
    """The reading of a group (a campaign's: the people who took part in it), without the
    figures that could single a person out below `min_group_size` people."""
    reading = operations.group_reading(user_ids, campaign_id=campaign_id)
    size = reading["breadth"]["of"] if campaign_id else len(user_ids)
    return figures.for_group(reading, size, rules.current_rules().min_group_size)


@bp.get("/insights/fatigue")
@access("user")
def fatigue():
    """`scope=me` for anyone; `team:<id>` for its leads and admins; `campaign:<id>` for
    those who run it; `company` for admins."""
    scope = request.args.get("scope", "me")
    team_id = None
    if scope == "me":
        reading = {**operations.group_reading([current_user.id],
                                              calendar=person_calendar(current_user)),
                   "figures_shown": True}  # one's own figures point at nobody else
    elif scope == "company":
        if not current_user.is_admin:
            raise ApiError(403, _("This page is not open to your role. If you need it, ask an "
                                  "admin."))
        reading = _reading_for_people(list(db.session.scalars(
            select(User.id).where(active_users().whereclause))))
    elif scope.startswith(("team:", "campaign:")):
        kind, _sep, raw = scope.partition(":")
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):  # "²".isdigit() is True
            raise ApiError(422, _("scope is me, company, team:<id> or campaign:<id>."),
                           field="scope")
        if kind == "team":
            team = db.session.get(Team, int(raw))
            if team is None:
                raise ApiError(404, _("We could not find that team."))
            if not can(current_user, "team.lead", team):
                raise ApiError(403, _("Only the team's leads and admins see its rhythm."))
            team_id = team.id
            reading = _reading_for_people(list(db.session.scalars(
                select(User.id).where(active_users().whereclause, User.team_id == team.id))))
        else:
            campaign = get_visible(current_user, int(raw))
            if not can_manage(current_user, campaign.team_id):
                raise ApiError(403, _("Only the people who run this campaign see its rhythm."))
            reading = _reading_for_people([], campaign_id=campaign.id)
    else:
        raise ApiError(422, _("scope is me, company, team:<id> or campaign:<id>."),
                       field="scope")
    evidence = {k: reading[k] for k in ("recent_mean", "usual_mean", "ratio", "since",
                                        "breadth", "concentration", "series", "phases",
                                        "start")}
    suggestions = for_phase(reading["phase"], team_id) if scope != "me" else []
    return jsonify(scope=scope, phase=reading["phase"], score=reading["score"],
                   confidence=reading["confidence"], enough_data=reading["enough_data"],
                   evidence=evidence, suggestions=suggestions,
                   figures_shown=reading["figures_shown"],
                   figures_shown_from=rules.current_rules().min_group_size)


@bp.get("/admin/rules")
@access("admin")
def get_rules():
    return jsonify(version=rules.current_version(), rules=asdict(rules.current_rules()))


@bp.put("/admin/rules")
@access("admin")
def put_rules():
    """`{"version": n, "rules": {...}, "reason": "..."}`: a change from an older version is
    refused with 409; a value out of bounds with 422 naming the field and the bounds."""
    data = json_body()
    proposed = data.get("rules")
    version = data.get("version")
    if not isinstance(proposed, dict):
        raise ApiError(422, _("rules must be an object of rule names and values."),
                       field="rules")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(422, _("version is required: the version you read."), field="version")
    reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
    new = rules.change(current_user, proposed, version=version, reason=reason)
    return jsonify(version=rules.current_version(), rules=asdict(new))


@bp.post("/admin/rules/preview")
@access("admin")
def preview_rules_api():
    """`{"rules": {...}, "days": 30|90}`: what the proposed rules would have refused, sent
    or held over the last days, beside the current rules (computed now)."""
    data = json_body()
    proposed = data.get("rules", {})
    if not isinstance(proposed, dict):
        raise ApiError(422, _("rules must be an object of rule names and values."),
                       field="rules")
    days = data.get("days", 30)
    if days not in (30, 90):
        raise ApiError(422, _("days is 30 or 90."), field="days")
    return jsonify(compare(rules.validate(proposed), days))

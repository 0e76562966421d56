"""API v1: campaigns and their health. Collective goals only: quotas, prizes, points and
rankings are refused with the reason."""

from datetime import date

from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kudos.api.pagination import page, page_args
from kudos.api.views import bp, json_body, optional_int, optional_str
from kudos.campaigns import operations
from kudos.campaigns.models import Campaign
from kudos.domain.campaigns import CARROTS
from kudos.errors import ApiError
from kudos.extensions import db
from kudos.permissions import access
from kudos.rules import current_rules

NO_CARROT_DOC = "docs/principles.md#no-carrot"


def campaign_json(campaign: Campaign) -> dict:
    return {
        "id": campaign.id, "title": campaign.title, "theme": campaign.theme,
        "description": campaign.description, "kind": campaign.kind,
        "scope_team_id": campaign.team_id, "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(), "goal_kind": campaign.goal_kind,
        "goal_target": campaign.goal_target, "status": operations.status_of(campaign),
        "value_ids": [v.id for v in campaign.values],
    }


@bp.get("/campaigns")
@access("user")
def list_campaigns():
    position, limit = page_args()
    query = operations.visible_campaigns(current_user).order_by(Campaign.id.desc())
    if position:
        if len(position) != 1 or not isinstance(position[0], int):
            raise ApiError(422, _("This cursor is not one we gave out."), field="cursor")
        query = query.where(Campaign.id < position[0])
    rows = db.session.scalars(query.limit(limit + 1)).all()
    rows, next_cursor = page(rows, limit, lambda c: [c.id])
    return jsonify(items=[campaign_json(c) for c in rows], next_cursor=next_cursor)


def _date(data: dict, name: str) -> date | None:
    raw = optional_str(data, name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(422, _("%(field)s must be a date like 2027-03-01.", field=name),
                       field=name) from None


@bp.post("/campaigns")
@access("lead")
def create_campaign():
    data = json_body()
    carrots = sorted(set(data) & set(CARROTS))
    if carrots:
        raise ApiError(422, _("Kudos has no individual goals, quotas, prizes, points or "
                              "rankings: recognition is its own reward, and goals are "
                              "collective. See %(doc)s.", doc=NO_CARROT_DOC),
                       code="no_carrot", field=carrots[0],
                       documentation=url_for("home.principles", _external=True,
                                             _anchor="no-carrot"))
    value_ids = data.get("value_ids", [])
    if not isinstance(value_ids, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value_ids
    ):
        raise ApiError(422, _("value_ids must be a list of value ids."), field="value_ids")
    draft = operations.CampaignDraft(
        title=optional_str(data, "title") or "", theme=optional_str(data, "theme") or "",
        description=optional_str(data, "description") or "",
        kind=optional_str(data, "kind") or "both",
        team_id=optional_int(data, "scope_team_id"),
        starts_on=_date(data, "starts_on"), ends_on=_date(data, "ends_on"),
        goal_kind=optional_str(data, "goal_kind") or "", goal_target=optional_int(data,
                                                                                "goal_target"),
        value_ids=value_ids)
    campaign = operations.create(current_user, draft)
    if data.get("launch") is True:
        operations.launch(current_user, campaign)
    return jsonify(campaign_json(campaign)), 201


@bp.get("/campaigns/<int:campaign_id>/health")
@access("user")
def campaign_health(campaign_id: int):
    campaign = operations.get_visible(current_user, campaign_id)
    health = operations.health(campaign)
    return jsonify(
        id=campaign.id, status=health["status"], progress=health["progress"],
        participation=health["participation"],
        participation_shown_from=current_rules().min_group_size, phase=health["phase"],
        series=[{"day": d["day"].isoformat(), "kudos": d["kudos"], "relays": d["relays"]}
                for d in health["series"]],
    )



"""API v1: kudos, reactions, comments, notifications (same rules and errors as the pages)."""

from datetime import UTC, datetime

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kudos.api.pagination import encode_cursor, page, page_args
from kudos.api.views import bp, json_body, optional_int, optional_str
from kudos.domain.errors import Invalid
from kudos.errors import ApiError, json_error
from kudos.extensions import db
from kudos.notifications.models import Notification
from kudos.permissions import access
from kudos.recognition import operations, queries
from kudos.recognition.models import Kudos
from kudos.recognition.wording import when_phrase


def _person(user, card: queries.Card | None = None) -> dict:
    """A person as the API names them; on a kudos, masked as the pages mask them (no id, so
    that nobody can look the person up): `queries.masked_people`."""
    if card is not None and not card.shows(user):
        return {"id": None, "name": _("a colleague")}
    return {"id": user.id, "name": user.display_name}


def kudos_json(card: queries.Card) -> dict:
    k = card.kudos
    return {
        "id": k.id,
        "kind": k.kind,
        "message": k.message,
        "giver": _person(k.giver, card),
        "recipients": [_person(u, card) for u in k.recipient_users],
        "value": {"id": k.value.id, "name": k.value.name} if k.value else None,
        "visibility": k.visibility,
        "status": k.status,
        "work_title": k.work_title,
        "link_url": k.work_url,
        "why_it_matters": k.why_it_matters,
        "created_at": k.created_at.isoformat(),
        "edited_at": k.edited_at.isoformat() if k.edited_at else None,
        "reactions": {"applause": card.applause, "plus_one": card.plus_ones,
                      "mine": sorted(card.my_reactions)},
        "comments": [{"id": c.id, "author": _person(c.author, card), "body": c.body,
                      "created_at": c.created_at.isoformat()} for c in card.comments],
    }


def _visible_kudos(kudos_id: int) -> Kudos:
    kudos = db.session.get(Kudos, kudos_id)
    if kudos is None or not queries.can_see(current_user, kudos):
        raise ApiError(404, _("We could not find that kudos."))
    return kudos


@bp.post("/kudos")
@access("user")
def give_kudos():
    data = json_body()
    ids = data.get("recipient_ids")
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise ApiError(422, _("recipient_ids must be a list of colleague ids."),
                       field="recipient_ids")
    message = optional_str(data, "message")
    if message is None:
        raise ApiError(422, _("message is required."), field="message")
    draft = operations.Draft(
        recipient_ids=ids,
        message=message,
        kind=optional_str(data, "kind") or "kudos",
        value_id=optional_int(data, "value_id"),
        campaign_id=optional_int(data, "campaign_id"),
        visibility=optional_str(data, "visibility") or "company",
        work_title=optional_str(data, "work_title"),
        work_url=optional_str(data, "link_url"),
        why_it_matters=optional_str(data, "why_it_matters"),
        idempotency_key=optional_str(data, "idempotency_key")
        or request.headers.get("Idempotency-Key"),
    )
    try:
        given, created = operations.give(
            current_user, draft, when=lambda at: when_phrase(at, current_user.timezone)
        )
    except operations.Cooldown as refusal:
        response = json_error(429, "cooldown", refusal.message, retry_after=refusal.retry_after)
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    except Invalid as error:
        # The error names the field the client sent: the work's link is `link_url` here.
        if error.field == "work_url":
            error.field = "link_url"
        raise
    card = queries.load_cards(current_user, [given.load()])[0]
    return jsonify(kudos_json(card)), 201 if created else 200


@bp.get("/kudos")
@access("user")
def list_kudos():
    position, limit = page_args()
    filters = queries.Filters(
        scope=request.args.get("scope", "company")
        if request.args.get("scope") in ("company", "team", "received", "given") else "company",
        team_id=request.args.get("team_id", type=int),
        value_id=request.args.get("value_id", type=int),
        kind=request.args.get("kind") if request.args.get("kind") in ("kudos", "highlight")
        else None,
    )
    before = None
    if position:
        try:
            at, last_id = position
            before = (datetime.fromisoformat(at).astimezone(UTC), int(last_id))
        except (TypeError, ValueError, AttributeError):
            raise ApiError(422, _("This cursor is not one we gave out."),
                           field="cursor") from None
    cards, next_position = queries.wall_page(current_user, filters, before, limit)
    next_cursor = None
    if next_position:
        next_cursor = encode_cursor([next_position[0].isoformat(), next_position[1]])
    return jsonify(items=[kudos_json(c) for c in cards], next_cursor=next_cursor)


@bp.get("/kudos/<int:kudos_id>")
@access("user")
def get_kudos(kudos_id: int):
    kudos = _visible_kudos(kudos_id)
    return jsonify(kudos_json(queries.load_cards(current_user, [kudos])[0]))


@bp.post("/kudos/<int:kudos_id>/reactions")
@access("user")
def add_reaction(kudos_id: int):
    kudos = _visible_kudos(kudos_id)
    kind = optional_str(json_body(), "kind") or ""
    operations.set_reaction(current_user, kudos, kind, on=True)
    card = queries.load_cards(current_user, [kudos])[0]
    return jsonify(kudos_json(card)["reactions"]), 201


@bp.delete("/kudos/<int:kudos_id>/reactions/<kind>")
@access("user")
def remove_reaction(kudos_id: int, kind: str):
    kudos = _visible_kudos(kudos_id)
    operations.set_reaction(current_user, kudos, kind, on=False)
    return "", 204


@bp.post("/kudos/<int:kudos_id>/comments")
@access("user")
def add_comment(kudos_id: int):
    kudos = _visible_kudos(kudos_id)
    body = optional_str(json_body(), "body") or ""
    comment = operations.add_comment(current_user, kudos, body)
    return jsonify(id=comment.id, body=comment.body, author=_person(current_user),
                   created_at=comment.created_at.isoformat()), 201


@bp.delete("/kudos/<int:kudos_id>")
@access("user")
def delete_kudos(kudos_id: int):
    """The giver withdraws within the edit window; an admin hides (a reason is required).
    Nothing is physically deleted."""
    kudos = _visible_kudos(kudos_id)
    if not current_user.is_admin and kudos.giver_id != current_user.id:
        # The caller reads it, so it exists for them: say why not rather than "not found".
        raise ApiError(403, _("Only its giver can withdraw a kudos, within 15 minutes of "
                              "giving it. If something is wrong with it, report it and an "
                              "admin will look at it."))
    if current_user.is_admin and kudos.giver_id != current_user.id:
        data = request.get_json(silent=True) or {}
        reason = data.get("reason") if isinstance(data, dict) else None
        operations.hide(current_user, kudos, reason if isinstance(reason, str) else "")
        return "", 204
    operations.withdraw(current_user, kudos)
    return "", 204


@bp.get("/notifications")
@access("user")
def notifications():
    position, limit = page_args()
    query = (
        select(Notification).options(joinedload(Notification.actor))
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
    )
    if position:
        if len(position) != 1 or not isinstance(position[0], int):
            raise ApiError(422, _("This cursor is not one we gave out."), field="cursor")
        query = query.where(Notification.id < position[0])
    rows = db.session.scalars(query.limit(limit + 1)).all()
    rows, next_cursor = page(rows, limit, lambda n: [n.id])
    return jsonify(items=[{
        "id": n.id, "kind": n.kind, "kudos_id": n.kudos_id,
        "actor": _person(n.actor) if n.actor else None,
        "created_at": n.created_at.isoformat(),
        "read_at": n.read_at.isoformat() if n.read_at else None,
    } for n in rows], next_cursor=next_cursor)


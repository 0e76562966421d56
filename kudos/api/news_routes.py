"""API v1: news (followed topics first), proposing and publishing, relays."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, select

from kudos.api.pagination import page, page_args
from kudos.api.views import bp, json_body, optional_int, optional_str
from kudos.errors import ApiError
from kudos.extensions import db
from kudos.news import operations, relays
from kudos.news.models import NewsItem
from kudos.permissions import access


def news_json(item: NewsItem) -> dict:
    return {
        "id": item.id, "title": item.title, "summary": item.summary, "body": item.body,
        "url": item.url, "topic_id": item.topic_id, "public": item.public,
        "status": item.status,
        "proposed_by": ({"id": item.proposed_by.id, "name": item.proposed_by.display_name}
                        if item.proposed_by else None),
        "published_at": item.published_at.isoformat() if item.published_at else None,
    }


@bp.get("/news")
@access("user")
def list_news():
    """Published news, followed topics first; the cursor is an offset in that order."""
    position, limit = page_args()
    offset = 0
    if position:
        if len(position) != 1 or not isinstance(position[0], int) or position[0] < 0:
            raise ApiError(422, _("This cursor is not one we gave out."), field="cursor")
        offset = position[0]
    followed = operations.followed_topic_ids(current_user)
    order = [case((NewsItem.topic_id.in_(followed), 0), else_=1)] if followed else []
    rows = db.session.scalars(
        select(NewsItem).where(NewsItem.status == "published")
        .order_by(*order, NewsItem.published_at.desc(), NewsItem.id.desc())
        .offset(offset).limit(limit + 1)
    ).all()
    rows, next_cursor = page(rows, limit, lambda _item: [offset + limit])
    return jsonify(items=[news_json(i) for i in rows], next_cursor=next_cursor)


def _draft(data: dict) -> operations.NewsDraft:
    title = optional_str(data, "title")
    if title is None:
        raise ApiError(422, _("title is required."), field="title")
    public = data.get("public", False)
    if not isinstance(public, bool):
        raise ApiError(422, _("%(field)s must be true or false.", field="public"),
                       field="public")
    return operations.NewsDraft(
        title=title, summary=optional_str(data, "summary") or "",
        body=optional_str(data, "body") or "", url=optional_str(data, "url"),
        topic_id=optional_int(data, "topic_id"), campaign_id=optional_int(data, "campaign_id"),
        public=public)


@bp.post("/news")
@access("user")
def submit_news():
    """Leads and admins publish; members propose."""
    item = operations.submit(current_user, _draft(json_body()))
    return jsonify(news_json(item)), 201


def _visible_item(news_id: int) -> NewsItem:
    item = db.session.get(NewsItem, news_id)
    curator = operations.can_publish(current_user)
    if item is None or (item.status != "published" and not curator
                        and item.proposed_by_id != current_user.id):
        raise ApiError(404, _("We could not find that news item."))
    return item


@bp.post("/news/<int:news_id>/publish")
@access("lead")
def publish_news(news_id: int):
    item = _visible_item(news_id)
    operations.publish(current_user, item)
    return jsonify(news_json(item))


@bp.post("/news/<int:news_id>/relays")
@access("user")
def relay_news(news_id: int):
    item = _visible_item(news_id)
    data = json_body()
    channel = optional_str(data, "channel") or ""
    comment = optional_str(data, "comment")
    made = relays.create(current_user, item, channel, comment if channel == "internal" else None,
                         idempotency_key=optional_str(data, "idempotency_key")
                         or request.headers.get("Idempotency-Key"))
    text = made.comment or comment or relays.caption(item)
    return jsonify(relay_id=made.id, tracked_url=relays.tracked_url(made),
                   share_url=relays.share_url(made, text), caption=text,
                   audience_care=relays.audience_care(current_user, item),
                   weekly_budget=relays.budget_answer(current_user)), \
        200 if made.replayed else 201



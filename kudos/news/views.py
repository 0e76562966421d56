"""News pages: the list, an item with its share panel, proposing, curating, sources, the
tracked redirect and the public page."""

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from kudos.admin.models import Topic
from kudos.campaigns.models import Campaign
from kudos.campaigns.operations import taggable, visible_campaigns
from kudos.domain.errors import Invalid
from kudos.extensions import db, htmx, limiter
from kudos.forms import apply_error
from kudos.news import operations, relays, sources
from kudos.news.feeds import describe
from kudos.news.forms import DeclineForm, NewsForm, RelayForm, SourceForm
from kudos.news.markdown import render
from kudos.news.models import NewsItem, Relay, WatchSource
from kudos.permissions import access
from kudos.rules import current_rules
from kudos.sqltypes import utcnow

bp = Blueprint("news", __name__)


def _topics():
    return db.session.scalars(
        select(Topic).where(Topic.archived_at.is_(None)).order_by(Topic.name)
    ).all()


def _item_or_404(news_id: int, *, editable: bool = False) -> NewsItem:
    item = db.session.get(NewsItem, news_id)
    if item is None:
        abort(404)
    curator = operations.can_publish(current_user)
    if item.status != "published" and not curator and item.proposed_by_id != current_user.id:
        abort(404)
    if editable and not curator:
        abort(403)
    return item


def _draft(form: NewsForm) -> operations.NewsDraft:
    return operations.NewsDraft(title=form.title.data, summary=form.summary.data,
                                body=form.body.data, url=form.url.data,
                                topic_id=form.topic_id.data or None, public=form.public.data)


def _news_form(formdata=None, obj=None) -> NewsForm:
    form = NewsForm(formdata=formdata, obj=obj)
    form.topic_id.choices = [(0, _("No topic"))] + [(t.id, t.label) for t in _topics()]
    if obj is not None and formdata is None:
        form.topic_id.data = obj.topic_id or 0
    return form


@bp.get("/news")
@access("user")
def index():
    """Published news, the topics a person follows first, then the rest."""
    followed = operations.followed_topic_ids(current_user)
    topic = request.args.get("topic", type=int)
    query = select(NewsItem).options(joinedload(NewsItem.topic)).where(
        NewsItem.status == "published")
    if topic:
        query = query.where(NewsItem.topic_id == topic)
    first = case((NewsItem.topic_id.in_(followed), 0), else_=1) if followed else None
    order = [first] if first is not None else []
    items = db.session.scalars(
        query.order_by(*order, NewsItem.published_at.desc(), NewsItem.id.desc()).limit(50)
    ).all()
    return render_template("news/index.html", items=items, topics=_topics(), followed=followed,
                           topic=topic, curator=operations.can_publish(current_user))


@bp.post("/news/topics/<int:topic_id>/follow")
@access("user")
def follow(topic_id: int):
    follow_it = request.form.get("follow") == "1"
    operations.set_follow(current_user, topic_id, follow_it)
    if htmx:
        return render_template("news/_follow.html", topic=db.session.get(Topic, topic_id),
                               followed=operations.followed_topic_ids(current_user))
    return redirect(url_for("news.index"), code=303)


@bp.route("/news/new", methods=["GET", "POST"])
@access("user")
def new():
    form = _news_form(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            item = operations.submit(current_user, _draft(form))
        except Invalid as error:
            apply_error(form, error)
        else:
            if item.status == "published":
                flash(_("Published. Colleagues following “%(topic)s” see it first.",
                        topic=item.topic.label if item.topic else _("no topic")), "success")
                return redirect(url_for("news.item", news_id=item.id), code=303)
            flash(_("Thank you! A lead or an admin will look at your proposal; you will be "
                    "told either way."), "success")
            return redirect(url_for("news.mine"), code=303)
    status = 422 if form.errors else 200
    return render_template("news/form.html", form=form, item=None,
                           curator=operations.can_publish(current_user)), status


@bp.route("/news/<int:news_id>/edit", methods=["GET", "POST"])
@access("lead")
def edit(news_id: int):
    item = _item_or_404(news_id, editable=True)
    form = _news_form(request.form if request.method == "POST" else None,
                      obj=None if request.method == "POST" else item)
    if request.method == "POST" and form.validate():
        try:
            if request.form.get("publish") == "1":
                operations.publish(current_user, item, _draft(form))
                flash(_("Published, with your edits."), "success")
            else:
                operations.edit(current_user, item, _draft(form))
                flash(_("Saved."), "success")
        except Invalid as error:
            apply_error(form, error)
        else:
            return redirect(url_for("news.item", news_id=item.id), code=303)
    status = 422 if form.errors else 200
    return render_template("news/form.html", form=form, item=item, curator=True), status


def _item_context(item: NewsItem) -> dict:
    internal = db.session.scalars(
        select(Relay).options(joinedload(Relay.user))
        .where(Relay.news_id == item.id, Relay.channel == "internal",
               Relay.withdrawn_at.is_(None))
        .order_by(Relay.created_at.desc()).limit(20)
    ).all()
    context = {"item": item, "body": render(item.body), "internal": internal,
               "relay_form": RelayForm(formdata=None, comment=relays.caption(item),
                                       campaign_id=item.campaign_id or 0,
                                       idempotency_key=uuid.uuid4().hex),
               "campaigns": taggable(current_user),
               "teammates": relays.teammates_shared_today(current_user, item),
               "audience_threshold": relays.AUDIENCE_THRESHOLD,
               "budget": relays.budget(current_user),
               "curator": operations.can_publish(current_user),
               "decline_form": DeclineForm(formdata=None)}
    if context["curator"]:
        context["stats"] = sources.item_stats(item, current_rules().min_group_size)
    return context


@bp.get("/news/<int:news_id>")
@access("user")
def item(news_id: int):
    return render_template("news/item.html", **_item_context(_item_or_404(news_id)))


@bp.post("/news/<int:news_id>/relays")
@access("user")
def relay(news_id: int):
    item = _item_or_404(news_id)
    form = RelayForm()
    try:
        made = relays.create(current_user, item, form.channel.data or "",
                             form.comment.data if form.channel.data == "internal" else None,
                             campaign_id=form.campaign_id.data or None,
                             idempotency_key=form.idempotency_key.data)
    except Invalid as error:
        context = _item_context(item)
        context["relay_form"] = form
        form.campaign_id.choices = []
        context["relay_error"] = error.message
        if htmx:
            return render_template("news/_share.html", **context), 422
        return render_template("news/item.html", **context), 422
    text = form.comment.data or relays.caption(item)
    result = {"relay": made, "tracked": relays.tracked_url(made),
              "share": relays.share_url(made, text), "caption": text,
              "budget": relays.budget(current_user)}
    if htmx:
        return render_template("news/_shared.html", item=item, **result)
    return render_template("news/shared.html", item=item, **result)


@bp.route("/news/queue")
@access("lead")
def queue():
    """Proposals from colleagues and drafts from watch sources, oldest first."""
    waiting = db.session.scalars(
        select(NewsItem).options(joinedload(NewsItem.proposed_by), joinedload(NewsItem.source))
        .where(NewsItem.status.in_(("proposed", "draft")))
        .order_by(NewsItem.status.desc(), NewsItem.created_at).limit(200)
    ).all()
    return render_template("news/queue.html", items=waiting,
                           decline_form=DeclineForm(formdata=None))


@bp.post("/news/<int:news_id>/publish")
@access("lead")
def publish(news_id: int):
    item = _item_or_404(news_id, editable=True)
    operations.publish(current_user, item)
    flash(_("Published."), "success")
    return redirect(url_for("news.item", news_id=item.id), code=303)


@bp.post("/news/<int:news_id>/decline")
@access("lead")
def decline(news_id: int):
    item = _item_or_404(news_id, editable=True)
    try:
        operations.decline(current_user, item, request.form.get("note", ""))
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(_("Declined. The person who proposed it can read your note."), "success")
    return redirect(url_for("news.queue"), code=303)


@bp.post("/news/<int:news_id>/archive")
@access("lead")
def archive(news_id: int):
    item = _item_or_404(news_id, editable=True)
    operations.archive(current_user, item)
    flash(_("Archived: it no longer shows in the news, and its links stop working."), "success")
    return redirect(url_for("news.index"), code=303)


@bp.get("/news/mine")
@access("user")
def mine():
    """My proposals and, privately, how far my relays went."""
    proposals = db.session.scalars(
        select(NewsItem).where(NewsItem.proposed_by_id == current_user.id)
        .order_by(NewsItem.created_at.desc()).limit(50)
    ).all()
    mine_relays = db.session.scalars(
        select(Relay).options(joinedload(Relay.news))
        .where(Relay.user_id == current_user.id).order_by(Relay.created_at.desc()).limit(100)
    ).all()
    return render_template("news/mine.html", proposals=proposals, relays=mine_relays,
                           total=sum(r.clicks for r in mine_relays))


@bp.route("/news/sources", methods=["GET", "POST"])
@access("lead")
def watch_sources():
    form = SourceForm()
    form.topic_id.choices = [(0, _("No topic"))] + [(t.id, t.label) for t in _topics()]
    if request.method == "POST" and form.validate():
        try:
            source = sources.add(current_user, form.url.data, form.topic_id.data or None)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("“%(title)s” is watched: new entries arrive as drafts in the queue.",
                    title=source.title), "success")
            return redirect(url_for("news.watch_sources"), code=303)
    listed = db.session.scalars(select(WatchSource).order_by(WatchSource.title)).all()
    status = 422 if form.errors else 200
    return render_template("news/sources.html", form=form, sources=listed,
                           describe_feed_error=describe), status


@bp.post("/news/sources/<int:source_id>/fetch")
@access("lead")
def fetch_now(source_id: int):
    source = db.get_or_404(WatchSource, source_id)
    filed = sources.fetch_now(source)
    if source.last_error:
        flash(_("“%(title)s” could not be read: %(error)s", title=source.title,
                error=describe(source.last_error)), "error")
    else:
        flash(_("%(count)s new entries filed as drafts.", count=filed), "success")
    return redirect(url_for("news.watch_sources"), code=303)


@bp.post("/news/sources/<int:source_id>/toggle")
@access("lead")
def toggle_source(source_id: int):
    source = db.get_or_404(WatchSource, source_id)
    sources.set_active(current_user, source, not source.active)
    return redirect(url_for("news.watch_sources"), code=303)


@bp.get("/news/relayed")
@access("user")
def relayed():
    """A strip for the wall: what colleagues relayed inside lately (loaded on its own)."""
    recent = db.session.scalars(
        select(Relay).options(joinedload(Relay.user), joinedload(Relay.news))
        .join(NewsItem, NewsItem.id == Relay.news_id)
        .where(Relay.channel == "internal", Relay.withdrawn_at.is_(None),
               NewsItem.status == "published")
        .order_by(Relay.created_at.desc()).limit(3)
    ).all()
    thanks = [c for c in db.session.scalars(
        visible_campaigns(current_user).where(Campaign.thank_you_at.is_not(None))
        .order_by(Campaign.thank_you_at.desc()).limit(2)
    ) if (utcnow() - c.thank_you_at).days < 14]
    return render_template("news/_relayed.html", relays=recent, thanks=thanks)


@bp.get("/r/<token>")
@access("public")
@limiter.exempt
def follow_link(token: str):
    """A tracked link: count the click (no database write when Redis is there) and go to
    the item's stored link. Unknown or withdrawn links get a plain 404."""
    location = relays.follow(token, request.remote_addr or "", request.user_agent.string or "")
    if location is None:
        abort(404)
    return redirect(location, code=302)


@bp.get("/p/<int:news_id>")
@access("public")
def public_page(news_id: int):
    """The public page of an item marked public, with Open Graph tags for link previews."""
    item = db.session.get(NewsItem, news_id)
    if item is None or item.status != "published" or not item.public:
        abort(404)
    return render_template("news/public.html", item=item, body=render(item.body))



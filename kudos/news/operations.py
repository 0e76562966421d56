"""Publishing, proposing, curating and following news."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from kudos import audit, outbox
from kudos.admin.models import Topic
from kudos.auth.models import User
from kudos.campaigns.operations import check_taggable
from kudos.domain.errors import Invalid, NotFound
from kudos.domain.text import refuse_invisible
from kudos.extensions import db
from kudos.news import jobs, relays
from kudos.news.models import NewsItem, TopicFollow
from kudos.recognition.operations import check_link
from kudos.sqltypes import utcnow

TITLE_MAX, SUMMARY_MAX, BODY_MAX, NOTE_MAX = 200, 500, 20_000, 500


@dataclass
class NewsDraft:
    title: str
    summary: str = ""
    body: str = ""
    url: str | None = None
    topic_id: int | None = None
    campaign_id: int | None = None
    public: bool = False


def can_publish(user: User) -> bool:
    return user.is_admin or user.is_lead


def _clean(draft: NewsDraft, user: User) -> dict:
    title = " ".join((draft.title or "").split())
    if not title:
        raise Invalid("title", _("Please give the news a title."))
    if len(title) > TITLE_MAX:
        raise Invalid("title", _("Please keep the title under %(n)s characters.", n=TITLE_MAX))
    refuse_invisible(title, "title")
    summary = (draft.summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise Invalid("summary", _("Please keep the summary under %(n)s characters.",
                                   n=SUMMARY_MAX))
    body = (draft.body or "").strip()
    if len(body) > BODY_MAX:
        raise Invalid("body", _("Please keep the text under %(n)s characters.", n=BODY_MAX))
    topic_id = None
    if draft.topic_id:
        topic = db.session.get(Topic, draft.topic_id)
        if topic is None or topic.archived_at is not None:
            raise Invalid("topic_id", _("Please choose a topic from the list."))
        topic_id = topic.id

    url = check_link(draft.url, "url")
    if not summary and not body and not url:
        raise Invalid("summary", _("Please add a summary, a text or a link: something to read."))
    return {"title": title, "summary": summary, "body": body, "url": url,
            "topic_id": topic_id, "public": bool(draft.public),
            "campaign_id": check_taggable(user, draft.campaign_id)}


def submit(author: User, draft: NewsDraft) -> NewsItem:
    """Leads and admins publish at once; members propose (the item waits in the queue)."""
    fields = _clean(draft, author)
    item = NewsItem(author_id=author.id, **fields)
    if can_publish(author):
        item.status, item.published_at, item.decided_by_id = "published", utcnow(), author.id
    else:
        # Going public is a curator's decision, made when the proposal is published.
        item.status, item.proposed_by_id, item.public = "proposed", author.id, False
    db.session.add(item)
    db.session.commit()
    return item


def edit(editor: User, item: NewsItem, draft: NewsDraft) -> None:
    if not can_publish(editor):
        raise NotFound(_("We could not find that news item."))
    for name, value in _clean(draft, editor).items():
        setattr(item, name, value)
    db.session.commit()
    relays.forget_links(item.id)  # the link or the page its tracked links lead to may change


def publish(editor: User, item: NewsItem, draft: NewsDraft | None = None) -> None:
    """Approve a proposal or a watch draft (with the editor's changes, if any)."""
    if not can_publish(editor):
        raise NotFound(_("We could not find that news item."))
    if item.status not in ("proposed", "draft", "declined"):
        raise Invalid("status", _("This item is already published."))
    if draft is not None:
        for name, value in _clean(draft, editor).items():
            setattr(item, name, value)
    item.status, item.published_at, item.decided_by_id = "published", utcnow(), editor.id
    item.decline_note = None
    if item.proposed_by_id:
        outbox.publish(jobs.notify_proposal, item.id, "approved")
    audit.record(editor, "news.published", item)
    db.session.commit()
    outbox.flush()


def decline(editor: User, item: NewsItem, note: str) -> None:
    """Decline with a note the proposer sees (a watch draft is simply set aside)."""
    if not can_publish(editor):
        raise NotFound(_("We could not find that news item."))
    if item.status not in ("proposed", "draft"):
        raise Invalid("status", _("Only proposals and drafts can be declined."))
    note = " ".join((note or "").split())
    if item.proposed_by_id and not note:
        raise Invalid("note", _("Please leave a short note for %(name)s: they will read it.",
                                name=item.proposed_by.display_name))
    if len(note) > NOTE_MAX:
        raise Invalid("note", _("Please keep the note under %(n)s characters.", n=NOTE_MAX))
    item.status, item.decline_note, item.decided_by_id = "declined", note or None, editor.id
    if item.proposed_by_id:
        outbox.publish(jobs.notify_proposal, item.id, "declined")
    db.session.commit()
    outbox.flush()


def archive(editor: User, item: NewsItem) -> None:
    if not can_publish(editor):
        raise NotFound(_("We could not find that news item."))
    item.status = "archived"
    audit.record(editor, "news.archived", item)
    db.session.commit()
    relays.forget_links(item.id)  # its tracked links stop working now, not when cached ones expire


def set_follow(user: User, topic_id: int, follow: bool) -> None:
    topic = db.session.get(Topic, topic_id)
    if topic is None or topic.archived_at is not None:
        raise Invalid("topic_id", _("Please choose a topic from the list."))
    db.session.execute(delete(TopicFollow).where(TopicFollow.user_id == user.id,
                                                 TopicFollow.topic_id == topic_id))
    if follow:
        db.session.add(TopicFollow(user_id=user.id, topic_id=topic_id))
    db.session.commit()


def set_follows(user: User, topic_ids: list[int]) -> None:
    """Follow exactly these topics (a newcomer's choice in their welcome)."""
    wanted = set(topic_ids)
    live = set(db.session.scalars(select(Topic.id).where(Topic.id.in_(wanted),
                                                        Topic.archived_at.is_(None))))
    if live != wanted:
        raise Invalid("topic_ids", _("Please choose topics from the list."))
    db.session.execute(delete(TopicFollow).where(TopicFollow.user_id == user.id))
    db.session.add_all(TopicFollow(user_id=user.id, topic_id=t) for t in sorted(live))
    db.session.commit()


def topics_by_followers() -> list[tuple[Topic, int]]:
    """The live topics, the most followed first, each with how many people follow it."""
    followers = func.count(TopicFollow.user_id)
    return db.session.execute(
        select(Topic, followers).outerjoin(TopicFollow, TopicFollow.topic_id == Topic.id)
        .where(Topic.archived_at.is_(None)).group_by(Topic.id)
        .order_by(followers.desc(), Topic.name)
    ).all()


def followed_topic_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(TopicFollow.topic_id)
                                  .where(TopicFollow.user_id == user.id)))

"""News items, topic follows, watch sources, relays and their click counts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kudos.admin.models import Topic
from kudos.auth.models import User
from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow

# draft: filed from a watch source, to curate; proposed: by a member, waiting for a lead or
# admin; published: in everyone's news; declined: with a note the proposer sees; archived.
STATUSES = ("draft", "proposed", "published", "declined", "archived")
CHANNELS = ("internal", "linkedin", "x", "email", "copy")


class NewsItem(db.Model):
    __tablename__ = "news_items"
    __table_args__ = (
        UniqueConstraint("source_id", "source_guid", name="uq_news_items_source_entry"),
        Index("ix_news_items_status_published", "status", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    url: Mapped[str | None] = mapped_column(String(2000))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who wrote it
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # credited
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_note: Mapped[str | None] = mapped_column(String(500))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("watch_sources.id"))
    source_guid: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    topic: Mapped[Topic | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    source: Mapped[WatchSource | None] = relationship()


class TopicFollow(db.Model):
    __tablename__ = "topic_follows"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True)


class WatchSource(db.Model):
    """An RSS or Atom feed whose new entries are filed as drafts to curate."""

    __tablename__ = "watch_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))  # None when the last fetch worked
    entries_filed: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Relay(db.Model):
    """One person sharing one item on one channel, with its own unguessable tracked link."""

    __tablename__ = "relays"
    __table_args__ = (
        Index("ix_relays_news_created", "news_id", "created_at"),
        # A form sent twice or an API call resent after a lost answer makes one relay.
        UniqueConstraint("user_id", "idempotency_key", name="uq_relays_user_idempotency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    news_id: Mapped[int] = mapped_column(ForeignKey("news_items.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    comment: Mapped[str | None] = mapped_column(String(1000))
    token: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clicks: Mapped[int] = mapped_column(default=0)  # flushed total
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    news: Mapped[NewsItem] = relationship()
    user: Mapped[User] = relationship()


class RelayClickDay(db.Model):
    """Clicks of a tracked link per day (unique visitors that day, bots excluded)."""

    __tablename__ = "relay_click_days"

    relay_id: Mapped[int] = mapped_column(ForeignKey("relays.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    clicks: Mapped[int] = mapped_column(default=0)


class RelayVisit(db.Model):
    """Inline mode only (no Redis): who already counted today, as a salted hash."""

    __tablename__ = "relay_visits"

    relay_id: Mapped[int] = mapped_column(ForeignKey("relays.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    visitor: Mapped[str] = mapped_column(String(64), primary_key=True)

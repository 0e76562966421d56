"""In-app notifications. One row per (person, event): a unique key makes delivery idempotent."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kudos.auth.models import User
from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow

# thanked: you received a kudos or highlight; cosigned: someone added their +1 to a kudos you
# gave or received; commented: a comment on a kudos you gave or received; approval: a kudos
# about you waits for your approval. pointer_highlight and pointer_news: a newcomer's
# first-week pointers (a colleague's highlight to applaud, news on a followed topic).
KINDS = ("thanked", "cosigned", "commented", "approval", "gathered", "proposal_approved",
         "proposal_declined", "campaign_launched", "phase_changed", "pointer_highlight",
         "pointer_news", "move_asked", "move_approved", "move_declined")
# Recognition received is never gathered or held back: it is not a nudge.
RECOGNITION = ("thanked", "approval")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kudos_id: Mapped[int | None] = mapped_column(ForeignKey("kudos.id"))
    news_id: Mapped[int | None] = mapped_column(ForeignKey("news_items.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # in a digest

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class DigestRun(db.Model):
    """One digest per person and period: the unique key makes sending it idempotent."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("user_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    period: Mapped[str] = mapped_column(String(12))  # 2026-11-27 or 2026-W48
    status: Mapped[str] = mapped_column(String(10), default="sending")  # sending | sent | empty
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    items: Mapped[int] = mapped_column(default=0)

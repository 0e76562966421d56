"""Kudos and highlights, their recipients and audiences, reactions, comments and reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kudos.admin.models import Value
from kudos.auth.models import User
from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow

KINDS = ("kudos", "highlight")
VISIBILITIES = ("company", "team", "recipients")
REACTIONS = ("applause", "plus_one")
# published: on the walls; pending: waits for a recipient's approval; withdrawn: by its giver
# within the edit window; hidden: by an admin (audited). Rows are never deleted.
STATUSES = ("published", "pending", "withdrawn", "hidden")


class Kudos(db.Model):
    __tablename__ = "kudos"
    __table_args__ = (
        UniqueConstraint("giver_id", "idempotency_key", name="uq_kudos_giver_idempotency"),
        # Newest first: the wall walks this backwards and stops after a page. Status is not
        # in it, since a viewer sees several statuses (their own pending kudos too).
        Index("ix_kudos_wall", "created_at", "id"),
        Index("ix_kudos_giver_created", "giver_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10), default="kudos")
    message: Mapped[str] = mapped_column(Text)
    value_id: Mapped[int | None] = mapped_column(ForeignKey("company_values.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(12), default="company")
    status: Mapped[str] = mapped_column(String(10), default="published")
    work_title: Mapped[str | None] = mapped_column(String(200))
    work_url: Mapped[str | None] = mapped_column(String(2000))
    why_it_matters: Mapped[str | None] = mapped_column(String(500))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The giver's day this kudos counts in for the daily cap, fixed when it is given.
    giver_day: Mapped[date | None] = mapped_column()
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str | None] = mapped_column(String(300))

    giver: Mapped[User] = relationship(foreign_keys=[giver_id])
    value: Mapped[Value | None] = relationship()
    recipients: Mapped[list[KudosRecipient]] = relationship(
        back_populates="kudos", cascade="all, delete-orphan", order_by="KudosRecipient.id"
    )

    @property
    def recipient_users(self) -> list[User]:
        return [r.user for r in self.recipients]


class KudosRecipient(db.Model):
    __tablename__ = "kudos_recipients"
    __table_args__ = (UniqueConstraint("kudos_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # For people who asked to approve kudos about them: None until they decide.
    approved: Mapped[bool | None] = mapped_column()

    kudos: Mapped[Kudos] = relationship(back_populates="recipients")
    user: Mapped[User] = relationship()


class KudosAudience(db.Model):
    """For team visibility: the teams that may see a kudos (the giver's and recipients')."""

    __tablename__ = "kudos_audiences"

    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True, index=True)


class Reaction(db.Model):
    __tablename__ = "reactions"
    __table_args__ = (UniqueConstraint("kudos_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship()


class Report(db.Model):
    """Someone asked admins to look at a kudos; resolved by hiding it or leaving it be."""

    __tablename__ = "kudos_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(10))  # hidden | kept

    kudos: Mapped[Kudos] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])

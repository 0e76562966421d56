"""Stored readings of fatigue cycles (history), back-offs, and nudge-gate decisions."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow


class FatigueSignal(db.Model):
    """One scope's phase on one day. Scans upsert by (scope, day): running twice is once."""

    __tablename__ = "fatigue_signals"
    __table_args__ = (UniqueConstraint("scope_type", "scope_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_type: Mapped[str] = mapped_column(String(10))  # company | team | campaign | person
    scope_id: Mapped[int] = mapped_column(default=0)
    day: Mapped[date] = mapped_column(Date)
    phase: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column()
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Backoff(db.Model):
    """A person flagged overextended or cooling: nothing nudges them until `until`."""

    __tablename__ = "backoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    until: Mapped[date] = mapped_column(Date)


class NudgeDecision(db.Model):
    """Every decision of the nudge gate, with its reason (for the preview and insights)."""

    __tablename__ = "nudge_decisions"
    __table_args__ = (Index("ix_nudge_decisions_user_at", "user_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[str] = mapped_column(String(10))  # send | defer | hold
    reason: Mapped[str] = mapped_column(String(30))
    deliver_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what to deliver
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a deferred one, delivered

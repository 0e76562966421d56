"""The anti-fatigue rule set admins tune: one versioned row, and every change kept."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kudos.auth.models import User
from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow


class RuleSet(db.Model):
    """The rules in force. `version` grows by one at each change; a change made from an
    older version is refused (409) instead of silently overwriting someone else's."""

    __tablename__ = "rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # only what differs
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuleChange(db.Model):
    """Who changed which rules, when, from what to what, and why."""

    __tablename__ = "rule_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column()
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(500))

    changed_by: Mapped[User | None] = relationship()


class PreviewRun(db.Model):
    """A what-if replay of proposed rules, computed by a job; the page polls it."""

    __tablename__ = "rule_previews"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    days: Mapped[int] = mapped_column(default=30)
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|running|done
    progress: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

"""The charter's versions (one text per language, each change kept) and each person's
dismissal of the "new version" notice (private: only used to stop showing it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kudos.auth.models import User
from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow


class CharterVersion(db.Model):
    """One version of the charter in one language: its text, who wrote it, when and why.
    The default text shipped with Kudos is version 1 of each language; a saved change is
    the next number, and a change made from an older number is refused."""

    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("language", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)  # the essentials, Markdown, for newcomers
    body: Mapped[str] = mapped_column(Text)  # Markdown, sanitised when shown
    reason: Mapped[str] = mapped_column(String(500))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship()


class CharterNotice(db.Model):
    """When a person last set aside the "the charter changed" notice. Nobody else sees it:
    reading the charter is never tracked, never a condition."""

    __tablename__ = "charter_notices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""The company's calendar (one row) and its closures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kudos.auth.models import User
from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow

COMPANY_ROW = 1


class CompanyCalendar(db.Model):
    """The company's country (its public holidays) and time zone (its "today"). One row,
    id 1, made by the migration; its absence reads as the defaults."""

    __tablename__ = "company_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2), default="FR")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))


class Closure(db.Model):
    """Days the whole company is closed, first and last day included (e.g. 24 December to
    1 January): nobody is nudged, and they are not activity days."""

    __tablename__ = "calendar_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_day: Mapped[date] = mapped_column(Date, index=True)
    last_day: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(80))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()

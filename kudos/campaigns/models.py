"""Campaigns: a team's shared focus for a few weeks, with a collective goal."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kudos.admin.models import Value
from kudos.auth.models import Team, User
from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow

campaign_values = Table(
    "campaign_values", db.metadata,
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"),
           primary_key=True),
    Column("value_id", Integer, ForeignKey("company_values.id"), primary_key=True),
)
campaign_news = Table(
    "campaign_news", db.metadata,
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"),
           primary_key=True),
    Column("news_id", Integer, ForeignKey("news_items.id"), primary_key=True),
)


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(12), default="both")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)  # None: all
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    goal_kind: Mapped[str] = mapped_column(String(24))
    goal_target: Mapped[int] = mapped_column()
    # What people chose: draft, scheduled (launched), paused, ended (early). Dates do the rest
    # (see kudos.domain.campaigns.lifecycle).
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_early_on: Mapped[date | None] = mapped_column(Date)
    thank_you: Mapped[str | None] = mapped_column(Text)
    thank_you_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship()
    owner: Mapped[User] = relationship()
    values: Mapped[list[Value]] = relationship(secondary=campaign_values)


class CampaignMute(db.Model):
    """A person who does not want this campaign's notifications."""

    __tablename__ = "campaign_mutes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)

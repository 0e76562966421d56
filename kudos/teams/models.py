"""A person's request to move to another team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kudos.auth.models import Team, User
from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow

# pending -> approved | declined (by a lead of the destination team or an admin)
#         -> cancelled (by the person, by a newer request, or when they leave the company)
STATUSES = ("pending", "approved", "declined", "cancelled")


class TeamMoveRequest(db.Model):
    __tablename__ = "team_move_requests"
    __table_args__ = (Index("ix_team_move_requests_status_to", "status", "to_team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    from_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    to_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    decision_note: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    from_team: Mapped[Team | None] = relationship(foreign_keys=[from_team_id])
    to_team: Mapped[Team] = relationship(foreign_keys=[to_team_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

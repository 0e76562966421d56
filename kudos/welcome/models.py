"""Where a newcomer is in their welcome (it can be left and picked up again)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow

STEPS = ("charter", "topics", "rhythm")


class Welcome(db.Model):
    """Started at a person's first sign-in (invitation or sign-up); their first week runs
    from `started_at`. `step` is the step to show next; `finished_at` once done or skipped."""

    __tablename__ = "welcomes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    step: Mapped[str] = mapped_column(String(10), default=STEPS[0])
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

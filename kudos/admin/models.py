"""What admins curate for everyone: company values (kudos tags) and topics (of news)."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow


class CatalogEntry:
    """Columns shared by values and topics: a name, a short description, archivable.

    Entries are archived, never deleted, because kudos and news keep pointing at them.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Value(CatalogEntry, db.Model):
    __tablename__ = "company_values"


class Topic(CatalogEntry, db.Model):
    __tablename__ = "topics"

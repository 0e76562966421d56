"""What admins curate for everyone: company values (kudos tags) and topics (of news)."""

from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow


class CatalogEntry:
    """Columns shared by values and topics: a name in English and one in French, a short
    description, archivable.

    Entries are archived, never deleted, because kudos and news keep pointing at them.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)  # English, or the only one
    name_fr: Mapped[str | None] = mapped_column(String(60))  # unique too (save_entry checks)
    description: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def label(self) -> str:
        """The name in the reader's language; the English one when there is no French."""
        return in_reader_language(self.name, self.name_fr)


def in_reader_language(name: str, name_fr: str | None) -> str:
    """A value's or topic's name for the reader: the French one for a French reader when
    there is one, else the English one (the name admins must fill)."""
    locale = get_locale()
    if name_fr and locale is not None and locale.language == "fr":
        return name_fr
    return name


class Value(CatalogEntry, db.Model):
    __tablename__ = "company_values"


class Topic(CatalogEntry, db.Model):
    __tablename__ = "topics"

"""The charter's part in exporting and erasing a person's data (see kudos.signals)."""

from sqlalchemy import delete

from kudos.charter.models import CharterNotice
from kudos.extensions import db
from kudos.signals import account_erased, collect_export


@collect_export.connect
def export_charter(user, data: dict) -> None:
    notice = db.session.get(CharterNotice, user.id)
    data["charter_notice_set_aside_at"] = notice.dismissed_at.isoformat() if notice else None


@account_erased.connect
def erase_charter(user, remove_words: bool) -> None:
    db.session.execute(delete(CharterNotice).where(CharterNotice.user_id == user.id))

"""The welcome's part in exporting and erasing a person's data (see kudos.signals)."""

from sqlalchemy import delete

from kudos.extensions import db
from kudos.signals import account_erased, collect_export
from kudos.welcome.models import Welcome


@collect_export.connect
def export_welcome(user, data: dict) -> None:
    welcome = db.session.get(Welcome, user.id)
    data["welcome"] = None if welcome is None else {
        "started_at": welcome.started_at.isoformat(),
        "finished_at": welcome.finished_at.isoformat() if welcome.finished_at else None,
    }


@account_erased.connect
def erase_welcome(user, remove_words: bool) -> None:
    db.session.execute(delete(Welcome).where(Welcome.user_id == user.id))

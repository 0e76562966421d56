"""Delivering and reading in-app notifications."""

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from kudos.auth.models import User
from kudos.extensions import db
from kudos.notifications.models import Notification
from kudos.sqltypes import utcnow


def deliver(user_id: int, kind: str, key: str, *, actor_id: int | None = None,
            kudos_id: int | None = None) -> bool:
    """Create one notification unless one with this key exists. Returns True when created.

    Recognition received is never held back: this is not a nudge.
    """
    if db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
        return False
    db.session.add(Notification(user_id=user_id, kind=kind, dedupe_key=key, actor_id=actor_id,
                                kudos_id=kudos_id))
    try:
        db.session.commit()
    except IntegrityError:  # the same job ran at the same time elsewhere: one row is enough
        db.session.rollback()
        return False
    return True


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or every) notification of `user` as read; returns how many changed."""
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    changed = db.session.execute(query.values(read_at=utcnow())).rowcount
    db.session.commit()
    return changed

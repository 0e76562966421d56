"""Delivering and reading in-app notifications."""

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from kudos import polls
from kudos.auth.models import User
from kudos.extensions import db
from kudos.notifications.models import RECOGNITION, Notification
from kudos.sqltypes import utcnow


def deliver(user_id: int, kind: str, key: str, *, actor_id: int | None = None,
            kudos_id: int | None = None, news_id: int | None = None,
            campaign_id: int | None = None, team_id: int | None = None) -> bool:
    """Create one notification unless one with this key exists. Returns True when created.

    Recognition received is never held back: this is not a nudge.
    """
    if db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
        return False
    db.session.add(Notification(user_id=user_id, kind=kind, dedupe_key=key, actor_id=actor_id,
                                kudos_id=kudos_id, news_id=news_id, campaign_id=campaign_id,
                                team_id=team_id))
    try:
        db.session.commit()
    except IntegrityError:  # the same job ran at the same time elsewhere: one row is enough
        db.session.rollback()
        return False
    return True


def unread_count(user: User) -> int:
    """What the bell shows. When a person's notifications are gathered into their digest,
    only recognition received still counts (it is never held back)."""
    query = select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if user.notify_mode == "digest":
        query = query.where(Notification.kind.in_(RECOGNITION))
    return db.session.scalar(query)


SALT = "kudos-unsubscribe"
UNSUBSCRIBE_DAYS = 180


def unsubscribe_token(user_id: int) -> str:
    """A signed, expiring token that stops a person's digest without signing in."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT).dumps(user_id)


def unsubscribe(token: str) -> User | None:
    """Stop the digest of the token's person; None when the token is forged or expired."""
    try:
        user_id = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT).loads(
            token, max_age=UNSUBSCRIBE_DAYS * 86400
        )
    except BadData:
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        return None
    user.digest_frequency = "never"
    db.session.commit()
    return user


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or every) notification of `user` as read; returns how many changed."""
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    polls.touch(db.session, f"user:{user.id}")
    changed = db.session.execute(query.values(read_at=utcnow())).rowcount
    db.session.commit()
    return changed

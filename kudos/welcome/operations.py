"""The welcome's steps, skipping and picking up, and what a newcomer is offered."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.exc import IntegrityError

from kudos.auth.models import User
from kudos.extensions import db
from kudos.news import operations as news
from kudos.settings import operations as settings
from kudos.sqltypes import utcnow
from kudos.welcome.models import STEPS, Welcome

FIRST_WEEK = timedelta(days=7)


def start(user: User) -> Welcome:
    """A person signed in for the first time: their welcome begins (once)."""
    welcome = db.session.get(Welcome, user.id)
    if welcome is not None:
        return welcome
    welcome = Welcome(user_id=user.id, started_at=utcnow(), step=STEPS[0])
    db.session.add(welcome)
    try:
        db.session.commit()
    except IntegrityError:  # two first requests at once
        db.session.rollback()
        welcome = db.session.get(Welcome, user.id)
    return welcome


def of(user: User) -> Welcome | None:
    return db.session.get(Welcome, user.id)


def in_first_week(welcome: Welcome, now: datetime | None = None) -> bool:
    return (now or utcnow()) < welcome.started_at + FIRST_WEEK


def waiting(user: User, now: datetime | None = None) -> Welcome | None:
    """A welcome left half-way in the person's first week, to offer to pick up."""
    welcome = of(user)
    if welcome is None or welcome.finished_at is not None or not in_first_week(welcome, now):
        return None
    return welcome


def step_number(step: str) -> int:
    return STEPS.index(step) + 1


def next_step(welcome: Welcome, done: str) -> str | None:
    """Move past `done` (saved or skipped); the step that follows, or None at the end."""
    index = STEPS.index(done) + 1
    if index >= len(STEPS):
        finish(welcome)
        return None
    if STEPS.index(welcome.step) < index:
        welcome.step = STEPS[index]
    db.session.commit()
    return STEPS[index]


def finish(welcome: Welcome) -> None:
    """Done, or skipped as a whole: it is not offered again."""
    if welcome.finished_at is None:
        welcome.finished_at = utcnow()
    db.session.commit()


def save_topics(user: User, welcome: Welcome, topic_ids: list[int]) -> str | None:
    news.set_follows(user, topic_ids)
    return next_step(welcome, "topics")


def save_rhythm(user: User, welcome: Welcome, *, timezone: str, working_days: list[int],
                work_start: time, work_end: time, locale: str | None,
                profile_public: bool) -> str | None:
    settings.update_rhythm(user, timezone=timezone, working_days=working_days,
                           work_start=work_start, work_end=work_end, locale=locale,
                           profile_public=profile_public)
    return next_step(welcome, "rhythm")

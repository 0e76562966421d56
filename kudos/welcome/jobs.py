"""A newcomer's first week: at most two gentle pointers in the bell, through the nudge gate.

One pointer to a colleague's recent highlight (something to applaud), one to a news item on
a topic they follow; each at most once, the second no sooner than two days after the first,
none in the first hours, and nothing once the week is over (the gate holds a pointer it
would have to defer past the week's end). The gate decides everything else: working days
and hours in the person's time zone, mutes, back-offs. The usual interval between two
nudges (a week by default) is not applied between the two pointers, which are spaced by
this job instead; a pointer still counts as a nudge for everything that comes after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, not_, or_, select

from kudos.auth.models import User
from kudos.extensions import db
from kudos.insights.gate import nudge
from kudos.insights.models import NudgeDecision
from kudos.news.models import NewsItem, TopicFollow
from kudos.recognition.models import Kudos, KudosRecipient, Reaction
from kudos.recognition.queries import visible_to
from kudos.sqltypes import utcnow
from kudos.welcome.models import Welcome
from kudos.welcome.operations import FIRST_WEEK

KINDS = ("pointer_highlight", "pointer_news")
SETTLE = timedelta(hours=20)  # nothing on the first day: the welcome said enough
SPACING = timedelta(days=2)
QUIET_AFTER_HOLD = timedelta(hours=24)  # a pointer the gate held is not asked again at once
RECENT = timedelta(days=14)


def first_week_pointers(now: datetime | None = None) -> int:
    """Hourly: offer each newcomer in their first week the next pointer, if any is due.
    Returns how many were delivered now. Idempotent: a pointer has one key per person."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Welcome, User).join(User, User.id == Welcome.user_id)
        .where(Welcome.started_at > now - FIRST_WEEK, Welcome.started_at <= now - SETTLE,
               User.active.is_(True), User.erased_at.is_(None))
    ).all()
    sent = 0
    for welcome, user in rows:
        sent += offer_pointer(user, welcome, now)
    return sent


def offer_pointer(user: User, welcome: Welcome, now: datetime) -> bool:
    """Pass this person's next pointer through the gate; True when it was delivered now."""
    past = db.session.execute(
        select(NudgeDecision.kind, NudgeDecision.decision, NudgeDecision.decided_at,
               NudgeDecision.done_at)
        .where(NudgeDecision.user_id == user.id, NudgeDecision.kind.in_(KINDS))
    ).all()
    given = {kind for kind, decision, _at, _done in past if decision in ("send", "defer")}
    if any(decision == "defer" and done is None for _k, decision, _at, done in past):
        return False  # the gate will deliver it at the person's next working moment
    sends = [at for _k, decision, at, _done in past if decision == "send"]
    if len(given) >= len(KINDS) or (sends and now - max(sends) < SPACING):
        return False
    holds = [at for _k, decision, at, _done in past if decision == "hold"]
    if holds and now - max(holds) < QUIET_AFTER_HOLD:
        return False
    for kind in KINDS:
        if kind in given:
            continue
        payload = _highlight(user, now) if kind == "pointer_highlight" else _news(user, now)
        if payload is None:
            continue
        decision = nudge(user, kind, f"{kind}:{user.id}", now=now, respect_interval=False,
                         until=welcome.started_at + FIRST_WEEK, **payload)
        return decision.decision == "send"
    return False


def _highlight(user: User, now: datetime) -> dict | None:
    """The newest highlight of a colleague's work this person may see, is not part of and
    has not applauded yet."""
    involved = or_(Kudos.giver_id == user.id, exists().where(
        KudosRecipient.kudos_id == Kudos.id, KudosRecipient.user_id == user.id))
    applauded = exists().where(Reaction.kudos_id == Kudos.id, Reaction.user_id == user.id)
    row = db.session.execute(
        select(Kudos.id, Kudos.giver_id)
        .where(Kudos.kind == "highlight", Kudos.status == "published",
               Kudos.created_at >= now - RECENT, visible_to(user), not_(involved),
               not_(applauded))
        .order_by(Kudos.created_at.desc()).limit(1)
    ).first()
    return None if row is None else {"kudos_id": row.id, "actor_id": row.giver_id}


def _news(user: User, now: datetime) -> dict | None:
    """The newest published item on a topic this person follows, by someone else."""
    followed = select(TopicFollow.topic_id).where(TopicFollow.user_id == user.id)
    news_id = db.session.scalar(
        select(NewsItem.id)
        .where(NewsItem.status == "published", NewsItem.topic_id.in_(followed),
               NewsItem.published_at >= now - RECENT,
               or_(NewsItem.author_id.is_(None), NewsItem.author_id != user.id))
        .order_by(NewsItem.published_at.desc(), NewsItem.id.desc()).limit(1)
    )
    return None if news_id is None else {"news_id": news_id}

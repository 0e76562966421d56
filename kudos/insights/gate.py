"""Applying the nudge gate to real people, and delivering what it deferred."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from kudos.auth.models import User
from kudos.calendar.operations import person_calendar
from kudos.domain.delivery import Rhythm
from kudos.domain.gate import Decision, Situation, decide
from kudos.extensions import db
from kudos.insights.models import Backoff, NudgeDecision
from kudos.notifications.operations import deliver
from kudos.rules import current_rules
from kudos.sqltypes import utcnow

# Nudges that keep their own rhythm: the email digest comes at the frequency the person
# chose (daily or weekly). It is asked without the interval between nudges, and it does not
# count in that interval either: a digest neither waits a week behind a campaign's notice
# nor makes the next notice wait a week behind it. Back-offs, opt-outs and working days
# hold it like any other nudge.
OWN_RHYTHM = ("digest",)


def situation(user: User, *, muted: bool = False, opted_out: bool = False) -> Situation:
    last = db.session.scalar(
        select(func.max(NudgeDecision.decided_at)).where(
            NudgeDecision.user_id == user.id, NudgeDecision.decision == "send",
            NudgeDecision.kind.not_in(OWN_RHYTHM))
    )
    backoff = db.session.scalar(
        select(func.max(Backoff.until)).where(Backoff.user_id == user.id)
    )
    rhythm = Rhythm(user.timezone, tuple(user.weekdays), user.work_start_minute,
                    user.work_end_minute, person_calendar(user))
    return Situation(rhythm, last, backoff, muted, opted_out)


def nudge(user: User, kind: str, key: str, *, now: datetime | None = None,
          muted: bool = False, respect_interval: bool = True, until: datetime | None = None,
          **notification) -> Decision:
    """Pass one in-app nudge through the gate: deliver it, defer it, or hold it. Every
    decision is recorded with its reason. `until`: not after then (see `decide`); both it
    and `respect_interval` hold for a deferred nudge too, when it comes due."""
    now = now or utcnow()
    decision = decide(now, situation(user, muted=muted), current_rules(),
                      respect_interval=respect_interval, until=until)
    options = {}
    if not respect_interval:
        options["respect_interval"] = False
    if until is not None:
        options["until"] = until.isoformat()
    row = NudgeDecision(user_id=user.id, kind=kind, decided_at=now, decision=decision.decision,
                        reason=decision.reason, deliver_at=decision.deliver_at,
                        payload={"key": key, **notification, **options})
    db.session.add(row)
    db.session.commit()
    if decision.decision == "send":
        deliver(user.id, kind, key, **notification)
        row.done_at = now
        db.session.commit()
    return decision


def ask(user: User, kind: str, key: str, *, now: datetime | None = None,
        respect_interval: bool = True, opted_out: bool = False) -> Decision:
    """Pass a nudge that its caller delivers itself (the digest email, sent by its own job)
    through the gate. The decision is recorded like any other, already done: nothing is
    left for `deliver_deferred`, since the caller asks again at its next run. The caller
    asks every few minutes while the nudge is due, so an answer that repeats the last one
    recorded for the same key (a week's digest held by a back-off) is recorded once."""
    now = now or utcnow()
    decision = decide(now, situation(user, opted_out=opted_out), current_rules(),
                      respect_interval=respect_interval)
    last = db.session.execute(
        select(NudgeDecision.decision, NudgeDecision.reason, NudgeDecision.payload)
        .where(NudgeDecision.user_id == user.id, NudgeDecision.kind == kind)
        .order_by(NudgeDecision.id.desc()).limit(1)
    ).first()
    if last is None or (last.decision, last.reason, (last.payload or {}).get("key")) != (
        decision.decision, decision.reason, key
    ):
        payload = {"key": key} if respect_interval else {"key": key, "respect_interval": False}
        db.session.add(NudgeDecision(user_id=user.id, kind=kind, decided_at=now,
                                     decision=decision.decision, reason=decision.reason,
                                     deliver_at=decision.deliver_at, payload=payload,
                                     done_at=now))
    return decision


def deliver_deferred(now: datetime | None = None) -> int:
    """Periodic: nudges deferred to a working moment that has come go through the gate
    again (a mute or a back-off since then still holds them)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(NudgeDecision).where(NudgeDecision.decision == "defer",
                                    NudgeDecision.done_at.is_(None),
                                    NudgeDecision.deliver_at <= now)
    ).all()
    sent = 0
    for row in due:
        row.done_at = now
        db.session.commit()
        user = db.session.get(User, row.user_id)
        if user is None or not user.is_active:
            continue
        payload = dict(row.payload)
        key = payload.pop("key")
        until = payload.pop("until", None)
        options = {"respect_interval": payload.pop("respect_interval", True),
                   "until": datetime.fromisoformat(until) if until else None}
        if nudge(user, row.kind, key, now=now, **options, **payload).decision == "send":
            sent += 1
    return sent

"""The nudge gate: every nudge (campaign launch and reminder, digest, suggestion, phase
change) passes here. Recognition received is not a nudge and never comes here.

Pure: the caller passes the person's situation; the answer says send now, defer to a
moment (never drop for working hours, a public holiday or a closure), or hold, with the
reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kudos.domain.delivery import Rhythm, in_working_hours, next_working_moment
from kudos.domain.rules import Rules


@dataclass(frozen=True)
class Situation:
    rhythm: Rhythm
    last_nudged_at: datetime | None = None
    backoff_until: date | None = None
    muted: bool = False
    opted_out: bool = False


@dataclass(frozen=True)
class Decision:
    decision: str  # send | defer | hold
    # ok | muted | opted_out | backoff | interval | day_off | outside_hours | expired
    reason: str
    deliver_at: datetime | None = None


def decide(now: datetime, situation: Situation, rules: Rules, *,
           respect_interval: bool = True, until: datetime | None = None) -> Decision:
    """`until`: a nudge that only makes sense before then (a newcomer's first-week pointer)
    is held rather than sent or deferred past it."""
    if until is not None and now >= until:
        return Decision("hold", "expired")
    if situation.opted_out:
        return Decision("hold", "opted_out")
    if situation.muted:
        return Decision("hold", "muted")
    # The back-off's last day is a day of the person's, in their time zone, not UTC's.
    local_today = now.astimezone(ZoneInfo(situation.rhythm.timezone)).date()
    if situation.backoff_until and local_today <= situation.backoff_until:
        return Decision("hold", "backoff")
    if respect_interval and situation.last_nudged_at and (
        now - situation.last_nudged_at < timedelta(days=rules.nudge_min_interval_days)
    ):
        return Decision("hold", "interval")
    # A public holiday (of the person's country) or a company closure, on their local date:
    # nothing, whatever the hours rule says; it waits for their next working moment.
    if situation.rhythm.day_off(local_today):
        return _defer(now, situation.rhythm, "day_off", until)
    if rules.working_hours_only and not in_working_hours(now, situation.rhythm):
        return _defer(now, situation.rhythm, "outside_hours", until)
    return Decision("send", "ok", now)


def _defer(now: datetime, rhythm: Rhythm, reason: str, until: datetime | None) -> Decision:
    try:
        moment = next_working_moment(now, rhythm)
    except ValueError:
        # No working moment within the horizon (closures end to end for over a year): it
        # waits, held with its reason, rather than being sent on a day off.
        return Decision("hold", reason)
    if until is not None and moment >= until:
        return Decision("hold", "expired")
    return Decision("defer", reason, moment)

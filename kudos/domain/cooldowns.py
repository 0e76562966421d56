"""Cooldowns at the moment of giving: a daily cap per giver, and a cap per pair of colleagues.

Pure functions: the caller passes what the giver gave recently; the answer is None (go ahead)
or a `Refusal` that says which rule, about whom, and from when giving is possible again.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kudos.domain.rules import Rules


@dataclass(frozen=True)
class PastGift:
    """One kudos the giver gave earlier: when, to whom, and the day of the giver's that it
    counts in (fixed when it was given; None for kudos given before days were kept, which
    count by their time in today's bounds). Withdrawn and hidden kudos are past gifts too:
    taking a kudos back does not give its place back."""

    at: datetime
    recipient_ids: frozenset[int]
    day: date | None = None


@dataclass(frozen=True)
class Refusal:
    rule: str  # "daily_cap" or "pair"
    retry_at: datetime  # UTC, the first moment giving is possible again
    count: int  # how many were given in the rule's window
    recipient_id: int | None = None  # for "pair"

    def retry_after(self, now: datetime) -> int:
        """Whole seconds to wait, at least 1."""
        return max(1, int((self.retry_at - now).total_seconds() + 0.999))


def local_day_bounds(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Start of today and of tomorrow in the giver's time zone, as UTC (DST-aware)."""
    today = now.astimezone(tz).date()
    start = datetime.combine(today, time(0), tzinfo=tz)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def caps_zone(timezone: str, previous: str | None, previous_until: datetime | None,
              now: datetime) -> ZoneInfo:
    """The time zone whose calendar days the daily cap counts in at `now`: the person's, or
    the one they left today, until that day is over (see `zone_change`)."""
    if previous and previous_until is not None and now < previous_until:
        return ZoneInfo(previous)
    return ZoneInfo(timezone)


def zone_change(now: datetime, in_force: str, new: str) -> tuple[str | None, datetime | None]:
    """(previous zone, until when) after a person moves to zone `new` while caps count days
    in `in_force`: the cap keeps counting the day in progress in the old zone until it ends,
    and the new zone applies from the next day. Otherwise changing zones twice (to a zone
    already on tomorrow, then back) would open two fresh days within an hour."""
    if new == in_force:
        return None, None
    return in_force, local_day_bounds(now, ZoneInfo(in_force))[1]


def giving_day(now: datetime, tz: ZoneInfo) -> date:
    """The day a gift given at `now` counts in, for good."""
    return now.astimezone(tz).date()


def check_giving(
    now: datetime,
    tz: ZoneInfo,
    past: Iterable[PastGift],
    recipient_ids: Iterable[int],
    rules: Rules,
) -> Refusal | None:
    """May the giver give one more kudos to `recipient_ids` at `now`?

    - at most `daily_kudos_cap` kudos per local calendar day (a kudos to several colleagues
      counts once); a gift counts in the day fixed when it was given (`PastGift.day`), and a
      gift fixed on a later day than today (a person who moved to an earlier zone) counts
      today too, so that a day never comes back fresh;
    - at most `pair_max_in_window` kudos to the same colleague within `pair_window_days`
      (a gift exactly `pair_window_days` old has left the window).
    """
    past = list(past)
    day_start, day_end = local_day_bounds(now, tz)
    local_today = giving_day(now, tz)
    today = sum(1 for gift in past
                if (gift.day >= local_today if gift.day is not None
                    else day_start <= gift.at < day_end))
    if today >= rules.daily_kudos_cap:
        return Refusal("daily_cap", retry_at=day_end, count=today)
    window = timedelta(days=rules.pair_window_days)
    for recipient_id in sorted(set(recipient_ids)):
        times = sorted(
            g.at for g in past if recipient_id in g.recipient_ids and g.at > now - window
        )
        if len(times) >= rules.pair_max_in_window:
            # Possible again once enough of these leave the window.
            oldest_to_leave = times[len(times) - rules.pair_max_in_window]
            return Refusal("pair", retry_at=oldest_to_leave + window, count=len(times),
                           recipient_id=recipient_id)
    return None

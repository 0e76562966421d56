"""When to send a person their email digest, and when to gather their notifications into it.

Pure functions: the caller passes the person's rhythm and history; the answer is a decision.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kudos.domain.calendar import WorkingCalendar

# How far ahead to look for a working moment: past the longest run of closures, holidays and
# days off a real calendar has.
HORIZON_DAYS = 400


@dataclass(frozen=True)
class Rhythm:
    """A person's working days (ISO weekdays, Monday is 1) and hours, in their time zone;
    with their working calendar, their public holidays and the company's closures are days
    off too."""

    timezone: str
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    start_minute: int = 9 * 60
    end_minute: int = 18 * 60
    calendar: WorkingCalendar | None = None

    def day_off(self, day: date) -> bool:
        """A public holiday of the person's country or a company closure day (a local date)."""
        return self.calendar is not None and self.calendar.is_day_off(day)


def in_working_hours(moment: datetime, rhythm: Rhythm) -> bool:
    local = moment.astimezone(ZoneInfo(rhythm.timezone))
    minute = local.hour * 60 + local.minute
    return (local.isoweekday() in rhythm.weekdays and not rhythm.day_off(local.date())
            and rhythm.start_minute <= minute < rhythm.end_minute)


def digest_period(moment: datetime, rhythm: Rhythm, frequency: str) -> str:
    """The period a digest sent at `moment` covers: a local date, or an ISO week."""
    local = moment.astimezone(ZoneInfo(rhythm.timezone))
    if frequency == "daily":
        return local.date().isoformat()
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def digest_due(moment: datetime, rhythm: Rhythm, frequency: str,
               last_period: str | None) -> str | None:
    """The period to send a digest for now, or None.

    A digest goes out once per period (day or ISO week), inside the person's working hours,
    on a working day; a weekly one on the first working day of the week it can be sent
    (so someone off on Monday gets it on Tuesday morning, not never).
    """
    if frequency not in ("daily", "weekly") or not in_working_hours(moment, rhythm):
        return None
    period = digest_period(moment, rhythm, frequency)
    return None if period == last_period else period


def next_working_moment(moment: datetime, rhythm: Rhythm) -> datetime:
    """The first moment at or after `moment` inside the person's working days and hours,
    skipping their public holidays and the company's closures (used to defer, never to
    drop). Handles daylight-saving changes by working in local wall-clock time."""
    tz = ZoneInfo(rhythm.timezone)
    if not rhythm.weekdays:
        raise ValueError("no working day")
    local = moment.astimezone(tz)
    for offset in range(HORIZON_DAYS):
        day = (local + timedelta(days=offset)).date()
        if day.isoweekday() not in rhythm.weekdays or rhythm.day_off(day):
            continue
        start = datetime(day.year, day.month, day.day, rhythm.start_minute // 60,
                         rhythm.start_minute % 60, tzinfo=tz)
        end = datetime(day.year, day.month, day.day, rhythm.end_minute // 60,
                       rhythm.end_minute % 60, tzinfo=tz)
        # Compared as instants: within one zone Python compares wall clocks, which would
        # answer an hour early during the repeated hour of an autumn change.
        if offset == 0 and local.timestamp() >= end.timestamp():
            continue
        return max(start, local, key=datetime.timestamp) if offset == 0 else start
    raise ValueError(f"no working moment within {HORIZON_DAYS} days")


@dataclass(frozen=True)
class AdaptiveRule:
    """Move a person's notifications to the digest when this many stay unread this long."""

    min_unread: int = 5
    older_than: timedelta = timedelta(days=14)


def should_gather(unread_created: list[datetime], now: datetime,
                  rule: AdaptiveRule = AdaptiveRule()) -> bool:
    """True when notifications pile up unread: fewer, better messages suit them better."""
    stale = [at for at in unread_created if now - at >= rule.older_than]
    return len(unread_created) >= rule.min_unread and len(stale) >= 1

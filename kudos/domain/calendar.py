"""The working calendar: which days are not working days for a company or a person.

A day is off when it is not one of the working weekdays, when it is a public holiday of the
country (from the `holidays` package), or when it falls inside a company closure. Pure: the
caller passes the country, weekdays and closures; nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

MAX_CLOSURE_DAYS = 62  # the longest closure an admin can add, first and last day included
ENGLISH = "en_US"


@lru_cache(maxsize=1)
def supported_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the countries whose public holidays are known."""
    return frozenset(code for code in holidays.list_supported_countries() if len(code) == 2)


def is_supported(country: str | None) -> bool:
    return country in supported_countries()


@lru_cache(maxsize=1024)
def _holiday_dates(country: str, year: int) -> frozenset[date]:
    """A country's public holidays in one year (dates only; names are not needed to decide).
    Immutable package data, so caching it for the life of the process cannot go stale."""
    if not is_supported(country):
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=year))


def holiday_names(country: str, year: int, language: str | None = None) -> list[tuple[date, str]]:
    """A country's public holidays in `year`, in date order, named in `language` ("fr",
    "en") when the package has that language for the country, else in English, else in the
    package's default for the country. An unknown country has none."""
    if not is_supported(country):
        return []
    available = holidays.list_localized_countries().get(country, [])
    wanted = ENGLISH if language in (None, "en") else language
    chosen = next((lang for lang in (wanted, ENGLISH) if lang in available), None)
    found = holidays.country_holidays(country, years=year, language=chosen)
    return sorted(found.items())


@dataclass(frozen=True)
class WorkingCalendar:
    country: str = "FR"  # ISO 3166-1 alpha-2
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0: the working days
    closures: tuple[tuple[date, date], ...] = ()  # inclusive (first day, last day) ranges

    def is_holiday(self, day: date) -> bool:
        """A public holiday of `country` (never, for a country the package does not know)."""
        return day in _holiday_dates(self.country, day.year)

    def is_closed(self, day: date) -> bool:
        """Inside a company closure."""
        return any(first <= day <= last for first, last in self.closures)

    def is_off(self, day: date) -> bool:
        """Not a working weekday, or a public holiday, or a closure day."""
        return day.weekday() not in self.weekdays or self.is_holiday(day) or self.is_closed(day)

    def is_day_off(self, day: date) -> bool:
        """A public holiday or a closure day (whatever the weekday): what the nudge gate
        skips on top of a person's own working days."""
        return self.is_holiday(day) or self.is_closed(day)

    def off_days(self, start: date, end: date) -> list[bool]:
        """`is_off` for each day from `start` to `end` inclusive (empty when end < start)."""
        count = (end - start).days + 1
        if count <= 0:
            return []
        off = [False] * count
        for offset in range(count):
            if (start.weekday() + offset) % 7 not in self.weekdays:
                off[offset] = True
        for year in range(start.year, end.year + 1):
            for day in _holiday_dates(self.country, year):
                if start <= day <= end:
                    off[(day - start).days] = True
        for first, last in self.closures:
            lo, hi = max(first, start), min(last, end)
            for offset in range((lo - start).days, (hi - start).days + 1):
                off[offset] = True
        return off

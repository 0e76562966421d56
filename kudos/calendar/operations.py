"""Reading the working calendar (the company's, a person's, the company's today) and
changing it: the country, the time zone and closures (admins, audited), a person's country.

Nothing is cached across requests: each call reads the database (one row and the closures).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from kudos import audit
from kudos.auth.models import User
from kudos.calendar.models import COMPANY_ROW, Closure, CompanyCalendar
from kudos.domain.calendar import (
    MAX_CLOSURE_DAYS,
    WorkingCalendar,
    is_supported,
    supported_countries,
)
from kudos.domain.errors import Invalid, NotFound
from kudos.extensions import db
from kudos.sqltypes import utcnow

DEFAULT_COUNTRY, DEFAULT_TIMEZONE = "FR", "Europe/Paris"
LABEL_MAX = 80


def _company_row() -> CompanyCalendar | None:
    return db.session.get(CompanyCalendar, COMPANY_ROW)


def company_country() -> str:
    row = _company_row()
    return row.country if row else DEFAULT_COUNTRY


def company_timezone() -> str:
    row = _company_row()
    return row.timezone if row else DEFAULT_TIMEZONE


def closures() -> list[Closure]:
    """Every closure, in date order."""
    return list(db.session.scalars(select(Closure).order_by(Closure.first_day, Closure.id)))


def _ranges() -> tuple[tuple[date, date], ...]:
    return tuple((c.first_day, c.last_day) for c in closures())


def company_calendar() -> WorkingCalendar:
    """The company's calendar: its country, Monday to Friday, its closures."""
    return WorkingCalendar(company_country(), (0, 1, 2, 3, 4), _ranges())


def person_calendar(user: User) -> WorkingCalendar:
    """A person's calendar: their country (or the company's), their own working days, the
    company's closures."""
    weekdays = tuple(sorted(day - 1 for day in user.weekdays))  # ISO (Monday 1) to Monday 0
    return WorkingCalendar(user.country or company_country(), weekdays, _ranges())


def company_today(now: datetime | None = None) -> date:
    """Today's date in the company's time zone."""
    return (now or utcnow()).astimezone(ZoneInfo(company_timezone())).date()


def check_country(country: str | None, field: str = "country") -> str:
    """A country whose public holidays we know, as its upper-case code; else Invalid."""
    code = (country or "").strip().upper()
    if not is_supported(code):
        raise Invalid(field, _("Please choose a country from the list."))
    return code


def _check_timezone(timezone: str | None) -> str:
    try:
        ZoneInfo(timezone or "")
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("timezone", _("Please choose a time zone from the list.")) from None
    return timezone


def change_company(admin: User, *, country: str, timezone: str) -> CompanyCalendar:
    """Set the company's country and time zone. Audited with the values before and after."""
    country, timezone = check_country(country), _check_timezone(timezone)
    row = _company_row()
    if row is None:
        row = CompanyCalendar(id=COMPANY_ROW, country=DEFAULT_COUNTRY, timezone=DEFAULT_TIMEZONE)
        db.session.add(row)
    before = {"country": row.country, "timezone": row.timezone}
    if before == {"country": country, "timezone": timezone}:
        return row
    row.country, row.timezone = country, timezone
    row.updated_at, row.updated_by_id = utcnow(), admin.id
    audit.record(admin, "calendar.changed", row, before=before,
                 after={"country": country, "timezone": timezone})
    db.session.commit()
    return row


def add_closure(admin: User, *, first_day: date | None, last_day: date | None,
                label: str) -> Closure:
    """A company closure from `first_day` to `last_day` included: at most 62 days, not
    ending before it starts, not overlapping another. Audited."""
    label = " ".join((label or "").split())
    if not label:
        raise Invalid("label", _("Please name the closure, for example “Christmas”."))
    if len(label) > LABEL_MAX:
        raise Invalid("label", _("Please keep it under %(n)s characters (it has %(len)s).",
                                 n=LABEL_MAX, len=len(label)))
    if first_day is None:
        raise Invalid("first_day", _("Please give the first day of the closure."))
    if last_day is None:
        raise Invalid("last_day", _("Please give the last day of the closure."))
    if last_day < first_day:
        raise Invalid("last_day", _("The last day comes before the first day. Please check "
                                    "the dates."))
    if (last_day - first_day).days + 1 > MAX_CLOSURE_DAYS:
        raise Invalid("last_day", _("A closure can last at most %(n)s days; this one lasts "
                                    "%(days)s. Please split it or shorten it.",
                                    n=MAX_CLOSURE_DAYS, days=(last_day - first_day).days + 1))
    other = db.session.scalar(select(Closure).where(Closure.first_day <= last_day,
                                                    Closure.last_day >= first_day).limit(1))
    if other is not None:
        raise Invalid("first_day", _("These days overlap “%(label)s”. Please change the dates, "
                                     "or remove that closure first.", label=other.label))
    closure = Closure(first_day=first_day, last_day=last_day, label=label,
                      created_by_id=admin.id)
    db.session.add(closure)
    audit.record(admin, "calendar.closure_added", closure, label=label,
                 first_day=first_day.isoformat(), last_day=last_day.isoformat())
    db.session.commit()
    return closure


def remove_closure(admin: User, closure_id: int) -> Closure:
    """Remove a closure (its days become ordinary days again). Audited."""
    closure = db.session.get(Closure, closure_id)
    if closure is None:
        raise NotFound(_("This closure was already removed."))
    audit.record(admin, "calendar.closure_removed", closure, label=closure.label,
                 first_day=closure.first_day.isoformat(),
                 last_day=closure.last_day.isoformat())
    db.session.delete(closure)
    db.session.commit()
    return closure


def set_person_country(user: User, country: str | None) -> None:
    """A person's own country, for their public holidays; empty: the company's. The caller
    commits (it is part of saving their settings)."""
    user.country = check_country(country) if country else None


def country_name(code: str) -> str:
    """A country's name in the reader's language (its code when Babel has no name)."""
    return get_locale().territories.get(code, code)


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country whose public holidays we know, by name in the reader's
    language (accents aside, so that "Égypte" sits among the E)."""
    names = get_locale().territories

    def key(choice: tuple[str, str]) -> str:
        plain = unicodedata.normalize("NFKD", choice[1])
        return "".join(c for c in plain if not unicodedata.combining(c)).casefold()

    return sorted(((code, names.get(code, code)) for code in supported_countries()), key=key)

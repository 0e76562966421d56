"""Changing one's own profile, exporting one's data, erasing one's account."""

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from kudos import audit
from kudos.auth.models import ApiToken, Invitation, User, UserSession
from kudos.auth.operations import clean_name, end_all_sessions
from kudos.auth.passwords import check_password
from kudos.calendar.operations import set_person_country
from kudos.domain.errors import Invalid
from kudos.extensions import db
from kudos.signals import account_erased, collect_export
from kudos.sqltypes import utcnow
from kudos.teams import operations as team_moves

LOCALES = ("en", "fr")


def update_profile(
    user: User,
    *,
    name: str,
    timezone: str,
    working_days: list[int],
    work_start: time,
    work_end: time,
    locale: str | None,
    profile_public: bool,
    approve_kudos: bool = False,
    digest_frequency: str = "weekly",
    notify_mode: str = "live",
    relay_weekly_budget: int | None = None,
    country: str | None = None,
) -> None:
    """Save a person's own settings after checking each field. The team is not one of
    them: a person asks to move (kudos.teams.operations), and the team's leads decide."""
    name = clean_name(name)
    days, start, end = _rhythm(timezone, working_days, work_start, work_end)
    if digest_frequency not in ("daily", "weekly", "never"):
        raise Invalid("digest_frequency", _("Please choose how often from the list."))
    if notify_mode not in ("live", "digest"):
        raise Invalid("notify_mode", _("Please choose from the list."))
    if relay_weekly_budget is not None and not 1 <= relay_weekly_budget <= 50:
        raise Invalid("relay_weekly_budget", _("Choose a number from 1 to 50, or leave it "
                                               "empty."))
    _check_locale(locale)
    set_person_country(user, country)
    user.name = name
    user.set_timezone(timezone, utcnow())
    user.working_days = ",".join(str(d) for d in days)
    user.work_start_minute, user.work_end_minute = start, end
    user.locale = locale
    user.profile_public = profile_public
    user.approve_kudos = approve_kudos
    user.digest_frequency = digest_frequency
    user.relay_weekly_budget = relay_weekly_budget
    if notify_mode != user.notify_mode:
        user.notify_mode = notify_mode
        user.gathered_at = None
    db.session.commit()


def update_rhythm(user: User, *, timezone: str, working_days: list[int], work_start: time,
                  work_end: time, locale: str | None, profile_public: bool) -> None:
    """A newcomer's working days, hours and time zone, language and visibility (the last
    step of their welcome): the same checks as the settings page."""
    days, start, end = _rhythm(timezone, working_days, work_start, work_end)
    _check_locale(locale)
    user.set_timezone(timezone, utcnow())
    user.working_days = ",".join(str(d) for d in days)
    user.work_start_minute, user.work_end_minute = start, end
    user.locale = locale
    user.profile_public = profile_public
    db.session.commit()


def _rhythm(timezone: str, working_days: list[int], work_start: time,
            work_end: time) -> tuple[list[int], int, int]:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("timezone", _("Please choose a time zone from the list.")) from None
    days = sorted(set(working_days))
    if not days or any(d < 1 or d > 7 for d in days):
        raise Invalid("working_days", _("Pick at least one working day."))
    start = work_start.hour * 60 + work_start.minute
    end = work_end.hour * 60 + work_end.minute
    if end <= start:
        raise Invalid("work_end", _("The day must end after it starts."))
    return days, start, end


def _check_locale(locale: str | None) -> None:
    if locale not in (None, *LOCALES):
        raise Invalid("locale", _("Please choose a language from the list."))


def export_data(user: User) -> dict:
    """Everything Kudos holds about a person, as plain JSON-ready data."""
    sessions = db.session.scalars(db.select(UserSession).where(UserSession.user_id == user.id))
    tokens = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id))
    data = {
        "exported_at": utcnow().isoformat(),
        "profile": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "team": user.team.name if user.team else None,
            "teams_led": [t.name for t in user.led_teams],
            "timezone": user.timezone,
            "working_days": user.weekdays,
            "work_hours": [_hhmm(user.work_start_minute), _hhmm(user.work_end_minute)],
            "language": user.locale,
            "country": user.country,
            "profile_public": user.profile_public,
            "approve_kudos": user.approve_kudos,
            "digest_frequency": user.digest_frequency,
            "notifications": user.notify_mode,
            "created_at": user.created_at.isoformat(),
        },
        "sign_in_sessions": [
            {"created_at": s.created_at.isoformat(), "expires_at": s.expires_at.isoformat(),
             "ended_at": s.revoked_at.isoformat() if s.revoked_at else None,
             "device": s.user_agent}
            for s in sessions
        ],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat(),
             "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None}
            for t in tokens
        ],
    }
    collect_export.send(user, data=data)
    return data


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def erase_account(user: User, *, password: str, remove_words: bool) -> None:
    """Erase a person: personal data goes, their words stay signed "a former colleague"
    unless they ask for those to go too. The row stays so that history keeps its shape."""
    if not check_password(user.password_hash, password or ""):
        raise Invalid("password", _("That is not your password."))
    if user.is_admin:
        admins = db.session.scalar(
            db.select(db.func.count(User.id)).where(
                User.role == "admin", User.active.is_(True), User.erased_at.is_(None)
            )
        )
        if admins <= 1:
            raise Invalid("password", _("You are the only admin. Make someone else an admin "
                                        "first, so the company keeps someone in charge."))
    account_erased.send(user, remove_words=remove_words)
    team_moves.cancel_all(user, user, "erased")
    end_all_sessions(user, commit=False)
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(db.delete(Invitation).where(Invitation.email == user.email))
    user.led_teams.clear()
    user.email = f"erased-{user.id}@invalid.example"
    user.name = ""
    user.password_hash = None
    user.active = False
    user.profile_public = False
    user.locale = None
    user.erased_at = utcnow()
    audit.record(None, "person.erased", user, removed_words=remove_words)
    db.session.commit()

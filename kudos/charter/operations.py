"""Reading the charter, changing it (versioned per language, audited), and the once-only
notice of a new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kudos import audit
from kudos.audit import AuditLog
from kudos.auth.models import User, active_users
from kudos.charter.defaults import DEFAULTS
from kudos.charter.models import CharterNotice, CharterVersion
from kudos.domain.errors import Conflict, Invalid
from kudos.extensions import db
from kudos.news.markdown import unsafe
from kudos.sqltypes import utcnow

TITLE_MAX, SUMMARY_MAX, BODY_MAX, REASON_MAX = 200, 1500, 20_000, 500


@dataclass(frozen=True)
class Charter:
    """The charter in force in one language."""

    language: str
    version: int
    title: str
    summary: str
    body: str
    updated_at: datetime | None  # None: the default text, never changed
    is_default: bool


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def language_for(requested: str | None = None) -> str:
    """The language asked for when it is one of ours, else the reader's."""
    if requested in languages():
        return requested
    return str(get_locale())


def _check_language(language: str | None) -> str:
    if language not in languages():
        raise Invalid("language", _("Please choose a language among %(languages)s.",
                                    languages=", ".join(languages())))
    return language


def _latest(language: str):
    return (select(CharterVersion).where(CharterVersion.language == language)
            .order_by(CharterVersion.version.desc()).limit(1))


def _from_row(row: CharterVersion) -> Charter:
    return Charter(row.language, row.version, row.title, row.summary, row.body,
                   row.created_at, False)


def default(language: str) -> Charter:
    text = DEFAULTS.get(language, DEFAULTS["en"])
    return Charter(language, 1, text.title, text.summary, text.body, None, True)


def current(language: str) -> Charter:
    """The charter in force in `language`: the last version saved, or the default text."""
    row = db.session.scalar(_latest(language))
    return default(language) if row is None else _from_row(row)


def history(language: str) -> list[CharterVersion]:
    """Every saved version of a language, newest first (the default text is version 1)."""
    return db.session.scalars(
        select(CharterVersion).where(CharterVersion.language == language)
        .order_by(CharterVersion.version.desc()).limit(100)
    ).all()


def _text(value: str | None, field: str, limit: int, *, markdown: bool = False) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        raise Invalid(field, _("Please write something here: it cannot be empty."))
    if len(text) > limit:
        raise Invalid(field, _("Please keep it under %(n)s characters (it has %(len)s).",
                               n=limit, len=len(text)))
    if markdown and unsafe(text):
        raise Invalid(field, _("Scripts, images, embedded content, styles and links other "
                               "than web or email addresses are not possible here. Please "
                               "remove them, or link to the page instead."))
    return text


def save(admin: User, language: str, *, version: int, title: str, summary: str, body: str,
         reason: str) -> Charter:
    """A new version of the charter in `language`, made from `version`: refused (Conflict)
    when someone saved another version since. Audited with who, the version and why."""
    language = _check_language(language)
    title = " ".join(_text(title, "title", TITLE_MAX).split())
    summary = _text(summary, "summary", SUMMARY_MAX, markdown=True)
    body = _text(body, "body", BODY_MAX, markdown=True)
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid("reason", _("Please say why, for the history of the charter."))
    if len(reason) > REASON_MAX:
        raise Invalid("reason", _("Please keep it under %(n)s characters (it has %(len)s).",
                                  n=REASON_MAX, len=len(reason)))
    stale = Conflict(_("Someone changed the charter while you were editing it. Reload to "
                       "see their version, then apply your changes again."))
    if version != current(language).version:
        raise stale
    row = CharterVersion(language=language, version=version + 1, title=title,
                         summary=summary, body=body, reason=reason, changed_by_id=admin.id)
    db.session.add(row)
    try:
        db.session.flush()  # two saves from the same version: the unique key keeps one
    except IntegrityError:
        db.session.rollback()
        raise stale from None
    audit.record(admin, "charter.changed", row, language=language, version=row.version,
                 reason=reason)
    db.session.commit()
    return _from_row(row)


def mark_reviewed(admin: User) -> None:
    """An admin read the charter and keeps it as it is (no new version, no notice)."""
    audit.record(admin, "charter.reviewed", None)
    db.session.commit()


def reviewed_subquery():
    """For the admin's first steps: has anyone saved or reviewed the charter? (a count)"""
    saved = select(func.count(CharterVersion.id)).scalar_subquery()
    kept = (select(func.count(AuditLog.id)).where(AuditLog.action == "charter.reviewed")
            .scalar_subquery())
    return saved + kept


def notice_for(user: User, language: str) -> Charter | None:
    """The charter, when a version newer than the person's arrival and than their last
    "got it" was saved in their language; None otherwise. In one statement."""
    dismissed = (select(CharterNotice.dismissed_at).where(CharterNotice.user_id == user.id)
                 .scalar_subquery())
    row = db.session.execute(
        select(CharterVersion, dismissed).where(CharterVersion.language == language)
        .order_by(CharterVersion.version.desc()).limit(1)
    ).first()
    if row is None:
        return None
    version, dismissed_at = row
    seen = max(t for t in (dismissed_at, user.created_at) if t is not None)
    return _from_row(version) if version.created_at > seen else None


def dismiss_notice(user: User) -> None:
    """The person set the notice aside (or opened the charter from it)."""
    now = utcnow()
    row = db.session.get(CharterNotice, user.id)
    if row is None:
        db.session.add(CharterNotice(user_id=user.id, dismissed_at=now))
    else:
        row.dismissed_at = now
    try:
        db.session.commit()
    except IntegrityError:  # the same click from two tabs: one row is enough
        db.session.rollback()


def contacts(limit: int = 8) -> list[User]:
    """The programme's admins people may ask (those with a visible profile)."""
    return db.session.scalars(
        active_users().where(User.role == "admin", User.profile_public.is_(True))
        .order_by(User.name).limit(limit)
    ).all()

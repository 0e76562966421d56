"""Words and rendering helpers for recognition: when a pause ends, links in messages."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from kudos.sqltypes import utcnow

URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)»"


def when_phrase(moment: datetime, tz_name: str, now: datetime | None = None) -> str:
    """'later today at 15:00', 'tomorrow', 'on Tuesday', 'on 3 Mar 2027', in the person's
    time zone and language."""
    tz = ZoneInfo(tz_name)
    local = moment.astimezone(tz)
    today = (now or utcnow()).astimezone(tz).date()
    locale = str(get_locale())
    if local.date() == today:
        return _("later today at %(time)s", time=format_time(local, "short", locale=locale))
    if local.date() == today + timedelta(days=1):
        return _("tomorrow")
    if local.date() < today + timedelta(days=7):
        return _("on %(day)s", day=format_date(local.date(), "EEEE", locale=locale))
    return _("on %(date)s", date=format_date(local.date(), "medium", locale=locale))


def linkify(text: str) -> Markup:
    """Escape user text, then make http(s) links clickable. Nothing else becomes markup."""
    escaped = str(escape(text))
    out, last = [], 0
    for match in URL.finditer(escaped):
        url = match.group(0)
        trimmed = url.rstrip(TRAILING)
        end = match.start() + len(trimmed)
        out.append(escaped[last:match.start()])
        out.append(f'<a href="{trimmed}" rel="nofollow noopener noreferrer ugc">{trimmed}</a>')
        last = end
    out.append(escaped[last:])
    return Markup("".join(out))  # noqa: S704 (built from escaped text only)

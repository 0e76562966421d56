"""Opaque cursors for every API list: `?cursor=…&limit=…` → `next_cursor`."""

import base64
import json

from flask import request
from flask_babel import gettext as _

from kudos.errors import ApiError
from kudos.security import is_storable

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode_cursor(position: list) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def page_args() -> tuple[list | None, int]:
    """The decoded cursor (or None) and the limit of the current request."""
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(raw_limit)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(422, _("limit must be a whole number from 1 to %(max)s.", max=MAX_LIMIT),
                       field="limit")
    cursor = request.args.get("cursor")
    if not cursor:
        return None, limit
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(position, list) or not all(_plain(p) for p in position):
            raise ValueError
    except (ValueError, TypeError):
        raise ApiError(422, _("This cursor is not one we gave out."), field="cursor") from None
    return position, limit


def _plain(part) -> bool:
    """A part of a cursor we give out: a whole number a database column holds (not a
    boolean, which JSON's `true` is), or a short storable text (a name, a date)."""
    if type(part) is int:
        return 0 <= part <= 2**31 - 1
    return isinstance(part, str) and len(part) <= 200 and is_storable(part)


def page(rows: list, limit: int, position_of) -> tuple[list, str | None]:
    """Cut a list fetched with limit + 1 rows into a page and the cursor of the next one."""
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(position_of(rows[-1]))
    return rows, None

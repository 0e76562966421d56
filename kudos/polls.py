"""Polls that cost almost nothing: high-water marks per audience, and signed validators.

Every open wall asks `/wall/newer` every 30 seconds and every page's bell asks
`/notifications/bell` every minute; nearly always, nothing changed. So each audience has a
*mark* in Redis, a random value replaced whenever something that audience sees changes:

- `all`: everyone (an import, a bulk change this module cannot attribute);
- `company`: company-wide kudos;
- `team:<id>`: kudos shown to a team;
- `user:<id>`: one person: kudos they give or receive, their notifications, their sessions,
  their own row (team, role, deactivation, erasure).

A page that polls reads the marks of its reader's audiences *before* it reads what it shows,
and signs them into the poll's address (`v`), with the reader's session token and an expiry
no later than the session's. A poll whose signature still matches the current marks is
answered 204 before the session is loaded or the database touched. Anything else (no Redis,
no mark, a mark replaced, a signed-out session, a revoked one, which replaces its person's
mark) takes the ordinary path, with its ordinary answer.

Marks are replaced after the commit of the change (SQLAlchemy session events collect them;
`touch` adds those the ORM cannot see), so a reader who read a mark before the change sees
it replaced. A replacement lost to a Redis outage is outlived by at most `VALIDATOR_TTL`: every
validator expires, and the ordinary path then signs a fresh one.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Iterable
from itertools import chain

from flask import Flask, current_app, has_app_context, request, session
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from kudos.jobs import redis_connection

log = logging.getLogger(__name__)

MARK_TTL = 2 * 24 * 3600  # an idle audience's mark is forgotten, then made anew
VALIDATOR_TTL = 600  # seconds a signed validator is trusted without the ordinary path
KINDS = ("wall", "bell")
# Tables whose bulk changes (UPDATE/DELETE/INSERT statements, not ORM objects) can change
# what a poll answers; one that no `touch` accounted for replaces the `all` mark.
WATCHED = {"kudos", "kudos_recipients", "kudos_audiences", "notifications", "users",
           "user_sessions"}
_PENDING = "kudos_marks"
_HANDLED = "kudos_marks_handled"


def _key(scope: str) -> str:
    return f"kudos:mark:{scope}"


# --- replacing marks ----------------------------------------------------------------------


def touch(session: Session, *scopes: str, handled: bool = True) -> None:
    """Replace these marks when `session` commits. `handled` says the transaction's bulk
    statements are accounted for by these scopes (so they do not replace `all`)."""
    session.info.setdefault(_PENDING, set()).update(scopes)
    if handled:
        session.info[_HANDLED] = True


def bump(scopes: Iterable[str]) -> None:
    """Replace these marks now (after a commit). Without Redis, or with Redis down, nothing
    happens: validators expire on their own (`VALIDATOR_TTL`)."""
    scopes = set(scopes)
    if not scopes or not has_app_context():
        return
    connection = redis_connection()
    if connection is None:
        return
    try:
        pipe = connection.pipeline(transaction=False)
        for scope in scopes:
            pipe.set(_key(scope), secrets.token_hex(8), ex=MARK_TTL)
        pipe.execute()
    except RedisError as error:
        log.warning("poll marks not replaced (%s): %s", ", ".join(sorted(scopes)), error)


def _scopes_of(obj, new: bool) -> set[str]:
    name = getattr(obj, "__tablename__", None)
    if name == "kudos":
        # A new kudos brings its recipients and audiences along (below); a changed one (a
        # pending kudos published, say) does not, so it wakes every poll unless it is the
        # company's.
        if obj.visibility == "company":
            return {f"user:{obj.giver_id}", "company"}
        return {f"user:{obj.giver_id}"} if new else {"all"}
    if name in ("kudos_recipients", "notifications", "user_sessions"):
        return {f"user:{obj.user_id}"}
    if name == "kudos_audiences":
        return {f"team:{obj.team_id}"}
    if name == "users":
        return {f"user:{obj.id}"}
    return set()


@event.listens_for(Session, "after_flush")
def _collect(session, _flush_context) -> None:
    scopes: set[str] = set()
    for obj in session.new:
        scopes |= _scopes_of(obj, True)
    for obj in chain(session.dirty, session.deleted):
        scopes |= _scopes_of(obj, False)
    if scopes:
        session.info.setdefault(_PENDING, set()).update(scopes)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED and not state.session.info.get(_HANDLED):
        state.session.info.setdefault(_PENDING, set()).add("all")


@event.listens_for(Session, "after_commit")
def _replace(session) -> None:
    session.info.pop(_HANDLED, None)
    scopes = session.info.pop(_PENDING, None)
    if scopes:
        bump(scopes)


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_HANDLED, None)


# --- validators ---------------------------------------------------------------------------


def _scopes(kind: str, user_id: int, team_id: int) -> list[str]:
    if kind == "bell":
        return ["all", f"user:{user_id}"]
    return ["all", "company", *([f"team:{team_id}"] if team_id else []), f"user:{user_id}"]


def _signature(kind: str, token: str, user_id: int, team_id: int, expires: int,
               marks: list[bytes]) -> str:
    message = "|".join([kind, token, str(user_id), str(team_id), str(expires),
                        *(m.decode() for m in marks)])
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message.encode(),
                    hashlib.sha256).hexdigest()[:32]


def validator(kind: str, user) -> str | None:
    """A validator for `user`'s poll of `kind`, signing their audiences' marks as they are
    now; None without Redis (the poll then always takes the ordinary path). Call it before
    reading what the page shows."""
    token = getattr(user, "session_token", None)
    connection = redis_connection()
    if connection is None or not token:
        return None
    team_id = user.team_id or 0
    keys = [_key(s) for s in _scopes(kind, user.id, team_id)]
    try:
        pipe = connection.pipeline(transaction=False)
        for key in keys:
            pipe.set(key, secrets.token_hex(8), ex=MARK_TTL, nx=True)
        pipe.mget(keys)
        marks = pipe.execute()[-1]
    except RedisError:
        return None
    if any(m is None for m in marks):
        return None
    expires = int(time.time()) + VALIDATOR_TTL
    ends = getattr(user, "session_expires_at", None)
    if ends is not None:
        expires = min(expires, int(ends.timestamp()))
    signature = _signature(kind, token, user.id, team_id, expires, marks)
    return f"{user.id}.{team_id}.{expires}.{signature}"


def unchanged(kind: str) -> bool:
    """True when the request's validator (`v`) was signed for this session and every mark it
    signed is still current: nothing the reader may see has changed since."""
    raw = request.args.get("v", "")
    parts = raw.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() for p in parts[:3]):
        return False
    user_id, team_id, expires = (int(p) for p in parts[:3])
    if expires <= time.time():
        return False
    token = session.get("_user_id")
    if not isinstance(token, str) or not token:
        return False
    connection = redis_connection()
    if connection is None:
        return False
    try:
        marks = connection.mget([_key(s) for s in _scopes(kind, user_id, team_id)])
    except RedisError:
        return False
    if any(m is None for m in marks):
        return False
    expected = _signature(kind, token, user_id, team_id, expires, marks)
    return hmac.compare_digest(expected, parts[3])


# Endpoints answered 204 when their validator still holds.
POLLS = {"recognition.newer": "wall", "notifications.bell": "bell"}


def _answer_quiet_polls():
    kind = POLLS.get(request.endpoint or "")
    if kind and request.method == "GET" and unchanged(kind):
        return current_app.response_class(status=204)
    return None


def init_app(app: Flask) -> None:
    # First of all before_request functions: a quiet poll needs none of the others.
    app.before_request_funcs.setdefault(None, []).insert(0, _answer_quiet_polls)

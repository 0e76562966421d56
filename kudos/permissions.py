"""Who may do what. Every view and API route declares its access level here, and record-level
checks go through `can()`: one place to read, one place to change.

Levels: `public` (anyone), `user` (signed in), `lead` (a team lead or an admin), `admin`.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, request
from flask_login import current_user

from kudos.audit import log_event
from kudos.extensions import login_manager

LEVELS = ("public", "user", "lead", "admin")


def _is_lead_of(user, team) -> bool:
    return user.is_admin or (user.is_lead and any(t.id == team.id for t in user.led_teams))


# action -> rule(user, obj). Unknown actions are refused.
RULES: dict[str, Callable[[Any, Any], bool]] = {
    "admin.manage": lambda user, obj: user.is_admin,
    "team.lead": _is_lead_of,
    "token.own": lambda user, token: token.user_id == user.id,
}


def has_level(user, level: str) -> bool:
    if level == "public":
        return True
    if not user.is_authenticated:
        return False
    if level == "user":
        return True
    if level == "lead":
        return user.is_admin or user.is_lead
    return user.is_admin


def can(user, action: str, obj: Any = None) -> bool:
    """True when `user` may do `action` on `obj`."""
    if not getattr(user, "is_authenticated", False):
        return False
    rule = RULES.get(action)
    return bool(rule and rule(user, obj))


def require(action: str, obj: Any = None, *, hide: bool = False) -> None:
    """Stop the request unless `can()`; `hide` answers 404 so a record's existence stays
    private (someone else's token, say)."""
    if not can(current_user, action, obj):
        _refuse(action, 404 if hide else 403)


def _refuse(what: str, status: int) -> None:
    log_event(
        "access_refused",
        user_id=getattr(current_user, "id", None),
        what=what,
        method=request.method,
        path=request.path,
        status=status,
    )
    abort(status)


def access(level: str):
    """Declare who may call a view. The declaration is kept on the function
    (`kudos_access`) so a test can check that every registered route has one."""
    if level not in LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if level != "public":
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if not has_level(current_user, level):
                    _refuse(level, 403)
            return view(*args, **kwargs)

        wrapped.kudos_access = level
        return wrapped

    return decorator

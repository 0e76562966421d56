"""Starting and ending a signed-in browser session (the web half of auth.operations)."""

from flask import request, session
from flask_babel import get_locale
from flask_login import login_user, logout_user

from kudos.audit import log_event
from kudos.auth import operations


def sign_in(user, *, remember: bool = False) -> None:
    """Start a fresh session for `user` (a new cookie: nothing carries over but the language)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    operations.start_session(user, remember=remember, user_agent=request.user_agent.string)
    login_user(user, remember=remember)
    log_event("sign_in", user_id=user.id)


def sign_out() -> None:
    """Forget the signed-in person in this browser, keeping the language they read in."""
    lang = str(get_locale())
    logout_user()
    session.clear()
    session["lang"] = lang

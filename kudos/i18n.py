"""Language and time zone of each request."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    """The person's choice, then the one made before signing in, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # jobs and CLI commands: no person, no browser
        return languages[0]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or languages[0]


def select_timezone() -> str | None:
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None

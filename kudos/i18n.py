"""Language and time zone of each request."""

from functools import lru_cache

from babel import support
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from wtforms.i18n import messages_path


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


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid choice"…) in the request's language. Flask-WTF
    reads its catalogue from disk on every request that validates a form (a millisecond of
    each form post); this hands it the one kept per language, looked up only when used."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


WTFORMS_MESSAGES = _WTFormsMessages()


def share_wtforms_catalogue() -> None:
    """before_request: where Flask-WTF looks for the request's catalogue."""
    request.wtforms_translations = WTFORMS_MESSAGES

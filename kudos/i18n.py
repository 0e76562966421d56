"""Language and time zone of each request."""

from functools import lru_cache

from babel import support
from flask import current_app, has_request_context, request, session
from flask_babel import format_number, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
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


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ngettext, with the count written the reader's way ("1 000 000" in
    French, "1,000,000" in English) instead of Python's bare "1000000"."""
    variables.setdefault("num", format_number(num))
    return get_translations().ungettext(singular, plural, num) % variables


def npgettext(context: str, singular: str, plural: str, num: int, **variables) -> str:
    """ngettext with a context (see `ngettext`)."""
    variables.setdefault("num", format_number(num))
    return get_translations().unpgettext(context, singular, plural, num) % variables


def _jinja_plural(lookup):
    """Jinja's own ngettext (newstyle) puts the bare number in %(num)s; this one formats it,
    and escapes like Jinja's: the translation is trusted, the variables are not."""

    @pass_context
    def translate(context, *args, **variables):
        variables.setdefault("num", format_number(args[-1]))
        text = lookup(get_translations(), *args)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704  (the catalogue is ours, as in Jinja)
        return text % variables

    return translate


def install_jinja_plurals(app) -> None:
    """After Flask-Babel's init_app: templates' ngettext and npgettext format the count."""
    app.jinja_env.globals.update(
        ngettext=_jinja_plural(lambda t, s, p, n: t.ungettext(s, p, n)),
        npgettext=_jinja_plural(lambda t, c, s, p, n: t.unpgettext(c, s, p, n)),
    )


"""Language and time zone of each request."""

import re
from decimal import Decimal
from functools import lru_cache

import flask_babel
from babel import support
from flask import current_app, has_request_context, request, session
from flask_babel import format_decimal, format_number, get_locale, get_translations
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


# Elision before a name that begins with a vowel: "Rythme d’Itineraries", not "de
# Itineraries". The catalogue keeps the plain form ("Rythme de %(team)s"); the word before a
# placeholder is elided when the value put there begins with a vowel (accented or not). Not
# before "h" or "y": whether a name's h is silent ("d’Hélène") or aspirated ("de Hollande")
# cannot be told from its spelling, so those keep "de". Per language: others have none.
ELISIONS = {"fr": (("de", "d’"), ("De", "D’"), ("que", "qu’"), ("Que", "Qu’"))}
VOWELS = frozenset("aeiouàâäéèêëîïôöùûüœæ")


def localise(text: str, variables: dict) -> str:
    """Prepare a translated `text` and its `variables` for `text % variables`, the reader's
    way: numbers formatted for the locale (6 571 and 0,5 in French; 6,571 and 0.5 in
    English), and the elisions of the language (see ELISIONS). Changes `variables`."""
    locale = get_locale()
    elisions = ELISIONS.get(locale.language, ()) if locale else ()
    for key, value in variables.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            variables[key] = format_number(value)
        elif isinstance(value, float | Decimal):
            variables[key] = format_decimal(value)
        elif elisions and isinstance(value, str) and value[:1].lower() in VOWELS:
            for word, elided in elisions:
                text = re.sub(rf"(?<![\w’']){word} (%\({re.escape(key)}\)s)", elided + r"\1",
                              text)
    return text


class LocalisedDomain(flask_babel.Domain):
    """Flask-Babel's message domain, with numbers and elisions the reader's way (see
    `localise`): flask_babel's gettext, ngettext, pgettext, npgettext and their lazy forms
    all go through it, so code keeps importing them from flask_babel. A count in %(num)s
    is written "1 000 000" in French and "1,000,000" in English, not Python's "1000000"."""

    def gettext(self, string, **variables):
        text = self.get_translations().ugettext(string)
        return localise(text, variables) % variables if variables else text

    def pgettext(self, context, string, **variables):
        text = self.get_translations().upgettext(context, string)
        return localise(text, variables) % variables if variables else text

    def ngettext(self, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = self.get_translations().ungettext(singular, plural, num)
        return localise(text, variables) % variables

    def npgettext(self, context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = self.get_translations().unpgettext(context, singular, plural, num)
        return localise(text, variables) % variables


def _jinja(lookup, counted: bool):
    """A template's translation function: like Jinja's own (newstyle), which escapes the
    variables and trusts the catalogue, with the numbers and elisions of `localise`."""

    @pass_context
    def translate(context, *args, **variables):
        if counted:
            variables.setdefault("num", args[-1])
        text = localise(lookup(get_translations(), *args), variables)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704  (the catalogue is ours, as in Jinja)
        return text % variables

    return translate


def install_translations(app, babel: flask_babel.Babel) -> None:
    """After Flask-Babel's init_app: code's and templates' _, gettext, pgettext, ngettext and
    npgettext format numbers and elide the reader's way (a template's `_` calls `gettext`)."""
    babel.domain_instance = LocalisedDomain()  # the one flask_babel.get_domain() hands out
    app.jinja_env.globals.update(
        gettext=_jinja(lambda t, s: t.ugettext(s), counted=False),
        pgettext=_jinja(lambda t, c, s: t.upgettext(c, s), counted=False),
        ngettext=_jinja(lambda t, s, p, n: t.ungettext(s, p, n), counted=True),
        npgettext=_jinja(lambda t, c, s, p, n: t.unpgettext(c, s, p, n), counted=True),
    )


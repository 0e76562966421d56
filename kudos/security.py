"""Security headers on every response, errors included, proxy awareness, and the input no
view should ever see."""

import re

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

from kudos.domain.errors import Invalid

# No inline script or style anywhere: htmx runs with allowEval off and no injected styles.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def add_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin keeps the Referer that CSRF checks read on HTTPS, and sends none elsewhere.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html":
        # Fragments and pages differ for htmx requests: caches must keep them apart.
        response.vary.add("HX-Request")
        headers.setdefault("Cache-Control", "no-store")
    return response


# What no text column can hold: NUL (PostgreSQL refuses it, SQLite would keep it, so the two
# would answer differently) and lone surrogates (half of a UTF-16 pair, which JSON's "\ud800"
# escape makes and no UTF-8 text can encode).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_storable(text: str) -> bool:
    """True when `text` can be stored in a text column and rendered in a page."""
    return UNSTORABLE.search(text) is None


def _holds_unstorable(value) -> bool:
    """True when a string anywhere in `value` (nested lists and dicts too, keys included)
    cannot be stored."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not is_storable(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _field_holding_unstorable(pairs, whole: str) -> str | None:
    """The name of the first field whose name or value cannot be stored (`whole` when the
    name itself is the trouble), or None."""
    for name, value in pairs:
        if _holds_unstorable(value) or not is_storable(name):
            return name if is_storable(name) else whole
    return None


def unstorable_message() -> str:
    return _("This text holds a character that cannot be stored (a NUL character or half "
             "of a UTF-16 pair). Please remove it and send it again.")


def refuse_unusable_input():
    """Before any view runs, refuse input no text field can hold: a NUL character or a lone
    surrogate in the query string, a form or a JSON body is a 422 naming the field (in the
    request's format); in the path, a 400. JSON nested deeper than the parser can follow is a
    400."""
    if not is_storable(request.path):
        abort(400)
    field = _field_holding_unstorable(request.args.items(True), "query")
    if field is None and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        field = _field_holding_unstorable(request.form.items(True), "form")
        if field is None and request.is_json:
            try:
                data = request.get_json(silent=True)
            except RecursionError:
                abort(400)
            if isinstance(data, dict):
                field = _field_holding_unstorable(data.items(), "body")
            elif _holds_unstorable(data):
                field = "body"
    if field is not None:
        raise Invalid(field, unstorable_message())


def init_app(app: Flask) -> None:
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.before_request(refuse_unusable_input)
    app.after_request(add_headers)

"""Security headers on every response, errors included, proxy awareness, and the input no
view should ever see."""

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

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


def _holds_nul(value) -> bool:
    """True when a string anywhere in `value` (nested lists and dicts too) holds a NUL."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def refuse_unusable_input():
    """400 before any view runs for input no text field can hold: a NUL character (PostgreSQL
    refuses it, so SQLite and PostgreSQL would answer differently) in the path, the query
    string or a form, and JSON nested deeper than the parser can follow."""
    values = [request.path, *request.args.keys(), *(v for _k, v in request.args.items(True))]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        values += [*request.form.keys(), *(v for _k, v in request.form.items(True))]
        if request.is_json:
            try:
                values.append(request.get_json(silent=True))
            except RecursionError:
                abort(400)
    if _holds_nul(values):
        abort(400)


def init_app(app: Flask) -> None:
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.before_request(refuse_unusable_input)
    app.after_request(add_headers)

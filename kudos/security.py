"""Security headers on every response, errors included, and proxy awareness."""

from flask import Flask, request
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


def init_app(app: Flask) -> None:
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.after_request(add_headers)

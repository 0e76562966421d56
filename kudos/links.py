"""Links that leave the app (in an email, a shared post, a printed invitation) are built from
the configured BASE_URL, never from the request: a request's Host header is whatever the
client sent, and a link built from it in a sign-up email would carry a real token to an
attacker's host."""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` under BASE_URL (its scheme, host and path prefix)."""
    base = urlsplit(current_app.config["BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)

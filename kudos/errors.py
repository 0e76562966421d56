"""Errors as people and programs expect them: a page, an htmx fragment, or JSON.

API errors have the shape `{"error": {"code": …, "message": …}}` (see shared/API.md).
"""

import logging
from contextlib import suppress

from flask import Flask, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, SecurityError

from kudos.domain.errors import DomainError
from kudos.extensions import db, htmx, login_manager

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}
# Seconds a client is asked to wait when the database does not answer (a restart, a
# fail-over, SQLite locked past its busy timeout): the usual restart takes a few seconds.
RETRY_AFTER_UNAVAILABLE = 5


class ApiError(Exception):
    """Raised by API views (and operations they call) to answer a JSON error."""

    def __init__(self, status: int, message: str, code: str | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "error")
        self.extra = extra


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json" and not htmx
    )


def json_error(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    response = jsonify(body)
    response.status_code = status
    return response


def _messages() -> dict[int, str]:
    return {
        400: _("Something in that request could not be understood."),
        401: _("Please sign in to continue."),
        403: _("This page is not open to your role. If you need it, ask an admin."),
        404: _("We could not find that page. It may have moved, or it was never here."),
        405: _("That action cannot be done this way."),
        409: _("Someone changed this at the same time as you. Reload and try again."),
        413: _("That is more than we can accept in one go."),
        429: _("That was a lot of attempts in a short time. Please wait a little."),
        500: _("Something went wrong on our side. It has been logged; please try again."),
    }


def _page(status: int, message: str, title: str | None = None):
    if htmx:
        # Swapped into the page's message area, so what the person typed stays in place.
        body = render_template("errors/_alert.html", message=message)
        return body, status, {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    return render_template("errors/page.html", status=status, message=message, title=title), status


def bare_page(status: int, message: str):
    """A page that needs neither the database nor URL building (the site's layout needs
    both): for a host the app does not answer to, a database that does not answer."""
    return current_app.make_response((
        f"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{status}</title>"
        f"<p>{escape(message)}</p></html>", status))


def handle_http(error: HTTPException):
    status = error.code or 500
    if isinstance(error, SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for this request.
        log.warning("Refused a request for an untrusted host on %s %r", request.method,
                    request.path)
        message = _messages()[400]
        return json_error(400, CODES[400], message) if wants_json() else bare_page(400,
                                                                                   message)
    if status == 401 and not wants_json():
        return login_manager.unauthorized()
    message = _messages().get(status, error.description or "")
    if wants_json():
        response = json_error(status, CODES.get(status, "error"), message)
    else:
        body, status, *headers = _page(status, message)
        response = current_app.make_response((body, status, *headers))
    # Keep headers the exception carries (Retry-After from the rate limiter, Allow on 405).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_csrf(error: CSRFError):
    message = _("This form had expired or came from elsewhere. Nothing was saved; please "
                "send it again.")
    if wants_json():
        return json_error(400, "csrf_failed", message)
    return _page(400, message)


def handle_api_error(error: ApiError):
    return json_error(error.status, error.code, error.message, **error.extra)


def handle_domain_error(error: DomainError):
    """A refusal an operation raised that the view did not turn into a form message."""
    extra = {"field": error.field} if hasattr(error, "field") else {}
    if wants_json():
        return json_error(error.status, error.code, error.message, **extra)
    return _page(error.status, error.message)


def handle_out_of_range(error: Exception):
    """A number past what the database stores (an id of 2**70 in a form, a query string or
    a JSON body; `Infinity` where a whole number goes) is the client's mistake: 400, not 500.
    Other data errors stay unexpected, so that a missing validation still shows."""
    if isinstance(error, DataError) and getattr(error.orig, "sqlstate", None) != "22003":
        return handle_unexpected(error)
    db.session.rollback()
    return handle_http(BadRequest())


def handle_database_error(error: DBAPIError):
    """The database could not be reached or dropped the connection (PostgreSQL restarting,
    a fail-over, SQLite locked past its busy timeout): 503 with Retry-After, which clients
    and proxies know to try again (giving is safe to resend with its Idempotency-Key), instead
    of a 500 that says the request itself was wrong. The pool pings connections before use, so
    the next request gets a fresh one once the database is back. Other database errors stay
    unexpected."""
    if not (isinstance(error, OperationalError) or error.connection_invalidated):
        return handle_unexpected(error)
    log.warning("Database unavailable on %s %r: %s", request.method, request.path,
                str(error.orig or error).splitlines()[0][:300])
    # Answer as to a visitor: choosing the language reads the signed-in person, and loading
    # them (or refreshing them after the rollback) would go back to the database.
    login_manager._update_request_context_with_user()
    with suppress(Exception):  # the session's connection may be gone already
        db.session.rollback()
    message = _messages()[500]  # "…on our side. It has been logged; please try again."
    if wants_json():
        response = json_error(503, CODES[503], message,
                              retry_after=RETRY_AFTER_UNAVAILABLE)
    else:
        # A bare page: the site's layout reads the database (the signed-in person, the bell).
        response = bare_page(503, message)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
    return response


def handle_unexpected(error: Exception):
    # %r: a newline in the path cannot start a line of its own in the log.
    log.exception("Unhandled error on %s %r", request.method, request.path)
    # The page's layout reads the database (the signed-in person, the bell): a transaction
    # the error left failed would fail the error page too.
    with suppress(Exception):
        db.session.rollback()
    message = _messages()[500]
    if wants_json():
        return json_error(500, "server_error", message)
    return _page(500, message)


def unauthorized():
    """Flask-Login's answer to an anonymous visitor on a protected route."""
    if wants_json():
        return json_error(401, "unauthenticated", _("Sign in, or send a personal API token."))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def close_session(_error: BaseException | None = None) -> None:
    """End the request's session before Flask-SQLAlchemy does (teardowns run in reverse
    order), without letting a dead connection fail the request: when PostgreSQL restarted
    between the answer and the teardown, the rollback of `session.remove()` raised and
    turned an answer already made (a 200) into a 500. The pool drops that connection."""
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("Database connection lost at the end of a request: %s",
                    str(error.orig or error).splitlines()[0][:300])
        db.session.registry.clear()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(DataError, handle_out_of_range)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
    login_manager.unauthorized_handler(unauthorized)

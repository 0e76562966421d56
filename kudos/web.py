"""Wiring of the web layer: blueprints, the session loader, templates, the CLI."""

from flask import Flask, current_app
from flask_babel import Babel, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from kudos.admin import jobs_views, rules_views  # noqa: F401  (routes of the admin blueprint)
from kudos.admin.views import bp as admin_bp
from kudos.api import (  # noqa: F401  (their routes join the API blueprint)
    campaign_routes,
    charter_routes,
    insights_routes,
    kudos_routes,
    news_routes,
)
from kudos.api.views import bp as api_bp
from kudos.auth.operations import user_for_session
from kudos.auth.views import bp as auth_bp
from kudos.calendar.views import bp as calendar_bp
from kudos.campaigns.views import bp as campaigns_bp
from kudos.charter import privacy as charter_privacy  # noqa: F401  (export and erasure)
from kudos.charter.views import bp as charter_bp
from kudos.cli import register_commands
from kudos.extensions import login_manager
from kudos.home.views import bp as home_bp
from kudos.i18n import (
    install_translations,
    select_locale,
    select_timezone,
    share_wtforms_catalogue,
)
from kudos.insights.suggestions import phase_names
from kudos.insights.views import bp as insights_bp
from kudos.news.views import bp as news_bp
from kudos.notifications.views import bp as notifications_bp
from kudos.recognition import privacy  # noqa: F401  (connects export and erasure)
from kudos.recognition.queries import masks
from kudos.recognition.views import bp as recognition_bp
from kudos.recognition.wording import linkify
from kudos.settings.views import bp as settings_bp
from kudos.sqltypes import utcnow
from kudos.teams.views import bp as teams_bp
from kudos.welcome import privacy as welcome_privacy  # noqa: F401  (export and erasure)
from kudos.welcome.views import bp as welcome_bp

HTMX_CONFIG = (
    '{"allowEval":false,"includeIndicatorStyles":false,"historyCacheSize":0,'
    '"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},'
    '{"code":"(400|422|429)","swap":true,"error":false},{"code":"...","swap":false,"error":true}]}'
)


def init_babel(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_translations(app, babel)
    app.before_request(share_wtforms_catalogue)


def nav_items() -> list[tuple[str, str]]:
    """(endpoint, label) of the main navigation, by role."""
    items = [("recognition.wall", _("Wall")), ("news.index", _("News")),
             ("campaigns.index", _("Campaigns")), ("recognition.profile_me", _("My kudos"))]
    if current_user.is_authenticated and (current_user.is_admin or current_user.is_lead):
        items.append(("insights.index", _("Team rhythm")))
    if current_user.is_authenticated and current_user.is_admin:
        items.append(("admin.index", _("Admin")))
    items.append(("settings.index", _("Settings")))
    return items


def _template_globals() -> dict:
    return {
        "nav_items": nav_items,
        "htmx_config": HTMX_CONFIG,
        "current_locale": lambda: str(get_locale()),
        "languages": current_app.config["LANGUAGES"],
        # Names outside a kudos card (relays on the wall): a hidden profile is "a colleague".
        "masked": lambda person: masks(current_user, person),
        "phase_names": phase_names,
    }


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL and a busy timeout let several web and worker processes share one SQLite file."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def timeago(moment) -> str:
    """'3 hours ago', in the reader's language."""
    return format_timedelta(moment - utcnow(), add_direction=True)


class RowId(IntegerConverter):
    """`<int:…>` in every route: ids are 32-bit in the database, so a larger number in a path
    matches no route (404) instead of reaching a query that cannot hold it.

    The bound is in the pattern too, not only in the conversion: werkzeug takes a path whose
    conversion fails under one method's rule (DELETE /api/v1/kudos/99999999999) for a
    method mismatch with another rule of the same path, and answered 405 instead of 404."""

    regex = (r"(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}"
             r"|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d"
             r"|214748364[0-7])")

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RowId  # before the routes are added
    for blueprint in (auth_bp, home_bp, recognition_bp, news_bp, campaigns_bp, insights_bp,
                      notifications_bp, settings_bp, teams_bp, admin_bp, charter_bp, welcome_bp,
                      calendar_bp, api_bp):
        app.register_blueprint(blueprint)
    login_manager.user_loader(user_for_session)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    app.context_processor(_template_globals)
    app.add_template_filter(linkify, "linkify")
    app.add_template_filter(timeago, "timeago")
    register_commands(app)

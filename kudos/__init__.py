"""Kudos: recognition and employee advocacy, without carrots."""

import os

from flask import Flask

from kudos import errors, polls, security, web
from kudos.config import Defaults, from_environment, normalise, startup_warnings
from kudos.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then the environment, then `test_config`."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Defaults)
    from_environment(app.config)
    app.config.from_prefixed_env("KUDOS")
    if test_config:
        app.config.update(test_config)
    normalise(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"] or (
        "sqlite:///" + os.path.join(app.instance_path, "kudos.sqlite")
    )
    if not app.config["SECRET_KEY"]:
        if not (app.debug or app.testing):
            raise RuntimeError("SECRET_KEY is not set: refusing to start outside debug and tests.")
        app.config["SECRET_KEY"] = "dev-only-not-secret"  # noqa: S105
    # Cookies are Secure outside local debug, unless a setting says otherwise explicitly.
    explicit = set(test_config or {}) | {k.removeprefix("KUDOS_") for k in os.environ}
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if key not in explicit:
            app.config[key] = not app.debug
    for warning in startup_warnings(app.config):
        app.logger.warning(warning)

    if not (app.debug or app.testing) and not app.config["TRUSTED_HOSTS"]:
        app.logger.warning(
            "KUDOS_TRUSTED_HOSTS is not set: Kudos answers to any Host header. Set it to the "
            "host names of KUDOS_BASE_URL (e.g. kudos.example.com), see docs/operations.md.")

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    web.init_babel(app, babel)

    security.init_app(app)
    errors.init_app(app)
    web.init_app(app)
    polls.init_app(app)
    return app

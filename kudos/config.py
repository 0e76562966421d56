"""Configuration defaults, then the environment.

`DATABASE_URL`, `REDIS_URL` and `SECRET_KEY` are read as they are named in most platforms;
every other setting is read from a `KUDOS_`-prefixed variable (Flask's `from_prefixed_env`),
e.g. `KUDOS_SIGNUP_DOMAINS=example.com,example.org`.
"""

import os
from datetime import timedelta
from urllib.parse import urlsplit


class Defaults:
    """Settings that hold unless the environment or a test overrides them."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled by create_app: a file in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL: str | None = None

    # Sessions and cookies (the Secure flag is decided in create_app: on outside debug).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "kudos_session"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_NAME = "kudos_remember"
    REMEMBER_COOKIE_DURATION = timedelta(days=7)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    WTF_CSRF_TIME_LIMIT = 3600 * 8

    # Rate limits (Flask-Limiter syntax). Sign-in counts failed attempts only.
    RATELIMIT_STORAGE_URI = "memory://"
    # With Redis away, limits are counted in this process' memory until it is back (checked
    # again with a growing pause), instead of every limited route answering 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
    RATELIMIT_SWALLOW_ERRORS = True  # and an error past the fallback is logged, never a 500
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_IP = "20 per 5 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    TOKEN_LIMIT_PER_IP = "20 per 5 minutes"

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "fr")

    SIGNUP_DOMAINS: str | list[str] = ""
    INVITATION_DAYS = 7
    BEHIND_PROXY = False
    DEFAULT_TIMEZONE = "Europe/Paris"
    # Every link that leaves the app (emails, tracked links, invitations) starts with this.
    BASE_URL = "http://127.0.0.1:5000"
    # Host names the app answers to (Flask's TRUSTED_HOSTS, comma-separated in
    # KUDOS_TRUSTED_HOSTS); any other Host header is a 400. Unset: any host, with a warning
    # at start-up outside debug.
    TRUSTED_HOSTS: str | list[str] | None = None
    # Largest request body accepted (forms, JSON): a larger one is a 413.
    MAX_CONTENT_LENGTH = 1024 * 1024

    # Email: off unless SMTP_HOST is set.
    SMTP_HOST = ""
    SMTP_PORT = 587
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = True
    SMTP_TIMEOUT = 10
    MAIL_FROM = "Kudos <kudos@localhost>"

    # Watch sources read public feeds only: an address inside a private, loopback or
    # link-local network is refused (it could reach internal services), unless its host is
    # listed here (comma-separated host names or addresses, e.g. an intranet's feed server).
    WATCH_PRIVATE_HOSTS: str | list[str] = ""

    # Jobs: RQ queue name when REDIS_URL is set; inline otherwise.
    RQ_QUEUE = "kudos"
    JOB_TIMEOUT = 120


def from_environment(config: dict) -> None:
    """Apply the un-prefixed variables, then every `KUDOS_*` one."""
    for name, key in (
        ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
        ("REDIS_URL", "REDIS_URL"),
        ("SECRET_KEY", "SECRET_KEY"),
    ):
        if os.environ.get(name):
            config[key] = os.environ[name]


def normalise(config: dict) -> None:
    """Turn settings given as strings into the shapes the code reads."""
    domains = config.get("SIGNUP_DOMAINS") or ""
    if isinstance(domains, str):
        domains = [d.strip().lower().lstrip("@") for d in domains.split(",")]
    config["SIGNUP_DOMAINS"] = [d for d in domains if d]
    hosts = config.get("WATCH_PRIVATE_HOSTS") or ""
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    config["WATCH_PRIVATE_HOSTS"] = [h.strip().lower().strip("[]") for h in hosts if h.strip()]
    trusted = config.get("TRUSTED_HOSTS")
    if isinstance(trusted, str):
        trusted = [h.strip().lower() for h in trusted.split(",")]
    config["TRUSTED_HOSTS"] = [h for h in trusted if h] or None if trusted else None
    uri = config.get("SQLALCHEMY_DATABASE_URI") or ""
    # Platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len(prefix) :]
    if config.get("REDIS_URL") and config.get("RATELIMIT_STORAGE_URI") == "memory://":
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]


def startup_warnings(config: dict) -> list[str]:
    """Settings that will not work together, said once when the app starts (in the log of
    every web and worker process), so that a quiet failure has a line to find."""
    warnings = []
    base_url = str(config.get("BASE_URL") or "")
    secure = config.get("SESSION_COOKIE_SECURE") or config.get("REMEMBER_COOKIE_SECURE")
    host = (urlsplit(base_url).hostname or "").lower()
    # Browsers keep Secure cookies from http://localhost and loopback addresses.
    local = host == "localhost" or host.startswith("127.") or host == "::1"
    if secure and base_url.lower().startswith("http://") and not local:
        warnings.append(
            f"Cookies are Secure but KUDOS_BASE_URL is {base_url}: browsers do not keep a "
            "Secure cookie sent over plain HTTP, so signing in will seem to "
            "do nothing. Serve Kudos over HTTPS and set KUDOS_BASE_URL to its https:// "
            "address; or, on a network you trust, set KUDOS_SESSION_COOKIE_SECURE=false and "
            "KUDOS_REMEMBER_COOKIE_SECURE=false (see docs/operations.md)."
        )
    return warnings

"""Shared fixtures: the app from the factory, a database built by the migrations, real Redis.

The database is chosen by `--db` (or `KUDOS_TEST_DB`): `sqlite` (a file in a temporary
directory) or `postgres` (a fresh database created on the server named by
`KUDOS_TEST_POSTGRES_URL`, dropped at the end). Every test starts from empty tables: rows are
deleted after each test rather than rolled back, so that tests may commit, and may use several
connections and processes the way the app really does.
"""

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from redis import Redis

from kudos import create_app
from kudos.auth.models import Team, User
from kudos.auth.passwords import hash_password
from kudos.extensions import db, limiter
from kudos.jobs import close_redis

PASSWORD = "a long and happy password"
_HASH = hash_password(PASSWORD)
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
POSTGRES_URL = os.environ.get(
    "KUDOS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# One Redis database per pytest-xdist worker (gw0 -> 13, gw1 -> 14, …), so that workers
# running at the same time never empty each other's queues. KUDOS_TEST_REDIS names another
# server (say redis://127.0.0.1:6380) for a second suite running beside this one.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
REDIS_URL = os.environ.get("KUDOS_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/") + (
    f"/{13 + int(_WORKER[2:] or 0) % 3}"
)


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("KUDOS_TEST_DB", "sqlite"),
                     choices=["sqlite", "postgres"], help="database to run the suite on")


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    if request.config.getoption("--db") == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "kudos-test.sqlite")
        return
    name = f"kudos_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:  # a missing server fails here, loudly
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        "BASE_URL": "http://localhost",  # the test client's host: links read the same
        "WATCH_PRIVATE_HOSTS": ["127.0.0.1"],  # the feeds the tests serve themselves
    })
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(app):
    """Each test starts from empty tables and fresh rate limits."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def redis_url():
    """A real Redis, on its own database number, emptied before and after."""
    client = Redis.from_url(REDIS_URL)
    client.ping()  # a missing Redis fails the test; it never skips
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


def use_redis(app, url: str | None) -> None:
    """Point the app at another Redis (or none): the client is rebuilt on next use."""
    app.config["REDIS_URL"] = url
    close_redis(app)


@pytest.fixture
def rq_app(app, redis_url):
    """The app with REDIS_URL set to the test Redis: jobs go through RQ, clicks and cached
    links through Redis."""
    use_redis(app, redis_url)
    yield app
    use_redis(app, None)


class Factory:
    """Makes rows for tests; everyone's password is PASSWORD."""

    def __init__(self, app):
        self.app = app
        self.count = 0

    def team(self, name: str | None = None) -> Team:
        self.count += 1
        with self.app.app_context():
            team = Team(name=name or f"Team {self.count}")
            db.session.add(team)
            db.session.commit()
            db.session.refresh(team)
            db.session.expunge(team)
            return team

    def user(self, name: str | None = None, *, role: str = "member", team: Team | None = None,
             leads: list[Team] | None = None, **fields) -> User:
        self.count += 1
        name = name or f"Person {self.count}"
        email = fields.pop("email", f"person{self.count}@example.com")
        with self.app.app_context():
            user = User(email=email, name=name, role=role, password_hash=_HASH,
                        team_id=team.id if team else None, **fields)
            db.session.add(user)
            if leads:
                user.led_teams = [db.session.get(Team, t.id) for t in leads]
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user


@pytest.fixture
def make(app):
    return Factory(app)


def login(client, user_or_email, password: str = PASSWORD, **extra):
    email = getattr(user_or_email, "email", user_or_email)
    return client.post("/login", data={"email": email, "password": password, **extra})


@pytest.fixture
def member(make):
    return make.user("Awa Diallo", email="awa@example.com")


@pytest.fixture
def admin(make):
    return make.user("Claire Admin", role="admin", email="claire@example.com")


@pytest.fixture
def member_client(client, member):
    assert login(client, member).status_code == 303
    return client


@pytest.fixture
def admin_client(client, admin):
    assert login(client, admin).status_code == 303
    return client

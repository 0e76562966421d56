"""Foundation figures: the cost of a password check, and the server time of a signed-in page
and of an API call, measured in-process (no network) on a throw-away database.

    .venv/bin/python bench/foundation.py [--db sqlite|postgres] [--requests 500]

Prints a Markdown table for docs/performance.md.
"""

import argparse
import platform
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from common import POSTGRES, percentile  # bench/common.py, beside this script
from flask_migrate import upgrade

from kudos import create_app
from kudos.api.operations import create_token
from kudos.auth.models import User
from kudos.auth.passwords import check_password, hash_password
from kudos.extensions import db


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()

    name = None
    if args.db == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    else:
        name = f"kudos_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES.rsplit("/", 1)[0] + "/" + name
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False})
    try:
        with app.app_context():
            upgrade(directory="migrations")
            password_hash = hash_password("bench password long enough")
            user = User(email="bench@example.com", name="Bench", password_hash=password_hash)
            db.session.add(user)
            db.session.commit()
            _token, secret = create_token(user, "bench")
            hashing = timed(lambda: hash_password("bench password long enough"), 20)
            verifying = timed(lambda: check_password(password_hash, "bench password long enough"),
                              20)
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.com",
                                    "password": "bench password long enough"})
        assert client.get("/").status_code == 200, "the benchmark user is not signed in"
        home = timed(lambda: client.get("/"), args.requests)
        api = app.test_client()
        bearer = {"Authorization": f"Bearer {secret}"}
        assert api.get("/api/v1/me", headers=bearer).status_code == 200
        me = timed(lambda: api.get("/api/v1/me", headers=bearer), args.requests)
    finally:
        if name:
            with app.app_context():
                db.engine.dispose()
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))

    print(f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
          f"{platform.python_implementation()} {platform.python_version()}, db={args.db}\n")
    print("| measure | p50 ms | p95 ms |")
    print("|---|---|---|")
    for label, values in (("argon2id hash (new password)", hashing),
                          ("argon2id verify (sign-in)", verifying),
                          ("GET / signed in (session lookup + page)", home),
                          ("GET /api/v1/me with a bearer token", me)):
        print(f"| {label} | {statistics.median(values):.1f} | {percentile(values, .95):.1f} |")


if __name__ == "__main__":
    main()

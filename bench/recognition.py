"""Recognition figures: the wall's server time with 1,000 and with 1,000,000 kudos, and the
cost of giving a kudos next to a bare view that inserts one row, on throw-away databases.
The wall is measured in-process (Flask test client, no network); giving twice: in-process,
then on the same app served by gunicorn (one sync worker, requests over HTTP on 127.0.0.1,
the bare views in the same app: bench/recognition_app.py).

    .venv/bin/python bench/recognition.py [--db postgres|sqlite] [--requests 300]
        [--sizes 1000,1000000] [--explain] [--redis redis://127.0.0.1:6379/12 | --redis '']

Each size gets its own database, built by the migrations and filled with set-based SQL
(~2,000 people in 50 teams, kudos over two years with 1-3 recipients, reactions, comments,
mostly company-wide). The sizes are measured in alternation, request by request, so that
load from elsewhere on the machine falls on both alike; so are giving and the bare views.
Prints a Markdown table for docs/performance.md; progress goes to stderr.
"""
# ruff: noqa: S608 (the SQL below is built from this script's constants, never from input)

import argparse
import html
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import requests
import sqlalchemy as sa
from common import POSTGRES, free_port, log, percentile  # bench/common.py, beside this script
from flask import Flask
from flask_migrate import upgrade
from recognition_app import SCRATCH, bare_views  # the bare views, beside this script

from kudos import create_app
from kudos.auth.passwords import hash_password
from kudos.extensions import db
from kudos.jobs import queue

ADMIN = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")  # creates and drops
PASSWORD = "bench password long enough"
SECRET = "bench"  # noqa: S105 (a throw-away app's key)
USERS, TEAMS, VALUES = 2000, 50, 8
RESERVED = 100  # the last ids give no generated kudos: they are the givers of the giving bench
VIEWER = 42  # a member of team 43, with a public profile
SPAN = 2 * 365 * 86400  # two years of kudos
WARMUP = 30
def h(expr: str, salt: int) -> str:
    """A portable pseudo-random number in [0, 65536) from an integer (Knuth's multiplicative
    hash, high bits), so that both databases generate the same rows."""
    return f"((((CAST({expr} AS BIGINT) + {salt}) * 2654435761) % 4294967296) / 65536)"


class Dialect:
    def __init__(self, name: str):
        self.name = name

    def series(self, n: int) -> str:
        if self.name == "postgresql":
            return f"WITH s(n) AS (SELECT generate_series(1, {n}))"
        return f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n})"

    def ts(self, epoch: str) -> str:
        """A naive UTC timestamp from epoch seconds, stored as the app stores it."""
        if self.name == "postgresql":
            return f"(to_timestamp({epoch}) AT TIME ZONE 'UTC')"
        return f"(strftime('%Y-%m-%d %H:%M:%S', {epoch}, 'unixepoch') || '.000000')"


def generation_sql(d: Dialect, n: int) -> list[tuple[str, str]]:
    """(label, statement) pairs that fill an empty, migrated database with `n` kudos."""
    end = int(time.time()) - 60
    start, step = end - SPAN, SPAN // n
    givers = USERS - RESERVED
    upto3 = "(SELECT 1 AS i UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4)"
    return [
        ("teams", f"""INSERT INTO teams (id, name, description, created_at)
            {d.series(TEAMS)} SELECT n, 'Team ' || n, '', {d.ts(start)} FROM s"""),
        ("values", f"""INSERT INTO company_values (id, name, description, created_at)
            {d.series(VALUES)} SELECT n, 'Value ' || n, '', {d.ts(start)} FROM s"""),
        # 2% hidden profiles, 1% deactivated, a fifth in New York; one admin.
        ("users", f"""INSERT INTO users (id, email, name, password_hash, role, team_id,
              timezone, working_days, work_start_minute, work_end_minute, profile_public,
              approve_kudos, active, created_at)
            {d.series(USERS)} SELECT n, 'person' || n || '@bench.example', 'Person ' || n,
              :hash, CASE WHEN n = 1 THEN 'admin' WHEN n % 40 = 0 THEN 'lead' ELSE 'member' END,
              1 + n % {TEAMS},
              CASE WHEN n % 5 = 0 THEN 'America/New_York' ELSE 'Europe/Paris' END,
              '1,2,3,4,5', 540, 1080, n % 50 <> 17, false, n % 100 <> 99, {d.ts(start)}
            FROM s"""),
        # Visibility 85% company, 10% team, 5% recipients; 97% published, then 1% each of
        # pending, withdrawn, hidden; a tenth are highlights; ids follow time.
        ("kudos", f"""INSERT INTO kudos (id, giver_id, kind, message, value_id, visibility,
              status, work_title, work_url, idempotency_key, created_at)
            {d.series(n)} SELECT n, 1 + {h('n', 1)} % {givers},
              CASE WHEN {h('n', 2)} % 10 = 0 THEN 'highlight' ELSE 'kudos' END,
              'Thank you for item ' || n || ': you untangled it calmly and the whole team '
                || 'shipped on time. It made a real difference this week.',
              CASE WHEN {h('n', 3)} % 10 < 6 THEN 1 + {h('n', 4)} % {VALUES} END,
              CASE WHEN {h('n', 5)} % 100 < 85 THEN 'company'
                   WHEN {h('n', 5)} % 100 < 95 THEN 'team' ELSE 'recipients' END,
              CASE WHEN {h('n', 6)} % 100 < 97 THEN 'published'
                   WHEN {h('n', 6)} % 100 = 97 THEN 'pending'
                   WHEN {h('n', 6)} % 100 = 98 THEN 'withdrawn' ELSE 'hidden' END,
              CASE WHEN {h('n', 2)} % 10 = 0 THEN 'The work of item ' || n END,
              CASE WHEN {h('n', 2)} % 10 = 0 THEN 'https://example.com/work/' || n END,
              'gen-' || n, {d.ts(f'{start} + n * {step}')}
            FROM s"""),
        # 60% one recipient, 25% two, 15% three; never the giver, never twice.
        ("recipients", f"""INSERT INTO kudos_recipients (kudos_id, user_id, approved)
            SELECT k.id, 1 + (k.giver_id - 1 + r.i * (1 + {h('k.id', 7)} % 600)) % {USERS},
              true
            FROM kudos k JOIN {upto3} r ON r.i <= CASE WHEN {h('k.id', 8)} % 100 < 60 THEN 1
              WHEN {h('k.id', 8)} % 100 < 85 THEN 2 ELSE 3 END"""),
        ("audiences", """INSERT INTO kudos_audiences (kudos_id, team_id)
            SELECT k.id, u.team_id FROM kudos k JOIN users u ON u.id = k.giver_id
            WHERE k.visibility = 'team'
            UNION
            SELECT k.id, u.team_id FROM kudos k
            JOIN kudos_recipients kr ON kr.kudos_id = k.id JOIN users u ON u.id = kr.user_id
            WHERE k.visibility = 'team'"""),
        # 0-4 reactions (1.4 on average), a fifth of them +1s.
        ("reactions", f"""INSERT INTO reactions (kudos_id, user_id, kind, created_at)
            SELECT k.id, 1 + (k.giver_id - 1 + 700 + r.i * 13) % {USERS},
              CASE WHEN {h('k.id * 4 + r.i', 9)} % 5 = 0 THEN 'plus_one' ELSE 'applause' END,
              k.created_at
            FROM kudos k JOIN {upto3} r ON r.i <= CASE WHEN {h('k.id', 10)} % 10 < 3 THEN 0
              WHEN {h('k.id', 10)} % 10 < 6 THEN 1 WHEN {h('k.id', 10)} % 10 < 8 THEN 2
              WHEN {h('k.id', 10)} % 10 < 9 THEN 3 ELSE 4 END
            WHERE k.status = 'published'"""),
        # A quarter have a comment, one in twenty a second one.
        ("comments", f"""INSERT INTO comments (kudos_id, author_id, body, created_at)
            SELECT k.id, 1 + (k.giver_id - 1 + 300 + r.i * 11) % {USERS},
              'So well deserved, thank you!', k.created_at
            FROM kudos k JOIN {upto3} r ON r.i <= CASE WHEN {h('k.id', 11)} % 100 < 25 THEN 1
              WHEN {h('k.id', 11)} % 100 < 30 THEN 2 ELSE 0 END
            WHERE k.status = 'published'"""),
    ]


def make_database(kind: str) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite", None
    name = f"kudos_bench_{uuid.uuid4().hex[:8]}"
    with ADMIN.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return POSTGRES.rsplit("/", 1)[0] + "/" + name, name


def build(app: Flask, n: int, password_hash: str) -> None:
    """Migrate, fill with `n` kudos, refresh the planner's statistics."""
    with app.app_context():
        upgrade(directory="migrations")
        SCRATCH.create(db.engine)
        d = Dialect(db.engine.dialect.name)
        with db.engine.begin() as c:
            if d.name == "postgresql":  # the rows are consistent by construction: skip the
                c.execute(sa.text("SET LOCAL session_replication_role = replica"))  # FK checks
            for label, statement in generation_sql(d, n):
                began = time.perf_counter()
                c.execute(sa.text(statement), {"hash": password_hash} if label == "users" else {})
                log(f"  {n:>9,} kudos: {label} in {time.perf_counter() - began:.1f} s")
            if d.name == "postgresql":  # explicit ids above: move the sequences past them
                for table in ("teams", "company_values", "users", "kudos"):
                    c.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))
        began = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("VACUUM ANALYZE" if d.name == "postgresql" else "ANALYZE"))
        log(f"  {n:>9,} kudos: analyze in {time.perf_counter() - began:.1f} s")


def signed_in(app: Flask, user_id: int, client=None):
    """A client signed in as person `user_id`: the app's test client, or `client` (Served)."""
    client = client or app.test_client()
    response = client.post("/login", data={"email": f"person{user_id}@bench.example",
                                           "password": PASSWORD})
    assert response.status_code == 303, f"person {user_id} could not sign in"
    return client


class Served:
    """A client of the app served by gunicorn, with the test client's `post` (no redirect
    followed). gunicorn's sync workers close each connection, for every view alike."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()

    def post(self, path: str, data=None):
        return self.session.post(self.base + path, data=data, allow_redirects=False)


@contextmanager
def served(url: str, redis_url: str | None, queue_name: str):
    """gunicorn with one sync worker serving bench/recognition_app.py on the database `url`;
    yields its base URL."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, KUDOS_RQ_QUEUE=queue_name,
               KUDOS_SESSION_COOKIE_SECURE="false", KUDOS_RATELIMIT_ENABLED="false",
               KUDOS_WTF_CSRF_ENABLED="false", REDIS_URL=redis_url or "")
    bench = Path(__file__).resolve().parent
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--bind",
         f"127.0.0.1:{port}", "--pythonpath", str(bench), "recognition_app:create()"],
        cwd=bench.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}")
            try:
                requests.get(base + "/login", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def page_urls(client) -> tuple[str, str]:
    """The wall's first page, and the second from its "Show older kudos" link."""
    response = client.get("/")
    assert response.status_code == 200
    found = re.search(r'class="load-more" href="([^"]+)"', response.text)
    assert found, "the first page has no link to older kudos"
    return "/", html.unescape(found.group(1))


class Statements:
    """The SQL statements and commits of one call, seen from the app's engine."""

    def __init__(self, app: Flask, call):
        self.seen, self.commits = [], 0
        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        sa.event.listen(engine, "commit", self._commit)
        try:
            call()
        finally:
            sa.event.remove(engine, "before_cursor_execute", self._statement)
            sa.event.remove(engine, "commit", self._commit)

    def _statement(self, _conn, _cursor, statement, parameters, _context, _many):
        self.seen.append((statement, parameters))

    def _commit(self, _conn):
        self.commits += 1

    def __str__(self) -> str:
        return f"{len(self.seen)} ({self.commits})"


def explain(app: Flask, statements: Statements) -> str:
    """The plan of the wall's page query, as the database ran it."""
    statement, parameters = next(
        (s, p) for s, p in statements.seen if "ORDER BY kudos.created_at DESC" in s
    )
    with app.app_context(), db.engine.connect() as c:
        prefix = ("EXPLAIN (ANALYZE, BUFFERS) " if db.engine.dialect.name == "postgresql"
                  else "EXPLAIN QUERY PLAN ")
        rows = c.exec_driver_sql(prefix + statement, parameters).all()
    return "\n".join(" | ".join(str(v) for v in row) for row in rows)


def alternate(n: int, calls: dict[str, callable]) -> dict[str, list[float]]:
    """Time each call `n` times, in alternation (the order turns every round)."""
    out = {label: [] for label in calls}
    labels = list(calls)
    for i in range(n):
        for label in labels[i % len(labels):] + labels[:i % len(labels)]:
            start = time.perf_counter()
            calls[label]()
            out[label].append((time.perf_counter() - start) * 1000)
    return out


def expect(status: int, call):
    def run():
        response = call()
        assert response.status_code == status, (response.status_code, response.text[:500])
    return run


def giving(app: Flask, n: int, new_client=None,
           first: int = 0) -> tuple[dict[str, list[float]], dict[str, Statements]]:
    """POST /kudos by rotating givers (8 each, under the daily cap of 10) to rotating pairs of
    colleagues (never thrice in a week), next to a bare view that inserts one row. Givers
    are taken from the reserved ones from index `first`; clients come from `new_client()`
    (the app's test client by default)."""
    per_giver = 8
    new_client = new_client or app.test_client
    ids = [i for i in range(USERS - RESERVED + 1, USERS + 1) if i % 100 != 99][first:]
    count = math.ceil((n + WARMUP + 1) / per_giver)
    assert count <= len(ids), "too many requests for the reserved givers"
    log(f"  signing in {count} givers")
    givers = [(i, signed_in(app, i, new_client())) for i in ids[:count]]
    colleagues = iter([i for i in range(1, USERS - RESERVED) if i % 100 != 99 and i % 50 != 17]
                      * 3)
    done = 0

    def give():
        nonlocal done
        giver_id, client = givers[done // per_giver]
        done += 1
        data = {"kind": "kudos", "recipient_ids": [next(colleagues), next(colleagues)],
                "message": f"Thank you, from person {giver_id}, for the review of item {done}.",
                "visibility": "company", "value_id": "1", "idempotency_key": uuid.uuid4().hex}
        return client.post("/kudos", data=data)

    bare, signed = new_client(), signed_in(app, VIEWER, new_client())
    calls = {"give": expect(303, give), "bare": expect(204, lambda: bare.post("/bench/insert")),
             "signed": expect(204, lambda: signed.post("/bench/insert-signed-in"))}
    statements = {label: Statements(app, call) for label, call in calls.items()}
    alternate(WARMUP, calls)
    return alternate(n, calls), statements


def givers_needed(n: int) -> int:
    return math.ceil((n + WARMUP + 1) / 8)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--explain", action="store_true", help="print the page query's plan")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12",
                        help="as in production, follow-up jobs go to RQ (a queue of the "
                             "bench's own, deleted at the end); '' runs them inline")
    args = parser.parse_args()
    small, big = (int(s) for s in args.sizes.split(","))
    began, load = time.perf_counter(), os.getloadavg()
    password_hash = hash_password(PASSWORD)

    apps, urls, names, queue_name = {}, {}, [], f"kudos_bench_{uuid.uuid4().hex[:8]}"
    try:
        for n in (small, big):
            url, name = make_database(args.db)
            urls[n] = url
            names += [name] if name else []
            apps[n] = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
                                  "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False,
                                  "WTF_CSRF_ENABLED": False, "REDIS_URL": args.redis or None,
                                  "RQ_QUEUE": queue_name})
            bare_views(apps[n])  # before the first request, as Flask requires
            log(f"building {n:,} kudos")
            build(apps[n], n, password_hash)

        log("measuring the wall")
        viewers = {n: signed_in(apps[n], VIEWER) for n in apps}
        pages = {n: page_urls(viewers[n]) for n in apps}
        calls = {(n, i): expect(200, lambda n=n, url=url: viewers[n].get(url))
                 for n in apps for i, url in enumerate(pages[n])}
        queries = {key: Statements(apps[key[0]], call) for key, call in calls.items()}
        alternate(WARMUP, calls)
        wall = alternate(args.requests, calls)
        plans = {i: explain(apps[big], queries[big, i]) for i in (0, 1)}

        log("measuring giving")
        give, give_statements = giving(apps[big], args.requests)
        log("measuring giving on gunicorn")
        with served(urls[big], args.redis, queue_name) as base:
            give_served, _counted_in_process_only = giving(
                apps[big], args.requests, lambda: Served(base), first=givers_needed(args.requests))
    finally:
        for app in apps.values():
            with app.app_context():
                db.engine.dispose()
                if queue() is not None:
                    queue().delete(delete_jobs=True)
        for name in names:
            with ADMIN.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    print(f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
          f"{platform.python_implementation()} {platform.python_version()}, db={args.db}, "
          f"jobs {'to RQ' if args.redis else 'inline'}, {args.requests} requests each after "
          f"{WARMUP} to warm up, {time.perf_counter() - began:.0f} s in all, load average "
          f"{load[0]:.1f} at the start and {os.getloadavg()[0]:.1f} at the end\n")
    for i, label in ((0, "first page"), (1, "second page")):
        if args.explain:
            print(f"Plan of the {label} query at {big:,} kudos:\n\n```\n{plans[i]}\n```\n")
    print("| measure | SQL statements (commits) | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    for i, label in ((0, "GET / (first page)"), (1, "GET /?before=… (second page)")):
        for n in (small, big):
            values = wall[n, i]
            print(f"| {label}, {n:,} kudos | {queries[n, i]} | "
                  f"{statistics.median(values):.1f} | {percentile(values, .95):.1f} |")
    for where, results in (("", give), (", served", give_served)):
        for label, key in (("POST /kudos (give to 2, cooldowns checked)", "give"),
                           ("bare view: one INSERT + COMMIT", "bare"),
                           ("bare view behind the sign-in check", "signed")):
            values = results[key]
            print(f"| {label}{where} | {give_statements[key]} | "
                  f"{statistics.median(values):.1f} | {percentile(values, .95):.1f} |")
    print()
    for i, label in ((0, "first page"), (1, "second page")):
        ratio = percentile(wall[big, i], .95) / percentile(wall[small, i], .95)
        full_scan = re.search(r"Seq Scan on kudos |Sort Key: kudos\.created_at"
                              r"|SCAN kudos(?! USING)|TEMP B-TREE FOR ORDER BY", plans[i])
        index = re.search(r"(?:Index Scan Backward using|SCAN kudos USING INDEX) (\w+)", plans[i])
        took = re.search(r"Execution Time: ([\d.]+) ms", plans[i])
        how = ("reads the whole table" if full_scan or not index
               else f"walks {index.group(1)} newest first")
        print(f"- wall {label}, p95 at {big:,} / p95 at {small:,}: **{ratio:.2f}** "
              f"(target ≤ 1.3); at {big:,} kudos its page query {how}"
              f"{f', {took.group(1)} ms in the database' if took else ''}")
    for where, results in (("in-process (test client)", give),
                           ("served (gunicorn, 1 sync worker, HTTP)", give_served)):
        for label, q in (("p95", .95), ("p50", .5)):
            ratio = percentile(results["give"], q) / percentile(results["bare"], q)
            signed = percentile(results["give"], q) / percentile(results["signed"], q)
            print(f"- giving / bare insert, {where}, {label}: **{ratio:.2f}** (target ≤ 2.5); "
                  f"giving / signed-in bare insert: {signed:.2f}")


if __name__ == "__main__":
    main()

"""News and relay: the tracked redirect against a bare redirect under load, and flushing a
million counted clicks while others keep writing.

    .venv/bin/python bench/news.py [--part redirect,flush] [--workers 4] [--rounds 5]
        [--duration 12] [--connections 50] [--tokens 100] [--relays 20000] [--days 5]
        [--clicks 1000000] [--samples 200]

1. redirect: the real app under gunicorn (`--workers` sync workers on a free port of
   127.0.0.1, built by bench/news_app.py with two extra routes) on a migrated PostgreSQL
   database and a Redis. `wrk -t2 -c<connections>` drives `/r/<token>` (rotating over
   `--tokens` relays, four browsers and one link-preview robot, and a new visitor address
   per request through `X-Forwarded-For`) and `/bench/bare-redirect` with the same headers,
   in turn, `--rounds` times each for `--duration` seconds. PostgreSQL's own
   counters (`pg_stat_database`, `pg_stat_user_tables`) are read before and after: the
   tracked requests must write no row. A small scripted visit (known visitors, repeats and
   robots) checks the counting rule; then `flush_clicks()` moves the counts to the database.
   A third target, the bare redirect after one Redis round trip (a PING), shows the floor of
   any design that counts the click in Redis during the request.
2. flush: `--relays` relays, each with a counter for each of `--days` days holding
   `--clicks` clicks in all, written to Redis exactly as `count_click` writes them (with one
   visitor key per click beside them, as in production), then one `flush_clicks()` run in
   its own process (as a worker runs it) while this process keeps writing and times itself:
   a click counted, a relay created through the operation, and a click added to a relay's
   totals in the database (the very rows the flush updates). "Idle" is the same work with
   no flush running.

The database and the Redis server are the script's own and are removed at the end. Prints
Markdown for docs/performance.md; progress goes to stderr.
"""
# ruff: noqa: S608 (the SQL below is built from this script's constants, never from input)

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from common import (  # bench/common.py, beside this script
    POSTGRES,
    free_port,
    log,
    percentile,
    start_redis,
)
from flask_migrate import upgrade
from redis import Redis

from kudos import create_app
from kudos.auth.models import User
from kudos.extensions import db
from kudos.jobs import close_redis
from kudos.news import jobs, operations, relays
from kudos.news.models import NewsItem, Relay, RelayClickDay
from kudos.news.relays import CLICK_KEY
from kudos.sqltypes import utcnow

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-news"
ITEMS = 20
AGENTS = [  # four browsers and one link-preview robot (not counted)
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
]
BROWSER, PHONE = AGENTS[0], AGENTS[1]
TARGETS = ("bare", "tracked", "redis")
LABELS = {"bare": "bare redirect", "tracked": "`/r/<token>`",
          "redis": "bare redirect + 1 Redis round trip"}
# The wrk script: request i of thread t in round r has agent i % 5 and goes to token
# (i // 5) % n, from 10.(4r + t).x.y: every request is a new visitor (the tracked redirect's
# costlier case, where the click is counted; a repeat visit only checks).
LUA = """
local paths = {%(paths)s}
local agents = {%(agents)s}
local threads = {}
local made = 0

function setup(thread)
  made = made + 1
  thread:set("id", made)
  table.insert(threads, thread)
end

function init(args)
  fixed = ({bare = "/bench/bare-redirect", redis = "/bench/redis-redirect"})[args[1]]
  round = tonumber(args[2])
  i, bots = 0, 0
end

function request()
  i = i + 1
  local agent = i %% #agents + 1
  if agent == #agents then bots = bots + 1 end
  local ip = string.format("10.%%d.%%d.%%d", round * 4 + id, math.floor(i / 256) %% 256, i %% 256)
  local path = fixed or paths[math.floor(i / #agents) %% #paths + 1]
  return wrk.format("GET", path, {["User-Agent"] = agents[agent], ["X-Forwarded-For"] = ip})
end

function done(summary, latency, requests)
  local sent, robots = 0, 0
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("i")
    robots = robots + thread:get("bots")
  end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, e.status, e.connect + e.read + e.write + e.timeout, sent, robots,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""
def ms(values: list[float]) -> str:
    return (f"{statistics.median(values):.1f} | {percentile(values, .95):.1f} | "
            f"{max(values):.1f}")


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())

def wait_for_app(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until the server answers the bare redirect (a worker has booted the app)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/bare-redirect")
            if connection.getresponse().status == 302:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"the app does not answer on port {port}")

def make_app(database_url: str, redis_url: str):
    return create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url,
                       "REDIS_URL": redis_url})


def seed(app) -> tuple[int, list[int]]:
    """An admin who publishes the items, members who relay them; returns (admin, members)."""
    with app.app_context():
        admin = User(email="admin@bench.example", name="Admin", role="admin")
        members = [User(email=f"member{n}@bench.example", name=f"Member {n}")
                   for n in range(ITEMS)]
        db.session.add_all([admin, *members])
        db.session.commit()
        for n in range(ITEMS):
            operations.submit(admin, operations.NewsDraft(
                title=f"News {n}", summary="What we shipped this month.",
                url=f"https://www.example.com/news/{n}?ref=site"))
        return admin.id, [m.id for m in members]


def sums(app, relay_ids: list[int] | None = None) -> tuple[int, int]:
    """Total clicks in relays.clicks and in relay_click_days (of `relay_ids`, or all)."""
    with app.app_context():
        totals = select_sum(Relay.clicks, Relay.id, relay_ids), select_sum(
            RelayClickDay.clicks, RelayClickDay.relay_id, relay_ids)
        db.session.rollback()
        return totals


def select_sum(column, key, ids):
    query = sa.select(sa.func.coalesce(sa.func.sum(column), 0))
    if ids is not None:
        query = query.where(key.in_(ids))
    return db.session.scalar(query)


def redis_clicks(connection: Redis) -> tuple[int, int]:
    """(counters, clicks) under the counters' prefix."""
    keys = list(connection.scan_iter(match=f"{CLICK_KEY}*", count=10_000))
    clicks = 0
    for start in range(0, len(keys), 10_000):
        clicks += sum(int(v) for v in connection.mget(keys[start:start + 10_000]) if v)
    return len(keys), clicks


# --- 1. the tracked redirect -----------------------------------------------------------------


def write_counters(admin: sa.Engine, name: str, url: str) -> dict:
    """What PostgreSQL counted for the database, and for the relay tables."""
    with admin.connect() as c:
        row = c.execute(sa.text(
            "SELECT xact_commit, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database "
            "WHERE datname = :name"), {"name": name}).one()
    counters = dict(row._mapping)
    engine = sa.create_engine(url)
    with engine.connect() as c:
        for table, ins, upd, dele in c.execute(sa.text(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables "
                "WHERE relname IN ('relays', 'relay_click_days', 'relay_visits')")):
            counters[table] = ins + upd + dele
        counters["lookups"] = c.scalar(sa.text(
            "SELECT idx_scan + seq_scan FROM pg_stat_user_tables WHERE relname = 'relays'"))
    engine.dispose()
    return counters


def wrk(port: int, script: str, target: str, round_: int, seconds: float,
        connections: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script,
         f"http://127.0.0.1:{port}/", "--", target, str(round_)],
        capture_output=True, text=True, check=True)
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT"))
    done, micros, status, socket_errors, sent, bots, p50, p90, p99, worst = map(
        int, line.split()[1:])
    return {"target": target, "requests": done, "rps": done / (micros / 1e6),
            "status_errors": status, "socket_errors": socket_errors, "sent": sent,
            "bots": bots, "p50": p50 / 1000, "p90": p90 / 1000, "p99": p99 / 1000,
            "max": worst / 1000, "load": os.getloadavg()[0]}


def settle(connection: Redis) -> None:
    """Until the server has answered what wrk left queued when it stopped (the visitor keys
    stop growing)."""
    seen = -1
    while (now := connection.dbsize()) != seen:
        seen = now
        time.sleep(1)


def scripted_visits(port: int, tokens: list[str]) -> int:
    """Known visits through the server; returns how many should count: per token, six
    visitors coming three times each (6), one of them again on a phone (+1), and two robots
    (0)."""
    def visit(token: str, ip: str, agent: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/r/{token}",
                           headers={"User-Agent": agent, "X-Forwarded-For": ip})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 302, response.status

    for token in tokens:
        for _ in range(3):
            for n in range(6):
                visit(token, f"192.0.2.{n + 1}", BROWSER)
        visit(token, "192.0.2.1", PHONE)
        visit(token, "192.0.2.1", "curl/8.5.0")
        visit(token, "192.0.2.7", AGENTS[-1])
    return 7 * len(tokens)


def redirect_part(app, args, admin: sa.Engine, name: str, url: str, redis_url: str,
                  connection: Redis) -> dict:
    _admin_id, members = seed(app)
    with app.app_context():
        items = db.session.scalars(sa.select(NewsItem).order_by(NewsItem.id)).all()
        made = [relays.create(db.session.get(User, members[n % len(members)]),
                              items[n % len(items)], ("linkedin", "x", "email", "copy")[n % 4])
                for n in range(args.tokens)]
        tokens, relay_ids = [r.token for r in made], [r.id for r in made]
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    connection.flushdb()

    script = Path(tempfile.mkdtemp()) / "news.lua"
    script.write_text(LUA % {
        "paths": ", ".join(f'"/r/{t}"' for t in tokens),
        "agents": ", ".join(json.dumps(a) for a in AGENTS)})
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url, SECRET_KEY=SECRET,
               KUDOS_BEHIND_PROXY="true")
    before = write_counters(admin, name, url)
    server_log = (script.parent / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(args.workers), "--bind",
         f"127.0.0.1:{port}", "--pythonpath", str(ROOT / "bench"), "news_app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=server_log)
    runs: list[dict] = []
    try:
        wait_for_app(port, server)
        time.sleep(2)  # the other workers boot too
        log(f"gunicorn on {port}; warming up")
        for target in TARGETS:
            warm = wrk(port, str(script), target, 0, 3, args.connections)
            if target == "tracked":
                runs.append(dict(warm, warmup=True))
        for round_ in range(1, args.rounds + 1):
            # Each target comes first, second and third in turn.
            shift = (round_ - 1) % len(TARGETS)
            for target in TARGETS[shift:] + TARGETS[:shift]:
                run = wrk(port, str(script), target, round_, args.duration, args.connections)
                runs.append(run)
                log(f"round {round_} {target}: {run['rps']:,.0f} req/s, p50 {run['p50']:.1f} "
                    f"ms, load {run['load']:.1f}")
        settle(connection)
        counters_after_load, clicks_after_load = redis_clicks(connection)
        visitors_after_load = sum(1 for _ in connection.scan_iter("kudos:visit:*", 10_000))
        expected = scripted_visits(port, tokens[:10])
        counters, clicks = redis_clicks(connection)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    log(f"gunicorn's log: {server_log.name}")
    time.sleep(1)  # the server's connections are closed: their statistics are in
    after = write_counters(admin, name, url)

    with app.app_context():
        flushed = jobs.flush_clicks()
        db.engine.dispose()
    relay_total, day_total = sums(app, relay_ids)
    left = redis_clicks(connection)[1]
    tracked = [r for r in runs if r["target"] == "tracked"]
    return {
        "runs": [r for r in runs if not r.get("warmup")],
        "writes": {k: after[k] - before[k] for k in before},
        "tracked_sent": sum(r["sent"] for r in tracked),
        "tracked_bots": sum(r["bots"] for r in tracked),
        "tracked_done": sum(r["requests"] for r in tracked),
        "clicks_after_load": clicks_after_load, "visitors_after_load": visitors_after_load,
        "counters_after_load": counters_after_load,
        "scripted": expected, "scripted_counted": clicks - clicks_after_load,
        "clicks": clicks, "counters": counters, "flushed": flushed,
        "relay_total": relay_total, "day_total": day_total, "left": left,
    }


def print_redirect(result: dict, args) -> None:
    runs = result["runs"]
    print(f"\n### The tracked redirect against a bare redirect ({args.workers} gunicorn "
          f"workers, `wrk -t2 -c{args.connections}`, {args.rounds} rounds of "
          f"{args.duration} s each)\n")
    print("| round | target | req/s | p50 ms | p90 ms | p99 ms | max ms | load (1 min) |")
    print("|---|---|---|---|---|---|---|---|")
    for n, run in enumerate(runs):
        print(f"| {n // len(TARGETS) + 1} | {LABELS[run['target']]} | {run['rps']:,.0f} | "
              f"{run['p50']:.1f} | {run['p90']:.1f} | {run['p99']:.1f} | {run['max']:.1f} | "
              f"{run['load']:.1f} |")
    of = {t: [r for r in runs if r["target"] == t] for t in TARGETS}
    ratios = [t["rps"] / b["rps"] for b, t in zip(of["bare"], of["tracked"], strict=True)]
    done = {t: sum(r["requests"] for r in of[t]) for t in TARGETS}
    errors = sum(r["status_errors"] + r["socket_errors"] for r in runs)
    print(f"\nTracked / bare, per round: {', '.join(f'{x:.2f}' for x in ratios)}; over all "
          f"rounds **{done['tracked'] / done['bare']:.2f}** (target ≥ 0.70). Bare + 1 Redis "
          f"round trip / bare: {done['redis'] / done['bare']:.2f}; tracked / that: "
          f"{done['tracked'] / done['redis']:.2f}. Non-3xx answers and socket errors: "
          f"{errors}.\n")
    writes = result["writes"]
    print("| PostgreSQL counters, after − before the load | change |")
    print("|---|---|")
    relay_rows = writes["relays"] + writes["relay_click_days"] + writes["relay_visits"]
    print(f"| rows inserted + updated + deleted in `relays`, `relay_click_days`, "
          f"`relay_visits` | {relay_rows} |")
    print(f"| whole database: rows inserted / updated / deleted | {writes['tup_inserted']} / "
          f"{writes['tup_updated']} / {writes['tup_deleted']} |")
    print(f"| whole database: transactions committed | {writes['xact_commit']} |")
    print(f"| reads of `relays` (index or table scans) | {writes['lookups']} |")
    print(f"\nTracked requests sent (warm-up included): {result['tracked_sent']:,}, of "
          f"which {result['tracked_bots']:,} as the robot and "
          f"{result['tracked_sent'] - result['tracked_bots']:,} as new browser visitors; "
          f"answered: {result['tracked_done']:,}. Counted in Redis: "
          f"{result['clicks_after_load']:,} clicks on {result['counters_after_load']} "
          f"counters, {result['visitors_after_load']:,} visitor keys. Scripted visit: "
          f"{result['scripted_counted']} counted for {result['scripted']} expected. "
          f"`flush_clicks()` then moved {result['flushed']:,} clicks: relays total "
          f"{result['relay_total']:,}, per-day rows total {result['day_total']:,}, "
          f"{result['left']} left in Redis.")


# --- 2. the flush ----------------------------------------------------------------------------


def fill(app, connection: Redis, args, members: list[int]) -> tuple[list[int], list[str]]:
    """The relays (set-based SQL), the per-day rows of earlier flushes, and the counters."""
    with app.app_context():
        first_item = db.session.scalar(sa.select(sa.func.min(NewsItem.id)))
        start = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Relay.id), 0))) + 1
        db.session.execute(sa.text(f"""
            INSERT INTO relays (news_id, user_id, channel, token, created_at, clicks)
            SELECT {first_item} + n % {ITEMS}, {min(members)} + n % {len(members)},
              'linkedin', 'bench-' || n, now() AT TIME ZONE 'UTC', 0
            FROM generate_series(1, {args.relays}) n"""))
        relay_ids = list(db.session.scalars(
            sa.select(Relay.id).where(Relay.id >= start).order_by(Relay.id)))
        today = utcnow().date()
        days = [(today - timedelta(days=d)).isoformat() for d in range(args.days)]
        # Earlier days were flushed before (their rows exist); today's rows are new.
        db.session.execute(sa.text(f"""
            INSERT INTO relay_click_days (relay_id, day, clicks)
            SELECT r.id, CURRENT_DATE - d, 0 FROM relays r, generate_series(1,
              {args.days - 1}) d WHERE r.id >= {start}"""))
        db.session.commit()
    keys = len(relay_ids) * len(days)
    base, extra = divmod(args.clicks, keys)
    pipe = connection.pipeline(transaction=False)
    n = visitors = 0
    for relay_id in relay_ids:
        for day in days:
            count = base + (1 if n < extra else 0)
            n += 1
            if count:
                pipe.set(f"{CLICK_KEY}{relay_id}:{day}", count)
            if args.visitors:
                for _ in range(count):
                    visitors += 1
                    pipe.set(f"kudos:visit:{relay_id}:{day}:{visitors:032x}", 1, ex=2 * 86400)
            if len(pipe) >= 20_000:
                pipe.execute()
        if relay_id % 2000 == 0:
            log(f"  counters for {relay_id:,} relays")
    pipe.execute()
    return relay_ids, days


class Writer:
    """Times what requests and other writers do meanwhile: a click counted (Redis), a relay
    created through the operation, and a click added to a relay's totals in the database (two
    UPDATEs and a commit on the rows the flush updates)."""

    def __init__(self, app, relay_ids: list[int], user_ids: list[int]):
        self.app, self.relay_ids, self.user_ids = app, relay_ids, user_ids
        self.random = random.Random(7)
        self.visits = self.counted = self.added = 0

    def count(self) -> float:
        self.visits += 1
        relay_id = self.random.choice(self.relay_ids)
        with self.app.app_context():
            started = time.perf_counter()
            self.counted += relays.count_click(relay_id, f"198.51.100.{self.visits % 250}",
                                               f"{BROWSER} visit/{self.visits}")
            return (time.perf_counter() - started) * 1000

    def relay(self) -> float:
        with self.app.app_context():
            user = db.session.get(User, self.random.choice(self.user_ids))
            item = db.session.get(NewsItem, db.session.scalar(
                sa.select(NewsItem.id).order_by(NewsItem.id)
                .offset(self.random.randrange(ITEMS)).limit(1)))
            started = time.perf_counter()
            relays.create(user, item, "copy")
            return (time.perf_counter() - started) * 1000

    def add(self) -> float:
        relay_id = self.random.choice(self.relay_ids)
        with self.app.app_context():
            started = time.perf_counter()
            relays.add_clicks(relay_id, utcnow().date(), 1)
            db.session.commit()
            self.added += 1
            return (time.perf_counter() - started) * 1000


def flush_only(database_url: str, redis_url: str) -> None:
    """The child process: one flush_clicks() run, each batch timed; prints JSON."""
    app = make_app(database_url, redis_url)
    batches: list[tuple[int, float]] = []
    flush_batch = jobs._flush_batch

    def timed(redis, keys):
        started = time.perf_counter()
        moved = flush_batch(redis, keys)
        batches.append((len(keys), (time.perf_counter() - started) * 1000))
        return moved

    jobs._flush_batch = timed
    with app.app_context():
        started = time.perf_counter()
        flushed = jobs.flush_clicks()
        seconds = time.perf_counter() - started
        db.engine.dispose()
    print(json.dumps({"flushed": flushed, "seconds": seconds, "batches": batches}))


def flush_part(app, args, connection: Redis, members: list[int]) -> dict:
    connection.flushdb()
    before = sums(app)
    started = time.perf_counter()
    relay_ids, days = fill(app, connection, args, members)
    log(f"filled in {time.perf_counter() - started:.0f} s; "
        f"{connection.dbsize():,} keys in Redis")
    counters, clicks = redis_clicks(connection)
    writer = Writer(app, relay_ids, members)
    idle = {"count": [], "relay": [], "add": []}
    for _ in range(args.samples):
        for kind, values in idle.items():
            values.append(getattr(writer, kind)())
    log("idle samples taken; flushing")
    flusher = subprocess.Popen(
        [sys.executable, __file__, "--flush-only", "--database-url",
         app.config["SQLALCHEMY_DATABASE_URI"], "--redis-url", app.config["REDIS_URL"]],
        stdout=subprocess.PIPE, text=True)
    during = {"count": [], "relay": [], "add": []}
    loads = [os.getloadavg()[0]]
    while flusher.poll() is None:
        for kind, values in during.items():
            values.append(getattr(writer, kind)())
    loads.append(os.getloadavg()[0])
    result: dict = json.loads(flusher.stdout.read())
    if flusher.returncode:
        raise RuntimeError("the flush failed")
    left_counters, left = redis_clicks(connection)
    after = sums(app)
    with app.app_context():
        second = jobs.flush_clicks()
        db.engine.dispose()
    final = sums(app)
    result.update(counters=counters, clicks=clicks, days=len(days), relays=len(relay_ids),
                  idle=idle, during=during, loads=loads, left=left,
                  left_counters=left_counters, counted=writer.counted, added=writer.added,
                  delta=[a - b for a, b in zip(after, before, strict=True)],
                  second=second,
                  final=[a - b for a, b in zip(final, before, strict=True)])
    return result


def print_flush(result: dict) -> None:
    sizes = [size for size, _ in result["batches"]]
    times = [took for _, took in result["batches"]]
    print(f"\n### Flushing {result['clicks']:,} clicks ({result['counters']:,} counters: "
          f"{result['relays']:,} relays × {result['days']} days)\n")
    print(f"One `flush_clicks()` run: **{result['seconds']:.1f} s**, "
          f"{result['flushed']:,} clicks moved in {len(sizes)} batches of up to "
          f"{max(sizes):,} counters (each its own transaction: p50 {statistics.median(times):.0f}"
          f" ms, p95 {percentile(times, .95):.0f} ms, max {max(times):.0f} ms). Load average "
          f"{result['loads'][0]:.1f} → {result['loads'][1]:.1f}.\n")
    added, counted = result["added"], result["counted"]
    print(f"Database totals after the run, less what the writer added directly ({added:,}): "
          f"`relays.clicks` +{result['delta'][0] - added:,}, `relay_click_days` "
          f"+{result['delta'][1] - added:,}. Left in Redis: {result['left']:,} clicks on "
          f"{result['left_counters']:,} counters, all counted by the writer during the run "
          f"({counted:,} in all; the others were taken by the run itself). The next run moved "
          f"{result['second']:,}; then the totals were +{result['final'][0] - added:,} and "
          f"+{result['final'][1] - added:,} = the {result['clicks']:,} filled + the "
          f"{counted:,} counted meanwhile.\n")
    print("| writer, while… | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    labels = {"count": "count a click (`count_click`, Redis)",
              "relay": "create a relay (operation: insert + commit)",
              "add": "add a click to a relay's totals (2 UPDATEs + commit, same rows)"}
    for kind, label in labels.items():
        print(f"| {label}, idle | {ms(result['idle'][kind])} |")
        print(f"| {label}, during the flush | {ms(result['during'][kind])} |")
    print(f"\n({len(result['during']['add'])} rounds of the three during the flush.)")


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", default="redirect,flush")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=12, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--tokens", type=int, default=100, help="tracked links under load")
    parser.add_argument("--relays", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--clicks", type=int, default=1_000_000)
    parser.add_argument("--no-visitors", dest="visitors", action="store_false",
                        help="leave out the visitor keys beside the counters")
    parser.add_argument("--samples", type=int, default=200, help="idle writes of each kind")
    parser.add_argument("--flush-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--redis-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.flush_only:
        flush_only(args.database_url, args.redis_url)
        return
    parts = set(args.part.split(","))

    started = datetime.now(UTC)
    start_load = load()
    server, redis_url = start_redis()
    connection = Redis.from_url(redis_url)
    name = f"kudos_bench_{uuid.uuid4().hex[:8]}"
    # A new connection each time: others' benchmarks may end idle connections to `test`.
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES.rsplit("/", 1)[0] + "/" + name
    app = make_app(url, redis_url)
    redirect = flush = None
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        if "redirect" in parts:
            redirect = redirect_part(app, args, admin, name, url, redis_url, connection)
        if "flush" in parts:
            with app.app_context():
                members = list(db.session.scalars(
                    sa.select(User.id).where(User.role == "member")))
            if not members:
                seed(app)
                with app.app_context():
                    members = list(db.session.scalars(
                        sa.select(User.id).where(User.role == "member")))
            flush = flush_part(app, args, connection, members)
    finally:
        connection.close()
        with app.app_context():
            db.engine.dispose()
            close_redis(app)
        server.terminate()
        server.wait(timeout=10)
        for attempt in range(3):
            try:
                with admin.connect() as c:
                    c.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                break
            except sa.exc.OperationalError as error:
                log(f"DROP DATABASE {name} failed ({error.orig!r}), attempt {attempt + 1}")
                time.sleep(1)
        admin.dispose()

    seconds = (datetime.now(UTC) - started).total_seconds()
    print(f"Run {started:%Y-%m-%d %H:%M} UTC, {seconds:.0f} s, on {platform.machine()} "
          f"({os.cpu_count()} cores), {platform.python_implementation()} "
          f"{platform.python_version()}; load average (1/5/15 min) {start_load} at the start, "
          f"{load()} at the end.")
    if redirect:
        print_redirect(redirect, args)
    if flush:
        print_flush(flush)


if __name__ == "__main__":
    main()

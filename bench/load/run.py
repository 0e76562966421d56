"""Load and faults: a mixed workload from concurrent virtual users against gunicorn, with the
workers and the scheduler running as in production, then every write counted in the database.

    .venv/bin/python bench/load/run.py --db postgres|sqlite [--users 50] [--duration 60]
        [--faults]

1. A throw-away database (PostgreSQL: a new database, dropped at the end; SQLite: a file in a
   temporary directory, WAL and a busy timeout as the app sets them) built by the migrations,
   seeded with `--people` people in 20 teams, each with a personal API token minted directly,
   and a few published news items.
2. Its own `redis-server` (free port, append-only file in the temporary directory),
   `gunicorn --workers 4` on a free port serving `bench/load/wsgi_bench.py` (the app plus a
   bare view), `--rq-workers` RQ workers (`python -m workers.worker`) and the scheduler
   (`python -m workers.scheduler`: outbox dispatch every 5 s, click flushing every minute).
3. `--users` virtual users, each in a closed loop without think time, for `--duration`
   seconds: read the wall (GET /api/v1/kudos, 45%), give a kudos (POST /api/v1/kudos with an
   Idempotency-Key, 25%; one give in ten is sent again with the same key after the answer,
   one in twenty twice at once), relay a news item (POST /api/v1/news/{id}/relays, 10%),
   click a tracked link (GET /r/{token}, not followed, 20%). Each VU gives as its own ten
   people in turn, to a random colleague; a 429 cooldown is an expected answer.
4. Then the same VUs on the bare view alone for `--bare-duration` seconds: the ceiling.
5. Waits for the outbox and the RQ queues to drain, then counts in the database: one kudos
   row per key the client saw accepted (none lost, none twice), relays against 201 answers,
   exactly one notification per recipient of each kudos, clicks against distinct visitors.

`--faults` (PostgreSQL only): during the load, one RQ worker is killed with SIGKILL (with its
work-horse) while it runs a job and a replacement started; the bench's Redis is stopped for
30 s and started again; PostgreSQL is restarted (`pg_ctlcluster … restart`: the shared server,
for a few seconds). A give that fails (connection error, 5xx) is sent again with the same key,
as a real client would. Answers inside a fault's window are reported apart.

Prints Markdown tables for docs/performance.md; progress goes to stderr.
"""
# ruff: noqa: S608 (the SQL below is built from this script's constants, never from input)

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from redis import Redis
from rq import Queue, Worker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bench.common import POSTGRES, free_port, percentile, wait_for_redis  # noqa: E402
from kudos import create_app  # noqa: E402
from kudos.api.operations import TOKEN_PREFIX  # noqa: E402
from kudos.auth.models import ApiToken, Team, User  # noqa: E402
from kudos.auth.tokens import digest  # noqa: E402
from kudos.extensions import db  # noqa: E402
from kudos.news.models import NewsItem  # noqa: E402
from kudos.sqltypes import utcnow  # noqa: E402

VENV = ROOT / ".venv" / "bin"
SECRET = "load-bench-" + secrets.token_hex(16)
TEAMS = 20
NEWS = 5
GIVERS_PER_VU = 10
MIX = {"wall": 45, "give": 25, "relay": 10, "click": 20}
KEY_PREFIX = "bench-"
MESSAGE = "Thank you for the careful review of the release notes: it saved the team a day."
RETRYABLE = {0, 500, 502, 503, 504}
REQUEST_TIMEOUT = 60.0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} (5 min {five:.1f})"
# --- the services ------------------------------------------------------------------------


class Services:
    """Redis, gunicorn, the RQ workers and the scheduler: started, watched, stopped."""

    def __init__(self, args, database_url: str, workdir: Path):
        self.args = args
        self.workdir = workdir
        self.redis_port = free_port()
        self.web_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": self.redis_url,
                    "SECRET_KEY": SECRET, "KUDOS_BASE_URL": f"http://127.0.0.1:{self.web_port}",
                    "PYTHONUNBUFFERED": "1"}
        self.env.pop("FLASK_DEBUG", None)
        self.redis: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.scheduler: subprocess.Popen | None = None
        self.logs: list = []

    def _log(self, name: str):
        handle = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (closed in stop())
        self.logs.append(handle)
        return handle

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--dir", str(self.workdir), "--appendonly", "yes", "--save", ""],
            stdout=self._log("redis"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_redis(self.redis_port, tries=200)

    def stop_redis(self) -> None:
        """As an operator stops it (SIGTERM: the append-only file is complete)."""
        if self.redis and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=20)

    def start_web(self) -> None:
        self.web = subprocess.Popen(
            [str(VENV / "gunicorn"), "--workers", str(self.args.web_workers), "--bind",
             f"127.0.0.1:{self.web_port}", "--pythonpath", str(ROOT / "bench" / "load"),
             "--timeout", "30", "--graceful-timeout", "10", "--backlog", "2048",
             "wsgi_bench:app"],
            cwd=ROOT, env=self.env, stdout=self._log("gunicorn"), stderr=subprocess.STDOUT,
            start_new_session=True)

    def start_worker(self) -> subprocess.Popen:
        worker = subprocess.Popen(
            [str(VENV / "python"), "-m", "workers.worker"], cwd=ROOT, env=self.env,
            stdout=self._log(f"worker{len(self.workers)}"), stderr=subprocess.STDOUT,
            start_new_session=True)
        self.workers.append(worker)
        return worker

    def start_scheduler(self) -> None:
        self.scheduler = subprocess.Popen(
            [str(VENV / "python"), "-m", "workers.scheduler"], cwd=ROOT, env=self.env,
            stdout=self._log("scheduler"), stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> None:
        self.start_redis()
        self.start_web()
        for _ in range(self.args.rq_workers):
            self.start_worker()
        self.start_scheduler()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.web_port), timeout=1) as s:
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer; see {self.workdir}/gunicorn.log")

    def stop(self) -> None:
        processes = [p for p in [self.web, self.scheduler, *self.workers] if p is not None]
        for process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.stop_redis()
        for handle in self.logs:
            handle.close()


# --- the database ------------------------------------------------------------------------


def make_database(kind: str, workdir: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{workdir}/bench.sqlite", None
    name = f"kudos_load_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES.rsplit("/", 1)[0] + "/" + name, name


def drop_database(name: str) -> None:
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    for _ in range(30):  # the server may still be coming back from a restart
        try:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            break
        except sa.exc.OperationalError:
            time.sleep(1)
    admin.dispose()


def seed(app, people: int) -> tuple[list[tuple[int, str]], list[int]]:
    """People with a token each, and published news. Returns [(user id, token)], news ids."""
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        teams = [Team(name=f"Team {i + 1}") for i in range(TEAMS)]
        db.session.add_all(teams)
        db.session.flush()
        users = [User(email=f"person{i + 1}@load.example", name=f"Person {i + 1}",
                      role="admin" if i == 0 else "member", team_id=teams[i % TEAMS].id)
                 for i in range(people)]
        db.session.add_all(users)
        db.session.flush()
        tokens = []
        for user in users:
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            db.session.add(ApiToken(user_id=user.id, name="load bench", prefix=token[:12],
                                    token_hash=digest(token)))
            tokens.append((user.id, token))
        now = utcnow()
        items = [NewsItem(title=f"News {i + 1}", summary="Something worth relaying.",
                          url=f"https://example.com/news/{i + 1}", status="published",
                          author_id=users[0].id, proposed_by_id=users[0].id, published_at=now)
                 for i in range(NEWS)]
        db.session.add_all(items)
        db.session.commit()
        news_ids = [i.id for i in items]
        db.engine.dispose()
    return tokens, news_ids


# --- the client --------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    status: int
    ms: float
    at: float  # monotonic start


@dataclass
class Ledger:
    """What the client saw, to compare with the database afterwards."""

    samples: list[Sample] = field(default_factory=list)
    accepted: dict[str, int] = field(default_factory=dict)  # idempotency key -> kudos id
    created: dict[str, int] = field(default_factory=dict)  # key -> number of 201 answers
    unresolved: set[str] = field(default_factory=set)  # gave up without an answer
    resend_mismatch: int = 0
    resends: int = 0
    relays_created: int = 0
    relays_unknown: int = 0
    links: list[str] = field(default_factory=list)  # tracked paths
    clicked: list[tuple[str, int, float]] = field(default_factory=list)  # (path, vu, at): 302
    cooldowns: int = 0


class Client:
    def __init__(self, port: int):
        self.port = port

    async def request(self, method: str, path: str, *, token: str | None = None,
                      body: dict | None = None, headers: dict | None = None
                      ) -> tuple[int, dict, bytes, float]:
        """One request on its own connection (gunicorn's sync workers close each one).
        Status 0: no answer (refused, reset, timed out)."""
        started = time.perf_counter()
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                 "Connection: close", "Accept: application/json"]
        if token:
            lines.append(f"Authorization: Bearer {token}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode()
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        raw = "\r\n".join(lines).encode() + b"\r\n\r\n" + payload
        writer = None
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(raw)
                await writer.drain()
                data = await reader.read()
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            return 0, {}, b"", (time.perf_counter() - started) * 1000
        finally:
            if writer is not None:
                writer.close()
        elapsed = (time.perf_counter() - started) * 1000
        head, _, content = data.partition(b"\r\n\r\n")
        try:
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            status = int(status_line.split(" ", 2)[1])
        except (ValueError, IndexError):
            return 0, {}, b"", elapsed
        answer = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            answer[name.strip().lower()] = value.strip()
        return status, answer, content, elapsed


class Load:
    def __init__(self, client: Client, tokens: list[tuple[int, str]], news_ids: list[int],
                 retry_gives: bool):
        self.client = client
        self.tokens = tokens
        self.news_ids = news_ids
        self.retry_gives = retry_gives
        self.ledger = Ledger()
        self.t0 = time.monotonic()

    def record(self, kind: str, status: int, ms: float, at: float) -> None:
        self.ledger.samples.append(Sample(kind, status, ms, at))

    async def timed(self, kind: str, method: str, path: str, **kw):
        at = time.monotonic()
        status, headers, content, ms = await self.client.request(method, path, **kw)
        self.record(kind, status, ms, at)
        return status, headers, content

    async def wall(self, token: str) -> None:
        await self.timed("wall", "GET", "/api/v1/kudos", token=token)

    async def give_once(self, token: str, body: dict, key: str, kind: str) -> int:
        """Send one give, retrying a failure with the same key; returns the last status."""
        ledger = self.ledger
        for attempt in range(12):
            status, headers, content = await self.timed(
                kind, "POST", "/api/v1/kudos", token=token, body=body,
                headers={"Idempotency-Key": key})
            if status in (200, 201):
                kudos_id = json.loads(content)["id"]
                if key in ledger.accepted and ledger.accepted[key] != kudos_id:
                    ledger.resend_mismatch += 1
                ledger.accepted.setdefault(key, kudos_id)
                if status == 201:
                    ledger.created[key] = ledger.created.get(key, 0) + 1
                ledger.unresolved.discard(key)
                return status
            if status == 429:
                ledger.cooldowns += 1
                return status
            if status not in RETRYABLE or not self.retry_gives:
                if status in RETRYABLE:
                    ledger.unresolved.add(key)
                return status
            ledger.unresolved.add(key)
            wait = headers.get("retry-after", "")
            await asyncio.sleep(min(5.0, float(wait)) if wait.isdigit() else 0.5 * (attempt + 1))
        return status

    async def give(self, rng: random.Random, giver: tuple[int, str]) -> None:
        giver_id, token = giver
        recipient = giver_id
        while recipient == giver_id:
            recipient = self.tokens[rng.randrange(len(self.tokens))][0]
        body = {"recipient_ids": [recipient], "message": MESSAGE}
        key = KEY_PREFIX + uuid.uuid4().hex
        roll = rng.random()
        if roll < 0.05:  # a double submit: the same request twice at once
            self.ledger.resends += 1
            await asyncio.gather(self.give_once(token, body, key, "give"),
                                 self.give_once(token, body, key, "give (resent)"))
            return
        status = await self.give_once(token, body, key, "give")
        if roll < 0.15 and status in (200, 201):  # the answer was lost: send it again
            self.ledger.resends += 1
            await self.give_once(token, body, key, "give (resent)")

    async def relay(self, rng: random.Random, token: str) -> None:
        news_id = rng.choice(self.news_ids)
        channel = rng.choice(["internal", "linkedin", "x", "email", "copy"])
        status, _headers, content = await self.timed(
            "relay", "POST", f"/api/v1/news/{news_id}/relays", token=token,
            body={"channel": channel})
        if status == 201:
            self.ledger.relays_created += 1
            url = json.loads(content)["tracked_url"]
            self.ledger.links.append("/" + url.split("/", 3)[3])
        elif status in RETRYABLE:
            self.ledger.relays_unknown += 1

    async def click(self, rng: random.Random, vu: int) -> None:
        path = rng.choice(self.ledger.links)
        at = time.monotonic()
        status, _h, _c = await self.timed(
            "click", "GET", path,
            headers={"User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) LoadBench/{vu}"})
        if status == 302:
            self.ledger.clicked.append((path, vu, at))

    async def vu(self, n: int, users: int, until: float) -> None:
        rng = random.Random(n)
        per = len(self.tokens) // users
        own = self.tokens[n * per:(n + 1) * per][:GIVERS_PER_VU] or [self.tokens[n]]
        turn = 0
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < until:
            kind = rng.choices(kinds, weights)[0]
            if kind == "click" and not self.ledger.links:
                kind = "relay"
            me = own[turn % len(own)]
            turn += 1
            if kind == "wall":
                await self.wall(me[1])
            elif kind == "give":
                await self.give(rng, me)
            elif kind == "relay":
                await self.relay(rng, me[1])
            else:
                await self.click(rng, n)

    async def warm(self, users: int, seconds: float) -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(*(self.vu(n, users, until) for n in range(users)))

    async def bare(self, until: float) -> None:
        while time.monotonic() < until:
            await self.timed("bare view", "GET", "/bench/bare")


# --- faults ------------------------------------------------------------------------------


def busy_worker(services: Services, redis_url: str, notifying: bool) -> subprocess.Popen | None:
    """A live worker process that is running a job now (a kudos notification if
    `notifying`), if any."""
    connection = Redis.from_url(redis_url, socket_timeout=2)
    try:
        for worker in Worker.all(connection=connection):
            job = worker.get_current_job() if worker.get_state() == "busy" else None
            if job is not None and (not notifying or "notify" in (job.description or "")):
                for process in services.workers:
                    if process.poll() is None and process.pid == worker.pid:
                        return process
    finally:
        connection.close()
    return None


async def faults(services: Services, duration: float, t0: float, windows: list) -> None:
    """The fault schedule, scaled to the run: a worker killed at 10%, Redis stopped from
    20% for 30 s, PostgreSQL restarted at 70%."""

    async def at(fraction: float) -> None:
        await asyncio.sleep(max(0.0, t0 + fraction * duration - time.monotonic()))

    await at(0.10)
    victim = None
    deadline = time.monotonic() + 15
    while victim is None and time.monotonic() < deadline:  # catch one in the middle of a job
        victim = await asyncio.to_thread(busy_worker, services, services.redis_url,
                                         time.monotonic() < deadline - 5)
        if victim is None:
            await asyncio.sleep(0.02)
    victim = victim or services.workers[0]
    began = time.monotonic()
    connection = Redis.from_url(services.redis_url)
    running = [w.get_current_job_id() for w in Worker.all(connection=connection)
               if w.pid == victim.pid]
    connection.close()
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    services.start_worker()
    log(f"fault: RQ worker {victim.pid} killed (SIGKILL, with its work-horse) while running "
        f"{running}; replacement started")
    windows.append(("RQ worker killed", began, time.monotonic() + 2))

    await at(0.20)
    began = time.monotonic()
    await asyncio.to_thread(services.stop_redis)
    log("fault: Redis stopped for 30 s")
    await asyncio.sleep(30)
    await asyncio.to_thread(services.start_redis)
    log("fault: Redis started again")
    windows.append(("Redis stopped 30 s", began, time.monotonic() + 2))

    await at(0.70)
    cluster = next(iter(os.listdir("/etc/postgresql")))
    log("fault: WARNING restarting the shared PostgreSQL server (a few seconds)")
    began = time.monotonic()
    done = await asyncio.to_thread(
        subprocess.run, ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main",
                         "restart", "-m", "fast"], capture_output=True, text=True)
    ended = time.monotonic()
    log(f"fault: PostgreSQL restarted in {ended - began:.1f} s (exit {done.returncode}) "
        f"{done.stderr.strip()}")
    windows.append(("PostgreSQL restarted", began, ended + 5))


# --- afterwards --------------------------------------------------------------------------


def drain(app, redis_url: str, timeout: float) -> dict:
    """Wait until nothing is pending: outbox rows, queued, running and retrying jobs."""
    from kudos.outbox import OutboxEvent

    connection = Redis.from_url(redis_url)
    started = time.monotonic()
    state = {}
    while True:
        queue = Queue(app.config["RQ_QUEUE"], connection=connection)
        with app.app_context():
            pending = db.session.scalar(
                sa.select(sa.func.count(OutboxEvent.id)).where(
                    OutboxEvent.status.not_in(("sent", "done"))))
            db.session.remove()
        state = {"outbox": pending, "queued": queue.count,
                 "running": StartedJobRegistry(queue=queue).count,
                 "retrying": ScheduledJobRegistry(queue=queue).count,
                 "failed": FailedJobRegistry(queue=queue).count}
        busy = state["outbox"] + state["queued"] + state["running"] + state["retrying"]
        # The periodic jobs of the scheduler are always coming and going: one running or
        # queued is not a backlog.
        if busy <= 1 and state["outbox"] == 0:
            break
        if time.monotonic() - started > timeout:
            state["timed_out"] = True
            break
        time.sleep(1)
    state["seconds"] = time.monotonic() - started
    connection.close()
    return state


def count(app, ledger: Ledger, redis_url: str, windows: list) -> dict:
    """Compare what the client saw with the database."""
    from kudos.news.models import Relay
    from kudos.news.relays import CLICK_KEY

    with app.app_context():
        s = db.session
        rows = s.execute(sa.text(
            "SELECT idempotency_key, id FROM kudos WHERE idempotency_key LIKE :p"),
            {"p": KEY_PREFIX + "%"}).all()
        keys_in_db: dict[str, list[int]] = {}
        for key, kudos_id in rows:
            keys_in_db.setdefault(key, []).append(kudos_id)
        accepted = ledger.accepted
        lost = [k for k in accepted if k not in keys_in_db]
        twice = [k for k, ids in keys_in_db.items() if len(ids) > 1]
        wrong_id = [k for k in accepted if k in keys_in_db and accepted[k] not in keys_in_db[k]]
        unseen = [k for k in keys_in_db if k not in accepted]  # committed, answer never seen
        created_twice = [k for k, n in ledger.created.items() if n > 1]
        expected = s.scalar(sa.text(
            "SELECT count(*) FROM kudos_recipients kr JOIN kudos k ON k.id = kr.kudos_id "
            "WHERE k.idempotency_key LIKE :p"), {"p": KEY_PREFIX + "%"})
        missing = s.scalar(sa.text(
            "SELECT count(*) FROM kudos_recipients kr JOIN kudos k ON k.id = kr.kudos_id "
            "WHERE k.idempotency_key LIKE :p AND NOT EXISTS (SELECT 1 FROM notifications n "
            "WHERE n.kudos_id = k.id AND n.user_id = kr.user_id "
            "AND n.kind IN ('thanked', 'approval'))"), {"p": KEY_PREFIX + "%"})
        doubled = s.scalar(sa.text(
            "SELECT count(*) FROM (SELECT n.kudos_id, n.user_id FROM notifications n "
            "WHERE n.kind IN ('thanked', 'approval') GROUP BY n.kudos_id, n.user_id "
            "HAVING count(*) > 1) d"))
        notified = s.scalar(sa.text(
            "SELECT count(*) FROM notifications WHERE kind IN ('thanked', 'approval')"))
        relays = s.scalar(sa.select(sa.func.count(Relay.id)))
        flushed = s.scalar(sa.select(sa.func.coalesce(sa.func.sum(Relay.clicks), 0)))
        db.session.remove()
        db.engine.dispose()
    connection = Redis.from_url(redis_url)
    waiting = sum(int(connection.get(k) or 0)
                  for k in connection.scan_iter(match=f"{CLICK_KEY}*"))
    connection.close()
    # A click counts once per visitor, link and day; while Redis is down it is not counted at
    # all (the redirect never waits for it): those are expected to be missing.
    redis_down = [(b, e) for n, b, e in windows if n.startswith("Redis")]
    everywhere = {(p, v) for p, v, _at in ledger.clicked}
    countable = {(p, v) for p, v, at in ledger.clicked
                 if not any(b <= at <= e for b, e in redis_down)}
    return {"kudos_rows": len(rows), "accepted": len(accepted), "created_201": sum(
                ledger.created.values()),
            "lost": len(lost), "twice": len(twice), "wrong_id": len(wrong_id),
            "unseen": len(unseen), "created_twice": len(created_twice),
            "unresolved": len(ledger.unresolved - set(accepted)),
            "recipients": expected, "notified": notified, "missing": missing,
            "doubled": doubled, "relays": relays, "relays_201": ledger.relays_created,
            "relays_unknown": ledger.relays_unknown, "clicks_counted": flushed + waiting,
            "clicks_expected": len(countable),
            "clicks_redis_down": len(everywhere - countable)}


# --- report ------------------------------------------------------------------------------


def table(samples: list[Sample], seconds: float, windows: list, bare: list[Sample],
          bare_seconds: float) -> str:
    def inside(sample: Sample) -> bool:
        return any(b <= sample.at <= e for _n, b, e in windows)

    lines = ["| request | count | p50 ms | p95 ms | p99 ms | req/s | 5xx | no answer |"
             + (" in a fault window: 5xx / no answer |" if windows else ""),
             "|---|---|---|---|---|---|---|---|" + ("---|" if windows else "")]

    def row(name: str, rows: list[Sample], secs: float) -> str:
        normal = [r for r in rows if not inside(r)]
        faulty = [r for r in rows if inside(r)]
        ok = [r.ms for r in rows if r.status]
        five = sum(1 for r in normal if r.status >= 500)
        none = sum(1 for r in normal if r.status == 0)
        text = (f"| {name} | {len(rows):,} | {percentile(ok, .5):.0f} | "
                f"{percentile(ok, .95):.0f} | {percentile(ok, .99):.0f} | "
                f"{len(rows) / secs:.1f} | {five} | {none} |")
        if windows:
            text += (f" {sum(1 for r in faulty if r.status >= 500)} / "
                     f"{sum(1 for r in faulty if r.status == 0)} |")
        return text

    kinds = ["wall", "give", "give (resent)", "relay", "click"]
    for kind in kinds:
        rows = [s for s in samples if s.kind == kind]
        if rows:
            lines.append(row(f"`{kind}`", rows, seconds))
    lines.append(row("**all of the mix**", samples, seconds))
    lines.append(row("bare view (ceiling)", bare, bare_seconds))
    return "\n".join(lines)


def statuses(samples: list[Sample]) -> str:
    by: dict[str, dict[int, int]] = {}
    for s in samples:
        by.setdefault(s.kind, {}).setdefault(s.status, 0)
        by[s.kind][s.status] += 1
    return "; ".join(f"{k}: " + ", ".join(f"{st}×{n}" for st, n in sorted(v.items()))
                     for k, v in by.items())


async def run_load(load_: Load, services: Services, args, windows: list) -> float:
    started = time.monotonic()
    until = started + args.duration
    tasks = [load_.vu(n, args.users, until) for n in range(args.users)]
    if args.faults:
        tasks.append(faults(services, args.duration, started, windows))
    await asyncio.gather(*tasks)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users")
    parser.add_argument("--duration", type=float, default=60, help="seconds of mixed load")
    parser.add_argument("--bare-duration", type=float, default=20,
                        help="seconds of the bare view alone")
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--rq-workers", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=5,
                        help="seconds of the mix before measuring (its writes are checked too)")
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--keep-logs", action="store_true",
                        help="keep the temporary directory with the services' logs")
    parser.add_argument("--drain-timeout", type=float, default=300)
    args = parser.parse_args()
    if args.faults and args.db != "postgres":
        parser.error("--faults restarts PostgreSQL: use it with --db postgres")
    if args.people < args.users * 2:
        parser.error("--people must be at least twice --users")

    workdir = Path(tempfile.mkdtemp(prefix="kudos-load-"))
    url, name = make_database(args.db, workdir)
    log(f"{args.db}: seeding {args.people} people, {NEWS} news items; load {load()}")
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    services = Services(args, url, workdir)
    windows: list = []
    loads = [os.getloadavg()[0]]
    try:
        tokens, news_ids = seed(app, args.people)
        services.start()
        log(f"gunicorn on :{services.web_port} ({args.web_workers} workers), Redis on "
            f":{services.redis_port}, {args.rq_workers} RQ workers, scheduler; "
            f"{args.users} VUs for {args.duration:.0f} s")
        client = Client(services.web_port)
        load_ = Load(client, tokens, news_ids, retry_gives=True)
        if args.warmup:  # every gunicorn worker imports, connects and compiles its queries
            asyncio.run(load_.warm(args.users, args.warmup))
            log(f"warm-up done ({len(load_.ledger.samples)} requests, not in the figures)")
            load_.ledger.samples.clear()
        load_.t0 = time.monotonic()
        seconds = asyncio.run(run_load(load_, services, args, windows))
        loads.append(os.getloadavg()[0])
        log(f"mixed load done: {len(load_.ledger.samples):,} requests in {seconds:.0f} s; "
            f"load {load()}")
        bare = Load(client, tokens, news_ids, retry_gives=False)

        async def bare_run() -> float:
            began = time.monotonic()
            until = began + args.bare_duration
            await asyncio.gather(*(bare.bare(until) for _ in range(args.users)))
            return time.monotonic() - began

        bare_seconds = asyncio.run(bare_run())
        loads.append(os.getloadavg()[0])
        log(f"bare view done: {len(bare.ledger.samples):,} requests; load {load()}; draining")
        drained = drain(app, services.redis_url, args.drain_timeout)
        log(f"drained in {drained['seconds']:.0f} s: {drained}")
        counts = count(app, load_.ledger, services.redis_url, windows)
        alive = {"web": services.web.poll() is None,
                 "workers": sum(1 for w in services.workers if w.poll() is None)}
    finally:
        services.stop()
        with app.app_context():
            db.engine.dispose()
        if name:
            drop_database(name)
        if not args.keep_logs:
            shutil.rmtree(workdir, ignore_errors=True)
    loads.append(os.getloadavg()[0])

    ledger = load_.ledger
    print(f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, db={args.db}, {args.users} VUs, "
          f"{args.duration:.0f} s mixed + {args.bare_duration:.0f} s bare, "
          f"gunicorn --workers {args.web_workers}, {args.rq_workers} RQ workers"
          f"{', faults' if args.faults else ''}; {os.cpu_count()} cores, "
          f"{platform.python_implementation()} {platform.python_version()}; load average "
          f"(1 min) {loads[0]:.1f} before, {loads[1]:.1f} after the mix, {loads[2]:.1f} "
          f"after the bare view, {loads[3]:.1f} at the end\n")
    print(table(ledger.samples, seconds, windows, bare.ledger.samples, bare_seconds))
    print()
    if windows:
        print("Fault windows (s from the start): " + "; ".join(
            f"{n} {b - load_.t0:.0f}–{e - load_.t0:.0f}" for n, b, e in windows))
    print(f"Answers by status: {statuses(ledger.samples)}")
    print(f"\nDrain after the load: {drained['seconds']:.0f} s; left {drained}; processes "
          f"alive at the end: {alive}\n")
    c = counts
    print("| check | client | database | verdict |")
    print("|---|---|---|---|")
    ok = c["lost"] == 0 and c["twice"] == 0 and c["wrong_id"] == 0
    print(f"| kudos: keys the client saw accepted → rows | {c['accepted']:,} | "
          f"{c['kudos_rows']:,} ({c['unseen']} never answered) | "
          f"{'ok' if ok else 'FAIL'}: {c['lost']} lost, {c['twice']} twice |")
    late = c["kudos_rows"] - c["created_201"]
    print(f"| kudos: 201 answers, at most one per key | {c['created_201']:,} | "
          f"{c['kudos_rows']:,} | "
          f"{'ok' if late >= 0 and not c['created_twice'] else 'FAIL'}"
          f" ({c['created_twice']} keys created twice; {late} whose 201 was lost and the "
          "resend answered 200) |")
    print(f"| resends of a key → the same kudos | {ledger.resends:,} | – | "
          f"{'ok' if ledger.resend_mismatch == 0 else 'FAIL'} ({ledger.resend_mismatch} "
          "answered another id) |")
    print(f"| gives abandoned without an answer | {c['unresolved']} | – | "
          f"{'ok' if c['unresolved'] == 0 else 'see text'} |")
    print(f"| notifications: one per recipient | {c['recipients']:,} recipients | "
          f"{c['notified']:,} | {'ok' if c['missing'] == 0 and c['doubled'] == 0 else 'FAIL'}:"
          f" {c['missing']} missing, {c['doubled']} twice |")
    relays_ok = c["relays_201"] <= c["relays"] <= c["relays_201"] + c["relays_unknown"]
    print(f"| relays: 201 answers → rows | {c['relays_201']:,} (+{c['relays_unknown']} "
          f"unanswered) | {c['relays']:,} | {'ok' if relays_ok else 'FAIL'} |")
    # Clicks in the seconds around Redis coming back may or may not have been counted.
    clicks_ok = (c["clicks_expected"] <= c["clicks_counted"]
                 <= c["clicks_expected"] + c["clicks_redis_down"])
    down = (f" (+{c['clicks_redis_down']} only while Redis was down: not counted by design)"
            if c["clicks_redis_down"] else "")
    print(f"| clicks: distinct visitors per link → counted | {c['clicks_expected']:,}{down} | "
          f"{c['clicks_counted']:,} | "
          f"{'ok' if clicks_ok else 'differs'} |")
    print(f"| cooldowns (429, expected answers) | {ledger.cooldowns} | – | – |")
    median = statistics.median([s.ms for s in bare.ledger.samples if s.status] or [0])
    log(f"bare median {median:.1f} ms" + (f"; logs in {workdir}" if args.keep_logs else ""))


if __name__ == "__main__":
    main()

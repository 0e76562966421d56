"""Workers and the outbox: how fast the dispatcher hands events to RQ compared with plain
`Queue.enqueue` calls on the same Redis, and whether draining a large backlog blocks the
requests that keep writing meanwhile.

    .venv/bin/python bench/outbox.py [--db postgres|sqlite] [--events 20000] [--backlog 100000]

1. Side by side on one Redis: `--events` plain `Queue.enqueue` calls (one per job, as
   `kudos.jobs.enqueue` makes them), then the same number of outbox rows moved to RQ by
   `outbox.dispatch_job()` (batches of 500: claim, one pipelined `enqueue_many`, mark sent).
2. PostgreSQL only: a backlog of `--backlog` rows drained by `dispatch_job()` in one thread
   while another keeps writing, and times itself: an outbox row written and committed (what a
   request does) and a kudos given through the operation (which also flushes). Its latency
   during the drain is compared with the same work while no dispatcher runs.

Redis is a throwaway `redis-server` on a free port (or `--redis-url`, a scratch database that
is flushed); the database is a fresh one, dropped at the end. Prints Markdown tables for
docs/performance.md.
"""

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from common import POSTGRES, percentile, start_redis  # bench/common.py, beside this script
from flask_migrate import upgrade
from redis import Redis
from rq import Queue, Retry

from kudos import create_app, outbox
from kudos.auth.models import User
from kudos.extensions import db
from kudos.jobs import close_redis, run
from kudos.outbox import OutboxEvent
from kudos.recognition import operations as recognition
from kudos.sqltypes import utcnow

JOB = "kudos.recognition.jobs:notify_recipients"
def add_backlog(count: int) -> None:
    """Pending outbox rows, written in bulk (not timed)."""
    now = utcnow()
    for start in range(0, count, 10_000):
        db.session.execute(sa.insert(OutboxEvent), [
            {"job": JOB, "args": [i], "status": "pending", "attempts": 0, "created_at": now}
            for i in range(start, min(count, start + 10_000))
        ])
        db.session.commit()


def side_by_side(app, connection: Redis, events: int) -> tuple[float, float]:
    """Events per second: plain enqueue calls, then the dispatcher."""
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    connection.flushdb()
    retry = Retry(max=3, interval=[10, 60, 300])
    started = time.perf_counter()
    for i in range(events):
        queue.enqueue(run, JOB, (i,), {}, job_timeout=app.config["JOB_TIMEOUT"], retry=retry)
    plain = events / (time.perf_counter() - started)
    assert queue.count == events
    connection.flushdb()

    with app.app_context():
        add_backlog(events)
        started = time.perf_counter()
        moved = outbox.dispatch_job()
        dispatched = events / (time.perf_counter() - started)
        assert moved == events and queue.count == events, (moved, queue.count)
        db.session.execute(sa.delete(OutboxEvent))
        db.session.commit()
    connection.flushdb()
    return plain, dispatched


class Writer:
    """Times what requests do while the backlog drains: write one outbox row and commit;
    give one kudos through the operation (which also flushes the outbox)."""

    def __init__(self, app, giver_id: int, recipient_id: int):
        self.app = app
        self.giver_id, self.recipient_id = giver_id, recipient_id
        self.gifts = 0

    def publish(self) -> float:
        with self.app.app_context():
            started = time.perf_counter()
            outbox.publish(run, "bench")
            db.session.commit()
            return (time.perf_counter() - started) * 1000

    def give(self) -> float:
        # Each gift a month after the previous one, so that no cooldown refuses it.
        self.gifts += 1
        moment = utcnow() + timedelta(days=30 * self.gifts)
        with self.app.app_context():
            giver = db.session.get(User, self.giver_id)
            draft = recognition.Draft(recipient_ids=[self.recipient_id], message="Merci !",
                                      idempotency_key=uuid.uuid4().hex)
            started = time.perf_counter()
            recognition.give(giver, draft, now=moment)
            return (time.perf_counter() - started) * 1000


def drain_only(database_url: str, redis_url: str) -> None:
    """The child process of the drain: dispatch the whole backlog, print what it took."""
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url,
                      "REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        started = time.perf_counter()
        drained = outbox.dispatch_job()
        seconds = time.perf_counter() - started
        db.engine.dispose()
    print(json.dumps({"drained": drained, "seconds": seconds}))


def drain_while_writing(app, connection: Redis, backlog: int, samples: int) -> dict:
    with app.app_context():
        giver = User(email="giver@example.com", name="Giver")
        recipient = User(email="recipient@example.com", name="Recipient")
        db.session.add_all([giver, recipient])
        db.session.commit()
        writer = Writer(app, giver.id, recipient.id)
    connection.flushdb()
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    redis_url = app.config["REDIS_URL"]

    idle_publish = [writer.publish() for _ in range(samples)]
    idle_give = [writer.give() for _ in range(samples)]
    with app.app_context():
        db.session.execute(sa.delete(OutboxEvent))
        db.session.commit()
        add_backlog(backlog)
    connection.flushdb()

    # The dispatcher runs in its own process, as in production (a worker), so that what the
    # writer measures is the database, not this interpreter's lock shared with the drain.
    drainer = subprocess.Popen(
        [sys.executable, __file__, "--drain", "--database-url", database_url,
         "--redis-url", redis_url], stdout=subprocess.PIPE, text=True)
    during_publish: list[float] = []
    during_give: list[float] = []
    while drainer.poll() is None:
        during_publish.append(writer.publish())
        during_give.append(writer.give())
    result: dict = json.loads(drainer.stdout.read())
    with app.app_context():
        result["left"] = outbox.backlog()["pending"]
    result.update(idle_publish=idle_publish, idle_give=idle_give,
                  during_publish=during_publish, during_give=during_give)
    return result


def ms(values: list[float]) -> str:
    return (f"{statistics.median(values):.1f} | {percentile(values, .95):.1f} | "
            f"{max(values):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200, help="idle writes of each kind")
    parser.add_argument("--redis-url", help="a scratch Redis database (it is flushed)")
    parser.add_argument("--drain", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drain:
        drain_only(args.database_url, args.redis_url)
        return

    server = None
    redis_url = args.redis_url
    if not redis_url:
        server, redis_url = start_redis()
    connection = Redis.from_url(redis_url)
    name, admin = None, None
    if args.db == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    else:
        name = f"kudos_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES.rsplit("/", 1)[0] + "/" + name
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": "memory://"})
    try:
        with app.app_context():
            upgrade(directory="migrations")
        plain, dispatched = side_by_side(app, connection, args.events)
        drained = None
        if args.db == "postgres" and args.backlog:
            drained = drain_while_writing(app, connection, args.backlog, args.samples)
    finally:
        connection.flushdb()
        connection.close()
        with app.app_context():
            db.engine.dispose()
            close_redis(app)
        if name:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)

    print(f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
          f"{platform.python_implementation()} {platform.python_version()}, db={args.db}\n")
    print("| events to RQ, same Redis | events | events/s |")
    print("|---|---|---|")
    print(f"| plain `Queue.enqueue`, one call per job | {args.events} | {plain:,.0f} |")
    print(f"| outbox `dispatch_job()`, batches of {outbox.BATCH} | {args.events} | "
          f"{dispatched:,.0f} |")
    print(f"| dispatcher / plain enqueue | | **{dispatched / plain:.2f}×** (target ≥ 0.5×) |")
    if drained:
        rate = drained["drained"] / drained["seconds"]
        print(f"\nBacklog of {args.backlog:,} rows: {drained['drained']:,} events dispatched "
              f"in {drained['seconds']:.1f} s ({rate:,.0f}/s), {drained['left']} left, while "
              f"the writer did {len(drained['during_publish'])} rounds.\n")
        print("| writer, while… | p50 ms | p95 ms | max ms |")
        print("|---|---|---|---|")
        print(f"| write an outbox row + commit, idle | {ms(drained['idle_publish'])} |")
        print(f"| write an outbox row + commit, during the drain | "
              f"{ms(drained['during_publish'])} |")
        print(f"| give a kudos (operation + flush), idle | {ms(drained['idle_give'])} |")
        print(f"| give a kudos (operation + flush), during the drain | "
              f"{ms(drained['during_give'])} |")


if __name__ == "__main__":
    main()

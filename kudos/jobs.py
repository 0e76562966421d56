"""Background work: inline without Redis, through RQ with it.

Jobs are plain functions that take ids and plain values, never ORM objects. `enqueue()` is
called after the transaction that made the job's data has committed.
"""

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Retry
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.utils import import_string

from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow


def redis_connection(app: Flask | None = None) -> Redis | None:
    """The app's Redis client (kept in app.extensions), or None when REDIS_URL is unset."""
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("kudos_redis")
    if client is None:
        # Short timeouts: when Redis is down, a request waits a moment, not a minute.
        client = app.extensions["kudos_redis"] = Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=5
        )
    return client


def close_redis(app: Flask | None = None) -> None:
    """Close the app's Redis client, if it has one; the next use opens a new one (from
    REDIS_URL as it is then)."""
    client = (app or current_app).extensions.pop("kudos_redis", None)
    if client is not None:
        client.close()


def queue(app: Flask | None = None) -> Queue | None:
    app = app or current_app
    connection = redis_connection(app)
    if connection is None:
        return None
    return Queue(app.config["RQ_QUEUE"], connection=connection)


def job_path(func: Callable[..., Any]) -> str:
    """The importable name of a job function, as RQ and the outbox store it."""
    return f"{func.__module__}:{func.__qualname__}"


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any):
    """Run `func(*args, **kwargs)` in the background, or now when there is no Redis.

    Returns the RQ job, or the function's result when run inline.
    """
    q = queue()
    if q is None:
        return func(*args, **kwargs)
    return q.enqueue(
        run,
        job_path(func),
        args,
        kwargs,
        job_timeout=current_app.config["JOB_TIMEOUT"],
        retry=Retry(max=3, interval=[10, 60, 300]),
    )


_worker_app: Flask | None = None


def bind_worker_app(app: Flask) -> None:
    """Called once by a worker process: the app whose context every job runs in."""
    global _worker_app
    _worker_app = app


def run(path: str, args: tuple, kwargs: dict) -> Any:
    """What RQ executes: import the job function and call it inside an app context.

    A forked work-horse must not reuse the parent's database connections, so the engine's
    pool is dropped (without closing the parent's sockets) when the process id changed.
    """
    func = import_string(path)
    app = _worker_app or current_app._get_current_object()
    with app.app_context():
        if app.extensions.get("kudos_pid") != os.getpid():
            db.engine.dispose(close=False)
            app.extensions["kudos_pid"] = os.getpid()
        return func(*args, **kwargs)


def run_periodic(name: str, path: str) -> Any:
    """A periodic job: run it like any job and record its last run (for the admin page)."""
    app = _worker_app or current_app._get_current_object()
    with app.app_context():
        started = utcnow()
        try:
            result = run(path, (), {})
        except Exception as error:
            _record_run(name, started, f"failed: {error}"[:300])
            raise  # RQ records the failure and retries
        _record_run(name, started, "ok")
        return result


def _record_run(name: str, started, status: str) -> None:
    db.session.rollback()
    row = db.session.get(PeriodicRun, name) or PeriodicRun(name=name)
    row.started_at, row.finished_at, row.status = started, utcnow(), status
    db.session.merge(row)
    db.session.commit()


class PeriodicRun(db.Model):
    """The last run of each periodic job."""

    __tablename__ = "periodic_runs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(300), default="")

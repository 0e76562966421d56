"""Background work: inline without Redis, through RQ with it.

Jobs are plain functions that take ids and plain values, never ORM objects. `enqueue()` is
called after the transaction that made the job's data has committed.
"""

import os
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Retry
from werkzeug.utils import import_string

from kudos.extensions import db


def redis_connection(app: Flask | None = None) -> Redis | None:
    """The app's Redis client (kept in app.extensions), or None when REDIS_URL is unset."""
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("kudos_redis")
    if client is None:
        client = app.extensions["kudos_redis"] = Redis.from_url(url)
    return client


def queue(app: Flask | None = None) -> Queue | None:
    app = app or current_app
    connection = redis_connection(app)
    if connection is None:
        return None
    return Queue(app.config["RQ_QUEUE"], connection=connection)


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any):
    """Run `func(*args, **kwargs)` in the background, or now when there is no Redis.

    Returns the RQ job, or the function's result when run inline.
    """
    q = queue()
    if q is None:
        return func(*args, **kwargs)
    return q.enqueue(
        run,
        f"{func.__module__}:{func.__qualname__}",
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

"""The RQ worker: `python -m workers.worker` (or `make worker`, or the Procfile's `worker`).

It needs REDIS_URL; without it jobs run inline in the web process and no worker is needed.
RQ stops warmly on SIGTERM: the current job finishes, then the process exits. A work-horse
killed in the middle of a job is retried (jobs are idempotent). When Redis goes away, the
worker waits for it and starts again instead of exiting; a job abandoned by a worker that
died is found by the others' registry maintenance (every minute) and retried.
"""

import signal
import sys
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Worker

from kudos import create_app
from kudos.jobs import bind_worker_app

# RQ's default is 10 minutes: a job abandoned by a worker killed with its work-horse waited
# that long (after its 90 s heartbeat expired) before anyone retried it.
MAINTENANCE_INTERVAL = 60
RECONNECT_DELAYS = (1, 2, 5, 10)  # seconds, then every 10 s while Redis stays away


def wait_for_redis(attempt: int, error: Exception) -> None:
    """Sleep before starting again; nothing runs meanwhile, so SIGTERM may end it at once
    (RQ's own handlers, left installed, would raise in the middle of the sleep)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
    print(f"Redis unavailable ({error}); trying again in {delay} s.", file=sys.stderr,
          flush=True)
    time.sleep(delay)


def main(argv: list[str] | None = None) -> int:
    app = create_app()
    url = app.config.get("REDIS_URL")
    if not url:
        print("REDIS_URL is not set: jobs run inline in the web process, no worker needed.",
              file=sys.stderr)
        return 2
    bind_worker_app(app)
    burst = "--burst" in (argv or sys.argv[1:])
    # Its own connection: the web's has short socket timeouts, the worker blocks on BLPOP.
    connection = Redis.from_url(url)
    # Before, a Redis restart ended every worker (a traceback, exit 1): the queue stood still
    # until something restarted them.
    attempt = 0
    while True:
        with app.app_context():
            try:  # making the Worker talks to Redis already
                worker = Worker([app.config["RQ_QUEUE"]], connection=connection,
                                maintenance_interval=MAINTENANCE_INTERVAL)
                worker.work(with_scheduler=True, burst=burst)
                return 0
            except (RedisConnectionError, RedisTimeoutError) as error:
                if burst:
                    raise
                wait_for_redis(attempt, error)
                attempt += 1


if __name__ == "__main__":
    sys.exit(main())

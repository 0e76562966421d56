"""The scheduler: `python -m workers.scheduler` (one process for the whole installation).

It only enqueues the periodic jobs of `kudos.schedule` on time; workers run them. It stops
on SIGTERM. When Redis goes away it waits for it and starts again, instead of exiting.
"""

import sys

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq.cron import CronScheduler

from kudos import create_app
from kudos.jobs import run_periodic
from kudos.schedule import periodic
from workers.worker import wait_for_redis


def build(app, connection: Redis) -> CronScheduler:
    scheduler = CronScheduler(connection=connection, name="kudos")
    for name, path, timing in periodic():
        scheduler.register(run_periodic, app.config["RQ_QUEUE"], args=(name, path),
                           job_timeout=app.config["JOB_TIMEOUT"], name=name, **timing)
    return scheduler


def main() -> int:
    app = create_app()
    url = app.config.get("REDIS_URL")
    if not url:
        print("REDIS_URL is not set: nothing to schedule (jobs run inline).", file=sys.stderr)
        return 2
    connection = Redis.from_url(url)
    attempt = 0
    while True:
        try:
            build(app, connection).start()
            return 0
        except (RedisConnectionError, RedisTimeoutError) as error:
            wait_for_redis(attempt, error)
            attempt += 1


if __name__ == "__main__":
    sys.exit(main())

"""The scheduler: `python -m workers.scheduler` (one process for the whole installation).

It only enqueues the periodic jobs of `workers.schedule` on time; workers run them. It stops
on SIGTERM.
"""

import sys

from redis import Redis
from rq.cron import CronScheduler

from kudos import create_app
from kudos.jobs import run_periodic
from workers.schedule import PERIODIC


def build(app, connection: Redis) -> CronScheduler:
    scheduler = CronScheduler(connection=connection, name="kudos")
    for name, path, timing in PERIODIC:
        scheduler.register(run_periodic, app.config["RQ_QUEUE"], args=(name, path),
                           job_timeout=app.config["JOB_TIMEOUT"], name=name, **timing)
    return scheduler


def main() -> int:
    app = create_app()
    url = app.config.get("REDIS_URL")
    if not url:
        print("REDIS_URL is not set: nothing to schedule (jobs run inline).", file=sys.stderr)
        return 2
    build(app, Redis.from_url(url)).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())

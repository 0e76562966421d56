"""The RQ worker: `python -m workers.worker` (or `make worker`, or the Procfile's `worker`).

It needs REDIS_URL; without it jobs run inline in the web process and no worker is needed.
RQ stops warmly on SIGTERM: the current job finishes, then the process exits. A work-horse
killed in the middle of a job is retried (jobs are idempotent).
"""

import sys

from redis import Redis
from rq import Worker

from kudos import create_app
from kudos.jobs import bind_worker_app


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
    with app.app_context():
        worker = Worker([app.config["RQ_QUEUE"]], connection=connection)
        worker.work(with_scheduler=True, burst=burst)
    return 0


if __name__ == "__main__":
    sys.exit(main())

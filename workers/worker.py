"""The RQ worker: `python -m workers.worker` (or `make worker`, or the Procfile's `worker`).

It needs REDIS_URL; without it jobs run inline in the web process and no worker is needed.
RQ stops warmly on SIGTERM: the current job finishes, then the process exits.
"""

import sys

from rq import Worker

from kudos import create_app
from kudos.jobs import bind_worker_app, redis_connection


def main() -> int:
    app = create_app()
    connection = redis_connection(app)
    if connection is None:
        print("REDIS_URL is not set: jobs run inline in the web process, no worker needed.",
              file=sys.stderr)
        return 2
    bind_worker_app(app)
    with app.app_context():
        worker = Worker([app.config["RQ_QUEUE"]], connection=connection)
        worker.work(with_scheduler=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every periodic job, in one place, named by the functions themselves: a renamed or moved
job fails here, at import, instead of at 02:15 in a worker. Read by `workers.scheduler`
(RQ's cron scheduler) and by `flask run-periodic`.

Each entry runs `kudos.jobs.run_periodic(name, path)` with the function's import path,
which records the last run for the admin page. Intervals are in seconds; cron strings are
in UTC.
"""

from collections.abc import Callable

from kudos import outbox
from kudos.insights import gate, operations
from kudos.news import jobs as news_jobs
from kudos.notifications import jobs as notification_jobs
from kudos.welcome import jobs as welcome_jobs

PERIODIC: list[tuple[str, Callable, dict]] = [
    # name, job, {"interval": seconds} or {"cron": "m h dom mon dow"}
    ("outbox-dispatch", outbox.dispatch_job, {"interval": 5}),
    ("outbox-prune", outbox.prune, {"cron": "45 3 * * *"}),
    ("notification-digests", notification_jobs.send_due_digests, {"cron": "*/15 * * * *"}),
    ("adaptive-delivery", notification_jobs.adapt_delivery, {"cron": "30 3 * * *"}),
    ("watch-sources", news_jobs.fetch_sources, {"cron": "7 * * * *"}),
    ("click-counts", news_jobs.flush_clicks, {"interval": 60}),
    ("fatigue-scan", operations.scan_all, {"cron": "15 2 * * *"}),
    ("deferred-nudges", gate.deliver_deferred, {"cron": "*/10 * * * *"}),
    ("first-week-pointers", welcome_jobs.first_week_pointers, {"cron": "20 * * * *"}),
]


def path_of(job: Callable) -> str:
    """`module:function`, as a queued job names what it runs."""
    return f"{job.__module__}:{job.__qualname__}"


def periodic() -> list[tuple[str, str, dict]]:
    """(name, import path, timing) of every periodic job, in schedule order."""
    return [(name, path_of(job), timing) for name, job, timing in PERIODIC]

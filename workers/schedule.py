"""Every periodic job, in one place. Loaded by `workers.scheduler` (RQ's cron scheduler).

Each entry runs `kudos.jobs.run_periodic(name, "module:function")`, which records the
last run for the admin page. Intervals are in seconds; cron strings are in UTC.
"""

PERIODIC = [
    # name, job, {"interval": seconds} or {"cron": "m h dom mon dow"}
    ("outbox-dispatch", "kudos.outbox:dispatch_job", {"interval": 5}),
    ("outbox-prune", "kudos.outbox:prune", {"cron": "45 3 * * *"}),
    ("notification-digests", "kudos.notifications.jobs:send_due_digests", {"cron": "*/15 * * * *"}),
    ("adaptive-delivery", "kudos.notifications.jobs:adapt_delivery", {"cron": "30 3 * * *"}),
    ("watch-sources", "kudos.news.jobs:fetch_sources", {"cron": "7 * * * *"}),
    ("click-counts", "kudos.news.jobs:flush_clicks", {"interval": 60}),
    ("fatigue-scan", "kudos.insights.operations:scan_all", {"cron": "15 2 * * *"}),
    ("deferred-nudges", "kudos.insights.gate:deliver_deferred", {"cron": "*/10 * * * *"}),
    ("first-week-pointers", "kudos.welcome.jobs:first_week_pointers", {"cron": "20 * * * *"}),
]

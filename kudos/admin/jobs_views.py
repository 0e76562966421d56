"""The admin page of background work: outbox backlog, queues, failed jobs, periodic runs."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from kudos import outbox
from kudos.admin.views import bp
from kudos.extensions import db
from kudos.jobs import PeriodicRun, redis_connection
from kudos.mail import mail_enabled
from kudos.permissions import access


def _queue_state(connection, name: str) -> dict:
    queue = Queue(name, connection=connection)
    failed = FailedJobRegistry(queue=queue)
    jobs = [job for job in Job.fetch_many(failed.get_job_ids(0, 49), connection=connection)
            if job is not None]
    return {
        "name": name,
        "waiting": queue.count,
        "running": StartedJobRegistry(queue=queue).count,
        "scheduled": ScheduledJobRegistry(queue=queue).count,
        "failed_count": failed.count,
        "failed": [{"id": job.id, "what": job.description or job.func_name,
                    "ended_at": job.ended_at,
                    "error": (job.exc_info or "").strip().splitlines()[-1:] or [""]}
                   for job in jobs],
    }


@bp.get("/jobs")
@access("admin")
def jobs():
    connection = redis_connection()
    state, error = None, None
    if connection is not None:
        try:
            state = _queue_state(connection, current_app.config["RQ_QUEUE"])
        except RedisError as exc:
            error = str(exc)
    runs = db.session.scalars(db.select(PeriodicRun).order_by(PeriodicRun.name)).all()
    return render_template("admin/jobs.html", backlog=outbox.backlog(), state=state,
                           redis_error=error, inline=connection is None, runs=runs,
                           mail=mail_enabled())


@bp.post("/jobs/<job_id>/retry")
@access("admin")
def retry_job(job_id: str):
    connection = redis_connection()
    if connection is None:
        flash(_("Jobs run inline here: there is nothing to retry."), "info")
        return redirect(url_for("admin.jobs"), code=303)
    registry = FailedJobRegistry(queue=Queue(current_app.config["RQ_QUEUE"],
                                             connection=connection))
    try:
        registry.requeue(job_id)
    except (InvalidJobOperation, NoSuchJobError, RedisError):
        flash(_("That job could not be retried: it may have been retried already."), "error")
    else:
        flash(_("The job is queued again."), "success")
    return redirect(url_for("admin.jobs"), code=303)

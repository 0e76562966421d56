"""The admin page of background work: inline or on Redis, the outbox backlog, failed jobs
with their error and a retry button, the last run of each periodic job."""

import html
import re

import pytest
from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry

from kudos import jobs, outbox
from kudos.extensions import db
from tests.conftest import login, use_redis
from tests.notifications import sample_jobs
from tests.notifications.conftest import free_port, work


def text(response) -> str:
    raw = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(raw).split())


@pytest.fixture
def on_redis(app, redis_url):
    use_redis(app, redis_url)
    connection = Redis.from_url(redis_url)
    yield Queue(app.config["RQ_QUEUE"], connection=connection)
    connection.close()
    use_redis(app, None)


def test_the_page_is_for_admins_only(client, member_client, make):
    assert member_client.get("/admin/jobs").status_code == 403
    assert member_client.post("/admin/jobs/some-job/retry").status_code == 403
    anonymous = client.application.test_client()
    response = anonymous.get("/admin/jobs")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_without_redis_it_says_work_runs_inline_and_shows_the_backlog(app, admin_client):
    with app.app_context():
        outbox.publish(sample_jobs.record, "a")
        outbox.publish(sample_jobs.record, "b")
        db.session.commit()  # not flushed: two events wait
    page = text(admin_client.get("/admin/jobs"))
    assert "2 events waiting in the outbox" in page
    assert "background work runs inline" in page
    assert "Email is off" in page
    assert "Failed jobs" not in page


def test_without_redis_retry_says_there_is_nothing_to_retry(admin_client):
    response = admin_client.post("/admin/jobs/anything/retry", follow_redirects=True)
    assert "there is nothing to retry" in text(response)


def test_email_on_is_said(app, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    assert "Email is on" in text(admin_client.get("/admin/jobs"))


def test_a_failed_job_is_listed_with_its_error_and_retry_requeues_it(
    app, admin_client, on_redis
):
    queue = on_redis
    failing = queue.enqueue(jobs.run, "tests.notifications.sample_jobs:boom",
                            ("the printer is on fire",), {}, retry=None,
                            description="print the monthly report")
    work(app, queue)
    registry = FailedJobRegistry(queue=queue)
    assert registry.get_job_ids() == [failing.id]

    page = text(admin_client.get("/admin/jobs"))
    assert "1 failed jobs" in page or "1 failed job" in page
    assert "print the monthly report" in page
    assert "RuntimeError: the printer is on fire" in page
    assert "Retry" in page
    assert f"/admin/jobs/{failing.id}/retry" in admin_client.get("/admin/jobs").get_data(
        as_text=True)

    response = admin_client.post(f"/admin/jobs/{failing.id}/retry", follow_redirects=True)
    assert "The job is queued again." in text(response)
    assert queue.job_ids == [failing.id]
    assert registry.get_job_ids() == []
    page = text(admin_client.get("/admin/jobs"))
    assert "1 jobs waiting in the queue" in page or "1 job waiting" in page
    assert "print the monthly report" not in page

    # Retrying it again (a double click) says so instead of failing.
    again = admin_client.post(f"/admin/jobs/{failing.id}/retry", follow_redirects=True)
    assert "could not be retried" in text(again)


def test_periodic_runs_appear_with_their_last_run(app, admin_client, on_redis):
    with app.app_context():
        assert jobs.run_periodic("outbox-dispatch", "kudos.outbox:dispatch_job") == 0
        with pytest.raises(RuntimeError):
            jobs.run_periodic("notification-digests", "tests.notifications.sample_jobs:boom")
    page = text(admin_client.get("/admin/jobs"))
    assert re.search(r"outbox-dispatch \d{4}-\d\d-\d\d \d\d:\d\d:\d\d ok", page), page
    assert re.search(r"notification-digests \d{4}-\d\d-\d\d \d\d:\d\d:\d\d failed: the printer "
                     r"is on fire", page), page

    with app.app_context():  # a later run replaces the last one
        jobs.run_periodic("notification-digests", "kudos.notifications.jobs:send_due_digests")
    page = text(admin_client.get("/admin/jobs"))
    assert re.search(r"notification-digests \S+ \S+ ok", page)
    assert page.count("notification-digests") == 1


def test_no_periodic_run_yet_says_where_they_come_from(admin_client):
    """Without Redis, from cron (there is no scheduler to run)."""
    page = text(admin_client.get("/admin/jobs"))
    assert "flask run-periodic" in page and "workers.scheduler" not in page


def test_no_periodic_run_yet_says_where_they_come_from_with_redis(on_redis, admin_client):
    assert "python -m workers.scheduler" in text(admin_client.get("/admin/jobs"))


def test_redis_unreachable_is_said_and_nothing_is_lost(app, client, admin):
    use_redis(app, f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    try:
        assert login(client, admin).status_code == 303
        page = text(client.get("/admin/jobs"))
        assert "Redis cannot be reached right now" in page
        assert "Nothing is lost" in page
    finally:
        use_redis(app, None)

"""The transactional outbox on real Redis and a real RQ worker: a kudos saved is a
notification delivered once, whatever happens to Redis."""

import threading
import time
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select, update

from kudos import outbox
from kudos.auth.models import User
from kudos.extensions import db
from kudos.notifications.models import Notification
from kudos.outbox import OutboxEvent
from kudos.recognition import operations as recognition
from kudos.sqltypes import utcnow
from tests.conftest import use_redis
from tests.notifications import sample_jobs
from tests.notifications.conftest import work


@pytest.fixture
def hugo(make):
    return make.user("Hugo Martin", email="hugo@example.com")


@pytest.fixture
def lea(make):
    return make.user("Léa Moreau", email="lea@example.com")


def thank(app, giver, recipient, message: str = "Thanks for the help!") -> int:
    with app.app_context():
        draft = recognition.Draft(recipient_ids=[recipient.id], message=message)
        kudos, _created = recognition.give(db.session.get(User, giver.id), draft)
        return kudos.id


def events(app) -> list[tuple[str, str, int]]:
    """(job, status, attempts) of every outbox row, oldest first."""
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(OutboxEvent.job, OutboxEvent.status, OutboxEvent.attempts)
            .order_by(OutboxEvent.id))]


def thanked(app) -> list[tuple[int, int]]:
    """(recipient, kudos) of every 'thanked' notification."""
    with app.app_context():
        return sorted(tuple(row) for row in db.session.execute(
            select(Notification.user_id, Notification.kudos_id)
            .where(Notification.kind == "thanked")))


NOTIFY = "kudos.recognition.jobs:notify_recipients"


# --- with Redis --------------------------------------------------------------------------------


def test_giving_writes_an_outbox_row_that_the_dispatcher_moves_to_rq(
    rq_app, rq_queue, member, hugo
):
    kudos_id = thank(rq_app, member, hugo)
    # The request wrote its event and nothing more: no Redis round trip in the request.
    assert events(rq_app) == [(NOTIFY, "pending", 0)]
    assert rq_queue.count == 0
    with rq_app.app_context():
        assert outbox.dispatch_job() == 1
    assert events(rq_app) == [(NOTIFY, "sent", 0)]
    assert rq_queue.job_ids == [_only_job_id(rq_app)]
    assert thanked(rq_app) == []  # not run yet: a worker will

    work(rq_app, rq_queue)
    assert thanked(rq_app) == [(hugo.id, kudos_id)]
    assert events(rq_app) == [(NOTIFY, "done", 0)]  # the job ran: nothing to send again
    assert rq_queue.count == 0
    assert Job.fetch(_only_job_id(rq_app), connection=rq_queue.connection).is_finished
    with rq_app.app_context():
        assert outbox.dispatch_job() == 0  # and it is not sent twice
    assert rq_queue.count == 0


def _only_job_id(app, job: str = NOTIFY) -> str:
    with app.app_context():
        return f"outbox-{db.session.scalar(select(OutboxEvent.id).where(OutboxEvent.job == job))}"


def test_the_same_job_run_twice_gives_one_notification(rq_app, rq_queue, member, hugo):
    kudos_id = thank(rq_app, member, hugo)
    with rq_app.app_context():
        outbox.dispatch_job()
    work(rq_app, rq_queue)
    job = Job.fetch(_only_job_id(rq_app), connection=rq_queue.connection)
    rq_queue.enqueue_job(job)  # the very same job, again
    assert rq_queue.count == 1
    work(rq_app, rq_queue)
    assert Job.fetch(job.id, connection=rq_queue.connection).is_finished
    assert thanked(rq_app) == [(hugo.id, kudos_id)]


def test_a_dispatcher_dying_before_marking_rows_sent_still_delivers_once(
    rq_app, rq_queue, member, hugo
):
    """Enqueued, then the dispatcher died before its UPDATE: the row goes again, the job
    runs twice, the notification exists once."""
    kudos_id = thank(rq_app, member, hugo)
    with rq_app.app_context():
        db.session.execute(update(OutboxEvent).values(status="pending", sent_at=None))
        db.session.commit()
        assert outbox.dispatch_job() == 1
    work(rq_app, rq_queue)
    assert thanked(rq_app) == [(hugo.id, kudos_id)]


def test_the_dispatcher_keeps_the_order_of_events(rq_app, rq_queue):
    with rq_app.app_context():
        for value in "abcde":
            outbox.publish(sample_jobs.record, value)
        db.session.commit()
        assert outbox.dispatch_job() == 5
    sample_jobs.ran.clear()
    work(rq_app, rq_queue)
    assert sample_jobs.ran == list("abcde")


# --- Redis down --------------------------------------------------------------------------------


def test_redis_down_requests_succeed_events_wait_and_go_once_when_it_is_back(
    app, member_client, member, make, redis_server
):
    """As a new user would: stop Redis, give three kudos, start Redis, and the three
    notifications arrive, once each."""
    colleagues = [make.user(f"Colleague {i}") for i in range(3)]
    use_redis(app, redis_server.url)
    try:
        redis_server.stop()
        for colleague in colleagues:
            started = time.monotonic()
            response = member_client.post("/kudos", data={
                "recipient_ids": [str(colleague.id)], "message": "Thank you!",
                "visibility": "company", "kind": "kudos"})
            assert response.status_code == 303
            assert time.monotonic() - started < 3, "a request waited on a dead Redis"
        assert events(app) == [(NOTIFY, "pending", 0)] * 3  # requests never touch Redis
        assert thanked(app) == []

        redis_server.start()  # same port, empty
        queue = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_server.url))
        with app.app_context():
            assert outbox.dispatch_job() == 3
        assert queue.count == 3
        work(app, queue)
        assert sorted(user for user, _kudos in thanked(app)) == sorted(c.id for c in colleagues)

        with app.app_context():
            assert outbox.dispatch_job() == 0  # nothing more
        assert queue.count == 0
        work(app, queue)
        assert len(thanked(app)) == 3
        assert {status for _job, status, _attempts in events(app)} == {"done"}
        queue.connection.close()
    finally:
        use_redis(app, None)


def test_redis_stopped_mid_dispatch_loses_nothing_and_duplicates_nothing(
    app, member, make, redis_server
):
    """Redis goes away between two batches of the dispatcher: the first batch is sent, the
    rest waits; once Redis is back the rest goes, and every event runs once."""
    use_redis(app, redis_server.url)
    try:
        with app.app_context():
            for value in range(12):
                outbox.publish(sample_jobs.record, str(value))
            db.session.commit()
            assert outbox.dispatch(limit=5) == 5
            redis_server.stop()
            with pytest.raises(Exception, match="onnect"):
                outbox.dispatch(limit=5)
            assert outbox.backlog()["pending"] == 7
            assert db.session.scalar(select(func.count(OutboxEvent.id)).where(
                OutboxEvent.status == "claimed")) == 0  # released, not stuck
        redis_server.start()
        with app.app_context():
            assert outbox.dispatch_job() == 7
        queue = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_server.url))
        # The restarted Redis kept nothing (no persistence): the 5 sent before it stopped are
        # lost with it, which is what RQ's own durability is about, not the outbox's. What the
        # outbox promises: every row it had not handed over goes exactly once.
        assert queue.count == 7
        sample_jobs.ran.clear()
        work(app, queue)
        assert sample_jobs.ran == [str(v) for v in range(5, 12)]
        queue.connection.close()
    finally:
        use_redis(app, None)


# --- several dispatchers -----------------------------------------------------------------------


def test_two_dispatchers_at_once_send_every_row_exactly_once(rq_app, rq_queue):
    with rq_app.app_context():
        for i in range(200):
            outbox.publish(sample_jobs.record, str(i))
        db.session.commit()

    barrier = threading.Barrier(2)
    sent: list[list[int]] = [[], []]
    errors: list[BaseException] = []

    def dispatcher(slot: int) -> None:
        try:
            with rq_app.app_context():
                barrier.wait(timeout=10)
                while True:
                    count = outbox.dispatch(limit=7)
                    if count == 0:
                        break
                    sent[slot].append(count)
                db.session.remove()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=dispatcher, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(sent[0]) + sum(sent[1]) == 200
    assert sent[0] and sent[1], "one dispatcher did all the work: no concurrency was tested"
    assert rq_queue.count == 200
    with rq_app.app_context():
        ids = db.session.scalars(select(OutboxEvent.id)).all()
        statuses = db.session.scalars(select(OutboxEvent.status).distinct()).all()
    assert statuses == ["sent"]
    assert sorted(rq_queue.job_ids) == sorted(f"outbox-{i}" for i in ids)


# --- without Redis -----------------------------------------------------------------------------


def test_without_redis_events_run_inline_in_order(app):
    sample_jobs.ran.clear()
    with app.app_context():
        for value in "xyz":
            outbox.publish(sample_jobs.record, value)
        db.session.commit()
        assert outbox.flush() == 3
    assert sample_jobs.ran == ["x", "y", "z"]
    assert {status for _job, status, _attempts in events(app)} == {"done"}


def test_without_redis_a_kudos_notifies_at_once(app, member, hugo):
    kudos_id = thank(app, member, hugo)
    assert thanked(app) == [(hugo.id, kudos_id)]
    assert events(app) == [(NOTIFY, "done", 0)]


def test_a_failing_inline_event_waits_with_its_error_and_holds_nothing_back(
    app, member_client, member, hugo, lea
):
    with app.app_context():
        outbox.publish(sample_jobs.boom, "the printer is on fire")
        db.session.commit()
    response = member_client.post("/kudos", data={
        "recipient_ids": [str(hugo.id)], "message": "Thank you!", "visibility": "company",
        "kind": "kudos"})
    assert response.status_code == 303  # the request does not fail for it
    assert events(app) == [("tests.notifications.sample_jobs:boom", "pending", 1),
                           (NOTIFY, "done", 0)]
    with app.app_context():
        assert db.session.scalar(select(OutboxEvent.last_error).where(
            OutboxEvent.job.like("%boom"))) == "the printer is on fire"
    assert [user for user, _kudos in thanked(app)] == [hugo.id]  # not held back

    # The next flush tries it again (and again it waits), and the new kudos still goes.
    thank(app, member, lea)
    assert events(app)[0] == ("tests.notifications.sample_jobs:boom", "pending", 2)
    assert sorted(user for user, _kudos in thanked(app)) == sorted([hugo.id, lea.id])


# --- abandoned claims, and what a request takes on ----------------------------------------------


def test_rows_abandoned_by_a_dead_dispatcher_go_out_later_and_fresh_claims_are_left(
    rq_app, rq_queue
):
    with rq_app.app_context():
        abandoned = outbox.publish(sample_jobs.record, "abandoned")
        busy = outbox.publish(sample_jobs.record, "busy")
        db.session.flush()
        now = utcnow()
        abandoned.status, abandoned.claim = "claimed", "dead-dispatcher"
        abandoned.claimed_at = now - outbox.RECLAIM_AFTER - timedelta(seconds=1)
        busy.status, busy.claim, busy.claimed_at = "claimed", "live-dispatcher", now
        db.session.commit()
        abandoned_id, busy_id = abandoned.id, busy.id
        assert outbox.dispatch_job() == 1
    assert rq_queue.job_ids == [f"outbox-{abandoned_id}"]
    with rq_app.app_context():
        assert db.session.get(OutboxEvent, busy_id).status == "claimed"  # still its owner's


def test_a_kudos_given_during_a_backlog_goes_out_behind_it_once(rq_app, rq_queue, member,
                                                                   hugo):
    """During a backlog (Redis back after an outage), a new kudos' event waits its turn: the
    dispatcher sends the backlog and it in order, each once."""
    with rq_app.app_context():
        for i in range(30):
            outbox.publish(sample_jobs.record, str(i))
        db.session.commit()
    kudos_id = thank(rq_app, member, hugo)
    assert rq_queue.count == 0
    with rq_app.app_context():
        assert outbox.backlog()["pending"] == 31
        assert outbox.dispatch_job() == 31
        assert outbox.backlog()["pending"] == 0
    assert rq_queue.job_ids[-1] == _only_job_id(rq_app, NOTIFY)
    assert rq_queue.count == 31
    sample_jobs.ran.clear()
    work(rq_app, rq_queue)
    assert sample_jobs.ran == [str(i) for i in range(30)]
    assert thanked(rq_app) == [(hugo.id, kudos_id)]


def test_a_rolled_back_event_is_never_handed_over(rq_app, rq_queue):
    """An event whose transaction (or savepoint) was rolled back does not exist: nothing of it
    reaches RQ, and a committed one of the same session still does."""
    with rq_app.app_context():
        outbox.publish(sample_jobs.record, "rolled back")
        db.session.flush()
        db.session.rollback()
        outbox.publish(sample_jobs.record, "kept")
        db.session.commit()
        savepoint = db.session.begin_nested()
        outbox.publish(sample_jobs.record, "in a rolled back savepoint")
        db.session.flush()
        savepoint.rollback()
        db.session.commit()
        assert outbox.flush() == 0  # with Redis, the request leaves it all to the dispatcher
        assert outbox.dispatch_job() == 1
    assert rq_queue.count == 1
    sample_jobs.ran.clear()
    work(rq_app, rq_queue)
    assert sample_jobs.ran == ["kept"]


def test_sent_rows_are_pruned_after_a_week_and_waiting_ones_never(app):
    """The nightly prune keeps the table a week's size: old sent rows go, in batches; a row
    still waiting stays, however old."""
    with app.app_context():
        for value in ("old sent", "recent sent", "old waiting"):
            outbox.publish(sample_jobs.record, value)
        db.session.commit()
        now = utcnow()
        rows = db.session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        rows[0].status = "done"
        rows[0].created_at = now - outbox.KEEP_SENT - timedelta(hours=1)
        rows[1].status = "sent"
        rows[1].created_at = now - outbox.KEEP_SENT + timedelta(hours=1)
        rows[2].created_at = now - timedelta(days=30)
        db.session.commit()
        db.session.info.clear()
        assert outbox.prune(now) == 1
        assert [row.args for row in db.session.scalars(
            select(OutboxEvent).order_by(OutboxEvent.id))] == [["recent sent"], ["old waiting"]]


def test_a_job_lost_with_redis_data_is_sent_again_and_runs_once(
    app, member, hugo, redis_server
):
    """Redis restarted without its data after the dispatcher handed a job over: after
    LOST_AFTER the dispatcher sees the job gone and sends it again; the notification
    arrives once. A job still in Redis, or one that ran, is left alone."""
    use_redis(app, redis_server.url)
    try:
        kudos_id = thank(app, member, hugo)
        with app.app_context():
            assert outbox.dispatch_job() == 1  # confirmed: "sent"
        redis_server.stop()
        redis_server.start()  # same port, empty: the job is gone
        queue = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_server.url))
        assert queue.count == 0
        with app.app_context():
            assert outbox.dispatch_job() == 0  # too early to call it lost
            db.session.execute(update(OutboxEvent).values(
                sent_at=utcnow() - outbox.LOST_AFTER - timedelta(seconds=1)))
            db.session.commit()
            assert outbox.dispatch_job() == 1
        assert events(app) == [(NOTIFY, "sent", 1)]
        work(app, queue)
        assert thanked(app) == [(hugo.id, kudos_id)]
        assert events(app) == [(NOTIFY, "done", 1)]
        with app.app_context():
            assert outbox.dispatch_job() == 0  # done: never again
        assert queue.count == 0
        queue.connection.close()
    finally:
        use_redis(app, None)


def test_without_redis_the_periodic_dispatch_tries_failed_events_again(app):
    """From cron (`flask run-periodic outbox-dispatch`): an event that failed inside its
    request runs again, inline."""
    sample_jobs.ran.clear()
    with app.app_context():
        outbox.publish(sample_jobs.record, "later")
        db.session.commit()
        db.session.info.clear()
        assert outbox.dispatch_job() == 1
    assert sample_jobs.ran == ["later"]
    assert events(app) == [("tests.notifications.sample_jobs:record", "done", 0)]

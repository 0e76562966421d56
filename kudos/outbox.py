"""The transactional outbox: follow-up work is written in the same transaction as the data
it follows, then moved to RQ by a dispatcher, so that nothing is lost when Redis is down.

    outbox.publish(jobs.notify_recipients, kudos.id)   # before commit, same transaction
    db.session.commit()
    outbox.flush()                                      # after commit

Without REDIS_URL, `flush()` runs the pending events inline, in order. With it, `flush()`
does nothing: the request has written its event and is done, and the periodic `dispatch_job`
(every 5 seconds) moves the events to RQ. It claims pending rows in batches with a
conditional UPDATE (and SKIP LOCKED on PostgreSQL, so several dispatchers can run at once),
enqueues them in one Redis pipeline as the jobs `outbox-<row id>`, and marks them sent. A
dispatcher that dies after enqueuing and before marking its rows sent leaves them to be
claimed again: those whose job already exists in Redis are marked sent without a second job.

Requests used to hand their own events to RQ after their commit, from memory; that was a
Redis round trip and an RQ job built in every request that writes one (half a millisecond
of the five that giving a kudos takes), for a notification nobody can see sooner: the bell
is read once a minute. A few seconds of delay buy cheaper requests and batched hand-overs.

A job that ran marks its row `done` (`run_event`). A row `sent` whose job is no longer in
Redis after LOST_AFTER (Redis restarted without its data) is sent again by the dispatcher,
so a notification is not lost with Redis' memory.

    pending -> claimed -> sent -> done      (sent -> pending when Redis lost the job)
"""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.job import Job
from sqlalchemy import (
    JSON,
    ColumnElement,
    Index,
    Insert,
    String,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.utils import import_string

from kudos.extensions import db, is_postgresql
from kudos.jobs import job_path, redis_connection, run
from kudos.sqltypes import UTCDateTime, utcnow

log = logging.getLogger(__name__)

BATCH = 500
RECLAIM_AFTER = timedelta(minutes=5)
RETRY = Retry(max=3, interval=[10, 60, 300])
# A finished job's record is what tells the dispatcher that an earlier dispatcher, which died
# before marking its rows sent, already enqueued one; and what tells the lost-job sweep that
# Redis still has it: kept a day (RQ's default is 500 s).
KEEP_FINISHED = 24 * 3600
# Sent rows are history only (the admin page counts the waiting ones): pruned after a week,
# in batches, so that the table and its index stay the size of a week's events.
KEEP_SENT = timedelta(days=7)
PRUNE_BATCH = 5000
# A row sent this long ago, not done, whose job Redis no longer holds, was lost with Redis'
# data: sent again. Looked for among the rows sent within the last KEEP_FINISHED only (older
# ones would have been marked done or are failed jobs an admin sees).
LOST_AFTER = timedelta(minutes=10)


class OutboxEvent(db.Model):
    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    job: Mapped[str] = mapped_column(String(200))  # "module:function"
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # pending -> claimed (by one dispatcher) -> sent -> done (the job ran); back to pending
    # if sending failed or Redis lost the job
    status: Mapped[str] = mapped_column(String(10), default="pending")
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


def publish(job: Callable[..., Any], *args: Any) -> OutboxEvent:
    """Add an event to the current transaction (the caller commits)."""
    row = OutboxEvent(job=job_path(job), args=list(args))
    db.session.add(row)
    return row


def insert_for(job: ColumnElement[str], id_column: ColumnElement[int],
               now: ColumnElement[datetime]) -> Insert:
    """An INSERT of one pending event per row of the CTE `id_column` belongs to, with that
    id as the job's argument: for a statement that writes its data and their event at once
    (PostgreSQL)."""
    table = OutboxEvent.__table__
    return insert(table).from_select(
        ["created_at", "job", "args", "status", "attempts"],
        select(now, job, func.json_build_array(id_column), literal("pending"), literal(0))
        .select_from(id_column.table),
    )


def flush() -> int:
    """After a commit, without Redis: run every pending event inline (returns how many
    ran). With Redis, nothing: the dispatcher moves the events within seconds."""
    if redis_connection() is None:
        return run_inline()
    return 0


def _enqueue(connection, events: list[tuple[int, str, list[Any]]]) -> None:
    """(row id, job, args) to RQ in one pipeline, each as the job `outbox-<row id>`."""
    queue = Queue(current_app.config["RQ_QUEUE"], connection=connection)
    timeout = current_app.config["JOB_TIMEOUT"]
    with connection.pipeline() as pipe:
        queue.enqueue_many(
            [
                Queue.prepare_data(run, args=(RUN_EVENT, (row_id, job, list(args)), {}),
                                   job_id=f"outbox-{row_id}", timeout=timeout, retry=RETRY,
                                   description=job, result_ttl=KEEP_FINISHED)
                for row_id, job, args in events
            ],
            pipeline=pipe,
        )
        pipe.execute()


RUN_EVENT = "kudos.outbox:run_event"


def run_event(row_id: int, job: str, args: list[Any]) -> Any:
    """What RQ runs for an outbox event (inside kudos.jobs.run): the job, then its row marked
    done, so that the dispatcher knows it needs no resending."""
    result = import_string(job)(*args)
    _mark_done(row_id)
    return result


def _mark_done(row_id: int) -> None:
    db.session.execute(
        update(OutboxEvent).where(OutboxEvent.id == row_id, OutboxEvent.status != "done")
        .values(status="done").execution_options(synchronize_session=False)
    )
    db.session.commit()


def _claim(limit: int, skip: set[int] | None = None) -> tuple[str, list[OutboxEvent]]:
    """Mark up to `limit` pending (or long-claimed, abandoned) rows as ours, oldest first,
    leaving out the ids in `skip`."""
    token = uuid.uuid4().hex
    now = utcnow()
    # Only "pending": one ordered walk of the (status, id) index. With "pending OR abandoned"
    # in one query, PostgreSQL walked the primary key past every row ever sent, so a claim's
    # cost grew with the table's history. Abandoned claims are put back by _reclaim().
    candidates = (
        select(OutboxEvent.id)
        .where(OutboxEvent.status == "pending")
        .order_by(OutboxEvent.id)
        .limit(limit)
    )
    if skip:
        candidates = candidates.where(OutboxEvent.id.not_in(skip))
    if is_postgresql(db.engine):
        candidates = candidates.with_for_update(skip_locked=True)
    ids = db.session.scalars(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(candidates.scalar_subquery()))
        .values(status="claimed", claim=token, claimed_at=now)
        .returning(OutboxEvent.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    if not ids:
        return token, []
    rows = db.session.scalars(
        select(OutboxEvent).where(OutboxEvent.id.in_(ids)).order_by(OutboxEvent.id)
    ).all()
    return token, rows


def _reclaim() -> None:
    """Put back to pending the rows of a dispatcher that died holding them."""
    db.session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.status == "claimed",
               OutboxEvent.claimed_at < utcnow() - RECLAIM_AFTER)
        .values(status="pending", claim=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _release(token: str, error: str) -> None:
    db.session.execute(
        update(OutboxEvent).where(OutboxEvent.claim == token, OutboxEvent.status == "claimed")
        .values(status="pending", claim=None, attempts=OutboxEvent.attempts + 1,
                last_error=error[:500])
    )
    db.session.commit()


def dispatch(limit: int = BATCH) -> int:
    """Move one batch of pending events to RQ, in order, leaving out those whose job is
    already there (enqueued by a dispatcher that died before marking them sent); returns how
    many rows were marked sent."""
    connection = redis_connection()
    token, rows = _claim(limit)
    if not rows:
        return 0
    try:
        with connection.pipeline(transaction=False) as pipe:
            for row in rows:
                pipe.exists(Job.key_for(f"outbox-{row.id}"))
            handed_over = pipe.execute()
        missing = [(row.id, row.job, row.args) for row, there in zip(rows, handed_over,
                                                                       strict=True) if not there]
        if missing:
            _enqueue(connection, missing)
    except RedisError as error:
        _release(token, str(error))
        raise
    db.session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_([row.id for row in rows]), OutboxEvent.claim == token,
               OutboxEvent.status == "claimed")
        .values(status="sent", sent_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return len(rows)


def run_inline() -> int:
    """Without Redis: run pending events here and now, in order. A failing event stays
    pending with its error (it is tried again at the next flush); it never fails the
    request that flushed, nor holds back the events behind it."""
    _reclaim()
    done = 0
    failed: set[int] = set()
    while True:
        _token, rows = _claim(50, skip=failed)
        if not rows:
            return done
        for row in rows:
            row_id, job, args = row.id, row.job, row.args
            try:
                import_string(job)(*args)
            except Exception as error:  # noqa: BLE001 (the request must not fail for it)
                db.session.rollback()
                log.exception("Outbox event %s (%s) failed inline", row_id, job)
                failed.add(row_id)
                db.session.execute(
                    update(OutboxEvent).where(OutboxEvent.id == row_id)
                    .values(status="pending", claim=None, attempts=OutboxEvent.attempts + 1,
                            last_error=str(error)[:500])
                )
                db.session.commit()
                continue
            db.session.execute(
                update(OutboxEvent).where(OutboxEvent.id == row_id)
                .values(status="done", sent_at=utcnow())
            )
            db.session.commit()
            done += 1


def dispatch_job() -> int:
    """The periodic job: drain the backlog in batches (each batch its own short
    transaction, so new requests are never blocked behind a long one). Without Redis
    (`flask run-periodic` from cron), it runs what is waiting inline: events that failed
    inside their request are tried again."""
    if redis_connection() is None:
        return run_inline()
    _reclaim()
    _requeue_lost()
    total = 0
    while True:
        sent = dispatch(BATCH)
        total += sent
        if sent < BATCH:
            return total


def _requeue_lost(now: datetime | None = None) -> int:
    """Rows sent between KEEP_FINISHED and LOST_AFTER ago, not done, whose RQ job is gone
    (Redis restarted without its data): back to pending, to be sent again."""
    now = now or utcnow()
    connection = redis_connection()
    rows = db.session.execute(
        select(OutboxEvent.id).where(OutboxEvent.status == "sent",
                                     OutboxEvent.sent_at < now - LOST_AFTER,
                                     OutboxEvent.sent_at > now - timedelta(seconds=KEEP_FINISHED))
        .order_by(OutboxEvent.id).limit(BATCH)
    ).scalars().all()
    if not rows:
        return 0
    with connection.pipeline(transaction=False) as pipe:
        for row_id in rows:
            pipe.exists(Job.key_for(f"outbox-{row_id}"))
        present = pipe.execute()
    lost = [row_id for row_id, there in zip(rows, present, strict=True) if not there]
    if lost:
        log.warning("Redis lost %s outbox job(s): sending them again", len(lost))
        db.session.execute(
            update(OutboxEvent).where(OutboxEvent.id.in_(lost), OutboxEvent.status == "sent")
            .values(status="pending", claim=None, attempts=OutboxEvent.attempts + 1,
                    last_error="the job was no longer in Redis: sent again")
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return len(lost)


def prune(now: datetime | None = None) -> int:
    """The nightly job: delete rows sent or done, written more than KEEP_SENT ago, a batch
    per short transaction (writers never wait behind it); returns how many went."""
    before = (now or utcnow()) - KEEP_SENT
    total = 0
    while True:
        batch = (select(OutboxEvent.id)
                 .where(OutboxEvent.status.in_(("sent", "done")),
                        OutboxEvent.created_at < before)
                 .limit(PRUNE_BATCH))
        deleted = db.session.execute(
            delete(OutboxEvent).where(OutboxEvent.id.in_(batch.scalar_subquery()))
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        total += deleted
        if deleted < PRUNE_BATCH:
            return total


def backlog() -> dict:
    """Pending events and the age of the oldest, for the admin page."""
    count, oldest = db.session.execute(
        select(func.count(OutboxEvent.id), func.min(OutboxEvent.created_at))
        .where(OutboxEvent.status.not_in(("sent", "done")))
    ).one()
    return {"pending": count, "oldest": oldest}

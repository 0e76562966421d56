"""The transactional outbox: follow-up work is written in the same transaction as the data
it follows, then moved to RQ by a dispatcher, so that nothing is lost when Redis is down.

    outbox.publish(jobs.notify_recipients, kudos.id)   # before commit, same transaction
    db.session.commit()
    outbox.flush()                                      # after commit: best effort, now

Without REDIS_URL, `flush()` runs the events inline, in order. With it, `flush()` hands the
events its own transaction committed to RQ, from memory (their ids are known since the
insert), without another statement: a request pays one Redis round trip, not a claim and a
second commit. Their rows stay `pending` until the periodic `dispatch_job` confirms them:
it claims pending rows in batches with a conditional UPDATE (and SKIP LOCKED on PostgreSQL,
so several dispatchers can run at once), marks `sent` those whose RQ job already exists
(the job id is `outbox-<row id>`), enqueues the others, and marks them sent too. A request
that died after its commit, or found Redis down, leaves its rows to the dispatcher; a
dispatcher that dies after enqueuing and before marking rows sent leaves them to be checked
again. In the rare race where both hand over the same row, the job runs twice: jobs are
idempotent, so the effect is still once.

A job that ran marks its row `done` (`run_event`). A row `sent` whose job is no longer in
Redis after LOST_AFTER (Redis restarted without its data) is sent again by the dispatcher,
so a notification is not lost with Redis' memory.

    pending -> claimed -> sent -> done      (pending -> done when a request handed it over;
                                             sent -> pending when Redis lost the job)
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
    event,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session
from werkzeug.utils import import_string

from kudos.extensions import db
from kudos.jobs import job_path, redis_connection, run
from kudos.sqltypes import UTCDateTime, utcnow

log = logging.getLogger(__name__)

BATCH = 500
RECLAIM_AFTER = timedelta(minutes=5)
RETRY = Retry(max=3, interval=[10, 60, 300])
# A finished job's record is what tells the dispatcher that a request already handed its row
# over: kept a day (RQ's default is 500 s), longer than any pause of the scheduler should be.
KEEP_FINISHED = 24 * 3600
# Sent rows are history only (the admin page counts the waiting ones): pruned after a week,
# in batches, so that the table and its index stay the size of a week's events.
KEEP_SENT = timedelta(days=7)
PRUNE_BATCH = 5000
# A row sent this long ago, not done, whose job Redis no longer holds, was lost with Redis'
# data: sent again. Looked for among the rows sent within the last KEEP_FINISHED only (older
# ones would have been marked done or are failed jobs an admin sees).
LOST_AFTER = timedelta(minutes=10)
# The events of the current transaction, then of the committed ones not yet handed over
# (session.info keys; a request hands over only its own, a backlog is the dispatcher's).
_INSERTED, _COMMITTED = "kudos.outbox.inserted", "kudos.outbox.committed"


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
    id as the job's argument, returning the event's id: for a statement that writes its data
    and their event at once (PostgreSQL). Pass the returned id to `remember`."""
    table = OutboxEvent.__table__
    return insert(table).from_select(
        ["created_at", "job", "args", "status", "attempts"],
        select(now, job, func.json_build_array(id_column), literal("pending"), literal(0))
        .select_from(id_column.table),
    ).returning(table.c.id)


def remember(row_id: int, job: str, args: list[Any], session: Session | None = None) -> None:
    """An event inserted in the current transaction, to hand over to RQ after the commit."""
    session = session if session is not None else db.session()
    session.info.setdefault(_INSERTED, []).append((row_id, job, list(args)))


@event.listens_for(OutboxEvent, "after_insert")
def _remember_inserted(_mapper, _connection, row: OutboxEvent) -> None:
    session = object_session(row)
    if session is not None:
        remember(row.id, row.job, row.args, session)


@event.listens_for(Session, "after_commit")
def _remember_committed(session: Session) -> None:
    if _INSERTED in session.info:
        session.info.setdefault(_COMMITTED, []).extend(session.info.pop(_INSERTED))


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous) -> None:
    # Any rollback, a savepoint's included, drops the events not yet committed: those that
    # do get committed later are the dispatcher's (safe, a few seconds later).
    session.info.pop(_INSERTED, None)


def flush() -> int:
    """After a commit: hand the events this session committed to RQ (without Redis: run
    every pending event inline). Never raises for Redis being down: the rows wait for the
    dispatcher."""
    connection = redis_connection()
    if connection is None:
        db.session.info.pop(_COMMITTED, None)
        return run_inline()
    events = db.session.info.pop(_COMMITTED, [])
    if not events:
        return 0
    try:
        _enqueue(connection, events)
    except RedisError as error:
        log.warning("Redis unavailable, outbox events wait: %s", error)
        db.session.execute(
            update(OutboxEvent).where(OutboxEvent.id.in_([row_id for row_id, *_ in events]))
            .values(attempts=OutboxEvent.attempts + 1, last_error=str(error)[:500])
        )
        db.session.commit()
        return 0
    return len(events)


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
    if db.engine.dialect.name == "postgresql":
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
    """Move one batch of pending events to RQ, in order, leaving out those a request already
    handed over; returns how many rows were confirmed sent."""
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

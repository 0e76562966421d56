"""Jobs of news: fetching watch sources, flushing click counts, telling proposers."""

from __future__ import annotations

from datetime import date

import nh3
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError

from kudos.extensions import db, is_postgresql
from kudos.jobs import redis_connection
from kudos.news.feeds import FeedError, fetch
from kudos.news.models import NewsItem, Relay, RelayClickDay, WatchSource
from kudos.news.relays import CLICK_KEY
from kudos.notifications.operations import deliver
from kudos.sqltypes import utcnow

FLUSH_BATCH = 1000
ADD_TO_RELAYS = text(
    "UPDATE relays SET clicks = relays.clicks + a.n"
    " FROM unnest(CAST(:relays AS integer[]), CAST(:counts AS integer[])) AS a (relay, n)"
    " WHERE relays.id = a.relay")
ADD_TO_DAYS = text(
    "INSERT INTO relay_click_days (relay_id, day, clicks)"
    " SELECT * FROM unnest(CAST(:relays AS integer[]), CAST(:days AS date[]),"
    " CAST(:counts AS integer[]))"
    " ON CONFLICT (relay_id, day) DO UPDATE SET clicks = relay_click_days.clicks + excluded.clicks")


def notify_proposal(news_id: int, decision: str) -> None:
    """Tell a proposer their item was approved or declined (once)."""
    item = db.session.get(NewsItem, news_id)
    if item is None or not item.proposed_by_id:
        return
    kind = "proposal_approved" if decision == "approved" else "proposal_declined"
    deliver(item.proposed_by_id, kind, f"{kind}:{item.id}", actor_id=item.decided_by_id,
            news_id=item.id)


def fetch_sources() -> dict:
    """Hourly: file the new entries of every watch source as drafts to curate. A broken or
    slow source is reported on the source and never stops the others; an entry already
    filed is never filed twice (unique per source and entry id)."""
    report = {"filed": 0, "failed": 0}
    for source_id in db.session.scalars(select(WatchSource.id).where(WatchSource.active)):
        report["filed"] += fetch_source(source_id)
        source = db.session.get(WatchSource, source_id)
        report["failed"] += 1 if source.last_error else 0
    return report


def fetch_source(source_id: int) -> int:
    source = db.session.get(WatchSource, source_id)
    source.last_fetched_at = utcnow()
    try:
        _title, entries = fetch(source.url)
    except FeedError as error:
        source.last_error = str(error)[:300]
        db.session.commit()
        return 0
    known = set(db.session.scalars(
        select(NewsItem.source_guid).where(NewsItem.source_id == source.id)
    ))
    filed = 0
    for entry in entries:
        if entry.guid in known:
            continue
        summary = nh3.clean(entry.summary, tags=set()).strip()[:500]
        db.session.add(NewsItem(title=entry.title or source.title, summary=summary,
                                url=entry.link, topic_id=source.topic_id, status="draft",
                                source_id=source.id, source_guid=entry.guid))
        try:
            db.session.flush()
        except IntegrityError:  # filed by a concurrent run: once is enough
            db.session.rollback()
            source = db.session.get(WatchSource, source_id)
            continue
        known.add(entry.guid)
        filed += 1
    source.last_error = None
    source.entries_filed += filed
    db.session.commit()
    return filed


def flush_clicks() -> int:
    """Move click counters from Redis to the database, in batches (each batch its own short
    transaction). A counter is read and reset atomically (GETDEL), so a click counted during
    the flush lands in the next one, never twice and never lost."""
    redis = redis_connection()
    if redis is None:
        return 0
    total = 0
    batch: list[bytes] = []
    for key in redis.scan_iter(match=f"{CLICK_KEY}*", count=FLUSH_BATCH):
        batch.append(key)
        if len(batch) >= FLUSH_BATCH:
            total += _flush_batch(redis, batch)
            batch = []
    if batch:
        total += _flush_batch(redis, batch)
    return total


def _flush_batch(redis, keys: list[bytes]) -> int:
    with redis.pipeline() as pipe:
        for key in keys:
            pipe.getdel(key)
        counts = pipe.execute()
    per_day: dict[tuple[int, date], int] = {}
    for key, count in zip(keys, counts, strict=True):
        if count:
            relay_id, day = key.decode()[len(CLICK_KEY):].split(":")
            per_day[int(relay_id), date.fromisoformat(day)] = int(count)
    try:
        _add_all(per_day)
        db.session.commit()
    except Exception:
        db.session.rollback()
        with redis.pipeline() as pipe:  # put the counts back: nothing is lost
            for key, count in zip(keys, counts, strict=True):
                if count:
                    pipe.incrby(key, int(count))
            pipe.execute()
        raise
    return sum(per_day.values())


def _add_all(per_day: dict[tuple[int, date], int]) -> None:
    """Add a batch of counts to the totals (the caller commits): the relays' totals, then the
    per-day rows, inserted or added to. Like a click counted inline, a batch locks relays
    before days. On PostgreSQL each is one statement whose rows travel as arrays, so that it
    is compiled once, not once per batch of a thousand rows."""
    if not per_day:
        return
    keys = sorted(per_day)
    per_relay: dict[int, int] = {}
    for relay_id, day in keys:
        per_relay[relay_id] = per_relay.get(relay_id, 0) + per_day[relay_id, day]
    if is_postgresql():
        db.session.execute(ADD_TO_RELAYS, {"relays": list(per_relay),
                                           "counts": list(per_relay.values())})
        db.session.execute(ADD_TO_DAYS, {"relays": [r for r, _d in keys],
                                         "days": [d for _r, d in keys],
                                         "counts": [per_day[k] for k in keys]})
        return
    relays = Relay.__table__
    db.session.execute(
        update(relays).where(relays.c.id == bindparam("relay"))
        .values(clicks=relays.c.clicks + bindparam("count")),
        [{"relay": r, "count": c} for r, c in per_relay.items()])
    days = RelayClickDay.__table__
    upsert = sqlite.insert(days)
    db.session.execute(
        upsert.on_conflict_do_update(index_elements=[days.c.relay_id, days.c.day],
                                     set_={"clicks": days.c.clicks + upsert.excluded.clicks}),
        [{"relay_id": r, "day": d, "clicks": per_day[r, d]} for r, d in keys])

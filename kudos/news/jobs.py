"""Jobs of news: fetching watch sources, flushing click counts, telling proposers."""

from __future__ import annotations

from datetime import date

import nh3
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kudos.extensions import db
from kudos.jobs import redis_connection
from kudos.news.feeds import FeedError, fetch
from kudos.news.models import NewsItem, WatchSource
from kudos.news.relays import CLICK_KEY, add_clicks
from kudos.notifications.operations import deliver
from kudos.sqltypes import utcnow

FLUSH_BATCH = 1000


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
    total = 0
    try:
        for key, count in zip(keys, counts, strict=True):
            if not count:
                continue
            relay_id, day = key.decode()[len(CLICK_KEY):].split(":")
            add_clicks(int(relay_id), date.fromisoformat(day), int(count))
            total += int(count)
        db.session.commit()
    except Exception:
        db.session.rollback()
        with redis.pipeline() as pipe:  # put the counts back: nothing is lost
            for key, count in zip(keys, counts, strict=True):
                if count:
                    pipe.incrby(key, int(count))
            pipe.execute()
        raise
    return total

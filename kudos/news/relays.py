"""Relaying news: tracked links, share URLs, audience care, the weekly budget, click counts.

Clicks on a tracked link are counted without a database write in the request when Redis is
there (a per-day counter, flushed by a job); inline mode writes directly. A visitor counts
once per link and day, recognised by a salted hash (never the address itself); obvious
robots (link previews, crawlers, scripts) are not counted. With Redis, a link followed
before is also cached there, so that following it is one Redis round trip and no database
query (see `follow`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from redis.exceptions import RedisError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from kudos.auth.models import User
from kudos.campaigns.operations import check_taggable
from kudos.domain.errors import Invalid
from kudos.extensions import db
from kudos.jobs import redis_connection
from kudos.links import external_url
from kudos.news.models import CHANNELS, NewsItem, Relay, RelayClickDay, RelayVisit
from kudos.sqltypes import utcnow

COMMENT_MAX = 1000
AUDIENCE_THRESHOLD = 2  # this many teammates already shared it outside today: suggest waiting
# Robots, link previews, and HTTP libraries: a program fetching a link is not a person
# reading it (okhttp, axios, node-fetch, Apache-HttpClient and their kin).
BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|facebookexternalhit|embedly|whatsapp|"
    r"curl|wget|python-|httpx|java/|go-http|headless|monitor|scanner|validator|"
    r"okhttp|axios|node-fetch|undici|http-?client|libwww|lwp-|http\.rb|faraday|guzzle|"
    r"restsharp|postman|insomnia|aiohttp|dart:io|reqwest|^ruby$|^got\b|php/|perl",
    re.IGNORECASE,
)
SOURCES = {"internal": "kudos", "linkedin": "linkedin", "x": "x", "email": "email",
           "copy": "link"}
CLICK_KEY = "kudos:clicks:"
VISIT_KEY = "kudos:visit:"
VISIT_SECONDS = 2 * 86400
LINK_KEY = "kudos:link:"
# The operations that change a link's answer (editing, archiving) forget it at once; this
# bounds how long a change made any other way (by hand in the database) takes to show.
LINK_SECONDS = 60

# A visitor counted once per link and day: the visitor of the day set if new, the day's
# counter incremented then, in one round trip.
_COUNT = """
if redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then return redis.call('INCR', KEYS[2]) end
return 0
"""
# A tracked link followed: its cached answer and, for a person, the click counted as in
# _COUNT, in one round trip. The relay id (first word of the cached answer) names the keys.
_FOLLOW = """
local link = redis.call('GET', KEYS[1])
if link and ARGV[2] ~= '' then
  local relay = string.match(link, '^%d+')
  if redis.call('SET', ARGV[4] .. relay .. ':' .. ARGV[1] .. ':' .. ARGV[2], 1, 'NX', 'EX',
                ARGV[3]) then
    redis.call('INCR', ARGV[5] .. relay .. ':' .. ARGV[1])
  end
end
return link
"""


def create(user: User, item: NewsItem, channel: str, comment: str | None = None,
           campaign_id: int | None = None, idempotency_key: str | None = None) -> Relay:
    """Record that `user` relays `item` on `channel`; returns the relay with its token.
    The same idempotency key from the same person returns the first relay (its `replayed`
    is then True) instead of making a second tracked link."""
    key = (idempotency_key or "").strip()[:64] or None
    if key is not None:
        existing = _relay_with_key(user, key)
        if existing is not None:
            return existing
    if item.status != "published":
        raise Invalid("news", _("Only published news can be relayed."))
    if channel not in CHANNELS:
        raise Invalid("channel", _("Please choose where to relay it."))
    comment = (comment or "").strip() or None
    if comment and len(comment) > COMMENT_MAX:
        raise Invalid("comment", _("Please keep it under %(n)s characters (it has %(len)s).",
                                   n=COMMENT_MAX, len=len(comment)))
    if campaign_id is None and item.campaign_id:
        campaign_id = item.campaign_id if _taggable_quietly(user, item.campaign_id) else None
    else:
        campaign_id = check_taggable(user, campaign_id)
    relay = Relay(news_id=item.id, user_id=user.id, channel=channel, comment=comment,
                  token=secrets.token_urlsafe(16), campaign_id=campaign_id,
                  idempotency_key=key)
    db.session.add(relay)
    try:
        db.session.commit()
    except IntegrityError:  # the same key, sent twice at once: the other one won
        db.session.rollback()
        existing = _relay_with_key(user, key) if key is not None else None
        if existing is None:
            raise
        return existing
    relay.replayed = False
    return relay


def _relay_with_key(user: User, key: str) -> Relay | None:
    existing = db.session.scalar(
        select(Relay).where(Relay.user_id == user.id, Relay.idempotency_key == key))
    if existing is not None:
        existing.replayed = True
    return existing


def _taggable_quietly(user: User, campaign_id: int) -> bool:
    """An item's own campaign counts a relay only while the campaign runs in the person's
    scope; otherwise the relay is simply not tagged."""
    try:
        return check_taggable(user, campaign_id) is not None
    except Invalid:
        return False


def tracked_url(relay: Relay) -> str:
    return external_url("news.follow_link", token=relay.token)


@dataclass(frozen=True)
class Link:
    """What a live tracked link answers: the relay it counts for, and where it leads (the
    stored link with its UTM parameters; empty for an item without one, whose page is
    linked instead, built per request)."""

    relay_id: int
    news_id: int
    public: bool
    url: str

    def cached(self) -> str:
        return f"{self.relay_id} {self.news_id} {int(self.public)} {self.url}"

    @classmethod
    def from_cache(cls, value: bytes) -> Link:
        relay_id, news_id, public, url = value.decode().split(" ", 3)
        return cls(int(relay_id), int(news_id), public == "1", url)


def _tagged(url: str | None, news_id: int, channel: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.startswith("utm_")]
    query += [("utm_source", SOURCES[channel]), ("utm_medium", "employee_advocacy"),
              ("utm_campaign", f"news-{news_id}"), ("utm_content", channel)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _location(link: Link) -> str:
    if link.url:
        return link.url
    endpoint = "news.public_page" if link.public else "news.item"
    return external_url(endpoint, news_id=link.news_id)


def _link_key(token: str) -> str:
    # The token is a link's only secret: Redis holds a hash of it, as for visitors.
    return LINK_KEY + hashlib.sha256(token.encode()).hexdigest()[:32]


def _lookup(token: str) -> Link | None:
    """The live link of `token` from the database, or None (unknown, withdrawn, or its item
    no longer published)."""
    row = db.session.execute(
        select(Relay.id, Relay.channel, Relay.withdrawn_at, NewsItem.id, NewsItem.status,
               NewsItem.url, NewsItem.public)
        .join(NewsItem, NewsItem.id == Relay.news_id).where(Relay.token == token)
    ).one_or_none()
    if row is None:
        return None
    relay_id, channel, withdrawn_at, news_id, status, url, public = row
    if status != "published" or withdrawn_at is not None:
        return None
    return Link(relay_id, news_id, public, _tagged(url, news_id, channel))


def follow(token: str, ip: str, user_agent: str) -> str | None:
    """Where the tracked link `token` leads, its click counted; None when the link is
    unknown, withdrawn or its item no longer published.

    With Redis, a link followed in the last LINK_SECONDS is answered from Redis, its click
    counted in the same round trip: no database query. Otherwise the database answers, the
    answer is cached, and the click is counted as `count_click` does."""
    redis = redis_connection()
    if redis is not None:
        day = utcnow().date()
        visitor = "" if is_bot(user_agent) else _visitor(ip or "", day)
        try:
            cached = redis.register_script(_FOLLOW)(
                keys=[_link_key(token)],
                args=[day.isoformat(), visitor, VISIT_SECONDS, VISIT_KEY, CLICK_KEY])
        except RedisError:  # a click is never worth a failed redirect
            current_app.logger.warning("Redis unavailable: a click was not counted")
            link = _lookup(token)
            return None if link is None else _location(link)
        if cached:
            return _location(Link.from_cache(cached))
    link = _lookup(token)
    if link is None:
        return None
    if redis is not None:
        try:
            redis.set(_link_key(token), link.cached(), ex=LINK_SECONDS)
        except RedisError:  # a cache is never worth a failed redirect
            current_app.logger.warning("Redis unavailable: a tracked link was not cached")
    count_click(link.relay_id, ip, user_agent)
    return _location(link)


def forget_links(news_id: int) -> None:
    """Drop the cached answers of an item's tracked links, after the item changed (edited,
    archived): the next click reads the database."""
    redis = redis_connection()
    if redis is None:
        return
    keys = [_link_key(t) for t in db.session.scalars(
        select(Relay.token).where(Relay.news_id == news_id))]
    try:
        for start in range(0, len(keys), 1000):
            redis.delete(*keys[start:start + 1000])
    except RedisError:  # the cached answers expire within LINK_SECONDS
        current_app.logger.warning("Redis unavailable: tracked links were not forgotten")


def caption(item: NewsItem) -> str:
    """A suggested caption; the person edits it, and nothing goes out unless they share."""
    text = item.summary or item.title
    return f"{item.title} — {text}" if item.summary else text


def share_url(relay: Relay, text: str) -> str | None:
    """The URL that opens the chosen network's share dialog with the tracked link."""
    link = tracked_url(relay)
    if relay.channel == "linkedin":
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": link})
    if relay.channel == "x":
        return "https://x.com/intent/post?" + urlencode({"text": text, "url": link})
    if relay.channel == "email":
        subject, body = relay.news.title, f"{text}\n\n{link}"
        return f"mailto:?subject={quote(subject)}&body={quote(body)}"
    return None


def teammates_shared_today(user: User, item: NewsItem) -> int:
    """How many colleagues of `user`'s team already shared `item` outside today."""
    if user.team_id is None:
        return 0
    start = utcnow() - timedelta(hours=24)
    return db.session.scalar(
        select(func.count(func.distinct(Relay.user_id)))
        .join(User, User.id == Relay.user_id)
        .where(Relay.news_id == item.id, Relay.created_at >= start, Relay.user_id != user.id,
               User.team_id == user.team_id, Relay.channel != "internal")
    )


def audience_care(user: User, item: NewsItem) -> dict:
    """The hint the share panel shows: when enough teammates already shared `item` outside
    today, suggest waiting a day (never a refusal). For the API, with its words."""
    teammates = teammates_shared_today(user, item)
    wait = teammates >= AUDIENCE_THRESHOLD
    return {"teammates_shared_today": teammates, "suggest_waiting": wait,
            "message": ngettext(
                "%(num)s colleague of your team already shared it outside today. Maybe wait "
                "a day, so your networks are not flooded with the same post.",
                "%(num)s colleagues of your team already shared it outside today. Maybe wait "
                "a day, so your networks are not flooded with the same post.",
                teammates) if wait else None}


def budget_answer(user: User) -> dict | None:
    """`budget()` as the API answers after a relay: with the page's words once reached."""
    state = budget(user)
    if state is None:
        return None
    return {**state, "message": _("That's the weekly budget you set yourself. Thank you for "
                                  "relaying.") if state["reached"] else None}


def week_start(user: User):
    local = utcnow().astimezone(ZoneInfo(user.timezone))
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0,
                                                                microsecond=0)
    return monday


def budget(user: User) -> dict | None:
    """The weekly relay budget a person set for themselves, and how much of it is used.
    A gentle reminder at the budget, never a push towards it."""
    if not user.relay_weekly_budget:
        return None
    used = db.session.scalar(
        select(func.count(Relay.id)).where(Relay.user_id == user.id,
                                           Relay.created_at >= week_start(user))
    )
    return {"budget": user.relay_weekly_budget, "used": used,
            "reached": used >= user.relay_weekly_budget}


# --- clicks --------------------------------------------------------------------------------


def _visitor(ip: str, day: date) -> str:
    """A salted hash of the address that changes every day: enough to count a visitor once
    per (address, day), never enough to recognise them (no address is stored). The user
    agent is left out on purpose: one address sending fifty user agents is one visitor."""
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), day.isoformat().encode(),
                   hashlib.sha256).digest()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:32]


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOT.search(user_agent))


def count_click(relay_id: int, ip: str, user_agent: str) -> bool:
    """Count a click (returns True when it counted)."""
    if is_bot(user_agent):
        return False
    day = utcnow().date()
    visitor = _visitor(ip or "", day)
    redis = redis_connection()
    if redis is not None:
        try:
            return bool(redis.register_script(_COUNT)(
                keys=[f"{VISIT_KEY}{relay_id}:{day}:{visitor}",
                      f"{CLICK_KEY}{relay_id}:{day.isoformat()}"],
                args=[VISIT_SECONDS]))
        except RedisError:  # a click is never worth a failed redirect
            current_app.logger.warning("Redis unavailable: a click was not counted")
            return False
    db.session.add(RelayVisit(relay_id=relay_id, day=day, visitor=visitor))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    add_clicks(relay_id, day, 1)
    db.session.commit()
    return True


def add_clicks(relay_id: int, day: date, count: int) -> None:
    """Add counted clicks to the totals (the caller commits)."""
    db.session.execute(update(Relay).where(Relay.id == relay_id)
                       .values(clicks=Relay.clicks + count))
    changed = db.session.execute(
        update(RelayClickDay).where(RelayClickDay.relay_id == relay_id, RelayClickDay.day == day)
        .values(clicks=RelayClickDay.clicks + count)
    ).rowcount
    if not changed:
        db.session.add(RelayClickDay(relay_id=relay_id, day=day, clicks=count))
        db.session.flush()

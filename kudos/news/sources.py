"""Watch sources (feeds to curate) and the reach figures leads and admins see."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from kudos import audit
from kudos.admin.models import Topic
from kudos.auth.models import Team, User
from kudos.domain.errors import Invalid
from kudos.domain.groups import large_enough
from kudos.extensions import db
from kudos.news import jobs
from kudos.news.feeds import FeedError, fetch
from kudos.news.models import CHANNELS, NewsItem, Relay, WatchSource
from kudos.recognition.operations import check_link


def add(user: User, url: str, topic_id: int | None) -> WatchSource:
    """Watch a feed. It is read once now, so a wrong address is refused at once."""
    url = check_link(url, "url")
    if not url:
        raise Invalid("url", _("Please give the feed's address."))
    if db.session.scalar(select(WatchSource.id).where(WatchSource.url == url)):
        raise Invalid("url", _("This feed is already watched."))
    if topic_id is not None:
        topic = db.session.get(Topic, topic_id)
        if topic is None or topic.archived_at is not None:
            raise Invalid("topic_id", _("Please choose a topic from the list."))
    try:
        title, _entries = fetch(url)
    except FeedError as error:
        raise Invalid("url", _("We could not use this address: %(why)s.",
                               why=error.message())) from None
    source = WatchSource(title=title[:200], url=url, topic_id=topic_id, added_by_id=user.id)
    db.session.add(source)
    audit.record(user, "source.added", source, url=url)
    db.session.commit()
    jobs.fetch_source(source.id)
    return source


def fetch_now(source: WatchSource) -> int:
    return jobs.fetch_source(source.id)


def set_active(user: User, source: WatchSource, active: bool) -> None:
    source.active = active
    audit.record(user, "source.resumed" if active else "source.paused", source)
    db.session.commit()


def item_stats(item: NewsItem, min_group: int) -> dict:
    """Relays by channel and clicks for one item; per team only for teams of at least
    `min_group` people (smaller groups would point at individuals)."""
    by_channel = dict.fromkeys(CHANNELS, 0)
    clicks = 0
    for channel, count, channel_clicks in db.session.execute(
        select(Relay.channel, func.count(Relay.id), func.coalesce(func.sum(Relay.clicks), 0))
        .where(Relay.news_id == item.id).group_by(Relay.channel)
    ):
        by_channel[channel] = count
        clicks += int(channel_clicks)
    sizes = dict(db.session.execute(
        select(User.team_id, func.count(User.id)).where(User.active.is_(True))
        .group_by(User.team_id)
    ).all())
    teams = []
    for team_id, name, count, team_clicks in db.session.execute(
        select(Team.id, Team.name, func.count(Relay.id), func.coalesce(func.sum(Relay.clicks), 0))
        .join(User, User.team_id == Team.id).join(Relay, Relay.user_id == User.id)
        .where(Relay.news_id == item.id).group_by(Team.id, Team.name)
    ):
        if large_enough(sizes.get(team_id, 0), min_group):
            teams.append({"name": name, "relays": count, "clicks": int(team_clicks)})
    return {"by_channel": by_channel, "relays": sum(by_channel.values()), "clicks": clicks,
            "teams": teams, "min_group": min_group}

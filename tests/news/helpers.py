"""Small helpers shared by the news, relay and news API tests: topics, items and relays made
through the operations (as the pages and the API do), signed-in clients, rows read back."""

import html
import re

from sqlalchemy import func, select

from kudos.admin.models import Topic
from kudos.auth.models import User
from kudos.extensions import db
from kudos.news import operations, relays
from kudos.news.models import NewsItem, Relay
from tests.conftest import login

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0 Safari/537.36")


def make_topic(app, name: str) -> int:
    with app.app_context():
        topic = Topic(name=name)
        db.session.add(topic)
        db.session.commit()
        return topic.id


def submit(app, author, title: str = "Our team shipped the new itinerary planner",
           **fields) -> int:
    """An item through the operation: published for a lead or an admin, proposed otherwise."""
    fields.setdefault("summary", "Three months of work, and travellers love it.")
    with app.app_context():
        item = operations.submit(db.session.get(User, author.id),
                                 operations.NewsDraft(title=title, **fields))
        return item.id


def relay(app, user, news_id: int, channel: str = "linkedin",
          comment: str | None = None) -> tuple[int, str]:
    """A relay through the operation; returns its id and token."""
    with app.app_context():
        made = relays.create(db.session.get(User, user.id), db.session.get(NewsItem, news_id),
                             channel, comment)
        return made.id, made.token


def client_for(app, user):
    """A fresh test client signed in as `user`."""
    client = app.test_client()
    assert login(client, user).status_code == 303
    return client


def item_row(app, news_id: int) -> NewsItem:
    with app.app_context():
        item = db.session.get(NewsItem, news_id)
        db.session.expunge(item)
        return item


def relay_row(app, relay_id: int) -> Relay:
    with app.app_context():
        made = db.session.get(Relay, relay_id)
        db.session.expunge(made)
        return made


def count(app, column) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(column)))


def text(response) -> str:
    """The response's HTML with entities decoded (apostrophes, quotes), for reading."""
    return html.unescape(response.get_data(as_text=True))


def news_body(response) -> str:
    """The rendered body of an item page (the sanitised Markdown)."""
    found = re.search(r'<div class="news-body" hx-disable>(.*?)</div>',
                      response.get_data(as_text=True), re.S)
    assert found, "the page has no news body"
    return found.group(1)


def visit(app, token: str, user_agent: str = BROWSER, ip: str = "198.51.100.20", **kwargs):
    """A visitor who is not signed in follows a tracked link."""
    return app.test_client().get(f"/r/{token}", headers={"User-Agent": user_agent},
                                 environ_base={"REMOTE_ADDR": ip}, **kwargs)

"""The tracked link with Redis: answered from its cached answer without the database, the
cache forgotten when the item changes, and click counters flushed in batches."""

from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import func, select

from kudos.extensions import db
from kudos.news import jobs
from kudos.news.models import Relay, RelayClickDay
from kudos.news.relays import CLICK_KEY
from kudos.sqltypes import utcnow
from tests.news.helpers import client_for, relay, relay_row, submit, visit
from tests.recognition.helpers import counting_statements


@pytest.fixture
def lead(make):
    return make.user("Lina Lead", role="lead", email="lina@example.com")

def test_a_link_followed_again_is_answered_and_counted_without_the_database(
    rq_app, redis_url, lead, member
):
    news_id = submit(rq_app, lead, "Cached", url="https://example.com/cached")
    relay_id, token = relay(rq_app, member, news_id, "linkedin")
    first = visit(rq_app, token, ip="203.0.113.1")
    with counting_statements(rq_app) as seen:
        again = visit(rq_app, token, ip="203.0.113.2")
        visit(rq_app, token, ip="203.0.113.2")  # the same visitor: not counted twice
        visit(rq_app, token, ip="203.0.113.3", user_agent="curl/8.5.0")  # a robot
    assert seen == []
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert "utm_content=linkedin" in again.headers["Location"]
    keys = [k.decode() for k in Redis.from_url(redis_url).keys("*")]
    assert not any(token in k for k in keys)  # the token is kept hashed
    with rq_app.app_context():
        assert jobs.flush_clicks() == 2
    assert relay_row(rq_app, relay_id).clicks == 2


def test_archiving_forgets_the_cached_link_at_once(rq_app, lead, member):
    lead_client = client_for(rq_app, lead)
    news_id = submit(rq_app, lead, "Soon archived", url="https://example.com/a")
    _relay_id, token = relay(rq_app, member, news_id, "linkedin")
    assert visit(rq_app, token).status_code == 302
    assert lead_client.post(f"/news/{news_id}/archive").status_code == 303
    assert visit(rq_app, token).status_code == 404


def test_editing_the_link_takes_effect_at_once(rq_app, lead, member):
    lead_client = client_for(rq_app, lead)
    news_id = submit(rq_app, lead, "Moving", url="https://example.com/old")
    _relay_id, token = relay(rq_app, member, news_id, "x")
    assert visit(rq_app, token).headers["Location"].startswith("https://example.com/old?")
    response = lead_client.post(f"/news/{news_id}/edit", data={
        "title": "Moving", "summary": "", "body": "", "url": "https://example.com/new",
        "topic_id": 0})
    assert response.status_code == 303
    assert visit(rq_app, token).headers["Location"].startswith("https://example.com/new?")


def test_an_item_without_a_link_leads_to_its_page_from_the_cache_too(rq_app, lead, member):
    news_id = submit(rq_app, lead, "Text only", body="Just words.", summary="")
    _relay_id, token = relay(rq_app, member, news_id, "copy")
    for ip in ("203.0.113.1", "203.0.113.2"):
        assert visit(rq_app, token, ip=ip).headers["Location"] == (
            f"http://localhost/news/{news_id}")


def test_the_flush_adds_every_counter_across_batches_to_new_and_existing_rows(
    rq_app, redis_url, lead, member, monkeypatch
):
    monkeypatch.setattr(jobs, "FLUSH_BATCH", 2)
    news_id = submit(rq_app, lead, "Counted", url="https://example.com/c")
    made = [relay(rq_app, member, news_id, channel)[0] for channel in ("x", "copy", "email")]
    today = utcnow().date()
    yesterday = today - timedelta(days=1)
    with rq_app.app_context():
        db.session.add(RelayClickDay(relay_id=made[0], day=yesterday, clicks=5))
        db.session.commit()
    connection = Redis.from_url(redis_url)
    counts = {(made[0], yesterday): 3, (made[0], today): 4, (made[1], today): 1,
              (made[2], yesterday): 7, (made[2], today): 2}
    for (relay_id, day), count in counts.items():
        connection.set(f"{CLICK_KEY}{relay_id}:{day.isoformat()}", count)
    with rq_app.app_context():
        assert jobs.flush_clicks() == 17
        assert not connection.keys(f"{CLICK_KEY}*")
        assert db.session.get(RelayClickDay, (made[0], yesterday)).clicks == 8
        assert db.session.get(RelayClickDay, (made[2], today)).clicks == 2
        assert db.session.scalar(select(func.sum(RelayClickDay.clicks))) == 22
        assert [db.session.get(Relay, r).clicks for r in made] == [7, 1, 9]


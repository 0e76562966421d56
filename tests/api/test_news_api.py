"""API v1 news: the list (followed topics first, paginated), proposing and publishing, relays."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from kudos.extensions import db
from kudos.news.models import NewsItem, Relay, TopicFollow
from kudos.sqltypes import utcnow
from tests.news.helpers import client_for, count, item_row, make_topic, relay, submit


@pytest.fixture
def lead(make):
    return make.user("Lina Lead", role="lead", email="lina@example.com")


@pytest.fixture
def lead_client(app, lead):
    return client_for(app, lead)


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def follow(app, user, topic_id: int) -> None:
    with app.app_context():
        db.session.add(TopicFollow(user_id=user.id, topic_id=topic_id))
        db.session.commit()


# --- the list --------------------------------------------------------------------------------


def test_news_lists_followed_topics_first_page_by_page(app, lead, member, member_client):
    travel, sales = make_topic(app, "Travel"), make_topic(app, "Sales")
    ids = {}
    for hours, title, topic in ((6, "travel old", travel), (5, "sales old", sales),
                                (4, "travel new", travel), (3, "sales new", sales),
                                (2, "no topic", None)):
        ids[title] = submit(app, lead, title, topic_id=topic)
        with app.app_context():
            db.session.execute(update(NewsItem).where(NewsItem.id == ids[title])
                               .values(published_at=utcnow() - timedelta(hours=hours)))
            db.session.commit()
    submit(app, member, "a proposal, not listed")
    follow(app, member, travel)

    seen, cursor, pages = [], None, 0
    while True:
        response = member_client.get("/api/v1/news", query_string={
            "limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        body = response.get_json()
        assert len(body["items"]) <= 2
        seen += [item["title"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == ["travel new", "travel old", "no topic", "sales new", "sales old"]
    first = member_client.get("/api/v1/news").get_json()["items"][0]
    assert first["status"] == "published"
    assert first["published_at"].endswith("+00:00")
    assert {"id", "title", "summary", "body", "url", "topic_id", "public",
            "proposed_by"} <= set(first)


def test_without_follows_the_newest_come_first(app, lead, member_client):
    older = submit(app, lead, "older")
    with app.app_context():
        db.session.execute(update(NewsItem).where(NewsItem.id == older)
                           .values(published_at=utcnow() - timedelta(days=1)))
        db.session.commit()
    submit(app, lead, "newer")
    titles = [i["title"] for i in member_client.get("/api/v1/news").get_json()["items"]]
    assert titles == ["newer", "older"]


@pytest.mark.parametrize("cursor", ["not-a-cursor", "WyJ4Il0", "Wy0xXQ"])  # ["x"], [-1]
def test_a_cursor_we_did_not_give_is_refused(member_client, cursor):
    response = member_client.get("/api/v1/news", query_string={"cursor": cursor})
    assert response.status_code == 422
    assert error_code(response) == "validation_error"


def test_the_news_api_needs_a_signed_in_caller(client):
    response = client.get("/api/v1/news")
    assert response.status_code == 401
    assert error_code(response) == "unauthenticated"


# --- submitting and publishing ---------------------------------------------------------------


def test_a_lead_publishes_and_a_member_proposes(app, lead, lead_client, member, member_client):
    topic = make_topic(app, "Travel")
    published = lead_client.post("/api/v1/news", json={
        "title": "New office", "summary": "In Lisbon.", "url": "https://example.com/lisbon",
        "topic_id": topic, "body": "**Twelve** desks."})
    assert published.status_code == 201
    assert published.get_json()["status"] == "published"
    assert published.get_json()["topic_id"] == topic
    assert published.get_json()["proposed_by"] is None

    proposed = member_client.post("/api/v1/news", json={"title": "Léa's marathon",
                                                        "summary": "3 h 12 min."})
    assert proposed.status_code == 201
    body = proposed.get_json()
    assert (body["status"], body["published_at"]) == ("proposed", None)
    assert body["proposed_by"] == {"id": member.id, "name": "Awa Diallo"}
    assert item_row(app, body["id"]).proposed_by_id == member.id


def test_extra_fields_are_ignored(app, make, member, member_client):
    other = make.user("Bruno")
    response = member_client.post("/api/v1/news", json={
        "title": "Ignored extras", "summary": "s", "status": "published", "id": 999,
        "author_id": other.id, "proposed_by_id": other.id, "published_at": "2020-01-01",
        "decided_by_id": other.id})
    assert response.status_code == 201
    item = item_row(app, response.get_json()["id"])
    assert item.id != 999
    assert (item.status, item.author_id, item.proposed_by_id, item.decided_by_id,
            item.published_at) == ("proposed", member.id, member.id, None, None)


@pytest.mark.parametrize("payload, field", [
    ({"summary": "no title"}, "title"),
    ({"title": "", "summary": "s"}, "title"),
    ({"title": "x" * 201, "summary": "s"}, "title"),
    ({"title": "t", "url": "javascript:alert(1)"}, "url"),
    ({"title": "t", "summary": "s", "topic_id": 999999}, "topic_id"),
    ({"title": "t", "summary": "s", "topic_id": "1"}, "topic_id"),
    ({"title": "t"}, "summary"),
    ({"title": "t", "summary": "s", "public": "yes"}, "public"),
    ({"title": 12, "summary": "s"}, "title"),
])
def test_bad_news_is_a_validation_error_and_nothing_written(app, lead_client, payload, field):
    response = lead_client.post("/api/v1/news", json=payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("validation_error", field)
    assert error["message"]
    assert count(app, NewsItem.id) == 0


def test_a_body_that_is_not_an_object_is_refused(app, lead_client):
    response = lead_client.post("/api/v1/news", json=["title"])
    assert response.status_code == 422
    assert count(app, NewsItem.id) == 0


def test_publishing_is_for_leads_and_admins(app, member, member_client, lead_client):
    news_id = submit(app, member, "My proposal")
    refused = member_client.post(f"/api/v1/news/{news_id}/publish")
    assert refused.status_code == 403
    assert error_code(refused) == "forbidden"
    assert item_row(app, news_id).status == "proposed"

    published = lead_client.post(f"/api/v1/news/{news_id}/publish")
    assert published.status_code == 200
    assert published.get_json()["status"] == "published"
    assert item_row(app, news_id).status == "published"

    again = lead_client.post(f"/api/v1/news/{news_id}/publish")
    assert again.status_code == 422
    assert error_code(again) == "validation_error"
    missing = lead_client.post("/api/v1/news/999999/publish")
    assert missing.status_code == 404
    assert error_code(missing) == "not_found"


# --- relays ----------------------------------------------------------------------------------


@pytest.fixture
def news_id(app, lead):
    return submit(app, lead, "Relay me", url="https://example.com/relay-me")


def test_relaying_gives_the_relay_its_tracked_link_and_share_url(
    app, member, member_client, news_id
):
    response = member_client.post(f"/api/v1/news/{news_id}/relays", json={"channel": "linkedin"})
    assert response.status_code == 201
    body = response.get_json()
    with app.app_context():
        made = db.session.get(Relay, body["relay_id"])
        assert (made.user_id, made.news_id, made.channel) == (member.id, news_id, "linkedin")
        token = made.token
    assert body["tracked_url"] == f"http://localhost/r/{token}"
    share = urlsplit(body["share_url"])
    assert f"{share.scheme}://{share.netloc}{share.path}" == (
        "https://www.linkedin.com/sharing/share-offsite/")
    assert parse_qs(share.query) == {"url": [body["tracked_url"]]}
    follow = app.test_client().get(f"/r/{token}")
    assert follow.status_code == 302
    assert follow.headers["Location"].startswith("https://example.com/relay-me?utm_source=")


def test_the_relay_answer_carries_the_audience_care_hint_the_page_shows(app, make, news_id):
    team = make.team("Itineraries")
    awa = make.user("Awa", team=team)
    quiet = client_for(app, awa).post(f"/api/v1/news/{news_id}/relays",
                                      json={"channel": "linkedin"}).get_json()
    assert quiet["audience_care"] == {"teammates_shared_today": 0, "suggest_waiting": False,
                                      "message": None}
    for name in ("Bruno", "Chloé"):
        relay(app, make.user(name, team=team), news_id, "linkedin")
    body = client_for(app, make.user("Dan", team=team)).post(
        f"/api/v1/news/{news_id}/relays", json={"channel": "x"}).get_json()
    care = body["audience_care"]
    # Awa, Bruno and Chloé: three teammates already shared it outside today.
    assert (care["teammates_shared_today"], care["suggest_waiting"]) == (3, True)
    assert "3 colleagues of your team already shared it outside today" in care["message"]
    assert body["tracked_url"]  # a hint, never a refusal


def test_the_relay_answer_says_when_the_weekly_budget_is_reached(app, make, news_id):
    awa = make.user("Awa", relay_weekly_budget=2)
    client = client_for(app, awa)
    first = client.post(f"/api/v1/news/{news_id}/relays", json={"channel": "linkedin"})
    assert first.get_json()["weekly_budget"] == {"budget": 2, "used": 1, "reached": False,
                                                 "message": None}
    second = client.post(f"/api/v1/news/{news_id}/relays", json={"channel": "x"}).get_json()
    assert second["weekly_budget"]["reached"] is True
    assert second["weekly_budget"]["used"] == 2
    assert "weekly budget you set yourself" in second["weekly_budget"]["message"]
    third = client.post(f"/api/v1/news/{news_id}/relays", json={"channel": "email"})
    assert third.status_code == 201  # a reminder, never a wall
    without = client_for(app, make.user("Bruno")).post(f"/api/v1/news/{news_id}/relays",
                                                       json={"channel": "x"})
    assert without.get_json()["weekly_budget"] is None


def test_each_channel_answers_its_share_url(app, member_client, news_id):
    shares = {}
    for channel in ("internal", "linkedin", "x", "email", "copy"):
        response = member_client.post(f"/api/v1/news/{news_id}/relays",
                                      json={"channel": channel, "comment": "Great read"})
        assert response.status_code == 201
        shares[channel] = response.get_json()["share_url"]
    assert shares["internal"] is None
    assert shares["copy"] is None
    assert shares["x"].startswith("https://x.com/intent/post?")
    assert shares["email"].startswith("mailto:?subject=")
    with app.app_context():
        comments = dict(db.session.execute(select(Relay.channel, Relay.comment)).all())
    assert comments == {"internal": "Great read", "linkedin": None, "x": None, "email": None,
                        "copy": None}


def test_relay_extra_fields_are_ignored(app, make, member, member_client, news_id):
    other = make.user("Bruno")
    response = member_client.post(f"/api/v1/news/{news_id}/relays", json={
        "channel": "copy", "token": "chosen-by-me", "user_id": other.id, "clicks": 500})
    assert response.status_code == 201
    with app.app_context():
        made = db.session.get(Relay, response.get_json()["relay_id"])
        assert (made.user_id, made.clicks) == (member.id, 0)
        assert made.token != "chosen-by-me"


@pytest.mark.parametrize("payload", [{"channel": "facebook"}, {}, {"channel": 3},
                                     {"channel": "LinkedIn"}])
def test_a_bad_channel_is_a_validation_error(app, member_client, news_id, payload):
    response = member_client.post(f"/api/v1/news/{news_id}/relays", json=payload)
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert count(app, Relay.id) == 0


def test_a_proposal_cannot_be_relayed(app, make, member, member_client):
    news_id = submit(app, member, "Not yet published")
    # Its proposer sees it, so the refusal says why; anyone else does not see it at all.
    mine = member_client.post(f"/api/v1/news/{news_id}/relays", json={"channel": "linkedin"})
    assert mine.status_code == 422
    assert mine.get_json()["error"]["field"] == "news"
    other = client_for(app, make.user("Bruno"))
    theirs = other.post(f"/api/v1/news/{news_id}/relays", json={"channel": "linkedin"})
    assert theirs.status_code == 404
    assert error_code(theirs) == "not_found"
    assert count(app, Relay.id) == 0


def test_relaying_an_unknown_item_is_not_found(member_client):
    response = member_client.post("/api/v1/news/999999/relays", json={"channel": "copy"})
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_a_relay_resent_with_its_idempotency_key_is_the_same_relay(
    app, make, member, member_client, news_id
):
    """A client that lost the answer sends again: one relay, one tracked link, 200 the
    second time; the key is the person's own (a colleague's same key is another relay)."""
    first = member_client.post(f"/api/v1/news/{news_id}/relays", json={"channel": "linkedin"},
                               headers={"Idempotency-Key": "relay-7f3a"})
    again = member_client.post(f"/api/v1/news/{news_id}/relays",
                               json={"channel": "linkedin", "idempotency_key": "relay-7f3a"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["relay_id"] == first.get_json()["relay_id"]
    assert again.get_json()["tracked_url"] == first.get_json()["tracked_url"]
    assert count(app, Relay.id) == 1
    colleague = client_for(app, make.user("Bruno Petit", email="bruno@example.com"))
    theirs = colleague.post(f"/api/v1/news/{news_id}/relays", json={"channel": "linkedin"},
                            headers={"Idempotency-Key": "relay-7f3a"})
    assert theirs.status_code == 201
    assert count(app, Relay.id) == 2

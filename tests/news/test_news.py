"""News: publishing, proposing and curating, Markdown, bad input, followed topics, the public
page and archiving."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from kudos.admin.models import Topic
from kudos.extensions import db
from kudos.news import jobs
from kudos.news.markdown import render
from kudos.news.models import NewsItem, Relay
from kudos.notifications.models import Notification
from kudos.sqltypes import utcnow
from tests.news.helpers import (
    client_for,
    count,
    item_row,
    make_topic,
    news_body,
    relay,
    submit,
    text,
)


@pytest.fixture
def lead(make):
    return make.user("Lina Lead", role="lead", email="lina@example.com")


@pytest.fixture
def lead_client(app, lead):
    return client_for(app, lead)


def news_form(**changes) -> dict:
    data = {"title": "We opened an office in Lisbon", "summary": "Twelve desks, one view.",
            "body": "", "url": "https://example.com/lisbon", "topic_id": "0"}
    data.update(changes)
    return data


def notifications(app, user, kind: str) -> int:
    with app.app_context():
        return len(db.session.scalars(
            select(Notification).where(Notification.user_id == user.id,
                                       Notification.kind == kind)
        ).all())


# --- publishing and proposing ----------------------------------------------------------------


def test_lead_publishes_news_that_appears_in_everyones_list(app, lead_client, member_client):
    response = lead_client.post("/news/new", data=news_form())
    assert response.status_code == 303
    news_id = int(re.fullmatch(r"/news/(\d+)", response.headers["Location"]).group(1))
    item = item_row(app, news_id)
    assert item.status == "published"
    assert item.published_at is not None
    assert item.proposed_by_id is None
    assert "We opened an office in Lisbon" in member_client.get("/news").get_data(as_text=True)


def test_member_proposal_waits_outside_the_news_and_shows_as_waiting_in_mine(
    app, member_client, member
):
    response = member_client.post("/news/new", data=news_form(title="Léa ran the marathon"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/news/mine"
    with app.app_context():
        item = db.session.scalar(select(NewsItem))
        assert (item.status, item.proposed_by_id, item.published_at) == (
            "proposed", member.id, None)
    assert "Léa ran the marathon" not in member_client.get("/news").get_data(as_text=True)
    mine = text(member_client.get("/news/mine"))
    assert "Léa ran the marathon" in mine
    assert "waiting for a lead or an admin" in mine


def test_lead_approves_a_proposal_with_edits_and_the_proposer_is_credited_and_told_once(
    app, member, lead, lead_client
):
    news_id = submit(app, member, "Lea ran the marathon", url="https://example.com/run")
    queue = lead_client.get("/news/queue")
    assert queue.status_code == 200
    assert "Lea ran the marathon" in queue.get_data(as_text=True)
    assert "Proposed by Awa Diallo" in queue.get_data(as_text=True)

    response = lead_client.post(f"/news/{news_id}/edit", data=news_form(
        title="Léa ran the Lisbon marathon", summary="In 3 h 12 min.", publish="1",
        url="https://example.com/run"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/news/{news_id}"
    item = item_row(app, news_id)
    assert (item.status, item.title, item.summary) == (
        "published", "Léa ran the Lisbon marathon", "In 3 h 12 min.")
    assert item.proposed_by_id == member.id
    assert item.decided_by_id == lead.id
    page = text(client_for(app, member).get(f"/news/{news_id}"))
    assert "Proposed by Awa Diallo" in page
    assert notifications(app, member, "proposal_approved") == 1

    # Publishing again is refused, and the job running twice tells the proposer once.
    again = lead_client.post(f"/news/{news_id}/publish")
    assert again.status_code == 422
    with app.app_context():
        jobs.notify_proposal(news_id, "approved")
    assert notifications(app, member, "proposal_approved") == 1
    assert "Lea ran the marathon" not in lead_client.get("/news/queue").get_data(as_text=True)


def test_saving_a_proposal_without_publishing_keeps_it_in_the_queue(app, member, lead_client):
    news_id = submit(app, member, "A proposal")
    response = lead_client.post(f"/news/{news_id}/edit",
                                data=news_form(title="A better proposal"))
    assert response.status_code == 303
    item = item_row(app, news_id)
    assert (item.status, item.title) == ("proposed", "A better proposal")
    assert notifications(app, member, "proposal_approved") == 0


def test_declining_a_proposal_needs_a_note_that_the_proposer_then_reads(
    app, member, member_client, lead_client
):
    news_id = submit(app, member, "Our new coffee machine")
    refused = lead_client.post(f"/news/{news_id}/decline", data={"note": "   "},
                               follow_redirects=True)
    assert "Please leave a short note for Awa Diallo" in text(refused)
    assert item_row(app, news_id).status == "proposed"
    assert notifications(app, member, "proposal_declined") == 0

    note = "Lovely, but better suited to the team channel"
    response = lead_client.post(f"/news/{news_id}/decline", data={"note": note})
    assert response.status_code == 303
    item = item_row(app, news_id)
    assert (item.status, item.decline_note) == ("declined", note)
    mine = text(member_client.get("/news/mine"))
    assert "Our new coffee machine" in mine
    assert f"declined: “{note}”" in mine
    assert notifications(app, member, "proposal_declined") == 1
    assert "Our new coffee machine" not in member_client.get("/news").get_data(as_text=True)


def test_a_watch_draft_can_be_declined_without_a_note(app, lead, lead_client):
    with app.app_context():
        db.session.add(NewsItem(title="From a feed", summary="s", status="draft"))
        db.session.commit()
        news_id = db.session.scalar(select(NewsItem.id))
    assert lead_client.post(f"/news/{news_id}/decline", data={"note": ""}).status_code == 303
    assert item_row(app, news_id).status == "declined"


@pytest.mark.parametrize("method, path", [
    ("get", "/news/queue"),
    ("get", "/news/sources"),
    ("post", "/news/sources"),
    ("post", "/news/{id}/publish"),
    ("post", "/news/{id}/decline"),
    ("post", "/news/{id}/archive"),
    ("get", "/news/{id}/edit"),
    ("post", "/news/{id}/edit"),
])
def test_members_cannot_curate(app, member, member_client, method, path):
    news_id = submit(app, member, "My own proposal")
    data = {"note": "self-approved", "publish": "1", "url": "https://example.com/feed.xml",
            **news_form()}
    response = getattr(member_client, method)(path.format(id=news_id), data=data)
    assert response.status_code == 403
    item = item_row(app, news_id)
    assert (item.status, item.title, item.decline_note) == ("proposed", "My own proposal", None)


def test_a_member_cannot_open_someone_elses_proposal(app, make, member, member_client):
    other = make.user("Bruno")
    news_id = submit(app, other, "Bruno's idea")
    assert member_client.get(f"/news/{news_id}").status_code == 404


# --- Markdown --------------------------------------------------------------------------------

DANGEROUS_BODY = """**Bold words** and [the report](https://example.com/report).

<script>alert('script')</script>

<img src="x.png" onerror="alert('img')">

[click me](javascript:alert('link'))

<a href="https://example.com/x" hx-get="/admin" hx-trigger="load">an htmx link</a>

<p hx-post="/logout" hx-trigger="load">a paragraph</p>
"""


def test_markdown_body_is_rendered_and_sanitised_on_the_item_page(app, lead, member_client):
    news_id = submit(app, lead, body=DANGEROUS_BODY, public=True)
    for path in (f"/news/{news_id}", f"/p/{news_id}"):
        page = member_client.get(path)
        body = news_body(page) if "news" in path else re.search(
            r'<div class="news-body">(.*?)</div>', page.get_data(as_text=True), re.S).group(1)
        assert "<strong>Bold words</strong>" in body
        assert re.search(r'<a href="https://example.com/report" '
                         r'rel="nofollow noopener noreferrer">the report</a>', body), body
        for bad in ("<script", "alert(", "onerror", "<img", "javascript:", "hx-get", "hx-post",
                    "hx-trigger"):
            assert bad not in body, (path, bad, body)
        assert "an htmx link" in body  # the words stay, the attributes go


def test_markdown_render_keeps_lists_and_drops_unknown_tags():
    html = str(render("- one\n- two\n\n<iframe src='https://evil.example'></iframe>"))
    assert "<li>one</li>" in html
    assert "iframe" not in html


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("changes, field_message", [
    ({"title": ""}, "Please give the news a title."),
    ({"title": "   "}, "Please give the news a title."),
    ({"title": "x" * 201}, "Please keep the title under 200 characters."),
    ({"url": "javascript:alert(1)"}, "Please give a web link starting with http:// or https://."),
    ({"url": "ftp://example.com/file"},
     "Please give a web link starting with http:// or https://."),
    ({"topic_id": "999999"}, "Please choose a topic from the list."),
    ({"summary": "", "body": "", "url": ""},
     "Please add a summary, a text or a link: something to read."),
])
@pytest.mark.parametrize("who", ["member", "lead"])
def test_bad_news_is_refused_with_a_clear_message_and_nothing_written(
    app, make, changes, field_message, who
):
    author = make.user(role=who)
    response = client_for(app, author).post("/news/new", data=news_form(**changes))
    assert response.status_code == 422
    assert field_message in text(response)
    assert count(app, NewsItem.id) == 0


def test_an_archived_topic_is_refused(app, lead_client):
    topic_id = make_topic(app, "Old things")
    with app.app_context():
        db.session.execute(update(Topic).values(archived_at=utcnow()))
        db.session.commit()
    response = lead_client.post("/news/new", data=news_form(topic_id=str(topic_id)))
    assert response.status_code == 422
    assert count(app, NewsItem.id) == 0


def test_a_bad_edit_of_a_proposal_changes_nothing(app, member, lead_client):
    news_id = submit(app, member, "Kept as it was")
    response = lead_client.post(f"/news/{news_id}/edit",
                                data=news_form(title="", publish="1"))
    assert response.status_code == 422
    item = item_row(app, news_id)
    assert (item.status, item.title) == ("proposed", "Kept as it was")


# --- topics ----------------------------------------------------------------------------------


def test_followed_topics_come_first_and_following_returns_the_toggled_chip(
    app, lead, member_client
):
    travel = make_topic(app, "Travel")
    sales = make_topic(app, "Sales")
    older = submit(app, lead, "About travel", topic_id=travel)
    submit(app, lead, "About sales", topic_id=sales)
    with app.app_context():  # make the order by date unmistakable
        db.session.execute(update(NewsItem).where(NewsItem.id == older)
                           .values(published_at=utcnow() - timedelta(days=2)))
        db.session.commit()

    page = member_client.get("/news").get_data(as_text=True)
    assert page.index("About sales") < page.index("About travel")

    chip = member_client.post(f"/news/topics/{travel}/follow", data={"follow": "1"},
                              headers={"HX-Request": "true"})
    assert chip.status_code == 200
    fragment = chip.get_data(as_text=True)
    assert fragment.lstrip().startswith("<form")
    assert f'id="follow-{travel}"' in fragment
    assert 'aria-pressed="true"' in fragment
    assert "<html" not in fragment

    page = member_client.get("/news").get_data(as_text=True)
    assert page.index("About travel") < page.index("About sales")
    assert "a topic you follow" in page

    chip = member_client.post(f"/news/topics/{travel}/follow", data={"follow": "0"},
                              headers={"HX-Request": "true"})
    assert 'aria-pressed="false"' in chip.get_data(as_text=True)
    page = member_client.get("/news").get_data(as_text=True)
    assert page.index("About sales") < page.index("About travel")


def test_following_without_javascript_redirects_and_an_unknown_topic_is_refused(
    app, member_client
):
    travel = make_topic(app, "Travel")
    response = member_client.post(f"/news/topics/{travel}/follow", data={"follow": "1"})
    assert response.status_code == 303
    assert member_client.post("/news/topics/999999/follow",
                              data={"follow": "1"}).status_code == 422


# --- public page and archive -----------------------------------------------------------------


def test_public_page_opens_without_sign_in_with_open_graph_tags(app, lead):
    news_id = submit(app, lead, 'Launch of "Kudos" & friends', summary="Made with care.",
                     public=True)
    page = app.test_client().get(f"/p/{news_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<meta property="og:title" content="Launch of &#34;Kudos&#34; &amp; friends">' in html
    assert '<meta property="og:description" content="Made with care.">' in html
    assert f'<meta property="og:url" content="http://localhost/p/{news_id}">' in html


def test_public_page_only_for_public_published_items(app, lead, member):
    private = submit(app, lead, "Internal only")
    proposed = submit(app, member, "A public proposal", public=True)
    archived = submit(app, lead, "Old and public", public=True)
    with app.app_context():
        db.session.get(NewsItem, archived).status = "archived"
        db.session.commit()
    anonymous = app.test_client()
    for news_id in (private, proposed, archived, 999999):
        assert anonymous.get(f"/p/{news_id}").status_code == 404


def test_archiving_hides_the_item_and_its_tracked_links_stop_working(
    app, lead, lead_client, member, member_client
):
    news_id = submit(app, lead, "Soon archived", url="https://example.com/a", public=True)
    _relay_id, token = relay(app, member, news_id, "linkedin")
    assert app.test_client().get(f"/r/{token}").status_code == 302

    assert lead_client.post(f"/news/{news_id}/archive").status_code == 303
    assert item_row(app, news_id).status == "archived"
    assert "Soon archived" not in member_client.get("/news").get_data(as_text=True)
    assert member_client.get(f"/news/{news_id}").status_code == 404
    visitor = app.test_client()
    gone = visitor.get(f"/r/{token}")
    assert gone.status_code == 404
    assert "Location" not in gone.headers
    assert visitor.get(f"/p/{news_id}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Relay.clicks)) == 1  # the click before, not after

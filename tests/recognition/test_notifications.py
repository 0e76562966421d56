"""Notifications of recognition: who is told what, once; the list, the bell, marking as read."""

import re

import pytest
from sqlalchemy import select

from kudos.extensions import db
from kudos.notifications.models import Notification
from kudos.recognition import jobs
from tests.recognition.helpers import client_for, give, page_text, react

HTMX = {"HX-Request": "true"}


@pytest.fixture
def hugo(make):
    return make.user("Hugo Martin", email="hugo@example.com")


@pytest.fixture
def lea(make):
    return make.user("Lea Moreau", email="lea@example.com")


@pytest.fixture
def zoe(make):
    return make.user("Zoe Roux", email="zoe@example.com")


def notes(app, user=None) -> list[tuple[int, str, int | None]]:
    """(recipient, kind, actor) of every notification, optionally of one person."""
    with app.app_context():
        query = select(Notification.user_id, Notification.kind, Notification.actor_id)
        if user is not None:
            query = query.where(Notification.user_id == user.id)
        return sorted(db.session.execute(query.order_by(Notification.id)).all())


def unread(app, user) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Notification.id).where(
            Notification.user_id == user.id, Notification.read_at.is_(None))).all())


def bell_count(response) -> int:
    match = re.search(r'<span class="bell-count">(\d+)</span>', response.get_data(as_text=True))
    return int(match.group(1)) if match else 0


# --- who is told ------------------------------------------------------------------------------


def test_each_recipient_is_told_once_and_the_giver_is_not(app, member, member_client, hugo,
                                                          lea):
    response = member_client.post("/kudos", data={
        "recipient_ids": [str(hugo.id), str(lea.id)], "message": "Thanks both",
        "visibility": "company", "kind": "kudos"})
    assert response.status_code == 303
    assert notes(app) == sorted([(hugo.id, "thanked", member.id), (lea.id, "thanked", member.id)])


def test_running_the_job_again_tells_nobody_twice(app, member, hugo, lea):
    kudos_id = give(app, member, hugo, lea)
    with app.app_context():
        jobs.notify_recipients(kudos_id)
        jobs.notify_recipients(kudos_id)
    assert notes(app) == sorted([(hugo.id, "thanked", member.id), (lea.id, "thanked", member.id)])


def test_a_kudos_waiting_for_approval_asks_the_recipient(app, make, member, hugo):
    shy = make.user("Sam Shy", approve_kudos=True)
    give(app, member, shy, hugo)
    assert notes(app) == sorted([(shy.id, "approval", member.id),
                                 (hugo.id, "thanked", member.id)])


def test_a_withdrawn_kudos_tells_nobody_more(app, member, member_client, hugo):
    kudos_id = give(app, member, hugo)
    member_client.post(f"/kudos/{kudos_id}/withdraw")
    with app.app_context():
        db.session.execute(db.delete(Notification))
        db.session.commit()
        jobs.notify_recipients(kudos_id)
    assert notes(app) == []


def test_a_co_signature_tells_giver_and_recipients_but_not_the_co_signer(app, member, hugo,
                                                                         lea, zoe):
    kudos_id = give(app, member, hugo, lea)
    before = notes(app)
    zoe_client = client_for(app, zoe)
    assert zoe_client.post(f"/kudos/{kudos_id}/reactions",
                           data={"kind": "plus_one"}).status_code == 303
    new = [n for n in notes(app) if n not in before]
    assert sorted(new) == sorted([(member.id, "cosigned", zoe.id), (hugo.id, "cosigned", zoe.id),
                                  (lea.id, "cosigned", zoe.id)])
    assert notes(app, zoe) == []
    # Taking it back and giving it again does not tell anyone a second time.
    zoe_client.post(f"/kudos/{kudos_id}/reactions", data={"kind": "plus_one"})
    zoe_client.post(f"/kudos/{kudos_id}/reactions", data={"kind": "plus_one"})
    assert len(notes(app)) == len(before) + 3


def test_applause_tells_nobody(app, member, hugo, zoe):
    kudos_id = give(app, member, hugo)
    before = notes(app)
    react(app, zoe, kudos_id, "applause")
    assert notes(app) == before


def test_a_comment_tells_giver_and_recipients_but_not_its_author(app, member, hugo, lea, zoe):
    kudos_id = give(app, member, hugo, lea)
    before = notes(app)
    client_for(app, hugo).post(f"/kudos/{kudos_id}/comments", data={"body": "Thank you!"})
    new = sorted(n for n in notes(app) if n not in before)
    assert new == sorted([(member.id, "commented", hugo.id), (lea.id, "commented", hugo.id)])
    client_for(app, zoe).post(f"/kudos/{kudos_id}/comments", data={"body": "Well done"})
    assert [n for n in notes(app, zoe)] == []
    assert len(notes(app, hugo)) == 2  # thanked, then Zoe's comment


def test_a_refused_comment_tells_nobody(app, member, hugo, zoe):
    kudos_id = give(app, member, hugo)
    before = notes(app)
    client_for(app, zoe).post(f"/kudos/{kudos_id}/comments", data={"body": "  "})
    assert notes(app) == before


# --- the list and the bell --------------------------------------------------------------------


def test_the_list_says_who_did_what_and_links_to_the_kudos(app, make, member, hugo, zoe):
    kudos_id = give(app, member, hugo, message="Thanks for the fix")
    react(app, zoe, kudos_id, "plus_one")
    client_for(app, zoe).post(f"/kudos/{kudos_id}/comments", data={"body": "Indeed"})
    shy_id = give(app, zoe, hugo, message="Another")
    response = client_for(app, hugo).get("/notifications/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Awa Diallo thanked you" in text
    assert "Zoe Roux co-signed a kudos you are part of" in text
    assert "Zoe Roux commented on a kudos you are part of" in text
    assert "Zoe Roux thanked you" in text
    body = response.get_data(as_text=True)
    assert f'href="/kudos/{kudos_id}"' in body and f'href="/kudos/{shy_id}"' in body
    assert body.count('class="unread"') == 4
    assert "Mark all as read" in text
    # Newest first.
    assert text.index("Zoe Roux thanked you") < text.index("Awa Diallo thanked you")


def test_the_approval_notification_says_it_waits(app, make, member):
    shy = make.user("Sam Shy", approve_kudos=True)
    give(app, member, shy)
    text = page_text(client_for(app, shy).get("/notifications/"))
    assert "Awa Diallo thanked you — it waits for your approval" in text


def test_nobody_sees_anyone_elses_notifications(app, member, hugo, zoe):
    give(app, member, hugo, message="For Hugo")
    text = page_text(client_for(app, zoe).get("/notifications/"))
    assert "thanked you" not in text
    assert "Nothing new." in text
    assert bell_count(client_for(app, zoe).get("/notifications/bell")) == 0


def test_the_bell_counts_unread_and_reading_the_list_does_not_mark_them(app, member, hugo, lea):
    give(app, member, hugo)
    give(app, lea, hugo)
    client = client_for(app, hugo)
    bell = client.get("/notifications/bell")
    assert bell.status_code == 200
    assert bell_count(bell) == 2
    assert "2 unread notifications" in page_text(bell)
    client.get("/notifications/")
    client.get("/notifications/")
    assert unread(app, hugo) == 2
    assert bell_count(client.get("/notifications/bell")) == 2


def test_mark_all_as_read(app, member, hugo, lea):
    give(app, member, hugo)
    give(app, lea, hugo)
    client = client_for(app, hugo)
    response = client.post("/notifications/read")
    assert response.status_code == 303
    assert response.headers["Location"] == "/notifications/"
    assert unread(app, hugo) == 0
    assert bell_count(client.get("/notifications/bell")) == 0
    page = client.get("/notifications/")
    assert 'class="unread"' not in page.get_data(as_text=True)
    assert "Mark all as read" not in page_text(page)
    assert "Awa Diallo thanked you" in page_text(page)  # read, not gone


def test_mark_one_as_read_with_htmx_returns_the_bell(app, member, hugo, lea):
    give(app, member, hugo)
    give(app, lea, hugo)
    with app.app_context():
        first = db.session.scalars(select(Notification.id).where(
            Notification.user_id == hugo.id).order_by(Notification.id)).first()
    client = client_for(app, hugo)
    response = client.post("/notifications/read", data={"id": str(first)}, headers=HTMX)
    assert response.status_code == 200
    assert 'id="bell"' in response.get_data(as_text=True)
    assert bell_count(response) == 1
    assert unread(app, hugo) == 1


def test_nobody_can_mark_someone_elses_notifications(app, member, hugo, zoe):
    give(app, member, hugo)
    with app.app_context():
        theirs = db.session.scalars(select(Notification.id)).one()
    client = client_for(app, zoe)
    client.post("/notifications/read", data={"id": str(theirs)})
    client.post("/notifications/read")
    assert unread(app, hugo) == 1


def test_reading_needs_a_post(app, member, hugo):
    give(app, member, hugo)
    client = client_for(app, hugo)
    assert client.get("/notifications/read").status_code == 405
    assert unread(app, hugo) == 1


def test_the_bell_is_on_every_page(member_client):
    body = member_client.get("/").get_data(as_text=True)
    assert 'hx-get="/notifications/bell"' in body

"""A newcomer's first week in the bell: at most two gentle pointers (a colleague's highlight to
applaud, news on a followed topic), through the nudge gate, never in free time, nothing after
the week."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from kudos.admin.models import Topic
from kudos.auth.models import User
from kudos.extensions import db
from kudos.insights.gate import deliver_deferred
from kudos.insights.models import Backoff, NudgeDecision
from kudos.news.models import NewsItem, TopicFollow
from kudos.notifications.models import Notification
from kudos.recognition.models import Reaction
from kudos.welcome.jobs import first_week_pointers
from kudos.welcome.models import Welcome
from tests.news.helpers import client_for, text
from tests.recognition.helpers import insert_kudos

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 30, 9, 30, tzinfo=PARIS)  # a newcomer's first morning


def newcomer(app, make, started: datetime = MONDAY) -> User:
    person = make.user("Inès Moreau", timezone="Europe/Paris")
    with app.app_context():
        db.session.add(Welcome(user_id=person.id, started_at=started, step="charter",
                               finished_at=started + timedelta(minutes=5)))
        db.session.commit()
    return person


def highlight(app, make, at: datetime, *, recipients=None) -> int:
    giver, author = make.user("Lea Lead"), make.user("Hugo Martin")
    return insert_kudos(app, giver, recipients or [author], kind="highlight",
                        work_title="Night-train guide", message="Clear and kind.",
                        created_at=at)


def news_on_followed_topic(app, person: User, at: datetime) -> int:
    with app.app_context():
        topic = Topic(name="Night trains")
        db.session.add(topic)
        db.session.flush()
        db.session.add(TopicFollow(user_id=person.id, topic_id=topic.id))
        item = NewsItem(title="A new line to Vienna", summary="From spring.", status="published",
                        topic_id=topic.id, published_at=at)
        db.session.add(item)
        db.session.commit()
        return item.id


def run(app, now: datetime) -> int:
    with app.app_context():
        return first_week_pointers(now)


def bell(app, person: User) -> list[tuple[str, int | None, int | None]]:
    with app.app_context():
        return db.session.execute(
            select(Notification.kind, Notification.kudos_id, Notification.news_id)
            .where(Notification.user_id == person.id).order_by(Notification.id)).all()


def decisions(app, person: User) -> list[tuple[str, str, str]]:
    with app.app_context():
        return db.session.execute(
            select(NudgeDecision.kind, NudgeDecision.decision, NudgeDecision.reason)
            .where(NudgeDecision.user_id == person.id).order_by(NudgeDecision.id)).all()


def test_at_most_two_pointers_spaced_out_in_the_first_week(app, make):
    person = newcomer(app, make)
    kudos_id = highlight(app, make, MONDAY - timedelta(days=1))
    news_id = news_on_followed_topic(app, person, MONDAY - timedelta(hours=2))

    assert run(app, MONDAY + timedelta(hours=2)) == 0  # the first day: the welcome said enough
    assert run(app, MONDAY + timedelta(days=1)) == 1
    assert bell(app, person) == [("pointer_highlight", kudos_id, None)]
    assert run(app, MONDAY + timedelta(days=1, hours=3)) == 0  # spaced out
    assert run(app, MONDAY + timedelta(days=3)) == 1
    assert bell(app, person)[1] == ("pointer_news", None, news_id)
    for day in (4, 5, 6):
        assert run(app, MONDAY + timedelta(days=day)) == 0
    assert len(bell(app, person)) == 2
    # Both went through the gate, and were recorded there with its reason.
    assert decisions(app, person) == [("pointer_highlight", "send", "ok"),
                                      ("pointer_news", "send", "ok")]


def test_the_pointers_read_well_in_the_bell(app, make):
    person = newcomer(app, make)
    highlight(app, make, MONDAY - timedelta(days=1))
    run(app, MONDAY + timedelta(days=1))
    page = text(client_for(app, person).get("/notifications/"))
    assert ("A colleague's work was just highlighted. Have a look, and applaud if it speaks "
            "to you.") in page


def test_outside_working_hours_a_pointer_waits_for_the_next_working_morning(app, make):
    person = newcomer(app, make)
    highlight(app, make, MONDAY)
    tuesday_evening = datetime(2026, 12, 1, 21, 0, tzinfo=PARIS)
    assert run(app, tuesday_evening) == 0
    assert bell(app, person) == []
    assert decisions(app, person) == [("pointer_highlight", "defer", "outside_hours")]
    assert run(app, tuesday_evening + timedelta(hours=1)) == 0  # one deferral is enough
    with app.app_context():
        assert deliver_deferred(datetime(2026, 12, 2, 9, 0, tzinfo=PARIS)) == 1
    assert [kind for kind, _k, _n in bell(app, person)] == ["pointer_highlight"]


def test_nothing_after_the_first_week_not_even_a_deferred_pointer(app, make):
    sunday = datetime(2026, 11, 29, 8, 0, tzinfo=PARIS)  # the week ends next Sunday at 8
    person = newcomer(app, make, started=sunday)
    highlight(app, make, sunday)
    saturday = datetime(2026, 12, 5, 11, 0, tzinfo=PARIS)  # not a working day: Monday is past
    assert run(app, saturday) == 0
    assert decisions(app, person) == [("pointer_highlight", "hold", "expired")]
    assert run(app, sunday + timedelta(days=8)) == 0
    assert bell(app, person) == []


def test_a_newcomer_in_back_off_is_not_pointed_at_nor_asked_again_every_hour(app, make):
    person = newcomer(app, make)
    highlight(app, make, MONDAY)
    with app.app_context():
        db.session.add(Backoff(user_id=person.id, reason="overextended",
                               starts_on=MONDAY.date(), until=MONDAY.date() + timedelta(days=3)))
        db.session.commit()
    assert run(app, MONDAY + timedelta(days=1)) == 0
    assert run(app, MONDAY + timedelta(days=1, hours=1)) == 0
    assert decisions(app, person) == [("pointer_highlight", "hold", "backoff")]
    assert run(app, MONDAY + timedelta(days=4)) == 1  # the back-off is over, still week one
    assert bell(app, person)[0][0] == "pointer_highlight"


def test_only_highlights_to_applaud_and_news_to_read_are_pointed_at(app, make):
    person = newcomer(app, make)
    mine = highlight(app, make, MONDAY, recipients=[person])  # about her: not a pointer
    applauded = highlight(app, make, MONDAY)
    with app.app_context():
        db.session.add(Reaction(kudos_id=applauded, user_id=person.id, kind="applause"))
        db.session.add(NewsItem(title="Not followed", status="published", published_at=MONDAY))
        db.session.commit()
    assert run(app, MONDAY + timedelta(days=1)) == 0
    assert bell(app, person) == [] and decisions(app, person) == []
    assert mine


def test_people_without_a_welcome_get_no_pointers(app, make):
    veteran = make.user("Awa Diallo")
    highlight(app, make, MONDAY)
    run(app, MONDAY + timedelta(days=1))
    with app.app_context():
        assert db.session.scalar(select(func.count(Notification.id))
                                 .where(Notification.user_id == veteran.id)) == 0


def test_running_twice_at_the_same_moment_delivers_once(app, make):
    person = newcomer(app, make)
    highlight(app, make, MONDAY)
    moment = MONDAY + timedelta(days=1)
    assert run(app, moment) == 1
    assert run(app, moment) == 0
    assert len(bell(app, person)) == 1

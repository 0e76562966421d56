"""Email digests sent to a real local SMTP server, the one-click unsubscribe, and adaptive
delivery (gathering notifications that pile up unread into the digest)."""

import re
import smtplib
import socket
import time
from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from kudos import outbox
from kudos.auth.models import User
from kudos.extensions import db
from kudos.insights.gate import nudge
from kudos.insights.models import Backoff, NudgeDecision
from kudos.notifications import jobs
from kudos.notifications.models import DigestRun, Notification
from kudos.notifications.operations import SALT, UNSUBSCRIBE_DAYS, unsubscribe_token
from kudos.recognition import operations as recognition
from kudos.sqltypes import utcnow
from tests.conftest import login
from tests.notifications.conftest import free_port

ALL_WEEK = {"working_days": "1,2,3,4,5,6,7", "work_start_minute": 0,
            "work_end_minute": 24 * 60, "timezone": "UTC"}


@pytest.fixture
def ines(make):
    return make.user("Inès Fontaine", email="ines@example.com", locale="fr")


@pytest.fixture
def hugo(make):
    # The giver in these tests; no digest of his own, whatever the hour the suite runs at
    # (with the default rhythm he is at work on weekday mornings in Paris).
    return make.user("Hugo Martin", email="hugo@example.com", digest_frequency="never")


@pytest.fixture
def lea(make):
    return make.user("Léa Moreau", email="lea@example.com")


def thank(app, giver, recipient, message: str = "Merci pour ton aide !") -> int:
    """Give a kudos through the operation (notifications follow inline, without Redis)."""
    with app.app_context():
        draft = recognition.Draft(recipient_ids=[recipient.id], message=message)
        kudos, _created = recognition.give(db.session.get(User, giver.id), draft)
        return kudos.id


def digest_runs(app, user) -> list[tuple[str, str, int]]:
    with app.app_context():
        return db.session.execute(
            select(DigestRun.period, DigestRun.status, DigestRun.items)
            .where(DigestRun.user_id == user.id).order_by(DigestRun.id)
        ).all()


def emailed(app, user) -> list[bool]:
    with app.app_context():
        return [at is not None for at in db.session.scalars(
            select(Notification.emailed_at).where(Notification.user_id == user.id)
            .order_by(Notification.id))]


def send(app, user, period: str = "2026-W48") -> str:
    with app.app_context():
        return jobs.send_digest(user.id, period)


def decoded(header: str) -> str:
    return str(make_header(decode_header(header)))


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


def set_fields(app, user, **fields) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(**fields))
        db.session.commit()


def field(app, user, name: str):
    with app.app_context():
        return getattr(db.session.get(User, user.id), name)


# --- sending one digest ------------------------------------------------------------------------


def test_digest_is_one_email_in_the_persons_language_with_links_and_unsubscribe(
    app, client, smtp, ines, hugo, lea
):
    first = thank(app, hugo, ines)
    second = thank(app, lea, ines, "Bravo pour la démo")
    assert send(app, ines) == "sent"

    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "ines@example.com"
    subject = decoded(mail["Subject"])
    assert "Your Kudos news" not in subject  # French, not English
    assert "2" in subject
    body = body_of(mail)
    assert "Bonjour" in body or "Inès" in body
    assert "Hugo Martin vous a remercié·e" in body
    assert "Léa Moreau vous a remercié·e" in body
    assert f"https://kudos.example/kudos/{first}" in body
    assert f"https://kudos.example/kudos/{second}" in body
    assert "thanked you" not in body

    unsubscribe = re.fullmatch(r"<(https://kudos\.example/notifications/unsubscribe/\S+)>",
                               mail["List-Unsubscribe"])
    assert unsubscribe, mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.group(1) in body  # the same link, for people, at the bottom
    assert digest_runs(app, ines) == [("2026-W48", "sent", 2)]
    assert emailed(app, ines) == [True, True]

    # The mail client's one-click POST (RFC 8058) works without a session.
    path = unsubscribe.group(1).removeprefix("https://kudos.example")
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert field(app, ines, "digest_frequency") == "never"


def test_digest_in_english_by_default(app, smtp, hugo, lea):
    thank(app, hugo, lea)
    assert send(app, lea) == "sent"
    mail = smtp.messages[0]
    assert decoded(mail["Subject"]) == "Your Kudos news: 1 new"
    assert "Hello Léa Moreau," in body_of(mail)
    assert "Hugo Martin thanked you" in body_of(mail)


def test_digest_lists_only_what_is_unread_and_not_yet_emailed(app, smtp, ines, hugo, lea, make):
    thank(app, hugo, ines)
    thank(app, lea, ines)
    zoe = make.user("Zoé Roux")
    thank(app, zoe, ines)
    with app.app_context():
        first, second, _third = db.session.scalars(
            select(Notification.id).where(Notification.user_id == ines.id)
            .order_by(Notification.id)).all()
        db.session.execute(update(Notification).where(Notification.id == first)
                           .values(read_at=utcnow()))
        db.session.execute(update(Notification).where(Notification.id == second)
                           .values(emailed_at=utcnow()))
        db.session.commit()
    assert send(app, ines) == "sent"
    body = body_of(smtp.messages[0])
    assert "Zoé Roux" in body
    assert "Hugo Martin" not in body and "Léa Moreau" not in body


def test_digest_runs_twice_for_the_same_period_sends_once(app, smtp, ines, hugo):
    thank(app, hugo, ines)
    assert send(app, ines) == "sent"
    assert send(app, ines) == "already"
    assert len(smtp.messages) == 1
    assert digest_runs(app, ines) == [("2026-W48", "sent", 1)]


def test_next_period_sends_only_what_is_new(app, smtp, ines, hugo, lea):
    thank(app, hugo, ines)
    assert send(app, ines, "2026-W48") == "sent"
    assert send(app, ines, "2026-W49") == "empty"  # nothing new: no email at all
    thank(app, lea, ines)
    assert send(app, ines, "2026-W50") == "sent"
    assert len(smtp.messages) == 2
    assert "Léa Moreau" in body_of(smtp.messages[1])
    assert "Hugo Martin" not in body_of(smtp.messages[1])


def test_nothing_unread_means_no_email(app, smtp, ines):
    assert send(app, ines) == "empty"
    assert smtp.messages == []
    assert digest_runs(app, ines) == [("2026-W48", "empty", 0)]


def test_a_deactivated_person_gets_no_digest(app, smtp, ines, hugo):
    thank(app, hugo, ines)
    set_fields(app, ines, active=False)
    assert send(app, ines) == "gone"
    assert smtp.messages == []


# --- SMTP faults -------------------------------------------------------------------------------


def test_smtp_server_refusing_fails_the_job_and_leaves_the_period_open(app, smtp, ines, hugo):
    thank(app, hugo, ines)
    smtp.refuse = True
    with pytest.raises(smtplib.SMTPDataError):
        send(app, ines)
    assert smtp.messages == []
    assert digest_runs(app, ines) == []  # not marked: the retry may send it
    assert emailed(app, ines) == [False]

    smtp.refuse = False
    assert send(app, ines) == "sent"  # the retry, later
    assert len(smtp.messages) == 1
    assert digest_runs(app, ines) == [("2026-W48", "sent", 1)]


def test_no_smtp_server_listening_fails_the_job_and_a_later_run_sends(
    app, smtp, monkeypatch, ines, hugo
):
    thank(app, hugo, ines)
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nobody there
    with pytest.raises(ConnectionRefusedError):
        send(app, ines)
    assert digest_runs(app, ines) == []
    monkeypatch.setitem(app.config, "SMTP_PORT", smtp.port)
    assert send(app, ines) == "sent"
    assert len(smtp.messages) == 1


def test_smtp_server_that_never_answers_times_out(app, smtp, monkeypatch, ines, hugo):
    thank(app, hugo, ines)
    with socket.socket() as silent:  # accepts connections (backlog), never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        monkeypatch.setitem(app.config, "SMTP_PORT", silent.getsockname()[1])
        monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 0.5)
        started = time.monotonic()
        with pytest.raises((TimeoutError, smtplib.SMTPException)):
            send(app, ines)
        assert time.monotonic() - started < 5
    assert digest_runs(app, ines) == []


# --- the periodic job --------------------------------------------------------------------------


def test_due_digests_go_only_to_people_in_their_working_hours(app, smtp, make, hugo):
    today = datetime.now(UTC).isoweekday()
    at_work = make.user("At Work", email="at.work@example.com", **ALL_WEEK)
    day_off = make.user("Day Off", email="day.off@example.com", timezone="UTC",
                        working_days=",".join(str(d) for d in range(1, 8) if d != today))
    unsubscribed = make.user("No Mail", email="no.mail@example.com", digest_frequency="never",
                             **ALL_WEEK)
    for person in (at_work, day_off, unsubscribed):
        thank(app, hugo, person)

    with app.app_context():
        assert jobs.send_due_digests() == 1
    assert [m["To"] for m in smtp.messages] == ["at.work@example.com"]
    assert digest_runs(app, day_off) == [] and digest_runs(app, unsubscribed) == []
    week = datetime.now(UTC).isocalendar()
    assert digest_runs(app, at_work) == [(f"{week.year}-W{week.week:02d}", "sent", 1)]

    with app.app_context():  # fifteen minutes later: already sent this week
        assert jobs.send_due_digests() == 0
    assert len(smtp.messages) == 1


def test_daily_digest_is_queued_for_today(app, smtp, make, hugo):
    daily = make.user("Daily", email="daily@example.com", digest_frequency="daily", **ALL_WEEK)
    thank(app, hugo, daily)
    with app.app_context():
        assert jobs.send_due_digests() == 1
    assert digest_runs(app, daily) == [(datetime.now(UTC).date().isoformat(), "sent", 1)]


def test_without_smtp_settings_no_digest_is_sent(app, smtp, monkeypatch, make, hugo):
    person = make.user("At Work", email="at.work@example.com", **ALL_WEEK)
    thank(app, hugo, person)
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    with app.app_context():
        assert jobs.send_due_digests() == 0
        assert db.session.scalar(select(func.count(outbox.OutboxEvent.id)).where(
            outbox.OutboxEvent.job.like("%send_digest"))) == 0
    assert smtp.messages == []
    assert digest_runs(app, person) == []


def test_refused_digest_waits_in_the_outbox_then_goes_once(app, smtp, make, hugo):
    """Without Redis the digest runs inline: a refusing server neither fails the periodic job
    nor loses the digest; the next run sends it, once."""
    person = make.user("At Work", email="at.work@example.com", **ALL_WEEK)
    thank(app, hugo, person)
    smtp.refuse = True
    with app.app_context():
        assert jobs.send_due_digests() == 1
        event = db.session.scalar(select(outbox.OutboxEvent).where(
            outbox.OutboxEvent.job.like("%send_digest")))
        assert event.status == "pending" and event.attempts == 1
        assert "554" in event.last_error
    assert digest_runs(app, person) == []

    smtp.refuse = False
    with app.app_context():
        jobs.send_due_digests()
        jobs.send_due_digests()
        assert outbox.backlog()["pending"] == 0
    assert len(smtp.messages) == 1
    assert len(digest_runs(app, person)) == 1


# --- the nudge gate ------------------------------------------------------------------------------


def rest(app, user, days: int) -> date:
    """A back-off from today (UTC, the person's zone in these tests); returns its last day."""
    today = utcnow().date()
    with app.app_context():
        db.session.add(Backoff(user_id=user.id, reason="overextended", starts_on=today,
                               until=today + timedelta(days=days - 1)))
        db.session.commit()
    return today + timedelta(days=days - 1)


def digest_decisions(app, user) -> list[tuple[str, str]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(NudgeDecision.decision, NudgeDecision.reason)
            .where(NudgeDecision.user_id == user.id, NudgeDecision.kind == "digest")
            .order_by(NudgeDecision.id))]


def test_a_person_resting_gets_no_digest_until_the_back_off_ends_then_gets_it_all(
    app, smtp, make, hugo, lea, monkeypatch
):
    person = make.user("Resting", email="resting@example.com", **ALL_WEEK)
    set_fields(app, lea, digest_frequency="never")  # a giver here, nothing to read
    thank(app, hugo, person)
    last_day = rest(app, person, 3)
    with app.app_context():
        assert jobs.send_due_digests() == 0
        assert jobs.send_due_digests() == 0  # fifteen minutes later, still resting
    thank(app, lea, person, "Bravo pour la démo")  # arrives during the back-off
    assert smtp.messages == []
    assert digest_runs(app, person) == []  # the period stays open
    assert emailed(app, person) == [False, False]
    assert digest_decisions(app, person) == [("hold", "backoff")]  # recorded, once

    # The working morning after the back-off's last day: one digest with everything.
    after = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), UTC)
    monkeypatch.setattr(jobs, "utcnow", lambda: after + timedelta(hours=9))
    with app.app_context():
        assert jobs.send_due_digests() == 1
    [mail] = smtp.messages
    assert mail["To"] == "resting@example.com"
    assert decoded(mail["Subject"]) == "Your Kudos news: 2 new"
    assert "Hugo Martin thanked you" in body_of(mail)
    assert "Léa Moreau thanked you" in body_of(mail)
    assert emailed(app, person) == [True, True]
    assert digest_decisions(app, person) == [("hold", "backoff"), ("send", "ok")]


def test_a_digest_is_not_held_by_a_recent_nudge(app, smtp, make, hugo):
    person = make.user("Nudged", email="nudged@example.com", **ALL_WEEK)
    thank(app, hugo, person)
    with app.app_context():
        assert nudge(db.session.get(User, person.id), "phase_changed",
                     f"phase_changed:test:{person.id}").decision == "send"
        assert jobs.send_due_digests() == 1
    assert [m["To"] for m in smtp.messages] == ["nudged@example.com"]


def test_a_digest_does_not_hold_the_next_nudge(app, smtp, make, hugo):
    person = make.user("Digested", email="digested@example.com", **ALL_WEEK)
    thank(app, hugo, person)
    with app.app_context():
        assert jobs.send_due_digests() == 1
        decision = nudge(db.session.get(User, person.id), "phase_changed",
                         f"phase_changed:test:{person.id}")
    assert (decision.decision, decision.reason) == ("send", "ok")
    assert len(smtp.messages) == 1
    assert digest_decisions(app, person) == [("send", "ok")]


def test_a_digest_queued_before_the_person_unsubscribed_is_not_sent(app, smtp, ines, hugo):
    thank(app, hugo, ines)
    set_fields(app, ines, digest_frequency="never")
    assert send(app, ines) == "stopped"
    assert smtp.messages == []
    assert emailed(app, ines) == [False]


# --- unsubscribe -------------------------------------------------------------------------------


def token_for(app, user) -> str:
    with app.app_context():
        return unsubscribe_token(user.id)


def test_unsubscribe_page_shows_one_button_and_changes_nothing(app, client, ines):
    token = token_for(app, ines)
    response = client.get(f"/notifications/unsubscribe/{token}")
    assert response.status_code == 200
    main = response.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("<form") == main.count('<form method="post">') == 1
    assert main.count("<button") == 1
    assert "Stop the digest" in main
    assert field(app, ines, "digest_frequency") == "weekly"


def test_unsubscribe_post_stops_the_digest_without_sign_in_or_csrf(
    app, client, monkeypatch, ines
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    # CSRF is really on: another form posted without its token is refused.
    assert client.post("/login", data={"email": "ines@example.com",
                                       "password": "x"}).status_code == 400
    token = token_for(app, ines)
    response = client.post(f"/notifications/unsubscribe/{token}")
    assert response.status_code == 200
    assert "You will not receive the digest any more" in response.get_data(as_text=True)
    assert field(app, ines, "digest_frequency") == "never"
    # Again (the mail client and the person both click): still fine, still never.
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 200


def expired_token(app, user, days: int) -> str:
    class Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - days * 86400

    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT, signer=Past).dumps(user.id)


@pytest.mark.parametrize("forge", [
    lambda app, user: unsubscribe_token_with(app, "another-secret", user.id),
    lambda app, user: unsubscribe_token_with(app, app.config["SECRET_KEY"], user.id)[:-2] + "xx",
    lambda app, user: unsubscribe_token_with(app, app.config["SECRET_KEY"], str(user.id)),
    lambda app, user: expired_token(app, user, UNSUBSCRIBE_DAYS + 1),
    lambda app, user: "nonsense",
], ids=["other-key", "tampered", "not-an-id", "expired", "garbage"])
def test_forged_or_expired_token_shows_a_clear_page_and_changes_nothing(
    app, client, ines, forge
):
    token = forge(app, ines)
    response = client.post(f"/notifications/unsubscribe/{token}")
    assert response.status_code == 400
    assert "This link no longer works" in response.get_data(as_text=True)
    assert field(app, ines, "digest_frequency") == "weekly"


def unsubscribe_token_with(app, secret: str, value) -> str:
    return URLSafeTimedSerializer(secret, salt=SALT).dumps(value)


def test_an_old_token_within_its_life_still_works(app, client, ines):
    token = expired_token(app, ines, UNSUBSCRIBE_DAYS - 1)
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 200
    assert field(app, ines, "digest_frequency") == "never"


def test_a_token_of_a_deactivated_person_changes_nothing(app, client, ines):
    token = token_for(app, ines)
    set_fields(app, ines, active=False)
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 400
    assert field(app, ines, "digest_frequency") == "weekly"


# --- adaptive delivery -------------------------------------------------------------------------


def pile_up(app, user, actor, *, old: int = 1, recent: int = 4) -> None:
    """Unread notifications: `old` of them 15 days old, `recent` of them from today; the
    kinds mix recognition (thanked) and the rest (commented, cosigned)."""
    now = utcnow()
    kinds = ["thanked", "commented", "cosigned"]
    with app.app_context():
        for i in range(old + recent):
            created = now - timedelta(days=15) if i < old else now - timedelta(hours=i)
            db.session.add(Notification(user_id=user.id, kind=kinds[i % 3], actor_id=actor.id,
                                        dedupe_key=f"pile:{user.id}:{i}", created_at=created))
        db.session.commit()


def bell(client) -> int:
    match = re.search(r'<span class="bell-count">(\d+)</span>',
                      client.get("/notifications/bell").get_data(as_text=True))
    return int(match.group(1)) if match else 0


def gathered(app, user) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.kind == "gathered"))


def adapt(app) -> int:
    with app.app_context():
        return jobs.adapt_delivery()


def test_unread_pile_moves_to_the_digest_and_the_person_is_told_once(
    app, client, member, hugo
):
    pile_up(app, member, hugo)  # 5 unread: thanked, commented, cosigned, thanked, commented
    assert login(client, member).status_code == 303
    assert bell(client) == 5

    assert adapt(app) == 1
    assert field(app, member, "notify_mode") == "digest"
    assert field(app, member, "gathered_at") is not None
    assert gathered(app, member) == 1
    # The bell now counts only recognition received (the two thanks), never held back.
    assert bell(client) == 2

    assert adapt(app) == 0  # the same night, again: nothing more, no second message
    assert gathered(app, member) == 1


def test_not_enough_or_not_old_enough_stays_live(app, make, hugo):
    few = make.user("Few")
    fresh = make.user("Fresh")
    pile_up(app, few, hugo, old=1, recent=3)
    pile_up(app, fresh, hugo, old=0, recent=8)
    assert adapt(app) == 0
    assert field(app, few, "notify_mode") == "live"
    assert field(app, fresh, "notify_mode") == "live"
    assert gathered(app, few) == gathered(app, fresh) == 0


def test_gathering_turns_a_stopped_digest_back_on_weekly(app, make, hugo):
    person = make.user("Quiet", digest_frequency="never")
    pile_up(app, person, hugo)
    assert adapt(app) == 1
    assert field(app, person, "digest_frequency") == "weekly"


def profile_form(**changes) -> dict:
    data = {"name": "Awa Diallo", "team_id": "0", "timezone": "Europe/Paris",
            "working_days": ["1", "2", "3", "4", "5"], "work_start": "09:00",
            "work_end": "18:00", "locale": "", "profile_public": "y",
            "digest_frequency": "weekly", "notify_mode": "live"}
    data.update(changes)
    return data


def test_moving_back_to_live_in_settings_is_respected(app, client, member, hugo):
    pile_up(app, member, hugo)
    assert adapt(app) == 1
    assert login(client, member).status_code == 303
    assert bell(client) == 2

    response = client.post("/settings/", data=profile_form(notify_mode="live"))
    assert response.status_code == 303
    assert field(app, member, "notify_mode") == "live"
    assert field(app, member, "gathered_at") is None
    assert bell(client) == 6  # everything counts again, the kind message included

    # The following nights, with the same old pile still unread, their choice stands: they
    # are not moved again, nor told again.
    assert adapt(app) == 0
    assert field(app, member, "notify_mode") == "live"
    assert gathered(app, member) == 1


def test_a_new_pile_after_moving_back_is_gathered_again(app, client, member, hugo,
                                                       monkeypatch):
    pile_up(app, member, hugo)
    assert adapt(app) == 1
    assert login(client, member).status_code == 303
    assert client.post("/settings/", data=profile_form(notify_mode="live")).status_code == 303
    # Five new ones arrive after they moved back, and stay unread for over two weeks.
    later = utcnow() + timedelta(hours=1)
    with app.app_context():
        for i in range(5):
            db.session.add(Notification(user_id=member.id, kind="commented", actor_id=hugo.id,
                                        dedupe_key=f"later:{i}", created_at=later))
        db.session.commit()
    assert adapt(app) == 0
    monkeypatch.setattr(jobs, "utcnow", lambda: later + timedelta(days=15))
    assert adapt(app) == 1
    assert field(app, member, "notify_mode") == "digest"
    assert gathered(app, member) == 2

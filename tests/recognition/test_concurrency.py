"""Concurrent submissions cannot slip past a cap: several threads, each with its own app
context and database connection, give at the same moment (SQLite and PostgreSQL)."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from kudos.auth.models import User
from kudos.extensions import db
from kudos.recognition import operations
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.sqltypes import utcnow
from tests.recognition.helpers import count_kudos, give, midday_zone

THREADS = 8


def give_at_once(app, giver, drafts: list[operations.Draft]) -> dict[str, list]:
    """Run one `operations.give` per draft, all released at the same moment."""
    barrier = threading.Barrier(len(drafts))
    results: dict[str, list] = {"given": [], "repeated": [], "cooldown": [], "error": []}
    lock = threading.Lock()

    def run(draft: operations.Draft) -> None:
        with app.app_context():
            try:
                person = db.session.get(User, giver.id)
                db.session.commit()  # start from a fresh transaction, as a request does
                barrier.wait(timeout=30)
                kudos, created = operations.give(person, draft)
                outcome = ("given" if created else "repeated", kudos.id)
            except operations.Cooldown as refusal:
                outcome = ("cooldown", refusal.refusal.rule)
            except Exception as error:  # noqa: BLE001 (reported by the test below)
                outcome = ("error", repr(error))
            finally:
                db.session.remove()
        with lock:
            results[outcome[0]].append(outcome[1])

    threads = [threading.Thread(target=run, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert results["error"] == []
    return results


def test_concurrent_kudos_to_different_colleagues_stop_at_the_daily_cap(app, make, member):
    midday_zone(app, member)
    now = utcnow()
    for i in range(7):
        give(app, member, make.user(), now=now - timedelta(seconds=30 - i))
    colleagues = [make.user() for _ in range(THREADS)]
    drafts = [operations.Draft(recipient_ids=[c.id], message=f"Thanks {i}")
              for i, c in enumerate(colleagues)]
    results = give_at_once(app, member, drafts)
    assert len(results["given"]) == 3
    assert results["cooldown"] == ["daily_cap"] * (THREADS - 3)
    assert count_kudos(app) == 10


def test_concurrent_kudos_to_the_same_colleague_stop_at_the_pair_cap(app, make, member):
    hugo = make.user("Hugo Martin")
    drafts = [operations.Draft(recipient_ids=[hugo.id], message=f"Thanks {i}")
              for i in range(THREADS)]
    results = give_at_once(app, member, drafts)
    assert len(results["given"]) == 3
    assert results["cooldown"] == ["pair"] * (THREADS - 3)
    with app.app_context():
        in_window = db.session.scalar(
            select(func.count(Kudos.id))
            .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
            .where(Kudos.giver_id == member.id, KudosRecipient.user_id == hugo.id,
                   Kudos.created_at > utcnow() - timedelta(days=7))
        )
    assert in_window == 3


def test_concurrent_kudos_to_the_same_colleague_with_earlier_ones_stop_at_the_pair_cap(
        app, make, member):
    hugo = make.user("Hugo Martin")
    give(app, member, hugo, now=utcnow() - timedelta(days=2))
    drafts = [operations.Draft(recipient_ids=[hugo.id], message=f"Thanks {i}")
              for i in range(THREADS)]
    results = give_at_once(app, member, drafts)
    assert len(results["given"]) == 2
    assert count_kudos(app) == 3


def test_a_double_click_racing_itself_gives_one_kudos(app, make, member):
    hugo = make.user("Hugo Martin")
    drafts = [operations.Draft(recipient_ids=[hugo.id], message="Thanks",
                               idempotency_key="one-form") for _ in range(THREADS)]
    results = give_at_once(app, member, drafts)
    assert len(results["given"]) == 1
    assert len(results["repeated"]) == THREADS - 1
    assert set(results["repeated"]) == set(results["given"])
    assert count_kudos(app) == 1


def test_different_givers_do_not_wait_on_each_others_caps(app, make):
    hugo = make.user("Hugo Martin")
    givers = [make.user() for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(giver) -> None:
        with app.app_context():
            try:
                person = db.session.get(User, giver.id)
                db.session.commit()
                barrier.wait(timeout=30)
                operations.give(person, operations.Draft(recipient_ids=[hugo.id],
                                                         message="Thanks from me"))
                outcome = "given"
            except Exception as error:  # noqa: BLE001
                outcome = repr(error)
            finally:
                db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(g,)) for g in givers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["given"] * THREADS
    assert count_kudos(app) == THREADS

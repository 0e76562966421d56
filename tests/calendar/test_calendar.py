"""The working calendar of the company and of each person; the admin page; a person's
country in their settings."""

from datetime import UTC, date, datetime

import pytest

from kudos.audit import AuditLog
from kudos.auth.models import User
from kudos.calendar import operations
from kudos.calendar.models import Closure
from kudos.domain.calendar import WorkingCalendar
from kudos.domain.errors import Invalid
from kudos.extensions import db
from kudos.insights.gate import deliver_deferred, nudge
from kudos.insights.models import NudgeDecision
from kudos.notifications.models import Notification


def actions() -> list[str]:
    return db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)).all()


def test_the_company_calendar_is_france_monday_to_friday_until_an_admin_changes_it(ctx):
    assert operations.company_calendar() == WorkingCalendar("FR", (0, 1, 2, 3, 4), ())
    assert operations.company_timezone() == "Europe/Paris"


def test_company_today_is_the_date_in_the_company_time_zone(ctx, admin):
    late_evening_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert operations.company_today(late_evening_utc) == date(2027, 1, 1)  # Paris: 00:30
    operations.change_company(db.session.get(User, admin.id), country="US",
                              timezone="America/New_York")
    assert operations.company_today(late_evening_utc) == date(2026, 12, 31)
    assert operations.company_calendar().country == "US"
    assert actions() == ["calendar.changed"]


def test_a_person_calendar_has_their_country_their_days_and_the_company_closures(ctx, make,
                                                                                 admin):
    boss = db.session.get(User, admin.id)
    operations.add_closure(boss, first_day=date(2026, 12, 24), last_day=date(2027, 1, 1),
                           label="Christmas")
    berlin = db.session.get(User, make.user(country="DE", working_days="2,3,4,5").id)
    paris = db.session.get(User, make.user().id)
    closures = ((date(2026, 12, 24), date(2027, 1, 1)),)
    assert operations.person_calendar(berlin) == WorkingCalendar("DE", (1, 2, 3, 4), closures)
    assert operations.person_calendar(paris) == WorkingCalendar("FR", (0, 1, 2, 3, 4), closures)
    assert operations.person_calendar(berlin).is_off(date(2026, 10, 5))  # their Monday off


def test_an_unknown_country_cannot_be_stored(ctx, admin, member):
    boss = db.session.get(User, admin.id)
    with pytest.raises(Invalid):
        operations.change_company(boss, country="ZZ", timezone="Europe/Paris")
    with pytest.raises(Invalid):
        operations.change_company(boss, country="FR", timezone="Mars/Olympus")
    with pytest.raises(Invalid):
        operations.set_person_country(db.session.get(User, member.id), "XX")
    assert operations.company_calendar().country == "FR"


@pytest.mark.parametrize(("first", "last", "field"), [
    (date(2026, 8, 14), date(2026, 8, 3), "last_day"),  # ends before it starts
    (date(2026, 7, 1), date(2026, 9, 1), "last_day"),  # 63 days
    (date(2026, 12, 31), date(2027, 1, 6), "first_day"),  # overlaps Christmas
])
def test_a_closure_that_is_backwards_too_long_or_overlapping_is_refused(ctx, admin, first,
                                                                        last, field):
    boss = db.session.get(User, admin.id)
    operations.add_closure(boss, first_day=date(2026, 12, 24), last_day=date(2027, 1, 1),
                           label="Christmas")
    with pytest.raises(Invalid) as refused:
        operations.add_closure(boss, first_day=first, last_day=last, label="Another")
    assert refused.value.field == field
    assert db.session.scalar(db.select(db.func.count(Closure.id))) == 1


def test_closures_added_and_removed_are_audited(ctx, admin):
    boss = db.session.get(User, admin.id)
    august = operations.add_closure(boss, first_day=date(2026, 8, 3),
                                    last_day=date(2026, 8, 14), label="  August  fortnight ")
    assert august.label == "August fortnight"
    assert operations.company_calendar().is_closed(date(2026, 8, 10))
    operations.remove_closure(boss, august.id)
    assert not operations.company_calendar().is_closed(date(2026, 8, 10))
    assert actions() == ["calendar.closure_added", "calendar.closure_removed"]


# --- the nudge gate on real people ------------------------------------------------------------


def notices(user_id: int) -> list:
    return db.session.scalars(db.select(Notification).where(Notification.user_id == user_id)
                              ).all()


def test_nobody_is_nudged_on_their_own_public_holiday_it_comes_on_their_next_working_day(
        ctx, make):
    berlin = db.session.get(User, make.user(country="DE", timezone="Europe/Berlin").id)
    paris = db.session.get(User, make.user().id)
    unity_day = datetime(2025, 10, 3, 8, 0, tzinfo=UTC)  # 10:00 in both, a Friday
    held = nudge(berlin, "campaign_launched", "launch:berlin", now=unity_day)
    sent = nudge(paris, "campaign_launched", "launch:paris", now=unity_day)
    assert (held.decision, held.reason) == ("defer", "day_off")
    assert held.deliver_at == datetime(2025, 10, 6, 7, 0, tzinfo=UTC)  # Monday 09:00 Berlin
    assert (sent.decision, sent.reason) == ("send", "ok")
    assert notices(berlin.id) == [] and len(notices(paris.id)) == 1
    assert deliver_deferred(now=held.deliver_at) == 1
    assert len(notices(berlin.id)) == 1


def test_a_closure_added_after_a_nudge_was_deferred_defers_it_again(ctx, make, admin):
    person = db.session.get(User, make.user().id)
    bastille_day = datetime(2026, 7, 14, 8, 0, tzinfo=UTC)
    first = nudge(person, "campaign_launched", "launch:1", now=bastille_day)
    assert (first.reason, first.deliver_at) == ("day_off", datetime(2026, 7, 15, 7, 0,
                                                                     tzinfo=UTC))
    operations.add_closure(db.session.get(User, admin.id), first_day=date(2026, 7, 15),
                           last_day=date(2026, 7, 17), label="Summer bridge")
    assert deliver_deferred(now=first.deliver_at) == 0
    again = db.session.scalars(db.select(NudgeDecision).order_by(NudgeDecision.id.desc())
                               ).first()
    assert (again.decision, again.reason) == ("defer", "day_off")
    assert again.deliver_at == datetime(2026, 7, 20, 7, 0, tzinfo=UTC)  # Monday
    assert deliver_deferred(now=again.deliver_at) == 1
    assert len(notices(person.id)) == 1

"""The working calendar of the company and of each person; the admin page; a person's
country in their settings."""

import html
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


# --- the admin page ------------------------------------------------------------------------------


def test_the_admin_page_lists_the_country_and_this_year_holidays_in_the_reader_language(
        admin_client):
    page = admin_client.get("/admin/calendar/").get_data(as_text=True)
    assert "Working calendar" in page and "France" in page
    assert "National Day" in page  # 14 July, from the holidays package
    french = admin_client.get("/admin/calendar/", headers={"Accept-Language": "fr"})
    text = french.get_data(as_text=True)
    assert "Calendrier de travail" in text and "Fête nationale" in text
    assert "Allemagne" in text  # a country to choose, named in French


def test_an_admin_adds_then_removes_a_closure(app, admin_client):
    response = admin_client.post("/admin/calendar/closures", data={
        "label": "Christmas", "first_day": "2026-12-24", "last_day": "2027-01-01"})
    assert response.status_code == 303
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Christmas" in page and "December 24, 2026" in page and "January 1, 2027" in page
    with app.app_context():
        closure = db.session.scalars(db.select(Closure)).one()
        assert (closure.first_day, closure.last_day) == (date(2026, 12, 24), date(2027, 1, 1))
    response = admin_client.post(f"/admin/calendar/closures/{closure.id}/delete")
    assert response.status_code == 303
    page = admin_client.get("/admin/calendar/").get_data(as_text=True)
    assert "“Christmas” is removed" in page and "No closure planned." in page
    assert "December 24, 2026" not in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Closure.id))) == 0
        assert actions() == ["calendar.closure_added", "calendar.closure_removed"]
    assert admin_client.post(f"/admin/calendar/closures/{closure.id}/delete").status_code == 404


@pytest.mark.parametrize(("first", "last", "message"), [
    ("2026-08-14", "2026-08-03", "The last day comes before the first day"),
    ("2026-07-01", "2026-09-01", "A closure can last at most 62 days; this one lasts 63"),
    ("2026-08-10", "2026-08-20", "These days overlap “August”"),
    ("2026-08-10", "not a date", "Not a valid date value"),
    ("", "2026-08-20", "Please give the first day of the closure"),
])
def test_a_bad_closure_is_refused_with_a_message(app, admin_client, first, last, message):
    admin_client.post("/admin/calendar/closures", data={
        "label": "August", "first_day": "2026-08-03", "last_day": "2026-08-14"})
    response = admin_client.post("/admin/calendar/closures", data={
        "label": "Summer", "first_day": first, "last_day": last})
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Closure.id))) == 1


def test_an_admin_changes_the_country_and_time_zone(app, admin_client):
    response = admin_client.post("/admin/calendar/", data={"country": "DE",
                                                           "timezone": "Europe/Berlin"})
    assert response.status_code == 303
    page = admin_client.get("/admin/calendar/").get_data(as_text=True)
    assert "German Unity Day" in page
    with app.app_context():
        assert operations.company_calendar().country == "DE"
        assert operations.company_timezone() == "Europe/Berlin"
        assert actions() == ["calendar.changed"]
    refused = admin_client.post("/admin/calendar/", data={"country": "ZZ",
                                                          "timezone": "Europe/Berlin"})
    assert refused.status_code == 422
    assert "Please choose a country from the list." in refused.get_data(as_text=True)


def test_the_working_calendar_is_for_admins_only(member_client):
    assert member_client.get("/admin/calendar/").status_code == 403
    assert member_client.post("/admin/calendar/closures", data={
        "label": "Mine", "first_day": "2026-08-03", "last_day": "2026-08-04"}).status_code == 403


# --- a person's country in their settings --------------------------------------------------------


def settings_form(**changes) -> dict:
    return {"name": "Awa Diallo", "timezone": "Europe/Paris", "working_days": ["1", "2", "3",
            "4", "5"], "work_start": "09:00", "work_end": "18:00", "locale": "",
            "digest_frequency": "weekly", "notify_mode": "live", "profile_public": "y",
            **changes}


def test_a_person_chooses_their_country_and_goes_back_to_the_company_one(app, member,
                                                                        member_client):
    page = member_client.get("/settings/").get_data(as_text=True)
    assert "Same as the company (France)" in page
    assert member_client.post("/settings/", data=settings_form(country="DE")).status_code == 303
    with app.app_context():
        person = db.session.get(User, member.id)
        assert person.country == "DE"
        assert operations.person_calendar(person).is_holiday(date(2026, 10, 3))
    assert member_client.post("/settings/", data=settings_form(country="")).status_code == 303
    with app.app_context():
        assert db.session.get(User, member.id).country is None


def test_a_country_not_in_the_list_is_refused_in_settings(app, member, member_client):
    response = member_client.post("/settings/", data=settings_form(country="XX"))
    assert response.status_code == 422
    assert "Please choose a country from the list." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member.id).country is None

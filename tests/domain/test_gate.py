"""The nudge gate: hold for an opt-out, a mute, a back-off or a recent nudge; defer outside the
person's working days and hours, in their time zone, across daylight-saving changes, and on
their public holidays and the company's closures."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kudos.domain.calendar import WorkingCalendar
from kudos.domain.delivery import Rhythm
from kudos.domain.gate import Decision, Situation, decide
from kudos.domain.rules import Rules

RULES = Rules()  # nudge_min_interval_days 7, working_hours_only True
PARIS = Rhythm("Europe/Paris")  # Monday to Friday, 09:00 to 18:00
TOKYO = Rhythm("Asia/Tokyo")
NEW_YORK = Rhythm("America/New_York")
LOS_ANGELES = Rhythm("America/Los_Angeles")


def at(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


TUESDAY_10_PARIS = at("Europe/Paris", 2026, 3, 10, 10, 0)


def test_a_nudge_in_working_hours_with_nothing_against_it_is_sent():
    decision = decide(TUESDAY_10_PARIS, Situation(PARIS), RULES)
    assert decision == Decision("send", "ok", TUESDAY_10_PARIS)


# --- holds ---------------------------------------------------------------------------------------


def test_opted_out_holds():
    assert decide(TUESDAY_10_PARIS, Situation(PARIS, opted_out=True), RULES) == Decision(
        "hold", "opted_out")


def test_muted_holds():
    assert decide(TUESDAY_10_PARIS, Situation(PARIS, muted=True), RULES) == Decision(
        "hold", "muted")


def test_holds_are_never_deferred_even_outside_working_hours():
    night = at("Europe/Paris", 2026, 3, 10, 23, 0)
    assert decide(night, Situation(PARIS, muted=True), RULES).decision == "hold"
    assert decide(night, Situation(PARIS, backoff_until=date(2026, 3, 12)),
                  RULES).reason == "backoff"


def test_back_off_holds_until_its_last_day_inclusive():
    situation = Situation(PARIS, backoff_until=date(2026, 3, 10))
    assert decide(at("Europe/Paris", 2026, 3, 9, 10, 0), situation, RULES).reason == "backoff"
    assert decide(at("Europe/Paris", 2026, 3, 10, 17, 59), situation, RULES) == Decision(
        "hold", "backoff")
    after = at("Europe/Paris", 2026, 3, 11, 9, 0)
    assert decide(after, situation, RULES) == Decision("send", "ok", after)


def test_back_off_days_are_the_persons_own_days():
    # The app passes moments in UTC. Monday 17:00 in Los Angeles is already Tuesday in UTC,
    # and still their last day of rest.
    situation = Situation(LOS_ANGELES, backoff_until=date(2026, 3, 9))
    last_afternoon = at("America/Los_Angeles", 2026, 3, 9, 17, 0).astimezone(UTC)
    assert last_afternoon.date() == date(2026, 3, 10)
    assert decide(last_afternoon, situation, RULES).reason == "backoff"
    # Tuesday 10:00 in Auckland is still Monday in UTC: their rest is over.
    auckland = Situation(Rhythm("Pacific/Auckland"), backoff_until=date(2026, 3, 9))
    tuesday_morning = at("Pacific/Auckland", 2026, 3, 10, 10, 0).astimezone(UTC)
    assert tuesday_morning.date() == date(2026, 3, 9)
    assert decide(tuesday_morning, auckland, RULES).decision == "send"
    monday_morning = at("Pacific/Auckland", 2026, 3, 9, 10, 0).astimezone(UTC)
    assert decide(monday_morning, auckland, RULES).reason == "backoff"


def test_a_nudge_just_under_the_interval_is_held():
    last = TUESDAY_10_PARIS - timedelta(days=7) + timedelta(seconds=1)
    decision = decide(TUESDAY_10_PARIS, Situation(PARIS, last_nudged_at=last), RULES)
    assert decision == Decision("hold", "interval")


def test_a_nudge_exactly_the_interval_after_the_last_is_sent():
    last = TUESDAY_10_PARIS - timedelta(days=7)
    decision = decide(TUESDAY_10_PARIS, Situation(PARIS, last_nudged_at=last), RULES)
    assert decision.decision == "send"


def test_the_interval_follows_the_rules():
    last = TUESDAY_10_PARIS - timedelta(days=3)
    situation = Situation(PARIS, last_nudged_at=last)
    assert decide(TUESDAY_10_PARIS, situation, RULES).reason == "interval"
    shorter = replace(RULES, nudge_min_interval_days=3)
    assert decide(TUESDAY_10_PARIS, situation, shorter).decision == "send"


def test_the_interval_can_be_waived_by_the_caller():
    situation = Situation(PARIS, last_nudged_at=TUESDAY_10_PARIS - timedelta(hours=1))
    decision = decide(TUESDAY_10_PARIS, situation, RULES, respect_interval=False)
    assert decision.decision == "send"


def test_reasons_come_in_a_fixed_order():
    everything = Situation(PARIS, last_nudged_at=TUESDAY_10_PARIS,
                           backoff_until=date(2026, 3, 20), muted=True, opted_out=True)
    night = at("Europe/Paris", 2026, 3, 10, 23, 0)
    assert decide(night, everything, RULES).reason == "opted_out"
    assert decide(night, replace(everything, opted_out=False), RULES).reason == "muted"
    assert decide(night, replace(everything, opted_out=False, muted=False),
                  RULES).reason == "backoff"
    assert decide(night, Situation(PARIS, last_nudged_at=TUESDAY_10_PARIS), RULES
                  ).reason == "interval"


# --- deferring to the next working morning ---------------------------------------------------


@pytest.mark.parametrize(("rhythm", "now", "expected"), [
    # Friday evening in Paris: Monday 09:00 in Paris.
    (PARIS, at("Europe/Paris", 2026, 3, 13, 19, 30), at("Europe/Paris", 2026, 3, 16, 9, 0)),
    # Saturday noon in Paris.
    (PARIS, at("Europe/Paris", 2026, 3, 14, 12, 0), at("Europe/Paris", 2026, 3, 16, 9, 0)),
    # Early on a Tuesday in Paris: the same morning.
    (PARIS, at("Europe/Paris", 2026, 3, 10, 7, 15), at("Europe/Paris", 2026, 3, 10, 9, 0)),
    # Friday 18:00 in Tokyo (the end of the day is not part of it).
    (TOKYO, at("Asia/Tokyo", 2026, 3, 13, 18, 0), at("Asia/Tokyo", 2026, 3, 16, 9, 0)),
    # Sunday 23:30 UTC is Monday 08:30 in Tokyo: half an hour later.
    (TOKYO, utc(2026, 3, 15, 23, 30), at("Asia/Tokyo", 2026, 3, 16, 9, 0)),
    # Friday 20:00 in New York is Saturday 01:00 UTC.
    (NEW_YORK, at("America/New_York", 2026, 2, 20, 20, 0),
     at("America/New_York", 2026, 2, 23, 9, 0)),
    # Monday 10:00 in Paris is 04:00 in New York: 09:00 there.
    (NEW_YORK, at("Europe/Paris", 2026, 2, 23, 10, 0), at("America/New_York", 2026, 2, 23, 9, 0)),
])
def test_outside_working_hours_is_deferred_to_the_next_working_morning(rhythm, now, expected):
    decision = decide(now, Situation(rhythm), RULES)
    assert decision.decision == "defer"
    assert decision.reason == "outside_hours"
    assert decision.deliver_at == expected


def test_friday_evening_in_paris_is_monday_nine_in_paris_in_utc():
    decision = decide(utc(2026, 1, 16, 19, 0), Situation(PARIS), RULES)
    assert decision.deliver_at.astimezone(UTC) == utc(2026, 1, 19, 8, 0)  # winter: UTC+1


def test_working_days_of_the_person_are_used():
    # Sunday to Thursday, in Dubai: Sunday is a working day, Friday is not.
    dubai = Rhythm("Asia/Dubai", (7, 1, 2, 3, 4))
    sunday = at("Asia/Dubai", 2026, 3, 15, 10, 0)
    assert decide(sunday, Situation(dubai), RULES).decision == "send"
    friday = at("Asia/Dubai", 2026, 3, 13, 10, 0)
    assert decide(friday, Situation(dubai), RULES).deliver_at == at("Asia/Dubai", 2026, 3, 15,
                                                                    9, 0)


def test_custom_working_hours():
    late = Rhythm("Europe/Paris", start_minute=13 * 60, end_minute=21 * 60 + 30)
    evening = at("Europe/Paris", 2026, 3, 10, 21, 0)
    assert decide(evening, Situation(late), RULES).decision == "send"
    morning = at("Europe/Paris", 2026, 3, 10, 10, 0)
    assert decide(morning, Situation(late), RULES).deliver_at == at(
        "Europe/Paris", 2026, 3, 10, 13, 0)


# --- daylight-saving changes ---------------------------------------------------------------------


def test_march_change_in_paris_friday_to_monday():
    # Europe moves to summer time on Sunday 29 March 2026: Monday 09:00 is 07:00 UTC.
    decision = decide(at("Europe/Paris", 2026, 3, 27, 20, 0), Situation(PARIS), RULES)
    assert decision.deliver_at.astimezone(UTC) == utc(2026, 3, 30, 7, 0)
    assert decision.deliver_at.astimezone(ZoneInfo("Europe/Paris")).hour == 9


def test_during_the_missing_hour_in_paris():
    # 01:30 UTC on Sunday 29 March is 03:30 summer time (02:00-03:00 never happened).
    decision = decide(utc(2026, 3, 29, 1, 30), Situation(PARIS), RULES)
    assert decision.deliver_at.astimezone(UTC) == utc(2026, 3, 30, 7, 0)


def test_first_summer_morning_in_paris():
    assert decide(utc(2026, 3, 30, 6, 59), Situation(PARIS), RULES).deliver_at.astimezone(
        UTC) == utc(2026, 3, 30, 7, 0)
    assert decide(utc(2026, 3, 30, 7, 0), Situation(PARIS), RULES).decision == "send"


def test_october_change_in_paris_friday_to_monday():
    # Back to winter time on Sunday 25 October 2026: Monday 09:00 is 08:00 UTC.
    decision = decide(at("Europe/Paris", 2026, 10, 23, 19, 0), Situation(PARIS), RULES)
    assert decision.deliver_at.astimezone(UTC) == utc(2026, 10, 26, 8, 0)


def test_during_the_repeated_hour_in_paris():
    # 00:30 and 01:30 UTC on Sunday 25 October are both 02:30 in Paris.
    for moment in (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)):
        decision = decide(moment, Situation(PARIS), RULES)
        assert decision.deliver_at.astimezone(UTC) == utc(2026, 10, 26, 8, 0)


def test_new_york_changes_on_other_dates_than_paris():
    # The US moves on 8 March 2026 and back on 1 November 2026.
    march = decide(at("America/New_York", 2026, 3, 6, 19, 0), Situation(NEW_YORK), RULES)
    assert march.deliver_at.astimezone(UTC) == utc(2026, 3, 9, 13, 0)  # 09:00 EDT
    november = decide(at("America/New_York", 2026, 10, 30, 19, 0), Situation(NEW_YORK), RULES)
    assert november.deliver_at.astimezone(UTC) == utc(2026, 11, 2, 14, 0)  # 09:00 EST


def test_between_the_two_changes_paris_and_new_york_are_five_hours_apart():
    # 9 to 27 March 2026: New York already on summer time, Paris not yet.
    tuesday = decide(at("Europe/Paris", 2026, 3, 17, 7, 0), Situation(NEW_YORK), RULES)
    assert tuesday.deliver_at == at("America/New_York", 2026, 3, 17, 9, 0)
    assert tuesday.deliver_at.astimezone(ZoneInfo("Europe/Paris")).hour == 14


def test_tokyo_has_no_change():
    for month in (3, 10):
        decision = decide(at("Asia/Tokyo", 2026, month, 2, 20, 0), Situation(TOKYO), RULES)
        assert decision.deliver_at.astimezone(UTC).hour == 0  # 09:00 JST is midnight UTC


# --- working hours off ------------------------------------------------------------------------


def test_without_working_hours_only_a_nudge_at_night_is_sent():
    rules = replace(RULES, working_hours_only=False)
    night = at("Europe/Paris", 2026, 3, 14, 3, 0)  # Saturday, 3 in the morning
    assert decide(night, Situation(PARIS), rules) == Decision("send", "ok", night)


def test_without_working_hours_only_the_other_holds_still_apply():
    rules = replace(RULES, working_hours_only=False)
    night = at("Europe/Paris", 2026, 3, 14, 3, 0)
    assert decide(night, Situation(PARIS, muted=True), rules).reason == "muted"
    assert decide(night, Situation(PARIS, last_nudged_at=night - timedelta(days=1)),
                  rules).reason == "interval"


# --- a nudge that only makes sense until a moment (a newcomer's first-week pointers) ----------


def test_a_nudge_past_its_moment_is_held_as_expired():
    until = TUESDAY_10_PARIS
    assert decide(TUESDAY_10_PARIS, Situation(PARIS), RULES, until=until) == Decision(
        "hold", "expired")
    assert decide(TUESDAY_10_PARIS, Situation(PARIS), RULES,
                  until=until + timedelta(minutes=1)).decision == "send"


def test_a_nudge_that_would_wait_past_its_moment_is_held_not_deferred():
    friday_evening = at("Europe/Paris", 2026, 3, 13, 19, 0)
    monday_nine = at("Europe/Paris", 2026, 3, 16, 9, 0)
    assert decide(friday_evening, Situation(PARIS), RULES, until=monday_nine) == Decision(
        "hold", "expired")
    later = decide(friday_evening, Situation(PARIS), RULES,
                   until=monday_nine + timedelta(hours=1))
    assert (later.decision, later.deliver_at) == ("defer", monday_nine)


def test_an_expired_nudge_is_held_before_any_other_reason():
    muted = Situation(PARIS, muted=True)
    assert decide(TUESDAY_10_PARIS, muted, RULES, until=TUESDAY_10_PARIS).reason == "expired"


# --- the working calendar: public holidays and closures ------------------------------------------

PARIS_IN_FRANCE = Rhythm("Europe/Paris", calendar=WorkingCalendar("FR"))
BERLIN_IN_GERMANY = Rhythm("Europe/Berlin", calendar=WorkingCalendar("DE"))


def test_a_french_person_gets_nothing_on_bastille_day_it_waits_for_the_next_morning():
    bastille_day = at("Europe/Paris", 2026, 7, 14, 10, 0)  # a Tuesday
    decision = decide(bastille_day, Situation(PARIS_IN_FRANCE), RULES)
    assert decision == Decision("defer", "day_off", at("Europe/Paris", 2026, 7, 15, 9, 0))


def test_a_german_person_gets_nothing_on_unity_day_a_french_person_works_normally():
    unity_day = at("Europe/Berlin", 2025, 10, 3, 10, 0)  # a Friday: next is Monday
    decision = decide(unity_day, Situation(BERLIN_IN_GERMANY), RULES)
    assert decision == Decision("defer", "day_off", at("Europe/Berlin", 2025, 10, 6, 9, 0))
    assert decide(unity_day, Situation(PARIS_IN_FRANCE), RULES) == Decision("send", "ok",
                                                                           unity_day)


def test_the_holiday_is_the_person_local_date_not_utc():
    # 23:30 UTC on 13 July is already 14 July in Paris, but still 13 July in New York.
    late = utc(2026, 7, 13, 23, 30)
    assert decide(late, Situation(PARIS_IN_FRANCE), RULES).reason == "day_off"
    new_york = Rhythm("America/New_York", (1, 2, 3, 4, 5), 9 * 60, 22 * 60,
                      WorkingCalendar("FR"))
    assert decide(late, Situation(new_york), RULES) == Decision("send", "ok", late)


def test_a_closure_day_defers_past_the_closure_the_weekend_and_the_holidays():
    christmas = WorkingCalendar("FR", closures=((date(2026, 12, 24), date(2026, 12, 31)),))
    rhythm = Rhythm("Europe/Paris", calendar=christmas)
    decision = decide(at("Europe/Paris", 2026, 12, 28, 11, 0), Situation(rhythm), RULES)
    # 1 January is a holiday (a Friday), then the weekend: Monday 4 January, 09:00.
    assert decision == Decision("defer", "day_off", at("Europe/Paris", 2027, 1, 4, 9, 0))


def test_a_day_off_defers_even_when_nudges_may_go_out_of_hours():
    anytime = replace(RULES, working_hours_only=False)
    decision = decide(at("Europe/Paris", 2026, 12, 25, 20, 0), Situation(PARIS_IN_FRANCE),
                      anytime)
    assert decision == Decision("defer", "day_off", at("Europe/Paris", 2026, 12, 28, 9, 0))


def test_a_back_off_or_a_mute_still_holds_on_a_day_off():
    bastille_day = at("Europe/Paris", 2026, 7, 14, 10, 0)
    muted = Situation(PARIS_IN_FRANCE, muted=True)
    assert decide(bastille_day, muted, RULES) == Decision("hold", "muted")


def test_a_day_off_past_the_deadline_of_the_nudge_is_held_as_expired():
    bastille_day = at("Europe/Paris", 2026, 7, 14, 10, 0)
    decision = decide(bastille_day, Situation(PARIS_IN_FRANCE), RULES,
                      until=at("Europe/Paris", 2026, 7, 14, 23, 0))
    assert decision == Decision("hold", "expired")

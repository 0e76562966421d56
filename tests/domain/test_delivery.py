"""When a digest goes out, when a moment is deferred to, and when notifications are gathered:
pure functions, explicit moments, real time zones (daylight-saving changes included)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kudos.domain.delivery import (
    AdaptiveRule,
    Rhythm,
    digest_due,
    in_working_hours,
    next_working_moment,
    should_gather,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
PARIS_WEEK = Rhythm("Europe/Paris")  # Monday to Friday, 09:00 to 18:00
NEW_YORK_WEEK = Rhythm("America/New_York")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def new_york(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- digest_due: daily -------------------------------------------------------------------------


def test_daily_digest_is_due_in_working_hours_for_the_local_day():
    assert digest_due(paris(2026, 3, 10, 10, 0), PARIS_WEEK, "daily", None) == "2026-03-10"


@pytest.mark.parametrize("moment", [
    paris(2026, 3, 10, 8, 59),   # before the day starts
    paris(2026, 3, 10, 18, 0),   # the day has ended (the end is not part of it)
    paris(2026, 3, 10, 23, 30),
    paris(2026, 3, 14, 10, 0),   # Saturday
    paris(2026, 3, 15, 10, 0),   # Sunday
])
def test_daily_digest_waits_outside_working_hours_and_days(moment):
    assert digest_due(moment, PARIS_WEEK, "daily", None) is None


def test_daily_digest_edges_of_the_working_day():
    assert digest_due(paris(2026, 3, 10, 9, 0), PARIS_WEEK, "daily", None) == "2026-03-10"
    assert digest_due(paris(2026, 3, 10, 17, 59), PARIS_WEEK, "daily", None) == "2026-03-10"


def test_daily_digest_goes_once_per_day():
    first = digest_due(paris(2026, 3, 10, 9, 15), PARIS_WEEK, "daily", None)
    assert first == "2026-03-10"
    for hour in (9, 12, 17):
        assert digest_due(paris(2026, 3, 10, hour, 30), PARIS_WEEK, "daily", first) is None
    assert digest_due(paris(2026, 3, 11, 9, 15), PARIS_WEEK, "daily", first) == "2026-03-11"


def test_the_day_is_the_persons_local_day_not_utc():
    auckland = Rhythm("Pacific/Auckland")
    # 21:00 UTC on Tuesday 10 March is 10:00 on Wednesday 11 March in Auckland (UTC+13).
    assert digest_due(utc(2026, 3, 10, 21, 0), auckland, "daily", "2026-03-10") == "2026-03-11"
    # and 14:00 UTC is 03:00 there: asleep, nothing goes.
    assert digest_due(utc(2026, 3, 10, 14, 0), auckland, "daily", None) is None


def test_working_hours_are_read_in_the_persons_time_zone():
    moment = utc(2026, 3, 2, 13, 30)  # 14:30 in Paris, 08:30 in New York (winter time)
    assert digest_due(moment, PARIS_WEEK, "daily", None) == "2026-03-02"
    assert digest_due(moment, NEW_YORK_WEEK, "daily", None) is None
    # Between the American (8 March) and European (29 March) changes the gap is 5 hours:
    # the same 13:30 UTC is already 09:30 in New York.
    assert digest_due(utc(2026, 3, 16, 13, 30), NEW_YORK_WEEK, "daily", None) == "2026-03-16"


def test_never_and_unknown_frequencies_send_nothing():
    for frequency in ("never", "hourly", ""):
        assert digest_due(paris(2026, 3, 10, 10, 0), PARIS_WEEK, frequency, None) is None


def test_custom_hours_and_days_are_respected():
    evenings = Rhythm("Europe/Paris", (6, 7), 17 * 60 + 30, 22 * 60)
    assert digest_due(paris(2026, 3, 14, 17, 29), evenings, "daily", None) is None
    assert digest_due(paris(2026, 3, 14, 17, 30), evenings, "daily", None) == "2026-03-14"
    assert digest_due(paris(2026, 3, 16, 18, 0), evenings, "daily", None) is None  # Monday


# --- digest_due: weekly ------------------------------------------------------------------------


def test_weekly_digest_goes_on_monday_morning_then_not_again_that_week():
    monday = paris(2026, 3, 9, 9, 0)
    period = digest_due(monday, PARIS_WEEK, "weekly", None)
    assert period == "2026-W11"
    for day in range(9, 14):  # Monday to Friday
        for hour in (9, 13, 17):
            assert digest_due(paris(2026, 3, day, hour, 0), PARIS_WEEK, "weekly", period) is None
    assert digest_due(paris(2026, 3, 16, 9, 0), PARIS_WEEK, "weekly", period) == "2026-W12"


def test_weekly_digest_goes_on_tuesday_for_someone_off_on_monday():
    tuesday_to_friday = Rhythm("Europe/Paris", (2, 3, 4, 5))
    assert digest_due(paris(2026, 3, 9, 10, 0), tuesday_to_friday, "weekly", "2026-W10") is None
    assert digest_due(paris(2026, 3, 10, 8, 59), tuesday_to_friday, "weekly", "2026-W10") is None
    assert digest_due(paris(2026, 3, 10, 9, 0), tuesday_to_friday, "weekly",
                      "2026-W10") == "2026-W11"


def test_weekly_digest_missed_on_monday_still_goes_later_that_week():
    """A scheduler that was down on Monday does not lose the week: it goes on Wednesday."""
    assert digest_due(paris(2026, 3, 11, 15, 0), PARIS_WEEK, "weekly", "2026-W10") == "2026-W11"


def test_weekly_period_follows_iso_weeks_across_the_new_year():
    # 2026 has 53 ISO weeks: Monday 28 December to Friday 1 January are one week.
    sent = digest_due(paris(2026, 12, 28, 9, 0), PARIS_WEEK, "weekly", "2026-W52")
    assert sent == "2026-W53"
    assert digest_due(paris(2027, 1, 1, 10, 0), PARIS_WEEK, "weekly", sent) is None
    assert digest_due(paris(2027, 1, 4, 9, 0), PARIS_WEEK, "weekly", sent) == "2027-W01"


def test_weekly_digest_on_the_monday_after_the_clocks_change():
    # Europe moves to summer time on Sunday 29 March 2026: Monday 09:00 is 07:00 UTC, not 08:00.
    assert digest_due(utc(2026, 3, 30, 6, 59), PARIS_WEEK, "weekly", "2026-W13") is None
    assert digest_due(utc(2026, 3, 30, 7, 0), PARIS_WEEK, "weekly", "2026-W13") == "2026-W14"
    # and back on Sunday 25 October: Monday 09:00 is 08:00 UTC again.
    assert digest_due(utc(2026, 10, 26, 7, 30), PARIS_WEEK, "weekly", "2026-W43") is None
    assert digest_due(utc(2026, 10, 26, 8, 0), PARIS_WEEK, "weekly", "2026-W43") == "2026-W44"


# --- next_working_moment -----------------------------------------------------------------------


def test_a_moment_inside_working_hours_is_kept():
    moment = paris(2026, 3, 10, 11, 17)
    assert next_working_moment(moment, PARIS_WEEK) == moment


def test_early_morning_waits_for_the_start_of_the_day():
    assert next_working_moment(paris(2026, 3, 10, 6, 0), PARIS_WEEK) == paris(2026, 3, 10, 9, 0)


def test_evening_waits_for_the_next_working_morning():
    assert next_working_moment(paris(2026, 3, 10, 18, 0), PARIS_WEEK) == paris(2026, 3, 11, 9, 0)


def test_friday_evening_and_the_weekend_wait_for_monday():
    monday = paris(2026, 3, 16, 9, 0)
    assert next_working_moment(paris(2026, 3, 13, 19, 0), PARIS_WEEK) == monday
    assert next_working_moment(paris(2026, 3, 14, 12, 0), PARIS_WEEK) == monday
    assert next_working_moment(paris(2026, 3, 15, 23, 59), PARIS_WEEK) == monday


def test_paris_spring_forward_monday_starts_at_seven_utc():
    result = next_working_moment(paris(2026, 3, 27, 19, 0), PARIS_WEEK)  # Friday evening, CET
    assert result.astimezone(UTC) == utc(2026, 3, 30, 7, 0)  # Monday 09:00 CEST
    assert result.astimezone(PARIS).hour == 9


def test_paris_fall_back_monday_starts_at_eight_utc():
    result = next_working_moment(paris(2026, 10, 23, 19, 0), PARIS_WEEK)  # Friday evening, CEST
    assert result.astimezone(UTC) == utc(2026, 10, 26, 8, 0)  # Monday 09:00 CET


def test_new_york_spring_forward_and_fall_back():
    # The United States change on 8 March and 1 November 2026.
    spring = next_working_moment(new_york(2026, 3, 6, 18, 30), NEW_YORK_WEEK)
    assert spring.astimezone(UTC) == utc(2026, 3, 9, 13, 0)  # 09:00 EDT
    fall = next_working_moment(new_york(2026, 10, 30, 18, 30), NEW_YORK_WEEK)
    assert fall.astimezone(UTC) == utc(2026, 11, 2, 14, 0)  # 09:00 EST


def test_a_moment_given_in_utc_is_read_in_the_persons_zone():
    # 13:30 UTC on a Monday in early March: 08:30 in New York, so it waits half an hour...
    assert next_working_moment(utc(2026, 3, 2, 13, 30), NEW_YORK_WEEK).astimezone(UTC) == utc(
        2026, 3, 2, 14, 0)
    # ...but after the American change (and before the European one) it is already 09:30.
    moment = utc(2026, 3, 16, 13, 30)
    assert next_working_moment(moment, NEW_YORK_WEEK) == moment


def test_a_working_day_on_the_night_of_the_change_is_handled():
    """Someone who starts at 02:30 on Sundays: that wall time does not exist on 29 March in
    Paris; the next working moment is still a real instant, inside their hours."""
    night = Rhythm("Europe/Paris", (7,), 2 * 60 + 30, 6 * 60)
    result = next_working_moment(paris(2026, 3, 29, 0, 0), night)
    assert result.astimezone(UTC) < utc(2026, 3, 29, 4, 0)  # that Sunday, not a week later
    assert in_working_hours(result, night)


def test_during_the_repeated_autumn_hour_the_answer_is_never_an_hour_early():
    """New York repeats 01:00-02:00 on 1 November 2026. At the second 01:00 (06:00 UTC),
    someone working from 01:00 is already working: the answer is now, not the first 01:00."""
    night = Rhythm("America/New_York", (7,), 1 * 60, 3 * 60)
    second_one_o_clock = utc(2026, 11, 1, 6, 0)
    assert second_one_o_clock.astimezone(NEW_YORK).fold == 1
    result = next_working_moment(second_one_o_clock, night)
    assert result.astimezone(UTC) == second_one_o_clock


@pytest.mark.parametrize("rhythm", [
    PARIS_WEEK,
    NEW_YORK_WEEK,
    Rhythm("Europe/Paris", (2, 3, 4, 5)),
    Rhythm("America/New_York", (6, 7), 1 * 60, 3 * 60 + 30),  # early weekend shifts
])
@pytest.mark.parametrize("start", [
    utc(2026, 3, 5), utc(2026, 3, 26), utc(2026, 10, 22), utc(2026, 10, 29),
])
def test_next_working_moment_is_the_first_working_minute_from_then(rhythm, start):
    """Around each daylight-saving change, every 20 minutes for 5 days: the answer is never
    earlier than asked, is inside working hours, and no working minute comes before it."""
    for step in range(0, 5 * 24 * 3, 1):
        moment = start + timedelta(minutes=20 * step)
        # Compared in UTC: Python compares times of one zone by their wall clock, and never
        # finds an ambiguous local time (the repeated hour in autumn) equal to a UTC one.
        result = next_working_moment(moment, rhythm).astimezone(UTC)
        assert result >= moment, (moment, result)
        assert in_working_hours(result, rhythm), (moment, result)
        if in_working_hours(moment, rhythm):
            assert result == moment, (moment, result)
        else:
            assert not in_working_hours(result - timedelta(minutes=1), rhythm), (moment, result)


def test_nobody_works_no_day_is_refused_clearly():
    with pytest.raises(ValueError):
        next_working_moment(paris(2026, 3, 10, 10, 0), Rhythm("Europe/Paris", ()))


# --- should_gather -----------------------------------------------------------------------------

NOW = utc(2026, 3, 10, 3, 30)


def ages(*days: float) -> list[datetime]:
    return [NOW - timedelta(days=d) for d in days]


def test_five_unread_with_one_two_weeks_old_are_gathered():
    assert should_gather(ages(14, 1, 1, 0.5, 0), NOW)


def test_four_unread_are_not_enough_however_old():
    assert not should_gather(ages(30, 30, 30, 30), NOW)


def test_many_unread_but_none_two_weeks_old_are_not_gathered():
    assert not should_gather(ages(*[1] * 40, 13.99), NOW)


def test_the_age_boundary_is_exactly_fourteen_days():
    just_short = [NOW - timedelta(days=14) + timedelta(seconds=1)] + ages(0, 0, 0, 0)
    assert not should_gather(just_short, NOW)
    assert should_gather([NOW - timedelta(days=14)] + ages(0, 0, 0, 0), NOW)


def test_nothing_unread_is_never_gathered():
    assert not should_gather([], NOW)


def test_the_rule_can_be_tuned():
    rule = AdaptiveRule(min_unread=2, older_than=timedelta(days=3))
    assert should_gather(ages(3, 0), NOW, rule)
    assert not should_gather(ages(2, 0), NOW, rule)
    assert not should_gather(ages(10), NOW, rule)

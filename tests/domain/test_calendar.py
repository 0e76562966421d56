"""The working calendar: weekends, public holidays per country, company closures."""

from datetime import date, timedelta

from kudos.domain.calendar import WorkingCalendar, holiday_names, is_supported

FRANCE = WorkingCalendar()  # France, Monday to Friday, no closure
GERMANY = WorkingCalendar("DE")


def test_bastille_day_and_christmas_are_public_holidays_in_france():
    assert FRANCE.is_holiday(date(2026, 7, 14))
    assert FRANCE.is_holiday(date(2026, 12, 25))
    assert FRANCE.is_off(date(2026, 7, 14))  # a Tuesday
    assert not FRANCE.is_holiday(date(2026, 7, 15))
    assert not FRANCE.is_off(date(2026, 7, 15))


def test_german_unity_day_is_a_holiday_in_germany_not_in_france():
    unity = date(2025, 10, 3)  # a Friday
    assert GERMANY.is_holiday(unity) and GERMANY.is_off(unity)
    assert not FRANCE.is_holiday(unity) and not FRANCE.is_off(unity)
    assert not GERMANY.is_holiday(date(2026, 7, 14))


def test_weekends_are_off_but_not_holidays():
    saturday, sunday, monday = date(2026, 3, 14), date(2026, 3, 15), date(2026, 3, 16)
    assert FRANCE.is_off(saturday) and FRANCE.is_off(sunday)
    assert not FRANCE.is_holiday(saturday)
    assert not FRANCE.is_off(monday)


def test_a_person_working_at_weekends_is_on_at_weekends():
    weekend_shift = WorkingCalendar("FR", (5, 6))
    assert not weekend_shift.is_off(date(2026, 3, 14))
    assert weekend_shift.is_off(date(2026, 3, 16))
    assert weekend_shift.is_off(date(2026, 11, 1))  # All Saints' Day, a Sunday in 2026


def test_a_closure_is_closed_from_its_first_to_its_last_day_included():
    christmas = WorkingCalendar(closures=((date(2026, 12, 24), date(2027, 1, 1)),))
    assert not christmas.is_closed(date(2026, 12, 23))
    assert christmas.is_closed(date(2026, 12, 24))
    assert christmas.is_closed(date(2026, 12, 30)) and christmas.is_off(date(2026, 12, 30))
    assert christmas.is_closed(date(2027, 1, 1))
    assert not christmas.is_closed(date(2027, 1, 4)) and not christmas.is_off(date(2027, 1, 4))
    assert not christmas.is_holiday(date(2026, 12, 30))  # closed, not a public holiday


def test_an_unknown_country_has_no_public_holiday_and_does_not_crash():
    nowhere = WorkingCalendar("ZZ")
    assert not is_supported("ZZ")
    assert not nowhere.is_holiday(date(2026, 12, 25))
    assert not nowhere.is_off(date(2026, 12, 25))  # a Friday
    assert nowhere.is_off(date(2026, 12, 26))  # still a Saturday
    assert holiday_names("ZZ", 2026) == []
    assert nowhere.off_days(date(2026, 12, 21), date(2026, 12, 27)) == [False] * 5 + [True] * 2


def test_off_days_agrees_with_is_off_day_by_day_across_years():
    calendar = WorkingCalendar("FR", (0, 1, 2, 3),
                               ((date(2026, 8, 3), date(2026, 8, 14)),
                                (date(2026, 12, 24), date(2027, 1, 1))))
    start, end = date(2025, 11, 20), date(2027, 2, 10)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    assert calendar.off_days(start, end) == [calendar.is_off(day) for day in days]
    assert calendar.off_days(end, start) == []
    assert calendar.off_days(start, start) == [calendar.is_off(start)]


def test_holiday_names_are_in_french_or_english_as_asked():
    french = dict(holiday_names("FR", 2026, "fr"))
    english = dict(holiday_names("FR", 2026, "en"))
    assert french[date(2026, 7, 14)] == "Fête nationale"
    assert english[date(2026, 7, 14)] == "National Day"
    # Germany has no French names in the package: English rather than German.
    assert dict(holiday_names("DE", 2026, "fr"))[date(2026, 10, 3)] == "German Unity Day"

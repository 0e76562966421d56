"""Fatigue phases: definitions, the sequential test on seeded steady and changing series,
the working calendar, honest uncertainty, history, concentration and the protective flags.
Pure functions over daily counts, with the default rules (launch 14 working days, ratios
1.5 and 0.45, dormant after 21 idle working days)."""

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from kudos.domain import fatigue
from kudos.domain.calendar import WorkingCalendar
from kudos.domain.fatigue import concentration, history, person_flags, read
from kudos.domain.rules import Rules

RULES = Rules()
START = date(2026, 1, 5)  # a Monday


def phase(series: list[int], rules: Rules = RULES, off=None) -> str:
    return read(series, rules, off).phase


def poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: small means only, which is all these tests draw.
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def team_days(rng: random.Random, kudos_a_day: float, days: int, start: date = START,
              weekend: float = 0.15, level=lambda day: 1.0) -> tuple[list[int], list[bool]]:
    """A team's events as the app counts them (giver, one or two recipients, reactions),
    quiet weekends, and the company's calendar (France, Monday to Friday)."""
    calendar = WorkingCalendar("FR")
    off = calendar.off_days(start, start + timedelta(days=days - 1))
    counts = []
    for i in range(days):
        share = weekend if off[i] else 1.0
        kudos = poisson(rng, kudos_a_day * share * level(i))
        counts.append(sum(2 + (rng.random() < 0.3) + poisson(rng, 1.0) for _ in range(kudos)))
    return counts, off


# --- definitions: nothing, launch, dormant, revival ---------------------------------------------


def test_no_activity_at_all_is_dormant():
    assert phase([0] * 60) == "dormant"
    assert phase([]) == "dormant"
    assert history([0] * 10, RULES) == ["dormant"] * 10
    assert read([0] * 60, RULES).score == 0.0


def test_launch_for_the_first_launch_days_working_days():
    assert phase([0] * 30 + [2] * 14) == "launch"
    assert phase([5] * 14) == "launch"
    assert phase([5] * 15) == "plateau"
    assert history([0] * 20 + [3] * 20, RULES)[20:34] == ["launch"] * 14


def test_launch_counts_working_days_only():
    series = [5] * 20
    off = [False, False, False, False, False, True, True] * 2 + [False] * 6
    # 20 calendar days, 16 of them working days: past the 14 of a launch.
    assert phase(series, off=off) == "plateau"
    phases = history(series, RULES, off=off)
    # The 14th working day is the 18th day (four weekend days in between keep the phase).
    assert phases[:18] == ["launch"] * 18 and phases[18] == "plateau"


def test_dormant_at_exactly_dormant_days_without_activity():
    assert phase([5] * 40 + [0] * 21) == "dormant"
    assert phase([5] * 40 + [0] * 20) != "dormant"


def test_revival_when_a_dormant_scope_wakes_up_then_a_plateau():
    series = [5] * 40 + [0] * 30 + [5] * 30
    phases = history(series, RULES)
    assert phases[70:84] == ["revival"] * 14
    assert phases[-1] == "plateau"


# --- the sequential test on seeded series -----------------------------------------------------


@pytest.mark.parametrize("kudos_a_day", [1, 2, 4])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_steady_team_with_quiet_weekends_reads_no_decline(kudos_a_day, seed):
    counts, off = team_days(random.Random(seed * 100 + kudos_a_day), kudos_a_day, 200)
    phases = history(counts, RULES, off=off)
    active = phases[phases.index("launch"):]
    assert "decline" not in active and "dormant" not in active
    assert phases[-1] == "plateau"


def test_a_steady_team_reads_no_euphoria_either():
    for seed in range(5):
        counts, off = team_days(random.Random(seed), 6, 200)
        assert "euphoria" not in history(counts, RULES, off=off)


def test_a_real_drop_is_seen_within_a_week_and_dated():
    rng = random.Random(7)
    counts, off = team_days(rng, 8, 160, level=lambda day: 1.0 if day < 130 else 0.25)
    reading = read(counts, RULES, off)
    phases = history(counts, RULES, off=off)
    assert reading.phase == "decline"
    first = phases.index("decline")
    assert 130 <= first <= 137  # within a week of the drop
    assert 128 <= reading.since <= 133  # dated from when it fell
    assert reading.recent_mean < reading.usual_mean  # the evidence shown is the one used
    assert reading.enough_data and reading.confidence > 0.99


def test_a_decline_ends_in_a_plateau_when_the_level_comes_back():
    rng = random.Random(11)
    counts, off = team_days(rng, 8, 220,
                            level=lambda day: 0.25 if 120 <= day < 145 else 1.0)
    phases = history(counts, RULES, off=off)
    assert "decline" in phases[120:145]
    assert phases[-1] == "plateau"
    assert "revival" not in phases[145:]  # a return to normal, not a revival


def test_a_team_that_rises_two_and_a_half_times_reads_euphoria_not_revival():
    rng = random.Random(13)
    counts, off = team_days(rng, 3, 160, level=lambda day: 2.5 if day >= 148 else 1.0)
    phases = history(counts, RULES, off=off)
    assert phases[-1] == "euphoria"
    assert not {"decline", "revival"} & set(phases[20:])


def test_a_holiday_fortnight_and_a_closure_read_no_decline_and_january_no_revival():
    start = date(2025, 9, 1)
    closures = ((date(2025, 12, 22), date(2026, 1, 2)),)
    calendar = WorkingCalendar("FR", closures=closures)
    days = 200
    off = calendar.off_days(start, start + timedelta(days=days - 1))
    rng = random.Random(17)
    counts = [sum(2 + poisson(rng, 1.0) for _ in range(poisson(rng, 0.1 if o else 5)))
              for o in off]
    phases = history(counts, RULES, off=off)
    # From a week before the closure (22 December, day 112) to a month after it.
    assert not {"decline", "dormant", "revival"} & set(phases[105:155])
    reading = read(counts, RULES, off)
    assert (reading.phase, reading.enough_data) == ("plateau", True)


def test_too_little_activity_reads_the_steady_phase_without_enough_data():
    rng = random.Random(19)
    counts, off = team_days(rng, 0.4, 200, level=lambda day: 1.0 if day < 150 else 0.3)
    reading = read(counts, RULES, off)
    assert reading.enough_data is False
    assert reading.phase == "plateau"  # no decline read from so little
    assert reading.confidence < 1


def test_confidence_and_enough_data_on_every_reading():
    rng = random.Random(23)
    counts, off = team_days(rng, 5, 120)
    for n in range(1, 121, 7):
        reading = read(counts[:n], RULES, off[:n])
        assert reading.phase in fatigue.PHASES
        assert 0.0 <= reading.score <= 1.0 and 0.0 <= reading.confidence <= 1.0
        assert isinstance(reading.enough_data, bool)


def test_the_reading_never_says_decline_above_the_level_it_shows():
    for seed in range(20):
        rng = random.Random(seed)
        counts, off = team_days(rng, rng.choice([2, 5, 12]), 200,
                                level=lambda day, s=seed: 1.0 + 0.6 * ((day // 30 + s) % 3 - 1))
        for n in range(60, 201, 5):
            reading = read(counts[:n], RULES, off[:n])
            if reading.phase == "decline":
                assert reading.recent_mean < reading.usual_mean
            if reading.phase == "euphoria":
                assert reading.recent_mean > reading.usual_mean


# --- history -----------------------------------------------------------------------------------


def test_history_is_reproducible_day_by_day():
    rng = random.Random(29)
    counts, off = team_days(rng, 6, 150, level=lambda day: [1, 2.5, 0.3, 1][day // 40])
    whole = history(counts, RULES, off=off)
    for n in range(1, 151):
        assert history(counts[:n], RULES, off=off[:n]) == whole[:n]


def test_history_of_the_last_days_is_the_tail_of_the_whole():
    series = [3] * 100
    assert history(series, RULES, days=10) == history(series, RULES)[-10:]


def test_off_must_mark_every_day():
    with pytest.raises(ValueError):
        read([1, 2, 3], RULES, [False])


# --- concentration ----------------------------------------------------------------------------


def test_concentration_of_an_even_spread_is_one_fifth():
    assert concentration({1: 4, 2: 4, 3: 4, 4: 4, 5: 4}) == 0.2


def test_concentration_when_one_person_carries_everything():
    assert concentration({1: 12, 2: 0, 3: 0, 4: 0, 5: 0}) == 1.0
    assert concentration({1: 12}) == 1.0


def test_concentration_of_the_most_active_fifth():
    counts = {i: c for i, c in enumerate([10, 8, 2, 2, 2, 2, 1, 1, 1, 1])}
    assert concentration(counts) == 0.6


def test_concentration_without_activity_is_unknown():
    assert concentration({}) is None
    assert concentration({1: 0, 2: 0}) is None


# --- flags that protect a person -------------------------------------------------------------


def test_overextended_far_above_their_own_usual_and_their_team():
    own = [1] * 28 + [5] * 7
    assert person_flags(own, team_per_person_recent=1.0, rules=RULES) == ["overextended"]


def test_not_overextended_when_the_whole_team_is_that_busy():
    own = [1] * 28 + [5] * 7
    assert person_flags(own, team_per_person_recent=3.0, rules=RULES) == []


def test_a_quiet_persons_small_burst_is_not_overextension():
    own = [0] * 28 + [0, 0, 1, 0, 1, 0, 0]
    assert person_flags(own, team_per_person_recent=0.0, rules=RULES) == []


def test_cooling_when_declining_after_a_peak():
    own = [3] * 60 + [10] * 10 + [0, 0, 1, 0, 0, 0, 0] * 2
    assert read(own, RULES).phase == "decline"
    assert person_flags(own, team_per_person_recent=1.0, rules=RULES) == ["cooling"]


def test_no_cooling_for_a_decline_without_a_peak_before_it():
    own = [3] * 60 + [0, 0, 1, 0, 0, 0, 0] * 2
    assert read(own, RULES).phase == "decline"
    assert "cooling" not in person_flags(own, team_per_person_recent=1.0, rules=RULES)


def test_no_cooling_when_the_volume_cannot_tell_a_decline():
    own = [0, 1, 0, 0, 0, 1, 0] * 9 + [3] * 5 + [0] * 14  # quiet, a burst, quiet again
    assert read(own, RULES).enough_data is False
    assert "cooling" not in person_flags(own, team_per_person_recent=0.3, rules=RULES)


def test_no_flags_for_a_steady_person():
    assert person_flags([2] * 60, team_per_person_recent=2.0, rules=RULES) == []


# --- tuned rules -------------------------------------------------------------------------------


def test_a_lower_euphoria_ratio_sees_a_smaller_rise_sooner():
    series = [40] * 60 + [52] * 6
    assert phase(series) == "plateau"
    assert phase(series, replace(RULES, euphoria_ratio=1.25)) == "euphoria"


def test_a_higher_decline_ratio_sees_a_smaller_drop_sooner():
    series = [20] * 60 + [13] * 8
    assert phase(series) == "plateau"
    assert phase(series, replace(RULES, decline_ratio=0.7)) == "decline"


def test_shorter_dormant_days_call_a_shorter_silence_dormant():
    series = [5] * 40 + [0] * 10
    assert phase(series) == "decline"
    assert phase(series, replace(RULES, dormant_days=7)) == "dormant"


def test_longer_launch_days_keep_a_new_scope_in_launch():
    assert phase([5] * 20) == "plateau"
    assert phase([5] * 20, replace(RULES, launch_days=30)) == "launch"


@pytest.mark.parametrize("seed", range(6))
def test_a_six_person_team_that_goes_quiet_is_told_within_a_week(seed):
    # Two or three kudos a working day for months, then (nearly) silence.
    rng = random.Random(1000 + seed)
    counts, off = team_days(rng, 2.5, 180, level=lambda day: 1.0 if day < 160 else 0.05)
    phases = history(counts, RULES, off=off)
    assert "decline" not in phases[20:160] and "dormant" not in phases[20:160]
    # The silence begins on a Sunday (day 160): read within a week of its first working day.
    assert "decline" in phases[160:169]

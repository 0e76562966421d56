"""Fatigue phases at their boundaries, history, concentration and the protective flags: pure
functions over daily counts, with the default rules (launch 14 days, windows 7 and 28 days,
ratios 1.5 and 0.6, dormant after 21 idle days)."""

from dataclasses import replace

import pytest

from kudos.domain import fatigue
from kudos.domain.fatigue import classify, concentration, history, person_flags, read
from kudos.domain.rules import Rules

RULES = Rules()


def phase(series: list[int], rules: Rules = RULES) -> str:
    return read(series, rules).phase


# --- nothing, launch, dormant ------------------------------------------------------------------


def test_no_activity_at_all_is_dormant():
    assert phase([0] * 60) == "dormant"
    assert phase([]) == "dormant"
    assert history([0] * 10, RULES) == ["dormant"] * 10
    assert read([0] * 60, RULES).score == 0.0


def test_launch_while_the_first_activity_is_under_launch_days_old():
    assert phase([0] * 30 + [2] * 14) == "launch"  # first activity 13 days ago
    assert phase([5] * 14) == "launch"
    assert read([5] * 14, RULES).score == pytest.approx(1 / 14, abs=0.001)


def test_launch_ends_when_the_first_activity_is_launch_days_old():
    assert phase([5] * 15) == "plateau"  # 14 days old: steady since, so a plateau


def test_launch_counts_from_the_first_activity_not_from_the_series_start():
    assert history([0] * 20 + [3] * 20, RULES)[:20] == ["dormant"] * 20
    assert history([0] * 20 + [3] * 20, RULES)[20:34] == ["launch"] * 14


def test_dormant_at_exactly_dormant_days_without_activity():
    assert phase([5] * 40 + [0] * 21) == "dormant"
    assert phase([5] * 40 + [0] * 20) == "decline"  # 20 idle days: a decline, not yet dormant


def test_dormant_wins_over_launch_once_idle_long_enough():
    assert phase([0] * 5 + [3] + [0] * 21, replace(RULES, launch_days=60)) == "dormant"


# --- euphoria and decline at their ratios ------------------------------------------------------


def test_euphoria_at_exactly_the_euphoria_ratio():
    # Usual 20 a day; the last three days each see a recent week of exactly 210 (30 a day).
    series = [20] * 40 + [34] * 5 + [20] * 2
    assert [classify(series[:n], RULES, "plateau").ratio for n in (45, 46, 47)] == [1.5] * 3
    reading = read(series, RULES)
    assert reading.phase == "euphoria"
    assert (reading.recent_mean, reading.usual_mean, reading.ratio) == (30.0, 20.0, 1.5)


def test_just_below_the_euphoria_ratio_is_a_plateau():
    series = [20] * 40 + [34] * 4 + [33] + [20] * 2  # 209 in the last week: ratio 1.493
    assert classify(series, RULES, "plateau").phase == "plateau"
    assert phase(series) == "plateau"


def test_the_day_rule_at_the_euphoria_boundary():
    assert classify([20] * 35 + [30] * 7, RULES, "plateau").phase == "euphoria"
    assert classify([20] * 35 + [30] * 6 + [29], RULES, "plateau").phase == "plateau"


def test_decline_at_exactly_the_decline_ratio():
    reading = read([25] * 35 + [15] * 7, RULES)
    assert (reading.phase, reading.ratio) == ("decline", 0.6)
    assert reading.usual_mean == 25.0  # the level it fell from


def test_just_above_the_decline_ratio_is_a_plateau():
    reading = read([25] * 35 + [15] * 6 + [16], RULES)
    assert (reading.phase, reading.ratio) == ("plateau", 0.606)


def test_a_steady_rhythm_is_a_plateau():
    reading = read([10] * 60, RULES)
    assert (reading.phase, reading.ratio, reading.score) == ("plateau", 1.0, 1.0)


def test_small_numbers_need_more_than_noise_to_change_phase():
    # 3 events in a week against 2 expected is a ratio of 1.5, and still just chance.
    series = [0, 0, 1, 0, 0, 0, 1] * 5 + [0, 0, 1, 0, 1, 0, 1]
    assert classify(series, RULES, "plateau").phase == "plateau"


def test_a_short_burst_does_not_flip_a_plateau_but_a_held_one_does():
    steady = [10] * 40
    assert history(steady + [60] * 2, RULES)[-1] == "plateau"  # a candidate for two days
    assert history(steady + [60] * 3, RULES)[-1] == "euphoria"  # held three days


def test_a_decline_is_seen_the_day_it_crosses_the_ratio():
    phases = history([10] * 40 + [1] * 10, RULES)
    assert phases[39] == "plateau"
    first = phases.index("decline")
    assert 40 <= first <= 44


# --- revival ----------------------------------------------------------------------------------


def test_revival_when_a_declining_scope_rises_again():
    phases = history([20] * 40 + [4] * 30 + [20] * 10, RULES)
    assert phases[69] == "decline"
    assert "revival" in phases[70:75]
    assert phases[-1] == "revival"
    reading = read([20] * 40 + [4] * 30 + [20] * 10, RULES)
    assert reading.usual_mean < 8  # measured against the low it climbs out of


def test_revival_when_a_dormant_scope_wakes_up():
    phases = history([10] * 30 + [0] * 25 + [10] * 3, RULES)
    assert phases[54] == "dormant"
    assert phases[-3:] == ["revival"] * 3


def test_a_decline_stays_a_decline_while_the_level_stays_low():
    # Without memory, the low would become "usual" after four weeks and read as a plateau.
    reading = read([20] * 40 + [5] * 60, RULES)
    assert reading.phase == "decline"
    assert reading.usual_mean == pytest.approx(20.0, abs=1)


def test_a_revival_settles_into_a_plateau():
    phases = history([20] * 40 + [4] * 30 + [20] * 60, RULES)
    assert phases[-1] == "plateau"
    assert phases[-60:].count("revival") >= 7


def test_a_rise_that_was_no_decline_is_not_a_revival():
    assert "revival" not in history([10] * 40 + [30] * 10, RULES)


# --- history ---------------------------------------------------------------------------------


WAVE = [0] * 5 + [6] * 30 + [18] * 14 + [3] * 30 + [0] * 25 + [8] * 30


def test_history_is_reproducible_day_by_day():
    full = history(WAVE, RULES)
    for n in range(1, len(WAVE) + 1):
        assert history(WAVE[:n], RULES) == full[:n]
        assert read(WAVE[:n], RULES).phase == full[n - 1]


def test_history_of_the_last_days_is_the_tail_of_the_whole():
    assert history(WAVE, RULES, days=30) == history(WAVE, RULES)[-30:]
    assert len(history(WAVE, RULES, days=1000)) == len(WAVE)


def test_a_whole_cycle_goes_through_every_phase():
    phases = history(WAVE, RULES)
    changes = [(day, p) for day, p in enumerate(phases) if day == 0 or phases[day - 1] != p]
    assert [p for _day, p in changes] == ["dormant", "launch", "plateau", "euphoria", "plateau",
                                          "decline", "dormant", "revival", "plateau"]
    # The usual of a new scope starts with its first activity: no euphoria out of launch.
    assert changes[1:3] == [(5, "launch"), (19, "plateau")]
    assert (99, "dormant") in changes  # 21 days after the last event on day 78
    assert (104, "revival") in changes  # the day activity comes back


def test_every_reading_is_a_known_phase_with_a_score_between_0_and_1():
    for n in range(1, len(WAVE) + 1):
        reading = read(WAVE[:n], RULES)
        assert reading.phase in fatigue.PHASES
        assert 0.0 <= reading.score <= 1.0


# --- concentration ----------------------------------------------------------------------------


def test_concentration_of_an_even_spread_is_one_fifth():
    assert concentration({1: 4, 2: 4, 3: 4, 4: 4, 5: 4}) == 0.2


def test_concentration_when_one_person_carries_everything():
    assert concentration({1: 12, 2: 0, 3: 0, 4: 0, 5: 0}) == 1.0
    assert concentration({1: 12}) == 1.0


def test_concentration_of_the_most_active_fifth():
    # Ten people: the top two carry 10 + 8 of 30.
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
    own = [0] * 28 + [0, 0, 1, 0, 1, 0, 0]  # two kudos after a silent month
    assert person_flags(own, team_per_person_recent=0.0, rules=RULES) == []


def test_cooling_when_declining_after_a_peak():
    own = [1] * 40 + [5] * 10 + [0, 0, 1, 0, 0, 0, 0] * 3
    assert read(own, RULES).phase == "decline"
    assert person_flags(own, team_per_person_recent=1.0, rules=RULES) == ["cooling"]


def test_no_cooling_for_a_decline_without_a_peak_before_it():
    own = [3] * 50 + [0, 0, 1, 0, 0, 0, 0] * 2
    assert read(own, RULES).phase == "decline"
    assert "cooling" not in person_flags(own, team_per_person_recent=1.0, rules=RULES)


def test_no_flags_for_a_steady_person():
    assert person_flags([2] * 60, team_per_person_recent=2.0, rules=RULES) == []


# --- tuned rules -------------------------------------------------------------------------------


def test_a_lower_euphoria_ratio_calls_a_smaller_rise_euphoria():
    series = [20] * 40 + [27] * 10  # ratio 1.35 once settled in the recent window
    assert phase(series) == "plateau"
    assert phase(series, replace(RULES, euphoria_ratio=1.3)) == "euphoria"


def test_a_higher_decline_ratio_calls_a_smaller_drop_decline():
    series = [20] * 40 + [14] * 7  # ratio 0.7
    assert phase(series) == "plateau"
    assert phase(series, replace(RULES, decline_ratio=0.75)) == "decline"


def test_shorter_dormant_days_call_a_shorter_silence_dormant():
    series = [5] * 40 + [0] * 10
    assert phase(series) == "decline"
    assert phase(series, replace(RULES, dormant_days=7)) == "dormant"


def test_longer_launch_days_keep_a_new_scope_in_launch():
    assert phase([5] * 20) == "plateau"
    assert phase([5] * 20, replace(RULES, launch_days=30)) == "launch"


def test_longer_windows_compare_with_a_longer_past():
    series = [10] * 20 + [30] * 20 + [15] * 14  # a month-long peak, then half of it
    assert phase(series) == "decline"  # against the peak
    longer = replace(RULES, short_window_days=14, long_window_days=56)
    assert read(series, longer).ratio == 0.75  # against peak and before: not a decline
    assert phase(series, longer) == "plateau"

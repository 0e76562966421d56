"""Campaign rules at their boundaries: the attention budget, the lifecycle, collective
progress, participation in aggregate only, and the daily series of the chart."""

from datetime import date, timedelta

import pytest

from kudos.domain.campaigns import (
    CARROTS,
    GOALS,
    Activity,
    Span,
    check_budget,
    daily_series,
    lifecycle,
    participation,
    progress,
)
from kudos.domain.rules import Rules

RULES = Rules()
D0 = date(2027, 3, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


# --- the attention budget: length --------------------------------------------------------

def test_a_campaign_of_exactly_56_days_is_accepted():
    assert RULES.campaign_max_days == 56
    assert check_budget(day(0), day(55), [], RULES) is None


def test_a_campaign_of_57_days_is_refused_and_no_later_start_would_help():
    refusal = check_budget(day(0), day(56), [], RULES)
    assert refusal.rule == "max_days"
    assert refusal.first_ok is None


def test_a_one_day_campaign_is_accepted():
    assert check_budget(day(3), day(3), [], RULES) is None


def test_the_length_limit_follows_the_rule_set():
    assert check_budget(day(0), day(9), [], Rules(campaign_max_days=10)) is None
    assert check_budget(day(0), day(10), [], Rules(campaign_max_days=10)).rule == "max_days"


# --- the attention budget: at most two at once ---------------------------------------------

def test_a_second_overlapping_campaign_is_accepted():
    assert check_budget(day(10), day(15), [Span(day(0), day(20))], RULES) is None


def test_a_third_overlapping_campaign_is_refused_until_the_day_after_the_earliest_end():
    others = [Span(day(0), day(20)), Span(day(5), day(30))]
    no_rest = Rules(campaign_rest_days=0)
    refusal = check_budget(day(10), day(15), others, no_rest)
    assert refusal.rule == "max_active"
    assert refusal.first_ok == day(21)  # the day after the earlier of the two ends
    assert check_budget(day(21), day(26), others, no_rest) is None
    assert check_budget(day(20), day(25), others, no_rest).rule == "max_active"


def test_a_third_overlapping_campaign_with_the_default_rest_names_a_date_that_really_fits():
    others = [Span(day(0), day(20)), Span(day(5), day(30))]
    refusal = check_budget(day(10), day(15), others, RULES)
    assert refusal.rule == "max_active"  # the rule broken by the date asked for
    # The day after the first end is too soon after it (rest), and so on: the first start
    # that fits every rule is the day after fourteen full days of rest after the later end.
    assert refusal.first_ok == day(30 + 15)
    assert check_budget(refusal.first_ok, refusal.first_ok + timedelta(days=5), others,
                        RULES) is None
    assert check_budget(refusal.first_ok - timedelta(days=1), day(44 + 5), others,
                        RULES) is not None


def test_a_campaign_spanning_two_that_never_run_on_the_same_day_is_accepted():
    others = [Span(day(0), day(10)), Span(day(20), day(30))]
    assert check_budget(day(5), day(25), others, RULES) is None  # two at once, never three


def test_the_limit_of_campaigns_at_once_follows_the_rule_set():
    others = [Span(day(0), day(20))]
    refusal = check_budget(day(5), day(8), others, Rules(max_active_campaigns_per_team=1,
                                                          campaign_rest_days=0))
    assert refusal.rule == "max_active" and refusal.first_ok == day(21)


# --- the attention budget: rest between two campaigns --------------------------------------

def test_a_start_14_days_after_the_previous_end_is_refused_and_the_15th_is_first_ok():
    previous = [Span(day(0), day(20))]
    refusal = check_budget(day(20 + 14), day(40), previous, RULES)
    assert refusal.rule == "rest"
    assert refusal.first_ok == day(20 + 15)  # fourteen full days of rest in between


def test_a_start_15_days_after_the_previous_end_is_accepted():
    assert check_budget(day(35), day(40), [Span(day(0), day(20))], RULES) is None


def test_a_start_the_day_after_the_previous_end_is_refused_for_rest():
    refusal = check_budget(day(21), day(25), [Span(day(0), day(20))], RULES)
    assert refusal.rule == "rest" and refusal.first_ok == day(35)


def test_a_campaign_overlapping_the_previous_one_needs_no_rest_from_it():
    assert check_budget(day(20), day(25), [Span(day(0), day(20))], RULES) is None


def test_no_rest_is_needed_when_the_rule_set_says_zero():
    assert check_budget(day(21), day(25), [Span(day(0), day(20))],
                        Rules(campaign_rest_days=0)) is None


def test_a_campaign_ending_just_before_a_scheduled_one_leaves_the_team_no_rest():
    later = [Span(day(30), day(40))]
    refusal = check_budget(day(0), day(29 - 13), later, RULES)  # ends 13 days before it
    assert refusal is not None and refusal.rule == "rest"
    # Later starts keep it too close until it overlaps the planned one (allowed: two at once).
    assert refusal.first_ok == day(14)
    assert check_budget(day(0), day(30 - 15), later, RULES) is None  # 14 full days between


# --- the lifecycle ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("status", "today", "expected"),
    [
        ("draft", day(-5), "draft"),
        ("draft", day(5), "draft"),
        ("draft", day(50), "draft"),  # a draft never moves by itself
        ("scheduled", day(-1), "scheduled"),
        ("scheduled", day(0), "active"),  # the first day
        ("scheduled", day(10), "active"),  # the last day
        ("scheduled", day(11), "ended"),
        ("paused", day(-1), "paused"),
        ("paused", day(5), "paused"),
        ("paused", day(10), "paused"),
        ("paused", day(11), "ended"),  # a paused campaign still ends on its date
        ("ended", day(-1), "ended"),  # ended early, even before it began
        ("ended", day(5), "ended"),
        ("ended", day(50), "ended"),
    ],
)
def test_lifecycle_of_each_status_on_each_kind_of_day(status, today, expected):
    assert lifecycle(status, day(0), day(10), today) == expected


# --- collective progress --------------------------------------------------------------------

def kudos(person: int, *recipients: int, on: date = D0) -> Activity:
    return Activity(on, person, "kudos", tuple(recipients))


def relay(person: int, clicks: int = 0, on: date = D0) -> Activity:
    return Activity(on, person, "relay", (), clicks)


ACTIVITY = [
    kudos(1, 2, 3),
    kudos(1, 2),  # the same colleague recognised twice counts once
    kudos(2, 1),
    relay(3, clicks=4),
    relay(3, clicks=5),
    relay(4, clicks=0),
]


@pytest.mark.parametrize(
    ("goal", "value"),
    [
        ("kudos_count", 3),
        ("unique_recipients", 3),  # 2, 3 and 1
        ("unique_participants", 4),  # 1, 2, 3 and 4, each counted once
        ("relays", 3),
        ("clicks", 9),  # summed over the relays
    ],
)
def test_progress_of_each_goal_kind(goal, value):
    result = progress(goal, 100, ACTIVITY)
    assert result == {"value": value, "target": 100, "percent": value, "reached": False}


def test_every_goal_kind_is_covered():
    assert set(GOALS) == {"kudos_count", "unique_recipients", "unique_participants",
                          "relays", "clicks"}


def test_progress_with_nothing_yet_is_zero():
    assert progress("kudos_count", 10, []) == {"value": 0, "target": 10, "percent": 0,
                                               "reached": False}


def test_progress_is_reached_exactly_at_the_target():
    result = progress("kudos_count", 3, ACTIVITY)
    assert result["reached"] is True and result["percent"] == 100
    assert progress("kudos_count", 4, ACTIVITY)["reached"] is False


def test_percent_is_capped_at_100_when_the_team_goes_beyond_the_goal():
    result = progress("clicks", 3, ACTIVITY)
    assert result["value"] == 9 and result["percent"] == 100 and result["reached"] is True


def test_percent_is_rounded():
    assert progress("kudos_count", 9, ACTIVITY)["percent"] == 33
    assert progress("kudos_count", 4, ACTIVITY)["percent"] == 75


def test_relays_do_not_count_as_recipients_and_kudos_do_not_count_as_clicks():
    only_relays = [relay(1, clicks=3)]
    only_kudos = [kudos(1, 2)]
    assert progress("unique_recipients", 5, only_relays)["value"] == 0
    assert progress("kudos_count", 5, only_relays)["value"] == 0
    assert progress("clicks", 5, only_kudos)["value"] == 0
    assert progress("relays", 5, only_kudos)["value"] == 0


def test_an_unknown_goal_kind_is_an_error_not_a_zero():
    with pytest.raises(ValueError):
        progress("leaderboard", 10, ACTIVITY)


def test_there_is_no_carrot_among_the_goals():
    assert not set(GOALS) & set(CARROTS)
    for carrot in ("per_person_goal", "quota", "prize", "points", "ranking", "leaderboard"):
        assert carrot in CARROTS


# --- participation, in aggregate only --------------------------------------------------------

def test_participation_is_hidden_below_the_minimum_group():
    assert participation({1, 2}, {1, 2, 3, 4}, 5) is None


def test_participation_is_hidden_while_fewer_than_the_minimum_took_part_even_in_a_big_team():
    # "4 of 9 took part" would point at a small group: it reads "fewer than 5" instead.
    assert participation({1, 2, 3, 4}, set(range(1, 10)), 5) is None
    assert participation({1, 2}, {1, 2, 3, 4, 5}, 5) is None


def test_participation_is_shown_from_the_minimum_number_of_people_taking_part():
    assert participation({1, 2, 3, 4, 5}, set(range(1, 10)), 5) == {"took_part": 5, "of": 9}


def test_participation_counts_only_people_in_scope():
    # 9 is not in the team (a lead from elsewhere, say): not part of "x of y".
    assert participation({1, 2, 3, 4, 9}, {1, 2, 3, 4, 5, 6}, 5) is None
    assert participation({1, 2, 3, 4, 5, 9}, {1, 2, 3, 4, 5, 6}, 5) == {"took_part": 5, "of": 6}


def test_participation_is_a_count_and_never_names_anyone():
    result = participation({1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}, 5)
    assert set(result) == {"took_part", "of"}
    assert all(isinstance(v, int) for v in result.values())


def test_nobody_taking_part_is_not_a_figure():
    assert participation(set(), {1, 2, 3, 4, 5}, 5) is None


# --- the daily series ------------------------------------------------------------------------

def test_daily_series_has_one_bucket_per_day_from_start_to_end_inclusive():
    series = daily_series([], day(0), day(6))
    assert [d["day"] for d in series] == [day(i) for i in range(7)]
    assert all(d["kudos"] == 0 and d["relays"] == 0 for d in series)


def test_daily_series_counts_kudos_and_relays_in_their_day():
    activity = [kudos(1, 2, on=day(0)), kudos(2, 1, on=day(0)), relay(3, clicks=7, on=day(0)),
                relay(3, on=day(2)), kudos(1, 3, on=day(2))]
    series = daily_series(activity, day(0), day(2))
    assert [(d["kudos"], d["relays"]) for d in series] == [(2, 1), (0, 0), (1, 1)]


def test_daily_series_leaves_out_activity_outside_its_days():
    activity = [kudos(1, 2, on=day(-1)), kudos(1, 2, on=day(3)), kudos(1, 2, on=day(1))]
    series = daily_series(activity, day(0), day(2))
    assert [d["kudos"] for d in series] == [0, 1, 0]


def test_daily_series_of_a_single_day_and_of_an_empty_span():
    assert len(daily_series([], day(0), day(0))) == 1
    assert daily_series([kudos(1, 2)], day(1), day(0)) == []

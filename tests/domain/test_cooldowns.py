"""The giving cooldowns, at their boundaries, across time zones and daylight-saving changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kudos.domain.cooldowns import (
    PastGift,
    caps_zone,
    check_giving,
    giving_day,
    local_day_bounds,
    zone_change,
)
from kudos.domain.rules import Rules

PARIS = ZoneInfo("Europe/Paris")
RULES = Rules()
AWA, HUGO, LEA = 1, 2, 3


def gifts(*moments, to=(AWA,)):
    return [PastGift(at, frozenset(to)) for at in moments]


def test_nothing_given_yet_is_allowed():
    assert check_giving(datetime(2026, 3, 3, 10, tzinfo=UTC), PARIS, [], [AWA], RULES) is None


def test_tenth_kudos_of_the_day_is_allowed_and_eleventh_refused_until_local_midnight():
    now = datetime(2026, 3, 3, 15, tzinfo=UTC)  # 16:00 in Paris
    nine = [PastGift(now - timedelta(minutes=i + 1), frozenset({100 + i})) for i in range(9)]
    assert check_giving(now, PARIS, nine, [AWA], RULES) is None
    ten = nine + [PastGift(now - timedelta(minutes=30), frozenset({200}))]
    refusal = check_giving(now, PARIS, ten, [AWA], RULES)
    assert refusal.rule == "daily_cap" and refusal.count == 10
    assert refusal.retry_at == datetime(2026, 3, 3, 23, tzinfo=UTC)  # midnight in Paris
    assert refusal.retry_after(now) == 8 * 3600


def test_the_day_is_the_givers_own_day():
    # 23:30 UTC on the 3rd is already the 4th in Paris: yesterday's ten do not count.
    now = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
    ten = [PastGift(datetime(2026, 3, 3, 12, i, tzinfo=UTC), frozenset({100 + i}))
           for i in range(10)]
    assert check_giving(now, PARIS, ten, [AWA], RULES) is None
    assert check_giving(now, ZoneInfo("America/New_York"), ten, [AWA], RULES).rule == "daily_cap"


def test_a_kudos_to_several_colleagues_counts_once_toward_the_daily_cap():
    now = datetime(2026, 3, 3, 15, tzinfo=UTC)
    nine = [PastGift(now - timedelta(minutes=i + 1), frozenset({100 + i, 300 + i}))
            for i in range(9)]
    assert check_giving(now, PARIS, nine, [AWA, HUGO], RULES) is None


def test_daylight_saving_day_has_23_hours_and_the_cap_resets_at_local_midnight():
    # 29 March 2026: Paris moves from UTC+1 to UTC+2.
    start, end = local_day_bounds(datetime(2026, 3, 29, 12, tzinfo=UTC), PARIS)
    assert start == datetime(2026, 3, 28, 23, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, tzinfo=UTC)
    assert end - start == timedelta(hours=23)


def test_fourth_kudos_to_the_same_colleague_within_seven_days_is_refused():
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    past = gifts(now - timedelta(days=6), now - timedelta(days=3), now - timedelta(hours=1))
    refusal = check_giving(now, PARIS, past, [HUGO, AWA], RULES)
    assert refusal.rule == "pair" and refusal.recipient_id == AWA and refusal.count == 3
    # Possible again when the oldest one is seven days old.
    assert refusal.retry_at == now - timedelta(days=6) + timedelta(days=7)
    assert check_giving(now, PARIS, past, [HUGO], RULES) is None


def test_a_kudos_exactly_seven_days_old_has_left_the_window():
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    past = gifts(now - timedelta(days=7), now - timedelta(days=3), now - timedelta(hours=1))
    assert check_giving(now, PARIS, past, [AWA], RULES) is None
    just_inside = gifts(now - timedelta(days=7) + timedelta(seconds=1),
                        now - timedelta(days=3), now - timedelta(hours=1))
    assert check_giving(now, PARIS, just_inside, [AWA], RULES).rule == "pair"


def test_tuned_rules_apply():
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    past = gifts(now - timedelta(days=1))
    strict = Rules(pair_max_in_window=1, daily_kudos_cap=1)
    assert check_giving(now, PARIS, past, [LEA], strict) is None
    assert check_giving(now, PARIS, past, [AWA], strict).rule == "pair"
    same_day = gifts(now - timedelta(minutes=5), to=(LEA,))
    assert check_giving(now, PARIS, same_day, [AWA], strict).rule == "daily_cap"


# --- the day a gift counts in, fixed when given ----------------------------------------------

KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14


def test_a_gift_counts_in_the_day_fixed_when_it_was_given_whatever_the_zone_now():
    now = datetime(2026, 3, 3, 22, 30, tzinfo=UTC)  # 23:30 in Paris, 12:30 the 4th in Kiritimati
    ten = [PastGift(now - timedelta(minutes=i + 1), frozenset({100 + i}), giving_day(
        now - timedelta(minutes=i + 1), PARIS)) for i in range(10)]
    assert check_giving(now, PARIS, ten, [AWA], RULES).rule == "daily_cap"
    # Had the zone applied at once, Kiritimati's 4 March would be a fresh day: not so, since
    # caps_zone keeps Paris until its day ends.
    assert caps_zone("Pacific/Kiritimati", "Europe/Paris", datetime(2026, 3, 3, 23, tzinfo=UTC),
                     now) == PARIS
    # And a gift fixed on a later day than the zone's today still counts (zones moved back).
    later = [PastGift(g.at, g.recipient_ids, giving_day(g.at, KIRITIMATI)) for g in ten]
    assert check_giving(now, PARIS, later, [AWA], RULES).rule == "daily_cap"


def test_a_new_zone_applies_to_caps_from_the_next_day_of_the_old_one():
    now = datetime(2026, 3, 3, 22, 30, tzinfo=UTC)
    previous, until = zone_change(now, "Europe/Paris", "Pacific/Kiritimati")
    assert previous == "Europe/Paris"
    assert until == datetime(2026, 3, 3, 23, tzinfo=UTC)  # midnight in Paris
    assert caps_zone("Pacific/Kiritimati", previous, until, now) == PARIS
    assert caps_zone("Pacific/Kiritimati", previous, until, until) == KIRITIMATI
    assert zone_change(now, "Europe/Paris", "Europe/Paris") == (None, None)


def test_gifts_from_before_days_were_kept_count_by_their_time():
    now = datetime(2026, 3, 3, 10, tzinfo=UTC)
    ten = [PastGift(now - timedelta(minutes=i + 1), frozenset({100 + i})) for i in range(10)]
    assert check_giving(now, PARIS, ten, [AWA], RULES).rule == "daily_cap"

"""Campaign rules: the attention budget, the lifecycle, and collective progress.

Pure functions over plain data. A campaign never ranks people and never sets quotas: the
goal is collective, and participation is only ever shown in aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kudos.domain.groups import large_enough
from kudos.domain.rules import Rules

GOALS = ("kudos_count", "unique_recipients", "unique_participants", "relays", "clicks")
KINDS = ("recognition", "relay", "both")
# Fields that would turn a campaign into a competition or a quota: refused by principle.
CARROTS = ("per_person_goal", "quota", "quotas", "prize", "prizes", "reward", "rewards",
           "points", "ranking", "rankings", "leaderboard", "individual_goal", "winner")


@dataclass(frozen=True)
class Span:
    """An existing campaign of the same scope, as far as the budget is concerned."""

    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class BudgetRefusal:
    rule: str  # max_days | max_active | rest
    first_ok: date | None  # the first start date that would be accepted (None: shorten it)


def check_budget(starts_on: date, ends_on: date, others: list[Span],
                 rules: Rules) -> BudgetRefusal | None:
    """May a campaign run from `starts_on` to `ends_on` (inclusive) given the scope's other
    scheduled, active or paused campaigns (`others`) and their ended ones?

    - at most `campaign_max_days` days long;
    - at most `max_active_campaigns_per_team` at once on any day;
    - at least `campaign_rest_days` days between the end of one and the start of the next
      that does not overlap it.
    """
    length = (ends_on - starts_on).days + 1
    if length > rules.campaign_max_days:
        return BudgetRefusal("max_days", None)
    rest = timedelta(days=rules.campaign_rest_days)
    candidate = starts_on
    rule = ""
    for _attempt in range(400):
        problem = _first_problem(candidate, candidate + timedelta(days=length - 1), others,
                                 rules, rest)
        if problem is None:
            return None if candidate == starts_on else BudgetRefusal(rule, candidate)
        rule_now, next_try = problem
        if candidate == starts_on:
            rule = rule_now
        candidate = max(next_try, candidate + timedelta(days=1))
    return BudgetRefusal(rule, None)


def _first_problem(start: date, end: date, others: list[Span], rules: Rules,
                   rest: timedelta) -> tuple[str, date] | None:
    for other in others:
        if other.ends_on < start < other.ends_on + rest + timedelta(days=1):
            return "rest", other.ends_on + rest + timedelta(days=1)
        # The rest is owed before a campaign already planned after this one, too.
        if end < other.starts_on < end + rest + timedelta(days=1):
            return "rest", start + (other.starts_on - end)
    overlapping = [o for o in others if o.starts_on <= end and start <= o.ends_on]
    day = start
    while day <= end:
        running = [o for o in overlapping if o.starts_on <= day <= o.ends_on]
        if len(running) >= rules.max_active_campaigns_per_team:
            return "max_active", min(o.ends_on for o in running) + timedelta(days=1)
        day += timedelta(days=1)
    return None


def lifecycle(status: str, starts_on: date, ends_on: date, today: date) -> str:
    """The status a campaign is in today. Stored `status` is what people chose (draft,
    scheduled, paused, ended early); dates move a scheduled campaign to active and an
    active or paused one to ended."""
    if status in ("draft", "ended"):
        return status
    if today > ends_on:
        return "ended"
    if status == "paused":
        return "paused"
    return "active" if today >= starts_on else "scheduled"


@dataclass(frozen=True)
class Activity:
    """One tagged contribution: a kudos (with its recipients) or a relay (with clicks)."""

    day: date
    person_id: int
    kind: str  # kudos | relay
    recipient_ids: tuple[int, ...] = ()
    clicks: int = 0


def progress(goal_kind: str, target: int, activity: list[Activity]) -> dict:
    """Collective progress towards the goal: value, target, percent (capped at 100)."""
    kudos = [a for a in activity if a.kind == "kudos"]
    relays = [a for a in activity if a.kind == "relay"]
    if goal_kind == "kudos_count":
        value = len(kudos)
    elif goal_kind == "unique_recipients":
        value = len({r for a in kudos for r in a.recipient_ids})
    elif goal_kind == "unique_participants":
        value = len({a.person_id for a in activity})
    elif goal_kind == "relays":
        value = len(relays)
    elif goal_kind == "clicks":
        value = sum(a.clicks for a in relays)
    else:
        raise ValueError(goal_kind)
    percent = min(100, round(100 * value / target)) if target > 0 else 0
    return {"value": value, "target": target, "percent": percent, "reached": value >= target}


def participation(participants: set[int], people_in_scope: set[int],
                  min_group: int) -> dict | None:
    """'14 of 22 colleagues took part', or None while fewer than `min_group` people took
    part: "2 of 9" would point at two people (and the team knows who gave). The page then
    says "fewer than 5". Never a list of who did not."""
    took_part = len(participants & people_in_scope)
    if not large_enough(took_part, min_group):
        return None
    return {"took_part": took_part, "of": len(people_in_scope)}


def daily_series(activity: list[Activity], starts_on: date, ends_on: date) -> list[dict]:
    """Contributions per day, kudos and relays, from the start to the end (or today)."""
    days = (ends_on - starts_on).days + 1
    series = [{"day": starts_on + timedelta(days=i), "kudos": 0, "relays": 0}
              for i in range(max(days, 0))]
    for a in activity:
        index = (a.day - starts_on).days
        if 0 <= index < len(series):
            series[index]["kudos" if a.kind == "kudos" else "relays"] += 1
    return series

"""Fatigue cycles: the phase of a scope from its daily activity, with a score and evidence.

Exact definition (also in docs/fatigue.md). For a daily series of activity counts ending
today (oldest first):

- `dormant` when there was activity once but none for `dormant_days` or more (and when there
  never was any);
- `launch` while the first activity is less than `launch_days` old;
- otherwise compare the mean of the last `short_window_days` (recent) with the mean of the
  `long_window_days` before them (usual): `euphoria` when recent ≥ `euphoria_ratio` × usual,
  `decline` when recent ≤ `decline_ratio` × usual, `plateau` in between;
- `revival` replaces plateau or euphoria when the previous day's phase was `decline`,
  `dormant` or `revival` and recent activity is above the previous recent window (it is
  rising again): a scope climbing out of a low is in revival until it settles (plateau) or
  takes off (euphoria).

The phase of each day is computed from that day's series, so history is reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from kudos.domain.rules import Rules

PHASES = ("launch", "euphoria", "plateau", "decline", "dormant", "revival")
LOW = ("decline", "dormant", "revival")


@dataclass
class Reading:
    phase: str
    score: float  # 0 (faint) to 1 (strong)
    recent_mean: float
    usual_mean: float
    ratio: float | None
    evidence: dict = field(default_factory=dict)


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values) if values else 0.0


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def classify(series: Sequence[int], rules: Rules, previous: str | None = None) -> Reading:
    """The phase of the last day of `series`."""
    short, long = rules.short_window_days, rules.long_window_days
    recent = series[-short:] if series else []
    usual = series[-(short + long):-short] if len(series) > short else []
    recent_mean, usual_mean = _mean(recent), _mean(usual)
    ratio = recent_mean / usual_mean if usual_mean > 0 else None
    active_days = [i for i, v in enumerate(series) if v > 0]
    if not active_days:
        return Reading("dormant", 0.0, 0.0, 0.0, None)
    age = len(series) - 1 - active_days[0]
    idle = len(series) - 1 - active_days[-1]
    if idle >= rules.dormant_days:
        return Reading("dormant", _clamp(idle / (2 * rules.dormant_days)), recent_mean,
                       usual_mean, ratio)
    if age < rules.launch_days:
        return Reading("launch", _clamp(1 - age / rules.launch_days), recent_mean,
                       usual_mean, ratio)
    if ratio is None:  # nothing usual to compare with, yet activity now: it takes off
        phase, score = "euphoria", 1.0
    elif ratio >= rules.euphoria_ratio:
        phase = "euphoria"
        score = _clamp(math.log(ratio) / (2 * math.log(rules.euphoria_ratio)))
    elif ratio <= rules.decline_ratio:
        phase = "decline"
        score = _clamp(math.log(ratio or 1e-9) / (2 * math.log(rules.decline_ratio)))
    else:
        phase = "plateau"
        score = _clamp(1 - abs(math.log(ratio)) / math.log(rules.euphoria_ratio))
    if phase in ("plateau", "euphoria") and previous in LOW:
        before = series[-2 * short:-short] if len(series) >= 2 * short else []
        if recent_mean > _mean(before):
            phase = "revival"
            score = _clamp((recent_mean - _mean(before)) / max(recent_mean, 1e-9))
    return Reading(phase, round(score, 3), round(recent_mean, 3), round(usual_mean, 3),
                   None if ratio is None else round(ratio, 3))


def history(series: Sequence[int], rules: Rules, days: int | None = None) -> list[str]:
    """The phase of each of the last `days` days (all when None), oldest first."""
    start = 0 if days is None else max(0, len(series) - days)
    # Walk from early enough for revival to know its past, then keep the asked tail.
    warmup = max(0, start - 2 * (rules.short_window_days + rules.long_window_days))
    phases, previous = [], None
    for end in range(warmup + 1, len(series) + 1):
        reading = classify(series[:end], rules, previous)
        previous = reading.phase
        if end - 1 >= start:
            phases.append(reading.phase)
    return phases


def read(series: Sequence[int], rules: Rules) -> Reading:
    """Today's reading, knowing yesterday's phase (for revival)."""
    past = history(series[:-1], rules, days=1) if len(series) > 1 else []
    return classify(series, rules, past[-1] if past else None)


def concentration(per_person: dict[int, int]) -> float | None:
    """Share of the activity carried by the most active fifth of the people who took part
    (0.2 means evenly spread; close to 1, a few carry everything and may burn out)."""
    counts = sorted((c for c in per_person.values() if c > 0), reverse=True)
    if not counts:
        return None
    top = max(1, math.ceil(len(counts) / 5))
    return round(sum(counts[:top]) / sum(counts), 3)


def person_flags(own: Sequence[int], team_per_person_recent: float, rules: Rules,
                 factor: float = 3.0) -> list[str]:
    """Flags that only serve to protect a person:

    - `overextended`: their recent mean is at least `factor` (3) × their own usual mean and
      at least 3 × the recent mean of a person of their team (neither counted below 3 events
      a week, so a quiet person's two kudos are not a burst);
    - `cooling`: in decline now after euphoria within the last long window.
    """
    flags = []
    reading = read(own, rules)
    floor = 3 / rules.short_window_days  # "far above" a quiet usual means at least a real burst
    above_own = reading.recent_mean >= factor * max(reading.usual_mean, floor)
    above_team = reading.recent_mean >= factor * max(team_per_person_recent, floor)
    if reading.recent_mean > 0 and above_own and above_team:
        flags.append("overextended")
    if reading.phase == "decline":
        recent_phases = history(own[:-1], rules, days=rules.long_window_days)
        if "euphoria" in recent_phases:
            flags.append("cooling")
    return flags

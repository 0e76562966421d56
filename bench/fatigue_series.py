"""Synthetic daily activity series with known phases, for bench/fatigue.py.

A series is a chain of segments. Each segment has a phase, a length in days and a level (the
mean number of events a day); each day's count is drawn from a Poisson law of that level, so
the noise is the noise of real counts. Everything comes from one `random.Random(seed)`: the
same seed gives the same series, labels included.

The base level is the scope's "usual" rhythm: the level of its last launch, plateau or
revival (drawn from 2 to 12 events a day, a team of a few to a few dozen people).

| phase    | level (events a day)             | days    | then                             |
|----------|----------------------------------|---------|----------------------------------|
| launch   | base                             | 14      | plateau ½, euphoria ½            |
| plateau  | base × 0.85–1.15 (the new base)  | 21–56   | euphoria .35, decline .45,       |
|          |                                  |         | dormant .2                       |
| euphoria | base × 2–3.5                     | 10–18   | decline ½, plateau ½ (it settles |
|          |                                  |         | at its height: the new base)     |
| decline  | base × 0.15–0.45                 | 14–42   | dormant .35, revival .65         |
| dormant  | 0                                | 28–70   | revival                          |
| revival  | base × 0.7–1.3 (the new base)    | 14–28   | plateau ¾, euphoria ¼            |

The true label of a day is its segment's phase, with two exceptions that are the product's
definitions rather than a choice of the generator, both computed from the drawn counts:
`launch` is the days whose first event is less than `launch_days` (14) old, and a silent
stretch is `decline` until it has lasted `dormant_days` (21) days without any event, then
`dormant` (silence is a decline until it is long enough to be called dormant).

A sustained change of level is what the phases describe, so a decline that lasts six weeks
at a low level is still labelled decline: the team has not found a new rhythm, it went quiet.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

LAUNCH_DAYS = 14
DORMANT_DAYS = 21

LENGTHS = {"plateau": (21, 56), "euphoria": (10, 18), "decline": (14, 42),
           "dormant": (28, 70), "revival": (14, 28)}
NEXT = {
    "launch": (("plateau", 0.5), ("euphoria", 0.5)),
    "plateau": (("euphoria", 0.35), ("decline", 0.45), ("dormant", 0.2)),
    "euphoria": (("decline", 0.5), ("plateau", 0.5)),
    "decline": (("dormant", 0.35), ("revival", 0.65)),
    "dormant": (("revival", 1.0),),
    "revival": (("plateau", 0.75), ("euphoria", 0.25)),
}


@dataclass
class Series:
    counts: list[int]
    labels: list[str]  # the true phase of each day
    segments: list[tuple[str, int, float]]  # (phase, first day, level)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method for small means, a rounded normal above 30 (never reached here)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _pick(rng: random.Random, choices) -> str:
    roll, total = rng.random(), 0.0
    for phase, weight in choices:
        total += weight
        if roll < total:
            return phase
    return choices[-1][0]


def generate(rng: random.Random, days: int = 365) -> Series:
    """One series of `days` days, starting with a launch."""
    base = rng.uniform(2, 12)
    phase, level, length = "launch", base, LAUNCH_DAYS
    plan: list[tuple[str, int, float]] = []
    day = 0
    while day < days:
        plan.append((phase, day, level))
        day += length
        after = phase
        phase = _pick(rng, NEXT[after])
        low, high = LENGTHS[phase]
        length = rng.randint(low, high)
        if phase == "plateau":
            if after == "euphoria":
                base = level  # the wave settles at its height
            level = base = base * rng.uniform(0.85, 1.15)
        elif phase == "euphoria":
            level = base * rng.uniform(2.0, 3.5)
        elif phase == "decline":
            level = base * rng.uniform(0.15, 0.45)
        elif phase == "dormant":
            level = 0.0
        else:  # revival
            level = base = base * rng.uniform(0.7, 1.3)
    counts, seg_of_day = [], []
    for index, (seg_phase, start, seg_level) in enumerate(plan):
        end = plan[index + 1][1] if index + 1 < len(plan) else days
        for _day in range(start, min(end, days)):
            counts.append(poisson(rng, seg_level))
            seg_of_day.append(seg_phase)
    return Series(counts, _labels(counts, seg_of_day), plan)


def _labels(counts: list[int], seg_of_day: list[str]) -> list[str]:
    labels, first, last_event = [], None, None
    for day, (count, seg_phase) in enumerate(zip(counts, seg_of_day, strict=True)):
        if count:
            first = day if first is None else first
            last_event = day
        if first is None:
            labels.append("dormant")  # nothing ever happened yet
        elif day - first < LAUNCH_DAYS:
            labels.append("launch")
        elif seg_phase == "dormant" or count == 0 and seg_phase == "decline":
            idle = day - last_event
            labels.append("dormant" if idle >= DORMANT_DAYS else "decline")
        else:
            labels.append(seg_phase)
    return labels


def dataset(seed: int = 20261127, n: int = 300, days: int = 365) -> list[Series]:
    rng = random.Random(seed)
    return [generate(rng, days) for _ in range(n)]

"""Fatigue cycles: the phase of a scope from its daily activity, with a score and evidence.

Exact definition (also in docs/fatigue.md). A daily series of activity counts (oldest first)
is read day by day, from its first day, each day knowing only the days up to it:

1. `dormant` when there was activity once but none for `dormant_days` or more, and when
   there never was any; `launch` while the first activity is less than `launch_days` old.
   Both apply at once, they are definitions.
2. Otherwise two windows are compared: *recent*, the last `short_window_days`, and *usual*,
   the `long_window_days` before them, never reaching back before the first activity (a
   new scope's usual is not the silence before it existed). During a low (from the first
   day of a decline or dormancy until a revival settles) the usual window does not reach
   back before the low began: a recovery is measured against the low, not against the peak
   before it.
   A level is *clearly above* the usual when recent ≥ `euphoria_ratio` × usual, *clearly
   below* when recent ≤ `decline_ratio` × usual; in both cases the difference must also be
   more than noise: at least `NOISE_SIGMAS` (2) × √(expected events) over the recent window,
   expected events = usual × days in the window (counts are Poisson-like, so 21 events
   against 14 expected is a burst, 3 against 2 is not).
3. The day's candidate phase depends on yesterday's phase:
   - after `decline`: `revival` when clearly above the usual (the low), else `decline` —
     a decline lasts until activity rises again or stops, it does not fade into a plateau
     because the low has become usual. The low must be older than the recent window (some
     of it before the recent days, to compare with): no revival in a decline's first
     `short_window_days` days;
   - after `dormant` (activity again): `revival`;
   - after `revival`: `euphoria` when clearly above the revival's own level (over at least
     `short_window_days` before the recent window: it takes off), `revival` while clearly
     above the usual or while the low is not yet older than the recent window (nothing to
     compare with), `decline` when clearly below it, `plateau` otherwise (it settled);
   - otherwise: `euphoria` when clearly above the usual (or when there was no usual activity
     at all), `decline` when clearly below, `plateau` in between.
4. A candidate becomes the phase at once when it is `launch`, `dormant` or `decline` (a
   decline must be seen early) or when yesterday was `launch` or `dormant`; any other change
   counts only once the same candidate has held `CONFIRM_DAYS` (3) days in a row, so one
   noisy week does not flip a plateau to euphoria and back.

The reading's evidence follows the phase shown: in a decline, *usual* is the level the scope
fell from (the usual on the day the decline began); in a revival, the low it climbs out of;
otherwise the usual window. The phase of each day depends only on the days up to it, so
history is reproducible: `history(series[:n])` is `history(series)[:n]`.

The score (0 faint to 1 strong) is defined in docs/fatigue.md, with its cases when nothing
was usual. Measured on bench/fatigue.py's labelled series: see docs/performance.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from kudos.domain.rules import Rules

PHASES = ("launch", "euphoria", "plateau", "decline", "dormant", "revival")
LOW = ("decline", "dormant", "revival")
CONFIRM_DAYS = 3
NOISE_SIGMAS = 2.0
IMMEDIATE = ("launch", "dormant", "decline")


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


def _score(phase: str, ratio: float | None, rules: Rules, age: int, idle: int) -> float:
    if phase == "launch":
        return _clamp(1 - age / rules.launch_days)
    if phase == "dormant":
        return _clamp(idle / (2 * rules.dormant_days))
    if phase in ("euphoria", "revival"):
        if ratio is None:
            return 1.0
        return _clamp(math.log(max(ratio, 1e-9)) / (2 * math.log(rules.euphoria_ratio)))
    if phase == "decline":
        if ratio is None:
            return 0.0
        return _clamp(math.log(max(ratio, 1e-9)) / (2 * math.log(rules.decline_ratio)))
    if ratio is None:
        return 0.0
    return _clamp(1 - abs(math.log(max(ratio, 1e-9))) / math.log(rules.euphoria_ratio))


def _reading(phase: str, recent: float, usual: float, rules: Rules, age: int,
             idle: int) -> Reading:
    ratio = recent / usual if usual > 0 else None
    return Reading(phase, round(_score(phase, ratio, rules, age, idle), 3), round(recent, 3),
                   round(usual, 3), None if ratio is None else round(ratio, 3))


def _walk(series: Sequence[int], rules: Rules, previous: str | None = None,
          only_last: bool = False) -> tuple[list[str], Reading]:
    """Read `series` day by day (steps 1 to 4 above): the phase of every day, and the last
    day's reading. With `only_last`, only the last day is read, by the day's rule alone
    (steps 1 to 3), after `previous`, with nothing remembered.

    One loop over prefix sums, with the memory in local variables: a scan reads thousands of
    people's series, so this is the hot path."""
    n = len(series)
    if n == 0:
        return [], Reading("dormant", 0.0, 0.0, 0.0, None)
    prefix = list(accumulate(series, initial=0))
    if prefix[-1] == 0:  # never any activity: dormant throughout, nothing to read
        return ["dormant"] * (1 if only_last else n), Reading("dormant", 0.0, 0.0, 0.0, None)
    short, long = rules.short_window_days, rules.long_window_days
    up, down = rules.euphoria_ratio, rules.decline_ratio
    launch_days, dormant_days = rules.launch_days, rules.dormant_days
    sigmas, sqrt = NOISE_SIGMAS, math.sqrt
    phases: list[str] = []
    phase = previous if only_last else None
    low_since = revival_since = waiting = None
    reference, held = 0.0, 0
    first = last = None
    begin = n - 1 if only_last else 0
    if only_last:
        active = [i for i in range(n - 1) if series[i] > 0]
        if active:
            first, last = active[0], active[-1]
    final = n - 1
    recent = usual = 0.0
    for t in range(begin, n):
        if series[t] > 0:
            if first is None:
                first = t
            last = t
        if last is None:  # nothing ever happened
            phase, low_since, revival_since, waiting, held = "dormant", None, None, None, 0
            phases.append(phase)
            continue
        idle = t - last
        if idle >= dormant_days and phase == "dormant" and t != final:
            phases.append(phase)  # still silent: nothing to read
            continue
        age = t - first
        # Step 2: the windows.
        recent_from = t - short + 1 if t >= short else 0
        days = t + 1 - recent_from
        recent = (prefix[t + 1] - prefix[recent_from]) / days
        usual_from = t - short - long + 1
        if usual_from < first:
            usual_from = first  # nothing is usual before it began
        if low_since is not None and low_since > usual_from and phase in LOW:
            usual_from = low_since
        has_usual = recent_from > usual_from
        usual = ((prefix[recent_from] - prefix[usual_from]) / (recent_from - usual_from)
                 if has_usual else 0.0)
        # Step 3: the day's candidate, after yesterday's phase.
        if idle >= dormant_days:
            candidate = "dormant"
        elif age < launch_days:
            candidate = "launch"
        elif phase == "dormant":
            candidate = "revival"
        else:
            # Clearly above or below the usual: the ratio first, the noise only then.
            expected = usual * days
            above = (recent > usual and (usual == 0 or recent >= up * usual)
                     and (recent - usual) * days >= sigmas * sqrt(
                         expected if expected > 1.0 else 1.0))
            below = (not above and usual > 0 and recent <= down * usual
                     and (usual - recent) * days >= sigmas * sqrt(
                         expected if expected > 1.0 else 1.0))
            if phase == "decline":
                candidate = "revival" if has_usual and above else "decline"
            elif phase == "revival":
                since = revival_since if revival_since is not None else t
                own = ((prefix[recent_from] - prefix[since]) / (recent_from - since)
                       if recent_from - since >= short else None)
                if (own is not None and recent > own and (own == 0 or recent >= up * own)
                        and (recent - own) * days >= sigmas * sqrt(max(own * days, 1.0))):
                    candidate = "euphoria"  # it takes off from its own new level
                elif not has_usual or above:
                    candidate = "revival"
                elif below:
                    candidate = "decline"
                else:
                    candidate = "plateau"
            elif usual == 0 or above:
                candidate = "euphoria"
            elif below:
                candidate = "decline"
            else:
                candidate = "plateau"
        if only_last:
            phases.append(candidate)
            return phases, _reading(candidate, recent, usual, rules, age, idle)
        # Step 4: confirmation, then what to remember.
        if candidate != phase:
            if (phase is not None and candidate not in IMMEDIATE
                    and phase not in ("launch", "dormant")):
                held = held + 1 if waiting == candidate else 1
                if held < CONFIRM_DAYS:
                    waiting = candidate
                    phases.append(phase)
                    continue
            yesterday, phase, waiting, held = phase, candidate, None, 0
            if phase in ("decline", "dormant") and yesterday not in ("decline", "dormant"):
                low_since, reference = t, usual
            if phase == "revival":
                revival_since = t
            if phase not in LOW:
                low_since = revival_since = None
                reference = 0.0
        else:
            waiting, held = None, 0
        phases.append(phase)
    if last is None:
        return phases, Reading("dormant", 0.0, 0.0, 0.0, None)
    shown = reference if phase == "decline" else usual
    return phases, _reading(phase, recent, shown, rules, final - first, final - last)


def classify(series: Sequence[int], rules: Rules, previous: str | None = None) -> Reading:
    """The day's rule for the last day of `series` (steps 1 to 3), knowing only
    yesterday's phase `previous`: no confirmation, and no low remembered (the usual window
    is not cut). `read` gives the phase with everything the day-by-day reading remembers."""
    return _walk(series, rules, previous, only_last=True)[1]


def history(series: Sequence[int], rules: Rules, days: int | None = None) -> list[str]:
    """The phase of each of the last `days` days (all when None), oldest first."""
    phases = _walk(series, rules)[0]
    return phases if days is None else phases[max(0, len(phases) - days):]


def read(series: Sequence[int], rules: Rules) -> Reading:
    """Today's reading (the last day of `series`), with the walk's memory."""
    return _walk(series, rules)[1]


def read_with_history(series: Sequence[int], rules: Rules) -> tuple[Reading, list[str]]:
    """Both at once, for one walk instead of two (what a scan of every person needs)."""
    phases, reading = _walk(series, rules)
    return reading, phases


def concentration(per_person: dict[int, int]) -> float | None:
    """Share of the activity carried by the most active fifth of the people who took part
    (0.2 means evenly spread; close to 1, a few carry everything and may burn out)."""
    counts = sorted((c for c in per_person.values() if c > 0), reverse=True)
    if not counts:
        return None
    top = max(1, math.ceil(len(counts) / 5))
    return round(sum(counts[:top]) / sum(counts), 3)


def person_flags(own: Sequence[int], team_per_person_recent: float, rules: Rules,
                 factor: float = 3.0, phases: list[str] | None = None) -> list[str]:
    """Flags that only serve to protect a person:

    - `overextended`: their recent mean (last `short_window_days`) is at least `factor` (3)
      × their own usual mean (the `long_window_days` before) and at least 3 × the recent mean
      of a person of their team (neither counted below 3 events a week, so a quiet person's
      two kudos are not a burst);
    - `cooling`: in decline now after euphoria within the last long window.

    `phases` is `history(own, rules)` when the caller has it already.
    """
    flags = []
    short, long = rules.short_window_days, rules.long_window_days
    recent = _mean(own[-short:])
    usual = _mean(own[-(short + long):-short]) if len(own) > short else 0.0
    floor = 3 / short  # "far above" a quiet usual means at least a real burst
    above_own = recent >= factor * max(usual, floor)
    above_team = recent >= factor * max(team_per_person_recent, floor)
    if recent > 0 and above_own and above_team:
        flags.append("overextended")
    if phases is None:
        phases = history(own, rules)
    if phases and phases[-1] == "decline" and "euphoria" in phases[-long - 1:-1]:
        flags.append("cooling")
    return flags

"""Fatigue cycles: the phase of a scope from its daily activity, with its evidence and how
sure the reading is.

The exact definition is in docs/fatigue.md; in short. A daily series of activity counts
(oldest first) is read day by day, each day knowing only the days up to it, on the company's
*working days* only (`off` marks weekends, public holidays and closures: a day off keeps the
phase of the working day before it, and its events count only as a sign of life):

1. Definitions first. `dormant` when there was activity once but none for `dormant_days`
   working days, and when there never was any; `launch` for the first `launch_days` working
   days from the first activity; `revival` for the first `launch_days` working days of
   activity after a dormancy.
2. Otherwise the day is compared with the scope's *usual level* μ (an average of its past
   steady days, the last `short_window_days` left out so that a change under way does not
   leak into it, over about `long_window_days`) and its *dispersion* φ (variance ÷ mean of
   those days: the events of one kudos — giver, recipients, reactions — come together, so
   counts vary more than a Poisson law's). Counts divided by φ behave like independent
   events.
3. Two CUSUM statistics (Page's cumulative sums of log-likelihood ratios, Poisson counts
   scaled by φ, a day counted at most `CAP_SIGMAS` standard deviations above μ) watch for a
   fall to `decline_ratio` × μ and a rise to `euphoria_ratio` × μ. A statistic that
   reaches `ALARM` (7: the days since it last left zero are e⁷ ≈ 1,100 times likelier under
   the change than without it) starts `decline` or `euphoria`, dated from the day the sum
   last left zero; a run of silent working days worth `ALARM` (each weighs μ ÷ φ) starts a
   decline too. A steady scope reaches them rarely, whatever its volume: the false alarm
   rate is bounded by construction (Lorden: on average at most one in e^ALARM days per
   statistic).
4. Hysteresis: a decline ends in `plateau` when a third sum shows the level is back near μ
   (the level it fell from: the same test the other way round, ended at `BACK`), when the
   level since the change is no longer below μ, or when activity has clearly risen above
   the low itself for `short_window_days` working days (the new level becomes μ); a
   euphoria ends in `plateau` when the level is back near μ, or when it has lasted
   `long_window_days` working days (the new level is the usual one now), and in `decline`
   when the level falls below μ.
5. Honest uncertainty: `enough_data` is whether the volume could reveal a halving within 14
   days (the sum a halving would add over 10 working days reaches `ENOUGH`, about two
   standard deviations). Without it no decline or euphoria starts: the steady phase shows,
   and the page says there is too little activity to read a trend yet. `confidence` is
   1 − e^(−S) for a change (S the sum now), and for a steady phase the share of a
   halving's evidence the volume provides.

The phase of each day depends only on the days up to it, so history is reproducible:
`history(series[:n]) == history(series)[:n]`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from kudos.domain.rules import Rules

PHASES = ("launch", "euphoria", "plateau", "decline", "dormant", "revival")
ALARM = 7.0  # log-likelihood ratio that starts a decline or a euphoria (e⁷ ≈ 1,100 to 1)
BACK = 2.0  # log-likelihood ratio that ends one: a false alarm is undone sooner than made
CAP_SIGMAS = 5.0  # one day counts at most this many standard deviations above the level
ENOUGH = 2.0  # a halving's evidence that separates it from noise (about two sigmas)
HALVING_DAYS = 10  # working days in 14 days: the volume must reveal a halving within them
DISPERSION_PRIOR = 3.0  # variance ÷ mean assumed until a scope's own days say otherwise
DISPERSION_MAX = 30.0


@dataclass
class Reading:
    phase: str
    score: float  # 0 (faint) to 1 (strong): how marked the phase is
    recent_mean: float  # events a working day since the change (the recent days when steady)
    usual_mean: float  # the level before the change (the usual level when steady)
    ratio: float | None  # recent ÷ usual
    confidence: float = 0.0  # 0 to 1: how sure the reading is
    enough_data: bool = False  # could the volume reveal a halving within 14 days?
    since: int | None = None  # index of the first day of the phase, in the series read
    evidence: dict = field(default_factory=dict)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def halving_evidence(level: float, dispersion: float, rules: Rules) -> float:
    """The sum a halving of `level` would add over HALVING_DAYS working days: at least ALARM
    means the volume is enough to read a trend."""
    down = rules.decline_ratio
    return HALVING_DAYS * level / dispersion * (0.5 * math.log(down) + 1 - down)


def _score(phase: str, ratio: float | None, rules: Rules, age: int, idle: int) -> float:
    if phase == "launch":
        return _clamp(1 - age / rules.launch_days)
    if phase == "dormant":
        return _clamp(idle / (2 * rules.dormant_days))
    if ratio is None:
        return 1.0 if phase in ("euphoria", "revival") else 0.0
    if phase in ("euphoria", "revival"):
        return _clamp(math.log(max(ratio, 1e-9)) / (2 * math.log(rules.euphoria_ratio)))
    if phase == "decline":
        return _clamp(math.log(max(ratio, 1e-9)) / (2 * math.log(rules.decline_ratio)))
    return _clamp(1 - abs(math.log(max(ratio, 1e-9))) / math.log(rules.euphoria_ratio))


def _full_walk(series: Sequence[int], off: Sequence[bool] | None,
               rules: Rules) -> tuple[list[str], Reading]:
    """Steps 1 to 5, day by day. One function with its memory in local variables: a scan
    reads thousands of people's series, so this loop is the hot path (the rare moments — a
    level learnt, a change begun or ended — are the nested functions)."""
    short, long = rules.short_window_days, rules.long_window_days
    launch_days, dormant_days = rules.launch_days, rules.dormant_days
    alpha = 1 / long
    log_down, log_up = math.log(rules.decline_ratio), math.log(rules.euphoria_ratio)
    keep_down, keep_up = 1 - rules.decline_ratio, rules.euphoria_ratio - 1
    halving = HALVING_DAYS * (0.5 * log_down + 1 - rules.decline_ratio)
    sqrt = math.sqrt
    phase: str | None = None
    since = work = 0  # where the phase began (series index); working days read
    first: int | None = None  # working day of the first activity
    last = last_index = 0  # working day of the last activity, and its index
    seen_off = False  # activity on a day off, not yet counted
    mu = var = 0.0  # the usual level and its variance
    known = 0  # working days behind μ (an average over about 2 × long at most)
    phi = DISPERSION_PRIOR
    start_sum = start_sq = 0.0  # since a launch, revival or euphoria began
    start_days = start_work = 0
    pending: deque = deque()  # the last `short` working days, not yet in μ
    down = up = back = 0.0  # the three sums
    rise = rise_sum = rise_sq = 0.0  # out of a low, to a new level
    rise_days = 0
    down_from = up_from = down_days = up_days = 0  # where each sum last left zero, days since
    down_sum = up_sum = up_sq = 0.0  # events since then
    reference = change_sum = 0.0  # the level a change is measured against; events since it
    change_days = 0
    enough = False
    worked: list[int] = []

    def dispersion() -> float:
        """φ: variance ÷ mean of a day against μ, μ's own uncertainty included: learnt from
        n days, μ misses by about √(φμ/n), which over the ten days a change takes to show
        weighs as much as (1 + 10/n) times the days' own noise."""
        if mu <= 0:
            return DISPERSION_PRIOR
        return min(DISPERSION_MAX, max(1.0, var / mu)) * (1 + HALVING_DAYS / max(known, 1))

    def settle() -> None:
        """μ, its variance and φ from the days since a launch, revival or change began."""
        nonlocal mu, var, known, phi
        n = start_days
        if n:
            known = n
            mu = start_sum / n
            spread = start_sq / n - mu * mu
            # Few days say little about the spread: lean on the prior until they do.
            var = (max(spread, 0.0) * n + DISPERSION_PRIOR * mu * short) / (n + short)
            phi = dispersion()
        pending.clear()

    def change(to: str, began: int, total: float, days: int, squares: float) -> None:
        nonlocal reference, phase, since, change_sum, change_days, back, rise, rise_sum
        nonlocal rise_sq, rise_days, start_sum, start_sq, start_days, start_work
        reference = mu if mu > 0.05 else 0.05
        phase, since = to, began
        change_sum, change_days = total, max(days, 1)
        back = rise = rise_sum = rise_sq = 0.0
        rise_days = 0
        if to == "euphoria":
            start_sum, start_sq = total, squares
            start_days, start_work = max(days, 1), work - max(days, 1) + 1
        # The days of the change are not usual: drop them from what μ is about to learn.
        for _ in range(min(days, len(pending))):
            pending.pop()

    def end(keep: bool) -> None:
        """Back to a plateau: around the level before the change, or (`keep`) the new one."""
        nonlocal mu, phi, phase, down, up, back, change_sum, change_days
        if not keep:
            mu = reference
            phi = dispersion()
        phase = "plateau"
        down = up = back = change_sum = 0.0
        change_days = 0

    phases: list[str] = []
    append = phases.append
    for index, x in enumerate(series):
        if off is not None and off[index]:
            if x:
                seen_off = True
            append(phase or "dormant")  # a day off keeps the phase of the day before
            continue
        work += 1
        worked.append(x)
        if x or seen_off:
            if first is None:
                first = work
            last, last_index, seen_off = work, index, False
        if first is None:
            phase = "dormant"
            append("dormant")
            continue
        # Step 1: the definitions.
        if work - last >= dormant_days:
            if phase != "dormant":
                phase, since = "dormant", index
            down = up = back = 0.0
            append("dormant")
            continue
        if work - first < launch_days or phase == "dormant" or (
                phase == "revival" and work - start_work < launch_days):
            if work - first < launch_days:
                if phase != "launch":
                    phase, since = "launch", index
                    start_sum = start_sq = 0.0
                    start_days, start_work = 0, work
            elif phase == "dormant":
                phase, since = "revival", index
                start_sum = start_sq = 0.0
                start_days, start_work = 0, work
            start_sum += x
            start_sq += x * x
            start_days += 1
            settle()
            enough = halving * mu / phi >= ENOUGH
            append(phase)
            continue
        if phase in ("launch", "revival"):
            settle()
            phase, since = "plateau", index
            down = up = back = 0.0
        # Steps 2 to 4: the sequential tests against the level.
        level = reference if phase in ("decline", "euphoria") else mu
        if level < 0.05:
            level = 0.05  # a quiet usual still has a level
        cap = level + CAP_SIGMAS * sqrt(phi * level)
        lam, y = level / phi, (x if x < cap else cap) / phi
        enough = halving * lam >= ENOUGH
        # Page's CUSUMs: a fall to decline_ratio × level, a rise to euphoria_ratio × level.
        step_down = y * log_down + lam * keep_down
        if down <= 0 < down + step_down:
            down_from, down_sum, down_days = index, 0.0, 0
        down += step_down
        if down < 0:
            down = 0.0
        down_sum += x
        down_days += 1
        step_up = y * log_up - lam * keep_up
        if up <= 0 < up + step_up:
            up_from, up_sum, up_sq, up_days = index, 0.0, 0.0, 0
        up += step_up
        if up < 0:
            up = 0.0
        up_sum += x
        up_sq += x * x
        up_days += 1
        if phase == "plateau":
            # A working day enters μ once `short` days old, if the scope was steady then.
            pending.append((x, True))
            if len(pending) > short:
                old, was_steady = pending.popleft()
                if was_steady:
                    known = known + 1 if known < 2 * long else known
                    delta = old - mu
                    mu += alpha * delta
                    var = (1 - alpha) * (var + alpha * delta * delta)
                    if mu > 0:  # dispersion(), inline: this is most days of a scan
                        spread = var / mu
                        spread = 1.0 if spread < 1 else min(spread, DISPERSION_MAX)
                        phi = spread * (1 + HALVING_DAYS / (known if known > 1 else 1))
                    else:
                        phi = DISPERSION_PRIOR
            if enough and down >= ALARM:
                change("decline", down_from, down_sum, down_days, 0.0)
            elif enough and (work - last) * lam >= ALARM:
                # A silence: each silent day weighs λ (the log-likelihood of no event at all),
                # more than the fall test gives it; dated from the first silent day.
                change("decline", last_index + 1, 0.0, work - last, 0.0)
            elif enough and up >= ALARM:
                change("euphoria", up_from, up_sum, up_days, up_sq)
            append(phase)
            continue
        change_sum += x
        change_days += 1
        pending.append((x, False))
        if len(pending) > short:
            pending.popleft()
        if phase == "decline":
            # Back near the level it fell from, rather than at decline_ratio of it?
            back -= step_down
            if back < 0:
                back = 0.0
            # Or clearly above the low itself (a new level, when the one it fell from was a
            # wave's height that will not come back)?
            low_days = change_days - rise_days
            low = ((change_sum - rise_sum) / low_days if low_days > 0
                   else change_sum / change_days)
            step_rise = y * log_up - (low if low > 0.05 else 0.05) / phi * keep_up
            if rise <= 0 < rise + step_rise:
                rise_sum, rise_sq, rise_days = 0.0, 0.0, 0
            rise += step_rise
            if rise < 0:
                rise = 0.0
            rise_sum += x
            rise_sq += x * x
            rise_days += 1
            if back >= BACK or change_sum / change_days >= reference:
                end(False)
            elif rise >= ALARM and rise_days >= short:
                start_sum, start_sq, start_days = rise_sum, rise_sq, rise_days
                settle()  # its level now is the usual one
                end(True)
            append(phase)
            continue
        # Euphoria: back near the level it rose from, or fallen below it, or here to stay.
        back -= step_up
        if back < 0:
            back = 0.0
        start_sum += x
        start_sq += x * x
        start_days += 1
        if enough and down >= ALARM:
            change("decline", down_from, down_sum, down_days, 0.0)
        elif enough and (work - last) * lam >= ALARM:
            change("decline", last_index + 1, 0.0, work - last, 0.0)
        elif back >= BACK or change_sum / change_days <= reference:
            end(False)
        elif work - start_work >= long:
            settle()  # the new level is the usual one now
            end(True)
        append(phase)

    if first is None:
        return phases, Reading("dormant", 0.0, 0.0, 0.0, None, 1.0, False, None)
    shown = phase or "dormant"
    if shown in ("decline", "euphoria"):
        recent = change_sum / max(change_days, 1)
        usual = reference
        confidence = 1 - math.exp(-(down if shown == "decline" else up))
    else:
        recent_days = worked[-short:]
        recent = sum(recent_days) / len(recent_days) if recent_days else 0.0
        usual = mu
        confidence = _clamp(halving * max(usual, 0.05) / phi / ENOUGH)
    if shown in ("launch", "dormant", "revival"):
        confidence = 1.0  # definitions, not estimates
    ratio = recent / usual if usual > 0 else None
    score = _score(shown, ratio, rules, work - first, work - last)
    return phases, Reading(shown, round(score, 3), round(recent, 3), round(usual, 3),
                           None if ratio is None else round(ratio, 3), round(confidence, 3),
                           enough, since)


def _quiet_walk(series: Sequence[int], off: Sequence[bool] | None,
                rules: Rules) -> tuple[list[str], Reading]:
    """The definitions alone (step 1, then `plateau`), for a series too quiet to ever read a
    trend: the same phases as the whole walk at a fraction of its cost. The reading's usual
    level is then the plain mean of the `long_window_days` working days before the last
    `short_window_days`, and the recent level the mean of those."""
    launch_days, dormant_days = rules.launch_days, rules.dormant_days
    phases: list[str] = []
    append = phases.append
    phase, since, work, first, last, seen_off, revived = None, 0, 0, None, 0, False, 0
    worked: list[int] = []
    for index, x in enumerate(series):
        if off is not None and off[index]:
            if x:
                seen_off = True
            append(phase or "dormant")
            continue
        work += 1
        worked.append(x)
        if x or seen_off:
            if first is None:
                first = work
            last, seen_off = work, False
        if first is None or work - last >= dormant_days:
            now = "dormant"
        elif work - first < launch_days:
            now = "launch"
        elif phase == "dormant" or (phase == "revival" and work - revived < launch_days):
            if phase == "dormant":
                revived = work
            now = "revival"
        else:
            now = "plateau"
        if now != phase and phase is not None:
            since = index
        phase = now
        append(now)
    if first is None:
        return phases, Reading("dormant", 0.0, 0.0, 0.0, None, 1.0, False, None)
    short, long = rules.short_window_days, rules.long_window_days
    recent_days = worked[-short:]
    before = worked[max(first - 1, len(worked) - short - long):max(len(worked) - short, 0)]
    recent = sum(recent_days) / len(recent_days) if recent_days else 0.0
    usual = sum(before) / len(before) if before else 0.0
    ratio = recent / usual if usual > 0 else None
    confidence = 1.0 if phase != "plateau" else _clamp(
        halving_evidence(usual, 1 + HALVING_DAYS / max(len(before), 1), rules) / ENOUGH)
    score = _score(phase, ratio, rules, work - first, work - last)
    return phases, Reading(phase, round(score, 3), round(recent, 3), round(usual, 3),
                           None if ratio is None else round(ratio, 3), round(confidence, 3),
                           False, since)


def _walk(series: Sequence[int], rules: Rules,
          off: Sequence[bool] | None = None) -> tuple[list[str], Reading]:
    if off is not None and len(off) != len(series):
        raise ValueError("`off` must mark every day of the series")
    total = sum(series)
    if total == 0:
        return ["dormant"] * len(series), Reading("dormant", 0.0, 0.0, 0.0, None, 1.0, False,
                                                  None)
    # The fast path of a scan's many quiet people: μ never exceeds what a launch's mean and
    # the average's steps could make of `total` events, so when even that could not reveal
    # a halving, no decline or euphoria can start: the definitions alone give the phases.
    most = total * (1 / rules.launch_days + 1 / rules.long_window_days)
    if halving_evidence(most, 1.0, rules) < ENOUGH:
        return _quiet_walk(series, off, rules)
    return _full_walk(series, off, rules)


def history(series: Sequence[int], rules: Rules, days: int | None = None,
            off: Sequence[bool] | None = None) -> list[str]:
    """The phase of each of the last `days` days (all when None), oldest first."""
    phases = _walk(series, rules, off)[0]
    return phases if days is None else phases[max(0, len(phases) - days):]


def read(series: Sequence[int], rules: Rules, off: Sequence[bool] | None = None) -> Reading:
    """Today's reading (the last day of `series`)."""
    return _walk(series, rules, off)[1]


def read_with_history(series: Sequence[int], rules: Rules,
                      off: Sequence[bool] | None = None) -> tuple[Reading, list[str]]:
    """Both at once, for one walk instead of two (what a scan of every person needs)."""
    phases, reading = _walk(series, rules, off)
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
                 factor: float = 3.0, phases: list[str] | None = None,
                 off: Sequence[bool] | None = None) -> list[str]:
    """Flags that only serve to protect a person:

    - `overextended`: their recent mean (last `short_window_days`) is at least `factor` (3)
      × their own usual mean (the `long_window_days` before) and at least 3 × the recent mean
      of a person of their team (neither counted below 3 events a week, so a quiet person's
      two kudos are not a burst);
    - `cooling`: in decline now after euphoria within the last long window — a decline only
      read when the volume is enough to tell one, so noise starts no back-off.

    `phases` is `history(own, rules, off=off)` when the caller has it already.
    """
    flags = []
    short, long = rules.short_window_days, rules.long_window_days
    recent = sum(own[-short:]) / short if own else 0.0
    before = own[-(short + long):-short] if len(own) > short else []
    usual = sum(before) / len(before) if before else 0.0
    floor = 3 / short  # "far above" a quiet usual means at least a real burst
    above_own = recent >= factor * max(usual, floor)
    above_team = recent >= factor * max(team_per_person_recent, floor)
    if recent > 0 and above_own and above_team:
        flags.append("overextended")
    if phases is None:
        phases = history(own, rules, off=off)
    if phases and phases[-1] == "decline" and "euphoria" in phases[-long - 1:-1]:
        flags.append("cooling")
    return flags

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
   scaled by φ) watch for a fall to `decline_ratio` × μ and a rise to `euphoria_ratio` × μ.
   A statistic that reaches `ALARM` (a log-likelihood ratio of 5: the data are e⁵ ≈ 150
   times likelier under the change than without it) starts `decline` or `euphoria`, dated
   from the day the sum last left zero. A steady scope reaches it rarely, whatever its
   volume: the false alarm rate is bounded by construction (Lorden: at most one in e^ALARM
   days per statistic).
4. Hysteresis: a decline ends in `plateau` when a third sum shows the level is back near μ
   (the level it fell from: the same test the other way round), not only through a jump; a
   euphoria ends in `plateau` when the level is back near μ, or when it has lasted
   `long_window_days` working days (the new level is the usual one now), and in `decline`
   when the level falls below μ.
5. Honest uncertainty: `enough_data` is whether the volume could reveal a halving within 14
   days (a halving over 10 working days would take the sum to `ALARM`). Without it no
   decline or euphoria starts: the steady phase shows, and the page says there is too little
   activity to read a trend yet. `confidence` is 1 − e^(−S) for a change (S the sum now),
   and for a steady phase the share of a halving's evidence the volume provides.

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
CAP_SIGMAS = 3.0  # one day counts at most this many standard deviations above the level
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


class _Walk:
    """The day-by-day reading. One object per series, its memory in attributes; a scan reads
    thousands of people's series, so `day` is the hot path."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.short, self.long = rules.short_window_days, rules.long_window_days
        self.alpha = 1 / rules.long_window_days
        self.log_down = math.log(rules.decline_ratio)
        self.log_up = math.log(rules.euphoria_ratio)
        self.phase: str | None = None
        self.since = 0  # series index where the phase began
        self.work = 0  # working days read so far
        self.first: int | None = None  # working day of the first activity
        self.last: int | None = None  # working day of the last activity
        self.seen_off = False  # activity on a day off, not yet counted
        self.mu = self.var = 0.0  # the usual level and its variance
        self.known = 0  # working days behind μ (an average over about 2 × long at most)
        self.start_sum = self.start_sq = 0.0  # since a launch, revival or euphoria began
        self.start_days, self.start_work = 0, 0
        self.pending: deque = deque()  # the last `short` working days, not yet in μ
        self.down = self.up = self.back = 0.0  # the three sums
        self.rise, self.rise_sum, self.rise_sq, self.rise_days = 0.0, 0.0, 0.0, 0  # out of a low
        self.down_from = self.up_from = 0  # series index where each sum last left zero
        self.down_sum = self.up_sum = self.up_sq = 0.0  # events since then
        self.down_days = self.up_days = 0
        self.reference = 0.0  # the level a decline or euphoria is measured against
        self.change_sum, self.change_days = 0.0, 0  # events since the change began
        self.recent: deque = deque(maxlen=self.short)
        self.enough = False
        self.confidence = 0.0

    # -- the usual level -------------------------------------------------------------------

    def _dispersion(self) -> float:
        """Variance ÷ mean of a day against the usual level, the level's own uncertainty
        included: μ learnt from n days misses by about √(φμ/n), which over the ten days a
        change takes to show weighs as much as (1 + 10/n) times the days' own noise."""
        if self.mu <= 0:
            return DISPERSION_PRIOR
        spread = min(DISPERSION_MAX, max(1.0, self.var / self.mu))
        return spread * (1 + HALVING_DAYS / max(self.known, 1))

    def _settle(self) -> None:
        """μ and its variance from the days since a launch, revival or euphoria began."""
        n = self.start_days
        if n:
            self.known = n
            self.mu = self.start_sum / n
            spread = self.start_sq / n - self.mu * self.mu
            # Few days say little about the spread: lean on the prior until they do.
            prior = DISPERSION_PRIOR * self.mu
            self.var = (max(spread, 0.0) * n + prior * self.short) / (n + self.short)
        self.pending.clear()

    def _fold(self, x: int, steady: bool) -> None:
        """A working day enters μ once `short` days old, if the scope was steady then."""
        self.pending.append((x, steady))
        if len(self.pending) > self.short:
            old, was_steady = self.pending.popleft()
            if was_steady and self.phase == "plateau":
                self.known = min(self.known + 1, 2 * self.long)
                delta = old - self.mu
                self.mu += self.alpha * delta
                self.var = (1 - self.alpha) * (self.var + self.alpha * delta * delta)

    def _begin(self, index: int) -> None:
        self.start_sum = self.start_sq = 0.0
        self.start_days, self.start_work = 0, self.work
        self.since = index

    # -- one day ---------------------------------------------------------------------------

    def day(self, index: int, x: int, off: bool) -> str:
        if off:
            if x:
                self.seen_off = True
            return self.phase or "dormant"
        rules = self.rules
        self.work += 1
        work = self.work
        if x or self.seen_off:
            if self.first is None:
                self.first = work
            self.last = work
            self.seen_off = False
        self.recent.append(x)
        if self.first is None:
            self.phase = "dormant"
            return "dormant"
        idle = work - self.last
        before = self.phase
        if idle >= rules.dormant_days:
            if before != "dormant":
                self.phase, self.since = "dormant", index
            self.down = self.up = self.back = 0.0
            return "dormant"
        if work - self.first < rules.launch_days:
            if before != "launch":
                self.phase = "launch"
                self._begin(index)
            self._grow(x)
            return "launch"
        if before == "dormant":
            self.phase = "revival"
            self._begin(index)
        if self.phase == "revival" and work - self.start_work < rules.launch_days:
            self._grow(x)
            return "revival"
        if self.phase in ("launch", "revival"):
            self._settle()
            self.phase, self.since = "plateau", index
            self.down = self.up = self.back = 0.0
        return self._watch(index, x)

    def _grow(self, x: int) -> None:
        self.start_sum += x
        self.start_sq += x * x
        self.start_days += 1
        self._settle()
        self.enough = halving_evidence(self.mu, self._dispersion(), self.rules) >= ENOUGH

    def _watch(self, index: int, x: int) -> str:
        """Steps 2 to 4 on a working day past the definitions."""
        rules, phase = self.rules, self.phase
        level = self.reference if phase in ("decline", "euphoria") else self.mu
        level = max(level, 0.05)  # a quiet usual still has a level
        phi = self._dispersion()
        cap = level + CAP_SIGMAS * math.sqrt(phi * level)
        lam, y = level / phi, (x if x < cap else cap) / phi
        evidence = halving_evidence(level, phi, rules)
        self.enough = evidence >= ENOUGH
        down_ratio, up_ratio = rules.decline_ratio, rules.euphoria_ratio
        # Page's CUSUMs: a fall to down_ratio × level, a rise to up_ratio × level.
        step_down = y * self.log_down + lam * (1 - down_ratio)
        if self.down <= 0 < self.down + step_down:
            self.down_from, self.down_sum, self.down_days = index, 0.0, 0
        self.down = max(0.0, self.down + step_down)
        self.down_sum += x
        self.down_days += 1
        step_up = y * self.log_up - lam * (up_ratio - 1)
        if self.up <= 0 < self.up + step_up:
            self.up_from, self.up_sum, self.up_sq, self.up_days = index, 0.0, 0.0, 0
        self.up = max(0.0, self.up + step_up)
        self.up_sum += x
        self.up_sq += x * x
        self.up_days += 1
        if phase == "plateau":
            self._fold(x, True)
            if self.enough and self.down >= ALARM:
                self._change("decline", self.down_from, self.down_sum, self.down_days)
            elif self.enough and self.up >= ALARM:
                self._change("euphoria", self.up_from, self.up_sum, self.up_days,
                             self.up_sq)
            self.confidence = (1 - math.exp(-self.down if self.phase == "decline" else -self.up)
                               if self.phase != "plateau" else _clamp(evidence / ENOUGH))
            return self.phase
        self.change_sum += x
        self.change_days += 1
        self.pending.append((x, False))
        if len(self.pending) > self.short:
            self.pending.popleft()
        if phase == "decline":
            # Back near the level it fell from, rather than at down_ratio of it?
            self.back = max(0.0, self.back - step_down)
            # Or clearly above the low itself (a new level, when the one it fell from was a
            # wave's height that will not come back)?
            low_days = self.change_days - self.rise_days
            low = max((self.change_sum - self.rise_sum) / low_days if low_days > 0
                      else self.change_sum / self.change_days, 0.05)
            step_rise = y * self.log_up - low / phi * (up_ratio - 1)
            if self.rise <= 0 < self.rise + step_rise:
                self.rise_sum, self.rise_sq, self.rise_days = 0.0, 0.0, 0
            self.rise = max(0.0, self.rise + step_rise)
            self.rise_sum += x
            self.rise_sq += x * x
            self.rise_days += 1
            shown = self.change_sum / self.change_days
            if self.back >= BACK or shown >= self.reference:
                self._end()
            elif self.rise >= ALARM and self.rise_days >= self.short:
                self.start_sum, self.start_days = self.rise_sum, self.rise_days
                self.start_sq = self.rise_sq
                self._settle()  # its level now is the usual one
                self._end(keep=True)
            self.confidence = (1 - math.exp(-self.down) if self.phase == "decline"
                               else _clamp(evidence / ENOUGH))
            return self.phase
        # Euphoria: back near the level it rose from, or fallen below it, or here to stay.
        self.back = max(0.0, self.back - step_up)
        self.start_sum += x
        self.start_sq += x * x
        self.start_days += 1
        shown = self.change_sum / self.change_days
        if self.enough and self.down >= ALARM:
            self._change("decline", self.down_from, self.down_sum, self.down_days)
        elif self.back >= BACK or shown <= self.reference:
            self._end()
        elif self.work - self.start_work >= self.long:
            self._settle()  # the new level is the usual one now
            self._end(keep=True)
        self.confidence = (1 - math.exp(-self.up) if self.phase == "euphoria"
                           else 1 - math.exp(-self.down) if self.phase == "decline"
                           else _clamp(evidence / ENOUGH))
        return self.phase

    def _change(self, phase: str, since: int, total: float, days: int,
                squares: float = 0.0) -> None:
        self.reference = max(self.mu, 0.05)
        self.phase, self.since = phase, since
        self.change_sum, self.change_days = total, max(days, 1)
        self.back = self.rise = self.rise_sum = self.rise_sq = 0.0
        self.rise_days = 0
        if phase == "euphoria":
            self.start_sum, self.start_sq = total, squares
            self.start_days, self.start_work = max(days, 1), self.work - max(days, 1) + 1
        # The days of the change are not usual: drop them from what μ is about to learn.
        for _ in range(min(days, len(self.pending))):
            self.pending.pop()

    def _end(self, keep: bool = False) -> None:
        """Back to a plateau: around the level before the change, or (`keep`) the new one."""
        if not keep:
            self.mu = self.reference
        self.phase = "plateau"
        self.down = self.up = self.back = 0.0
        self.change_sum, self.change_days = 0.0, 0

    # -- the reading -------------------------------------------------------------------------

    def reading(self, n: int) -> Reading:
        rules, phase = self.rules, self.phase or "dormant"
        if self.first is None:
            return Reading("dormant", 0.0, 0.0, 0.0, None, 1.0, False, None)
        if phase in ("decline", "euphoria"):
            recent = self.change_sum / max(self.change_days, 1)
            usual = self.reference
        else:
            recent = sum(self.recent) / len(self.recent) if self.recent else 0.0
            usual = self.mu
        ratio = recent / usual if usual > 0 else None
        age = self.work - self.first
        idle = self.work - (self.last or 0)
        # Launch, dormant and revival are definitions, not estimates.
        confidence = 1.0 if phase in ("launch", "dormant", "revival") else self.confidence
        return Reading(phase, round(_score(phase, ratio, rules, age, idle), 3), round(recent, 3),
                       round(usual, 3), None if ratio is None else round(ratio, 3),
                       round(confidence, 3), self.enough,
                       self.since if self.phase is not None else None)


def _walk(series: Sequence[int], rules: Rules,
          off: Sequence[bool] | None = None) -> tuple[list[str], Reading]:
    if off is not None and len(off) != len(series):
        raise ValueError("`off` must mark every day of the series")
    walk = _Walk(rules)
    day = walk.day
    phases = [day(i, x, off[i] if off is not None else False) for i, x in enumerate(series)]
    return phases, walk.reading(len(series))


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

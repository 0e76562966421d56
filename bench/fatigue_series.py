"""Synthetic daily activity of a team, with known phases, for bench/fatigue.py.

Drawn to be harder than real teams, from the widest realistic range:

- **a team** of 3 to 60 people giving kudos at a base rate of 0.5 to 30 kudos a working day
  (log-uniform: as many quiet small teams as busy large ones);
- **events as the app counts them**: each kudos is one event for the giver, one for each of
  its 1 to 3 recipients, and one for each colleague who reacts (0 to 4 on average, more in a
  bigger team); all of one kudos's events fall on the same day, so they are correlated, not
  the independent events a Poisson law assumes. The day's number of kudos is itself drawn
  from a Poisson law whose mean wobbles from day to day (a gamma mixture, shape 8: busy and
  slack days);
- **the calendar**: a third of the teams work flat weeks (every day alike), the others
  working weeks (weekends at 10–20% of a working day); French public holidays (5% of a
  working day) and, for half of the teams, a company closure from 24 December to 1 January
  and an August fortnight (3%). Non-working days are marked `off`, as the company's calendar
  marks them in the app;
- **segments** of known phase, each with a length in days and a level (kudos a working day):

| phase    | level                              | days    | then                             |
|----------|------------------------------------|---------|----------------------------------|
| launch   | base                               | 14      | plateau ½, euphoria ½            |
| plateau  | base × 0.85–1.15 (the new base)    | 60–200  | euphoria .35, decline .45,       |
|          |                                    |         | dormant .2                       |
| euphoria | base × 2–3.5                       | 10–18   | decline ½, plateau ½ (it settles |
|          |                                    |         | at its height: the new base)     |
| decline  | base × 0.1–0.45                    | 14–42   | dormant .35, plateau .65 (back   |
|          |                                    |         | near the level it fell from)     |
| dormant  | 0                                  | 28–70   | revival                          |
| revival  | base × 0.7–1.3 (the new base)      | 14–28   | plateau ¾, euphoria ¼            |

The true label of a day is its segment's phase, with the product's definitions applied to
the drawn counts rather than left to the generator (they are definitions, not detections):
`launch` is the first `launch_days` (14) working days from the first event, `revival` the
first 14 working days of activity after a dormancy; a silent stretch is `decline` until it
has lasted `dormant_days` (21) working days without any event, then `dormant`; a day off
takes the label of the working day before it (nothing can be read on a day off).

Everything comes from one `random.Random(seed)`: the same seed gives the same series.
`steady(...)` draws the harshest case for false alarms: a team at one constant rate for its
whole life.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

LAUNCH_DAYS = 14
DORMANT_DAYS = 21
START = date(2025, 3, 3)  # a Monday: series cover spring, summer, Christmas and more

LENGTHS = {"plateau": (60, 200), "euphoria": (10, 18), "decline": (14, 42),
           "dormant": (28, 70), "revival": (14, 28)}
NEXT = {
    "launch": (("plateau", 0.5), ("euphoria", 0.5)),
    "plateau": (("euphoria", 0.35), ("decline", 0.45), ("dormant", 0.2)),
    "euphoria": (("decline", 0.5), ("plateau", 0.5)),
    "decline": (("dormant", 0.35), ("plateau", 0.65)),
    "dormant": (("revival", 1.0),),
    "revival": (("plateau", 0.75), ("euphoria", 0.25)),
}

# French public holidays of the years the series cover (what the `holidays` package gives
# for FR; written here so the benchmark does not depend on the package's version).
HOLIDAYS = {date.fromisoformat(d) for d in (
    "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09", "2025-07-14",
    "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-25", "2026-01-01", "2026-04-06",
    "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25", "2026-07-14", "2026-08-15",
    "2026-11-01", "2026-11-11", "2026-12-25", "2027-01-01", "2027-03-29", "2027-05-01",
    "2027-05-06", "2027-05-08", "2027-05-17", "2027-07-14", "2027-08-15", "2027-11-01",
    "2027-11-11", "2027-12-25",
)}


def closures(first: date, last: date) -> list[tuple[date, date]]:
    """24 December – 1 January and the first fortnight of August, every year."""
    spans = []
    for year in range(first.year - 1, last.year + 1):
        spans.append((date(year, 12, 24), date(year + 1, 1, 1)))
        spans.append((date(year, 8, 3), date(year, 8, 16)))
    return spans


@dataclass
class Team:
    size: int
    base: float  # kudos a working day at the start
    flat: bool  # every day alike (no quiet weekends)
    closed: bool  # the company closes at Christmas and in August
    reactions: float  # mean reactions a kudos
    weekend: float  # a weekend day's share of a working day's activity


@dataclass
class Series:
    counts: list[int]
    off: list[bool]  # not a working day in the company's calendar
    labels: list[str]  # the true phase of each day
    segments: list[tuple[str, int, float]]  # (phase, first day, level in kudos a day)
    team: Team
    days: list[date]


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method for small means, a rounded normal above 30."""
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


def draw_team(rng: random.Random, rate: tuple[float, float] = (0.5, 30.0)) -> Team:
    size = round(math.exp(rng.uniform(math.log(3), math.log(60))))
    base = math.exp(rng.uniform(math.log(rate[0]), math.log(rate[1])))
    return Team(size=size, base=base, flat=rng.random() < 1 / 3, closed=rng.random() < 0.5,
                reactions=min(4.0, rng.uniform(0.0, 1.0) + size / 20),
                weekend=rng.uniform(0.1, 0.2))


def calendar(team: Team, days: int, start: date = START) -> tuple[list[date], list[bool],
                                                                  list[float]]:
    """Each day, whether it is off in the company's calendar (weekends, holidays,
    closures: the app's calendar is Monday to Friday whatever the team does) and the share of
    a working day's activity the team shows on it."""
    dates = [start + timedelta(days=i) for i in range(days)]
    shut = closures(dates[0], dates[-1]) if team.closed else []
    off, share = [], []
    for day in dates:
        closed = any(a <= day <= b for a, b in shut)
        holiday = day in HOLIDAYS
        weekend = day.weekday() >= 5
        off.append(closed or holiday or weekend)
        if closed:
            share.append(0.03)
        elif holiday:
            share.append(0.05)
        elif weekend and not team.flat:
            share.append(team.weekend)
        else:
            share.append(1.0)
    return dates, off, share


def events_of_day(rng: random.Random, team: Team, kudos_mean: float) -> int:
    """The day's events as the app counts them: per kudos, the giver, 1–3 recipients and
    the colleagues who react."""
    if kudos_mean <= 0:
        return 0
    kudos = poisson(rng, kudos_mean * rng.gammavariate(8, 1 / 8))
    events = 0
    for _ in range(kudos):
        recipients = 1 if rng.random() < 0.6 else (2 if rng.random() < 0.75 else 3)
        events += 1 + min(recipients, team.size - 1) + poisson(rng, team.reactions)
    return events


def generate(rng: random.Random, days: int = 450, team: Team | None = None,
             steady: bool = False) -> Series:
    """One series of `days` days, starting with a launch (or steady throughout)."""
    team = team or draw_team(rng)
    base = team.base
    plan: list[tuple[str, int, float]] = []
    phase, level, length = "launch", base, LAUNCH_DAYS
    if steady:
        plan = [("plateau", 0, base)]
    day = 0
    while not steady and day < days:
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
            level = base * rng.uniform(0.1, 0.45)
        elif phase == "dormant":
            level = 0.0
        else:  # revival
            level = base = base * rng.uniform(0.7, 1.3)
    dates, off, share = calendar(team, days)
    counts, seg_of_day = [], []
    for index, (seg_phase, start, seg_level) in enumerate(plan):
        end = plan[index + 1][1] if index + 1 < len(plan) else days
        for day in range(start, min(end, days)):
            counts.append(events_of_day(rng, team, seg_level * share[day]))
            seg_of_day.append(seg_phase)
    labels = ["plateau"] * days if steady else _labels(counts, off, seg_of_day)
    return Series(counts, off, labels, plan, team, dates)


def _labels(counts: list[int], off: list[bool], seg_of_day: list[str]) -> list[str]:
    labels: list[str] = []
    first = None  # working days since the first event
    idle = 0  # working days without an event
    since_revival = None
    for count, day_off, seg_phase in zip(counts, off, seg_of_day, strict=True):
        if day_off:
            labels.append(labels[-1] if labels else "dormant")
            if count:
                idle = 0
            continue
        if count:
            if first is None:
                first = 0
            idle = 0
        elif first is not None:
            idle += 1
        if first is None:
            labels.append("dormant")  # nothing ever happened yet
            continue
        first += 1
        was_dormant = bool(labels) and labels[-1] == "dormant"
        if idle >= DORMANT_DAYS:
            labels.append("dormant")
            since_revival = None
        elif first <= LAUNCH_DAYS:
            labels.append("launch")
        elif was_dormant or since_revival is not None:
            since_revival = 1 if was_dormant else since_revival + 1
            if since_revival <= LAUNCH_DAYS:
                labels.append("revival")
            else:
                since_revival = None
                labels.append(seg_phase if seg_phase not in ("revival", "dormant")
                              else "plateau")
        elif seg_phase == "dormant":
            labels.append("decline")  # silence is a decline until it is long enough
        elif seg_phase == "revival":
            labels.append("plateau")  # its first days were the revival; then it holds
        else:
            labels.append(seg_phase)
    return labels


def dataset(seed: int = 20261127, n: int = 300, days: int = 450) -> list[Series]:
    rng = random.Random(seed)
    return [generate(rng, days) for _ in range(n)]


def steady(seed: int, n: int, rate: tuple[float, float], days: int = 365) -> list[Series]:
    """`n` teams at one constant rate for `days` days, rates drawn within `rate`."""
    rng = random.Random(seed)
    return [generate(rng, days, team=draw_team(rng, rate), steady=True) for _ in range(n)]

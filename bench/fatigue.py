"""Anti-fatigue figures: how well the phases are recognised, what a full scan costs next to
the one SQL aggregation it reads, and a month of nudges through the gate.

    .venv/bin/python bench/fatigue.py [--part labels,scan,gate] [--seed 20261127]
        [--series 300] [--people 10000 --teams 300 --events 1000000] [--rounds 5]

(a) labels: synthetic daily series with known phases (bench/fatigue_series.py documents the
    generator) read by kudos.domain.fatigue.history; the share of days whose phase is right,
    not counting the first EXCLUDE (7) days after each true change (no method can see a
    change before the recent window holds some of it; the figure without that exclusion is
    printed too), and the delay from the first day of each true decline to its first day
    read as a decline (or dormant).
(b) scan: a throw-away PostgreSQL database filled with set-based SQL (people in teams, kudos
    with one recipient, reactions; all events inside the scan's window, a third of the teams
    fading, a third rising). `kudos.insights.operations.scan_all` (aggregation, every scope's
    reading, flags, storage, commit) is timed beside the same SQL aggregation run alone, in
    alternation, at the full size and at half of it.
(c) gate: a month for people in 20 time zones; random nudges pass through
    kudos.domain.gate.decide, deferred ones come back at their moment, as deliver_deferred
    does. Sends are then checked independently of the gate's code.

Prints Markdown for docs/performance.md; progress goes to stderr.
"""
# ruff: noqa: S608 (the SQL below is built from this script's constants, never from input)

import argparse
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import POSTGRES, log  # noqa: E402 (bench/common.py, beside this script)
from fatigue_series import dataset, steady  # noqa: E402 (the generator sits beside this script)

from kudos import create_app  # noqa: E402
from kudos.domain.delivery import Rhythm  # noqa: E402
from kudos.domain.fatigue import PHASES, read_with_history  # noqa: E402
from kudos.domain.gate import Situation, decide  # noqa: E402
from kudos.domain.rules import Rules  # noqa: E402
from kudos.extensions import db  # noqa: E402
from kudos.sqltypes import utcnow  # noqa: E402

EXCLUDE = 7
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")

# --- (a) labelled series --------------------------------------------------------------------

BANDS = ((0.5, 1), (1, 2), (2, 4), (4, 8), (8, 16), (16, 30.01))
ALARMS = ("decline", "euphoria", "dormant")
STEADY_AFTER = 42  # a plateau day is steady once its level has held this long (calendar days)


def band_of(rate: float) -> int:
    return next(i for i, (low, high) in enumerate(BANDS) if low <= rate < high)


def band_name(index: int) -> str:
    low, high = BANDS[index]
    return f"{low:g}–{min(high, 30):g}"


def level_changes(series) -> list[int]:
    """The first day of each segment whose level differs from the one before."""
    return [start for _phase, start, _level in series.segments]


class Tally:
    """What bench (a) counts, per rate band."""

    def __init__(self):
        self.right = Counter()
        self.total = Counter()
        self.last_right = Counter()
        self.last_total = Counter()
        self.last_unsure = Counter()
        self.steady = Counter()
        self.alarms = Counter()
        self.drops = defaultdict(list)
        self.drops_missed = Counter()
        self.rises = defaultdict(list)
        self.rises_missed = Counter()
        self.confusion = Counter()

    def add(self, series, got: list[str], reading) -> None:
        band = band_of(series.team.base)
        labels = series.labels
        starts = level_changes(series)
        change_days = [i for i in range(1, len(labels)) if labels[i] != labels[i - 1]]
        since_change = 10 ** 6
        since_level = 10 ** 6
        for day, (truth, phase) in enumerate(zip(labels, got, strict=True)):
            since_change = 0 if day in change_days else since_change + 1
            since_level = 0 if day in starts else since_level + 1
            if truth == "plateau" and since_level >= STEADY_AFTER:
                self.steady[band] += 1
                self.alarms[band] += phase in ALARMS
            if since_change < EXCLUDE:
                continue
            self.total[band] += 1
            self.right[band] += truth == phase
            self.confusion[(truth, phase)] += 1
        if since_change >= EXCLUDE:
            if getattr(reading, "enough_data", True) or labels[-1] in ("launch", "dormant",
                                                                         "revival"):
                self.last_total[band] += 1
                self.last_right[band] += labels[-1] == got[-1]
            else:
                self.last_unsure[band] += 1
        for index, (phase, start, level) in enumerate(series.segments):
            if index == 0 or start >= len(labels):
                continue
            before = series.segments[index - 1][2]
            end = series.segments[index + 1][1] if index + 1 < len(series.segments) \
                else len(labels)
            end = min(end, len(labels))
            pre = band_of(min(max(before, 0.5), 30))
            if phase in ("decline", "dormant") and level <= 0.4 * before:
                seen = next((d for d in range(start, end) if got[d] in ("decline", "dormant")),
                            None)
                if seen is None:
                    self.drops_missed[pre] += 1
                else:
                    self.drops[pre].append(seen - start)
            if phase == "euphoria" and level >= 2 * before:
                seen = next((d for d in range(start, end) if got[d] == "euphoria"), None)
                if seen is None:
                    self.rises_missed[pre] += 1
                else:
                    self.rises[pre].append(seen - start)


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def _median(values: list[int], missed: int) -> str:
    if not values and not missed:
        return "—"
    ordered = sorted(values) + [10 ** 6] * missed  # never seen: later than any delay
    middle = ordered[len(ordered) // 2]
    seen = f"{middle} d" if middle < 10 ** 6 else "not seen"
    return f"{seen} ({len(values)} of {len(values) + missed} seen)"


def baseline_reader(revision: str):
    """The detector and default rules of an older commit (`git show`), to read the same
    series side by side: before and after a change, in one run."""
    import subprocess
    import types

    def load(path: str, name: str) -> types.ModuleType:
        source = subprocess.run(["git", "show", f"{revision}:{path}"], check=True,
                                capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent).stdout
        module = types.ModuleType(name)
        sys.modules[name] = module  # dataclasses look their module up while being built
        exec(compile(source, f"{revision}:{path}", "exec"), module.__dict__)  # noqa: S102
        return module

    old_rules = load("kudos/domain/rules.py", "baseline_rules")
    old = load("kudos/domain/fatigue.py", "baseline_fatigue")
    rules = old_rules.Rules()

    def read(counts, off):
        try:
            return old.read_with_history(counts, rules, off=off)
        except TypeError:  # before the working calendar: every day counted
            return old.read_with_history(counts, rules)

    return read


def current_reader():
    rules = Rules()
    return lambda counts, off: read_with_history(counts, rules, off=off)


def labels_table(name: str, reader, data, steady_sets, steady_n: int) -> Tally:
    tally = Tally()
    began = time.perf_counter()
    readings = [reader(s.counts, s.off) for s in data]
    elapsed = time.perf_counter() - began
    for series, (reading, got) in zip(data, readings, strict=True):
        tally.add(series, got, reading)
    steady_alarms, steady_days, steady_unsure = Counter(), Counter(), Counter()
    for index, teams in enumerate(steady_sets):
        for series in teams:
            reading, got = reader(series.counts, series.off)
            # The first launch_days working days are a launch by definition: not counted.
            settled = got[30:]
            steady_days[index] += len(settled)
            steady_alarms[index] += sum(phase in ALARMS for phase in settled)
            steady_unsure[index] += not getattr(reading, "enough_data", True)
    print(f"**{name}**\n")
    print("| kudos a day | days right | last day right (enough data) | last days with too "
          "little data | false alarms, steady days | false alarms, steady teams | steady "
          "teams with too little data | drop to ≤ 40%: median delay | rise to ≥ 2×: median "
          "delay |")
    print("|---|---|---|---|---|---|---|---|---|")
    for index in range(len(BANDS)):
        print(f"| {band_name(index)} | {_pct(tally.right[index], tally.total[index])} | "
              f"**{_pct(tally.last_right[index], tally.last_total[index])}** "
              f"({tally.last_total[index]}) | {tally.last_unsure[index]} | "
              f"**{_pct(tally.alarms[index], tally.steady[index])}** | "
              f"**{_pct(steady_alarms[index], steady_days[index])}** | "
              f"{steady_unsure[index]} of {steady_n} | "
              f"**{_median(tally.drops[index], tally.drops_missed[index])}** | "
              f"{_median(tally.rises[index], tally.rises_missed[index])} |")
    total = sum(tally.total.values())
    right = sum(tally.right.values())
    print(f"\nAll bands: {right / total:.1%} of {total:,} days right; reading one 450-day "
          f"series takes {elapsed / len(data) * 1000:.2f} ms.\n")
    return tally


def bench_labels(seed: int, n: int, steady_n: int, baseline: str | None) -> None:
    log(f"labels: {n} series of 450 days, seed {seed}; {steady_n} steady teams a band")
    data = dataset(seed=seed, n=n)
    steady_sets = [steady(seed + index + 1, steady_n, band)
                   for index, band in enumerate(BANDS)]
    print(f"### (a) Labelled series: {n} teams × 450 days, seed {seed}; and {steady_n} steady "
          "teams a band × 365 days\n")
    print("Rates in kudos a working day (the team's base rate). *Steady days*: plateau days "
          f"whose level has held {STEADY_AFTER} days or more; *steady teams*: one constant rate "
          "all year (their first 30 days, a launch by definition, not counted). Accuracy "
          f"leaves out the first {EXCLUDE} days after each true change; the last day counts "
          "where `enough_data` is true (or the phase is a definition). Delays in calendar "
          "days from the first day of the change.\n")
    if baseline:
        labels_table(f"Before: the detector of {baseline}", baseline_reader(baseline), data,
                     steady_sets, steady_n)
    tally = labels_table("Now", current_reader(), data, steady_sets, steady_n)
    print("| true phase | days | read right | most often read instead |")
    print("|---|---|---|---|")
    for truth in PHASES:
        row = {got: c for (t, got), c in tally.confusion.items() if t == truth}
        days = sum(row.values())
        wrong = sorted(((c, g) for g, c in row.items() if g != truth), reverse=True)[:2]
        instead = ", ".join(f"{g} {c / days:.1%}" for c, g in wrong) or "—"
        print(f"| {truth} | {days:,} | {row.get(truth, 0) / max(days, 1):.1%} | {instead} |")
    print()


# --- (b) a full scan in PostgreSQL -----------------------------------------------------------


def generation_sql(people: int, teams: int, events: int, span_days: int) -> list[tuple[str, str]]:
    """Kudos with one recipient (two events each) and reactions (one each): `events` in all,
    inside the last `span_days` days, from PostgreSQL's random() after setseed() (the same
    rows on every run). Teams whose id is 0 mod 3 fade (more events long ago), 1 mod 3 are
    steady, 2 mod 3 rise."""
    kudos = int(events * 0.3)
    reactions = events - 2 * kudos
    span = span_days * 86400
    now = int(time.time()) - 60
    series = "WITH s(n) AS (SELECT generate_series(1, {}))".format
    return [
        ("seed", "SELECT setseed(0.20261127)"),
        ("teams", f"""INSERT INTO teams (id, name, description, created_at)
            {series(teams)} SELECT n, 'Team ' || n, '', now() AT TIME ZONE 'UTC' FROM s"""),
        ("users", f"""INSERT INTO users (id, email, name, password_hash, role, team_id,
              timezone, working_days, work_start_minute, work_end_minute, profile_public,
              approve_kudos, active, created_at)
            {series(people)} SELECT n, 'person' || n || '@bench.example', 'Person ' || n, NULL,
              CASE WHEN n <= {teams} THEN 'lead' ELSE 'member' END, 1 + n % {teams},
              CASE WHEN n % 4 = 0 THEN 'America/New_York' WHEN n % 4 = 1 THEN 'Asia/Tokyo'
                   ELSE 'Europe/Paris' END,
              '1,2,3,4,5', 540, 1080, true, false, true,
              (now() - interval '400 days') AT TIME ZONE 'UTC' FROM s"""),
        ("team leads", f"""INSERT INTO team_leads (team_id, user_id)
            SELECT 1 + n % {teams}, n FROM generate_series(1, {teams}) n"""),
        ("kudos", f"""INSERT INTO kudos (id, giver_id, kind, message, visibility, status,
              idempotency_key, created_at)
            SELECT n, g, 'kudos', 'Thank you for item ' || n, 'company', 'published',
              'gen-' || n,
              to_timestamp({now} - {span} * CASE (1 + g % {teams}) % 3
                WHEN 0 THEN sqrt(f) WHEN 1 THEN f ELSE f * f END) AT TIME ZONE 'UTC'
            FROM (SELECT n, 1 + floor(random() * {people})::int AS g, random() AS f
                  FROM generate_series(1, {kudos}) n) x"""),
        # A colleague of the same team, mostly (team = id mod teams).
        ("recipients", f"""INSERT INTO kudos_recipients (kudos_id, user_id, approved)
            SELECT k.id, 1 + (k.giver_id - 1 + {teams} * (1 + floor(random() * 9)::int))
              % {people}, true FROM kudos k"""),
        # At most two per kudos, by two different people: (kudos, person, kind) is unique.
        ("reactions", f"""INSERT INTO reactions (kudos_id, user_id, kind, created_at)
            SELECT k.id, 1 + (k.giver_id + 16 + (r.n / {kudos}) * 101) % {people}, 'applause',
              LEAST(k.created_at + interval '1 hour' * (r.n % 24),
                    now() AT TIME ZONE 'UTC' - interval '1 minute')
            FROM generate_series(0, {reactions - 1}) r(n)
            JOIN kudos k ON k.id = 1 + r.n % {kudos}"""),
    ]


def build(people: int, teams: int, events: int) -> tuple[object, str, sa.Engine]:
    name = f"kudos_bench_{uuid.uuid4().hex[:8]}"
    # A fresh connection each time: an idle pooled one may have been ended by the server
    # (or whoever administers it) during the rounds, and the database would stay behind.
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES.rsplit("/", 1)[0] + "/" + name
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        from kudos.insights.operations import window_days

        span = window_days() - 10
        with db.engine.begin() as c:
            c.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for label, statement in generation_sql(people, teams, events, span):
                began = time.perf_counter()
                c.execute(sa.text(statement))
                log(f"  {people:,} people: {label} in {time.perf_counter() - began:.1f} s")
            for table in ("teams", "users", "kudos", "reactions", "kudos_recipients"):
                c.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("VACUUM ANALYZE"))
    return app, name, admin


def clear_today(today: date) -> None:
    """So that every timed scan does the nightly work: today's rows written for the first
    time, yesterday's there to compare with."""
    from kudos.insights.models import Backoff, FatigueSignal, NudgeDecision
    from kudos.notifications.models import Notification

    db.session.execute(sa.delete(FatigueSignal).where(FatigueSignal.day == today))
    db.session.execute(sa.delete(Backoff).where(Backoff.starts_on == today))
    db.session.execute(sa.delete(NudgeDecision))
    db.session.execute(sa.delete(Notification))
    db.session.commit()


def measure_scan(people: int, teams: int, events: int, rounds: int) -> dict:
    from kudos.insights.operations import day_counts_query, scan_all, window_days

    log(f"scan: building {people:,} people, {teams} teams, {events:,} events")
    app, name, admin = build(people, teams, events)
    try:
        with app.app_context():
            today = utcnow().date()
            since = datetime.combine(today - timedelta(days=window_days() - 1),
                                     datetime.min.time(), tzinfo=UTC)
            counted = db.session.execute(
                sa.select(sa.func.sum(day_counts_query(since).subquery().c[2]))).scalar()
            scan_all(today - timedelta(days=1))  # yesterday, for the change notices
            db.session.execute(day_counts_query(since)).all()  # warm the caches alike
            aggregation, scan, report = [], [], {}
            for index in range(rounds):
                began = time.perf_counter()
                rows = db.session.execute(day_counts_query(since)).all()
                aggregation.append(time.perf_counter() - began)
                db.session.rollback()
                clear_today(today)
                began = time.perf_counter()
                report = scan_all(today)
                scan.append(time.perf_counter() - began)
                log(f"  round {index + 1}: aggregation {aggregation[-1]:.2f} s "
                    f"({len(rows):,} rows), scan {scan[-1]:.2f} s")
            signals = db.session.scalar(sa.text(
                "SELECT count(*) FROM fatigue_signals WHERE day = :d"), {"d": today})
            phases = dict(db.session.execute(sa.text(
                "SELECT phase, count(*) FROM fatigue_signals WHERE day = :d "
                "AND scope_type = 'team' GROUP BY phase"), {"d": today}).all())
            db.engine.dispose()
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    ratios = sorted(s / a for s, a in zip(scan, aggregation, strict=True))
    return {"people": people, "teams": teams, "events": events, "counted": counted,
            "rows": len(rows), "aggregation": statistics.median(aggregation),
            "scan": statistics.median(scan), "ratio": statistics.median(ratios),
            "range": (ratios[0], ratios[-1]), "signals": signals, "report": report,
            "phases": phases}


def bench_scan(people: int, teams: int, events: int, rounds: int) -> None:
    results = [measure_scan(people // 2, teams // 2, events // 2, rounds),
               measure_scan(people, teams, events, rounds)]
    print(f"### (b) Full scan beside its aggregation (PostgreSQL, {rounds} alternated runs "
          "each, medians)\n")
    print("| people | teams | events read | (person, day) rows | SQL aggregation alone | "
          "full scan | scan ÷ aggregation, per run | signals stored |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        low, high = r["range"]
        print(f"| {r['people']:,} | {r['teams']} | {r['counted']:,} | {r['rows']:,} | "
              f"{r['aggregation']:.2f} s | {r['scan']:.2f} s | "
              f"**{r['ratio']:.2f}×** ({low:.2f}–{high:.2f}) | {r['signals']:,} |")
    half, full = results
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f} (other work on the machine "
          "slows both alike, since they alternate; the ratio per run is the figure).")
    growth = full["aggregation"] / half["aggregation"]
    print(f"\nFrom half to full size: aggregation × {growth:.2f},"
          f" scan × {full['scan'] / half['scan']:.2f} (linear growth is × 2). Team phases at "
          f"full size: {', '.join(f'{k} {v}' for k, v in sorted(full['phases'].items()))}; "
          f"scan report: {full['report']}.\n")


# --- (c) a month of nudges through the gate ----------------------------------------------------

ZONES = ["Pacific/Honolulu", "America/Los_Angeles", "America/Denver", "America/Chicago",
         "America/New_York", "America/Sao_Paulo", "Atlantic/Azores", "Europe/London",
         "Europe/Paris", "Europe/Helsinki", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi",
         "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo",
         "Australia/Sydney", "Pacific/Auckland"]


def person_rhythm(rng: random.Random, index: int) -> Rhythm:
    zone = ZONES[index % len(ZONES)]
    weekdays = (7, 1, 2, 3, 4) if zone in ("Asia/Dubai",) else (1, 2, 3, 4, 5)
    if rng.random() < 0.1:  # part-timers
        weekdays = tuple(sorted(rng.sample(weekdays, 3)))
    start = rng.choice([7 * 60, 8 * 60, 9 * 60, 9 * 60 + 30, 10 * 60])
    return Rhythm(zone, weekdays, start, start + rng.choice([6, 8, 9]) * 60)


def working(moment: datetime, rhythm: Rhythm) -> bool:
    """Checked apart from the gate's own code: the local wall clock."""
    local = moment.astimezone(ZoneInfo(rhythm.timezone))
    minutes = local.hour * 60 + local.minute + local.second / 60
    return (local.isoweekday() in rhythm.weekdays
            and rhythm.start_minute <= minutes < rhythm.end_minute)


def bench_gate(seed: int, people: int = 1000) -> None:
    rng = random.Random(seed)
    rules = Rules()
    # A month across both daylight-saving changes of the northern autumn (Europe 25 Oct,
    # US 1 Nov 2026) and the southern spring ones before it.
    start = datetime(2026, 10, 12, tzinfo=UTC)
    end = start + timedelta(days=30)
    rhythms = [person_rhythm(rng, i) for i in range(people)]
    backoffs: dict[int, tuple[date, date]] = {}
    for person in rng.sample(range(people), people // 8):
        first = (start + timedelta(days=rng.randint(0, 25))).date()
        backoffs[person] = (first, first + timedelta(days=rules.backoff_days - 1))
    muted = set(rng.sample(range(people), people // 20))
    events = []  # (moment, person, kind)
    for person in range(people):
        for _ in range(rng.randint(2, 20)):
            moment = start + timedelta(seconds=rng.randint(0, 30 * 86400))
            events.append((moment, person, rng.choice(["campaign_launched", "digest",
                                                       "suggestion", "phase_changed"])))
    pending = sorted(events)
    last_sent: dict[int, datetime] = {}
    sends: dict[int, list[datetime]] = defaultdict(list)
    reasons: Counter = Counter()
    deferrals: list[float] = []
    decided = 0
    began = time.perf_counter()
    while pending:
        moment, person, kind = pending.pop(0)
        if moment >= end:
            continue
        until = backoffs.get(person, (None, None))[1]
        first_day = backoffs.get(person, (None, None))[0]
        local_day = moment.astimezone(ZoneInfo(rhythms[person].timezone)).date()
        # The app starts a back-off on the day a scan flags the person.
        active_until = until if first_day and local_day >= first_day else None
        situation = Situation(rhythms[person], last_sent.get(person), active_until,
                              muted=person in muted and kind == "campaign_launched")
        decision = decide(moment, situation, rules)
        decided += 1
        reasons[(decision.decision, decision.reason)] += 1
        if decision.decision == "send":
            last_sent[person] = moment
            sends[person].append(moment)
        elif decision.decision == "defer":
            deferrals.append((decision.deliver_at - moment).total_seconds() / 3600)
            again = (decision.deliver_at.astimezone(UTC), person, kind)
            # Back into the queue at its moment, in order (deliver_deferred runs then).
            index = next((i for i, e in enumerate(pending) if e[0] > again[0]), len(pending))
            pending.insert(index, again)
    elapsed = time.perf_counter() - began
    outside = sum(1 for p, moments in sends.items() for m in moments
                  if not working(m, rhythms[p]))
    too_close = sum(1 for moments in sends.values() for a, b in pairwise(moments)
                    if b - a < timedelta(days=rules.nudge_min_interval_days))
    during = 0
    for person, moments in sends.items():
        if person in backoffs:
            first, last = backoffs[person]
            zone = ZoneInfo(rhythms[person].timezone)
            during += sum(1 for m in moments if first <= m.astimezone(zone).date() <= last)
    print(f"### (c) A month of nudges through the gate: {people:,} people in {len(ZONES)} time "
          f"zones, {start:%d %b} to {end:%d %b %Y}\n")
    print(f"{len(events):,} nudges at random moments ({decided:,} decisions, deferred ones "
          f"decided again at their moment); {len(backoffs)} people in a back-off of "
          f"{rules.backoff_days} days, {len(muted)} muting campaigns; 10% part-timers, "
          f"working hours from 07:00 to 10:00 for 6 to 9 hours; {elapsed:.1f} s.\n")
    print("| check (on the sends) | count | target |")
    print("|---|---|---|")
    print(f"| sent outside the person's working days and hours | **{outside}** | 0 |")
    print(f"| sent less than {rules.nudge_min_interval_days} days after the previous send | "
          f"**{too_close}** | 0 |")
    print(f"| sent during the person's back-off (their local days) | **{during}** | 0 |")
    print()
    print("| decision | reason | count |")
    print("|---|---|---|")
    for (decision, reason), count in sorted(reasons.items()):
        print(f"| {decision} | {reason} | {count:,} |")
    print(f"\nDeferred nudges waited {statistics.median(deferrals):.1f} h in the median "
          f"(at most {max(deferrals):.1f} h) for the person's next working moment.\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", default="labels,scan,gate")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--series", type=int, default=300)
    parser.add_argument("--steady", type=int, default=40)
    parser.add_argument("--baseline", default=None,
                        help="a git revision whose detector reads the same series first")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=300)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    parts = args.part.split(",")
    print(f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
          f"{os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f}\n")
    if "labels" in parts:
        bench_labels(args.seed, args.series, args.steady, args.baseline)
    if "scan" in parts:
        bench_scan(args.people, args.teams, args.events, args.rounds)
    if "gate" in parts:
        bench_gate(args.seed)


if __name__ == "__main__":
    main()

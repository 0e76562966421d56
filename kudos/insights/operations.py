"""Reading activity into daily series, scanning every scope, and what the insights pages
show. One SQL aggregation reads all events; the rest is linear Python."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, literal, select, union_all

from kudos.auth.models import Team, User
from kudos.calendar.operations import company_calendar, company_country, company_today
from kudos.campaigns.models import Campaign
from kudos.domain import fatigue
from kudos.domain.calendar import WorkingCalendar
from kudos.domain.rules import Rules
from kudos.extensions import db, is_postgresql
from kudos.insights.gate import nudge
from kudos.insights.models import Backoff, FatigueSignal
from kudos.news.models import Relay
from kudos.recognition.models import Kudos, KudosRecipient, Reaction
from kudos.rules import current_rules
from kudos.sqltypes import utcnow

HISTORY_DAYS = 90


def window_days() -> int:
    rules = current_rules()
    return HISTORY_DAYS + 2 * (rules.short_window_days + rules.long_window_days)


def reading_window(now: datetime | None = None) -> tuple[date, date]:
    """The days a reading covers: complete days only, the last one yesterday in the
    company's time zone (today has only begun: reading it would show a drop that is not
    there), back over `window_days()` days."""
    end = company_today(now) - timedelta(days=1)
    return end - timedelta(days=window_days() - 1), end


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def group_reading(user_ids: list[int], *, campaign_id: int | None = None,
                  calendar: WorkingCalendar | None = None) -> dict:
    """The reading of a group of people (or of a campaign's participants) now, on the
    company's calendar unless another is given (a person's own, for their rhythm)."""
    start, end = reading_window()
    counts = person_day_counts(_midnight(start), campaign_id=campaign_id,
                               user_ids=None if campaign_id else user_ids)
    people = list(counts) if campaign_id else user_ids
    off = (calendar or company_calendar()).off_days(start, end)
    return reading_for(counts, people, start, end, off)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def day_counts_query(since: datetime, campaign_id: int | None = None,
                     user_ids: list[int] | None = None):
    """The one SQL aggregation behind `person_day_counts`: (user id, UTC day, events) rows
    from a UNION ALL of kudos given and received (highlights included), relays, reactions."""
    given = select(Kudos.giver_id.label("user_id"), Kudos.created_at.label("at")).where(
        Kudos.created_at >= since, Kudos.status == "published")
    received = (select(KudosRecipient.user_id.label("user_id"), Kudos.created_at.label("at"))
                .join(Kudos, Kudos.id == KudosRecipient.kudos_id)
                .where(Kudos.created_at >= since, Kudos.status == "published"))
    relays = select(Relay.user_id.label("user_id"), Relay.created_at.label("at")).where(
        Relay.created_at >= since)
    reactions = select(Reaction.user_id.label("user_id"), Reaction.created_at.label("at")).where(
        Reaction.created_at >= since)
    if campaign_id is not None:
        given = given.where(Kudos.campaign_id == campaign_id)
        received = received.where(Kudos.campaign_id == campaign_id)
        relays = relays.where(Relay.campaign_id == campaign_id)
        reactions = reactions.where(literal(False))
    events = union_all(given, received, relays, reactions).subquery()
    query = select(events.c.user_id, func.date(events.c.at), func.count()).group_by(
        events.c.user_id, func.date(events.c.at))
    if user_ids is not None:
        query = query.where(events.c.user_id.in_(user_ids))
    return query


def person_day_counts(since: datetime, campaign_id: int | None = None,
                      user_ids: list[int] | None = None) -> dict[int, dict[date, int]]:
    """Events per person and day since `since`: kudos given and received (highlights
    included), relays, reactions. One aggregation over a UNION ALL."""
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for user_id, day, count in db.session.execute(day_counts_query(since, campaign_id,
                                                                   user_ids)):
        # PostgreSQL gives dates, SQLite text: the type check is cheaper than a call.
        counts[user_id][day if type(day) is date else _day(day)] = count
    return counts


def series_of(per_person: dict[int, dict[date, int]], people, start: date,
              end: date) -> tuple[list[int], list[int]]:
    """Daily totals and daily active people of a group, from `start` to `end` inclusive."""
    group = _Group(start, end)
    for person in people:
        group.add(person, per_person.get(person, {}))
    return group.totals, group.active


class _Group:
    """A group's daily totals, daily active people and per-person figures, filled person by
    person (a scan fills every team in one pass over the people, then adds them up into the
    company)."""

    def __init__(self, start: date, end: date):
        self.days = (end - start).days + 1
        self.index = {start + timedelta(days=i): i for i in range(self.days)}
        self.totals, self.active = [0] * self.days, [0] * self.days
        self.recent: dict[int, int] = {}  # person -> events in the last long window
        self.breadth_recent = self.breadth_usual = self.size = 0

    def add(self, person: int, days: dict[date, int], rules: Rules | None = None) -> list[int]:
        """Count one person's days in the group; returns the person's own daily series."""
        own = [0] * self.days
        index, totals, active = self.index, self.totals, self.active
        for day, count in days.items():
            position = index.get(day)
            if position is not None:
                own[position] = count
                totals[position] += count
                active[position] += 1
        if rules is not None:
            short, long = rules.short_window_days, rules.long_window_days
            self.size += 1
            self.recent[person] = sum(own[-long:])
            self.breadth_recent += any(own[-short:])
            # The usual window is the one before the recent days, as for the means.
            self.breadth_usual += any(own[-(short + long):-short])
        return own

    def merge(self, other: _Group) -> None:
        """Count a group of the same days in this one (the company is its teams and the
        people without a team)."""
        self.totals = [a + b for a, b in zip(self.totals, other.totals, strict=True)]
        self.active = [a + b for a, b in zip(self.active, other.active, strict=True)]
        self.recent.update(other.recent)
        self.size += other.size
        self.breadth_recent += other.breadth_recent
        self.breadth_usual += other.breadth_usual

    def result(self, end: date, rules: Rules, off: list[bool] | None = None) -> dict:
        """The phase of the group on `end`, with its evidence."""
        reading, phases = fatigue.read_with_history(self.totals, rules, off)
        return {
            **evidence_of(reading, end - timedelta(days=self.days - 1)),
            "breadth": {"recent": self.breadth_recent, "usual": self.breadth_usual,
                        "of": self.size},
            "concentration": fatigue.concentration(self.recent),
            "series": self.totals[-HISTORY_DAYS:], "active": self.active[-HISTORY_DAYS:],
            "phases": phases[-HISTORY_DAYS:],
            "start": (end - timedelta(days=min(HISTORY_DAYS, self.days) - 1)).isoformat(),
        }


def evidence_of(reading: fatigue.Reading, start: date) -> dict:
    """A reading as stored and shown: the phase, the levels before and after the change
    (the usual and recent levels when steady), since when, and how sure it is."""
    return {"phase": reading.phase, "score": reading.score,
            "recent_mean": reading.recent_mean, "usual_mean": reading.usual_mean,
            "ratio": reading.ratio, "confidence": reading.confidence,
            "enough_data": reading.enough_data,
            "since": None if reading.since is None
            else (start + timedelta(days=reading.since)).isoformat()}


def reading_for(per_person, people, start: date, end: date,
                off: list[bool] | None = None) -> dict:
    """The phase of a group on `end`, with its evidence; `off` marks the days that are not
    working days (the company's calendar)."""
    rules = current_rules()
    group = _Group(start, end)
    for person in people:
        group.add(person, per_person.get(person, {}), rules)
    return group.result(end, rules, off)


EVIDENCE = ("recent_mean", "usual_mean", "ratio", "confidence", "enough_data", "since",
            "breadth", "concentration", "flags")


def _store_all(day: date, results: list[tuple[str, int, dict]]) -> list[tuple[int, str]]:
    """Upsert the day's signals in a few statements (a scan stores thousands), and return
    the teams whose phase changed since their last stored day, as (team id, new phase).
    A change already stored today is not returned again: a second scan the same day does
    not announce it twice."""
    existing = {(row.scope_type, row.scope_id): row for row in db.session.scalars(
        select(FatigueSignal).where(FatigueSignal.day == day))}
    latest = (select(FatigueSignal.scope_id, func.max(FatigueSignal.day).label("day"))
              .where(FatigueSignal.scope_type == "team", FatigueSignal.day < day)
              .group_by(FatigueSignal.scope_id).subquery())
    before = dict(db.session.execute(
        select(FatigueSignal.scope_id, FatigueSignal.phase)
        .join(latest, (FatigueSignal.scope_id == latest.c.scope_id)
              & (FatigueSignal.day == latest.c.day))
        .where(FatigueSignal.scope_type == "team")).all())
    new_rows, changes, now = [], [], utcnow()
    for scope_type, scope_id, result in results:
        evidence = {k: result.get(k) for k in EVIDENCE if k in result}
        previous = before.get(scope_id) if scope_type == "team" else None
        row = existing.get((scope_type, scope_id))
        if row is None:
            new_rows.append({"scope_type": scope_type, "scope_id": scope_id, "day": day,
                             "phase": result["phase"], "score": result["score"],
                             "evidence": evidence, "created_at": now})
        else:
            if row.phase == result["phase"]:
                previous = None  # this change, if it is one, was announced by the first scan
            row.phase, row.score, row.evidence = result["phase"], result["score"], evidence
        if previous and previous != result["phase"]:
            changes.append((scope_id, result["phase"]))
    if new_rows:
        _insert_signals(new_rows)
    return changes


SIGNAL_COLUMNS = ("scope_type", "scope_id", "day", "phase", "score", "evidence", "created_at")


def _insert_signals(rows: list[dict]) -> None:
    """A scan's new signals, in the session's transaction: PostgreSQL takes them through
    COPY (10,000 rows in a fraction of the time an executemany of as many INSERTs takes,
    which was an eighth of a full scan); other databases through one executemany."""
    connection = db.session.connection()
    if not is_postgresql(connection):
        connection.execute(insert(FatigueSignal.__table__), rows)
        return
    dumps = json.dumps
    statement = f"COPY fatigue_signals ({', '.join(SIGNAL_COLUMNS)}) FROM STDIN"
    with connection.connection.dbapi_connection.cursor() as cursor, \
            cursor.copy(statement) as copy:
        for row in rows:
            # As the column types bind them: JSON text, and UTCDateTime's naive UTC.
            copy.write_row((row["scope_type"], row["scope_id"], row["day"], row["phase"],
                            row["score"], dumps(row["evidence"]),
                            row["created_at"].astimezone(UTC).replace(tzinfo=None)))


def scan_all(today: date | None = None) -> dict:
    """Nightly (and on demand): the phase of the company, every team, every running or
    recently ended campaign and every person; stored as history under `today` (the
    company's today by default), read from complete days only (up to the day before). A
    team whose phase changed tells its leads once, through the nudge gate — unless its
    volume is too low to read a trend, when nothing it shows is a change. People flagged
    overextended or cooling get a back-off."""
    rules = current_rules()
    today = today or company_today()
    end = today - timedelta(days=1)
    start = end - timedelta(days=window_days() - 1)
    per_person = person_day_counts(_midnight(start))
    people = db.session.execute(
        select(User.id, User.team_id, User.working_days, User.country)
        .where(User.active.is_(True), User.erased_at.is_(None))
    ).all()
    calendar = company_calendar()
    off = calendar.off_days(start, end)
    report = {"teams": 0, "people": 0, "backoffs": 0, "changes": 0}
    # One pass over people fills the company and the teams; then each person is read.
    company, teams = _Group(start, end), {}
    own_series = []
    for user_id, team_id, _days, _country in people:
        if team_id and team_id not in teams:
            teams[team_id] = _Group(start, end)
        group = teams[team_id] if team_id else company
        own_series.append(group.add(user_id, per_person.get(user_id, {}), rules))
    for group in teams.values():
        company.merge(group)
    results = [("company", 0, company.result(end, rules, off))]
    team_recent_means, quiet_teams = {}, set()
    for team_id, group in teams.items():
        result = group.result(end, rules, off)
        # A person of the team, over the same recent days as a person's own flags.
        team_recent_means[team_id] = (sum(group.totals[-rules.short_window_days:])
                                      / rules.short_window_days / max(group.size, 1))
        if not result["enough_data"]:
            quiet_teams.add(team_id)
        results.append(("team", team_id, result))
        report["teams"] += 1
    flagged, own_off = [], {}
    country = company_country()
    for (user_id, team_id, days, person_country), own in zip(people, own_series, strict=True):
        key = (days, person_country or country)
        if key not in own_off:  # a person's calendar: their country, their working days
            weekdays = tuple(sorted(int(d) - 1 for d in (days or "").split(",") if d))
            own_off[key] = WorkingCalendar(key[1], weekdays, calendar.closures).off_days(
                start, end)
        reading, phases = fatigue.read_with_history(own, rules, own_off[key])
        flags = fatigue.person_flags(own, team_recent_means.get(team_id, 0.0), rules,
                                     phases=phases)
        results.append(("person", user_id, {
            **evidence_of(reading, start), "breadth": None, "concentration": None,
            "flags": flags}))
        report["people"] += 1
        flagged += [(user_id, flag) for flag in flags]
    for campaign in db.session.scalars(select(Campaign).where(Campaign.status != "draft")):
        if campaign.ends_on < end - timedelta(days=30):
            continue
        counts = person_day_counts(_midnight(start), campaign_id=campaign.id)
        results.append(("campaign", campaign.id,
                        reading_for(counts, list(counts), start, end, off)))
    changes = _store_all(today, results)
    report["backoffs"] = _start_backoffs(flagged, today, rules.backoff_days)
    db.session.commit()
    for team_id, phase in changes:  # after the commit: the gate commits its own decisions
        if team_id in quiet_teams:
            continue  # too little activity to tell a change from noise: nothing to tell
        report["changes"] += 1
        _notify_leads(team_id, phase, today)
    return report


def _start_backoffs(flagged: list[tuple[int, str]], today: date, days: int) -> int:
    """A back-off for each flagged person not resting already (one, whatever their flags);
    `until` is the last day of rest, inclusive: `days` days from today."""
    if not flagged:
        return 0
    resting = set(db.session.scalars(select(Backoff.user_id).where(Backoff.until >= today)))
    started = 0
    for user_id, reason in flagged:
        if user_id in resting:
            continue
        resting.add(user_id)
        db.session.add(Backoff(user_id=user_id, reason=reason, starts_on=today,
                               until=today + timedelta(days=days - 1)))
        started += 1
    return started


def _notify_leads(team_id: int, phase: str, day: date) -> None:
    team = db.session.get(Team, team_id)
    for lead in team.leads:
        nudge(lead, "phase_changed", f"phase_changed:{team_id}:{day.isoformat()}:{lead.id}",
              team_id=team_id)

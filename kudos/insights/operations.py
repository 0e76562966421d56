"""Reading activity into daily series, scanning every scope, and what the insights pages
show. One SQL aggregation reads all events; the rest is linear Python."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, literal, select, union_all

from kudos.auth.models import Team, User
from kudos.campaigns.models import Campaign
from kudos.domain import fatigue
from kudos.extensions import db
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


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def person_day_counts(since: datetime, campaign_id: int | None = None,
                      user_ids: list[int] | None = None) -> dict[int, dict[date, int]]:
    """Events per person and day since `since`: kudos given and received (highlights
    included), relays, reactions. One aggregation over a UNION ALL."""
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
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for user_id, day, count in db.session.execute(query):
        counts[user_id][_day(day)] = count
    return counts


def series_of(per_person: dict[int, dict[date, int]], people, start: date,
              end: date) -> tuple[list[int], list[int]]:
    """Daily totals and daily active people of a group, from `start` to `end` inclusive."""
    days = (end - start).days + 1
    totals, active = [0] * days, [0] * days
    for person in people:
        for day, count in per_person.get(person, {}).items():
            index = (day - start).days
            if 0 <= index < days:
                totals[index] += count
                active[index] += 1
    return totals, active


def reading_for(per_person, people, start: date, end: date) -> dict:
    """The phase of a group today, with its evidence."""
    rules = current_rules()
    people = list(people)
    totals, active = series_of(per_person, people, start, end)
    reading = fatigue.read(totals, rules)
    recent_from = end - timedelta(days=rules.long_window_days - 1)
    per_person_recent = {p: sum(c for d, c in per_person.get(p, {}).items()
                                if d >= recent_from) for p in people}
    breadth_recent = sum(1 for p in people if any(
        d > end - timedelta(days=rules.short_window_days) for d in per_person.get(p, {})))
    return {
        "phase": reading.phase, "score": reading.score,
        "recent_mean": reading.recent_mean, "usual_mean": reading.usual_mean,
        "ratio": reading.ratio,
        "breadth": {"recent": breadth_recent,
                    "usual": sum(1 for c in per_person_recent.values() if c), "of": len(people)},
        "concentration": fatigue.concentration(per_person_recent),
        "series": totals[-HISTORY_DAYS:], "active": active[-HISTORY_DAYS:],
        "phases": fatigue.history(totals, rules, days=HISTORY_DAYS),
        "start": (end - timedelta(days=min(HISTORY_DAYS, len(totals)) - 1)).isoformat(),
    }


def _store(scope_type: str, scope_id: int, day: date, result: dict) -> str | None:
    """Upsert today's signal; returns the previous stored phase (for change notices)."""
    previous = db.session.scalar(
        select(FatigueSignal.phase).where(FatigueSignal.scope_type == scope_type,
                                          FatigueSignal.scope_id == scope_id,
                                          FatigueSignal.day < day)
        .order_by(FatigueSignal.day.desc()).limit(1)
    )
    row = db.session.scalar(select(FatigueSignal).where(
        FatigueSignal.scope_type == scope_type, FatigueSignal.scope_id == scope_id,
        FatigueSignal.day == day))
    evidence = {k: result.get(k) for k in ("recent_mean", "usual_mean", "ratio", "breadth",
                                           "concentration", "flags") if k in result}
    if row is None:
        db.session.add(FatigueSignal(scope_type=scope_type, scope_id=scope_id, day=day,
                                     phase=result["phase"], score=result["score"],
                                     evidence=evidence))
    else:
        row.phase, row.score, row.evidence = result["phase"], result["score"], evidence
    return previous


def scan_all(today: date | None = None) -> dict:
    """Nightly (and on demand): the phase of the company, every team, every running or
    recently ended campaign and every person; stored as history. A team whose phase changed
    tells its leads once, through the nudge gate. People flagged overextended or cooling
    get a back-off."""
    rules = current_rules()
    end = today or utcnow().date()
    start = end - timedelta(days=window_days() - 1)
    since = datetime.combine(start, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    per_person = person_day_counts(since)
    people = db.session.execute(
        select(User.id, User.team_id).where(User.active.is_(True), User.erased_at.is_(None))
    ).all()
    by_team: dict[int, list[int]] = defaultdict(list)
    for user_id, team_id in people:
        if team_id:
            by_team[team_id].append(user_id)
    report = {"teams": 0, "people": 0, "backoffs": 0, "changes": 0}
    _store("company", 0, end, reading_for(per_person, [p for p, _t in people], start, end))
    team_recent_means = {}
    for team_id, members in by_team.items():
        result = reading_for(per_person, members, start, end)
        team_recent_means[team_id] = result["recent_mean"] / max(len(members), 1)
        previous = _store("team", team_id, end, result)
        report["teams"] += 1
        if previous and previous != result["phase"]:
            report["changes"] += 1
            _notify_leads(team_id, result["phase"], end)
    for user_id, team_id in people:
        own, _active = series_of(per_person, [user_id], start, end)
        reading = fatigue.read(own, rules)
        flags = fatigue.person_flags(own, team_recent_means.get(team_id, 0.0), rules)
        _store("person", user_id, end, {"phase": reading.phase, "score": reading.score,
                                        **asdict(reading), "breadth": None,
                                        "concentration": None, "flags": flags})
        report["people"] += 1
        for flag in flags:
            if _start_backoff(user_id, flag, end, rules.backoff_days):
                report["backoffs"] += 1
    for campaign in db.session.scalars(select(Campaign).where(Campaign.status != "draft")):
        if campaign.ends_on < end - timedelta(days=30):
            continue
        counts = person_day_counts(since, campaign_id=campaign.id)
        _store("campaign", campaign.id, end,
               reading_for(counts, list(counts), start, end))
    db.session.commit()
    return report


def _start_backoff(user_id: int, reason: str, today: date, days: int) -> bool:
    current = db.session.scalar(select(Backoff).where(Backoff.user_id == user_id,
                                                      Backoff.until >= today))
    if current is not None:
        return False
    db.session.add(Backoff(user_id=user_id, reason=reason, starts_on=today,
                           until=today + timedelta(days=days)))
    return True


def _notify_leads(team_id: int, phase: str, day: date) -> None:
    team = db.session.get(Team, team_id)
    for lead in team.leads:
        nudge(lead, "phase_changed", f"phase_changed:{team_id}:{day.isoformat()}:{lead.id}",
              team_id=team_id)

"""What-if: replay the last 30 or 90 days under proposed rules, beside the current ones.

- kudos that would have been refused by the giving cooldowns (each kudos checked against
  the ones its giver actually gave before it);
- nudges that would have been sent or held (each recorded gate decision decided again);
- teams whose phase today would differ.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kudos.auth.models import Team, User
from kudos.domain.cooldowns import PastGift, check_giving
from kudos.domain.delivery import Rhythm
from kudos.domain.fatigue import read
from kudos.domain.gate import Situation, decide
from kudos.domain.rules import Rules
from kudos.extensions import db
from kudos.insights.gate import OWN_RHYTHM
from kudos.insights.models import NudgeDecision
from kudos.insights.operations import person_day_counts, series_of, window_days
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.rules import current_rules, validate
from kudos.rules.models import PreviewRun
from kudos.sqltypes import utcnow


def compare(proposed: Rules, days: int, progress=None) -> dict:
    current = current_rules()
    since = utcnow() - timedelta(days=days)
    result = {"days": days}
    result["kudos_refused"] = {"current": 0, "proposed": 0}
    rows = db.session.execute(
        select(Kudos.id, Kudos.giver_id, Kudos.created_at, KudosRecipient.user_id, User.timezone,
               Kudos.giver_day)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .join(User, User.id == Kudos.giver_id)
        # Withdrawn kudos too: they count toward the caps as they did when given.
        .where(Kudos.created_at >= since - timedelta(days=60))
        .order_by(Kudos.created_at, Kudos.id)
    ).all()
    gifts: dict[int, tuple] = {}
    for kudos_id, giver_id, created_at, recipient_id, tz, day in rows:
        entry = gifts.setdefault(kudos_id, [giver_id, created_at, set(), tz, day])
        entry[2].add(recipient_id)
    history: dict[int, list[PastGift]] = defaultdict(list)
    for giver_id, created_at, recipients, tz, day in gifts.values():
        if created_at >= since:
            for name, rules in (("current", current), ("proposed", proposed)):
                if check_giving(created_at, ZoneInfo(tz), history[giver_id], recipients, rules):
                    result["kudos_refused"][name] += 1
        history[giver_id].append(PastGift(created_at, frozenset(recipients), day))
    if progress:
        progress(40)
    result["nudges"] = {"current": {"send": 0, "defer": 0, "hold": 0},
                        "proposed": {"send": 0, "defer": 0, "hold": 0}}
    people = {u.id: u for u in db.session.scalars(select(User))}
    last_sent: dict[tuple[str, int], object] = {}
    for row in db.session.scalars(select(NudgeDecision).where(NudgeDecision.decided_at >= since)
                                  .order_by(NudgeDecision.decided_at)):
        user = people.get(row.user_id)
        if user is None:
            continue
        rhythm = Rhythm(user.timezone, tuple(user.weekdays), user.work_start_minute,
                        user.work_end_minute)
        # A digest keeps its own rhythm: asked without the interval, and not counted in it.
        own_rhythm = row.kind in OWN_RHYTHM
        respect = not own_rhythm and (row.payload or {}).get("respect_interval", True)
        for name, rules in (("current", current), ("proposed", proposed)):
            situation = Situation(rhythm, last_sent.get((name, user.id)))
            decision = decide(row.decided_at, situation, rules, respect_interval=respect)
            result["nudges"][name][decision.decision] += 1
            if decision.decision == "send" and not own_rhythm:
                last_sent[(name, user.id)] = row.decided_at
    if progress:
        progress(70)
    end = utcnow().date()
    span = max(window_days(), 2 * (proposed.short_window_days + proposed.long_window_days))
    start = end - timedelta(days=span - 1)
    counts = person_day_counts(utcnow() - timedelta(days=span - 1))
    members = defaultdict(list)
    for user in people.values():
        if user.team_id and user.is_active:
            members[user.team_id].append(user.id)
    names = dict(db.session.execute(select(Team.id, Team.name)).all())
    changes = []
    for team_id, ids in members.items():
        totals, _active = series_of(counts, ids, start, end)
        now_phase, new_phase = read(totals, current).phase, read(totals, proposed).phase
        if now_phase != new_phase:
            changes.append({"team": names.get(team_id, ""), "current": now_phase,
                            "proposed": new_phase})
    result["teams_changing_phase"] = changes
    if progress:
        progress(100)
    return result


def run_preview(run_id: int) -> None:
    """The job: compute a preview and keep the result on its row (polled by the page)."""
    run = db.session.get(PreviewRun, run_id)
    if run is None or run.status == "done":
        return
    run.status = "running"
    db.session.commit()

    def progress(percent: int) -> None:
        run.progress = percent
        db.session.commit()

    proposed = validate(run.proposed)
    run.result = compare(proposed, run.days, progress)
    run.status = "done"
    db.session.commit()

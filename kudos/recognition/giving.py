"""The statements of giving: everything `operations.give` needs to decide, read at once;
then the kudos, its recipients, audiences and outbox event written at once.

Giving is the most frequent write of the product, so it costs two statements and a commit
on PostgreSQL (one read, one write, each a single round trip) instead of one per table:

- `read` answers, in one SELECT of scalar subqueries, who the recipients are, whether the
  value is usable, the rule set, the giver's recent gifts (and a kudos already given with
  this idempotency key), and the giver's `last_gave_at`, the version of their gifts;
- `write` inserts only if `last_gave_at` is still what `read` saw (compare-and-set on the
  giver's row, which also takes the row's lock until the commit). If a concurrent gift by
  the same person committed in between, nothing is written and the caller decides again
  after locking first: two submissions at once are still counted one after the other, and
  the common case (nobody else giving as the same person) pays no separate lock.

On PostgreSQL the write is one statement (data-modifying CTEs); on SQLite, whose statements
cost no round trip, the same rows are written one statement after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Boolean,
    Integer,
    bindparam,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from kudos import outbox
from kudos.admin.models import Value
from kudos.auth.models import User
from kudos.domain.cooldowns import PastGift
from kudos.extensions import db, is_postgresql
from kudos.jobs import job_path
from kudos.recognition import jobs
from kudos.recognition.models import Kudos, KudosAudience, KudosRecipient
from kudos.rules import rule_values
from kudos.sqltypes import UTCDateTime


class json_rows(FunctionElement):  # noqa: N801 (a SQL function, named like one)
    """The rows of a subquery as one JSON array of arrays: several rows inside a scalar
    subquery, so that one SELECT can answer several questions."""

    type = JSON()
    name = "json_rows"
    inherit_cache = True


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw) -> str:
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element, compiler, **kw) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


def _moment(raw: str) -> datetime:
    """A timestamp from inside JSON (ISO on PostgreSQL, SQLite's stored text), in UTC."""
    return datetime.fromisoformat(raw).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    """A picked colleague, as giving needs them."""

    id: int
    name: str
    usable: bool  # active and not erased
    gone: bool  # erased: they no longer exist for others
    public: bool  # shows in search and on the wall (not a hidden profile)
    approve_kudos: bool
    team_id: int | None


@dataclass
class State:
    """What `read` found."""

    people: dict[int, Person]
    value_usable: bool | None  # None: no value asked, or no such value
    rules: dict[str, Any] | None  # the admins' changes to the rules
    last_gave_at: datetime | None
    past: list[PastGift]
    existing: tuple[int, str] | None  # (id, status) of a kudos given with the same key


def lock(giver_id: int, now: datetime) -> None:
    """Take the giver's row first, for a decision that cannot be overtaken."""
    db.session.execute(update(User).where(User.id == giver_id).values(last_gave_at=now))


@cache
def _read_statement():
    """Built once, with parameters (`ids` expanding), so that SQLAlchemy compiles it once."""
    same_key = Kudos.idempotency_key == bindparam("key")
    people = (
        select(json_rows(User.id, User.name, User.active, User.erased_at.is_(None),
                         User.approve_kudos, User.team_id, User.profile_public))
        .where(User.id.in_(bindparam("ids", expanding=True))).scalar_subquery()
    )
    past = (
        select(json_rows(Kudos.id, Kudos.created_at, Kudos.giver_day, Kudos.status, same_key,
                         KudosRecipient.user_id))
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .where(Kudos.giver_id == bindparam("giver_id"),
               or_(Kudos.created_at >= bindparam("since", type_=UTCDateTime()), same_key))
        .scalar_subquery()
    )
    value = (select(Value.archived_at.is_(None)).where(Value.id == bindparam("value_id"))
             .scalar_subquery())
    last_gave_at = (select(User.last_gave_at).where(User.id == bindparam("giver_id"))
                    .scalar_subquery())
    return select(people, past, value, rule_values(), last_gave_at)


def read(giver_id: int, recipient_ids: list[int], value_id: int | None, since: datetime,
         key: str) -> State:
    row = db.session.connection().execute(_read_statement(), {
        "giver_id": giver_id, "ids": recipient_ids, "value_id": value_id, "since": since,
        "key": key,
    }).one()
    found_people, found_past, value_usable, rules, last = row
    state = State(
        people={
            person_id: Person(person_id, name, bool(active) and bool(kept), not kept,
                              bool(public), bool(approve), team_id)
            for person_id, name, active, kept, approve, team_id, public in found_people or []
        },
        value_usable=value_usable if value_id else None,
        rules=rules,
        last_gave_at=last,
        past=[],
        existing=None,
    )
    gifts: dict[int, tuple[datetime, date | None, set[int]]] = {}
    for kudos_id, created_at, day, status, is_same, user_id in found_past or []:
        if is_same:
            state.existing = (kudos_id, status)
            return state
        at = _moment(created_at)
        # Withdrawn and hidden kudos count too: taking one back does not free its place.
        if at >= since:
            gifts.setdefault(kudos_id, (at, date.fromisoformat(day) if day else None,
                                        set()))[2].add(user_id)
    state.past = [PastGift(at, frozenset(ids), day) for at, day, ids in gifts.values()]
    return state


def write(giver_id: int, seen: datetime | None, now: datetime, fields: dict[str, Any],
          approvals: dict[int, bool | None], teams: set[int]) -> int | None:
    """Insert the kudos (`fields` are its columns), its recipients (`approvals`: user id ->
    approved), its audiences and its outbox event, if the giver's `last_gave_at` is still
    `seen`. Returns the kudos' id, or None when a concurrent gift came first. The caller
    commits."""
    row = {**fields, "created_at": now}
    if is_postgresql():
        return _write_at_once(giver_id, seen, now, row, approvals, teams)
    return _write_in_turn(giver_id, seen, now, row, approvals, teams)


def _claim():
    """The compare-and-set on the giver's row."""
    return (update(User)
            .where(User.id == bindparam("giver_id"),
                   User.last_gave_at.is_not_distinct_from(bindparam("seen",
                                                                    type_=UTCDateTime())))
            .values(last_gave_at=bindparam("now", type_=UTCDateTime())))


@cache
def _write_statement():
    """One statement for PostgreSQL, built once: the claim, then the rows, each insert
    reading the id of the one before (nothing is inserted when the claim found no row).
    Recipients and teams come as arrays, so that the statement has one shape. The kudos'
    columns are bound as `kudos_<column>`: a parameter named like a column of `users`
    would join the claim's SET clause."""
    claimed = _claim().returning(User.id).cte("claimed")
    table = Kudos.__table__
    columns = [c.name for c in table.columns
               if c.name not in ("id", "giver_id", "edited_at", "hidden_at", "hidden_by_id",
                                 "hidden_reason")]
    new_kudos = (
        insert(table)
        .from_select(["giver_id", *columns],
                     select(claimed.c.id, *(bindparam(f"kudos_{c}", type_=table.c[c].type)
                                            for c in columns)))
        .returning(table.c.id).cte("new_kudos")
    )
    picked = func.unnest(bindparam("user_ids", type_=ARRAY(Integer)),
                         bindparam("approvals", type_=ARRAY(Boolean))
                         ).table_valued("user_id", "approved").render_derived()
    recipients = insert(KudosRecipient.__table__).from_select(
        ["kudos_id", "user_id", "approved"],
        select(new_kudos.c.id, picked.c.user_id, picked.c.approved).select_from(new_kudos)
        .join(picked, true()),
    ).cte("new_recipients")
    audience = func.unnest(bindparam("team_ids", type_=ARRAY(Integer))).table_valued(
        "team_id").render_derived()
    audiences = insert(KudosAudience.__table__).from_select(
        ["kudos_id", "team_id"],
        select(new_kudos.c.id, audience.c.team_id).select_from(new_kudos)
        .join(audience, true()),
    ).cte("new_audiences")
    event = outbox.insert_for(bindparam("job"), new_kudos.c.id,
                              bindparam("now", type_=UTCDateTime())).cte("new_event")
    return select(new_kudos.c.id).add_cte(recipients, audiences, event)


def _write_at_once(giver_id, seen, now, row, approvals, teams) -> int | None:
    return db.session.connection().execute(_write_statement(), {
        **{f"kudos_{name}": value for name, value in row.items()},
        "giver_id": giver_id, "seen": seen, "now": now,
        "job": job_path(jobs.notify_recipients),
        "user_ids": list(approvals), "approvals": list(approvals.values()),
        "team_ids": sorted(teams),
    }).scalar()


def _write_in_turn(giver_id, seen, now, row, approvals, teams) -> int | None:
    claimed = db.session.execute(_claim(), {"giver_id": giver_id, "seen": seen, "now": now})
    if claimed.rowcount == 0:
        return None
    kudos_id = db.session.execute(
        insert(Kudos.__table__).values(giver_id=giver_id, **row)
        .returning(Kudos.__table__.c.id)
    ).scalar_one()
    db.session.execute(insert(KudosRecipient.__table__), [
        {"kudos_id": kudos_id, "user_id": user_id, "approved": approved}
        for user_id, approved in approvals.items()
    ])
    if teams:
        db.session.execute(insert(KudosAudience.__table__),
                           [{"kudos_id": kudos_id, "team_id": t} for t in sorted(teams)])
    outbox.publish(jobs.notify_recipients, kudos_id)
    return kudos_id

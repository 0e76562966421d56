"""Reading recognition: who may see what, and the wall in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, func, literal, null, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from kudos.admin.models import Value, in_reader_language
from kudos.auth.models import Team, User
from kudos.extensions import db
from kudos.recognition.models import (
    Comment,
    Kudos,
    KudosAudience,
    KudosRecipient,
    Reaction,
    Report,
)

PAGE_SIZE = 20


def _any(*where):
    """EXISTS for the visibility checks, written as a count so that PostgreSQL checks it
    row by row, through an index, on the few rows a page reads.

    Inside an OR, PostgreSQL cannot turn EXISTS into a join; it plans a "hashed SubPlan"
    when it expects many calls, and it expects one per row of the table, not per row the
    LIMIT lets through. That hash is built from every matching row (every recipient with a
    hidden profile, every team kudos of the viewer's team), so each page cost grew with the
    table: 0.5 s at a million kudos. A scalar subquery is never hashed. Same answer as EXISTS.
    """
    return select(func.count()).where(*where).scalar_subquery() > 0


def _involves(user_id: int):
    return or_(
        Kudos.giver_id == user_id,
        _any(KudosRecipient.kudos_id == Kudos.id, KudosRecipient.user_id == user_id),
    )


def visible_to(viewer: User):
    """The SQL condition for kudos `viewer` may see.

    - their own (given or received), published or waiting for approval;
    - published company-wide kudos, and team kudos of their team.

    A hidden profile never hides a kudos: its owner's name is masked instead (see
    `masked_people`), so that one person's choice does not take thanks away from the others.
    """
    in_audience = or_(
        Kudos.visibility == "company",
        and_(
            Kudos.visibility == "team",
            _any(KudosAudience.kudos_id == Kudos.id, KudosAudience.team_id == viewer.team_id),
        ),
    )
    public = and_(Kudos.status == "published", in_audience)
    mine = and_(Kudos.status.in_(("published", "pending")), _involves(viewer.id))
    return or_(public, mine)


def masks(viewer: User, person: User | None) -> bool:
    """True when `viewer` sees `person` as "a colleague": `person` hid their profile, and is
    not the viewer (everyone sees their own name). Erased accounts are signed "a former
    colleague" by `User.display_name` instead."""
    return (person is not None and not person.profile_public and person.erased_at is None
            and person.id != viewer.id)


def masked_people(viewer: User, kudos: Kudos, comments: Iterable[Comment] = ()) -> frozenset[int]:
    """The one rule for names on a kudos: the ids of the people `viewer` sees as "a colleague".

    Someone who hid their profile (giver, recipient or commenter) is masked for everyone but
    themselves and the people the kudos is about (its giver and recipients, who are told by
    name in their notifications anyway). An erased account is not masked: it is already
    signed "a former colleague". Pages, the API and any cache of a card key on this set.
    """
    involved = kudos.giver_id == viewer.id or any(
        r.user_id == viewer.id for r in kudos.recipients)
    if involved:
        return frozenset()
    people = [kudos.giver, *kudos.recipient_users, *(c.author for c in comments)]
    return frozenset(p.id for p in people if masks(viewer, p))


def can_see(viewer: User, kudos: Kudos) -> bool:
    if viewer.is_admin and db.session.scalar(
        select(func.count(Report.id)).where(Report.kudos_id == kudos.id)
    ):
        return True  # admins see what was reported to them
    return bool(db.session.scalar(
        select(func.count(Kudos.id)).where(Kudos.id == kudos.id, visible_to(viewer))
    ))


@dataclass
class Filters:
    scope: str = "company"  # company | team | received | given
    person_id: int | None = None  # for received/given: whose (default: the viewer)
    team_id: int | None = None
    value_id: int | None = None
    kind: str | None = None


@dataclass
class Card:
    """One kudos as the wall shows it, with everything loaded."""

    kudos: Kudos
    applause: int = 0
    plus_ones: int = 0
    my_reactions: set[str] = field(default_factory=set)
    comments: list[Comment] = field(default_factory=list)
    # Who the viewer sees as "a colleague" on this card (`masked_people`).
    masked: frozenset[int] = frozenset()

    def shows(self, user: User) -> bool:
        """True when the viewer may see `user`'s name (and link to their profile) here."""
        return user.id not in self.masked


def wall_query(viewer: User, filters: Filters):
    query = select(Kudos).where(visible_to(viewer))
    if filters.scope == "received":
        person = filters.person_id or viewer.id
        query = query.where(exists().where(KudosRecipient.kudos_id == Kudos.id,
                                           KudosRecipient.user_id == person))
    elif filters.scope == "given":
        query = query.where(Kudos.giver_id == (filters.person_id or viewer.id))
    team_id = filters.team_id or (viewer.team_id if filters.scope == "team" else None)
    if team_id:
        member = aliased(User)
        query = query.where(or_(
            exists().where(member.id == Kudos.giver_id, member.team_id == team_id),
            exists().where(KudosRecipient.kudos_id == Kudos.id,
                           member.id == KudosRecipient.user_id, member.team_id == team_id),
        ))
    if filters.value_id:
        query = query.where(Kudos.value_id == filters.value_id)
    if filters.kind:
        query = query.where(Kudos.kind == filters.kind)
    return query


def wall_page(viewer: User, filters: Filters, before: tuple[datetime, int] | None = None,
              limit: int = PAGE_SIZE) -> tuple[list[Card], tuple[datetime, int] | None]:
    """One page of the wall, newest first, and the position of the next page (or None).

    Four queries whatever the page holds: the kudos with their givers and values, their
    recipients, the reaction counts, the comments.
    """
    query = wall_query(viewer, filters)
    if before:
        at, last_id = before
        # The first condition is implied by the second; it is there so that the database
        # starts its index scan at the position instead of reading down to it.
        query = query.where(Kudos.created_at <= at,
                            or_(Kudos.created_at < at,
                                and_(Kudos.created_at == at, Kudos.id < last_id)))
    query = (
        query.options(joinedload(Kudos.giver), joinedload(Kudos.value),
                      selectinload(Kudos.recipients).joinedload(KudosRecipient.user))
        .order_by(Kudos.created_at.desc(), Kudos.id.desc())
        .limit(limit + 1)
    )
    rows = db.session.scalars(query).unique().all()
    next_position = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_position = (rows[-1].created_at, rows[-1].id)
    return load_cards(viewer, rows), next_position


def newer_than(viewer: User, filters: Filters, after: tuple[datetime, int],
               limit: int = PAGE_SIZE) -> list[Kudos]:
    """The newest kudos (at most `limit`) that come after `after` in the wall's order, newest
    first: the keyset of `wall_page`, read the other way."""
    at, last_id = after
    query = (
        wall_query(viewer, filters)
        .where(Kudos.created_at >= at,
               or_(Kudos.created_at > at, and_(Kudos.created_at == at, Kudos.id > last_id)))
        .options(joinedload(Kudos.giver), joinedload(Kudos.value),
                 selectinload(Kudos.recipients).joinedload(KudosRecipient.user))
        .order_by(Kudos.created_at.desc(), Kudos.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def load_cards(viewer: User, rows: list[Kudos]) -> list[Card]:
    cards = {k.id: Card(k) for k in rows}
    if not cards:
        return []
    ids = list(cards)
    counts = db.session.execute(
        select(Reaction.kudos_id, Reaction.kind, func.count(Reaction.id),
               func.sum(case((Reaction.user_id == viewer.id, 1), else_=0)))
        .where(Reaction.kudos_id.in_(ids))
        .group_by(Reaction.kudos_id, Reaction.kind)
    ).all()
    for kudos_id, kind, count, mine in counts:
        card = cards[kudos_id]
        if kind == "applause":
            card.applause = count
        else:
            card.plus_ones = count
        if mine:
            card.my_reactions.add(kind)
    comments = db.session.scalars(
        select(Comment).options(joinedload(Comment.author))
        .where(Comment.kudos_id.in_(ids), Comment.hidden_at.is_(None))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    for comment in comments:
        cards[comment.kudos_id].comments.append(comment)
    for card in cards.values():
        card.masked = masked_people(viewer, card.kudos, card.comments)
    return [cards[k.id] for k in rows]


def filter_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The values and teams the wall can be filtered by, in one query."""
    rows = db.session.execute(
        select(literal("v"), Value.id, Value.name, Value.name_fr).union_all(
            select(literal("t"), Team.id, Team.name, null()).where(Team.archived_at.is_(None))
        )
    ).all()
    values = sorted(((i, in_reader_language(n, fr)) for k, i, n, fr in rows if k == "v"),
                    key=lambda r: r[1].lower())
    teams = sorted(((i, n) for k, i, n, _fr in rows if k == "t"), key=lambda r: r[1].lower())
    return values, teams


def profile_summary(viewer: User, person: User) -> dict:
    """What a person's profile shows: the values they were recognised for and the teams that
    recognised them, from the kudos the viewer may see. No totals, no ranking."""
    received = wall_query(viewer, Filters(scope="received", person_id=person.id)).subquery()
    values = db.session.execute(
        select(Kudos.value_id).select_from(received)
        .join(Kudos, Kudos.id == received.c.id).where(Kudos.value_id.is_not(None)).distinct()
    ).scalars().all()
    giver = aliased(User)
    teams = db.session.execute(
        select(giver.team_id).select_from(received)
        .join(giver, giver.id == received.c.giver_id)
        .where(giver.team_id.is_not(None)).distinct()
    ).scalars().all()
    return {"value_ids": values, "team_ids": teams}


def my_quarter(user: User, since: datetime) -> dict:
    """Private figures for a person's own page: whom they thanked since `since`, and across
    how many teams."""
    rows = db.session.execute(
        select(User.id, User.name, User.team_id)
        .join(KudosRecipient, KudosRecipient.user_id == User.id)
        .join(Kudos, Kudos.id == KudosRecipient.kudos_id)
        .where(Kudos.giver_id == user.id, Kudos.created_at >= since,
               Kudos.status.in_(("published", "pending")))
        .distinct()
    ).all()
    by_team = defaultdict(list)
    for _id, name, team_id in rows:
        by_team[team_id].append(name)
    return {"people": sorted(name for _id, name, _t in rows),
            "teams": len([t for t in by_team if t is not None])}

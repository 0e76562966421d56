"""Giving, editing, withdrawing, reacting, commenting, reporting, approving, hiding."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from kudos import audit, outbox, polls
from kudos.admin.models import Value
from kudos.auth.models import User
from kudos.campaigns.operations import check_taggable
from kudos.domain.cooldowns import Refusal, check_giving, giving_day
from kudos.domain.errors import DomainError, Invalid, NotFound
from kudos.domain.rules import Rules
from kudos.domain.text import refuse_invisible
from kudos.extensions import db
from kudos.recognition import giving, jobs
from kudos.recognition.models import (
    KINDS,
    REACTIONS,
    VISIBILITIES,
    Comment,
    Kudos,
    Reaction,
    Report,
)
from kudos.rules import rules_from
from kudos.sqltypes import utcnow

MAX_RECIPIENTS = 10
MESSAGE_MAX = 1000
WORK_TITLE_MAX = 200
WHY_MAX = 500
COMMENT_MAX = 500
EDIT_WINDOW = timedelta(minutes=15)


class Cooldown(DomainError):
    """A cap was reached: not an error, a pause. Carries the refusal for the message."""

    status = 429
    code = "cooldown"

    def __init__(self, message: str, refusal: Refusal, now: datetime):
        super().__init__(message)
        self.refusal = refusal
        self.retry_after = refusal.retry_after(now)


@dataclass
class Draft:
    """What a person typed into "Thank a colleague" or "Highlight a colleague's work"."""

    recipient_ids: list[int]
    message: str
    kind: str = "kudos"
    value_id: int | None = None
    campaign_id: int | None = None
    visibility: str = "company"
    work_title: str | None = None
    work_url: str | None = None
    why_it_matters: str | None = None
    idempotency_key: str | None = None


def check_link(url: str | None, field: str) -> str | None:
    """An http(s) link, or None; anything else (javascript:, data:, …) is refused."""
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise Invalid(field, _("Please give a web link starting with http:// or https://."))
    return url


def clean_message(text: str | None, field: str = "message", limit: int = MESSAGE_MAX) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise Invalid(field, _("Please write a few words."))
    if len(text) > limit:
        raise Invalid(field, _("Please keep it under %(n)s characters (it has %(len)s).",
                               n=limit, len=len(text)))
    return text


def _recipient_ids(giver: User, ids: list[int]) -> list[int]:
    try:
        unique = list(dict.fromkeys(int(i) for i in ids))
    except (TypeError, ValueError):
        raise Invalid("recipient_ids", _("Please pick colleagues from the list.")) from None
    if not unique:
        raise Invalid("recipient_ids", _("Please pick at least one colleague."))
    if len(unique) > MAX_RECIPIENTS:
        raise Invalid("recipient_ids", _("You can thank up to %(n)s colleagues at once.",
                                         n=MAX_RECIPIENTS))
    if giver.id in unique:
        raise Invalid("recipient_ids", _("Thanking yourself is not possible — but we are sure "
                                         "someone will notice your work."))
    return unique


def _validate(giver: User, draft: Draft) -> dict:
    """The draft's own checks, and the campaign's; what needs the recipients and the value
    is checked against what `giving.read` finds (`_check_found`)."""
    if draft.kind not in KINDS:
        raise Invalid("kind", _("Please choose between a kudos and a highlight."))
    if draft.visibility not in VISIBILITIES:
        raise Invalid("visibility", _("Please choose who can see it."))
    fields = {
        "kind": draft.kind,
        "visibility": draft.visibility,
        "recipient_ids": _recipient_ids(giver, draft.recipient_ids),
        "message": clean_message(draft.message),
        "value_id": draft.value_id or None,
        "campaign_id": None,
        "work_title": None,
        "work_url": None,
        "why_it_matters": None,
    }
    if draft.kind == "highlight":
        title = " ".join((draft.work_title or "").split())
        if not title:
            raise Invalid("work_title", _("Please name the work you are highlighting."))
        if len(title) > WORK_TITLE_MAX:
            raise Invalid("work_title", _("Please keep the title under 200 characters."))
        refuse_invisible(title, "work_title")
        fields["work_title"] = title
        fields["work_url"] = check_link(draft.work_url, "work_url")
        why = (draft.why_it_matters or "").replace("\r\n", "\n").strip()
        if len(why) > WHY_MAX:
            raise Invalid("why_it_matters", _("Please keep it under %(n)s characters (it has "
                                              "%(len)s).", n=WHY_MAX, len=len(why)))
        fields["why_it_matters"] = why or None
    elif draft.work_url:
        fields["work_url"] = check_link(draft.work_url, "work_url")
    fields["campaign_id"] = check_taggable(giver, draft.campaign_id)
    return fields


def _check_found(state: giving.State, ids: list[int], value_id: int | None) -> list:
    """The picked colleagues as found, in the order picked; Invalid if one cannot be."""
    for user_id in ids:
        person = state.people.get(user_id)
        # Unknown, erased, deactivated or hidden: one answer, the one search implies, so
        # that an id says nothing about the person behind it (not even their name).
        if person is None or not person.usable or not person.public:
            raise Invalid("recipient_ids", unfindable_message())
    if value_id and not state.value_usable:
        raise Invalid("value_id", _("Please choose a value from the list."))
    return [state.people[i] for i in ids]


def unfindable_message() -> str:
    return _("We could not find one of the colleagues picked. Colleagues who hid their "
             "profile, or who left, cannot be picked.")


def cooldown_message(refusal: Refusal, recipient_name: str | None, when: str) -> str:
    if refusal.rule == "pair" and recipient_name is not None:
        return _("You've thanked %(name)s %(count)s times this week — it will mean more "
                 "%(when)s. Your message is kept.", name=recipient_name,
                 count=refusal.count, when=when)
    return _("You've given %(count)s kudos today — a generous day! You can give more "
             "%(when)s. Your message is kept.", count=refusal.count, when=when)


@dataclass
class Given:
    """What `give` did: the kudos' id, and what the page that follows says about it."""

    id: int
    recipient_names: list[str]
    pending: bool

    def load(self) -> Kudos:
        return db.session.get(Kudos, self.id)


class _PairWindow:
    """How far back `give` reads the giver's gifts: the pair window of the rules this
    process read last (a wider window set by an admin since is read again, once)."""

    days = Rules().pair_window_days


def give(giver: User, draft: Draft, *, now: datetime | None = None,
         when=None) -> tuple[Given, bool]:
    """Give a kudos or a highlight. Returns (what was given, created); the same idempotency
    key from the same giver returns the first kudos instead of a second one.

    `when(retry_at)` words the moment of a cooldown's end for the message (the view's locale
    and the giver's time zone); a plain ISO date is used without it.

    One read, then one write that happens only if nobody gave as the same person in between
    (see `giving`); if somebody did, the giver's row is locked and the decision taken again,
    so concurrent submissions cannot slip past a cap.
    """
    fields = _validate(giver, draft)
    ids = fields.pop("recipient_ids")
    key = (draft.idempotency_key or "").strip()[:64] or uuid.uuid4().hex
    now = now or utcnow()
    for locked in (False, True):
        if locked:
            db.session.rollback()
            polls.touch(db.session)  # the lock's UPDATE is accounted for below
            giving.lock(giver.id, now)
        window = _PairWindow.days
        state = giving.read(giver.id, ids, fields["value_id"],
                            now - timedelta(days=max(window, 2)), key)
        rules = rules_from(state.rules)
        _PairWindow.days = rules.pair_window_days
        if rules.pair_window_days > window:
            state = giving.read(giver.id, ids, fields["value_id"],
                                now - timedelta(days=max(rules.pair_window_days, 2)), key)
        if state.existing is not None:
            db.session.rollback()
            existing_id, status = state.existing
            people = [p for p in (state.people.get(i) for i in ids) if p is not None]
            return Given(existing_id, [p.name for p in people], status == "pending"), False
        recipients = _check_found(state, ids, fields["value_id"])
        zone = giver.caps_zone(now)
        refusal = check_giving(now, zone, state.past, ids, rules)
        if refusal is not None:
            db.session.rollback()
            name = state.people[refusal.recipient_id].name if refusal.recipient_id else None
            wording = when(refusal.retry_at) if when else refusal.retry_at.date().isoformat()
            raise Cooldown(cooldown_message(refusal, name, wording), refusal, now)
        needs_approval = fields["visibility"] != "recipients" and any(
            p.approve_kudos for p in recipients)
        fields.update(idempotency_key=key, status="pending" if needs_approval else "published",
                      giver_day=giving_day(now, zone))
        teams = ({t for t in [giver.team_id, *(p.team_id for p in recipients)] if t}
                 if fields["visibility"] == "team" else set())
        # Who sees it, for the polls of open walls (its rows are written as plain SQL).
        polls.touch(db.session, f"user:{giver.id}", *(f"user:{p.id}" for p in recipients),
                    *(["company"] if fields["visibility"] == "company" else []),
                    *(f"team:{t}" for t in teams))
        kudos_id = giving.write(
            giver.id, state.last_gave_at, now, fields,
            {p.id: None if p.approve_kudos else True for p in recipients}, teams)
        if kudos_id is not None:
            break
    else:  # locked, the claim cannot fail: the row is ours until the commit
        raise RuntimeError("the giver's row changed while locked")
    db.session.commit()
    outbox.flush()
    return Given(kudos_id, [p.name for p in recipients], needs_approval), True


def _own_within_window(actor: User, kudos: Kudos, now: datetime) -> None:
    if kudos.giver_id != actor.id:
        raise NotFound(_("We could not find that kudos."))
    if kudos.status not in ("published", "pending"):
        raise Invalid("kudos", _("This kudos was already withdrawn or hidden."))
    if now - kudos.created_at > EDIT_WINDOW:
        raise Invalid("kudos", _("A kudos can be changed for 15 minutes after it is given. "
                                 "If something is wrong with it now, report it and an admin "
                                 "will look at it."))


def edit(actor: User, kudos: Kudos, *, message: str, value_id: int | None,
         now: datetime | None = None) -> None:
    """The giver fixes their words (or the value) within the edit window."""
    now = now or utcnow()
    _own_within_window(actor, kudos, now)
    kudos.message = clean_message(message)
    if value_id:
        value = db.session.get(Value, value_id)
        if value is None or value.archived_at is not None:
            raise Invalid("value_id", _("Please choose a value from the list."))
    kudos.value_id = value_id or None
    kudos.edited_at = now
    db.session.commit()


def withdraw(actor: User, kudos: Kudos, *, now: datetime | None = None) -> None:
    """The giver takes a kudos back within the edit window (kept, not deleted)."""
    now = now or utcnow()
    _own_within_window(actor, kudos, now)
    kudos.status = "withdrawn"
    audit.record(actor, "kudos.withdrawn", kudos)
    db.session.commit()


def hide(admin: User, kudos: Kudos, reason: str) -> None:
    """An admin hides a kudos; who and why go to the audit log. Open reports are resolved."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid("reason", _("Please say why, for the audit log."))
    kudos.status = "hidden"
    kudos.hidden_at = utcnow()
    kudos.hidden_by_id = admin.id
    kudos.hidden_reason = reason[:300]
    _resolve_reports(admin, kudos, "hidden")
    audit.record(admin, "kudos.hidden", kudos, reason=reason[:300])
    db.session.commit()


def keep(admin: User, kudos: Kudos) -> None:
    """An admin looked at the reports of a kudos and leaves it as it is."""
    _resolve_reports(admin, kudos, "kept")
    audit.record(admin, "kudos.reports_dismissed", kudos)
    db.session.commit()


def _resolve_reports(admin: User, kudos: Kudos, resolution: str) -> None:
    db.session.execute(
        update(Report)
        .where(Report.kudos_id == kudos.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=admin.id, resolution=resolution)
    )


def report(reporter: User, kudos: Kudos, reason: str) -> Report:
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid("reason", _("Please tell the admins what is wrong with it."))
    if len(reason) > 500:
        raise Invalid("reason", _("Please keep it under %(n)s characters (it has %(len)s).",
                                  n=500, len=len(reason)))
    entry = Report(kudos_id=kudos.id, reporter_id=reporter.id, reason=reason)
    db.session.add(entry)
    db.session.commit()
    return entry


def set_reaction(user: User, kudos: Kudos, kind: str, on: bool | None = None) -> bool:
    """Add (`on=True`), remove (`on=False`) or toggle (`on=None`) a reaction. The same
    reaction is never counted twice. Returns whether the reaction is there afterwards."""
    if kind not in REACTIONS:
        raise Invalid("kind", _("Please choose applause or +1."))
    if kind == "plus_one" and (
        kudos.giver_id == user.id or any(r.user_id == user.id for r in kudos.recipients)
    ):
        raise Invalid("kind", _("You are already part of this kudos."))
    if kudos.status != "published":
        raise Invalid("kind", _("This kudos is not on the wall yet."))
    present = db.session.scalar(
        select(Reaction.id).where(Reaction.kudos_id == kudos.id, Reaction.user_id == user.id,
                                  Reaction.kind == kind)
    )
    want = (present is None) if on is None else on
    if want and present is None:
        db.session.add(Reaction(kudos_id=kudos.id, user_id=user.id, kind=kind))
        if kind == "plus_one":
            outbox.publish(jobs.notify_cosigned, kudos.id, user.id)
        try:
            db.session.commit()
        except IntegrityError:  # a double click that raced: the reaction is there once
            db.session.rollback()
            return True
        outbox.flush()
    elif not want and present is not None:
        db.session.execute(delete(Reaction).where(Reaction.id == present))
        db.session.commit()
    return want


def add_comment(author: User, kudos: Kudos, body: str) -> Comment:
    if kudos.status != "published":
        raise Invalid("body", _("This kudos is not on the wall yet."))
    comment = Comment(kudos_id=kudos.id, author_id=author.id,
                      body=clean_message(body, "body", COMMENT_MAX))
    db.session.add(comment)
    db.session.flush()
    outbox.publish(jobs.notify_commented, comment.id)
    db.session.commit()
    outbox.flush()
    return comment


def decide(recipient: User, kudos: Kudos, approve: bool) -> None:
    """A recipient who asked to approve kudos about them decides. Declining keeps the thanks
    but makes it private (only the giver and the recipients see it)."""
    row = next((r for r in kudos.recipients if r.user_id == recipient.id), None)
    if row is None or kudos.status != "pending":
        raise NotFound(_("We could not find that kudos."))
    row.approved = approve
    if not approve:
        kudos.visibility = "recipients"
        kudos.status = "published"
    elif all(r.approved for r in kudos.recipients):
        kudos.status = "published"
    db.session.commit()

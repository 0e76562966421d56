"""Giving, editing, withdrawing, reacting, commenting, reporting, approving, hiding."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from kudos import audit, outbox
from kudos.admin.models import Value
from kudos.auth.models import User
from kudos.campaigns.operations import check_taggable
from kudos.domain.cooldowns import PastGift, Refusal, check_giving
from kudos.domain.errors import DomainError, Invalid, NotFound
from kudos.extensions import db
from kudos.recognition import jobs
from kudos.recognition.models import (
    KINDS,
    REACTIONS,
    VISIBILITIES,
    Comment,
    Kudos,
    KudosAudience,
    KudosRecipient,
    Reaction,
    Report,
)
from kudos.rules import current_rules
from kudos.sqltypes import utcnow

MAX_RECIPIENTS = 10
MESSAGE_MAX = 1000
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


def _recipients(giver: User, ids: list[int]) -> list[User]:
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
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(unique)))}
    for user_id in unique:
        user = found.get(user_id)
        if user is None or user.erased_at is not None:
            raise Invalid("recipient_ids", _("One of the colleagues picked does not exist."))
        if not user.active:
            raise Invalid("recipient_ids", _("%(name)s no longer has an account here, so "
                                             "they cannot be picked.", name=user.name))
    return [found[i] for i in unique]


def _validate(giver: User, draft: Draft) -> dict:
    if draft.kind not in KINDS:
        raise Invalid("kind", _("Please choose between a kudos and a highlight."))
    if draft.visibility not in VISIBILITIES:
        raise Invalid("visibility", _("Please choose who can see it."))
    fields = {
        "kind": draft.kind,
        "visibility": draft.visibility,
        "recipients": _recipients(giver, draft.recipient_ids),
        "message": clean_message(draft.message),
        "value_id": None,
        "campaign_id": None,
        "work_title": None,
        "work_url": None,
        "why_it_matters": None,
    }
    if draft.value_id:
        value = db.session.get(Value, draft.value_id)
        if value is None or value.archived_at is not None:
            raise Invalid("value_id", _("Please choose a value from the list."))
        fields["value_id"] = value.id
    fields["campaign_id"] = check_taggable(giver, draft.campaign_id)
    if draft.kind == "highlight":
        title = " ".join((draft.work_title or "").split())
        if not title:
            raise Invalid("work_title", _("Please name the work you are highlighting."))
        if len(title) > 200:
            raise Invalid("work_title", _("Please keep the title under 200 characters."))
        fields["work_title"] = title
        fields["work_url"] = check_link(draft.work_url, "work_url")
        why = (draft.why_it_matters or "").strip()
        if len(why) > 500:
            raise Invalid("why_it_matters", _("Please keep it under %(n)s characters (it has "
                                              "%(len)s).", n=500, len=len(why)))
        fields["why_it_matters"] = why or None
    elif draft.work_url:
        fields["work_url"] = check_link(draft.work_url, "work_url")
    return fields


def _past_gifts(giver_id: int, since: datetime,
                key: str) -> tuple[list[PastGift], int | None]:
    """The giver's gifts since `since` (not withdrawn), for the cooldowns; and the kudos
    already given with this idempotency key, if any, whenever it was: one statement."""
    same_key = Kudos.idempotency_key == key
    rows = db.session.execute(
        select(Kudos.id, Kudos.created_at, Kudos.status, same_key, KudosRecipient.user_id)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .where(Kudos.giver_id == giver_id, or_(Kudos.created_at >= since, same_key))
    ).all()
    gifts: dict[int, tuple[datetime, set[int]]] = {}
    for kudos_id, created_at, status, is_same, user_id in rows:
        if is_same:
            return [], kudos_id
        if created_at >= since and status != "withdrawn":
            gifts.setdefault(kudos_id, (created_at, set()))[1].add(user_id)
    return [PastGift(at, frozenset(ids)) for at, ids in gifts.values()], None


def cooldown_message(refusal: Refusal, recipient: User | None, when: str) -> str:
    if refusal.rule == "pair" and recipient is not None:
        return _("You've thanked %(name)s %(count)s times this week — it will mean more "
                 "%(when)s. Your message is kept.", name=recipient.name,
                 count=refusal.count, when=when)
    return _("You've given %(count)s kudos today — a generous day! You can give more "
             "%(when)s. Your message is kept.", count=refusal.count, when=when)


def give(giver: User, draft: Draft, *, now: datetime | None = None,
         when=None) -> tuple[Kudos, bool]:
    """Give a kudos or a highlight. Returns (kudos, created); the same idempotency key from
    the same giver returns the first kudos instead of a second one.

    `when(retry_at)` words the moment of a cooldown's end for the message (the view's locale
    and the giver's time zone); a plain ISO date is used without it.
    """
    fields = _validate(giver, draft)
    key = (draft.idempotency_key or "").strip()[:64] or uuid.uuid4().hex
    now = now or utcnow()
    rules = current_rules()
    # Lock the giver's row first (PostgreSQL: row lock; SQLite: the write lock), so that two
    # submissions at once are counted one after the other and cannot slip past a cap.
    db.session.execute(update(User).where(User.id == giver.id).values(last_gave_at=now))
    since = now - timedelta(days=max(rules.pair_window_days, 2))
    past, existing_id = _past_gifts(giver.id, since, key)
    if existing_id is not None:
        db.session.rollback()
        return db.session.get(Kudos, existing_id), False
    refusal = check_giving(now, ZoneInfo(giver.timezone), past,
                           [u.id for u in fields["recipients"]], rules)
    if refusal is not None:
        db.session.rollback()
        recipient = db.session.get(User, refusal.recipient_id) if refusal.recipient_id else None
        wording = when(refusal.retry_at) if when else refusal.retry_at.date().isoformat()
        raise Cooldown(cooldown_message(refusal, recipient, wording), refusal, now)

    recipients = fields.pop("recipients")
    needs_approval = fields["visibility"] != "recipients" and any(
        u.approve_kudos for u in recipients
    )
    kudos = Kudos(giver_id=giver.id, idempotency_key=key, created_at=now,
                  status="pending" if needs_approval else "published", **fields)
    kudos.recipients = [
        KudosRecipient(user_id=u.id, approved=None if u.approve_kudos else True)
        for u in recipients
    ]
    db.session.add(kudos)
    db.session.flush()
    if kudos.visibility == "team":
        teams = {t for t in [giver.team_id, *(u.team_id for u in recipients)] if t}
        db.session.add_all(KudosAudience(kudos_id=kudos.id, team_id=t) for t in teams)
    outbox.publish(jobs.notify_recipients, kudos.id)
    # Kept past the commit (plain attributes do not expire): the page thanks by name
    # without reloading the kudos and its recipients.
    kudos.recipient_names = [u.display_name for u in recipients]
    kudos.pending = kudos.status == "pending"
    db.session.commit()
    outbox.flush()
    return kudos, True


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

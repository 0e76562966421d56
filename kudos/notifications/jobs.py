"""Periodic and one-off jobs of notifications: email digests and adaptive delivery.

Jobs take ids, run in an app context, and are idempotent (a unique key per digest period).
"""

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from kudos import outbox, polls
from kudos.auth.models import User, active_users
from kudos.domain.delivery import AdaptiveRule, Rhythm, digest_due, should_gather
from kudos.extensions import db
from kudos.insights import gate
from kudos.mail import mail_enabled, send_email_job
from kudos.notifications.models import DigestRun, Notification
from kudos.notifications.operations import deliver, unsubscribe_token
from kudos.sqltypes import utcnow


def rhythm_of(user: User) -> Rhythm:
    return Rhythm(user.timezone, tuple(user.weekdays), user.work_start_minute,
                  user.work_end_minute)


def _last_period(user_id: int) -> str | None:
    return db.session.scalar(
        select(DigestRun.period).where(DigestRun.user_id == user_id)
        .order_by(DigestRun.id.desc()).limit(1)
    )


def send_due_digests() -> int:
    """Every 15 minutes: queue a digest for each person whose period is due now, inside their
    working hours, when the nudge gate lets it through. Email off (no SMTP settings) means
    no digest at all.

    The digest keeps its own frequency (see `OWN_RHYTHM`): the gate is asked without the
    interval between nudges. A back-off (or any other hold) leaves the period unclaimed and
    its notifications unsent: the gate is asked again at each run, and the first digest it
    lets through after the back-off carries everything still unread — for a weekly digest,
    the working morning after the back-off's last day, not the week after."""
    if not mail_enabled():
        return 0
    now = utcnow()
    queued = 0
    people = db.session.scalars(
        active_users().where(User.digest_frequency.in_(("daily", "weekly")))
    ).all()
    for user in people:
        period = digest_due(now, rhythm_of(user), user.digest_frequency, _last_period(user.id))
        if not period:
            continue
        decision = gate.ask(user, "digest", f"digest:{user.id}:{period}", now=now,
                            respect_interval=False)
        if decision.decision == "send":
            outbox.publish(send_digest, user.id, period)
            queued += 1
    db.session.commit()
    outbox.flush()
    return queued


def send_digest(user_id: int, period: str) -> str:
    """Send one person's digest for one period, at most once: the period is claimed in the
    database before the email leaves; an SMTP failure releases the claim and raises, so the
    job is retried."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return "gone"
    if user.digest_frequency not in ("daily", "weekly"):
        return "stopped"  # they unsubscribed after it was queued: their choice wins
    run = DigestRun(user_id=user_id, period=period)
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "already"
    items = db.session.scalars(
        select(Notification).where(Notification.user_id == user_id,
                                   Notification.emailed_at.is_(None),
                                   Notification.read_at.is_(None))
        .order_by(Notification.created_at)
    ).all()
    if not items:
        run.status = "empty"  # fewer, better messages: nothing new, no email
        db.session.commit()
        return "empty"
    subject, body, unsubscribe = _compose(user, items)
    try:
        send_email_job(user.email, subject, body, headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        })
    except Exception:
        db.session.delete(run)
        db.session.commit()
        raise
    now = utcnow()
    polls.touch(db.session)  # being emailed changes nothing the bell shows
    db.session.execute(update(Notification).where(Notification.id.in_([n.id for n in items]))
                       .values(emailed_at=now))
    run.status, run.items = "sent", len(items)
    db.session.commit()
    return "sent"


def _compose(user: User, items: list[Notification]) -> tuple[str, str, str]:
    with (force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]),
          current_app.test_request_context(base_url=current_app.config["BASE_URL"])):
        unsubscribe = url_for("notifications.unsubscribe", token=unsubscribe_token(user.id),
                              _external=True)
        body = render_template("notifications/digest.txt", user=user, items=items,
                               unsubscribe=unsubscribe,
                               home=url_for("recognition.wall", _external=True),
                               settings=url_for("settings.index", _external=True))
        subject = _("Your Kudos news: %(count)s new", count=len(items))
    return subject, body, unsubscribe


def adapt_delivery() -> int:
    """Nightly: people whose notifications pile up unread get them gathered into their
    digest instead, and are told once, kindly. They can move back in their settings."""
    now = utcnow()
    rule = AdaptiveRule()
    moved = 0
    people = db.session.scalars(active_users().where(User.notify_mode == "live")).all()
    for user in people:
        # Someone who moved back after being gathered chose so: the pile they were told about
        # no longer counts, only what arrived since (else they would be moved, and told, again
        # the next night).
        told = db.session.scalar(
            select(func.max(Notification.created_at)).where(Notification.user_id == user.id,
                                                            Notification.kind == "gathered")
        )
        query = select(Notification.created_at).where(Notification.user_id == user.id,
                                                      Notification.read_at.is_(None))
        if told is not None:
            query = query.where(Notification.created_at > told)
        unread = db.session.scalars(query).all()
        if not should_gather(list(unread), now, rule):
            continue
        user.notify_mode = "digest"
        user.gathered_at = now
        if user.digest_frequency == "never":
            user.digest_frequency = "weekly"
        db.session.commit()
        deliver(user.id, "gathered", f"gathered:{user.id}:{now.date().isoformat()}")
        moved += 1
    return moved

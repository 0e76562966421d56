"""The notification list and the bell's unread count."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kudos import polls
from kudos.extensions import csrf, db, htmx
from kudos.notifications import operations
from kudos.notifications.models import Notification
from kudos.permissions import access

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@access("user")
def index():
    items = db.session.scalars(
        select(Notification).options(joinedload(Notification.actor))
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(100)
    ).all()
    return render_template("notifications/index.html", items=items)


@bp.get("/bell")
@access("user")
def bell():
    """The bell with its unread count; the page polls it (htmx) while the tab is visible.
    A poll whose validator still holds was answered 204 before this view (kudos.polls)."""
    poll = polls.validator("bell", current_user)
    return render_template("notifications/_bell.html", poll=poll,
                           unread=operations.unread_count(current_user))


@bp.post("/read")
@access("user")
def read():
    notification_id = request.form.get("id", type=int)
    operations.mark_read(current_user, notification_id)
    if htmx:
        return render_template("notifications/_bell.html",
                               poll=polls.validator("bell", current_user),
                               unread=operations.unread_count(current_user))
    return redirect(url_for("notifications.index"), code=303)


@bp.get("/unsubscribe/<token>")
@access("public")
def unsubscribe_page(token: str):
    """The link in every digest: a page with one button (a GET never changes anything)."""
    return render_template("notifications/unsubscribe.html", token=token, done=False)


@bp.post("/unsubscribe/<token>")
@access("public")
@csrf.exempt
def unsubscribe(token: str):
    """One click from the page, or from the mail client (RFC 8058): the signed token is the
    proof, so no sign-in and no CSRF token are needed."""
    user = operations.unsubscribe(token)
    if user is None:
        return render_template("notifications/unsubscribe.html", token=token, done=False,
                               invalid=True), 400
    return render_template("notifications/unsubscribe.html", token=token, done=True)

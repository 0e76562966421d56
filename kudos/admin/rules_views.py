"""The anti-fatigue rule set, for admins: tune, with bounds, history and a reason."""

from dataclasses import asdict

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from kudos import outbox, rules
from kudos.admin.views import bp
from kudos.domain.errors import Conflict, Invalid
from kudos.domain.rules import BOUNDS, Rules
from kudos.extensions import db, htmx
from kudos.permissions import access
from kudos.rules.models import PreviewRun, RuleChange
from kudos.rules.preview import run_preview

HELP = {
    "daily_kudos_cap": _l("Kudos one person can give in a day (their day, in their time zone)."),
    "pair_window_days": _l("The window, in days, for kudos to the same colleague."),
    "pair_max_in_window": _l("Kudos to the same colleague within that window."),
    "relay_weekly_budget_default": _l("A weekly relay budget suggested to everyone (empty: "
                                      "none; each person can set their own)."),
    "nudge_min_interval_days": _l("Days between two nudges to the same person."),
    "backoff_days": _l("Days of quiet for someone flagged as overextended or cooling."),
    "working_hours_only": _l("Nudge only inside each person's working days and hours."),
    "max_active_campaigns_per_team": _l("Campaigns running at once in a team."),
    "campaign_rest_days": _l("Days of rest for a team between two campaigns."),
    "campaign_max_days": _l("The longest a campaign can last, in days."),
    "launch_days": _l("How long a new or revived scope stays in its launch or revival phase, "
                      "in working days."),
    "short_window_days": _l("Working days left out of the usual level, so that a change "
                            "under way does not hide in it."),
    "long_window_days": _l("Working days the usual level is averaged over; a euphoria that "
                           "lasts this long becomes the usual level."),
    "euphoria_ratio": _l("The rise the engine watches for: recent activity this many times "
                         "the usual level."),
    "decline_ratio": _l("The fall the engine watches for: recent activity down to this share "
                        "of the usual level."),
    "dormant_days": _l("Working days without activity after which a scope is dormant."),
    "min_group_size": _l("The smallest group for which figures are shown."),
}


def _page(values: dict, status: int = 200, error: Invalid | None = None,
          conflict: str | None = None):
    history = db.session.scalars(
        select(RuleChange).order_by(RuleChange.id.desc()).limit(30)
    ).all()
    return render_template("admin/rules.html", names=Rules.names(), values=values,
                           bounds=BOUNDS, help=HELP, version=rules.current_version(),
                           defaults=asdict(Rules()), history=history, error=error,
                           conflict=conflict), status


@bp.get("/rules")
@access("admin")
def rules_page():
    return _page(asdict(rules.current_rules()))


@bp.post("/rules")
@access("admin")
def save_rules():
    form = request.form
    proposed = _proposed_from_form()
    try:
        version = int(form.get("version", "-1"))
    except ValueError:
        version = -1
    try:
        rules.change(current_user, proposed, version=version, reason=form.get("reason", ""))
    except Conflict as error:
        return _page(proposed, 409, conflict=error.message)
    except Invalid as error:
        return _page(proposed, 422, error=error)
    flash(_("The rules are saved. They apply from now on."), "success")
    return redirect(url_for("admin.rules_page"), code=303)


def _proposed_from_form() -> dict:
    proposed = {}
    for name in Rules.names():
        if name == "working_hours_only":
            proposed[name] = request.form.get(name) == "on"
        else:
            proposed[name] = request.form.get(name, "").strip()
    return proposed


@bp.post("/rules/preview")
@access("admin")
def preview_rules():
    """Replay the last 30 or 90 days under the proposed rules (a job; the page polls it)."""
    proposed = _proposed_from_form()
    days = 90 if request.form.get("days") == "90" else 30
    try:
        rules.validate(proposed)
    except Invalid as error:
        if htmx:
            return render_template("admin/_preview.html", run=None, error=error.message), 422
        return _page(proposed, 422, error=error)
    run = PreviewRun(requested_by_id=current_user.id, days=days,
                     proposed={k: v for k, v in proposed.items() if v != ""})
    db.session.add(run)
    db.session.flush()
    # Through the outbox, in the run's own transaction: with Redis away, the preview waits
    # in the database instead of failing the request.
    outbox.publish(run_preview, run.id)
    db.session.commit()
    outbox.flush()
    if htmx:
        db.session.refresh(run)
        return _preview_fragment(run)
    return redirect(url_for("admin.preview_result", run_id=run.id), code=303)


def _preview_fragment(run: PreviewRun):
    body = render_template("admin/_preview.html", run=run, error=None)
    # 286 tells htmx to stop polling: the result is there.
    return body, 286 if run.status == "done" else 200


@bp.get("/rules/preview/<int:run_id>")
@access("admin")
def preview_result(run_id: int):
    run = db.get_or_404(PreviewRun, run_id)
    if htmx:
        return _preview_fragment(run)
    return render_template("admin/preview.html", run=run)

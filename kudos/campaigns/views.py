"""Campaign pages: the list, creating and running a campaign, its page, its closing page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kudos.admin.models import Value
from kudos.auth.models import Team
from kudos.campaigns import chart, operations
from kudos.campaigns.forms import CampaignForm, ThankYouForm
from kudos.campaigns.models import Campaign, CampaignMute
from kudos.domain.errors import Forbidden, Invalid, NotFound
from kudos.extensions import db
from kudos.forms import apply_error
from kudos.news.models import NewsItem, Relay
from kudos.permissions import access
from kudos.recognition import queries
from kudos.recognition.forms import CommentForm
from kudos.recognition.models import Kudos
from kudos.rules import current_rules

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


def _get(campaign_id: int) -> Campaign:
    try:
        return operations.get_visible(current_user, campaign_id)
    except NotFound:
        abort(404)


def _form(formdata=None, campaign: Campaign | None = None) -> CampaignForm:
    form = CampaignForm(formdata=formdata, obj=campaign if formdata is None else None)
    if current_user.is_admin:
        teams = db.session.scalars(select(Team).where(Team.archived_at.is_(None))
                                   .order_by(Team.name)).all()
        form.team_id.choices = [(0, _("The whole company"))] + [(t.id, t.name) for t in teams]
    else:
        form.team_id.choices = [(t.id, t.name) for t in current_user.led_teams]
    values = db.session.scalars(select(Value).where(Value.archived_at.is_(None))
                                .order_by(Value.name)).all()
    form.value_ids.choices = [(v.id, v.label) for v in values]
    if campaign is not None and formdata is None:
        form.team_id.data = campaign.team_id or 0
        form.value_ids.data = [v.id for v in campaign.values]
    return form


def _draft(form: CampaignForm) -> operations.CampaignDraft:
    return operations.CampaignDraft(
        title=form.title.data, theme=form.theme.data, description=form.description.data,
        kind=form.kind.data, team_id=form.team_id.data or None,
        starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        goal_kind=form.goal_kind.data, goal_target=form.goal_target.data,
        value_ids=form.value_ids.data or [])


def launch_summary(notice: operations.LaunchNotice, *, just_now: bool = False) -> str:
    """How the launch notice went, in one honest sentence: how many were told, how many
    will be told at the start of their working day, how many will not be and why. Counts
    only, never names. `just_now`: said right after the launch (the flash), not later on
    the campaign's page."""
    if notice.total == 0 and notice.audience == 0:
        return _("Nobody else is in this campaign's team yet, so nobody was told")
    if notice.total == 0:
        # The announcing job has not run yet (it goes through Redis when there is one).
        return _("The notice is on its way to the team, in their working hours; this page "
                 "will say how it went")
    parts = []
    if notice.told_now and just_now:
        parts.append(ngettext("%(num)s colleague was told now",
                              "%(num)s colleagues were told now", notice.told_now))
    elif notice.told_now:
        parts.append(ngettext("%(num)s colleague was told at launch",
                              "%(num)s colleagues were told at launch", notice.told_now))
    if notice.told_later:
        parts.append(ngettext("%(num)s was told at the start of their working day",
                              "%(num)s were told at the start of their working day",
                              notice.told_later))
    if notice.waiting:
        parts.append(ngettext("%(num)s will be told at the start of their working day",
                              "%(num)s will be told at the start of their working day",
                              notice.waiting))
    held = dict(notice.held)
    if n := held.pop("backoff", 0):
        parts.append(ngettext("%(num)s is resting and will not be told",
                              "%(num)s are resting and will not be told", n))
    if n := held.pop("interval", 0):
        parts.append(ngettext("%(num)s had another notice recently and will not be told",
                              "%(num)s had another notice recently and will not be told", n))
    if n := held.pop("muted", 0):
        parts.append(ngettext("%(num)s muted this campaign and will not be told",
                              "%(num)s muted this campaign and will not be told", n))
    if n := sum(held.values()):  # opted out, or any other reason the gate gives
        parts.append(ngettext("%(num)s will not be told", "%(num)s will not be told", n))
    return ", ".join(parts)


@bp.get("/")
@access("user")
def index():
    rows = db.session.scalars(
        operations.visible_campaigns(current_user).options(joinedload(Campaign.team))
        .order_by(Campaign.starts_on.desc())
    ).all()
    groups = {"active": [], "scheduled": [], "paused": [], "draft": [], "ended": []}
    for campaign in rows:
        groups[operations.status_of(campaign)].append(campaign)
    can_create = current_user.is_admin or bool(current_user.is_lead and current_user.led_teams)
    return render_template("campaigns/index.html", groups=groups, can_create=can_create)


def _prefill(form: CampaignForm) -> None:
    """A suggestion from the insights page opens the form with its choices made
    (`?kind=relay&goal_kind=relays&team=3`); anything not on offer is ignored."""
    for field, value in ((form.kind, request.args.get("kind")),
                         (form.goal_kind, request.args.get("goal_kind")),
                         (form.team_id, request.args.get("team", type=int))):
        if value is not None and value in [choice[0] for choice in field.choices]:
            field.data = value


@bp.route("/new", methods=["GET", "POST"])
@access("lead")
def new():
    form = _form(request.form if request.method == "POST" else None)
    if request.method == "GET":
        _prefill(form)
    if request.method == "POST" and form.validate():
        try:
            campaign = operations.create(current_user, _draft(form))
        except Invalid as error:
            apply_error(form, error)
        except Forbidden:
            abort(403)
        else:
            flash(_("Your campaign is ready as a draft. Launch it when the team is ready."),
                  "success")
            return redirect(url_for("campaigns.page", campaign_id=campaign.id), code=303)
    status = 422 if form.errors else 200
    return render_template("campaigns/form.html", form=form, campaign=None,
                           rules=current_rules()), status


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@access("lead")
def edit(campaign_id: int):
    campaign = _get(campaign_id)
    if not operations.can_manage(current_user, campaign.team_id):
        abort(403)
    form = _form(request.form if request.method == "POST" else None, campaign)
    if request.method == "POST" and form.validate():
        try:
            operations.edit(current_user, campaign, _draft(form))
        except Invalid as error:
            apply_error(form, error)
        except Forbidden:
            abort(403)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("campaigns.page", campaign_id=campaign.id), code=303)
    status = 422 if form.errors else 200
    return render_template("campaigns/form.html", form=form, campaign=campaign,
                           rules=current_rules()), status


def _page_context(campaign: Campaign) -> dict:
    health = operations.health(campaign)
    highlights = db.session.scalars(
        select(Kudos).where(Kudos.campaign_id == campaign.id, Kudos.kind == "highlight",
                            queries.visible_to(current_user))
        .order_by(Kudos.created_at.desc()).limit(6)
    ).all()
    relayed = db.session.scalars(
        select(NewsItem).join(Relay, Relay.news_id == NewsItem.id)
        .where(Relay.campaign_id == campaign.id).distinct().limit(10)
    ).all()
    muted = db.session.get(CampaignMute, (current_user.id, campaign.id)) is not None
    manage = operations.can_manage(current_user, campaign.team_id)
    notice = operations.launch_notice(campaign) if manage else None
    span = ((campaign.ended_early_on or campaign.ends_on) - campaign.starts_on).days + 1
    return {"campaign": campaign, "health": health,
            "chart": chart.bars(health["series"], span),
            "cards": queries.load_cards(current_user, list(highlights)), "relayed": relayed,
            "manage": manage, "muted": muted,
            "comment_form": CommentForm(formdata=None),
            "min_group": current_rules().min_group_size,
            "launch_notice": launch_summary(notice) if notice is not None else None,
            "thank_you_form": ThankYouForm(formdata=None, thank_you=campaign.thank_you)}


@bp.get("/<int:campaign_id>")
@access("user")
def page(campaign_id: int):
    campaign = _get(campaign_id)
    template = ("campaigns/closing.html" if operations.status_of(campaign) == "ended"
                else "campaigns/page.html")
    return render_template(template, **_page_context(campaign))


@bp.post("/<int:campaign_id>/<any(launch,pause,resume,end):action>")
@access("lead")
def act(campaign_id: int, action: str):
    campaign = _get(campaign_id)
    do = {"launch": operations.launch, "pause": operations.pause,
          "resume": operations.resume, "end": operations.end_early}[action]
    try:
        do(current_user, campaign)
    except Forbidden:
        abort(403)
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash({"launch": _launched(campaign),
               "pause": _("Paused. Take the time you need."),
               "resume": _("Resumed."),
               "end": _("Ended. Time to look at what you achieved together.")}[action],
              "success")
    return redirect(url_for("campaigns.page", campaign_id=campaign.id), code=303)


def _launched(campaign: Campaign) -> str:
    notice = operations.launch_notice(campaign)
    if notice is None:
        return ""
    return _("Launched. %(summary)s.", summary=launch_summary(notice, just_now=True))


@bp.post("/<int:campaign_id>/mute")
@access("user")
def mute(campaign_id: int):
    campaign = _get(campaign_id)
    operations.set_mute(current_user, campaign, request.form.get("mute") == "1")
    return redirect(url_for("campaigns.page", campaign_id=campaign.id), code=303)


@bp.post("/<int:campaign_id>/thank-you")
@access("lead")
def thank_you(campaign_id: int):
    campaign = _get(campaign_id)
    form = ThankYouForm()
    try:
        operations.publish_thank_you(current_user, campaign, form.thank_you.data)
    except Forbidden:
        abort(403)
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(_("Your thank-you is on the campaign page and at the top of the wall."),
              "success")
    return redirect(url_for("campaigns.page", campaign_id=campaign.id), code=303)

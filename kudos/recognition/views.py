"""The wall, giving, and everything one does with a kudos."""

import re
import uuid
from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from kudos import polls
from kudos.admin.models import Value
from kudos.admin.operations import setup_checklist
from kudos.auth.models import Team, User, active_users, matching
from kudos.campaigns.operations import taggable
from kudos.domain.errors import Invalid, NotFound
from kudos.extensions import db, htmx
from kudos.forms import apply_error
from kudos.permissions import access
from kudos.recognition import operations, queries
from kudos.recognition.forms import CommentForm, EditForm, GiveForm, ReasonForm
from kudos.recognition.models import Kudos, Report
from kudos.recognition.wording import when_phrase
from kudos.sqltypes import utcnow

bp = Blueprint("recognition", __name__)


def _value_choices():
    values = db.session.scalars(
        select(Value).where(Value.archived_at.is_(None)).order_by(Value.name)
    )
    return [(0, _("No value"))] + [(v.id, v.label) for v in values]


def _kudos_or_404(kudos_id: int) -> Kudos:
    kudos = db.session.get(Kudos, kudos_id)
    if kudos is None or not queries.can_see(current_user, kudos):
        abort(404)
    return kudos


def _filters() -> queries.Filters:
    args = request.args
    scope = args.get("scope", "company")
    if scope not in ("company", "team", "received", "given"):
        scope = "company"
    return queries.Filters(
        scope=scope,
        team_id=args.get("team", type=int),
        value_id=args.get("value", type=int),
        kind=args.get("kind") if args.get("kind") in ("kudos", "highlight") else None,
    )


def _position(name: str = "before"):
    """A position in the wall's order, `<created_at>_<id>` (as the wall's links write it), or
    None when absent or unreadable."""
    raw = request.args.get(name, "")
    at, _sep, last_id = raw.partition("_")
    try:
        return datetime.fromisoformat(at).astimezone(UTC), int(last_id)
    except (ValueError, OverflowError):
        return None


def wall_context(filters: queries.Filters) -> dict:
    # Signed before the page is read: whatever is given after shows on the next poll.
    polled = not request.args.get("before") and not (htmx and not htmx.boosted)
    poll = polls.validator("wall", current_user) if polled else None
    cards, next_position = queries.wall_page(current_user, filters, _position())
    next_url = None
    if next_position:
        args = {k: v for k, v in request.args.items() if k != "before"}
        args["before"] = f"{next_position[0].isoformat()}_{next_position[1]}"
        next_url = url_for("recognition.wall", **args)
    values, teams = queries.filter_choices()
    return {"cards": cards, "next_url": next_url, "filters": filters, "values": values,
            "teams": teams, "comment_form": CommentForm(formdata=None), "poll": poll}


@bp.get("/")
@access("user")
def wall():
    """The home page: the wall, newest first, filtered as asked."""
    context = wall_context(_filters())
    if htmx and not htmx.boosted:
        return render_block("recognition/wall.html", "cards", **context)
    checklist = setup_checklist() if current_user.is_admin else None
    if checklist and all(step["done"] for step in checklist):
        checklist = None
    return render_template("recognition/wall.html", checklist=checklist, **context)


@bp.get("/wall/newer")
@access("user")
def newer():
    """Kudos newer than the top of the wall, in the wall's own order (`created_at`, then id),
    for the poll that brings them in. Ids say nothing about dates: imported history and
    backdated kudos have ids above newer ones."""
    after = _position("after")
    if after is None and re.fullmatch(r"[0-9]{1,9}", request.args.get("after", "")):
        # A tab opened before positions were dates asks with the top card's id.
        top = db.session.get(Kudos, int(request.args["after"]))
        after = (top.created_at, top.id) if top else None
    if after is None:
        abort(400)
    # A poll whose validator still held was answered before this view (kudos.polls).
    poll = polls.validator("wall", current_user)
    rows = queries.newer_than(current_user, _filters(), after)
    if not rows and (poll is None or poll == request.args.get("v")):
        return "", 204
    # Nothing new but a stale validator: only the poll element, signed afresh, so that the
    # next polls are answered without the database again.
    cards = queries.load_cards(current_user, rows)
    return render_template("recognition/_new_cards.html", cards=cards, poll=poll,
                           after=request.args["after"],
                           comment_form=CommentForm(formdata=None), filters=_filters())


def _give_form(formdata=None) -> GiveForm:
    """The form; its choices are loaded only when it is shown (validation needs none)."""
    form = GiveForm(formdata=formdata)
    if not form.idempotency_key.data:
        form.idempotency_key.data = uuid.uuid4().hex
    if request.method == "GET":
        form.kind.data = "highlight" if request.args.get("kind") == "highlight" else "kudos"
        if request.args.get("to", type=int):
            form.recipient_ids.data = [request.args.get("to", type=int)]
        form.campaign_id.data = request.args.get("campaign", type=int) or 0
    return form


def _chosen(form: GiveForm) -> list[User]:
    ids = [i for i in (form.recipient_ids.data or []) if isinstance(i, int)]
    if not ids:
        return []
    # The same people search finds: a hidden or departed person's name never shows here.
    found = {u.id: u for u in db.session.scalars(
        active_users().where(User.id.in_(ids), User.profile_public.is_(True),
                             User.id != current_user.id))}
    return [found[i] for i in ids if i in found]


def _give_page(form: GiveForm, status: int = 200, cooldown: str | None = None):
    form.value_id.choices = _value_choices()
    form.campaign_id.choices = [(0, _("No campaign"))] + [
        (c.id, c.title) for c in taggable(current_user)]
    q = (request.args.get("q") or "").strip()
    results = _search(q) if q else []
    return render_template("recognition/give.html", form=form, chosen=_chosen(form),
                           cooldown=cooldown, q=q, results=results), status


@bp.get("/kudos/new")
@access("user")
def new():
    return _give_page(_give_form())


@bp.post("/kudos")
@access("user")
def give():
    form = _give_form(request.form)
    if form.validate():
        draft = operations.Draft(
            recipient_ids=form.recipient_ids.data or [],
            message=form.message.data,
            kind=form.kind.data or "kudos",
            value_id=form.value_id.data or None,
            campaign_id=form.campaign_id.data or None,
            visibility=form.visibility.data or "company",
            work_title=form.work_title.data,
            work_url=form.work_url.data,
            why_it_matters=form.why_it_matters.data,
            idempotency_key=form.idempotency_key.data,
        )
        try:
            given, _created = operations.give(
                current_user, draft, when=lambda at: when_phrase(at, current_user.timezone)
            )
        except operations.Cooldown as refusal:
            return _give_page(form, 429, cooldown=refusal.message)
        except Invalid as error:
            apply_error(form, error)
        else:
            names = ", ".join(given.recipient_names)
            if given.pending:
                flash(_("Thank you! %(names)s will see it first, and it goes on the wall once "
                        "they approve.", names=names), "success")
            else:
                flash(_("Thank you! %(names)s will be glad to read it.", names=names),
                      "success")
            return redirect(url_for("recognition.wall"), code=303)
    return _give_page(form, 422)


def _search(q: str, exclude: list[int] | None = None) -> list[User]:
    """Colleagues matching `q`, leaving out oneself and those already picked."""
    return db.session.scalars(
        active_users()
        .where(User.id.not_in([current_user.id, *(exclude or [])]),
               User.profile_public.is_(True),
               matching(q[:100]))
        .order_by(User.name).limit(8)
    ).all()


@bp.get("/people/search")
@access("user")
def search_people():
    q = (request.args.get("q") or "").strip()
    picked = request.args.getlist("recipient_ids", type=int)
    return render_template("recognition/_picker_results.html",
                           results=_search(q, picked) if q else [], q=q, live=True)


@bp.get("/people/chip/<int:user_id>")
@access("user")
def chip(user_id: int):
    """A picked colleague, as a checked box the give form submits."""
    user = db.session.get(User, user_id)
    if (user is None or not user.is_active or user.id == current_user.id
            or not user.profile_public):
        abort(404)
    return render_template("recognition/_chip.html", person=user, live=True)


@bp.get("/kudos/<int:kudos_id>")
@access("user")
def detail(kudos_id: int):
    kudos = _kudos_or_404(kudos_id)
    card = queries.load_cards(current_user, [kudos])[0]
    return render_template("recognition/detail.html", card=card,
                           comment_form=CommentForm(formdata=None),
                           editable=_editable(kudos))


def _editable(kudos: Kudos) -> bool:
    return (kudos.giver_id == current_user.id and kudos.status in ("published", "pending")
            and utcnow() - kudos.created_at <= operations.EDIT_WINDOW)


@bp.route("/kudos/<int:kudos_id>/edit", methods=["GET", "POST"])
@access("user")
def edit(kudos_id: int):
    kudos = _kudos_or_404(kudos_id)
    if kudos.giver_id != current_user.id:
        abort(404)
    if request.method == "GET" and not _editable(kudos):
        flash(_("A kudos can be changed for 15 minutes after it is given. If something is "
                "wrong with it now, report it and an admin will look at it."), "info")
        return redirect(url_for("recognition.detail", kudos_id=kudos.id), code=303)
    form = EditForm(obj=kudos if request.method == "GET" else None)
    form.value_id.choices = _value_choices()
    if request.method == "GET":
        form.value_id.data = kudos.value_id or 0
    if form.validate_on_submit():
        try:
            operations.edit(current_user, kudos, message=form.message.data,
                            value_id=form.value_id.data or None)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("Your kudos is updated."), "success")
            return redirect(url_for("recognition.detail", kudos_id=kudos.id), code=303)
    status = 422 if form.errors else 200
    return render_template("recognition/edit.html", form=form, kudos=kudos), status


@bp.post("/kudos/<int:kudos_id>/withdraw")
@access("user")
def withdraw(kudos_id: int):
    kudos = _kudos_or_404(kudos_id)
    try:
        operations.withdraw(current_user, kudos)
    except NotFound:
        abort(404)
    except Invalid as error:
        flash(error.message, "error")
        return redirect(url_for("recognition.detail", kudos_id=kudos.id), code=303)
    flash(_("Your kudos is withdrawn."), "success")
    return redirect(url_for("recognition.wall"), code=303)


@bp.post("/kudos/<int:kudos_id>/reactions")
@access("user")
def react(kudos_id: int):
    kudos = _kudos_or_404(kudos_id)
    try:
        operations.set_reaction(current_user, kudos, request.form.get("kind", ""))
    except Invalid as error:
        if not htmx:
            flash(error.message, "error")
            return redirect(url_for("recognition.detail", kudos_id=kudos.id), code=303)
        return render_template("errors/_alert.html", message=error.message), 422, {
            "HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    if htmx:
        card = queries.load_cards(current_user, [kudos])[0]
        return render_template("recognition/_reactions.html", card=card)
    return redirect(request.referrer or url_for("recognition.detail", kudos_id=kudos.id),
                    code=303)


@bp.post("/kudos/<int:kudos_id>/comments")
@access("user")
def comment(kudos_id: int):
    kudos = _kudos_or_404(kudos_id)
    form = CommentForm()
    error = None
    try:
        operations.add_comment(current_user, kudos, form.body.data)
    except Invalid as refusal:
        error = refusal.message
    card = queries.load_cards(current_user, [kudos])[0]
    if htmx:
        return render_template("recognition/_comments.html", card=card, comment_form=form if
                               error else CommentForm(formdata=None), comment_error=error), (
            422 if error else 200)
    if error:
        flash(error, "error")
    return redirect(url_for("recognition.detail", kudos_id=kudos.id), code=303)


@bp.route("/kudos/<int:kudos_id>/report", methods=["GET", "POST"])
@access("user")
def report(kudos_id: int):
    kudos = _kudos_or_404(kudos_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            operations.report(current_user, kudos, form.reason.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("Thank you for telling us. An admin will look at it."), "success")
            return redirect(url_for("recognition.wall"), code=303)
    status = 422 if form.errors else 200
    return render_template("recognition/report.html", form=form, kudos=kudos), status


@bp.post("/kudos/<int:kudos_id>/decision")
@access("user")
def decide(kudos_id: int):
    kudos = _kudos_or_404(kudos_id)
    approve = request.form.get("approve") == "1"
    try:
        operations.decide(current_user, kudos, approve)
    except NotFound:
        abort(404)
    if approve:
        flash(_("Thank you! It is on the wall now."), "success")
    else:
        flash(_("Understood. It stays between you, the giver and the other people thanked."),
              "success")
    return redirect(url_for("recognition.detail", kudos_id=kudos.id), code=303)


@bp.get("/me")
@access("user")
def profile_me():
    """My own page: what I received, and private figures only I see."""
    return profile(current_user.id)


@bp.get("/people/<int:person_id>")
@access("user")
def profile(person_id: int):
    person = db.session.get(User, person_id)
    own = person is not None and person.id == current_user.id
    if person is None or person.erased_at is not None or (
        not person.profile_public and not own
    ):
        abort(404)
    summary = queries.profile_summary(current_user, person)
    cards, next_position = queries.wall_page(
        current_user, queries.Filters(scope="received", person_id=person.id), _position()
    )
    private = None
    if own:
        now = utcnow()
        quarter_start = datetime(now.year, 3 * ((now.month - 1) // 3) + 1, 1, tzinfo=UTC)
        private = queries.my_quarter(person, quarter_start)
    values = db.session.scalars(select(Value).where(Value.id.in_(summary["value_ids"]))).all()
    teams = db.session.scalars(select(Team).where(Team.id.in_(summary["team_ids"]))).all()
    next_url = None
    if next_position:
        next_url = url_for("recognition.profile", person_id=person.id,
                           before=f"{next_position[0].isoformat()}_{next_position[1]}")
    return render_template("recognition/profile.html", person=person, cards=cards,
                           values=values, teams=teams, private=private, own=own,
                           next_url=next_url, comment_form=CommentForm(formdata=None),
                           filters=queries.Filters(scope="received"))


@bp.get("/moderation")
@access("admin")
def moderation():
    reports = db.session.scalars(
        select(Report).where(Report.resolved_at.is_(None)).order_by(Report.created_at)
    ).all()
    return render_template("recognition/moderation.html", reports=reports,
                           form=ReasonForm(formdata=None))


@bp.post("/moderation/<int:kudos_id>/hide")
@access("admin")
def hide(kudos_id: int):
    kudos = db.get_or_404(Kudos, kudos_id)
    try:
        operations.hide(current_user, kudos, request.form.get("reason", ""))
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(_("The kudos is hidden. The audit log keeps who and why."), "success")
    return redirect(url_for("recognition.moderation"), code=303)


@bp.post("/moderation/<int:kudos_id>/keep")
@access("admin")
def keep(kudos_id: int):
    kudos = db.get_or_404(Kudos, kudos_id)
    operations.keep(current_user, kudos)
    flash(_("The kudos stays as it is; its reports are closed."), "success")
    return redirect(url_for("recognition.moderation"), code=303)



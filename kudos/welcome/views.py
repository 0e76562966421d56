"""The welcome: three short steps after the first sign-in, each skippable, picked up where
it was left; then the wall with one hint of what to do first."""

from datetime import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from kudos.charter import operations as charter
from kudos.domain.errors import Invalid
from kudos.extensions import db
from kudos.forms import apply_error
from kudos.news import operations as news
from kudos.news.markdown import render
from kudos.permissions import access
from kudos.settings.forms import RhythmForm
from kudos.welcome import operations
from kudos.welcome.models import STEPS, Welcome

bp = Blueprint("welcome", __name__, url_prefix="/welcome")


def _welcome() -> Welcome:
    """The person's welcome; someone who never had one (created before it existed, or by
    an admin's import) starts one when they go through a step."""
    return operations.of(current_user) or operations.start(current_user)


def _done():
    flash(_("You're all set. A good first step: thank a colleague for something they did "
            "this week — the button is at the top of every page."), "success")
    return redirect(url_for("recognition.wall"), code=303)


def _go(step: str | None):
    return _done() if step is None else redirect(url_for("welcome.step", name=step), code=303)


@bp.get("/")
@access("user")
def index():
    """Where the welcome was left (or the wall, when it is over)."""
    welcome = operations.of(current_user)
    if welcome is not None and welcome.finished_at is not None:
        return redirect(url_for("recognition.wall"))
    return redirect(url_for("welcome.step", name=welcome.step if welcome else "charter"))


def _rhythm_form(formdata=None) -> RhythmForm:
    user = current_user
    form = RhythmForm(
        formdata=formdata, timezone=user.timezone,
        working_days=[str(d) for d in user.weekdays],
        work_start=time(user.work_start_minute // 60, user.work_start_minute % 60),
        work_end=time(user.work_end_minute // 60, user.work_end_minute % 60),
        locale=user.locale or "", profile_public=user.profile_public)
    form.locale.choices = [("", _("Same as my browser")), ("en", "English"), ("fr", "Français")]
    return form


def _page(name: str, status: int = 200, **context):
    if name == "charter":
        text = charter.current(charter.language_for())
        context.update(charter=text, summary=render(text.summary))
    elif name == "topics":
        context.update(topics=news.topics_by_followers(),
                       followed=news.followed_topic_ids(current_user))
    elif "form" not in context:
        context["form"] = _rhythm_form()
    return render_template(f"welcome/{name}.html", name=name, number=operations.step_number(name),
                           steps=len(STEPS), **context), status


@bp.get("/<name>")
@access("user")
def step(name: str):
    if name not in STEPS:
        abort(404)
    return _page(name)


@bp.post("/<name>")
@access("user")
def save(name: str):
    """Save a step (or skip it with `skip=1`) and go to the next one."""
    if name not in STEPS:
        abort(404)
    welcome = _welcome()
    if request.form.get("skip") == "1" or name == "charter":
        return _go(operations.next_step(welcome, name))
    if name == "topics":
        try:
            following = operations.save_topics(current_user, welcome,
                                               request.form.getlist("topic_ids", type=int))
        except Invalid as error:
            flash(error.message, "error")
            return _page(name, 422)
        return _go(following)
    form = _rhythm_form(request.form)
    if form.validate():
        try:
            following = operations.save_rhythm(
                current_user, welcome, timezone=form.timezone.data,
                working_days=[int(d) for d in form.working_days.data],
                work_start=form.work_start.data, work_end=form.work_end.data,
                locale=form.locale.data or None, profile_public=form.profile_public.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            refresh()  # the language may have just changed: say what follows in it
            return _go(following)
    db.session.rollback()
    return _page(name, 422, form=form)


@bp.post("/skip")
@access("user")
def skip():
    """No welcome, thank you: straight to the wall (it is not offered again)."""
    operations.finish(_welcome())
    return redirect(url_for("recognition.wall"), code=303)

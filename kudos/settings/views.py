"""The settings page and its actions."""

import json
from datetime import time

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from kudos.api import operations as tokens
from kudos.auth.models import ApiToken, Team
from kudos.auth.operations import change_password
from kudos.auth.signin import sign_out
from kudos.calendar import operations as calendar
from kudos.domain.errors import Invalid
from kudos.extensions import db
from kudos.forms import apply_error
from kudos.permissions import access, require
from kudos.settings import operations
from kudos.settings.forms import EraseForm, PasswordForm, ProfileForm, TeamMoveForm, TokenForm
from kudos.teams import operations as team_moves

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _profile_form(formdata=None) -> ProfileForm:
    user = current_user
    form = ProfileForm(
        formdata=formdata,
        name=user.name,
        timezone=user.timezone,
        working_days=[str(d) for d in user.weekdays],
        work_start=time(user.work_start_minute // 60, user.work_start_minute % 60),
        work_end=time(user.work_end_minute // 60, user.work_end_minute % 60),
        locale=user.locale or "",
        profile_public=user.profile_public,
        approve_kudos=user.approve_kudos,
        digest_frequency=user.digest_frequency,
        notify_mode=user.notify_mode,
        relay_weekly_budget=user.relay_weekly_budget,
        country=user.country or "",
    )
    form.locale.choices = [("", _("Same as my browser")), ("en", "English"), ("fr", "Français")]
    company = calendar.country_name(calendar.company_country())
    form.country.choices = [("", _("Same as the company (%(country)s)", country=company)),
                            *calendar.country_choices()]
    return form


def _move_form(formdata=None) -> TeamMoveForm:
    form = TeamMoveForm(formdata=formdata)
    teams = db.session.scalars(
        db.select(Team).where(Team.archived_at.is_(None), Team.id != current_user.team_id)
        .order_by(Team.name))
    form.to_team_id.choices = [(t.id, t.name) for t in teams]
    return form


def _page(status: int = 200, **forms):
    live_tokens = db.session.scalars(
        db.select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()
    context = {
        "profile_form": forms.get("profile_form") or _profile_form(),
        "password_form": forms.get("password_form") or PasswordForm(formdata=None),
        "token_form": forms.get("token_form") or TokenForm(formdata=None),
        "move_form": forms.get("move_form") or _move_form(),
        "move_request": team_moves.pending_request(current_user),
        "tokens": live_tokens,
        "new_token": forms.get("new_token"),
    }
    return render_template("settings/index.html", **context), status


@bp.get("/")
@access("user")
def index():
    return _page()


@bp.post("/")
@access("user")
def save_profile():
    form = _profile_form(request.form)
    if form.validate():
        try:
            operations.update_profile(
                current_user,
                name=form.name.data,
                timezone=form.timezone.data,
                working_days=[int(d) for d in form.working_days.data],
                work_start=form.work_start.data,
                work_end=form.work_end.data,
                locale=form.locale.data or None,
                profile_public=form.profile_public.data,
                approve_kudos=form.approve_kudos.data,
                digest_frequency=form.digest_frequency.data,
                notify_mode=form.notify_mode.data,
                relay_weekly_budget=form.relay_weekly_budget.data,
                country=form.country.data or None,
            )
        except Invalid as error:
            apply_error(form, error)
        else:
            refresh()  # the language may have just changed: the message is in the new one
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("settings.index"), code=303)
    return _page(422, profile_form=form)


@bp.post("/team")
@access("user")
def ask_to_move():
    """Ask to join another team: its leads (or an admin) decide."""
    form = _move_form(request.form)
    if form.validate():
        try:
            move = team_moves.ask_to_move(current_user, form.to_team_id.data, form.note.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("Your request to join %(team)s is sent. Its leads will decide, and you "
                    "will be told.", team=move.to_team.name), "success")
            return redirect(url_for("settings.index", _anchor="team"), code=303)
    return _page(422, move_form=form)


@bp.post("/team/cancel")
@access("user")
def cancel_move():
    move = team_moves.pending_request(current_user)
    if move is not None:
        team_moves.cancel(current_user, move)
        flash(_("Your request is withdrawn; you stay in your team."), "info")
    return redirect(url_for("settings.index", _anchor="team"), code=303)


@bp.post("/password")
@access("user")
def password():
    form = PasswordForm()
    if form.validate():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("Your password is changed. Your other devices are signed out and your API "
                    "tokens no longer work."), "success")
            return redirect(url_for("settings.index"), code=303)
    return _page(422, password_form=form)


@bp.post("/tokens")
@access("user")
def create_token():
    form = TokenForm()
    if form.validate():
        try:
            _token, secret = tokens.create_token(current_user, form.name.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            return _page(201, new_token=secret)
    return _page(422, token_form=form)


@bp.post("/tokens/<int:token_id>/revoke")
@access("user")
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    require("token.own", token, hide=True)
    tokens.revoke_token(current_user, token)
    flash(_("The token “%(name)s” no longer works.", name=token.name), "success")
    return redirect(url_for("settings.index"), code=303)


@bp.get("/export")
@access("user")
def export():
    """All of a person's data as a JSON download (reading only, so GET is right)."""
    data = operations.export_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="kudos-my-data.json"'},
    )


@bp.route("/erase", methods=["GET", "POST"])
@access("user")
def erase():
    form = EraseForm()
    if form.validate_on_submit():
        try:
            operations.erase_account(
                current_user, password=form.password.data, remove_words=form.remove_words.data
            )
        except Invalid as error:
            apply_error(form, error)
        else:
            sign_out()
            flash(_("Your account is erased. Thank you for the time you spent with us."),
                  "info")
            return redirect(url_for("auth.login"), code=303)
    status = 422 if form.errors else 200
    return render_template("settings/erase.html", form=form), status

"""The page where leads and admins decide who joins their teams."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kudos.domain.errors import Invalid
from kudos.extensions import db
from kudos.permissions import access
from kudos.teams import operations
from kudos.teams.models import TeamMoveRequest

bp = Blueprint("teams", __name__, url_prefix="/teams")


@bp.get("/requests")
@access("lead")
def requests():
    return render_template("teams/requests.html",
                           pending=operations.to_decide(current_user), error=None)


@bp.post("/requests/<int:request_id>/<any(approve, decline):decision>")
@access("lead")
def decide(request_id: int, decision: str):
    move = db.get_or_404(TeamMoveRequest, request_id)
    try:
        operations.decide(current_user, move, decision == "approve",
                          request.form.get("decision_note", ""))
    except Invalid as error:
        return render_template("teams/requests.html", pending=operations.to_decide(
            current_user), error=error.message), 422
    name = move.user.display_name
    if decision == "approve":
        flash(_("%(name)s is now in %(team)s. They have been told.", name=name,
                team=move.to_team.name), "success")
    else:
        flash(_("%(name)s stays in their team. They have been told.", name=name), "info")
    return redirect(url_for("teams.requests"), code=303)

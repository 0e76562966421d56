"""Home: where a person lands, with what to do first."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import func, text

from kudos.admin.models import Topic, Value
from kudos.auth.models import Invitation, Team, User
from kudos.extensions import db
from kudos.permissions import access

bp = Blueprint("home", __name__)


@bp.get("/")
@access("user")
def index():
    checklist = _admin_checklist() if current_user.is_admin else None
    return render_template("home/index.html", checklist=checklist)


def _count(model, *where) -> int:
    return db.session.scalar(db.select(func.count()).select_from(model).where(*where))


def _admin_checklist() -> list[dict]:
    """First steps for an admin, each done or not, counted from the database."""
    return [
        {"key": "teams", "done": _count(Team, Team.archived_at.is_(None)) > 0},
        {"key": "values", "done": _count(Value, Value.archived_at.is_(None)) > 0},
        {"key": "topics", "done": _count(Topic, Topic.archived_at.is_(None)) > 0},
        {"key": "people", "done": _count(User) > 1 or _count(Invitation) > 0},
    ]


@bp.post("/language")
@access("public")
def language():
    """Switch language; a signed-in person keeps the choice in their settings."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    target = request.referrer or "/"
    if not target.startswith(request.host_url):
        target = "/"
    return redirect(target, code=303)


@bp.get("/healthz")
@access("public")
def healthz():
    """For load balancers: the app answers and its database too."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")

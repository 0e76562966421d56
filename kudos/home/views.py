"""Home: where a person lands, with what to do first."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from kudos.charter import operations as charter
from kudos.extensions import db
from kudos.permissions import access
from kudos.welcome import operations as welcome

bp = Blueprint("home", __name__)


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


@bp.get("/principles")
@access("public")
def principles():
    """The product's principles, in the reader's language (linked from refusals)."""
    return render_template("home/principles.html")


@bp.get("/hints")
@access("user")
def hints():
    """What the first screen says to this person, loaded after the wall (so the wall's own
    queries stay few): a welcome left half-way in their first week, to pick up; a new
    version of the charter, once."""
    waiting = welcome.waiting(current_user)
    notice = None if waiting else charter.notice_for(current_user, charter.language_for())
    return render_template("home/_hints.html", notice=notice, waiting=waiting,
                           step=welcome.step_number(waiting.step) if waiting else None)

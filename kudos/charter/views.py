"""The charter for everyone, its editor for admins, and the notice of a new version."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kudos.charter import operations
from kudos.charter.forms import CharterForm
from kudos.domain.errors import Conflict, Invalid
from kudos.extensions import htmx
from kudos.forms import apply_error
from kudos.news.markdown import render
from kudos.permissions import access

bp = Blueprint("charter", __name__)


@bp.get("/charter")
@access("user")
def page():
    """The charter in the reader's language (or the one asked for). Reading it is never
    recorded: nobody sees who read it."""
    charter = operations.current(operations.language_for(request.args.get("language")))
    return render_template("charter/page.html", charter=charter,
                           summary=render(charter.summary), body=render(charter.body),
                           contacts=operations.contacts())


@bp.post("/charter/notice")
@access("user")
def dismiss():
    """Set the "the charter changed" notice aside; `read=1` opens the charter too."""
    operations.dismiss_notice(current_user)
    if request.form.get("read") == "1":
        return redirect(url_for("charter.page"), code=303)
    if htmx:
        return ""
    return redirect(url_for("recognition.wall"), code=303)


def _edit_page(language: str, form: CharterForm | None = None, status: int = 200,
               conflict: str | None = None):
    charter = operations.current(language)
    if form is None:
        form = CharterForm(formdata=None, language=language, version=charter.version,
                           title=charter.title, summary=charter.summary, body=charter.body)
    return render_template("charter/edit.html", form=form, charter=charter,
                           language=language, languages=operations.languages(),
                           history=operations.history(language), conflict=conflict), status


@bp.get("/admin/charter")
@access("admin")
def edit():
    return _edit_page(operations.language_for(request.args.get("language")))


@bp.post("/admin/charter")
@access("admin")
def save():
    form = CharterForm()
    language = operations.language_for(form.language.data)
    if form.validate():
        try:
            saved = operations.save(current_user, form.language.data, version=form.version.data
                                    if form.version.data is not None else -1,
                                    title=form.title.data, summary=form.summary.data,
                                    body=form.body.data, reason=form.reason.data)
        except Conflict as error:
            return _edit_page(language, form, 409, conflict=error.message)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("Version %(version)s of the charter is saved. Everyone reading in this "
                    "language will see a short notice of it, once.", version=saved.version),
                  "success")
            return redirect(url_for("charter.edit", language=saved.language), code=303)
    return _edit_page(language, form, 422)


@bp.post("/admin/charter/reviewed")
@access("admin")
def reviewed():
    operations.mark_reviewed(current_user)
    flash(_("Thank you. The charter stays as it is; you can change it whenever you like."),
          "success")
    return redirect(url_for("charter.edit", language=request.form.get("language")), code=303)

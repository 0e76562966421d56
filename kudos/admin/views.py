"""Admin pages. Every route here is for admins only."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2_fragments.flask import render_block

from kudos.admin import operations
from kudos.admin.forms import EntryForm, InviteForm, PersonForm, ReasonForm
from kudos.audit import AuditLog
from kudos.auth import operations as auth_ops
from kudos.auth.models import Invitation, Team, User, matching
from kudos.domain.errors import Invalid
from kudos.extensions import db, htmx
from kudos.forms import apply_error
from kudos.links import external_url
from kudos.permissions import access
from kudos.sqltypes import utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")

KINDS = "<any(teams,values,topics):kind>"
TITLES = {"teams": _l("Teams"), "values": _l("Company values"), "topics": _l("News topics")}
HELP = {
    "teams": _l("Teams group colleagues; leads run campaigns and see their team's rhythm."),
    "values": _l("Values are the tags of kudos: what the company wants to recognise."),
    "topics": _l("Topics sort the news; people follow the ones they care about."),
}


def _team_choices(blank: bool = True):
    teams = db.session.scalars(
        db.select(Team).where(Team.archived_at.is_(None)).order_by(Team.name)
    )
    choices = [(t.id, t.name) for t in teams]
    return [(0, _("No team"))] + choices if blank else choices


@bp.get("/")
@access("admin")
def index():
    counts = {
        "people": db.session.scalar(db.select(db.func.count(User.id)).where(User.active)),
        "invitations": db.session.scalar(
            db.select(db.func.count(Invitation.id)).where(
                Invitation.used_at.is_(None), Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
        ),
    }
    recent = db.session.scalars(
        db.select(AuditLog).order_by(AuditLog.id.desc()).limit(15)
    ).all()
    return render_template("admin/index.html", counts=counts, recent=recent)


@bp.get("/people")
@access("admin")
def people():
    q = (request.args.get("q") or "").strip()[:100]
    query = db.select(User).where(User.erased_at.is_(None)).order_by(User.name)
    if q:
        query = query.where(matching(q[:100]))
    found = db.session.scalars(query.limit(200)).all()
    pending = db.session.scalars(
        db.select(Invitation)
        .where(Invitation.kind == "invite", Invitation.used_at.is_(None),
               Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at.desc())
    ).all()
    context = {"people": found, "q": q, "pending": pending}
    if htmx and not htmx.boosted:
        return render_block("admin/people.html", "results", **context)
    return render_template("admin/people.html", **context)


@bp.route("/people/invite", methods=["GET", "POST"])
@access("admin")
def invite():
    form = InviteForm()
    form.team_id.choices = _team_choices()
    if form.validate_on_submit():
        team = db.session.get(Team, form.team_id.data) if form.team_id.data else None
        try:
            invitation, token = auth_ops.invite(
                current_user, email=form.email.data, name=form.name.data,
                role=form.role.data, team=team,
            )
        except Invalid as error:
            apply_error(form, error)
        else:
            link = external_url("auth.accept", token=token)
            return render_template("admin/invited.html", invitation=invitation, link=link), 201
    status = 422 if form.errors else 200
    return render_template("admin/invite.html", form=form), status


@bp.post("/invitations/<int:invitation_id>/revoke")
@access("admin")
def revoke_invitation(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    auth_ops.revoke_invitation(current_user, invitation)
    flash(_("The invitation for %(email)s no longer works.", email=invitation.email), "success")
    return redirect(url_for("admin.people"), code=303)


def _person_or_404(person_id: int) -> User:
    person = db.get_or_404(User, person_id)
    if person.erased_at is not None:
        abort(404)
    return person


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@access("admin")
def person(person_id: int):
    person = _person_or_404(person_id)
    form = PersonForm(obj=None if request.method == "POST" else person,
                      team_id=person.team_id or 0,
                      led_team_ids=[t.id for t in person.led_teams])
    form.team_id.choices = _team_choices()
    form.led_team_ids.choices = _team_choices(blank=False)
    if form.validate_on_submit():
        try:
            operations.update_person(
                current_user, person, role=form.role.data,
                team_id=form.team_id.data or None, led_team_ids=form.led_team_ids.data,
            )
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("%(name)s is updated.", name=person.name), "success")
            return redirect(url_for("admin.person", person_id=person.id), code=303)
    status = 422 if form.errors else 200
    return render_template("admin/person.html", person=person, form=form,
                           reason_form=ReasonForm(formdata=None)), status


@bp.post("/people/<int:person_id>/deactivate")
@access("admin")
def deactivate(person_id: int):
    person = _person_or_404(person_id)
    form = ReasonForm()
    try:
        operations.deactivate(current_user, person, reason=form.reason.data or "")
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s can no longer sign in.", name=person.name), "success")
    return redirect(url_for("admin.person", person_id=person.id), code=303)


@bp.post("/people/<int:person_id>/reactivate")
@access("admin")
def reactivate(person_id: int):
    person = _person_or_404(person_id)
    try:
        operations.reactivate(current_user, person)
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s can sign in again.", name=person.name), "success")
    return redirect(url_for("admin.person", person_id=person.id), code=303)


def _named(kind: str, form: EntryForm) -> EntryForm:
    """Values and topics have a name in each language: say which one `name` is."""
    if kind != "teams":
        form.name.label.text = _("Name in English")
    return form


def _catalog_page(kind: str, form: EntryForm, status: int = 200):
    model = operations.CATALOGS[kind]
    entries = db.session.scalars(
        db.select(model).order_by(model.archived_at.is_not(None), model.name)
    ).all()
    return render_template("admin/catalog.html", kind=kind, title=TITLES[kind],
                           help=HELP[kind], entries=entries, form=_named(kind, form)), status


@bp.get(f"/{KINDS}")
@access("admin")
def catalog(kind: str):
    return _catalog_page(kind, EntryForm(formdata=None))


@bp.post(f"/{KINDS}")
@access("admin")
def create_entry(kind: str):
    form = EntryForm()
    if form.validate():
        try:
            entry = operations.save_entry(current_user, kind, name=form.name.data,
                                          description=form.description.data,
                                          name_fr=form.name_fr.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("“%(name)s” is added.", name=entry.name), "success")
            return redirect(url_for("admin.catalog", kind=kind), code=303)
    return _catalog_page(kind, form, 422)


@bp.route(f"/{KINDS}/<int:entry_id>", methods=["GET", "POST"])
@access("admin")
def edit_entry(kind: str, entry_id: int):
    entry = db.get_or_404(operations.CATALOGS[kind], entry_id)
    form = EntryForm(obj=entry if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            operations.save_entry(current_user, kind, entry, name=form.name.data,
                                  description=form.description.data, name_fr=form.name_fr.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("“%(name)s” is saved.", name=entry.name), "success")
            return redirect(url_for("admin.catalog", kind=kind), code=303)
    status = 422 if form.errors else 200
    return render_template("admin/entry.html", kind=kind, title=TITLES[kind], entry=entry,
                           form=_named(kind, form)), status


@bp.post(f"/{KINDS}/<int:entry_id>/archive")
@access("admin")
def archive_entry(kind: str, entry_id: int):
    entry = db.get_or_404(operations.CATALOGS[kind], entry_id)
    archived = request.form.get("archived", "1") == "1"
    operations.set_archived(current_user, kind, entry, archived)
    if archived:
        flash(_("“%(name)s” is archived.", name=entry.name), "success")
    else:
        flash(_("“%(name)s” is back.", name=entry.name), "success")
    return redirect(url_for("admin.catalog", kind=kind), code=303)

"""The working calendar's admin page: the company's country and time zone, its closures,
and the year's public holidays for reference."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from kudos.calendar import operations
from kudos.calendar.forms import ClosureForm, CompanyCalendarForm
from kudos.domain.calendar import holiday_names
from kudos.domain.errors import Invalid, NotFound
from kudos.forms import apply_error
from kudos.permissions import access

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar")


def _company_form(formdata=None) -> CompanyCalendarForm:
    form = CompanyCalendarForm(formdata=formdata, country=operations.company_country(),
                               timezone=operations.company_timezone())
    form.country.choices = operations.country_choices()
    return form


def _year() -> int:
    """The year whose holidays are listed: this one, or one asked for nearby."""
    today = operations.company_today().year
    year = request.args.get("year", type=int)
    return year if year is not None and today - 1 <= year <= today + 5 else today


def _page(status: int = 200, company_form=None, closure_form=None):
    today, year = operations.company_today(), _year()
    country = operations.company_country()
    closures = operations.closures()
    return render_template(
        "calendar/admin.html", company_form=company_form or _company_form(),
        closure_form=closure_form or ClosureForm(formdata=None),
        coming=[c for c in closures if c.last_day >= today],
        past=[c for c in closures if c.last_day < today][::-1],
        year=year, this_year=today.year, country_name=operations.country_name(country),
        holidays=holiday_names(country, year, get_locale().language)), status


@bp.get("/")
@access("admin")
def page():
    return _page()


@bp.post("/")
@access("admin")
def save_company():
    form = _company_form(request.form)
    if form.validate():
        try:
            operations.change_company(current_user, country=form.country.data,
                                      timezone=form.timezone.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("The working calendar is saved."), "success")
            return redirect(url_for("calendar.page"), code=303)
    return _page(422, company_form=form)


@bp.post("/closures")
@access("admin")
def add_closure():
    form = ClosureForm()
    if form.validate():
        try:
            closure = operations.add_closure(current_user, first_day=form.first_day.data,
                                             last_day=form.last_day.data,
                                             label=form.label.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            flash(_("“%(label)s” is added: from %(first)s to %(last)s, nobody is nudged.",
                    label=closure.label, first=format_date(closure.first_day, "long"),
                    last=format_date(closure.last_day, "long")), "success")
            return redirect(url_for("calendar.page"), code=303)
    return _page(422, closure_form=form)


@bp.post("/closures/<int:closure_id>/delete")
@access("admin")
def remove_closure(closure_id: int):
    try:
        closure = operations.remove_closure(current_user, closure_id)
    except NotFound:
        abort(404)
    flash(_("“%(label)s” is removed: those days are ordinary working days again.",
            label=closure.label), "success")
    return redirect(url_for("calendar.page"), code=303)

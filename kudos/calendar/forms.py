"""The admin's working-calendar forms, and a person's country in their settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from kudos.settings.forms import TIMEZONES


class CompanyCalendarForm(FlaskForm):
    # Both checked by the operation (its messages say why), not against the list shown.
    country = SelectField(_l("Country"), validate_choice=False,
                          description=_l("Its public holidays are days off for everyone who "
                                         "has not chosen another country."))
    timezone = SelectField(_l("Company time zone"), choices=[(tz, tz) for tz in TIMEZONES],
                           validate_choice=False,
                           description=_l("The company’s “today”, for its rhythm readings."))


class ClosureForm(FlaskForm):
    label = StringField(_l("Name"), validators=[Length(max=80)],
                        render_kw={"placeholder": _l("Christmas")})
    first_day = DateField(_l("First day"), validators=[Optional()])
    last_day = DateField(_l("Last day (included)"), validators=[Optional()])

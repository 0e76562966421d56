"""Admin forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


def role_choices():
    return [("member", _l("Member")), ("lead", _l("Team lead")), ("admin", _l("Admin"))]


class InviteForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"), choices=role_choices())
    team_id = SelectField(_l("Team"), coerce=int)


class PersonForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices())
    team_id = SelectField(_l("Team"), coerce=int)
    led_team_ids = SelectMultipleField(_l("Teams they lead"), coerce=int)


class EntryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    # Values and topics only (a team's name is a proper name): see CatalogEntry.label.
    name_fr = StringField(_l("Name in French"), validators=[Length(max=60)],
                          description=_l("Shown to people who read Kudos in French. Left "
                                         "empty, they see the name above."))
    description = TextAreaField(_l("Description"), validators=[Length(max=300)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason (kept in the audit log)"), validators=[Length(max=300)])

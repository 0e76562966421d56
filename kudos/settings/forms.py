"""Settings forms."""

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

TIMEZONES = sorted(available_timezones() - {"localtime", "Factory"})


def weekday_choices():
    return [
        ("1", _l("Monday")),
        ("2", _l("Tuesday")),
        ("3", _l("Wednesday")),
        ("4", _l("Thursday")),
        ("5", _l("Friday")),
        ("6", _l("Saturday")),
        ("7", _l("Sunday")),
    ]


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RhythmForm(FlaskForm):
    """When and how a person works: their settings, and the last step of their welcome."""

    timezone = SelectField(_l("Time zone"), choices=[(tz, tz) for tz in TIMEZONES])
    working_days = CheckboxesField(_l("Working days"), choices=weekday_choices())
    work_start = TimeField(_l("Day starts at"), validators=[DataRequired()])
    work_end = TimeField(_l("Day ends at"), validators=[DataRequired()])
    locale = SelectField(_l("Language"))
    profile_public = BooleanField(_l("Show my profile on the company wall and in search"))

    def validate_work_end(self, field):
        if self.work_start.data and field.data and field.data <= self.work_start.data:
            raise ValidationError(_l("The day must end after it starts."))

    def validate_working_days(self, field):
        if not field.data:
            raise ValidationError(_l("Pick at least one working day."))


class ProfileForm(RhythmForm):
    name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)])
    approve_kudos = BooleanField(_l("Let me approve kudos about me before they go on the wall"))
    # Checked by the operation against the countries whose holidays are known.
    country = SelectField(_l("Country of my public holidays"), validate_choice=False,
                          description=_l("Nobody nudges you on these days."))
    relay_weekly_budget = IntegerField(
        _l("My weekly relay budget (optional)"), validators=[Optional(), NumberRange(1, 50)],
        description=_l("A gentle reminder when you reach it; never a target."))
    digest_frequency = SelectField(_l("Email digest"), choices=[
        ("weekly", _l("Weekly")), ("daily", _l("Daily")), ("never", _l("Never"))])
    notify_mode = SelectField(_l("Notifications on Kudos"), choices=[
        ("live", _l("Show them as they happen")),
        ("digest", _l("Gather them in my digest (thanks received still show)"))])


class TeamMoveForm(FlaskForm):
    # Checked by the operation (its messages say why), not against the list shown.
    to_team_id = SelectField(_l("Team I would like to join"), coerce=int,
                             validate_choice=False)
    note = StringField(_l("A word for the team’s leads (optional)"),
                       validators=[Length(max=300)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired()],
        description=_l("At least 8 characters. Your other devices will be signed out and "
                       "your API tokens revoked."),
    )


class TokenForm(FlaskForm):
    name = StringField(_l("What is it for?"), validators=[DataRequired(), Length(max=80)])


class EraseForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired()])
    remove_words = BooleanField(_l("Also remove what I wrote (otherwise it stays, signed "
                                   "\u201ca former colleague\u201d)"))
    confirm = BooleanField(_l("I understand this cannot be undone"),
                           validators=[DataRequired(_l("Please tick this box to confirm."))])

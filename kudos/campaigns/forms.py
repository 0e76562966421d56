"""Campaign forms."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional


def goal_choices():
    return [("kudos_count", _l("Kudos given together")),
            ("unique_recipients", _l("Colleagues recognised")),
            ("unique_participants", _l("Colleagues taking part")),
            ("relays", _l("News relayed")),
            ("clicks", _l("Visits through our relays"))]


def kind_choices():
    # A kind is a noun ("Relais"); "Relay" alone is also the verb on the relay buttons.
    return [("both", lazy_pgettext("campaign kind", "Recognition and relay")),
            ("recognition", lazy_pgettext("campaign kind", "Recognition")),
            ("relay", lazy_pgettext("campaign kind", "Relay"))]


class CampaignForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=240)],
                        description=_l("“Eco-responsible month”, “Relay our new season”…"))
    theme = StringField(_l("Theme"), validators=[Length(max=400)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    kind = SelectField(_l("Kind"), choices=kind_choices(), validate_choice=False)
    team_id = SelectField(_l("Team"), coerce=int, validate_choice=False)
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    goal_kind = SelectField(_l("Our collective goal"), choices=goal_choices(),
                            validate_choice=False)
    goal_target = IntegerField(_l("Target, together"), validators=[Optional()])
    value_ids = SelectMultipleField(_l("Suggested values"), coerce=int, validate_choice=False)


class ThankYouForm(FlaskForm):
    thank_you = TextAreaField(_l("A thank-you to the team"), validators=[Length(max=2000)])

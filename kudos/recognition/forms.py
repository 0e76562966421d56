"""Forms of recognition."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import Length


def visibility_choices():
    return [("company", _l("Everyone in the company")), ("team", _l("Our teams")),
            ("recipients", _l("Only the people thanked"))]


class GiveForm(FlaskForm):
    kind = HiddenField(default="kudos")
    idempotency_key = HiddenField()
    recipient_ids = SelectMultipleField(_l("Who?"), coerce=int, validate_choice=False)
    message = TextAreaField(_l("Your message"), validators=[Length(max=4000)],
                            description=_l("Plain text, up to 1,000 characters. Links work."))
    work_title = StringField(_l("The work"), validators=[Length(max=400)],
                             description=_l("A name people will recognise: “the new "
                                            "Lisbon itinerary”."))
    work_url = URLField(_l("Link to the work (optional)"), validators=[Length(max=2000)])
    why_it_matters = TextAreaField(_l("Why it matters (optional)"),
                                   validators=[Length(max=1000)])
    value_id = SelectField(_l("A company value (optional)"), coerce=int, validate_choice=False)
    campaign_id = SelectField(_l("Part of a campaign (optional)"), coerce=int,
                              validate_choice=False)
    visibility = RadioField(_l("Who can see it?"), choices=visibility_choices(),
                            default="company", validate_choice=False)


class EditForm(FlaskForm):
    message = TextAreaField(_l("Your message"), validators=[Length(max=4000)])
    value_id = SelectField(_l("A company value (optional)"), coerce=int, validate_choice=False)


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Add a comment"), validators=[Length(max=2000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong with it?"), validators=[Length(max=2000)])

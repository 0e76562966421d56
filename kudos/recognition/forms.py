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

from kudos.recognition.operations import MESSAGE_MAX, WHY_MAX, WORK_TITLE_MAX

# The message box stops where the server does (`operations.clean_message` counts after
# turning the CRLF a browser sends into one character, as the box counts it); the server
# gives the readable refusal. No Length validator on the raw text: it would count CRLF twice.
MESSAGE_BOX = {"maxlength": MESSAGE_MAX}


def visibility_choices():
    return [("company", _l("Everyone in the company")), ("team", _l("Our teams")),
            ("recipients", _l("Only the people thanked"))]


class GiveForm(FlaskForm):
    kind = HiddenField(default="kudos")
    idempotency_key = HiddenField()
    recipient_ids = SelectMultipleField(_l("Who?"), coerce=int, validate_choice=False)
    message = TextAreaField(_l("Your message"), render_kw=MESSAGE_BOX,
                            description=_l("Plain text, up to 1,000 characters. Links work."))
    work_title = StringField(_l("The work"), render_kw={"maxlength": WORK_TITLE_MAX},
                             description=_l("A name people will recognise: “the new "
                                            "Lisbon itinerary”."))
    work_url = URLField(_l("Link to the work (optional)"), validators=[Length(max=2000)])
    why_it_matters = TextAreaField(_l("Why it matters (optional)"),
                                   render_kw={"maxlength": WHY_MAX})
    value_id = SelectField(_l("A company value (optional)"), coerce=int, validate_choice=False)
    campaign_id = SelectField(_l("Part of a campaign (optional)"), coerce=int,
                              validate_choice=False)
    visibility = RadioField(_l("Who can see it?"), choices=visibility_choices(),
                            default="company", validate_choice=False)


class EditForm(FlaskForm):
    message = TextAreaField(_l("Your message"), render_kw=MESSAGE_BOX)
    value_id = SelectField(_l("A company value (optional)"), coerce=int, validate_choice=False)


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Add a comment"), validators=[Length(max=2000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong with it?"), validators=[Length(max=2000)])

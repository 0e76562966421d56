"""News forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import Length


def channel_choices():
    return [("internal", _l("On the Kudos wall, for colleagues")),
            ("linkedin", _l("On LinkedIn")), ("x", _l("On X")), ("email", _l("By email")),
            ("copy", _l("Copy a link"))]


class NewsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=400)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=1000)],
                            description=_l("One or two sentences; they show in the list."))
    body = TextAreaField(_l("Text (optional)"), validators=[Length(max=40000)],
                         description=_l("Markdown works: **bold**, *italics*, lists, links."))
    url = URLField(_l("Link to the article (optional)"), validators=[Length(max=2000)])
    topic_id = SelectField(_l("Topic"), coerce=int, validate_choice=False)
    public = BooleanField(_l("Public: give it a page people outside the company can open, "
                             "with a preview when shared"))


class DeclineForm(FlaskForm):
    note = TextAreaField(_l("A note for the person who proposed it"),
                         validators=[Length(max=1000)])


class SourceForm(FlaskForm):
    url = URLField(_l("Feed address (RSS or Atom)"), validators=[Length(max=2000)])
    topic_id = SelectField(_l("Topic of its entries"), coerce=int, validate_choice=False)


class RelayForm(FlaskForm):
    channel = SelectField(_l("Where?"), choices=channel_choices(), validate_choice=False)
    campaign_id = SelectField(_l("Part of a campaign (optional)"), coerce=int,
                              validate_choice=False)
    comment = TextAreaField(_l("Your words (optional, editable)"),
                            validators=[Length(max=2000)])
    idempotency_key = HiddenField()  # one relay however many times the form is sent

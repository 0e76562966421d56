"""The admin's charter form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import HiddenInput


class CharterForm(FlaskForm):
    language = HiddenField()
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    title = StringField(_l("Title"), validators=[Length(max=400)])
    summary = TextAreaField(
        _l("The essentials"), validators=[Length(max=3000)], render_kw={"rows": 7},
        description=_l("Four or five short lines, shown to newcomers in their welcome. "
                       "Markdown works: **bold**, lists."))
    body = TextAreaField(
        _l("The whole charter"), validators=[Length(max=40000)], render_kw={"rows": 24},
        description=_l("Markdown works: ## headings, **bold**, lists, links."))
    reason = StringField(_l("Why this change? (kept in the history)"),
                         validators=[Length(max=1000)])

"""Helpers shared by every feature's forms."""

from flask_wtf import FlaskForm

from kudos.domain.errors import Invalid


def apply_error(form: FlaskForm, error: Invalid) -> None:
    """Show an operation's refusal next to the field it names (or at the top of the form)."""
    field = getattr(form, error.field, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


"""WTForms' own messages follow the request's language, from a catalogue kept per language."""

import pytest
from flask_wtf import FlaskForm
from wtforms import IntegerField


class NumberForm(FlaskForm):
    class Meta:
        csrf = False

    number = IntegerField()


@pytest.mark.parametrize("language, message", [
    ("fr", "N'est pas un entier valide."),
    ("en", "Not a valid integer value."),
    ("fr", "N'est pas un entier valide."),  # the kept catalogue, not the first one loaded
])
def test_wtforms_messages_are_in_the_language_of_the_request(app, language, message):
    with app.test_request_context("/", method="POST", data={"number": "twelve"},
                                  headers={"Accept-Language": language}):
        app.preprocess_request()
        form = NumberForm()
        assert not form.validate()
        assert form.number.errors == [message]

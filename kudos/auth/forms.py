"""Sign-in, invitation and sign-up forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me signed in on this device for 7 days"))


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Your name, as colleagues will see it"),
                       validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Choose a password"), validators=[DataRequired()],
                             description=_l("At least 8 characters. A sentence works well."))


class SignupForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(_l("Work email"), validators=[DataRequired(), Length(max=254)])

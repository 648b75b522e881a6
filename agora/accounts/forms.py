"""Account forms: login, registration, language, password change, API token creation."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


def _strip(value):
    # Addresses pasted from a mail client often carry spaces around them.
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email"), filters=[_strip], validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class RegisterForm(FlaskForm):
    """Self-registration: name, work email and a password typed twice."""

    name = StringField(_l("Full name"), filters=[_strip], validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Work email"), filters=[_strip], validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class LanguageForm(FlaskForm):
    """The interface language; choices come from the config."""

    language = SelectField(_l("Language"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    """Current password, then the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))])


class TokenForm(FlaskForm):
    """A name to recognise a new API token by."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])

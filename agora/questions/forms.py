"""Question forms: ask (with a look at similar questions first), pass, one's availability."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional


class AskForm(FlaskForm):
    """A new question: title, details, where, topics."""

    title = StringField(_l("Your question, in one line"))
    body = TextAreaField(_l("Details"))
    space = SelectField(_l("Where"), choices=[])
    topics = StringField(_l("Topics (up to 5 skills, separated by commas)"), render_kw={"list": "topic-skills"})


class PassForm(FlaskForm):
    """"Not for me", maybe naming a colleague who knows."""

    suggestion = StringField(_l("A colleague who may know (handle or email, optional)"))
    note = StringField(_l("A word for the asker (optional)"))


class AwayForm(FlaskForm):
    """Away until a day: questions are not routed to you meanwhile."""

    away_until = DateField(_l("Away until (empty: available)"), validators=[Optional()])


class ExpertForm(FlaskForm):
    """Name a member an expert of the space."""

    person = StringField(_l("Handle or email of the colleague"))

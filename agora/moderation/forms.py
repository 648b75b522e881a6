"""Moderation forms: report, act on content, appeal, decide an appeal."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from agora.moderation.models import CATEGORIES


class ReportForm(FlaskForm):
    """A reader's report: what kind of problem, and what is wrong."""

    category = RadioField(_l("What is the problem?"), choices=[
        SelectChoice("harassment", _l("Harassment")),
        SelectChoice("confidential", _l("Confidential information")),
        SelectChoice("spam", _l("Spam")),
        SelectChoice("other", _l("Other")),
    ], validate_choice=False)
    text = TextAreaField(_l("Tell the moderators what is wrong"))


class ModerateForm(FlaskForm):
    """One moderator action; which fields matter depends on the action (the service checks)."""

    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Reason (shown to the author and in the moderation record)"))
    rule = SelectField(_l("Rule"), choices=[], validate_choice=False)
    days = IntegerField(_l("Suspension length in days"), validators=[Optional()])
    space = SelectField(_l("Move to space"), choices=[], validate_choice=False)


class AppealForm(FlaskForm):
    """The author's one appeal."""

    text = TextAreaField(_l("Why should this decision change?"))


class DecisionForm(FlaskForm):
    """Grant or refuse an appeal, with a reason."""

    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("grant", _l("Grant: undo the action")),
        SelectChoice("refuse", _l("Refuse: the action stands")),
    ], validate_choice=False)
    reason = TextAreaField(_l("Reason (shown to the author and in the moderation record)"))


RULE_CHOICES = CATEGORIES + ("house_rules",)

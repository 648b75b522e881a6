"""Notification forms: one checkbox per kind."""
from flask_wtf import FlaskForm
from wtforms import BooleanField


def preferences_form(kinds: dict, current: dict[str, bool], **kwargs) -> FlaskForm:
    """A form with a checkbox per kind in `kinds` (kind -> label), ticked as in `current`."""

    class PreferencesForm(FlaskForm):
        pass

    for kind, label in kinds.items():
        setattr(PreferencesForm, kind, BooleanField(label, default=current.get(kind, True)))
    return PreferencesForm(**kwargs)

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


def email_form(kinds: dict, current: dict, **kwargs) -> FlaskForm:
    """Each emailable kind's mode, and the digest's frequency, hour, time zone and visited rule."""
    from zoneinfo import available_timezones

    from flask_babel import lazy_gettext as _l
    from wtforms import SelectField

    modes = [("immediately", _l("Immediately")), ("digest", _l("In the digest")), ("never", _l("Never"))]

    class EmailForm(FlaskForm):
        digest_frequency = SelectField(_l("Digest"), choices=[
            ("daily", _l("Daily")), ("weekly", _l("Weekly (on Mondays)")), ("never", _l("Never"))],
            default=current["digest_frequency"])
        digest_hour = SelectField(_l("At"), coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)],
                                  default=current["digest_hour"])
        timezone = SelectField(_l("Time zone"), default=current["timezone"],
                               choices=[("", _l("The company's"))] + [(z, z) for z in sorted(available_timezones())])
        skip_if_visited = BooleanField(_l("No digest when I visited since the last one"),
                                       default=current["skip_if_visited"])

    for kind, label in kinds.items():
        setattr(EmailForm, f"email_{kind}", SelectField(label, choices=modes, default=current["kinds"][kind]))
    return EmailForm(**kwargs)

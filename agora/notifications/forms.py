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
    from wtforms.fields.choices import SelectChoice

    modes = [SelectChoice("immediately", _l("Immediately")), SelectChoice("digest", _l("In the digest")),
             SelectChoice("never", _l("Never"))]

    class EmailForm(FlaskForm):
        digest_frequency = SelectField(_l("Digest"), choices=[
            SelectChoice("daily", _l("Daily")), SelectChoice("weekly", _l("Weekly (on Mondays)")),
            SelectChoice("never", _l("Never"))], default=current["digest_frequency"])
        digest_hour = SelectField(_l("At"), coerce=int, default=current["digest_hour"],
                                  choices=[SelectChoice(h, f"{h:02d}:00") for h in range(24)])
        timezone = SelectField(_l("Time zone"), default=current["timezone"],
                               choices=[SelectChoice("", _l("The company's"))]
                               + [SelectChoice(z, z) for z in sorted(available_timezones())])
        skip_if_visited = BooleanField(_l("No digest when I visited since the last one"),
                                       default=current["skip_if_visited"])

    for kind, label in kinds.items():
        setattr(EmailForm, f"email_{kind}", SelectField(label, choices=modes, default=current["kinds"][kind]))
    return EmailForm(**kwargs)

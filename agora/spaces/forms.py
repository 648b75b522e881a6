"""Space forms: create, settings, ask to join, invite."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice


def visibility_choices() -> list:
    return [
        SelectChoice("open", _l("Open: every colleague reads it and may join")),
        SelectChoice("closed", _l("Closed: every colleague sees it exists; members read it; joining on request")),
        SelectChoice("secret", _l("Secret: only members know it exists; by invitation only")),
    ]


class SettingsForm(FlaskForm):
    """A space's name, description and visibility."""

    name = StringField(_l("Name"))
    description = TextAreaField(_l("Description"))
    # The service checks the choice too, so every field error shows at once.
    visibility = RadioField(_l("Visibility"), choices=visibility_choices(), default="open", validate_choice=False)


class SpaceForm(SettingsForm):
    """A new space: its address too."""

    slug = StringField(_l("Address"))


class RequestForm(FlaskForm):
    """Ask to join a closed space, with a word for its moderators."""

    message = TextAreaField(_l("Message to the moderators (optional)"))


class InviteForm(FlaskForm):
    """Invite a colleague by handle or email."""

    person = StringField(_l("Colleague's handle or email"))

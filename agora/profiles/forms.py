"""Profile forms: personal details (the owner) and organisation (HR and admins)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TelField, TextAreaField
from wtforms.validators import Length, Optional


class PersonalForm(FlaskForm):
    """What a person says about themselves."""

    photo = FileField(_l("Photo"))
    remove_photo = BooleanField(_l("Remove my photo"))
    bio = TextAreaField(_l("About me"), validators=[Length(max=10000)])
    skills = StringField(_l("Skills and expertise"), validators=[Length(max=2000)])
    languages = StringField(_l("Languages spoken"), validators=[Length(max=200)])
    ask_me_about = StringField(_l("Ask me about"), validators=[Length(max=300)])
    location = StringField(_l("Location"), validators=[Length(max=120)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])


class OrgForm(FlaskForm):
    """Where a person sits in the company."""

    title = StringField(_l("Job title"), validators=[Length(max=120)])
    department = StringField(_l("Department"), validators=[Length(max=120)])
    manager = StringField(_l("Manager (handle or email)"), validators=[Length(max=254)])

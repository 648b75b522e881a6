"""Wall forms: write a post, comment, edit, share."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, MultipleFileField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice


class PostForm(FlaskForm):
    """A new post: Markdown text, its kind, files."""

    body = TextAreaField(_l("Your post"))
    kind = SelectField(_l("Kind"), choices=[SelectChoice("status", _l("Status update"))], default="status")
    attachments = MultipleFileField(_l("Attach images or files"))


class CommentForm(FlaskForm):
    """A comment or a reply (`parent_id`)."""

    body = TextAreaField(_l("Your comment"))
    parent_id = HiddenField()


class EditForm(FlaskForm):
    """New text for a post or comment."""

    body = TextAreaField(_l("Text"))


class ShareForm(FlaskForm):
    """Share a post to a wall with a comment."""

    target = SelectField(_l("Share to"), choices=[])
    body = TextAreaField(_l("Add a comment (optional)"))

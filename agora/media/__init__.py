"""Stored images and files (profile photos, attachments), served with safe headers."""


def register(app):
    """Wire the media blueprint into `app`."""
    from agora.media import models, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)

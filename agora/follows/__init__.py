"""Following people, spaces and hashtags: what feeds the home page."""


def register(app):
    """Wire the follows blueprint into `app`."""
    from agora.follows import models, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)

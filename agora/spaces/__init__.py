"""Spaces: departments, projects and communities with their own wall (minimal until the spaces work)."""


def register(app):
    """Wire the spaces blueprint into `app`."""
    from agora.spaces import models, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)

"""Spaces: departments, projects and communities with their own wall (minimal until the spaces work)."""


def register(app):
    """Wire the spaces blueprint into `app`."""
    from agora.core.hooks import add_hook
    from agora.spaces import models, services, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)
    add_hook(app, "space.roles", services.space_roles)

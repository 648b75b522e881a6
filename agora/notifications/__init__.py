"""In-app notifications: the bell, the list, read marks and per-kind preferences."""


def register(app):
    """Wire the notifications blueprint and API into `app`."""
    from agora.notifications import api, models, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)

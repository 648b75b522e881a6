"""Staff profiles, the org chart and the people directory."""


def register(app):
    """Wire the profiles blueprint and API into `app`."""
    from agora.profiles import api, models, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)

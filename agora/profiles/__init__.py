"""Staff profiles, the org chart and the people directory."""


def register(app):
    """Wire the profiles blueprint, API and `flask users import` into `app`."""
    from agora.profiles import api, models, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    from agora.core.hooks import add_hook
    from agora.profiles import search
    add_hook(app, "search.sources", search.sources)

    from agora.accounts.cli import users_cli
    from agora.profiles.cli import import_command
    users_cli.add_command(import_command)

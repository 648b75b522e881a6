"""Accounts: login sessions, passwords, API tokens, and the `flask users` commands."""


def register(app):
    """Wire the accounts blueprint, API, login loaders and CLI into `app`."""
    from agora.accounts import api, cli, models, views  # noqa: F401 - models join the metadata
    from agora.accounts.services import install_login_loaders

    install_login_loaders(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.users_cli)

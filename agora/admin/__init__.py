"""Administration: `flask config check/apply`."""


def register(app):
    """Wire the config CLI into `app`."""
    from agora.admin import cli

    app.cli.add_command(cli.config_cli)

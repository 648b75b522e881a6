"""The demo organisation loaded by `make run`."""


def register(app):
    """Wire `flask demo` into `app`."""
    from agora.demo import cli

    app.cli.add_command(cli.demo_cli)

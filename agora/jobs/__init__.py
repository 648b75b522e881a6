"""Work that happens later: job rows in the database, Huey as the broker, `flask jobs`."""


def register(app):
    """Wire `flask jobs`, the admins' page and the after-commit hand-over to the broker into `app`."""
    from agora.jobs import cli, handover, models, views  # noqa: F401 - models join the metadata

    app.cli.add_command(cli.jobs_cli)
    app.register_blueprint(views.bp)
    handover.install()

"""`flask config check` and `flask config apply`."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from agora import config as agora_config
from agora.admin import services

config_cli = AppGroup("config", help="Check and apply the admin config file.")


@config_cli.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check(path):
    """Validate the config file (default: the active one) and the people and departments it names."""
    try:
        source, problems = services.check_file(path)
    except services.SchemaMissing:
        click.echo(_("The file is well formed, but the database has no tables yet, so the emails and "
                     "departments it names could not be checked. Run `flask db upgrade` first."), err=True)
        raise SystemExit(1) from None
    if problems:
        click.echo(agora_config.ConfigError(problems, source).report(), err=True)
        raise SystemExit(1)
    click.echo(_("Configuration OK (%(source)s).", source=source))


@config_cli.command("apply")
def apply():
    """Apply the active config file to the database (safe to run again)."""
    app = current_app._get_current_object()
    try:
        # Unknown emails or departments do not stop an apply: those people may join later.
        for problem in services.check_references(app.config["AGORA"]):
            click.echo(_("warning: %(problem)s", problem=str(problem)), err=True)
    except services.SchemaMissing:
        click.echo(_("The database has no tables yet. Run `flask db upgrade` first."), err=True)
        raise SystemExit(1) from None
    summary = services.apply_config(app)
    for line in summary:
        click.echo(line)
    click.echo(_("Configuration applied.") if summary else _("Configuration applied (nothing to change)."))

"""`flask demo load`."""
import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from agora.core.errors import DomainError
from agora.demo import people as data
from agora.demo import services

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when any account exists (used by `make run`).")
def load(if_empty):
    """Load a demo company: about 40 people in 5 departments, with a management chain, skills and photos."""
    from agora.admin.services import schema_exists

    if not schema_exists():
        click.echo(_("The database has no tables yet. Run `flask db upgrade` first."), err=True)
        raise SystemExit(1)
    if if_empty and services.has_accounts():
        click.echo(_("Accounts already exist: demo not loaded."))
        if services.demo_loaded():
            _print_logins()
        return
    try:
        with click.progressbar(length=len(data.PEOPLE), label=_("Creating the demo people")) as bar:
            def progress(items):
                for item in items:
                    yield item
                    bar.update(1)

            result = services.load_demo(if_empty=if_empty, progress=progress)
    except DomainError as exc:
        click.echo(exc.message or str(exc), err=True)
        raise SystemExit(1)
    click.echo(_("Demo organisation loaded: %(count)s people.", count=len(result.people)))
    for warning in result.warnings:
        click.echo(_("Warning: some demo content could not be added (%(detail)s).", detail=warning), err=True)
    _print_logins()


def _print_logins():
    by_key = {p[0]: p for p in data.PEOPLE}
    samples = [("e5", _("admin")), ("ceo", _("chief executive")), ("hr", _("head of HR")),
               ("e3", _("developer"))]
    click.echo("")
    click.echo(_("Demo logins (password for every demo account: %(password)s):", password=data.DEMO_PASSWORD))
    for key, role in samples:
        person = by_key[key]
        click.echo(f"  {services.email_for(key, person[1], person[7]):<36} {person[1]} ({role})")
    click.echo("")
    click.echo(_("To make the people of the HR department HR in Agora, add to the config file:"))
    click.echo("")
    click.echo("  [hr]")
    click.echo(f'  departments = ["{data.HR}"]')
    click.echo("")

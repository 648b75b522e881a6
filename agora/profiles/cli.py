"""`flask users import FILE.csv`: bring the organisation in from an HR export."""
import click
from flask_babel import gettext as _

from agora.core.errors import DomainError
from agora.profiles.importer import count_rows, import_people


@click.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_command(csv_file):
    """Create or update people from a CSV file (name, email, title, department, manager email, location, skills)."""
    text = csv_file.read()
    try:
        with click.progressbar(length=count_rows(text), label=_("Importing people")) as bar:
            report = import_people(text, progress=bar.update)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(_("%(created)s created, %(updated)s updated, %(bad)s refused.",
                 created=report.created, updated=report.updated, bad=len(report.errors)))
    for line, reason in report.errors:
        click.echo(_("line %(line)s: %(reason)s", line=line, reason=reason), err=True)
    if report.errors:
        raise SystemExit(1)

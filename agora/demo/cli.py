"""`flask demo load`."""
from pathlib import Path

import click
from flask import current_app
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
            _print_hr_hint()
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
        raise SystemExit(1) from None
    click.echo(_("Demo organisation loaded: %(count)s people.", count=len(result.people)))
    for warning in result.warnings:
        click.echo(_("Warning: some demo content could not be added (%(detail)s).", detail=warning), err=True)
    _print_logins()
    config_file = current_app.config.get("AGORA_CONFIG_FILE")
    # Only alongside the demo in an otherwise empty database, and never over an admin's file.
    if result.into_empty and config_file and services.write_demo_config(Path(config_file)):
        click.echo(_("Wrote %(path)s: the people of the %(department)s department are HR and moderate every "
                     "space from the next start. A real install names its HR in its own config file.",
                     path=config_file, department=data.HR))
        click.echo("")
    else:
        _print_hr_hint()


def _print_logins():
    by_key = {p[0]: p for p in data.PEOPLE}
    samples = [("e5", _("admin")), ("ceo", _("chief executive")), ("hr", _("head of HR")),
               ("e3", _("developer, moderator of the Lancement produit space")),
               ("e13", _("apprentice developer, a member of that space"))]
    click.echo("")
    click.echo(_("Demo logins (password for every demo account: %(password)s):", password=data.DEMO_PASSWORD))
    for key, role in samples:
        person = by_key[key]
        click.echo(f"  {services.email_for(key, person[1], person[7]):<36} {person[1]} ({role})")
    click.echo("")


def _print_hr_hint():
    if data.HR in current_app.config["AGORA"]["hr"]["departments"]:
        return
    click.echo(_("To make the people of the HR department HR in Agora, add to the config file:"))
    click.echo("")
    click.echo("  [hr]")
    click.echo(f'  departments = ["{data.HR}"]')
    click.echo("")


@demo_cli.command("seed")
@click.option("--people", type=click.IntRange(min=5), required=True, help="How many people (at least 5).")
@click.option("--spaces", type=click.IntRange(min=0), default=50, show_default=True, help="How many spaces.")
@click.option("--posts", type=click.IntRange(min=0), required=True, help="How many posts.")
@click.option("--comments", type=click.IntRange(min=0), default=0, show_default=True, help="How many comments.")
@click.option("--seed", "seed_value", type=int, default=42, show_default=True,
              help="Random seed: the same seed gives the same company.")
@click.option("--jobs", type=click.IntRange(min=1), default=2, show_default=True,
              help="Processes rendering Markdown (1: in this process).")
@click.option("--batch", type=click.IntRange(min=100), default=5000, show_default=True, help="Rows per insert batch.")
@click.option("--no-search", is_flag=True, help="Do not build the search index at the end.")
def seed_command(people, spaces, posts, comments, seed_value, jobs, batch, no_search):
    """Seed an empty database with a company for benchmarks: people, spaces, posts, comments, reactions, moderation."""
    from contextlib import contextmanager

    from agora.admin.services import schema_exists
    from agora.demo import seed

    if not schema_exists():
        click.echo(_("The database has no tables yet. Run `flask db upgrade` first."), err=True)
        raise SystemExit(1)

    @contextmanager
    def progress(label, total):
        with click.progressbar(length=max(total, 1), label=label.capitalize()) as bar:
            yield lambda n=1: bar.update(n)

    try:
        report = seed.seed(people=people, spaces=spaces, posts=posts, comments=comments, seed=seed_value,
                           jobs=jobs, batch=batch, search=not no_search, progress=progress)
    except DomainError as exc:
        click.echo(exc.message or str(exc), err=True)
        for field, messages in exc.field_errors.items():
            click.echo(f"  --{field}: {' '.join(messages)}", err=True)
        raise SystemExit(1) from None
    click.echo("")
    for stage in report.stages:
        rate = stage.rows / stage.seconds if stage.seconds else 0
        click.echo(f"  {stage.name:<20} {stage.seconds:>9.1f} s {stage.rows:>10} rows {rate:>10.0f} rows/s"
                   f" {stage.cpu_seconds:>9.1f} CPU s")
    click.echo(_("Rendering: %(cpu).1f CPU seconds; inserts: %(insert).1f s.", cpu=report.render_cpu_seconds,
                 insert=report.insert_seconds))
    click.echo(_("Seeded in %(seconds).1f s: %(people)s people, %(posts)s posts, %(comments)s comments, "
                 "%(reactions)s reactions.", seconds=report.total_seconds, people=report.counts.get("users", 0),
                 posts=report.counts.get("posts", 0), comments=report.counts.get("comments", 0),
                 reactions=report.counts.get("reactions", 0)))
    click.echo(_("Every seeded account's password: %(password)s (e.g. %(email)s, an admin).",
                 password=report.manifest["password"], email=report.manifest["admin_email"]))

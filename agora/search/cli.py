"""`flask search rebuild | status | drain`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from agora.extensions import db

search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("rebuild")
@click.option("--procs", type=int, default=0, help="Indexing processes (default: 2 for large sites on 2+ cores).")
def rebuild_command(procs):
    """Rebuild the index from the database; search stays online on the old index until the swap."""
    from agora.search.indexer import RebuildRunning
    from agora.search.services import indexing_processes, rebuild_index
    from agora.search.sources import registry

    app = current_app._get_current_object()
    with Session(db.engine) as session:
        total = registry(app).total(session)
    try:
        with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
            count = rebuild_index(app, progress=bar.update, procs=procs if procs > 0 else indexing_processes(total))
    except RebuildRunning:
        raise click.ClickException("Another rebuild is running; try again when it has finished.") from None
    click.echo(f"Indexed {count} documents.")


@search_cli.command("status")
def status_command():
    """Documents indexed, outbox backlog and lag."""
    from agora.search.services import status

    found = status()
    click.echo(f"Index directory: {found['index_dir']}")
    click.echo(f"Generation:      {found['generation'] or 'none (run flask search rebuild)'}")
    documents = found["documents"]
    click.echo(f"Documents:       {documents if documents is not None else 'unavailable'}")
    click.echo(f"Outbox backlog:  {found['backlog']}")
    lag = found["lag_seconds"]
    click.echo(f"Lag:             {f'{lag:.1f} s' if lag is not None else '0 s'}")
    click.echo(f"Rebuilding:      {'yes' if found['rebuilding'] else 'no'}")


@search_cli.command("drain")
def drain_command():
    """Apply the waiting outbox rows now (for cron, or after a crash)."""
    from agora.search.indexer import drain

    count = drain(current_app._get_current_object(), blocking=True)
    click.echo(f"Applied {count} changes.")

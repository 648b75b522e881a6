"""Full-text search across posts, comments, people and spaces, fed by an outbox and the features' hooks."""
from pathlib import Path


def register(app):
    """Wire the search page, API, `flask search` and the outbox listeners into `app`."""
    from agora.core.hooks import add_hook
    from agora.search import api, cli, models, outbox, views  # noqa: F401 - models join the metadata
    from agora.search.whoosh_index import WhooshBackend

    configured = app.config["AGORA"]["search"]["index_dir"]
    root = Path(app.instance_path) / (configured or "search-index")  # an absolute setting wins over the join
    app.extensions["agora.search"] = WhooshBackend(root)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.search_cli)
    outbox.install()
    from agora.search.indexer import drain_later

    app.after_request(drain_later)
    add_hook(app, "bulk.done", _drain_after_bulk)


def _drain_after_bulk():
    """Index what bulk work (demo data, imports) left in the outbox, in one pass."""
    from flask import current_app

    from agora.search.indexer import backend, drain, ensure_index

    app = current_app._get_current_object()
    if backend(app).current_name() is None:
        ensure_index(app)
    drain(app, blocking=True)

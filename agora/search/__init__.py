"""Full-text search across posts, comments, people and spaces, fed by an outbox and the features' hooks."""
from pathlib import Path


def register(app):
    """Wire the search page, API, `flask search` and the outbox listeners into `app`."""
    from agora.search import api, cli, models, outbox, views  # noqa: F401 - models join the metadata
    from agora.search.whoosh_index import WhooshBackend

    configured = app.config["AGORA"]["search"]["index_dir"]
    root = Path(app.instance_path) / (configured or "search-index")  # an absolute setting wins over the join
    app.extensions["agora.search"] = WhooshBackend(root)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.search_cli)
    outbox.install()

"""Moderation in the open: reports, the review queue, recorded actions, the ledger and appeals."""


def register(app):
    """Wire moderation's pages, API, hooks and `flask content erase` into `app`."""
    from agora.core.hooks import add_hook
    from agora.moderation import api, cli, hooks, models, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    # Erasure belongs to the `flask content` group the walls define; one group, so both commands list together.
    from agora.walls.cli import content_cli
    content_cli.add_command(cli.erase)
    add_hook(app, "content.created", hooks.content_created)
    add_hook(app, "notifications.visible", hooks.notifications_visible)
    add_hook(app, "media.guard", hooks.media_guard)

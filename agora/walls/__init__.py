"""Discussion walls: posts, comments, reactions, mentions, hashtags, shares and attachments."""


def register(app):
    """Wire the walls pages, API, hooks and `flask content` into `app`."""
    from agora.core.hooks import add_hook
    from agora.walls import api, cli, hooks, models, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)
    from agora.walls.kinds import registered
    app.jinja_env.globals["post_kind"] = lambda name: registered().get(name)  # its label and partials
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.content_cli)
    add_hook(app, "media.guard", hooks.media_guard)
    add_hook(app, "profile.activity", hooks.profile_activity)
    add_hook(app, "notifications.visible", hooks.notifications_visible)
    add_hook(app, "demo.populate", hooks.demo_populate)
    from agora.walls import search
    add_hook(app, "search.sources", search.sources)

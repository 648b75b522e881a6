"""The home feed: what matters to the reader, newest first."""


def register(app):
    """Wire the feed's small JSON endpoint and API into `app` (the page itself is the site's home)."""
    from agora.feed import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)

"""Site-wide pages: home, health check, language choice."""


def register(app):
    """Wire the site blueprint into `app`."""
    from agora.site import views

    app.register_blueprint(views.bp)

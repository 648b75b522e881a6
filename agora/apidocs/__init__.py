"""The API's description: `GET /api/v1/openapi.json` for programs, `/help/api` for people."""


def register(app):
    """Wire the description's JSON endpoint and its page into `app`."""
    from agora.apidocs import api, views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)

"""The API's description: `GET /api/v1/openapi.json`."""


def register(app):
    """Wire the description's JSON endpoint into `app`."""
    from agora.apidocs import api

    app.register_blueprint(api.bp)

"""The admin audit log: logins, role changes, config applies, erasures; any feature records into it."""


def register(app):
    """Wire the audit log's page into `app`."""
    from agora.audit import models, views  # noqa: F401 - models join the metadata

    app.register_blueprint(views.bp)

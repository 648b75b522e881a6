"""Email: notifications and digests sent by job workers over SMTP, one-click unsubscribe, `flask mail test`."""


def register(app):
    """Wire the unsubscribe page, `flask mail`, the mail jobs and the new-notification reaction into `app`."""
    from agora.core.hooks import add_hook
    from agora.mail import cli, services, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.mail_cli)
    add_hook(app, "jobs.tasks", services.declare_tasks)
    add_hook(app, "jobs.periodic", services.declare_schedules)
    add_hook(app, "notifications.created", services.on_notification)

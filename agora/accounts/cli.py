"""`flask users ...`: create, deactivate, reactivate, token, set-password (import lives in profiles)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from agora.accounts import services
from agora.core.errors import DomainError
from agora.core.transactions import transaction

users_cli = AppGroup("users", help="Manage accounts.")


def _fail(error: DomainError) -> None:
    """Report a refused request as plain sentences and exit with status 1 (no traceback)."""
    lines = [error.message or _("The request was refused.")]
    for field, messages in error.field_errors.items():
        lines += [f"  {field}: {message}" for message in messages]
    raise click.ClickException("\n".join(lines))


def _user(email: str):
    try:
        return services.get_user_by_email(email)
    except DomainError as error:
        _fail(error)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--department", help="Department name (created if missing).")
@click.option("--title", help="Job title.")
@click.option("--manager", "manager_email", metavar="EMAIL", help="The manager's account email.")
@click.option("--password", help="Initial password; a strong one is generated and printed when omitted.")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
def create(email, name, department, title, manager_email, password, admin):
    """Create an account, optionally placed in the organisation."""
    manager = _user(manager_email) if manager_email else None
    generated = password is None
    if generated:
        password = services.generate_password()
    try:
        with transaction():  # the account, its place and the audit line, or nothing
            user = services.create_user(email, name, password, is_admin=admin)
            if department or title or manager is not None:
                from agora.profiles.services import assign_org
                org = {"manager": manager} if manager is not None else {}
                assign_org(user, title=title, department=department, **org)
            if admin:
                from agora.audit.services import record_audit
                record_audit("role_change", subject=user.email, detail="admin granted (flask users create --admin)")
    except DomainError as error:
        _fail(error)
    click.echo(_("Created %(email)s (handle %(handle)s).", email=user.email, handle=user.handle))
    if generated:
        click.echo(_("Password (shown once, give it to the person): %(password)s", password=password))


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Refuse logins and end every session and token; the person's content stays."""
    user = _user(email)
    services.deactivate(user)
    click.echo(_("Deactivated %(email)s: sessions and tokens ended, content kept.", email=user.email))


@users_cli.command("reactivate")
@click.argument("email")
def reactivate(email):
    """Allow a deactivated account to log in again (old tokens stay revoked)."""
    user = _user(email)
    services.reactivate(user)
    click.echo(_("Reactivated %(email)s.", email=user.email))


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="A name to recognise the token by.")
def token(email, name):
    """Create a personal API token and print it (shown once)."""
    user = _user(email)
    if not user.active:
        raise click.ClickException(_("%(email)s is deactivated.", email=user.email))
    try:
        _token, secret = services.create_token(user, name)
    except DomainError as error:
        _fail(error)
    click.echo(secret)


@users_cli.command("set-password")
@click.argument("email")
def set_password(email):
    """Set a new password (typed twice, hidden); the person's sessions end."""
    user = _user(email)
    password = click.prompt(_("New password"), hide_input=True, confirmation_prompt=True)
    try:
        services.set_password(user, password)
    except DomainError as error:
        _fail(error)
    click.echo(_("Password changed for %(email)s; their sessions have ended.", email=user.email))

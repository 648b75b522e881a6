"""`flask content erase`: permanent removal for legal cases, recorded in the ledger and the audit log."""
from __future__ import annotations

import click
from flask_babel import gettext as _

from agora.core.errors import DomainError


@click.command("erase")
@click.argument("content_id", type=int)
@click.option("--reason", required=True, help="Why (a legal case reference): recorded in the ledger and audit log.")
@click.option("--comment", "is_comment", is_flag=True, help="ID is a comment's, not a post's.")
def erase(content_id, reason, is_comment):
    """Permanently erase a post's or comment's text and files; a tombstone keeps the thread."""
    from agora.moderation.actions import erase as erase_content

    kind = "comment" if is_comment else "post"
    try:
        line = erase_content(kind, content_id, reason)
    except DomainError as error:
        lines = [error.message or _("The request was refused.")]
        lines += [f"  {field}: {message}" for field, messages in error.field_errors.items() for message in messages]
        raise click.ClickException("\n".join(lines)) from None
    click.echo(_("Erased %(kind)s %(id)s; ledger line %(line)s.", kind=kind, id=content_id, line=line.id))

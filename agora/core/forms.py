"""Forms every feature shares: the bare button form, and a service's DomainError placed next to its fields."""
from __future__ import annotations

from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from agora.core.errors import DomainError


class ButtonForm(FlaskForm):
    """A form with no field, for buttons (join, react, delete, revoke...): its CSRF token only."""


def place_errors(form, error: DomainError, fields: dict[str, str] | None = None, fallback: str | None = None) -> None:
    """Show `error.field_errors` on the matching fields (`fields` renames them); otherwise on `fallback` or as a flash."""
    fields = fields or {}
    placed = False
    for name, messages in error.field_errors.items():
        field = getattr(form, fields.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
            placed = True
    if placed:
        return
    message = error.message or _("Please correct the errors below.")
    if fallback is not None:
        target = getattr(form, fallback)
        target.errors = list(target.errors) + [message]
    else:
        flash(message, "error")

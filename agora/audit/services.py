"""Recording into the admin audit log and reading it: logins, failed logins, role changes, config applies, erasures."""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from agora.audit.models import AuditEntry
from agora.core.pagination import Page, keyset
from agora.core.policy import require
from agora.core.transactions import transactional
from agora.extensions import db

PAGE_SIZE = 50
EVENTS = {
    "login": _l("Login"),
    "login_failed": _l("Failed login"),
    "role_change": _l("Role change"),
    "config_apply": _l("Config applied"),
    "erase": _l("Erasure"),
}


@transactional
def record_audit(event: str, *, actor=None, subject: str = "", detail: str = "") -> AuditEntry:
    """Append an entry to the audit log (with the client's address when there is a request)."""
    ip = (request.remote_addr or "")[:45] if has_request_context() else ""
    entry = AuditEntry(event=event[:40], actor_id=getattr(actor, "id", actor), subject=(subject or "")[:200],
                       detail=detail or "", ip=ip)
    db.session.add(entry)
    return entry


def audit_page(user, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page:
    """The audit log, newest first, for admins."""
    require(user, "audit.view")
    limit = max(1, min(int(limit or PAGE_SIZE), 200))
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor))
    return keyset(stmt, (AuditEntry.created_at, AuditEntry.id), cursor, limit, (datetime, int))

"""The audit log's page, for admins."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from agora.audit import services

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@login_required
def log():
    page = services.audit_page(current_user, request.args.get("cursor"))
    return render_template("audit/log.html", page=page, events=services.EVENTS)

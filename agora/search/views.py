"""The search page."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from agora.search import services

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def search():
    page = services.search(current_user, request.args.get("q"), doc_type=request.args.get("type"),
                           page=request.args.get("page", type=int), order=request.args.get("order"))
    status = 503 if page.unavailable else 200
    return render_template("search/results.html", page=page), status

"""The feed's small JSON endpoint polled by walls.js for "N new posts"."""
from flask import Blueprint, request
from flask_login import current_user, login_required

from agora.feed.services import count_newer

bp = Blueprint("feed", __name__)


@bp.get("/feed/new-count")
@login_required
def new_count():
    return {"count": count_newer(current_user, request.args.get("since", ""))}

"""Follow and unfollow buttons (POST forms)."""
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agora.core.errors import NotFound
from agora.core.forms import ButtonForm
from agora.core.redirects import next_path
from agora.follows import services

bp = Blueprint("follows", __name__)
TYPES = {"people": "person", "spaces": "space", "tags": "hashtag"}


def _page(target_type: str, target) -> str:
    if target_type == "person":
        return url_for("profiles.show", handle=target.handle)
    if target_type == "space":
        return url_for("walls.space", slug=target.slug)
    return url_for("walls.tag", slug=target.slug)


@bp.post("/follows/<kind>/<key>")
@login_required
def follow(kind, key):
    if kind not in TYPES:
        raise NotFound()
    if not ButtonForm().validate_on_submit():
        return redirect(next_path(url_for("site.home")))
    if request.form.get("action") == "unfollow":
        target = services.unfollow(current_user, TYPES[kind], key)
        flash(_("You no longer follow this."), "success")
    else:
        target = services.follow(current_user, TYPES[kind], key)
        flash(_("You follow this now: it will appear in your feed."), "success")
    return redirect(next_path(_page(TYPES[kind], target)))

"""Home, `/healthz` and the language switch."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from agora.accounts.services import set_language
from agora.core.redirects import same_site_path

bp = Blueprint("site", __name__)


@bp.get("/")
@login_required
def home():
    """The reader's home feed."""
    from agora.feed.services import home_feed
    from agora.walls.forms import PostForm

    feed = home_feed(current_user, request.args.get("cursor") or None, since=request.args.get("since") or None)
    return render_template("feed/home.html", feed=feed, form=PostForm())


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.post("/language")
def language():
    """Remember the reader's language: on the account when logged in, else in a cookie."""
    code = request.form.get("language", "")
    offered = current_app.config["AGORA"]["site"]["languages"]
    response = redirect(same_site_path(request.form.get("next")) or same_site_path(request.referrer)
                        or url_for("site.home"))
    if code in offered:
        if current_user.is_authenticated:
            set_language(current_user, code)
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


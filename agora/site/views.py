"""Home, `/healthz` and the language switch."""
from flask import Blueprint, current_app, redirect, request, url_for
from flask_login import current_user, login_required

from agora.accounts.services import set_language

bp = Blueprint("site", __name__)


@bp.get("/")
@login_required
def home():
    # The home feed replaces this once walls exist.
    return redirect(url_for("profiles.directory"))


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.post("/language")
def language():
    """Remember the reader's language: on the account when logged in, else in a cookie."""
    code = request.form.get("language", "")
    offered = current_app.config["AGORA"]["site"]["languages"]
    target = request.form.get("next") or request.referrer or url_for("site.home")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("site.home")
    response = redirect(target)
    if code in offered:
        if current_user.is_authenticated:
            set_language(current_user, code)
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response

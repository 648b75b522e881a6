"""Login, logout and account settings pages."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from agora.accounts import services
from agora.accounts.forms import LoginForm
from agora.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["AGORA"]["limits"]["login"]


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("site.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            services.start_session(user)
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong email or password."))
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" or not form.errors else 400


@bp.post("/logout")
def logout():
    services.end_session()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.get("/settings")
@login_required
def settings():
    return render_template("accounts/settings.html")

"""Login, logout, self-registration and account settings pages."""
from babel import Locale
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from agora.accounts import services
from agora.accounts.forms import LanguageForm, LoginForm, PasswordForm, RegisterForm, TokenForm
from agora.core.errors import Conflict, ValidationError
from agora.core.forms import ButtonForm, place_errors
from agora.core.policy import require
from agora.core.redirects import next_path
from agora.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["AGORA"]["limits"]["login"]


def _status(form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        from agora.audit.services import record_audit
        if user is not None:
            services.log_in(user)
            login_user(user)
            return redirect(next_path(url_for("site.home")))
        record_audit("login_failed", subject=(form.email.data or "").strip().lower())
        # One message whatever went wrong, so the form does not reveal who has an account.
        form.password.errors.append(_("Wrong email or password."))
    return render_template("accounts/login.html", form=form,
                           registration_open=services.registration_open()), _status(form)


@bp.post("/logout")
def logout():
    services.end_session()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():
    if not services.registration_open():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(form.email.data, form.name.data, form.password.data)
        except (ValidationError, Conflict) as error:
            place_errors(form, error)
        else:
            services.start_session(user)
            login_user(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            return redirect(url_for("site.home"))
    domains = ", ".join("@" + d for d in services.allowed_domains())
    return render_template("accounts/register.html", form=form, domains=domains), _status(form)


# --- Settings -------------------------------------------------------------------------------

def _language_choices() -> list[tuple[str, str]]:
    return [(code, Locale.parse(code).get_display_name(code).capitalize())
            for code in current_app.config["AGORA"]["site"]["languages"]]


def _settings_page(status: int = 200, new_token: str | None = None, **forms):
    """The settings page; `forms` replaces the blank form of the section that was submitted."""
    language_form = forms.get("language_form") or LanguageForm(formdata=None, language=current_user.language
                                                                or str(current_app.config["AGORA"]["site"]
                                                                       ["default_language"]))
    language_form.language.choices = _language_choices()
    page = dict(
        language_form=language_form,
        password_form=forms.get("password_form") or PasswordForm(formdata=None),
        token_form=forms.get("token_form") or TokenForm(formdata=None),
        action_form=ButtonForm(formdata=None),
        sessions=services.list_sessions(current_user),
        current_session_id=services.current_session_id(),
        tokens=services.list_tokens(current_user),
        new_token=new_token,
    )
    return render_template("accounts/settings.html", **page), status


@bp.get("/settings")
@login_required
def settings():
    return _settings_page()


@bp.post("/settings/language")
@login_required
def change_language():
    form = LanguageForm()
    form.language.choices = _language_choices()
    if form.validate():
        try:
            services.set_language(current_user, form.language.data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            flash(_("Your language is saved."), "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(400, language_form=form)


@bp.post("/settings/password")
@login_required
def change_password():
    form = PasswordForm()
    if form.validate():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except ValidationError as error:
            place_errors(form, error, {"password": "new_password"})
        else:
            flash(_("Your password is changed. Your other sessions have been logged out."), "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(400, password_form=form)


@bp.post("/settings/sessions/end-others")
@login_required
def end_other_sessions():
    ended = services.end_other_sessions(current_user)
    flash(_("%(count)s other session(s) logged out.", count=ended), "success")
    return redirect(url_for("accounts.settings"))


@bp.post("/settings/tokens")
@login_required
def create_token():
    require(current_user, "tokens.manage", current_user)
    form = TokenForm()
    if form.validate():
        try:
            _token, secret = services.create_token(current_user, form.name.data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            # Shown in this response only: never stored in clear nor put in the (signed, readable) cookie.
            flash(_("Token created. Copy it now: it will not be shown again."), "success")
            return _settings_page(new_token=secret)
    return _settings_page(400, token_form=form)


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    services.revoke_token(current_user, token_id)
    flash(_("Token revoked."), "success")
    return redirect(url_for("accounts.settings"))

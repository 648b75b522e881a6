"""Notification pages: the list, read marks and preferences. Every form works without JavaScript."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from agora.core.forms import ButtonForm
from agora.core.redirects import next_path, same_site_path
from agora.notifications import services
from agora.notifications.forms import email_form, preferences_form
from agora.notifications.phrases import describe

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _bell():
    # A function, so only pages that draw the bell pay for the (request-cached) count.
    return {"notifications_unread": lambda: services.unread_count(current_user)}


@bp.get("/notifications")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    page = services.list_notifications(current_user, cursor=request.args.get("cursor") or None,
                                       unread_only=unread_only)
    return render_template("notifications/index.html", page=page, describe=describe, unread_only=unread_only,
                           unread=services.unread_count(current_user))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    notification = services.mark_read(current_user, notification_id)
    # Stored URLs come from our services, but a redirect target is checked anyway.
    target = same_site_path(notification.url)
    if request.args.get("go") == "1" and target:
        return redirect(target)
    return redirect(next_path(url_for("notifications.index")))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    changed = services.mark_all_read(current_user)
    if changed:
        flash(ngettext("%(num)d notification marked as read.", "%(num)d notifications marked as read.", changed),
              "success")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    current = services.get_preferences(current_user)
    form = preferences_form(services.KINDS, current)
    if form.validate_on_submit():
        services.set_preferences(current_user, {kind: bool(form[kind].data) for kind in services.KINDS})
        flash(_("Your notification preferences are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    status = 400 if request.method == "POST" else 200
    return render_template("notifications/preferences.html", form=form, kinds=services.KINDS), status


@bp.route("/notifications/email", methods=["GET", "POST"])
@login_required
def email():
    settings = services.email_settings(current_user.id)
    emailable = {kind: services.KINDS[kind] for kind in services.EMAIL_DEFAULTS}
    current = {"kinds": {kind: services.email_mode(current_user.id, kind) for kind in emailable},
               "digest_frequency": settings.digest_frequency, "digest_hour": settings.digest_hour,
               "timezone": settings.timezone, "skip_if_visited": settings.skip_if_visited}
    form = email_form(emailable, current)
    if form.validate_on_submit():
        services.save_email_settings(current_user, {kind: form[f"email_{kind}"].data for kind in emailable},
                                     frequency=form.digest_frequency.data, hour=form.digest_hour.data,
                                     timezone=form.timezone.data, skip_if_visited=form.skip_if_visited.data)
        flash(_("Your email settings are saved."), "success")
        return redirect(url_for("notifications.email"))
    status = 400 if request.method == "POST" else 200
    return render_template("notifications/email.html", form=form, kinds=emailable, settings=settings,
                           confirm_form=ButtonForm(), mail_enabled=current_app.config["AGORA"]["mail"]["enabled"],
                           ), status


@bp.post("/notifications/email/confirm")
@login_required
def confirm_email():
    form = ButtonForm()
    if form.validate_on_submit():
        services.confirm_address(current_user)
        flash(_("Thank you: emails to %(email)s resume.", email=current_user.email), "success")
    return redirect(url_for("notifications.email"))

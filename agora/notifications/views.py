"""Notification pages: the list, read marks and preferences. Every form works without JavaScript."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from agora.core.redirects import next_path, same_site_path
from agora.notifications import services
from agora.notifications.forms import preferences_form

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _bell():
    # A function, so only pages that draw the bell pay for the (request-cached) count.
    return {"notifications_unread": lambda: services.unread_count(current_user)}


def describe(notification) -> str:
    """"Ana mentioned you", "Ana and 2 others reacted to your post", in the reader's language."""
    name = notification.actor.name if notification.actor is not None else _("Someone")
    others = notification.others
    kind, on_comment = notification.kind, notification.target_type == "comment"
    if kind == "reaction" and on_comment:
        if others:
            return ngettext("%(name)s and %(num)d other reacted to your comment",
                            "%(name)s and %(num)d others reacted to your comment", others, name=name)
        return _("%(name)s reacted to your comment", name=name)
    if kind == "reaction":
        if others:
            return ngettext("%(name)s and %(num)d other reacted to your post",
                            "%(name)s and %(num)d others reacted to your post", others, name=name)
        return _("%(name)s reacted to your post", name=name)
    if kind == "mention":
        if others:
            return ngettext("%(name)s and %(num)d other mentioned you",
                            "%(name)s and %(num)d others mentioned you", others, name=name)
        return _("%(name)s mentioned you", name=name)
    if kind == "comment":
        if others:
            return ngettext("%(name)s and %(num)d other commented on your post",
                            "%(name)s and %(num)d others commented on your post", others, name=name)
        return _("%(name)s commented on your post", name=name)
    if kind == "reply":
        if others:
            return ngettext("%(name)s and %(num)d other replied to your comment",
                            "%(name)s and %(num)d others replied to your comment", others, name=name)
        return _("%(name)s replied to your comment", name=name)
    if kind == "wall_post":
        if others:
            return ngettext("%(name)s and %(num)d other posted on your wall",
                            "%(name)s and %(num)d others posted on your wall", others, name=name)
        return _("%(name)s posted on your wall", name=name)
    phrases = {
        "space_request": _("%(name)s asks to join a space you moderate", name=name),
        "space_approved": _("%(name)s approved your request to join a space", name=name),
        "space_refused": _("%(name)s declined your request to join a space", name=name),
        "space_invite": _("%(name)s invites you to a space", name=name),
        "space_removed": _("%(name)s removed you from a space", name=name),
        "moderation": _("A moderator acted on your content; see the decision and its reason"),
        "report_outcome": _("A report you made was handled"),
        "appeal_assigned": _("%(name)s appealed a moderation decision; you are asked to decide", name=name),
        "appeal_outcome": _("Your appeal was decided; see the outcome and its reason"),
    }
    if kind in phrases:
        return phrases[kind]
    return _("%(name)s: %(kind)s", name=name, kind=services.KINDS.get(kind, kind))


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

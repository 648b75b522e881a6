"""The unsubscribe link of every email (a page with a button, and RFC 8058's one-click POST); the digest preview."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agora.extensions import csrf
from agora.mail import services
from agora.notifications.services import KINDS

bp = Blueprint("mail", __name__)


# CSRF-exempt for one reason: a mail client's one-click POST (RFC 8058) comes without cookies or a form
# token. The signed token in the URL alone names the person and the list, and it can only unsubscribe.
@csrf.exempt
@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    done = request.method == "POST"
    _user, list_name = services.unsubscribe(token) if done else services.unsubscribe_target(token)
    what = _("the digest") if list_name == "digest" else str(KINDS[list_name])
    return render_template("mail/unsubscribe.html", done=done, what=what, token=token)


@bp.get("/notifications/email/digest")
@login_required
def digest_preview():
    from agora.mail import compose, digest

    return render_template("mail/digest_preview.html", digest=digest.build(current_user), link=compose.site_url)

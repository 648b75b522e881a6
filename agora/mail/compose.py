"""Building a message: both parts from templates in the recipient's language, sanitised HTML, list headers."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from flask import current_app, render_template
from flask_babel import force_locale

from agora.core.sanitiser import clean_html
from agora.mail import tokens

# What an email's HTML may hold: text, emphasis, lists and links. No images (the intranet may be offline and
# a remote image tells the sender who opened what), no styles, no forms.
EMAIL_CONTENT = {
    "allowed_tags": ["a", "b", "blockquote", "br", "em", "h1", "h2", "h3", "hr", "i", "li", "ol", "p", "strong",
                     "ul", "small"],
    "allowed_attributes": {"a": ["href", "title"]},
}


def site_url(path: str) -> str:
    """An absolute link to `path` on this site, from `site.base_url`."""
    return current_app.config["AGORA"]["site"]["base_url"].rstrip("/") + "/" + path.lstrip("/")


def language_of(user) -> str:
    """The recipient's language: their choice, else the site's default."""
    site = current_app.config["AGORA"]["site"]
    return user.language if user.language in site["languages"] else site["default_language"]


def build(user, list_name: str, template: str, **context) -> EmailMessage:
    """The message of `templates/mail/<template>.txt|.html` for `user`, unsubscribable from `list_name`."""
    cfg = current_app.config["AGORA"]
    language = language_of(user)
    unsubscribe = site_url(f"/email/unsubscribe/{tokens.make(user.id, list_name)}")
    context = dict(context, user=user, site_name=cfg["site"]["name"], unsubscribe_url=unsubscribe,
                   settings_url=site_url("/notifications/email"), language=language)
    with force_locale(language):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        body = clean_html(render_template(f"mail/{template}.html", **context), EMAIL_CONTENT)
    html = (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8"><title></title></head>'
            f"<body>{body}</body></html>\n")
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = cfg["mail"]["sender"]
    message["To"] = formataddr((user.name, user.email))
    if cfg["mail"]["reply_to"]:
        message["Reply-To"] = cfg["mail"]["reply_to"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=parseaddr(cfg["mail"]["sender"])[1].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    # RFC 2369 and RFC 8058: mail clients offer "unsubscribe" and POST to the link without cookies.
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable keeps every line under SMTP's 998-character limit whatever the content.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    message["Content-Language"] = language  # after the parts: set_content drops Content-* headers
    return message

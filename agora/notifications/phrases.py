"""What a notification says, in the reader's language: for the list and for emails."""
from flask_babel import gettext as _
from flask_babel import ngettext

from agora.notifications.services import KINDS


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
        "question_routed": _("%(name)s asks a question you may know the answer to", name=name),
        "question_reminder": _("A question sent to you is close to its promised time"),
        "question_missed": _("Your question missed its promised time: more colleagues are asked now"),
        "answer_accepted": _("%(name)s accepted your answer", name=name),
    }
    if kind in phrases:
        return phrases[kind]
    return _("%(name)s: %(kind)s", name=name, kind=KINDS.get(kind, kind))

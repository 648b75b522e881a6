"""The permission policy: the one answer to "may this user see or do this?".

Pages, the feed, search, notifications and the API all ask `can()` (or the
`require()` shortcut); no other module decides access. Rules take duck-typed
objects so the policy imports no feature. The role x action table in
README.md ("Who may do what") mirrors `RULES` and a test keeps them in step.
"""
from __future__ import annotations

from typing import Callable

from flask import current_app

from agora.core.errors import Forbidden, NotFound


def _cfg() -> dict:
    return current_app.config["AGORA"]


def is_signed_in(user) -> bool:
    """An authenticated, active account."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "active", False))


def is_admin(user) -> bool:
    """Admins come from the config file or the CLI flag on the account."""
    if not is_signed_in(user):
        return False
    return bool(user.is_admin or user.email in _cfg()["admins"]["emails"])


def is_hr(user) -> bool:
    """HR people are named in the config by email or by department."""
    if not is_signed_in(user):
        return False
    hr = _cfg()["hr"]
    return user.email in hr["emails"] or (
        bool(hr["departments"]) and getattr(user, "department_name", None) in hr["departments"]
    )


def roles(user) -> set[str]:
    """The roles this user holds everywhere (space roles are per space)."""
    if not is_signed_in(user):
        return set()
    found = {"employee"}
    if is_hr(user):
        found.add("hr")
    if is_admin(user):
        found.add("admin")
    return found


def _signed_in(user, target=None) -> bool:
    return is_signed_in(user)


def _owner(user, target) -> bool:
    return is_signed_in(user) and target is not None and target.id == user.id


def _hr_or_admin(user, target=None) -> bool:
    return is_hr(user) or is_admin(user)


def _admin(user, target=None) -> bool:
    return is_admin(user)


def _view_contact(user, person) -> bool:
    # A deactivated colleague's contact details are no longer theirs to publish.
    return is_signed_in(user) and (person.active or _hr_or_admin(user))


# --- profiles and media -------------------------------------------------------
def _view_media(user, media) -> bool:
    # Photos are public to colleagues; other files belong to features (posts, ...) that say who may see them
    # through "media.guard" hooks: True allows, False refuses outright, None abstains.
    if not is_signed_in(user) or media is None:
        return False
    if media.kind == "photo":
        return True
    from agora.core.hooks import hooks

    verdicts = [guard(user, media) for guard in hooks("media.guard")]
    return False not in verdicts and True in verdicts


# --- notifications -------------------------------------------------------------
def _notification_owner(user, notification) -> bool:
    # Only the recipient may read or mark a notification; others get 404 from the service.
    return is_signed_in(user) and notification is not None and notification.recipient_id == user.id


# --- walls: spaces (minimal), posts, comments, reactions (issue 3) ---------------
def _space_view(user, space) -> bool:
    # Open spaces are read by every colleague; other spaces only by members, whom the spaces
    # feature knows: "space.member" hooks answer fn(user, space) -> bool.
    if not is_signed_in(user) or space is None:
        return False
    if space.visibility == "open":
        return True
    from agora.core.hooks import hooks

    return any(check(user, space) for check in hooks("space.member"))


def _post_view(user, post) -> bool:
    # A post is as readable as its wall: person walls are open to colleagues, space walls ask the space.
    if not is_signed_in(user) or post is None or post.deleted_at is not None:
        return False
    return post.space_id is None or _space_view(user, post.space)


def _post_on_person_wall(user, person) -> bool:
    return is_signed_in(user) and person is not None and person.active


def _post_author(user, post) -> bool:
    # Edit and delete: the author only; moderators hide (spaces work), they never rewrite.
    return _post_view(user, post) and post.author_id == user.id


def _comment_create(user, post) -> bool:
    return _post_view(user, post) and not post.comments_locked


def _comment_view(user, comment) -> bool:
    return comment is not None and _post_view(user, comment.post)


def _comment_author(user, comment) -> bool:
    return _comment_view(user, comment) and comment.deleted_at is None and comment.author_id == user.id


def _comment_react(user, comment) -> bool:
    return _comment_view(user, comment) and comment.deleted_at is None


# action -> rule(user, target). Readers who fail a "view" rule get 404, others 403.
RULES: dict[str, Callable] = {
    "directory.view": _signed_in,
    "profile.view": _signed_in,
    "profile.view_contact": _view_contact,
    "profile.edit_personal": _owner,    # bio, photo, skills, languages, ask-me-about, location, phone
    "profile.edit_org": _hr_or_admin,   # title, department, manager
    "media.view": _view_media,          # photos: any colleague; other kinds: "media.guard" hooks
    "notification.read": _notification_owner,  # see it, open it, mark it read: the recipient only
    # walls (issue 3)
    "space.view": _space_view,                      # open: every colleague; else "space.member" hooks
    "post.view": _post_view,
    "post.create_on_person_wall": _post_on_person_wall,  # target: the wall's owner
    "post.create_on_space": _space_view,            # target: the space
    "post.edit": _post_author,
    "post.delete": _post_author,
    "post.react": _post_view,
    "post.share": _post_view,
    "comment.create": _comment_create,              # target: the post
    "comment.view": _comment_view,
    "comment.edit": _comment_author,
    "comment.delete": _comment_author,
    "comment.react": _comment_react,
    "tokens.manage": _owner,
    "admin.access": _admin,
}


def can(user, action: str, target=None) -> bool:
    """True when `user` may do `action` on `target`."""
    try:
        rule = RULES[action]
    except KeyError:
        raise LookupError(f"no policy rule for {action!r}") from None
    return bool(rule(user, target))


def require(user, action: str, target=None) -> None:
    """Raise unless allowed: NotFound for "view" actions (existence must not leak), else Forbidden."""
    if can(user, action, target):
        return
    if action.endswith(".view") or ".view_" in action:
        raise NotFound()
    raise Forbidden()

"""The permission policy: the one answer to "may this user see or do this?".

Pages, the feed, search, notifications and the API all ask `can()` (or the
`require()` shortcut); no other module decides access. Rules take duck-typed
objects so the policy imports no feature. The role x action table in
README.md ("Who may do what") mirrors `RULES` and a test keeps them in step.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, has_app_context
from sqlalchemy import event

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


# --- spaces ----------------------------------------------------------------------
@dataclass(frozen=True)
class SpaceAccess:
    """Which spaces a user reads and moderates, as data: `can()` checks it, SQL and search filters translate it."""

    every: bool = False                 # admins and HR who moderate every space read them all
    moderates_every: bool = False       # HR with moderates = ["*"], and admins
    member_ids: frozenset = frozenset()     # spaces the user belongs to (moderators included)
    moderator_ids: frozenset = frozenset()  # spaces the user moderates (space role or HR by slug)
    suspended_ids: frozenset = frozenset()  # spaces where a running suspension bars writing

    def reads(self, space) -> bool:
        return self.every or space.visibility == "open" or space.id in self.member_ids or space.id in self.moderator_ids

    def moderates(self, space_id) -> bool:
        return self.moderates_every or space_id in self.moderator_ids

    @property
    def readable_ids(self) -> frozenset:
        """Non-open spaces this user reads (open ones are read by every colleague)."""
        return self.member_ids | self.moderator_ids


NO_ACCESS = SpaceAccess()


def space_access(user) -> SpaceAccess:
    """This user's SpaceAccess, computed once per request from the "space.roles" hook (the spaces feature)."""
    if not is_signed_in(user):
        return NO_ACCESS
    cache = g.setdefault("agora_space_access", {})
    if user.id not in cache:
        hr_slugs = _cfg()["hr"]["moderates"] if is_hr(user) else []
        admin = is_admin(user)
        every = admin or "*" in hr_slugs
        from agora.core.hooks import hooks

        member, moderator, suspended = set(), set(), set()
        for roles_of in hooks("space.roles"):
            found = roles_of(user, [] if every else hr_slugs)
            member |= found.get("member", set())
            moderator |= found.get("moderator", set())
            suspended |= found.get("suspended", set())
        cache[user.id] = SpaceAccess(every=every, moderates_every=every, member_ids=frozenset(member),
                                     moderator_ids=frozenset(moderator), suspended_ids=frozenset(suspended))
    return cache[user.id]


def forget_space_access() -> None:
    """Drop this request's cached SpaceAccess (done by itself when a model it depends on is written)."""
    if has_app_context():
        g.pop("agora_space_access", None)


_ACCESS_MODELS: set[type] = set()


def space_access_depends_on(*models: type) -> None:
    """Forget cached SpaceAccess whenever the session adds or writes one of `models` (or rolls back).

    The feature that computes "space.roles" names its tables here (memberships, suspensions), so a
    change is seen by the next `can()` of the same request without anyone calling forget_space_access.
    """
    from flask_sqlalchemy.session import Session

    _ACCESS_MODELS.update(models)
    if not event.contains(Session, "after_flush", _forget_after_flush):
        event.listen(Session, "transient_to_pending", _forget_when_added)
        event.listen(Session, "after_flush", _forget_after_flush)
        event.listen(Session, "do_orm_execute", _forget_after_bulk_write)
        # What was seen after a flush that is now undone must not outlive it.
        event.listen(Session, "after_rollback", lambda session: forget_space_access())


def _forget_when_added(session, obj) -> None:
    if isinstance(obj, tuple(_ACCESS_MODELS)):
        forget_space_access()


def _forget_after_flush(session, flush_context) -> None:
    if any(isinstance(obj, tuple(_ACCESS_MODELS)) for obj in (*session.new, *session.dirty, *session.deleted)):
        forget_space_access()


def _forget_after_bulk_write(state) -> None:
    # delete(Membership).where(...) and update(...) skip the flush: they are seen here.
    if (state.is_update or state.is_delete or state.is_insert) and any(
            mapper.class_ in _ACCESS_MODELS for mapper in state.all_mappers):
        forget_space_access()


def _space_see(user, space) -> bool:
    # Open and closed spaces are known to every colleague; secret ones only to those who read them.
    if not is_signed_in(user) or space is None:
        return False
    return space.visibility != "secret" or space_access(user).reads(space)


def _space_view(user, space) -> bool:
    return is_signed_in(user) and space is not None and space_access(user).reads(space)


def _is_member(user, space) -> bool:
    return is_signed_in(user) and space is not None and space.id in space_access(user).member_ids


def _space_join(user, space) -> bool:
    return space is not None and space.visibility == "open" and is_signed_in(user) and not _is_member(user, space)


def _space_request(user, space) -> bool:
    return space is not None and space.visibility == "closed" and is_signed_in(user) and not _is_member(user, space)


def _space_moderate(user, space) -> bool:
    return is_signed_in(user) and space is not None and space_access(user).moderates(space.id)


def _space_invite(user, space) -> bool:
    # Members bring colleagues into open and closed spaces; secret spaces grow only through their moderators.
    if _space_moderate(user, space):
        return True
    return _is_member(user, space) and space.visibility != "secret"


def _space_create(user, target=None) -> bool:
    return is_admin(user) or (is_signed_in(user) and bool(_cfg()["space_creation"]["enabled"]))


def _space_write(user, space) -> bool:
    # Writing needs reading, and no running suspension in that space.
    return _space_view(user, space) and space.id not in space_access(user).suspended_ids


# --- walls: posts, comments, reactions -------------------------------------------
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


def _post_edit(user, post) -> bool:
    # Hidden (or erased) content stays as moderation found it: the author appeals rather than rewrites.
    return _post_author(user, post) and post.hidden_at is None


def _question_accept(user, post) -> bool:
    # Accepting answers: the asker, and whoever moderates the post (the space's moderators, HR, admins).
    return _post_view(user, post) and (post.author_id == user.id or _post_moderate(user, post))


def _question_pass(user, question) -> bool:
    # Only someone the question is routed to (and not yet passed) can say "not for me".
    return is_signed_in(user) and question is not None and _post_view(user, question.post) \
        and question.is_routed_to(user.id)


def _post_moderate(user, post) -> bool:
    # Space posts: that space's moderators, HR assigned to it, admins. Person walls: HR and admins.
    if not _post_view(user, post):
        return False
    if post.space_id is None:
        return _hr_or_admin(user)
    return space_access(user).moderates(post.space_id)


def _post_view_hidden(user, post) -> bool:
    # The author and moderators still see what moderation hid; everyone else sees the notice.
    return _post_view(user, post) and (post.author_id == user.id or _post_moderate(user, post))


def _post_report(user, post) -> bool:
    return _post_view(user, post) and post.author_id != user.id


def _comment_create(user, post) -> bool:
    if not _post_view(user, post) or post.comments_locked:
        return False
    return post.space_id is None or post.space_id not in space_access(user).suspended_ids


def _comment_view(user, comment) -> bool:
    return comment is not None and _post_view(user, comment.post)


COMMENT_ACTIONS = ("view_hidden", "edit", "delete", "react", "report", "moderate")


def _comment_actions(user, comment, view: bool, moderate: bool) -> frozenset[str]:
    """The `comment.*` actions `user` may do on `comment`, given whether they read and moderate its post."""
    if not (view or moderate):
        return frozenset()  # (before reading user.id: the anonymous visitor has none)
    own = comment.author_id == user.id
    allowed = {"moderate"} if moderate else set()
    if view:
        if own or moderate:
            allowed.add("view_hidden")  # the author and moderators still see what moderation hid
        if comment.deleted_at is None:
            allowed.update(("react", "delete" if own else "report"))
            if own and comment.hidden_at is None:
                allowed.add("edit")
    return frozenset(allowed)


def _comment_rule(action: str):
    def rule(user, comment) -> bool:
        if comment is None:
            return False
        post = comment.post
        return action in _comment_actions(user, comment, _post_view(user, post), _post_moderate(user, post))
    return rule


def comment_rights(user, post, comments) -> dict[int, frozenset[str]]:
    """For each comment of `post`: the `comment.*` actions `user` may do, the post's part asked once.

    A post page asks six questions of each of its comments, and each starts by asking whether the
    post is readable and who moderates it: the same answer fifty times.
    """
    view, moderate = _post_view(user, post), _post_moderate(user, post)
    return {c.id: _comment_actions(user, c, view, moderate) for c in comments}


# --- moderation -------------------------------------------------------------------
def _moderation_queue(user, target=None) -> bool:
    # Anyone who moderates something has a review queue.
    if not is_signed_in(user):
        return False
    access = space_access(user)
    return access.moderates_every or bool(access.moderator_ids) or is_hr(user)


def _ledger_view(user, action) -> bool:
    # A ledger line is as readable as the space it belongs to; person-wall lines are read by every colleague.
    if not is_signed_in(user) or action is None:
        return False
    if getattr(action, "to_space_id", None) is not None and _space_view(user, action.to_space):
        return True  # a move shows in the ledgers of both spaces
    return action.space_id is None or _space_view(user, action.space)


def _appeal(user, action) -> bool:
    # Only the person the action concerned may appeal (once: the service enforces the single appeal).
    return _ledger_view(user, action) and action.subject_user_id == user.id


def _decide_appeal(user, appeal) -> bool:
    # Anyone who moderates that content except the moderator who acted.
    if not is_signed_in(user) or appeal is None:
        return False
    action = appeal.action
    if user.id in (action.actor_id, appeal.author_id):
        return False  # nobody judges their own decision, or their own appeal
    if action.space_id is None:
        return _hr_or_admin(user)
    return space_access(user).moderates(action.space_id)


# action -> rule(user, target). Readers who fail a "view" rule get 404, others 403.
RULES: dict[str, Callable] = {
    "directory.view": _signed_in,
    "profile.view": _signed_in,
    "profile.view_contact": _view_contact,
    "profile.edit_personal": _owner,    # bio, photo, skills, languages, ask-me-about, location, phone
    "profile.edit_org": _hr_or_admin,   # title, department, manager
    "media.view": _view_media,          # photos: any colleague; other kinds: "media.guard" hooks
    "notification.read": _notification_owner,  # see it, open it, mark it read: the recipient only
    # spaces
    "space.see": _space_see,                        # know it exists: open and closed to all, secret to readers
    "space.view": _space_view,                      # read its wall, members and ledger
    "space.join": _space_join,                      # open spaces, non-members
    "space.request_join": _space_request,           # closed spaces, non-members
    "space.leave": _is_member,
    "space.invite": _space_invite,                  # moderators; members too, except in secret spaces
    "space.moderate": _space_moderate,              # approve, remove, suspend, edit; HR and admins too
    "space.create": _space_create,                  # admins; everyone when [space_creation] enabled
    "space.name_experts": _space_moderate,          # name the experts questions in the space reach
    # walls
    "post.view": _post_view,
    "post.view_hidden": _post_view_hidden,          # the author and moderators see hidden content
    "post.create_on_person_wall": _post_on_person_wall,  # target: the wall's owner
    "post.create_on_space": _space_write,           # target: the space; not while suspended there
    "post.edit": _post_edit,                        # not while hidden: the author appeals instead
    "post.delete": _post_author,
    "post.react": _post_view,
    "post.share": _post_view,
    "post.report": _post_report,                    # readers other than the author
    "post.moderate": _post_moderate,                # hide, restore, lock, pin, move, warn, suspend
    "question.accept": _question_accept,            # target: the question's post; accept or withdraw answers
    "question.pass": _question_pass,                # target: a question; the experts it is routed to
    "comment.create": _comment_create,              # target: the post
    "comment.view": _comment_view,
    **{f"comment.{action}": _comment_rule(action) for action in COMMENT_ACTIONS},
    # moderation
    "moderation.queue": _moderation_queue,          # the review queue: moderators, HR, admins
    "moderation.ledger_view": _ledger_view,         # target: a ledger line; as readable as its space
    "moderation.appeal": _appeal,                   # target: a ledger line; the person it concerned
    "moderation.decide_appeal": _decide_appeal,     # target: an appeal; a moderator other than the actor
    "audit.view": _admin,
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

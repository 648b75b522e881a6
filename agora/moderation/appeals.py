"""Appeals: the person an action concerned asks, once, for someone other than its moderator to review it."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from agora.accounts.models import User
from agora.core.errors import Conflict, NotFound, ValidationError
from agora.core.policy import require
from agora.core.time import utcnow
from agora.core.transactions import transactional
from agora.extensions import db
from agora.moderation.actions import APPEALABLE, move_post, set_hidden
from agora.moderation.models import Appeal, ModerationAction
from agora.moderation.services import action_url, clean_text, detail_of, load_content, record, require_line
from agora.notifications.services import notify
from agora.profiles.models import Department, Profile
from agora.spaces.models import Membership, Space, Suspension

TEXT_LENGTH = 4000


def _active(stmt):
    return stmt.where(User.active.is_(True)).order_by(User.id)


def _hr_people() -> list[User]:
    hr = current_app.config["AGORA"]["hr"]
    found: dict[int, User] = {}
    if hr["emails"]:
        found.update({u.id: u for u in db.session.scalars(_active(select(User).where(User.email.in_(hr["emails"]))))})
    if hr["departments"]:
        found.update({u.id: u for u in db.session.scalars(_active(
            select(User).join(Profile, Profile.user_id == User.id).join(Department, Department.id == Profile.department_id)
            .where(Department.name.in_(hr["departments"]))))})
    return sorted(found.values(), key=lambda u: u.id)


def choose_decider(action: ModerationAction, author_id: int) -> int | None:
    """Who decides an appeal: another moderator of the space, else HR moderating it, else an admin; never the actor.

    Deterministic (lowest account id at each step), so the same appeal always goes to the same person.
    """
    excluded = {action.actor_id, author_id}
    if action.space_id is not None:
        for user_id in db.session.scalars(_active(
                select(User.id).join(Membership, Membership.user_id == User.id)
                .where(Membership.space_id == action.space_id, Membership.role == "moderator"))):
            if user_id not in excluded:
                return user_id
    cfg = current_app.config["AGORA"]
    slug = None
    if action.space_id is not None:
        slug = db.session.scalar(select(Space.slug).where(Space.id == action.space_id))
    if action.space_id is None or "*" in cfg["hr"]["moderates"] or slug in cfg["hr"]["moderates"]:
        for person in _hr_people():
            if person.id not in excluded:
                return person.id
    admins = select(User.id).where((User.is_admin.is_(True)) | (User.email.in_(cfg["admins"]["emails"] or [""])))
    for user_id in db.session.scalars(_active(admins)):
        if user_id not in excluded:
            return user_id
    return None


def get_action(action_id) -> ModerationAction:
    try:
        action_id = int(action_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    action = db.session.scalar(select(ModerationAction).where(ModerationAction.id == action_id)
                               .options(selectinload(ModerationAction.space)))
    if action is None:
        raise NotFound()
    return action


def can_appeal(user, action: ModerationAction, appeal: Appeal | None) -> bool:
    """Whether the appeal form should be offered."""
    from agora.core.policy import can

    return action.action in APPEALABLE and appeal is None and can(user, "moderation.appeal", action)


@transactional
def file_appeal(user, action_id, text) -> Appeal:
    """Appeal an action that concerned `user`, once; the chosen decider is told."""
    action = get_action(action_id)
    require_line(user, action)
    require(user, "moderation.appeal", action)
    if action.action not in APPEALABLE:
        message = _("This decision cannot be appealed.")
        raise ValidationError(message, {"action": [message]})
    text = clean_text(text, "text", required=True, limit=TEXT_LENGTH,
                      message=_("Explain why the decision should change."))
    if db.session.scalar(select(Appeal.id).where(Appeal.action_id == action.id)) is not None:
        message = _("You have already appealed this decision.")
        raise Conflict(message, {"text": [message]})
    appeal = Appeal(action_id=action.id, author_id=user.id, text=text,
                    assigned_to_id=choose_decider(action, user.id))
    db.session.add(appeal)
    try:
        db.session.flush()
    except IntegrityError:
        message = _("You have already appealed this decision.")
        raise Conflict(message, {"text": [message]}) from None
    if appeal.assigned_to_id is not None:
        notify(appeal.assigned_to_id, "appeal_assigned", actor_id=user.id, target_type="appeal",
               target_id=appeal.id, url=action_url(action.id), excerpt=text)
    return appeal


def get_appeal(appeal_id) -> Appeal:
    try:
        appeal_id = int(appeal_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    appeal = db.session.scalar(select(Appeal).where(Appeal.id == appeal_id).options(
        selectinload(Appeal.action).selectinload(ModerationAction.space)))
    if appeal is None:
        raise NotFound()
    return appeal


def _undo(action: ModerationAction) -> None:
    """Reverse what an appealed action did, where it still holds."""
    content = load_content(action.target_type, action.target_id)
    detail = detail_of(action)
    if action.action == "hide" and content is not None and content.hidden_at is not None:
        set_hidden(content, False)
    elif action.action == "lock" and content is not None:
        content.comments_locked = False
    elif action.action == "move" and content is not None and content.space_id == action.to_space_id \
            and action.space_id is not None:
        move_post(content, action.space_id)
    elif action.action == "suspend" and detail.get("suspension_id"):
        suspension = db.session.get(Suspension, detail["suspension_id"])
        if suspension is not None and suspension.lifted_at is None:
            suspension.lifted_at = utcnow()


@transactional
def decide(user, appeal_id, grant, reason) -> ModerationAction:
    """Grant (undo the action) or refuse an appeal, with a reason; the ledger and the author learn the outcome."""
    appeal = get_appeal(appeal_id)
    require_line(user, appeal.action)
    require(user, "moderation.decide_appeal", appeal)
    if not isinstance(grant, bool):
        message = _("Grant or refuse the appeal.")
        raise ValidationError(message, {"decision": [message]})
    reason = clean_text(reason, "reason", required=True,
                        message=_("Give the reason: the author and the ledger's readers will see it."))
    if appeal.status != "pending":
        message = _("This appeal has been decided already.")
        raise Conflict(message, {"decision": [message]})
    action = appeal.action
    if grant:
        _undo(action)
    appeal.status = "granted" if grant else "refused"
    appeal.decided_by_id, appeal.decided_at, appeal.decision_reason = user.id, utcnow(), reason
    line = record("appeal_granted" if grant else "appeal_refused", actor_id=user.id,
                  target_type=action.target_type, target_id=action.target_id,
                  subject_user_id=action.subject_user_id, space_id=action.space_id, rule=action.rule,
                  reason=reason, appeal_of_id=action.id)
    notify(appeal.author_id, "appeal_outcome", actor_id=user.id, target_type="moderation", target_id=line.id,
           url=action_url(action.id), excerpt=reason)
    return line

"""Membership flows: join, leave, requests, invitations, removals and moderators; each is one transaction."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from agora.accounts.models import User
from agora.core.errors import Conflict, Forbidden, NotFound, ValidationError
from agora.core.policy import can, require
from agora.core.time import utcnow
from agora.core.transactions import transactional
from agora.extensions import db
from agora.profiles.models import Department, Profile
from agora.spaces.models import JoinRequest, Membership, Space, SpaceOptOut

MESSAGE_LENGTH = 1000


# Links are built by hand: services also run from the CLI and the API, outside any page request.
def _notify(recipient_id: int, kind: str, *, actor_id: int | None, target_type: str, target_id: int,
            url: str, excerpt: str = "") -> None:
    from agora.notifications.services import notify

    notify(recipient_id, kind, actor_id=actor_id, target_type=target_type, target_id=target_id, url=url,
           excerpt=excerpt)


def membership_of(space: Space, user) -> Membership | None:
    """`user`'s membership of `space`, if any."""
    return db.session.scalar(select(Membership).where(Membership.space_id == space.id,
                                                      Membership.user_id == user.id))


def _pending(space: Space, user) -> JoinRequest | None:
    return db.session.scalar(select(JoinRequest).where(JoinRequest.space_id == space.id,
                                                       JoinRequest.user_id == user.id,
                                                       JoinRequest.status == "pending"))


def _add_member(space: Space, user, source: str = "manual") -> Membership:
    # Joining again by choice cancels an earlier opt-out from the department's automatic membership.
    db.session.execute(delete(SpaceOptOut).where(SpaceOptOut.space_id == space.id, SpaceOptOut.user_id == user.id))
    membership = Membership(space_id=space.id, user_id=user.id, role="member", source=source)
    db.session.add(membership)
    return membership


def _end_membership(space: Space, membership: Membership, reason: str) -> None:
    # Department spaces remember who left or was removed, so the next sync does not bring them back.
    if space.department_id is not None and db.session.scalar(select(SpaceOptOut.id).where(
            SpaceOptOut.space_id == space.id, SpaceOptOut.user_id == membership.user_id)) is None:
        db.session.add(SpaceOptOut(space_id=space.id, user_id=membership.user_id, reason=reason))
    db.session.delete(membership)


def moderator_ids(space: Space) -> set[int]:
    """Who hears about requests to join `space`: its moderators and the HR people who moderate it."""
    ids = set(db.session.scalars(select(Membership.user_id).where(Membership.space_id == space.id,
                                                                  Membership.role == "moderator")))
    hr = current_app.config["AGORA"]["hr"]
    if "*" in hr["moderates"] or space.slug in hr["moderates"]:
        named = [User.email.in_(hr["emails"])] if hr["emails"] else []
        if hr["departments"]:
            named.append(User.id.in_(select(Profile.user_id).join(Department, Department.id == Profile.department_id)
                                     .where(Department.name.in_(hr["departments"]))))
        if named:
            ids |= set(db.session.scalars(select(User.id).where(User.active.is_(True), or_(*named))))
    return ids


def _message(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MESSAGE_LENGTH:
        raise ValidationError(_("At most %(n)s characters.", n=MESSAGE_LENGTH),
                              {"message": [_("At most %(n)s characters.", n=MESSAGE_LENGTH)]})
    if "\x00" in text:
        raise ValidationError(_("Contains a NUL character."), {"message": [_("Contains a NUL character.")]})
    return text


# --- the person's own moves --------------------------------------------------------------------------
@transactional
def join(user, space: Space) -> Membership:
    """Join an open space at once (a pending invitation counts as accepted)."""
    if membership_of(space, user) is not None:
        raise Conflict(_("You are already a member of this space."))
    require(user, "space.join", space)
    pending = _pending(space, user)
    if pending is not None:
        pending.status, pending.decided_at = "approved", utcnow()
    membership = _add_member(space, user)
    return membership


@transactional
def leave(user, space: Space) -> None:
    """Leave a space; it takes effect at once on every page, feed and API."""
    membership = membership_of(space, user)
    if membership is None:
        raise Conflict(_("You are not a member of this space."))
    require(user, "space.leave", space)
    if membership.source == "config":
        raise Forbidden(_("The configuration file names you moderator of this space; ask an admin to change it."))
    _end_membership(space, membership, "left")


@transactional
def request_to_join(user, space: Space, message: str = "") -> JoinRequest:
    """Ask to join a closed space; its moderators are notified. A pending invitation is accepted instead."""
    message = _message(message)
    if membership_of(space, user) is not None:
        raise Conflict(_("You are already a member of this space."))
    require(user, "space.request_join", space)
    pending = _pending(space, user)
    if pending is not None and pending.kind == "invite":
        answer_invitation(user, pending.id, accept=True)
        return pending
    if pending is not None:
        raise Conflict(_("Your request to join this space is already waiting for a moderator."))
    request = JoinRequest(space_id=space.id, user_id=user.id, kind="request", message=message)
    db.session.add(request)
    db.session.flush()
    url = f"/spaces/{space.slug}/members#requests"
    for moderator_id in moderator_ids(space):
        _notify(moderator_id, "space_request", actor_id=user.id, target_type="space_request", target_id=request.id,
                url=url, excerpt=f"{space.name}: {message}" if message else space.name)
    return request


@transactional
def cancel_request(user, request_id: int) -> None:
    """Withdraw one's own pending request to join."""
    request = db.session.get(JoinRequest, request_id)
    if request is None or request.user_id != user.id or request.kind != "request":
        raise NotFound()
    if request.status != "pending":
        raise Conflict(_("This request has already been answered."))
    request.status, request.decided_at = "cancelled", utcnow()


@transactional
def answer_invitation(user, request_id: int, accept: bool) -> JoinRequest:
    """Accept or decline an invitation; the only way into a secret space."""
    invitation = db.session.get(JoinRequest, request_id)
    if invitation is None or invitation.user_id != user.id or invitation.kind != "invite":
        raise NotFound()
    if invitation.status != "pending":
        raise Conflict(_("This invitation has already been answered."))
    invitation.status, invitation.decided_at, invitation.decided_by_id = (
        "approved" if accept else "refused"), utcnow(), user.id
    if accept and membership_of(invitation.space, user) is None:
        _add_member(invitation.space, user)
    return invitation


# --- moderators and inviting members -----------------------------------------------------------------
def _request_in(space: Space, request_id: int) -> JoinRequest:
    request = db.session.get(JoinRequest, request_id)
    if request is None or request.space_id != space.id:
        raise NotFound()
    if request.status != "pending":
        raise Conflict(_("This request has already been answered."))
    return request


@transactional
def decide_request(actor, space: Space, request_id: int, approve: bool) -> JoinRequest:
    """A moderator approves or refuses a request to join (or withdraws an invitation); the person is told."""
    require(actor, "space.moderate", space)
    request = _request_in(space, request_id)
    request.decided_by_id, request.decided_at = actor.id, utcnow()
    if request.kind == "invite":
        if approve:
            raise Conflict(_("Only the person invited can accept an invitation."))
        request.status = "cancelled"
        return request
    request.status = "approved" if approve else "refused"
    if approve and membership_of(space, request.user) is None:
        _add_member(space, request.user)
    kind = "space_approved" if approve else "space_refused"
    _notify(request.user_id, kind, actor_id=actor.id, target_type="space_request", target_id=request.id,
            url=f"/spaces/{space.slug}" if approve else "/spaces", excerpt=space.name)
    return request


@transactional
def invite(actor, space: Space, person) -> JoinRequest | Membership:
    """Invite a colleague ("space.invite"); a pending request of theirs is approved when a moderator invites."""
    require(actor, "space.invite", space)
    if person is None or not person.active:
        raise ValidationError(_("No active colleague has this handle or email."),
                              {"person": [_("No active colleague has this handle or email.")]})
    if membership_of(space, person) is not None:
        raise Conflict(_("%(name)s is already a member.", name=person.name),
                       {"person": [_("%(name)s is already a member.", name=person.name)]})
    pending = _pending(space, person)
    if pending is not None and pending.kind == "request" and can(actor, "space.moderate", space):
        return decide_request(actor, space, pending.id, approve=True)
    if pending is not None:
        message = (_("%(name)s is already invited.", name=person.name) if pending.kind == "invite" else
                   _("%(name)s has asked to join: a moderator will answer.", name=person.name))
        raise Conflict(message, {"person": [message]})
    invitation = JoinRequest(space_id=space.id, user_id=person.id, kind="invite", invited_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    _notify(person.id, "space_invite", actor_id=actor.id, target_type="space_request", target_id=invitation.id,
            url="/spaces#invitations", excerpt=space.name)
    return invitation


@transactional
def remove_member(actor, space: Space, person) -> None:
    """A moderator removes someone from the space; they are told, and lose access at once."""
    require(actor, "space.moderate", space)
    membership = membership_of(space, person) if person is not None else None
    if membership is None:
        raise NotFound()
    if person.id == actor.id:
        raise Conflict(_("Use “Leave” to leave a space yourself."))
    if membership.source == "config":
        raise Forbidden(_("The configuration file names this moderator; an admin changes it there."))
    _end_membership(space, membership, "removed")
    _notify(person.id, "space_removed", actor_id=actor.id, target_type="space_removal", target_id=space.id,
            url="/spaces", excerpt=space.name)


@transactional
def set_moderator(actor, space: Space, person, moderator: bool) -> Membership:
    """A moderator names a member moderator, or takes the role back (not from those the config file names)."""
    require(actor, "space.moderate", space)
    membership = membership_of(space, person) if person is not None else None
    if membership is None:
        raise NotFound()
    if not moderator and membership.source == "config":
        raise Forbidden(_("The configuration file names this moderator; an admin changes it there."))
    membership.role = "moderator" if moderator else "member"
    return membership


def sync_department(space: Space) -> list[str]:
    """Make a department space's automatic members match the department's active people (opt-outs excepted)."""
    in_department = set()
    if space.department_id is not None:
        in_department = set(db.session.scalars(
            select(Profile.user_id).join(User, User.id == Profile.user_id)
            .where(Profile.department_id == space.department_id, User.active.is_(True))))
    members = dict(db.session.execute(select(Membership.user_id, Membership.source)
                                      .where(Membership.space_id == space.id)).all())
    opted_out = set(db.session.scalars(select(SpaceOptOut.user_id).where(SpaceOptOut.space_id == space.id)))
    joining = sorted(in_department - set(members) - opted_out)
    for user_id in joining:
        db.session.add(Membership(space_id=space.id, user_id=user_id, role="member", source="department"))
    leaving = sorted(uid for uid, source in members.items() if source == "department" and uid not in in_department)
    if leaving:
        db.session.execute(delete(Membership).where(Membership.space_id == space.id,
                                                    Membership.user_id.in_(leaving)))
    lines = []
    if joining:
        lines.append(f"space {space.slug}: {len(joining)} member(s) added from the department")
    if leaving:
        lines.append(f"space {space.slug}: {len(leaving)} member(s) no longer in the department")
    return lines

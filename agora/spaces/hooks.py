"""What spaces plug into other features: config apply and check, department moves, notifications."""
from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from agora.accounts.models import User
from agora.core.policy import can
from agora.extensions import db
from agora.profiles.models import Department
from agora.spaces.membership import sync_department
from agora.spaces.models import JoinRequest, Membership, Space, SpaceOptOut


# --- the config file's [[spaces]] --------------------------------------------------------------------
def apply_config(settings: dict) -> list[str]:
    """The "config.apply" hook: create or update the `[[spaces]]` (slug is the key); report only changes."""
    lines: list[str] = []
    defined = {entry["slug"]: entry for entry in settings["spaces"]}
    existing = {s.slug: s for s in db.session.scalars(
        select(Space).where(or_(Space.slug.in_(sorted(defined)), Space.from_config.is_(True))))}
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    for slug, entry in defined.items():
        space = existing.get(slug)
        department_name = entry.get("department") or ""
        department = departments.get(department_name) if department_name else None
        if department_name and department is None:
            lines.append(f"space {slug}: no department is named '{department_name}' yet; "
                         "its members join when it exists and the config is applied again")
        wanted = {"name": entry["name"], "description": entry.get("description") or "",
                  "visibility": entry.get("visibility") or "open", "from_config": True,
                  "department_id": department.id if department else None}
        if space is None:
            space = Space(slug=slug, **wanted)
            db.session.add(space)
            db.session.flush()
            lines.append(f"space {slug} created")
        else:
            changed = sorted(k for k, v in wanted.items() if getattr(space, k) != v)
            if changed:
                for key in changed:
                    setattr(space, key, wanted[key])
                lines.append(f"space {slug} updated: {', '.join(changed)}")
        lines += _apply_moderators(space, entry.get("moderators") or [])
        lines += sync_department(space)
    for slug, space in existing.items():
        if slug not in defined and space.from_config:
            # Content is never deleted by a config edit: the space stays, now managed from the UI.
            space.from_config = False
            for membership in db.session.scalars(select(Membership).where(Membership.space_id == space.id,
                                                                          Membership.source == "config")):
                membership.source = "manual"
            lines.append(f"space {slug} is no longer in the file: kept, now managed by its moderators")
    db.session.flush()
    return lines


def _apply_moderators(space: Space, emails: list[str]) -> list[str]:
    lines = []
    people = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))} if emails else {}
    memberships = {m.user_id: m for m in db.session.scalars(select(Membership).where(Membership.space_id == space.id))}
    named = set()
    for email in emails:
        person = people.get(email)
        if person is None or not person.active:
            continue  # `config check` reports unknown people; they are named when their account exists
        named.add(person.id)
        membership = memberships.get(person.id)
        if membership is None:
            db.session.add(Membership(space_id=space.id, user_id=person.id, role="moderator", source="config"))
            db.session.execute(delete(SpaceOptOut).where(SpaceOptOut.space_id == space.id,
                                                         SpaceOptOut.user_id == person.id))
            lines.append(f"space {space.slug}: {email} named moderator")
        elif (membership.role, membership.source) != ("moderator", "config"):
            membership.role, membership.source = "moderator", "config"
            lines.append(f"space {space.slug}: {email} named moderator")
    for user_id, membership in memberships.items():
        if membership.source == "config" and user_id not in named:
            person = db.session.get(User, user_id)
            in_department = (space.department_id is not None and person.profile is not None
                             and person.profile.department_id == space.department_id)
            membership.role, membership.source = "member", "department" if in_department else "manual"
            lines.append(f"space {space.slug}: {person.email} is no longer moderator")
    db.session.flush()
    return lines


def check_config(settings: dict) -> list:
    """The "config.check" hook: space slugs in `hr.moderates` that name no space."""
    from agora.config import Problem

    known = {entry["slug"] for entry in settings["spaces"]} | set(db.session.scalars(select(Space.slug)))
    return [Problem(f"hr.moderates[{i}]", f"no space has the slug '{slug}'.")
            for i, slug in enumerate(settings["hr"]["moderates"]) if slug != "*" and slug not in known]


def profile_changed(person) -> None:
    """The "profile.changed" hook: someone who moves department joins its spaces and leaves the old ones'."""
    profile = person.profile
    if profile is None or person.id is None:
        return
    department = profile.department
    department_id = department.id if department is not None else profile.department_id
    conditions = [Membership.user_id == person.id, Membership.source == "department"]
    if department_id is not None:
        conditions.append(or_(Space.department_id.is_(None), Space.department_id != department_id))
    stale = select(Membership.id).join(Space, Space.id == Membership.space_id).where(*conditions)
    db.session.execute(delete(Membership).where(Membership.id.in_(stale)).execution_options(synchronize_session=False))
    if department_id is not None and person.active:
        spaces = db.session.scalars(
            select(Space.id).where(Space.department_id == department_id,
                                   Space.id.not_in(select(Membership.space_id).where(Membership.user_id == person.id)),
                                   Space.id.not_in(select(SpaceOptOut.space_id).where(SpaceOptOut.user_id == person.id))))
        for space_id in list(spaces):
            db.session.add(Membership(space_id=space_id, user_id=person.id, role="member", source="department"))


# --- notifications -----------------------------------------------------------------------------------
def notifications_visible(user, items) -> set[tuple[str, int]]:
    """Which space notifications `user` may still see: their own requests and invitations, requests they moderate."""
    visible: set[tuple[str, int]] = set()
    request_ids = {i for t, i in items if t == "space_request"}
    if request_ids:
        rows = db.session.scalars(select(JoinRequest).where(JoinRequest.id.in_(request_ids))
                                  .options(selectinload(JoinRequest.space)))
        for request in rows:
            if request.user_id == user.id or can(user, "space.moderate", request.space):
                visible.add(("space_request", request.id))
    # Only the removed person ever receives these, and they knew the space.
    visible |= {(t, i) for t, i in items if t == "space_removal"}
    return visible

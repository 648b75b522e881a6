"""Space services: finding spaces and saying, in SQL, which ones a reader may read."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from agora.core.errors import Conflict, NotFound, ValidationError
from agora.core.policy import can, space_access
from agora.core.time import utcnow
from agora.extensions import db
from agora.spaces.models import Membership, Space, Suspension

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
VISIBILITIES = ("open", "closed", "secret")


def member_space_ids(user) -> Select:
    """Ids of the spaces `user` belongs to."""
    return select(Membership.space_id).where(Membership.user_id == user.id)


def space_roles(user, hr_slugs: list[str]) -> dict[str, set[int]]:
    """The "space.roles" hook: ids of the spaces `user` is member, moderator of, or suspended in."""
    member, moderator = set(), set()
    for space_id, role in db.session.execute(
            select(Membership.space_id, Membership.role).where(Membership.user_id == user.id)):
        member.add(space_id)
        if role == "moderator":
            moderator.add(space_id)
    if hr_slugs:
        moderator |= set(db.session.scalars(select(Space.id).where(Space.slug.in_(hr_slugs))))
    suspended = set(db.session.scalars(select(Suspension.space_id).where(
        Suspension.user_id == user.id, Suspension.until > utcnow(), Suspension.lifted_at.is_(None))))
    return {"member": member, "moderator": moderator, "suspended": suspended}


def readable_space_ids(user) -> Select:
    """Ids of the spaces `user` may read: the SQL form of the policy's "space.view" (from its SpaceAccess)."""
    access = space_access(user)
    if access.every:
        return select(Space.id)
    if not access.readable_ids:
        return select(Space.id).where(Space.visibility == "open")
    return select(Space.id).where(or_(Space.visibility == "open", Space.id.in_(sorted(access.readable_ids))))


def get_space(user, slug: str) -> Space:
    """The space `slug` if `user` may read it, else NotFound."""
    space = db.session.scalar(select(Space).where(Space.slug == slug))
    if space is None or not can(user, "space.view", space):
        raise NotFound()
    return space


def list_spaces(user) -> list[Space]:
    """Spaces `user` may read, by name."""
    return list(db.session.scalars(select(Space).where(Space.id.in_(readable_space_ids(user)))
                                   .order_by(Space.name, Space.id)))


def create_space(slug: str, name: str, description: str = "", visibility: str = "open",
                 commit: bool = True) -> Space:
    """Create a space (config, CLI and demo; the UI comes with the spaces work)."""
    slug, name = (slug or "").strip(), (name or "").strip()
    if not SLUG_RE.match(slug):
        raise ValidationError(_("Not a valid space address."), {"slug": [_("Lowercase letters, digits and hyphens.")]})
    if not name:
        raise ValidationError(_("A name is required."), {"name": [_("A name is required.")]})
    if visibility not in VISIBILITIES:
        raise ValidationError(_("Unknown visibility."), {"visibility": [_("Unknown visibility.")]})
    if db.session.scalar(select(Space.id).where(Space.slug == slug)) is not None:
        raise Conflict(_("This space address is taken."), {"slug": [_("This space address is taken.")]})
    space = Space(slug=slug, name=name[:120], description=description or "", visibility=visibility)
    db.session.add(space)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return space

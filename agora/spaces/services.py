"""Space services: finding spaces, saying in SQL which ones a reader may see or read, creating and editing them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, func, literal, or_, select, union_all
from sqlalchemy.orm import selectinload

from agora.core.errors import Conflict, NotFound, ValidationError
from agora.core.policy import can, require, space_access
from agora.core.time import utcnow
from agora.core.transactions import transactional
from agora.extensions import db
from agora.spaces.models import JoinRequest, Membership, Space, Suspension

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
VISIBILITIES = ("open", "closed", "secret")
NAME_LENGTH = 120
DESCRIPTION_LENGTH = 2000
# Addresses under /spaces/ that pages of this feature use.
RESERVED_SLUGS = {"new", "invitations"}


def member_space_ids(user) -> Select:
    """Ids of the spaces `user` belongs to."""
    return select(Membership.space_id).where(Membership.user_id == user.id)


def space_roles(user, hr_slugs: list[str]) -> dict[str, set[int]]:
    """The "space.roles" hook: ids of the spaces `user` is member, moderator of, or suspended in."""
    # One round trip for every page a signed-in person opens: memberships, HR's spaces and suspensions.
    parts = [select(Membership.space_id, Membership.role).where(Membership.user_id == user.id),
             select(Suspension.space_id, literal("suspended")).where(
                 Suspension.user_id == user.id, Suspension.until > utcnow(), Suspension.lifted_at.is_(None))]
    if hr_slugs:
        parts.append(select(Space.id, literal("hr")).where(Space.slug.in_(hr_slugs)))
    member, moderator, suspended = set(), set(), set()
    for space_id, role in db.session.execute(union_all(*parts)):
        if role == "suspended":
            suspended.add(space_id)
            continue
        if role != "hr":
            member.add(space_id)
        if role in ("moderator", "hr"):
            moderator.add(space_id)
    return {"member": member, "moderator": moderator, "suspended": suspended}


def readable_space_ids(user) -> Select:
    """Ids of the spaces `user` may read: the SQL form of the policy's "space.view" (from its SpaceAccess)."""
    form, ids = readable_space_form(user)
    return readable_space_sql(form, sorted(ids))


def readable_space_sql(form: str, ids) -> Select:
    """`readable_space_ids` for a `readable_space_form`; `ids` may be a bind parameter (cached statements)."""
    return space_ids_sql(form, ids, Space.visibility == "open")


def seeable_space_ids(user) -> Select:
    """Ids of the spaces `user` may know of: the SQL form of the policy's "space.see"."""
    form, ids = readable_space_form(user)
    return space_ids_sql(form, sorted(ids), Space.visibility != "secret")


def readable_space_form(user) -> tuple[str, frozenset]:
    """How `user`'s readable spaces are written: "every" space, the "open" ones, or open plus these "ids"."""
    # Spaces every colleague gets by visibility, plus those this reader's SpaceAccess adds.
    access = space_access(user)
    if access.every:
        return "every", frozenset()
    return ("ids", access.readable_ids) if access.readable_ids else ("open", frozenset())


def space_ids_sql(form: str, ids, for_everyone) -> Select:
    """The space ids of a `readable_space_form`; `ids` may be an expanding bind parameter (cached statements)."""
    if form == "every":
        return select(Space.id)
    if form == "open":
        return select(Space.id).where(for_everyone)
    return select(Space.id).where(or_(for_everyone, Space.id.in_(ids)))


def find_space(slug: str) -> Space | None:
    """The space `slug`, whoever asks (callers check the policy)."""
    return db.session.scalar(select(Space).where(Space.slug == (slug or "")))


def get_space(user, slug: str) -> Space:
    """The space `slug` if `user` may read it, else NotFound."""
    space = find_space(slug)
    if space is None or not can(user, "space.view", space):
        raise NotFound()
    return space


def get_seeable_space(user, slug: str) -> Space:
    """The space `slug` if `user` may know it exists (closed spaces to non-members), else NotFound."""
    space = find_space(slug)
    if space is None or not can(user, "space.see", space):
        raise NotFound()
    return space


def list_spaces(user) -> list[Space]:
    """Spaces `user` may read, by name."""
    return list(db.session.scalars(select(Space).where(Space.id.in_(readable_space_ids(user)))
                                   .order_by(Space.name, Space.id)))


# --- the spaces directory and a space's page ---------------------------------------------------------
@dataclass
class SpaceEntry:
    """A space as a reader sees it in lists: their relation to it and its size."""

    space: Space
    member: bool = False
    moderator: bool = False
    requested_id: int | None = None  # the reader's request to join, awaiting a moderator
    invited_id: int | None = None    # the reader's pending invitation
    member_count: int = 0


def directory(user) -> list[SpaceEntry]:
    """Spaces `user` may see, theirs first, then the others by name; three queries whatever their number."""
    access = space_access(user)
    spaces = list(db.session.scalars(select(Space).where(Space.id.in_(seeable_space_ids(user)))
                                     .order_by(Space.name, Space.id)))
    counts = member_counts([s.id for s in spaces])
    pending = {space_id: (request_id, kind) for request_id, space_id, kind in db.session.execute(
        select(JoinRequest.id, JoinRequest.space_id, JoinRequest.kind)
        .where(JoinRequest.user_id == user.id, JoinRequest.status == "pending"))}
    entries = []
    for space in spaces:
        request_id, kind = pending.get(space.id, (None, None))
        entries.append(SpaceEntry(
            space, member=space.id in access.member_ids, moderator=access.moderates(space.id),
            requested_id=request_id if kind == "request" else None,
            invited_id=request_id if kind == "invite" else None,
            member_count=counts.get(space.id, 0)))
    entries.sort(key=lambda e: not e.member)  # stable: names stay in order within each group
    return entries


def entry_for(user, space: Space) -> SpaceEntry:
    """One space's entry for `user` (its page): membership, pending request or invitation, size; one query."""
    access = space_access(user)
    pending = select(JoinRequest.id).where(JoinRequest.user_id == user.id, JoinRequest.space_id == space.id,
                                           JoinRequest.status == "pending").order_by(JoinRequest.id).limit(1)
    count = select(func.count()).select_from(Membership).where(Membership.space_id == space.id).scalar_subquery()
    row = db.session.execute(select(count, pending.scalar_subquery(),
                                    pending.with_only_columns(JoinRequest.kind).scalar_subquery())).one()
    members, request_id, kind = row
    return SpaceEntry(space, member=space.id in access.member_ids, moderator=access.moderates(space.id),
                      requested_id=request_id if kind == "request" else None,
                      invited_id=request_id if kind == "invite" else None, member_count=members or 0)


def member_counts(space_ids: list[int]) -> dict[int, int]:
    """How many members each space has, in one query."""
    if not space_ids:
        return {}
    return dict(db.session.execute(select(Membership.space_id, func.count()).where(Membership.space_id.in_(space_ids))
                                   .group_by(Membership.space_id)).all())


def pending_invitations(user) -> list[JoinRequest]:
    """Invitations awaiting `user`'s answer, secret spaces included (the invitation is how they learn of them)."""
    return list(db.session.scalars(
        select(JoinRequest).where(JoinRequest.user_id == user.id, JoinRequest.kind == "invite",
                                  JoinRequest.status == "pending")
        .options(selectinload(JoinRequest.space), selectinload(JoinRequest.invited_by))
        .order_by(JoinRequest.created_at.desc(), JoinRequest.id.desc())))


def moderators_of(space: Space) -> list:
    """The space's moderators (its own, not HR or admins), by name."""
    from agora.accounts.models import User

    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.space_id == space.id, Membership.role == "moderator")
        .order_by(User.sort_name, User.id)))


@dataclass
class Roster:
    """A space's members page: members (moderators first) and, for moderators, pending requests and invitations."""

    memberships: list[Membership]
    requests: list[JoinRequest] = field(default_factory=list)
    invitations: list[JoinRequest] = field(default_factory=list)


def roster(user, space: Space) -> Roster:
    """Members of `space` for a reader of it; requests and invitations too for its moderators."""
    from agora.accounts.models import User
    from agora.profiles.models import Profile

    require(user, "space.view", space)
    memberships = list(db.session.scalars(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.space_id == space.id, User.active.is_(True))
        .options(selectinload(Membership.user).selectinload(User.profile).selectinload(Profile.department))
        .order_by(Membership.role.desc(), User.sort_name, User.id)))
    result = Roster(memberships)
    if can(user, "space.moderate", space):
        waiting = list(db.session.scalars(
            select(JoinRequest).where(JoinRequest.space_id == space.id, JoinRequest.status == "pending")
            .options(selectinload(JoinRequest.user), selectinload(JoinRequest.invited_by))
            .order_by(JoinRequest.created_at, JoinRequest.id)))
        result.requests = [r for r in waiting if r.kind == "request"]
        result.invitations = [r for r in waiting if r.kind == "invite"]
    return result


# --- creating and editing ------------------------------------------------------------------------------
def _clean(slug: str | None, name: str | None, description: str | None, visibility: str | None,
           check_slug: bool = True) -> tuple[str, str, str, str]:
    slug, name = (slug or "").strip().lower(), " ".join((name or "").split())
    description, visibility = (description or "").strip(), (visibility or "").strip()
    errors: dict[str, list[str]] = {}
    if check_slug and (not SLUG_RE.match(slug) or slug in RESERVED_SLUGS):
        errors["slug"] = [_("Lowercase letters, digits and hyphens, starting with a letter or digit (at most 63).")]
    if not name:
        errors["name"] = [_("A name is required.")]
    elif len(name) > NAME_LENGTH:
        errors["name"] = [_("At most %(n)s characters.", n=NAME_LENGTH)]
    if len(description) > DESCRIPTION_LENGTH:
        errors["description"] = [_("At most %(n)s characters.", n=DESCRIPTION_LENGTH)]
    if "\x00" in name + description:
        errors.setdefault("description", []).append(_("Contains a NUL character."))
    if visibility not in VISIBILITIES:
        errors["visibility"] = [_("Choose open, closed or secret.")]
    if errors:
        raise ValidationError(_("The space could not be saved."), errors)
    return slug, name, description, visibility


@transactional
def create_space(slug: str, name: str, description: str = "", visibility: str = "open") -> Space:
    """Create a space (config, CLI and demo; people use `create_space_for`)."""
    slug, name, description, visibility = _clean(slug, name, description, visibility)
    if db.session.scalar(select(Space.id).where(Space.slug == slug)) is not None:
        raise Conflict(_("This space address is taken."), {"slug": [_("This space address is taken.")]})
    space = Space(slug=slug, name=name, description=description, visibility=visibility)
    db.session.add(space)
    db.session.flush()
    return space


@transactional
def create_space_for(actor, *, slug: str, name: str, description: str = "", visibility: str = "open") -> Space:
    """A colleague creates a space from the UI (policy "space.create"); they become its moderator."""
    require(actor, "space.create")
    space = create_space(slug, name, description, visibility)
    space.created_by_id = actor.id
    db.session.add(Membership(space_id=space.id, user_id=actor.id, role="moderator", source="manual"))
    return space


@transactional
def update_space(actor, space: Space, *, name: str, description: str, visibility: str) -> Space:
    """Moderators edit a space's name, description and visibility; the config file owns those of its spaces."""
    require(actor, "space.moderate", space)
    _slug, name, description, visibility = _clean(space.slug, name, description, visibility, check_slug=False)
    if space.from_config and (name, description, visibility) != (space.name, space.description, space.visibility):
        message = _("This space is defined in the configuration file: its name, description and visibility "
                    "change there (ask an admin).")
        raise ValidationError(message, {"name": [message]})
    space.name, space.description, space.visibility = name, description, visibility
    return space

"""Profile services: org assignments, personal details, skills, photos, the org chart and the directory."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, false, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from agora.accounts.models import User
from agora.accounts.services import normalise_email
from agora.core.errors import NotFound, ValidationError
from agora.core.folding import fold, slugify
from agora.core.hooks import hooks
from agora.core.pagination import Page, keyset
from agora.core.policy import require
from agora.core.sanitiser import render_markdown
from agora.core.transactions import transactional
from agora.extensions import db
from agora.media.services import delete_media, store_image
from agora.profiles.models import Department, Profile, Skill, profile_skills


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


# Passed for `manager` to leave it as it is; None means "no manager".
UNCHANGED = _Unchanged()
MAX_CHAIN = 30          # deeper than any real company; stops runaway walks on bad data
MAX_SKILLS = 30
SKILL_LENGTH = 60
PHOTO_PX = 512


def _notify_changed(person: User) -> None:
    # Search indexing and others react inside the same transaction (e.g. an outbox row).
    for hook in hooks("profile.changed"):
        hook(person)


# --- org ------------------------------------------------------------------------------------------

def get_department(name: str) -> Department:
    """The department called `name`, created if missing."""
    name = re.sub(r"\s+", " ", name).strip()[:120]
    slug = slugify(name)[:120] or "department"
    dept = db.session.scalar(select(Department).where(or_(Department.name == name, Department.slug == slug)))
    if dept is None:
        dept = Department(name=name, slug=slug)
        db.session.add(dept)
        db.session.flush()
    return dept


def _chain(user_id: int, limit: int):
    # (uid, depth) of each manager above `user_id`, nearest first; the depth bounds a cycle in the data.
    start = (select(Profile.manager_id.label("uid"), literal(1).label("depth"))
             .where(Profile.user_id == user_id, Profile.manager_id.is_not(None))
             .cte("chain", recursive=True))
    up = aliased(Profile)
    return start.union_all(
        select(up.manager_id, start.c.depth + 1)
        .where(up.user_id == start.c.uid, up.manager_id.is_not(None), start.c.depth < limit)
    )


def _until_repeat(pairs) -> list:
    # A cycle already in the data: stop at the first repeat.
    seen, out = set(), []
    for key, value in pairs:
        if key in seen:
            break
        seen.add(key)
        out.append(value)
    return out


def manager_chain_ids(user_id: int, limit: int = MAX_CHAIN) -> list[int]:
    """Ids of `user_id`'s managers, nearest first, in one recursive query."""
    chain = _chain(user_id, limit)
    rows = db.session.execute(select(chain.c.uid, chain.c.depth).order_by(chain.c.depth)).all()
    return _until_repeat((uid, uid) for uid, _depth in rows)


@transactional
def assign_org(person: User, *, title: str | None = None, department: str | None = None,
               manager=UNCHANGED) -> None:
    """Set title, department (by name, created if missing) and manager; None/UNCHANGED leave a field alone."""
    profile = person.profile
    errors: dict[str, list[str]] = {}
    if title is not None:
        title = title.strip()
        if len(title) > 120:
            errors["title"] = [_("At most %(n)s characters.", n=120)]
    if department is not None and len(department.strip()) > 120:
        errors["department"] = [_("At most %(n)s characters.", n=120)]
    if manager is not UNCHANGED and manager is not None:
        if manager.id == person.id:
            errors["manager"] = [_("A person cannot be their own manager.")]
        elif person.id is not None and person.id in manager_chain_ids(manager.id):
            errors["manager"] = [_("%(name)s reports to %(person)s already: this would make a loop.",
                                   name=manager.name, person=person.name)]
    if errors:
        raise ValidationError(_("The organisation details are not valid."), errors)
    if title is not None:
        profile.title = title
    if department is not None:
        profile.department = get_department(department) if department.strip() else None
    if manager is not UNCHANGED:
        profile.manager_id = manager.id if manager is not None else None
    _notify_changed(person)
    db.session.flush()


def find_person(handle_or_email: str) -> User | None:
    """The account with this handle (with or without @) or email, or None."""
    value = (handle_or_email or "").strip()
    if not value:
        return None
    if "@" in value.lstrip("@"):
        return db.session.scalar(select(User).where(User.email == normalise_email(value)))
    return db.session.scalar(select(User).where(User.handle == value.lstrip("@").lower()))


@transactional
def update_org(actor, person: User, *, title: str, department: str, manager_handle_or_email: str) -> None:
    """HR and admins set someone's title, department and manager (blank manager: none)."""
    require(actor, "profile.edit_org", person)
    manager = None
    if (manager_handle_or_email or "").strip():
        manager = find_person(manager_handle_or_email)
        if manager is None:
            raise ValidationError(_("Unknown manager."),
                                  {"manager": [_("No one has this handle or email.")]})
    assign_org(person, title=title or "", department=department or "", manager=manager)


# --- personal details -----------------------------------------------------------------------------

def get_skills(names: list[str]) -> list[Skill]:
    """The skills with these names, created if missing; "Réseaux" and "reseaux" are one skill."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = re.sub(r"\s+", " ", raw or "").strip()[:SKILL_LENGTH].strip()
        slug = slugify(name)[:SKILL_LENGTH]
        if slug and slug not in wanted:
            wanted[slug] = name
    if not wanted:
        return []
    found = {s.slug: s for s in db.session.scalars(select(Skill).where(Skill.slug.in_(wanted)))}
    for slug, name in wanted.items():
        if slug in found:
            continue
        try:
            with db.session.begin_nested():
                skill = Skill(name=name, slug=slug)
                db.session.add(skill)
            found[slug] = skill
        except IntegrityError:
            # Someone created it at the same moment: use theirs.
            found[slug] = db.session.scalar(select(Skill).where(Skill.slug == slug))
    return [found[slug] for slug in wanted]


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;|\n]", text or "") if part.strip()]


@transactional
def update_personal(actor, person: User, *, bio: str | None = None, skills: list[str] | None = None,
                    languages: str | None = None, ask_me_about: str | None = None,
                    location: str | None = None, phone: str | None = None, photo: bytes | None = None,
                    remove_photo: bool = False) -> None:
    """The owner edits their details and photo in one go; None leaves a field; any error saves nothing."""
    require(actor, "profile.edit_personal", person)
    profile = person.profile
    errors: dict[str, list[str]] = {}
    limits = {"languages": (languages, 200), "ask_me_about": (ask_me_about, 300), "location": (location, 120),
              "phone": (phone, 40), "bio": (bio, current_app.config["AGORA"]["content"]["max_post_length"])}
    for field, (value, limit) in limits.items():
        if value is not None and len(value.strip()) > limit:
            errors[field] = [_("At most %(n)s characters.", n=limit)]
    if phone and not re.fullmatch(r"[0-9+()./ \-]*(?:\s*(?:ext|x|poste)\.?\s*[0-9]+)?", phone.strip()):
        errors["phone"] = [_("Digits, spaces and + ( ) . - only.")]
    if skills is not None:
        if len(skills) > MAX_SKILLS:
            errors["skills"] = [_("At most %(n)s skills.", n=MAX_SKILLS)]
        elif any(len(s.strip()) > SKILL_LENGTH for s in skills):
            errors["skills"] = [_("Each skill has at most %(n)s characters.", n=SKILL_LENGTH)]
    media = None
    if photo is not None:
        try:
            media = store_image(photo, owner_id=person.id, kind="photo", max_px=PHOTO_PX, filename=person.handle)
        except ValidationError as exc:
            errors.update(exc.field_errors)
    if errors:  # the checked photo was flushed: the transaction's rollback takes it back
        raise ValidationError(_("Some details are not valid."), errors)
    if media is not None or remove_photo:
        old = profile.photo_id
        profile.photo_id = media.id if media is not None else None
        db.session.flush()
        delete_media(old)
    if bio is not None:
        profile.bio_source = bio.strip()
        profile.bio_html = render_markdown(profile.bio_source)
    if languages is not None:
        profile.languages = ", ".join(_split_list(languages))
    for field, value in (("ask_me_about", ask_me_about), ("location", location), ("phone", phone)):
        if value is not None:
            setattr(profile, field, re.sub(r"\s+", " ", value).strip())
    if skills is not None:
        profile.skills = get_skills(skills)
    _notify_changed(person)


# --- reading --------------------------------------------------------------------------------------

def get_person(handle: str) -> User:
    """The account with this handle, profile and skills loaded; NotFound otherwise."""
    person = db.session.scalar(
        select(User).where(User.handle == (handle or "").lstrip("@").lower())
        .options(joinedload(User.profile).selectinload(Profile.skills))
    )
    if person is None:
        raise NotFound()
    return person


@dataclass
class OrgChart:
    """Managers from the top down to the person's own manager, and the person's direct reports."""

    managers: list[User]
    reports: list[User]


def org_chart(person: User) -> OrgChart:
    """The management chain above `person` and their direct reports, in two queries whatever the depth."""
    chain = _chain(person.id, MAX_CHAIN)
    rows = db.session.execute(select(User, chain.c.depth).join(chain, chain.c.uid == User.id)
                              .order_by(chain.c.depth)).all()
    managers = list(reversed(_until_repeat((u.id, u) for u, _depth in rows)))
    reports = list(db.session.scalars(
        select(User).join(Profile, Profile.user_id == User.id)
        .where(Profile.manager_id == person.id, User.active.is_(True))
        .order_by(User.sort_name, User.id)
    ))
    return OrgChart(managers, reports)


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _people_query(q=None, department=None, location=None, skill=None):
    # A NUL typed into a filter matches nobody, and PostgreSQL refuses it in a parameter.
    q, department, location, skill = (v.replace("\x00", "") if v else v for v in (q, department, location, skill))
    stmt = select(User).join(Profile, Profile.user_id == User.id).where(User.active.is_(True))
    if q and fold(q):
        folded = fold(q)
        stmt = stmt.where(or_(User.sort_name.like(_like_prefix(folded), escape="\\"),
                              User.sort_name.like("% " + _like_prefix(folded), escape="\\"),
                              User.handle.like(_like_prefix(folded.lstrip("@")), escape="\\")))
    if department:
        stmt = stmt.join(Department, Department.id == Profile.department_id).where(Department.slug == department)
    if location:
        stmt = stmt.where(Profile.location == location)
    if skill and slugify(skill):
        # By the skill's id rather than a join on its slug: PostgreSQL's statistics are per id, so it
        # sees that a common skill has a thousand people and walks names in order instead of sorting
        # them all (5.5 -> 0.3 ms at 10,000 people).
        skill_id = db.session.scalar(select(Skill.id).where(Skill.slug == slugify(skill)))
        if skill_id is None:
            return stmt.where(false())
        stmt = stmt.where(exists().where(profile_skills.c.user_id == Profile.user_id,
                                         profile_skills.c.skill_id == skill_id))
    return stmt


def directory(q: str | None = None, department: str | None = None, location: str | None = None,
              skill: str | None = None, cursor: str | None = None, limit: int = 24) -> Page:
    """Active people matching the filters, alphabetical, one keyset page."""
    limit = max(1, min(int(limit or 24), 100))
    stmt = _people_query(q, department, location, skill)
    return keyset(stmt, (User.sort_name, User.id), cursor, limit, (str, int), descending=False)


def suggest(prefix: str, limit: int = 8) -> list[User]:
    """People whose name (any word) or handle starts with `prefix`, for search-as-you-type."""
    if not fold(prefix):
        return []
    return list(db.session.scalars(_people_query(q=prefix).order_by(User.sort_name, User.id).limit(limit)))


def departments() -> list[Department]:
    """Every department, by name."""
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def locations() -> list[str]:
    """The distinct non-empty locations people gave."""
    return list(db.session.scalars(
        select(Profile.location).where(Profile.location != "").group_by(Profile.location)
        .order_by(func.lower(Profile.location))
    ))


def split_skills(text: str | None) -> list[str]:
    """Skills typed in one field, separated by commas, semicolons, bars or new lines."""
    return _split_list(text or "")


def skills_for(user_ids: list[int]) -> dict[int, list[Skill]]:
    """Skills of many people in one query (for lists that show them)."""
    found: dict[int, list[Skill]] = {uid: [] for uid in user_ids}
    if user_ids:
        rows = db.session.execute(
            select(profile_skills.c.user_id, Skill).join(Skill, Skill.id == profile_skills.c.skill_id)
            .where(profile_skills.c.user_id.in_(user_ids)).order_by(Skill.slug)
        ).all()
        for uid, skill in rows:
            found[uid].append(skill)
    return found

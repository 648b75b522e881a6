"""How people become search documents (registered under the "search.sources" hook).

Deactivated people leave the index: search answers "who can help?", and they no longer can.
"""
from __future__ import annotations

from sqlalchemy import func, inspect, select

from agora.accounts.models import User
from agora.profiles.models import Department, Profile, Skill, profile_skills
from agora.search.sources import Source, html_text


def load_people(session, ids: list[int]) -> dict[int, dict]:
    """Documents for the active people among `ids`: name, handle, title, department, skills, bio."""
    rows = session.execute(
        select(User.id, User.handle, User.name, User.created_at, Profile.title, Profile.location,
               Profile.ask_me_about, Profile.bio_html, Department.name.label("department"))
        .outerjoin(Profile, Profile.user_id == User.id).outerjoin(Department, Department.id == Profile.department_id)
        .where(User.id.in_(ids), User.active.is_(True))).all()
    skills: dict[int, list[str]] = {}
    for user_id, name in session.execute(select(profile_skills.c.user_id, Skill.name)
                                         .join(Skill, Skill.id == profile_skills.c.skill_id)
                                         .where(profile_skills.c.user_id.in_(ids)).order_by(Skill.slug)):
        skills.setdefault(user_id, []).append(name)
    documents = {}
    for r in rows:
        known = ", ".join(skills.get(r.id, []))
        documents[r.id] = {
            "type": "person", "id": r.id, "url": f"/people/{r.handle}", "title": r.name,
            "skills": "\n".join(part for part in (known, r.ask_me_about or "") if part),
            "extra": " · ".join(part for part in (r.title, r.department, r.location, "@" + r.handle) if part),
            "body": html_text(r.bio_html), "created": r.created_at, "visible_in": None,
        }
    return documents


def _ids_after(session, after, limit):
    stmt = select(User.id).where(User.active.is_(True)).order_by(User.id).limit(limit)
    return list(session.scalars(stmt.where(User.id > after) if after is not None else stmt))


def _watch_department(session, department, change):
    if change == "dirty" and not inspect(department).attrs["name"].history.has_changes():
        return []
    return [("person", uid) for uid in session.execute(
        select(Profile.user_id).where(Profile.department_id == department.id)).scalars()]


def _watch_skill(session, skill, change):
    if change == "new":
        return []
    return [("person", uid) for uid in session.execute(
        select(profile_skills.c.user_id).where(profile_skills.c.skill_id == skill.id)).scalars()]


def sources() -> list[Source]:
    """People."""
    return [Source("person", load_people, _ids_after,
                   lambda s: s.scalar(select(func.count(User.id)).where(User.active.is_(True))),
                   watch={User: lambda session, user, change: [("person", user.id)],
                          Profile: lambda session, profile, change: [("person", profile.user_id)],
                          Department: _watch_department, Skill: _watch_skill})]

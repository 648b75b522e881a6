"""Demo spaces: one of each visibility and a department space, with members, moderators, a request and an invitation.

Their first posts are the walls' demo data (walls/demo.py), which runs after this one."""
from __future__ import annotations

from sqlalchemy import select

from agora.extensions import db
from agora.profiles.models import Department
from agora.spaces.models import JoinRequest, Membership, Space

# slug, name, description, visibility, department (its people join automatically) or None
SPACES = [
    ("ventes", "Équipe Ventes · Sales team", "L'équipe commerciale : pipeline, salons, retours clients.",
     "closed", "Ventes"),
    ("lancement-produit", "Lancement produit · Product launch",
     "Préparation du lancement de la v3 — closed while the launch date is confidential.", "closed", None),
    ("comite-direction", "Comité de direction", "Executive committee: agendas, decisions in progress.",
     "secret", "Direction"),
    ("running-club", "Running club", "Courir ensemble le midi, Paris · Lyon · London.", "open", None),
]


def populate(people, rng) -> None:
    """The "demo.populate" hook: the demo spaces for `people` (the demo company), through the models the services use."""
    from agora.spaces.membership import sync_department
    from agora.spaces.services import create_space

    if len(people) < 6:
        return
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    by_department: dict[str, list] = {}
    for person in people:
        by_department.setdefault(person.department_name, []).append(person)
    others = [p for p in people if p.department_name not in ("Direction",)]
    for slug, name, description, visibility, department in SPACES:
        if db.session.scalar(select(Space.id).where(Space.slug == slug)) is not None:
            continue
        space = create_space(slug, name, description, visibility)
        staff = by_department.get(department, []) if department else []
        if department and department in departments:
            space.department_id = departments[department].id
        moderator = staff[0] if staff else rng.choice(others)
        db.session.add(Membership(space_id=space.id, user_id=moderator.id, role="moderator", source="manual"))
        db.session.flush()
        sync_department(space)
        if not department:
            for person in rng.sample([p for p in others if p is not moderator], k=min(8, len(others) - 1)):
                db.session.add(Membership(space_id=space.id, user_id=person.id, role="member", source="manual"))
        db.session.flush()
        members = set(db.session.scalars(select(Membership.user_id).where(Membership.space_id == space.id)))
        outsiders = [p for p in people if p.id not in members]
        if visibility == "closed" and outsiders:
            asker = rng.choice(outsiders)
            db.session.add(JoinRequest(space_id=space.id, user_id=asker.id, kind="request",
                                       message="Bonjour, je travaille sur le sujet, puis-je rejoindre l'espace ?"))
        if visibility == "secret" and outsiders:
            db.session.add(JoinRequest(space_id=space.id, user_id=rng.choice(outsiders).id, kind="invite",
                                       invited_by_id=moderator.id))
        db.session.flush()

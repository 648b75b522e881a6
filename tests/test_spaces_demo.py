"""The demo's spaces: every visibility, with members, moderators, a request and an invitation."""
import random

from sqlalchemy import func, select

from agora.extensions import db


def test_demo_has_spaces_of_each_visibility(app, client, login, make_user):
    from agora.core.hooks import hooks
    from agora.spaces.models import JoinRequest, Membership, Space

    people = [make_user(f"p{i}@example.com", department=("Ventes", "Direction", "Ingénierie")[i % 3])
              for i in range(15)]
    admin = make_user("boss@example.com", is_admin=True)
    rng = random.Random(2026)
    for populate in hooks("demo.populate"):  # as `flask demo load`: spaces, then their walls' first posts
        populate(people, rng)
        db.session.commit()
    spaces = {s.slug: s for s in db.session.scalars(select(Space))}
    assert {s.visibility for s in spaces.values()} == {"open", "closed", "secret"}
    counts = dict(db.session.execute(select(Membership.space_id, func.count()).group_by(Membership.space_id)).all())
    moderated = set(db.session.scalars(select(Membership.space_id).where(Membership.role == "moderator")))
    for slug in ("ventes", "lancement-produit", "comite-direction", "running-club"):
        assert counts[spaces[slug].id] >= 3 and spaces[slug].id in moderated
    sales = spaces["ventes"]
    automatic = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.space_id == sales.id, Membership.source == "department"))
    assert sales.department.name == "Ventes" and automatic == 4  # the fifth moderates it
    kinds = {(r.space.visibility, r.kind) for r in db.session.scalars(select(JoinRequest))}
    assert ("closed", "request") in kinds and ("secret", "invite") in kinds
    login(admin)  # admins read every space, secret ones included
    assert "Comité de direction" in client.get("/spaces").get_data(as_text=True)
    assert "Ordre du jour" in client.get("/spaces/comite-direction").get_data(as_text=True)

"""Hot pages keep a fixed SQL budget: an added round trip costs every reader (most on PostgreSQL), so it shows here.

Each counted request starts with an empty session, as a worker's request does.
"""
from __future__ import annotations

import pytest

from agora.extensions import db


@pytest.fixture
def office(make_user):
    from agora.profiles.services import assign_org
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space
    from agora.walls.services import create_post

    boss, manager, ana, bob = (make_user(f"{n}@example.com", name=n.title()) for n in ("boss", "manager", "ana", "bob"))
    assign_org(manager, manager=boss)
    assign_org(ana, manager=manager)
    space = create_space("velo", "Vélo", "", "open", commit=False)
    db.session.add(Membership(space_id=space.id, user_id=bob.id, role="member"))
    db.session.commit()
    for i in range(4):
        create_post(bob, space=space, body=f"sortie {i}")
        create_post(bob, person=ana, body=f"bonjour {i}")
        create_post(ana, person=ana, body=f"note {i}")
    return {"ana": ana, "bob": bob}


def _counted(client, count_queries, path):
    db.session.expunge_all()
    with count_queries() as q:
        assert client.get(path).status_code == 200
    return q.statements


def test_space_wall_loads_its_space_once(client, login, office, count_queries):
    login(office["bob"])
    statements = _counted(client, count_queries, "/spaces/velo")
    assert sum("FROM spaces" in s for s in statements) == 1, statements
    # reader, space, members shown, roles, posts, attachments, reactions, pinned, counts, follow, notifications
    assert len(statements) == 11, statements


def test_profile_loads_the_management_chain_in_one_query(client, login, office, count_queries):
    login(office["bob"])
    statements = _counted(client, count_queries, "/people/ana")
    chain = [s for s in statements if "RECURSIVE" in s]
    assert len(chain) == 1 and "FROM users" in chain[0], statements
    # Her posts are on her own wall: she is not loaded a second time for them.
    assert sum(s.lstrip().startswith("SELECT users.id") for s in statements) == 3, statements  # reader, her, reports
    assert len(statements) == 11, statements


def test_every_signed_in_page_reads_the_readers_space_roles_in_one_query(client, login, office, count_queries):
    login(office["bob"])
    statements = _counted(client, count_queries, "/")
    roles = [s for s in statements if "space_memberships.role" in s]
    assert len(roles) == 1 and "space_suspensions" in roles[0], statements
    assert not [s for s in statements if "space_suspensions" in s and s not in roles], statements

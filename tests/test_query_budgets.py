"""Hot pages keep a fixed SQL budget: an added round trip costs every reader (most on PostgreSQL), so it shows here.

Each counted request starts with an empty session, as a worker's request does.
"""
from __future__ import annotations

import pytest

from agora.extensions import db


@pytest.fixture
def office(make_user):
    from agora.core.transactions import transaction
    from agora.profiles.services import assign_org
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space
    from agora.walls.services import create_post

    boss, manager, ana, bob = (make_user(f"{n}@example.com", name=n.title()) for n in ("boss", "manager", "ana", "bob"))
    assign_org(manager, manager=boss)
    assign_org(ana, manager=manager)
    with transaction():
        space = create_space("velo", "Vélo", "", "open")
        db.session.add(Membership(space_id=space.id, user_id=bob.id, role="member"))
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


def test_post_page_budget_does_not_grow_with_comments_or_their_reactions(client, login, office, make_user,
                                                                        count_queries):
    from agora.walls.comments import add_comment
    from agora.walls.models import Post
    from agora.walls.reactions import set_reaction

    ana, bob = office["ana"], office["bob"]
    post_id = db.session.scalar(db.select(Post.id).where(Post.author_id == bob.id, Post.space_id.is_not(None)))
    login(ana)
    set_reaction(ana, add_comment(bob, db.session.get(Post, post_id), "premier"), "like", on=True)
    few = _counted(client, count_queries, f"/posts/{post_id}")
    fans = [make_user(f"fan{i}@example.com", name=f"Fan {i}") for i in range(4)]
    for i in range(12):
        comment = add_comment(fans[i % 4], db.session.get(Post, post_id), f"commentaire {i}")
        for fan in fans[: i % 4 + 1]:
            set_reaction(fan, comment, "like", on=True)
    many = _counted(client, count_queries, f"/posts/{post_id}")
    assert len(few) == len(many), many
    # Comment reactors: the window by comment, then the people by primary key, never a join of the two
    # (PostgreSQL misjudges the window and reads the whole users table for it).
    window = [s for s in many if "row_number()" in s]
    assert len(window) == 1 and "JOIN users" not in window[0], window

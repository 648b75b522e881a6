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


@pytest.fixture
def askers(make_user):
    """Ana asks; six colleagues know one of four topics each, and may all answer (ids: sessions get emptied)."""
    from agora.profiles.services import get_skills

    ana = make_user("ana@example.com", name="Ana")
    skills = get_skills(["Paie", "Excel", "Python", "Droit"])
    experts = [make_user(f"expert{i}@example.com", name=f"Expert {i}") for i in range(6)]
    for i, expert in enumerate(experts):
        expert.profile.skills.append(skills[i % 4])
    db.session.commit()
    return ana.id, [e.id for e in experts], [s.name for s in skills]


def _user(user_id):
    from agora.accounts.models import User

    return db.session.get(User, user_id)


def _ask(asker_id, topic, n):
    from agora.questions.services import ask

    question = ask(_user(asker_id), title=f"Question {n} about {topic}?", body=f"Details {n}.", topics=[topic])
    db.session.commit()
    return question.post_id


def test_questions_lists_keep_their_budget_whatever_the_number_of_questions(client, login, askers, count_queries):
    ana, experts, topics = askers
    for n in range(2):
        _ask(ana, topics[n], n)
    login("expert0@example.com")
    paths = ("/questions", "/questions/for-you")
    few = {path: _counted(client, count_queries, path) for path in paths}
    for n in range(2, 10):
        _ask(ana, topics[n % 4], n)  # other topics, other experts: nothing may be loaded once per question
    many = {path: _counted(client, count_queries, path) for path in paths}
    assert "Question 9 about" in client.get("/questions").get_data(as_text=True)
    assert "Question 8 about" in client.get("/questions/for-you").get_data(as_text=True)
    for path in paths:
        assert len(few[path]) == len(many[path]), (path, many[path])
    # reader, roles, posts, attachments, reactions, questions, topics, accepted, (departments,) notifications
    assert len(many["/questions"]) == 10, many["/questions"]
    assert len(many["/questions/for-you"]) == 9, many["/questions/for-you"]


def test_a_question_page_keeps_its_budget_whatever_its_answers_and_timeline(client, login, askers, make_user,
                                                                          count_queries):
    from agora.questions import services
    from agora.questions.models import Question
    from agora.walls.comments import add_comment
    from agora.walls.models import Post

    ana, experts, topics = askers
    post_id = _ask(ana, topics[0], 0)
    add_comment(_user(experts[1]), db.session.get(Post, post_id), "Voici la réponse.")
    login("ana@example.com")
    few = _counted(client, count_queries, f"/posts/{post_id}")
    # Passes that route it on to people named only on the timeline, more answers by more people, an accepted one.
    from agora.profiles.services import get_skills

    [payroll] = get_skills([topics[0]])
    for i in range(4):
        newcomer = make_user(f"payroll{i}@example.com", name=f"Payroll {i}")
        newcomer.profile.skills.append(payroll)
    db.session.commit()
    from agora.questions.models import Route

    while waiting := db.session.scalars(db.select(Route.user_id).where(Route.question_id == post_id,
                                                                       Route.state == "routed")).all():
        services.pass_question(_user(waiting[0]), db.session.get(Question, post_id), note="Pas pour moi")
    for i, expert in enumerate(experts * 2):
        add_comment(_user(expert), db.session.get(Post, post_id), f"Réponse {i}")
    services.accept(_user(ana), db.session.get(Question, post_id).first_answer_id)
    db.session.commit()
    many = _counted(client, count_queries, f"/posts/{post_id}")
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "passed on by" in page and "Accepted answer" in page
    assert len(few) == len(many), many
    # reader, post, shared post, attachments, comments, reactions, question, topics, accepted, reactors (2),
    # notifications, roles, timeline with its people
    assert len(many) == 14, many

"""Search results against the policy, on a generated mix of spaces, people, roles, questions and moderated content."""
from __future__ import annotations

import random

import pytest

WORD = "zanzibar"


@pytest.fixture
def app_config():
    return {"hr": {"emails": ["hr@example.com"], "moderates": ["*"]}}


def _all_results(client, token, q=WORD):
    found, page = set(), 1
    while True:
        response = client.get("/api/v1/search", query_string={"q": q, "page": page},
                              headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_data(as_text=True)
        data = response.get_json()
        found |= {(r["type"], r["id"]) for r in data["results"]}
        if page >= data["pages"]:
            assert len(found) == data["total"]  # counts match what the pages hold
            return found
        page += 1


def _expected(user):
    """What the policy lets `user` see among everything that carries WORD (hidden content is never found)."""
    from agora.accounts.models import User
    from agora.core.policy import can, forget_space_access
    from agora.extensions import db
    from agora.spaces.models import Space
    from agora.walls.models import Comment, Post

    forget_space_access()
    expected = set()
    for post in db.session.scalars(db.select(Post)):
        if post.hidden_at is None and can(user, "post.view", post):
            expected.add(("question" if post.kind == "question" else "post", post.id))
    for comment in db.session.scalars(db.select(Comment)):
        if comment.hidden_at is None and comment.deleted_at is None and can(user, "comment.view", comment):
            expected.add(("comment", comment.id))
    for space in db.session.scalars(db.select(Space)):
        if can(user, "space.see", space):
            expected.add(("space", space.id))
    for person in db.session.scalars(db.select(User).where(User.active.is_(True))):
        expected.add(("person", person.id))
    return expected


@pytest.fixture
def mix(app, make_user):
    """Spaces of every visibility, members, moderators, HR, an admin, hidden and deleted content."""
    from agora.accounts.services import create_token, deactivate
    from agora.core.time import utcnow
    from agora.extensions import db
    from agora.profiles.services import update_personal
    from agora.questions.services import accept, ask
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space
    from agora.walls.comments import add_comment
    from agora.walls.services import create_post, delete_post

    rng = random.Random(5)
    people = {name: make_user(f"{name}@example.com", name=name.title(), is_admin=(name == "admin"))
              for name in ("member", "outsider", "moderator", "hr", "admin", "leaver", "author", "gone")}
    for person in people.values():
        update_personal(person, person, bio=f"{WORD} fan", skills=[], ask_me_about="")
    spaces = [create_space(f"{vis}-{i}", f"{vis.title()} {i}", f"{WORD} {vis}", visibility=vis)
              for vis in ("open", "closed", "secret") for i in (1, 2)]
    writers = [people["author"], people["gone"]]
    for space in spaces:
        roles = {"author": "member", "gone": "member"}
        if rng.random() < 0.7 or space.slug.startswith("secret-1"):
            roles["member"] = "member"
        if space.visibility != "open":
            roles["leaver"] = "member"
        if space.slug == "secret-1" or space.slug == "closed-2":
            roles["moderator"] = "moderator"
        for name, role in roles.items():
            db.session.add(Membership(space_id=space.id, user_id=people[name].id, role=role))
    db.session.commit()
    posts = []
    for space in spaces:
        for n in range(3):
            posts.append(create_post(rng.choice(writers), space=space, body=f"{WORD} {space.slug} {n}"))
    for n in range(3):
        posts.append(create_post(rng.choice(writers), person=people["member"], body=f"{WORD} wall {n}"))
    comments = [add_comment(rng.choice(writers), post, f"{WORD} reply to {post.id}") for post in posts[::2]]
    for post in posts[1::5]:
        post.hidden_at, post.hidden_reason = utcnow(), "test"
    for comment in comments[::4]:
        comment.hidden_at, comment.hidden_reason = utcnow(), "test"
    db.session.commit()
    delete_post(posts[-1].author, posts[-1])
    # A question in every space and one company-wide, answered and accepted; one hidden by moderation.
    questions = [ask(people["author"], title=f"{WORD} question {where}", body="Who knows?", space=space, topics=[])
                 for where, space in [(s.slug, s) for s in spaces] + [("company", None)]]
    for question in questions[::3]:
        accept(people["author"], add_comment(people["gone"], question.post, f"{WORD} answer").id)
    questions[1].post.hidden_at, questions[1].post.hidden_reason = utcnow(), "test"
    db.session.commit()
    deactivate(people["gone"])
    tokens = {name: create_token(person, "t")[1] for name, person in people.items() if name != "gone"}
    return {"people": people, "spaces": spaces, "posts": posts, "questions": questions, "tokens": tokens}


def _check_everyone(client, mix):
    for name, token in mix["tokens"].items():
        user = mix["people"][name]
        assert _all_results(client, token) == _expected(user), name


def test_search_matches_the_policy_for_every_role(client, mix):
    _check_everyone(client, mix)
    # Sanity: the mix really separates readers.
    outsider = _all_results(client, mix["tokens"]["outsider"])
    admin = _all_results(client, mix["tokens"]["admin"])
    assert outsider < admin
    secret = next(s for s in mix["spaces"] if s.visibility == "secret")
    assert ("space", secret.id) in admin and ("space", secret.id) not in outsider
    asked = next(q for q in mix["questions"] if q.post.space is not None and q.post.space.visibility == "secret"
                 and q.post.hidden_at is None)
    assert ("question", asked.post_id) in admin and ("question", asked.post_id) not in outsider


def test_leaving_a_space_and_visibility_changes_take_effect_at_once(app, client, mix):
    from agora.extensions import db
    from agora.spaces.membership import leave

    leaver, token = mix["people"]["leaver"], mix["tokens"]["leaver"]
    closed = next(s for s in mix["spaces"] if s.slug == "closed-1")
    visible_post = next(p for p in mix["posts"] if p.space_id == closed.id and p.hidden_at is None)
    assert ("post", visible_post.id) in _all_results(client, token)
    leave(leaver, closed)
    assert ("post", visible_post.id) not in _all_results(client, token)
    assert _all_results(client, token) == _expected(leaver)
    # Opening a closed space lets every colleague find its posts; making it secret hides even its name.
    closed.visibility = "open"
    db.session.commit()
    assert ("post", visible_post.id) in _all_results(client, mix["tokens"]["outsider"])
    closed.visibility = "secret"
    db.session.commit()
    outsider = _all_results(client, mix["tokens"]["outsider"])
    assert ("post", visible_post.id) not in outsider and ("space", closed.id) not in outsider
    _check_everyone(client, mix)


def test_no_suggestion_leaks_words_from_unreadable_spaces(app, client, mix):
    from agora.walls.services import create_post

    secret = next(s for s in mix["spaces"] if s.slug == "secret-2")
    create_post(mix["people"]["author"], space=secret, body="Projet Quetzalcoatl confidentiel")
    headers = {"Authorization": f"Bearer {mix['tokens']['outsider']}"}
    data = client.get("/api/v1/search?q=quetzalcaotl", headers=headers).get_json()
    assert data["total"] == 0 and data["suggestion"] is None
    headers = {"Authorization": f"Bearer {mix['tokens']['admin']}"}
    assert client.get("/api/v1/search?q=quetzalcaotl", headers=headers).get_json()["suggestion"] == "quetzalcoatl"
    # Hashtags only count the posts the reader may see.
    create_post(mix["people"]["author"], space=secret, body="#Sigma secret")
    assert client.get("/api/v1/search?q=sigma&type=tag", headers=headers).get_json()["total"] == 1
    headers = {"Authorization": f"Bearer {mix['tokens']['outsider']}"}
    assert client.get("/api/v1/search?q=sigma&type=tag", headers=headers).get_json()["total"] == 0

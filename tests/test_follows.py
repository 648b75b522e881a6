"""Following people, spaces and hashtags from their pages."""
import pytest

from agora.extensions import db


@pytest.fixture
def people(make_user):
    return make_user("ana@example.com", name="Ana"), make_user("bob@example.com", name="Bob")


def test_follow_and_unfollow_a_person_from_the_profile(client, login, people):
    from agora.walls.services import create_post

    ana, bob = people
    post = create_post(bob, person=bob, body="Bob's news")
    login(ana)
    assert f"/posts/{post.id}" not in client.get("/").get_data(as_text=True)
    profile = client.get("/people/bob").get_data(as_text=True)
    assert "/follows/people/bob" in profile and "Bob's news" in profile
    assert client.post("/follows/people/bob", data={"action": "follow"}).status_code == 302
    assert f"/posts/{post.id}" in client.get("/").get_data(as_text=True)
    assert "Unfollow" in client.get("/people/bob").get_data(as_text=True)
    client.post("/follows/people/bob", data={"action": "follow"})  # twice is harmless
    client.post("/follows/people/bob", data={"action": "unfollow"})
    assert f"/posts/{post.id}" not in client.get("/").get_data(as_text=True)


def test_follow_a_space_and_a_hashtag(client, login, people):
    from agora.follows.models import Follow
    from agora.spaces.services import create_space
    from agora.walls.services import create_post

    ana, bob = people
    space = create_space("design", "Design")
    in_space = create_post(bob, space=space, body="New logo")
    tagged = create_post(bob, person=bob, body="Lunch at the #Cantine")
    login(ana)
    assert "/follows/spaces/design" in client.get("/spaces/design").get_data(as_text=True)
    client.post("/follows/spaces/design", data={"action": "follow"})
    assert "/follows/tags/cantine" in client.get("/tags/cantine").get_data(as_text=True)
    client.post("/follows/tags/CANTINE", data={"action": "follow"})
    feed = client.get("/").get_data(as_text=True)
    assert f"/posts/{in_space.id}" in feed and f"/posts/{tagged.id}" in feed
    assert db.session.scalar(db.select(db.func.count()).select_from(Follow)) == 2


def test_cannot_follow_unknown_or_unreadable_things(client, login, people):
    from agora.spaces.models import Space

    db.session.add(Space(slug="secret", name="Secret", visibility="secret"))
    db.session.commit()
    login(people[0])
    assert client.post("/follows/people/nobody", data={"action": "follow"}).status_code == 404
    assert client.post("/follows/spaces/secret", data={"action": "follow"}).status_code == 404
    assert client.post("/follows/planets/mars", data={"action": "follow"}).status_code == 404
    assert client.post("/follows/people/ana", data={"action": "follow"}).status_code == 400
    assert client.post("/follows/tags/bad%20tag!", data={"action": "follow"}).status_code == 400

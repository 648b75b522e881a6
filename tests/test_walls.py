"""Walls over HTTP: posting, mentions, hashtags, edits with history, deletes, reactions, shares, permissions."""
import io
import re

import pytest

from agora.extensions import db


@pytest.fixture
def people(make_user):
    return (make_user("ana@example.com", name="Ana Lima"), make_user("bob@example.com", name="Bob Martin"),
            make_user("chloe@example.com", name="Chloé Durand"))


@pytest.fixture
def login(client, login):
    """Log in as someone else, leaving the previous session first."""
    def switch(user):
        client.post("/logout")
        return login(user)
    return switch


def post_id(response):
    match = re.search(r"/posts/(\d+)", response.headers["Location"])
    return int(match.group(1))


def publish(client, handle, body, **extra):
    response = client.post(f"/people/{handle}/wall", data={"body": body, "kind": "status", **extra})
    assert response.status_code == 302, response.data[:2000]
    return post_id(response)


def notifications(user_id, kind=None):
    from agora.notifications.models import Notification

    stmt = db.select(Notification).where(Notification.recipient_id == user_id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def test_post_on_a_colleagues_wall_with_mention_and_hashtag(client, login, people):
    ana, bob, chloe = people
    login(ana)
    pid = publish(client, "bob", "Welcome @bob! Ask @chloe about #Réunion and @nobody")
    page = client.get(f"/posts/{pid}").get_data(as_text=True)
    assert 'href="/people/bob"' in page and 'href="/people/chloe"' in page and "@nobody" in page
    assert 'href="/tags/reunion"' in page
    wall = client.get("/people/bob/wall").get_data(as_text=True)
    assert f"/posts/{pid}" in wall
    # The tag page is folded: any case or accent finds it.
    for name in ("reunion", "RÉUNION", "Réunion"):
        tag_page = client.get(f"/tags/{name}", follow_redirects=True)
        assert tag_page.status_code == 200 and f"/posts/{pid}" in tag_page.get_data(as_text=True)
    assert [n.kind for n in notifications(bob.id)] == ["wall_post"]
    assert [n.kind for n in notifications(chloe.id)] == ["mention"]


def test_empty_and_oversized_posts_are_refused_and_the_text_kept(client, login, people, app):
    login(people[0])
    response = client.post("/people/ana/wall", data={"body": "   ", "kind": "status"})
    assert response.status_code == 400 and "Write something first" in response.get_data(as_text=True)
    limit = app.config["AGORA"]["content"]["max_post_length"]
    text = "x" * (limit + 1)
    response = client.post("/people/ana/wall", data={"body": text, "kind": "status"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and text in page and "At most" in page
    assert client.post("/people/ana/wall", data={"body": "x", "kind": "poll"}).status_code == 400


def test_unknown_walls_are_404(client, login, people):
    login(people[0])
    assert client.post("/people/nobody/wall", data={"body": "hi"}).status_code == 404
    assert client.post("/spaces/nowhere/wall", data={"body": "hi"}).status_code == 404
    assert client.get("/people/nobody/wall").status_code == 404
    assert client.get("/posts/999999").status_code == 404


def test_edit_keeps_a_history_readers_can_open(client, login, people):
    ana, bob, _ = people
    login(ana)
    pid = publish(client, "ana", "First version")
    assert client.post(f"/posts/{pid}/edit", data={"body": "Second version"}).status_code == 302
    login(bob)
    page = client.get(f"/posts/{pid}").get_data(as_text=True)
    assert "Second version" in page and f"/posts/{pid}/history" in page
    history = client.get(f"/posts/{pid}/history").get_data(as_text=True)
    assert "First version" in history and "Second version" in history
    # Only the author edits.
    assert client.post(f"/posts/{pid}/edit", data={"body": "Hijack"}).status_code == 403
    assert client.get(f"/posts/{pid}/edit").status_code == 403


def test_comment_edit_history_and_replies_one_level_deep(client, login, people):
    ana, bob, chloe = people
    login(ana)
    pid = publish(client, "ana", "Topic")
    login(bob)
    response = client.post(f"/posts/{pid}/comments", data={"body": "A comment"})
    assert response.status_code == 302
    from agora.walls.models import Comment, Post

    top = db.session.scalar(db.select(Comment).where(Comment.post_id == pid))
    login(chloe)
    client.post(f"/posts/{pid}/comments", data={"body": "A reply", "parent_id": top.id})
    reply = db.session.scalar(db.select(Comment).where(Comment.parent_id == top.id))
    client.post(f"/posts/{pid}/comments", data={"body": "Reply to reply", "parent_id": reply.id})
    deeper = db.session.scalar(db.select(Comment).where(Comment.body_source == "Reply to reply"))
    assert deeper.parent_id == top.id
    db.session.expire_all()
    assert db.session.get(Comment, top.id).reply_count == 2
    assert db.session.get(Post, pid).comment_count == 3
    assert {n.kind for n in notifications(bob.id)} == {"reply"}
    assert {n.kind for n in notifications(ana.id)} == {"comment"}
    login(bob)
    client.post(f"/comments/{top.id}/edit", data={"body": "An edited comment"})
    history = client.get(f"/comments/{top.id}/history").get_data(as_text=True)
    assert "A comment" in history and "An edited comment" in history
    assert client.post(f"/comments/{reply.id}/edit", data={"body": "no"}).status_code == 403
    assert client.post(f"/comments/{reply.id}/delete").status_code == 403


def test_author_deletes_comment_with_and_without_replies(client, login, people):
    ana, bob, _ = people
    login(ana)
    pid = publish(client, "ana", "Topic")
    login(bob)
    client.post(f"/posts/{pid}/comments", data={"body": "Lonely comment"})
    client.post(f"/posts/{pid}/comments", data={"body": "Discussed comment"})
    from agora.walls.models import Comment, Post

    lonely, discussed = db.session.scalars(db.select(Comment.id).order_by(Comment.id)).all()
    login(ana)
    client.post(f"/posts/{pid}/comments", data={"body": "Answer", "parent_id": discussed})
    login(bob)
    client.post(f"/comments/{lonely}/delete")
    client.post(f"/comments/{discussed}/delete")
    page = client.get(f"/posts/{pid}").get_data(as_text=True)
    assert "Lonely comment" not in page and "Discussed comment" not in page
    assert "Comment deleted by its author." in page and "Answer" in page
    db.session.expire_all()
    assert db.session.get(Comment, lonely) is None
    assert db.session.get(Post, pid).comment_count == 1
    # When the last reply goes, the placeholder goes too.
    answer = db.session.scalar(db.select(Comment).where(Comment.body_source == "Answer"))
    login(ana)
    client.post(f"/comments/{answer.id}/delete")
    db.session.expire_all()
    assert db.session.get(Comment, discussed) is None
    assert "Comment deleted by its author." not in client.get(f"/posts/{pid}").get_data(as_text=True)


def test_author_deletes_post(client, login, people):
    ana, bob, _ = people
    login(ana)
    pid = publish(client, "ana", "Regrettable #oops")
    login(bob)
    assert client.post(f"/posts/{pid}/delete").status_code == 403
    login(ana)
    assert client.post(f"/posts/{pid}/delete").status_code == 302
    assert client.get(f"/posts/{pid}").status_code == 404
    assert f"/posts/{pid}" not in client.get("/tags/oops").get_data(as_text=True)
    assert "Regrettable" not in client.get("/").get_data(as_text=True)


def test_reactions_toggle_count_and_show_who(client, login, people):
    ana, bob, chloe = people
    login(ana)
    pid = publish(client, "ana", "React to me")
    from agora.walls.models import Post

    for person in (bob, chloe):
        login(person)
        assert client.post(f"/posts/{pid}/react", data={"kind": "like"}).status_code == 302
    client.post(f"/posts/{pid}/react", data={"kind": "celebrate"})
    db.session.expire_all()
    assert db.session.get(Post, pid).reaction_count == 3
    page = client.get(f"/posts/{pid}").get_data(as_text=True)
    assert "Who reacted" in page and "Bob Martin" in page and "Chloé Durand" in page
    assert 'aria-pressed="true"' in page
    # Clicking again takes it back.
    client.post(f"/posts/{pid}/react", data={"kind": "celebrate"})
    db.session.expire_all()
    assert db.session.get(Post, pid).reaction_count == 2
    assert client.post(f"/posts/{pid}/react", data={"kind": "angry"}).status_code == 400
    # Reactions to one post are grouped in one notification.
    grouped = notifications(ana.id, "reaction")
    assert len(grouped) == 1 and grouped[0].actor_count == 2


def test_post_page_shows_who_reacted_to_each_comment(client, login, people):
    ana, bob, chloe = people
    login(ana)
    pid = publish(client, "ana", "Comment on me")
    login(bob)
    client.post(f"/posts/{pid}/comments", data={"body": "Bo was here"})
    client.post(f"/posts/{pid}/comments", data={"body": "Nobody likes this one"})
    from agora.walls.models import Comment

    liked, other = db.session.scalars(db.select(Comment).where(Comment.post_id == pid).order_by(Comment.id))
    login(ana)
    assert client.post(f"/comments/{liked.id}/react", data={"kind": "like"}).status_code == 302
    login(chloe)
    page = client.get(f"/posts/{pid}").get_data(as_text=True)
    liked_html = page.split(f'id="comment-{liked.id}"')[1].split(f'id="comment-{other.id}"')[0]
    other_html = page.split(f'id="comment-{other.id}"')[1]
    assert 'class="comment-reactors"' in liked_html and "Like (1)" in liked_html
    assert '<a href="/people/ana">Ana Lima</a>' in liked_html
    assert "comment-reactors" not in other_html and "Ana Lima" not in other_html.split("</article>")[0]


def test_share_links_back_to_the_original(client, login, people, app):
    from agora.spaces.services import create_space

    create_space("general", "General")
    ana, bob, _ = people
    login(ana)
    pid = publish(client, "ana", "Original thought")
    login(bob)
    form = client.get(f"/posts/{pid}/share").get_data(as_text=True)
    assert "space:general" in form
    response = client.post(f"/posts/{pid}/share", data={"target": "space:general", "body": "Worth reading"})
    assert response.status_code == 302
    shared_id = post_id(response)
    page = client.get(f"/posts/{shared_id}").get_data(as_text=True)
    assert "Worth reading" in page and "Original thought" in page and f'href="/posts/{pid}"' in page
    assert "1 share" in client.get(f"/posts/{pid}").get_data(as_text=True)
    assert f"/posts/{shared_id}" in client.get("/spaces/general").get_data(as_text=True)


def test_posts_in_a_non_open_space_are_404_for_non_members(client, login, people):
    from agora.spaces.models import Space
    from agora.walls.models import Post

    ana, bob, _ = people
    secret = Space(slug="board", name="Board", visibility="secret")
    db.session.add(secret)
    db.session.flush()
    post = Post(author_id=ana.id, space_id=secret.id, body_source="Merger #plans", body_html="<p>Merger</p>")
    db.session.add(post)
    db.session.commit()
    login(bob)
    assert client.get(f"/posts/{post.id}").status_code == 404
    assert client.get("/spaces/board").status_code == 404
    assert client.post(f"/posts/{post.id}/comments", data={"body": "hi"}).status_code == 404
    assert client.post(f"/posts/{post.id}/react", data={"kind": "like"}).status_code == 404
    assert client.get(f"/posts/{post.id}/history").status_code == 404
    assert "Board" not in client.get("/spaces").get_data(as_text=True)


def test_image_attachment_is_served_only_to_readers_of_the_post(client, login, people, app):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    ana, bob, _ = people
    login(ana)
    response = client.post("/people/ana/wall", data={
        "body": "With a picture", "kind": "status",
        "attachments": [(io.BytesIO(buffer.getvalue()), "red.png"), (io.BytesIO(b"hello"), "notes.txt")],
    }, content_type="multipount/form-data".replace("pount", "part"))
    assert response.status_code == 302, response.data[:2000]
    pid = post_id(response)
    page = client.get(f"/posts/{pid}").get_data(as_text=True)
    media_ids = [int(m) for m in re.findall(r'src="/media/(\d+)"', page)]
    assert media_ids and "notes.txt" in page
    login(bob)
    assert client.get(f"/media/{media_ids[0]}").status_code == 200
    from agora.walls.models import Post

    post = db.session.get(Post, pid)
    from agora.spaces.models import Space

    closed = Space(slug="hidden", name="Hidden", visibility="closed")
    db.session.add(closed)
    db.session.flush()
    post.wall_user_id, post.space_id = None, closed.id
    db.session.commit()
    assert client.get(f"/media/{media_ids[0]}").status_code == 404


def test_bad_attachment_is_refused_and_nothing_saved(client, login, people):
    from agora.walls.models import Post

    login(people[0])
    response = client.post("/people/ana/wall", data={
        "body": "Keep this text", "kind": "status", "attachments": [(io.BytesIO(b"\x00\x01\x02binary"), "x.exe")],
    }, content_type="multipart/form-data")
    assert response.status_code == 400 and "Keep this text" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_post_page_runs_a_constant_number_of_queries(client, login, people, count_queries):
    from agora.walls import comments, reactions, services

    ana, bob, chloe = people

    def busy_post(n):
        post = services.create_post(ana, person=ana, body=f"Busy #{n} @bob")
        for i in range(n):
            author = bob if i % 2 else chloe
            c = comments.add_comment(author, post, f"comment {i} @ana")
            comments.add_comment(ana, post, f"reply {i}", c.id)
            reactions.set_reaction(author, post, "like" if i % 2 else "support")
            reactions.set_reaction(ana, c, "insightful")
        return post.id

    small, big = busy_post(1), busy_post(12)
    login(bob)
    client.get(f"/posts/{small}")
    with count_queries() as q_small:
        assert client.get(f"/posts/{small}").status_code == 200
    with count_queries() as q_big:
        assert client.get(f"/posts/{big}").status_code == 200
    assert q_small.count == q_big.count, q_big.statements


def test_demo_populate_makes_lively_walls(app, make_user):
    import random

    from agora.core.hooks import hooks
    from agora.walls.models import Comment, Post, Reaction

    people = [make_user(f"p{i}@example.com", name=f"Person {i}") for i in range(6)]
    for populate in hooks("demo.populate"):
        populate(people, random.Random(3))
    db.session.commit()
    count = lambda model: db.session.scalar(db.select(db.func.count()).select_from(model))  # noqa: E731
    assert count(Post) > 30 and count(Comment) > 10 and count(Reaction) > 10
    assert db.session.scalar(db.select(Post).where(Post.body_source.like("%Bienvenue%"))) is not None


def test_rerender_applies_a_changed_allowlist(app, people):
    from agora.walls import comments, services
    from agora.walls.models import Comment, Post

    ana = people[0]
    post = services.create_post(ana, person=ana, body="**bold** post")
    comments.add_comment(ana, post, "**bold** comment")
    app.config["AGORA"]["content"]["allowed_tags"] = ["p", "a"]
    result = app.test_cli_runner().invoke(args=["content", "rerender"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert "<strong>" not in db.session.scalar(db.select(Post.body_html))
    assert "<strong>" not in db.session.scalar(db.select(Comment.body_html))


def test_notification_targets_are_filtered_by_the_policy(app, people):
    from agora.spaces.models import Space
    from agora.walls import comments, hooks, services

    ana, bob, _ = people
    visible = services.create_post(ana, person=ana, body="open")
    comment = comments.add_comment(bob, visible, "hi")
    closed = Space(slug="closed", name="Closed", visibility="closed")
    db.session.add(closed)
    db.session.commit()
    gone = services.create_post(ana, person=ana, body="to delete")
    services.delete_post(ana, gone)
    from agora.walls.models import Post

    hidden = Post(author_id=ana.id, space_id=closed.id, body_source="x", body_html="x")
    db.session.add(hidden)
    db.session.commit()
    items = [("post", visible.id), ("comment", comment.id), ("post", gone.id), ("post", hidden.id), ("comment", 999)]
    assert hooks.notifications_visible(bob, items) == {("post", visible.id), ("comment", comment.id)}

"""Reports and the review queue: reporting from a page or the API, the keyword watch, the queue, the nav count."""
from __future__ import annotations

from agora.extensions import db
from tests.moderation_world import app_config, world  # noqa: F401 - fixtures


def _reports():
    from agora.moderation.models import Report

    db.session.expire_all()
    return db.session.query(Report).order_by(Report.id).all()


def test_report_from_the_page_without_javascript(world):
    w = world
    post = w.post("author", body="Buy cheap watches")
    page = w.browser("member").get(f"/posts/{post.id}").get_data(as_text=True)
    assert f"/posts/{post.id}/report" in page
    form = w.browser("member").get(f"/posts/{post.id}/report")
    assert form.status_code == 200 and "Buy cheap watches" in form.get_data(as_text=True)
    bad = w.browser("member").post(f"/posts/{post.id}/report", data={"category": "nonsense", "text": "It is spam"})
    assert bad.status_code == 400 and "It is spam" in bad.get_data(as_text=True)
    empty = w.browser("member").post(f"/posts/{post.id}/report", data={"category": "spam", "text": " "})
    assert empty.status_code == 400
    assert not _reports()
    done = w.browser("member").post(f"/posts/{post.id}/report", data={"category": "spam", "text": "It is spam"})
    assert done.status_code == 302
    [report] = _reports()
    assert (report.category, report.text, report.reporter_id, report.space_id) == (
        "spam", "It is spam", w.member.id, w.spaces["team"].id)
    # Not one's own content; not what one cannot read.
    assert w.browser("author").get(f"/posts/{post.id}/report").status_code == 403
    assert w.browser("outsider").get(f"/posts/{post.id}/report").status_code == 404


def test_report_over_the_api(client, world):
    w = world
    post = w.post("author")
    comment = w.comment("author", post, "Nasty")
    h = w.headers("member")
    response = client.post(f"/api/v1/posts/{post.id}/reports", json={"category": "harassment", "text": "Mean"},
                           headers=h)
    assert response.status_code == 201 and response.get_json()["status"] == "open"
    response = client.post(f"/api/v1/comments/{comment.id}/reports", json={"category": "other", "text": "Rude"},
                           headers=h)
    assert response.status_code == 201 and response.get_json()["target"] == {"type": "comment", "id": comment.id}
    response = client.post(f"/api/v1/posts/{post.id}/reports", json={"category": "bad", "text": ""}, headers=h)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"category", "text"}
    assert client.post(f"/api/v1/posts/{post.id}/reports", json=["x"], headers=h).status_code == 400
    assert client.post(f"/api/v1/posts/{post.id}/reports", json={"category": "spam", "text": 3},
                       headers=h).status_code == 400
    assert client.post(f"/api/v1/posts/{post.id}/reports", json={"category": "spam", "text": "x"},
                       headers=w.headers("outsider")).status_code == 404
    assert client.post("/api/v1/posts/424242/reports", json={"category": "spam", "text": "x"},
                       headers=h).status_code == 404
    assert len(_reports()) == 2


def test_keyword_watch_queues_matching_posts_and_comments_but_publishes_them(client, world):
    w = world
    hit = w.post("author", body="Une REUNION secrète demain")
    miss = w.post("author", body="Thelayoffs are a rumour; réunions secrètes too")
    comment = w.comment("member", miss, "Talk of layoffs again")
    reports = _reports()
    assert [(r.target_type, r.target_id, r.category, r.reporter_id) for r in reports] == [
        ("post", hit.id, "keyword", None), ("comment", comment.id, "keyword", None)]
    assert "Réunion secrète" in reports[0].text
    # Still published: a member reads it.
    assert "REUNION" in w.browser("member").get(f"/posts/{hit.id}").get_data(as_text=True)
    queue = w.browser("mod").get("/moderation/queue").get_data(as_text=True)
    assert "Watched keyword" in queue and "Keyword watch" in queue


def test_queue_shows_what_each_viewer_may_act_on(client, world):
    w = world
    team_post = w.post("author")
    other_post = w.post("author", space="other")
    wall_post = w.post("author", wall="member")
    for post in (team_post, other_post, wall_post):
        assert client.post(f"/api/v1/posts/{post.id}/reports", json={"category": "spam", "text": f"r{post.id}"},
                           headers=w.headers("outsider" if post is not team_post else "member")).status_code == 201

    def seen(who):
        data = client.get("/api/v1/moderation/queue", headers=w.headers(who)).get_json()
        return {item["target"]["id"] for item in data["items"]}

    assert seen("mod") == {team_post.id}
    assert seen("hr") == {team_post.id, wall_post.id}
    assert seen("admin") == {team_post.id, other_post.id, wall_post.id}
    assert client.get("/api/v1/moderation/queue", headers=w.headers("member")).status_code == 403
    assert w.browser("member").get("/moderation/queue").status_code == 403
    html = w.browser("hr").get("/moderation/queue").get_data(as_text=True)
    assert f"r{team_post.id}" in html and f"r{wall_post.id}" in html and f"r{other_post.id}" not in html
    # Each item carries its action form, which brings the moderator back to the queue.
    assert html.count('class="moderate-form"') == 2 and html.count('name="reason"') == 2
    assert '<input type="hidden" name="next" value="/moderation/queue">' in html
    assert f'action="/moderation/posts/{wall_post.id}"' in html


def test_queue_action_handles_reports_and_tells_the_reporters(client, world):
    from agora.moderation.models import ModerationAction

    w = world
    post = w.post("author")
    other = w.post("author", body="Fine post")
    for who in ("member", "mod2"):
        client.post(f"/api/v1/posts/{post.id}/reports", json={"category": "confidential", "text": "Leak"},
                    headers=w.headers(who))
    client.post(f"/api/v1/posts/{other.id}/reports", json={"category": "spam", "text": "meh"},
                headers=w.headers("member"))
    response = w.browser("mod").post(f"/moderation/posts/{post.id}", data={
        "action": "hide", "reason": "Customer data", "next": "/moderation/queue"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/moderation/queue")
    line = db.session.query(ModerationAction).one()
    assert line.rule == "confidential" and line.report_id is not None
    statuses = {(r.target_id, r.status) for r in _reports()}
    assert statuses == {(post.id, "handled"), (other.id, "open")}
    response = client.post(f"/api/v1/moderation/posts/{other.id}/dismiss", json={}, headers=w.headers("mod"))
    assert response.status_code == 201
    assert {r.status for r in _reports()} == {"handled", "dismissed"}
    for who, expected in (("member", 2), ("mod2", 1)):
        notes = client.get("/api/v1/notifications", headers=w.headers(who)).get_json()["results"]
        assert len([n for n in notes if n["kind"] == "report_outcome"]) == expected, who
    # The author is not told about the dismissed report, only about the hide.
    kinds = [n["kind"] for n in client.get("/api/v1/notifications", headers=w.headers("author")).get_json()["results"]]
    assert kinds.count("moderation") == 1


def test_nav_count_with_a_constant_number_of_queries(world, count_queries):
    from agora.moderation.models import Report

    w = world
    browser = w.browser("mod")
    assert "Review" not in w.browser("member").get("/settings").get_data(as_text=True)
    post = w.post("author")
    db.session.add(Report(target_type="post", target_id=post.id, space_id=post.space_id, reporter_id=w.member.id,
                          category="spam", text="x"))
    db.session.commit()
    with count_queries() as one:
        html = browser.get("/settings").get_data(as_text=True)
    assert 'id="review-open">1<' in html
    for i in range(5):
        extra = w.post("author", body=f"post {i}")
        db.session.add(Report(target_type="post", target_id=extra.id, space_id=extra.space_id,
                              reporter_id=w.member.id, category="spam", text="x"))
    other = w.post("author", space="other")
    db.session.add(Report(target_type="post", target_id=other.id, space_id=other.space_id,
                          reporter_id=w.member.id, category="spam", text="x"))
    db.session.commit()
    with count_queries() as six:
        html = browser.get("/settings").get_data(as_text=True)
    assert 'id="review-open">6<' in html  # "other" is not theirs to review
    assert six.count == one.count
    assert 'id="review-open">7<' in w.browser("admin").get("/settings").get_data(as_text=True)

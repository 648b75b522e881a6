"""Questions in search: type:question by title and body, the is: filters, accepted answers first, the index kept in
step with asking, answering, accepting and withdrawing, secret spaces, and rebuilds."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from agora.extensions import db

PAST = datetime(2026, 3, 3, 9, 0)  # a Tuesday long gone: a question asked then and never answered is overdue


@pytest.fixture
def people(app, make_user):
    """Ana asks; Bob and Carl know networks; Eve reads nothing secret; an open space for the questions."""
    from agora.profiles.services import get_skills
    from agora.spaces.services import create_space

    ana = make_user("ana@example.com", name="Ana Lima", department="Sales")
    bob = make_user("bob@example.com", name="Bob Martin", department="IT")
    carl = make_user("carl@example.com", name="Carl Roy", department="IT")
    eve = make_user("eve@example.com", name="Eve Ng", department="Sales")
    [networks] = get_skills(["Networks"])
    for person in (bob, carl):
        person.profile.skills.append(networks)
    space = create_space("helpdesk", "Helpdesk", "Ask IT")
    db.session.commit()
    return {"ana": ana, "bob": bob, "carl": carl, "eve": eve, "space": space}


def _ask(asker, title, body, space=None, now=None):
    from agora.questions.services import ask

    # Asked a week ahead unless told: due well after the test, so "open" never turns "overdue" under it.
    question = ask(asker, title=title, body=body, space=space, topics=["Networks"],
                   now=now or datetime.utcnow() + timedelta(days=7))
    db.session.commit()
    return question


def _search(client, user, q, **params):
    from agora.accounts.services import create_token

    token = create_token(user, "search")[1]
    response = client.get("/api/v1/search", query_string={"q": q, **params},
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _found(client, user, q, **params) -> set[tuple[str, int]]:
    return {(r["type"], r["id"]) for r in _search(client, user, q, **params)["results"]}


def test_type_question_finds_questions_by_title_and_body_once_with_their_title(client, login, people):
    from agora.walls.services import create_post

    question = _ask(people["ana"], "How do I renew the VPN certificate?", "My laptop says it expired.",
                    space=people["space"])
    status = create_post(people["bob"], space=people["space"], body="The VPN gateway restarts tonight.")
    data = _search(client, people["eve"], "vpn")
    assert {(r["type"], r["id"]) for r in data["results"]} == {("question", question.post_id), ("post", status.id)}
    assert data["counts"] == {"question": 1, "post": 1}
    [hit] = _search(client, people["eve"], "vpn type:question")["results"]
    assert hit["title"] == "How do I renew the VPN certificate?" and hit["url"] == f"/posts/{question.post_id}"
    assert hit["detail"] == "Open" and hit["space"]["slug"] == "helpdesk" and hit["author"]["name"] == "Ana Lima"
    assert _found(client, people["eve"], "laptop type:questions") == {("question", question.post_id)}  # the body
    assert _search(client, people["eve"], "laptop")["counts"] == {"question": 1}  # and not as a post too
    assert _found(client, people["eve"], "renew certificate") == {("question", question.post_id)}  # the title
    assert _found(client, people["eve"], "networks type:question") == {("question", question.post_id)}  # a topic
    assert _found(client, people["eve"], "gateway type:question") == set()
    login(people["eve"])
    page = client.get("/search?q=vpn").get_data(as_text=True)
    assert "How do I renew the VPN certificate?</a>" in page and "Questions <span class=\"count\">(1)" in page


def test_is_filters_follow_the_question_state(client, people):
    from agora.questions.services import accept
    from agora.walls.comments import add_comment
    from agora.walls.services import create_post

    open_ = _ask(people["ana"], "Wifi password for guests?", "Visitors ask at reception.")
    overdue = _ask(people["ana"], "Wifi down on floor 3?", "Since this morning.", now=PAST)
    answered = _ask(people["eve"], "Wifi in the car park?", "Does it reach?")
    add_comment(people["bob"], answered.post, "Only near the door.")
    resolved = _ask(people["eve"], "Wifi printer setup?", "It asks for a PIN.")
    accept(people["eve"], add_comment(people["carl"], resolved.post, "The PIN is on the printer.").id)
    create_post(people["bob"], person=people["bob"], body="Wifi upgrade next week.")
    expected = {"open": {open_}, "overdue": {overdue}, "unanswered": {open_, overdue}, "answered": {answered},
                "resolved": {resolved}}
    for state, questions in expected.items():
        assert _found(client, people["eve"], f"wifi is:{state}") == {("question", q.post_id) for q in questions}, state
    assert len(_found(client, people["eve"], "type:question")) == 4
    assert _found(client, people["eve"], "is:resolved") == {("question", resolved.post_id)}  # a filter alone
    assert _found(client, people["eve"], "wifi is:closed") == set()  # not a state: read as words, found nowhere
    details = {r["id"]: r["detail"] for r in _search(client, people["eve"], "wifi type:question")["results"]}
    assert details == {open_.post_id: "Open", overdue.post_id: "Overdue", answered.post_id: "Answered",
                       resolved.post_id: "Resolved"}


def test_an_accepted_answer_ranks_above_a_comment_with_the_same_words(client, people):
    from agora.questions.services import accept, withdraw
    from agora.walls.comments import add_comment

    question = _ask(people["ana"], "Tunnel keeps dropping?", "Every hour or so.")
    first = add_comment(people["bob"], question.post, "Restart the tunnel daemon.")
    second = add_comment(people["carl"], question.post, "Restart the tunnel daemon.")

    def ranked():
        results = _search(client, people["eve"], "tunnel daemon type:comment")["results"]
        return [(r["id"], r["score"]) for r in results]

    [(_, a), (_, b)] = ranked()
    assert a == b  # the same words, the same score
    accept(people["ana"], first.id)  # the older one: reindexed, it now comes last among equals
    [(top, top_score), (other, other_score)] = ranked()
    assert (top, other) == (first.id, second.id) and top_score > other_score
    withdraw(people["ana"], first.id)
    [(_, a), (_, b)] = ranked()
    assert a == b


def test_asking_answering_accepting_and_withdrawing_reach_the_index_at_once(client, people):
    from agora.questions.services import accept, withdraw
    from agora.walls.comments import add_comment

    def state():
        found = _search(client, people["eve"], "proxy type:question")["results"]
        return [r["detail"] for r in found], {s for s in ("open", "answered", "resolved")
                                              if _found(client, people["eve"], f"proxy is:{s}")}

    question = _ask(people["ana"], "Which proxy for the build server?", "It cannot reach the registry.")
    assert state() == (["Open"], {"open"})
    add_comment(people["ana"], question.post, "Still stuck.")  # the asker's own comment answers nothing
    assert state() == (["Open"], {"open"})
    answer = add_comment(people["bob"], question.post, "proxy.internal:3128")
    assert state() == (["Answered"], {"answered"})
    accept(people["ana"], answer.id)
    assert state() == (["Resolved"], {"resolved"})
    withdraw(people["ana"], answer.id)
    assert state() == (["Answered"], {"answered"})
    # The post's fate is the question's: hidden by moderation, it leaves the results.
    question.post.hidden_at, question.post.hidden_reason = datetime.utcnow(), "test"
    db.session.commit()
    assert state() == ([], set())


def test_a_question_in_a_secret_space_never_shows_to_a_non_member(client, people):
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space
    from agora.walls.comments import add_comment

    board = create_space("board", "Board", visibility="secret")
    db.session.add_all([Membership(space_id=board.id, user_id=people["ana"].id, role="member"),
                        Membership(space_id=board.id, user_id=people["carl"].id, role="member")])
    db.session.commit()
    question = _ask(people["ana"], "Merger codename firewall rules?", "Keep it quiet.", space=board)
    answer = add_comment(people["carl"], question.post, "Firewall rules are ready.")
    for q in ("firewall", "merger type:question", "is:answered", "type:question"):
        data = _search(client, people["eve"], q)
        assert data["total"] == 0 and "question" not in data["counts"], q
        assert data["suggestion"] is None
    assert _found(client, people["eve"], "firewal") == set()
    assert _found(client, people["carl"], "firewall") == {("question", question.post_id), ("comment", answer.id)}
    assert _found(client, people["carl"], "is:answered") == {("question", question.post_id)}


def test_a_rebuild_indexes_questions_and_accepted_answers(app, client, people):
    from agora.questions.services import accept
    from agora.walls.comments import add_comment

    question = _ask(people["ana"], "Printer queue stuck?", "Jobs wait forever.")
    plain = add_comment(people["carl"], question.post, "Clear the printer queue.")
    accepted = add_comment(people["bob"], question.post, "Clear the printer queue.")
    accept(people["ana"], accepted.id)
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    # Ana, Bob, Carl, Eve, the space, the question and its two answers.
    assert "Indexed 8 documents" in result.output
    [hit] = _search(client, people["eve"], "printer is:resolved")["results"]
    assert hit["id"] == question.post_id and hit["title"] == "Printer queue stuck?"
    ranked = [r["id"] for r in _search(client, people["eve"], "printer queue type:comment")["results"]]
    assert ranked == [accepted.id, plain.id]


def test_an_index_written_before_questions_were_searchable_is_rebuilt(app, client, people):
    from whoosh import index as windex
    from whoosh.fields import Schema

    from agora.search.schema import schema

    question = _ask(people["ana"], "Badge reader offline?", "Door 2 stays shut.")
    backend = app.extensions["agora.search"]
    old = Schema(**{name: field for name, field in schema().items() if name not in ("status", "due")})
    (backend.root / "index-1").mkdir()
    windex.create_in(str(backend.root / "index-1"), old)
    backend.swap("index-1")  # an index from before: no state, no due time
    assert _found(client, people["eve"], "badge is:open") == {("question", question.post_id)}
    assert backend.current_name() != "index-1"

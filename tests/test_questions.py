"""Questions: asked, routed to who knows (away, asker, spreading, pass, fallback, secret spaces), answered,
accepted by the right people, escalated by the job with the promise kept honestly, on pages and the API."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from agora.extensions import db

PARIS_TUESDAY_10 = datetime(2026, 12, 8, 9, 0)  # UTC; 10:00 in Paris: due 17:00 Paris = 16:00 UTC


@pytest.fixture
def people(app, make_user):
    """Ana asks; Bob, Carl and Dana know payroll; Eve knows nothing declared; Fay is away."""
    from agora.profiles.services import get_skills

    ana = make_user("ana@example.com", name="Ana Lima", department="Sales")
    bob = make_user("bob@example.com", name="Bob Martin", department="Finance")
    carl = make_user("carl@example.com", name="Carl Roy", department="Finance")
    dana = make_user("dana@example.com", name="Dana Wu", department="HR")
    eve = make_user("eve@example.com", name="Eve Ng", department="Sales")
    fay = make_user("fay@example.com", name="Fay Olsen", department="Finance")
    [payroll] = get_skills(["Payroll"])
    for person in (ana, bob, carl, dana, fay):
        person.profile.skills.append(payroll)
    fay.profile.away_until = date.today() + timedelta(days=3)
    db.session.commit()
    return {"ana": ana, "bob": bob, "carl": carl, "dana": dana, "eve": eve, "fay": fay}


def _ask(asker, title="How do I read my payslip?", space=None, topics=("Payroll",), now=PARIS_TUESDAY_10):
    from agora.questions.services import ask

    question = ask(asker, title=title, body="Details about the **payslip**.", space=space, topics=list(topics),
                   now=now)
    db.session.commit()
    return question


def _routed(question):
    from agora.questions.services import routes

    return {r.user.email for r in routes(question) if r.state == "routed"}


def test_a_question_goes_to_those_who_know_never_the_asker_or_someone_away_and_is_due_by_five(people):
    from agora.notifications.models import Notification

    question = _ask(people["ana"])
    assert question.due_at == datetime(2026, 12, 8, 16, 0)  # 17:00 in Paris
    assert _routed(question) == {"bob@example.com", "carl@example.com", "dana@example.com"}
    told = set(db.session.scalars(db.select(Notification.recipient_id).where(Notification.kind == "question_routed")))
    assert told == {people["bob"].id, people["carl"].id, people["dana"].id}
    assert question.post.kind == "question" and question.state == "open"


def test_work_spreads_to_those_with_the_fewest_open_questions(app, people):
    app.config["AGORA"]["questions"]["experts_per_question"] = 2
    first = _ask(people["ana"])
    second = _ask(people["eve"], title="Where is the payroll calendar?")
    # The first went to two of the three; the second goes first to the one left, then one of the others.
    assert len(_routed(first)) == 2
    assert (_routed(second) - _routed(first)) and len(_routed(second)) == 2


def test_nobody_knows_outside_spaces_goes_to_the_configured_fallback(app, people):
    app.config["AGORA"]["questions"]["fallback"] = ["eve@example.com"]
    question = _ask(people["ana"], title="Who waters the plants?", topics=("Gardening",))
    assert _routed(question) == {"eve@example.com"}


def test_a_question_in_a_secret_space_reaches_only_people_who_may_read_it(people):
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space

    board = create_space("board", "Board", visibility="secret")
    db.session.add_all([Membership(space_id=board.id, user_id=people["ana"].id, role="member"),
                        Membership(space_id=board.id, user_id=people["carl"].id, role="member"),
                        Membership(space_id=board.id, user_id=people["eve"].id, role="moderator")])
    db.session.commit()
    question = _ask(people["ana"], space=board)
    assert _routed(question) == {"carl@example.com"}  # Bob and Dana know payroll but may not read the board
    lonely = _ask(people["ana"], title="Who books the board room?", space=board, topics=("Rooms",))
    assert _routed(lonely) == {"eve@example.com"}  # nobody knows: the space's moderators


def test_passing_reroutes_to_the_suggested_colleague_or_the_next_expert(app, people):
    from agora.core.errors import Forbidden
    from agora.questions.services import pass_question

    app.config["AGORA"]["questions"]["experts_per_question"] = 1
    question = _ask(people["ana"])
    [first] = _routed(question)
    expert = db.session.scalar(db.select(type(people["ana"])).where(type(people["ana"]).email == first))
    pass_question(expert, question, suggestion="eve@example.com")
    assert _routed(question) == {"eve@example.com"}
    with pytest.raises(Forbidden):
        pass_question(people["bob"] if first != "bob@example.com" else people["carl"], question)
    pass_question(people["eve"], question)
    assert len(_routed(question)) == 1 and _routed(question).isdisjoint({first, "eve@example.com"})


def test_the_first_answer_by_someone_else_answers_it_with_honest_figures(people):
    from agora.walls.comments import add_comment

    question = _ask(people["ana"], now=datetime.utcnow() - timedelta(hours=1))
    add_comment(people["ana"], question.post, "Any news?")  # the asker's own comment is no answer
    db.session.refresh(question)
    assert question.state == "open"
    add_comment(people["bob"], question.post, "Box 3 is your net pay.")
    db.session.refresh(question)
    assert question.state == "answered" and question.first_answer_at is not None
    assert question.wall_seconds_to_answer >= 3600 - 5
    assert question.across_departments is True  # Finance answered Sales


def test_only_the_asker_or_a_moderator_accepts_and_the_answerer_is_told(people):
    from agora.core.errors import Forbidden
    from agora.notifications.models import Notification
    from agora.questions.services import accept, withdraw
    from agora.walls.comments import add_comment

    question = _ask(people["ana"])
    answer = add_comment(people["bob"], question.post, "Box 3.")
    with pytest.raises(Forbidden):
        accept(people["carl"], answer.id)
    accept(people["ana"], answer.id)
    db.session.refresh(question)
    assert question.state == "resolved"
    assert db.session.scalar(db.select(Notification).where(Notification.kind == "answer_accepted",
                                                           Notification.recipient_id == people["bob"].id))
    withdraw(people["ana"], answer.id)
    db.session.refresh(question)
    assert question.state == "answered"


def test_the_escalation_reminds_once_then_widens_and_tells_the_asker_the_promise_was_missed(app, people):
    from agora.notifications.models import Notification
    from agora.questions.jobs import escalate
    from agora.questions.services import timeline

    app.config["AGORA"]["questions"]["experts_per_question"] = 1
    question = _ask(people["ana"])
    remind = question.remind_at
    assert remind == datetime(2026, 12, 8, 14, 15)  # 15:15 Paris: a quarter of 11:00 to 17:00 of business time
    assert escalate(remind - timedelta(minutes=1)) == {"reminded": 0, "escalated": 0}
    assert escalate(remind) == {"reminded": 1, "escalated": 0}
    assert escalate(remind + timedelta(minutes=5)) == {"reminded": 0, "escalated": 0}  # never twice
    assert escalate(question.due_at) == {"reminded": 0, "escalated": 1}
    db.session.refresh(question)
    assert question.promise_kept is False and question.status(question.due_at) == "overdue"
    assert len(_routed(question)) == 2  # the next expert was asked too
    assert db.session.scalar(db.select(Notification).where(Notification.kind == "question_missed",
                                                           Notification.recipient_id == people["ana"].id))
    kinds = [e.kind for e in timeline(question)]
    assert kinds[:2] == ["asked", "routed"] and "reminded" in kinds and kinds[-1] == "escalated"


def test_a_late_pass_catches_up_without_a_stale_reminder(people):
    from agora.questions.jobs import escalate

    question = _ask(people["ana"])
    assert escalate(question.due_at + timedelta(hours=3)) == {"reminded": 0, "escalated": 1}


def test_the_escalation_runs_as_a_job(app, people):
    from agora.jobs.services import enqueue
    from tests.mail_helpers import run_jobs

    question = _ask(people["ana"])
    enqueue("questions.escalate", key="test-escalate", now=(question.due_at + timedelta(minutes=1)).isoformat())
    db.session.commit()
    assert run_jobs("questions.escalate") == ["done"]
    db.session.refresh(question)
    assert question.escalated_at is not None


@pytest.mark.parametrize("language, heading, due", [("en", "Questions", "Answer promised by"),
                                                     ("fr", "Questions", "Réponse promise")])
def test_the_questions_page_and_the_card_show_the_promise_in_the_readers_language(client, login, people, language,
                                                                                  heading, due):
    people["bob"].language = language
    db.session.commit()
    _ask(people["ana"], now=datetime.utcnow())
    login(people["bob"])
    page = client.get("/questions?state=unanswered").get_data(as_text=True)
    assert "How do I read my payslip?" in page and due in page
    mine = client.get("/questions/for-you").get_data(as_text=True)
    assert "How do I read my payslip?" in mine


def test_asking_from_the_page_shows_similar_answered_questions_first(client, login, people):
    from agora.walls.comments import add_comment

    old = _ask(people["eve"], title="Reading the payslip boxes")
    add_comment(people["bob"], old.post, "Box 3 is net pay.")
    login(people["ana"])
    form = client.get("/questions/ask").get_data(as_text=True)
    assert 'list="topic-skills"' in form and '<option value="Payroll">' in form  # declared skills are suggested
    page = client.post("/questions/ask", data={"title": "Payslip boxes meaning", "body": "Which box?", "space": "",
                                               "topics": "Payroll", "step": "check"})
    assert "Reading the payslip boxes" in page.get_data(as_text=True)
    done = client.post("/questions/ask", data={"title": "Payslip boxes meaning", "body": "Which box?", "space": "",
                                               "topics": "Payroll", "step": "ask"})
    assert done.status_code == 302
    empty = client.post("/questions/ask", data={"title": "", "body": "x", "space": "", "step": "ask"})
    assert empty.status_code == 400 and "short title" in empty.get_data(as_text=True)


def test_the_api_asks_lists_reads_passes_accepts_and_sets_availability(app, people):
    from agora.accounts.services import create_token

    def auth(user):
        return {"Authorization": f"Bearer {create_token(user, 'test')[1]}"}

    client = app.test_client()
    made = client.post("/api/v1/questions", json={"title": "Payslip?", "body": "Which box?", "topics": ["Payroll"]},
                       headers=auth(people["ana"]))
    assert made.status_code == 201, made.json
    body = made.json
    assert body["state"] == "open" and len(body["routed_to"]) == 3 and body["due_at"].endswith("Z")
    qid = body["id"]
    bob = auth(people["bob"])
    listed = client.get("/api/v1/questions?for=me&state=unanswered", headers=bob).json
    assert [q["id"] for q in listed["questions"]] == [qid]
    assert client.get("/api/v1/questions?state=nonsense", headers=bob).status_code == 400
    shown = client.get(f"/api/v1/questions/{qid}", headers=bob).json
    assert [e["kind"] for e in shown["timeline"]][:2] == ["asked", "routed"]
    assert client.get("/api/v1/questions/999999", headers=bob).status_code == 404
    assert client.post(f"/api/v1/questions/{qid}/pass", json={}, headers=auth(people["eve"])).status_code == 403
    answer = client.post(f"/api/v1/posts/{qid}/comments", json={"body": "Box 3."}, headers=bob).json
    assert client.post(f"/api/v1/comments/{answer['id']}/accept", headers=bob).status_code == 403
    accepted = client.post(f"/api/v1/comments/{answer['id']}/accept", headers=auth(people["ana"])).json
    assert accepted["state"] == "resolved" and accepted["accepted"] == [answer["id"]]
    away = client.put("/api/v1/me/availability", json={"away_until": "2999-01-01"}, headers=bob)
    assert away.json == {"away_until": "2999-01-01"}
    assert client.put("/api/v1/me/availability", json={"away_until": "soon"}, headers=bob).status_code == 400


def test_moderators_name_experts_whom_the_spaces_questions_reach_first(app, client, login, people):
    from agora.spaces.models import Membership
    from agora.spaces.services import create_space

    team = create_space("payroll-team", "Payroll team", visibility="closed")
    db.session.add_all([Membership(space_id=team.id, user_id=people["ana"].id, role="member"),
                        Membership(space_id=team.id, user_id=people["eve"].id, role="member"),
                        Membership(space_id=team.id, user_id=people["dana"].id, role="moderator")])
    db.session.commit()
    member = app.test_client()
    member.environ_base["wsgi.url_scheme"] = "https"
    login(people["eve"], c=member)
    assert member.get("/spaces/payroll-team/experts").status_code == 403  # members do not name experts
    login(people["dana"])
    assert client.post("/spaces/payroll-team/experts", data={"person": "bob@example.com"}).status_code == 400  # no reader
    assert client.post("/spaces/payroll-team/experts", data={"person": "eve@example.com"}).status_code == 302
    assert "Eve Ng" in client.get("/spaces/payroll-team/experts").get_data(as_text=True)
    question = _ask(people["ana"], title="Who signs the team's expenses?", space=team, topics=("Expenses",))
    assert _routed(question) == {"eve@example.com"}  # nobody declares the topic: the space's expert
    page = client.get("/questions?space=payroll-team&state=unanswered").get_data(as_text=True)
    assert "Who signs the team" in page
    assert client.get("/questions?space=no-such-space").status_code == 404
    client.post("/spaces/payroll-team/experts", data={"remove": people["eve"].handle})
    assert "Eve Ng" not in client.get("/spaces/payroll-team/experts").get_data(as_text=True)


def test_the_list_filters_by_topic_and_department_and_keeps_them_across_tabs(client, login, people):
    _ask(people["ana"], title="Payslip box 3?", now=datetime.utcnow())
    _ask(people["eve"], title="Payslip box 4?", now=datetime.utcnow())
    login(people["bob"])
    page = client.get("/questions?topic=payroll&department=sales").get_data(as_text=True)
    assert "Payslip box 3?" in page and "Payslip box 4?" in page  # both asked from Sales
    assert client.get("/questions?topic=knitting").status_code == 404
    assert "topic=Payroll" in page  # the tabs keep the filters


def test_a_hashtag_naming_a_declared_skill_is_a_topic_too(people):
    from agora.questions.services import ask

    question = ask(people["eve"], title="Where is box 3?", body="It is about #payroll", topics=[], now=PARIS_TUESDAY_10)
    db.session.commit()
    assert [t.name for t in question.topics] == ["Payroll"]
    routed = _routed(question)
    assert len(routed) == 3 and routed <= {"ana@example.com", "bob@example.com", "carl@example.com", "dana@example.com"}


def test_the_question_page_shows_its_timeline_and_the_accept_button_to_the_asker_only(app, client, login, people):
    from agora.walls.comments import add_comment

    question = _ask(people["ana"])
    add_comment(people["bob"], question.post, "Box 3.")
    login(people["ana"])
    page = client.get(f"/posts/{question.post_id}").get_data(as_text=True)
    assert "What happened to this question" in page and "sent to Bob Martin" in page and "first answer, by" in page
    assert "Accept this answer" in page
    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    login(people["eve"], c=other)
    assert "Accept this answer" not in other.get(f"/posts/{question.post_id}").get_data(as_text=True)


def test_a_deleted_question_is_not_escalated_nor_counted_as_missed(people):
    from agora.questions.jobs import escalate
    from agora.walls.services import delete_post

    question = _ask(people["ana"])
    delete_post(people["ana"], question.post)
    assert escalate(question.due_at) == {"reminded": 0, "escalated": 0}
    db.session.refresh(question)
    assert question.promise_kept is None

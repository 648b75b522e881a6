"""`flask users ...` through Click's test runner: messages, exit codes, effects."""
import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=["users", *args], **kw)


def _user(email):
    from agora.accounts.models import User
    from agora.extensions import db
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def test_create_with_a_password_then_log_in(cli, client):
    result = cli("create", "Lea@Example.com", "--name", "Léa Dubois", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "lea@example.com" in result.output and PASSWORD not in result.output
    user = _user("lea@example.com")
    assert user.name == "Léa Dubois" and not user.is_admin
    assert client.post("/login", data={"email": "lea@example.com", "password": PASSWORD}).status_code == 302


def test_create_without_password_prints_a_strong_one_once(cli, client):
    result = cli("create", "max@example.com", "--name", "Max", "--admin")
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    assert len(password) >= 16
    assert _user("max@example.com").is_admin
    assert client.post("/login", data={"email": "max@example.com", "password": password}).status_code == 302


def test_create_places_the_person_in_the_organisation(cli, make_user):
    make_user("boss@example.com", name="Boss")
    result = cli("create", "new@example.com", "--name", "New Person", "--password", PASSWORD,
                 "--department", "Research", "--title", "Chemist", "--manager", "boss@example.com")
    assert result.exit_code == 0, result.output
    user = _user("new@example.com")
    assert user.department_name == "Research"
    assert user.profile.title == "Chemist"
    assert user.profile.manager.email == "boss@example.com"


@pytest.mark.parametrize("args, message", [
    (["dup@example.com", "--name", "Again"], "already exists"),
    (["other@example.com", "--name", "X", "--manager", "ghost@example.com"], "ghost@example.com"),
    (["not-an-email", "--name", "X"], "email"),
    (["short@example.com", "--name", "X", "--password", "abc"], "password"),
])
def test_create_errors_exit_1_without_traceback(cli, make_user, args, message):
    make_user("dup@example.com", name="First")
    result = cli("create", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert _user("other@example.com") is None and _user("short@example.com") is None
    assert _user("dup@example.com").name == "First"


@pytest.mark.parametrize("command", [["deactivate"], ["reactivate"], ["token"], ["set-password"]])
def test_unknown_email_exits_1(cli, command):
    result = cli(*command, "ghost@example.com")
    assert result.exit_code == 1
    assert "No account for ghost@example.com" in result.output and "Traceback" not in result.output


def test_deactivate_keeps_the_account_and_refuses_login(cli, client, make_user):
    make_user("ana@example.com")
    result = cli("deactivate", "ana@example.com")
    assert result.exit_code == 0, result.output
    assert _user("ana@example.com") is not None
    assert client.post("/login", data={"email": "ana@example.com", "password": PASSWORD}).status_code == 400
    assert cli("token", "ana@example.com").exit_code == 1


def test_token_prints_a_working_token(app, cli, make_user):
    make_user("ana@example.com")
    result = cli("token", "ana@example.com", "--name", "nightly export")
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json["email"] == "ana@example.com"
    from agora.accounts import services
    assert [t.name for t in services.list_tokens(_user("ana@example.com"))] == ["nightly export"]


def test_set_password_prompts_twice_and_ends_sessions(app, cli, client, make_user, login):
    ana = make_user("ana@example.com")
    login(ana)
    result = cli("set-password", "ana@example.com", input="a brand new secret\na brand new secret\n")
    assert result.exit_code == 0, result.output
    assert "a brand new secret" not in result.output
    assert client.get("/settings").status_code == 302
    assert client.post("/login", data={"email": ana.email, "password": "a brand new secret"}).status_code == 302


def test_set_password_too_short_exits_1(cli, client, make_user):
    make_user("ana@example.com")
    result = cli("set-password", "ana@example.com", input="short\nshort\n")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert client.post("/login", data={"email": "ana@example.com", "password": PASSWORD}).status_code == 302

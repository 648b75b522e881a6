"""Login, logout, registration and the settings page, over HTTP."""
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def ana(make_user):
    return make_user("ana@example.com", name="Ana Lima")


def _second_client(app):
    c = app.test_client()
    c.environ_base["wsgi.url_scheme"] = "https"
    return c


# --- Login and logout ---------------------------------------------------------------------

def test_login_then_logout(client, ana, login):
    assert client.get("/settings").status_code == 302
    login(ana)
    page = client.get("/settings")
    assert page.status_code == 200
    assert "Ana Lima" in page.get_data(as_text=True)
    response = client.post("/logout")
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.get("/settings").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, ana):
    wrong = client.post("/login", data={"email": ana.email, "password": "not the password"})
    unknown = client.post("/login", data={"email": "nobody@example.com", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 400
    assert "Wrong email or password." in wrong.get_data(as_text=True)
    assert "Wrong email or password." in unknown.get_data(as_text=True)
    assert client.get("/settings").status_code == 302


def test_email_is_matched_case_insensitively(client, ana):
    response = client.post("/login", data={"email": "  ANA@Example.com ", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/people", "/people"),
    ("//evil.example.com/x", "/"),
    ("https://evil.example.com/", "/"),
    ("/\\evil.example.com", "/"),
])
def test_next_only_redirects_inside_the_site(client, ana, target, expected):
    response = client.post("/login", query_string={"next": target}, data={"email": ana.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == expected


def test_logout_ends_the_server_side_session(app, client, ana, login):
    login(ana)
    cookie = client.get_cookie("agora_session").value
    client.post("/logout")
    thief = _second_client(app)
    thief.set_cookie("agora_session", cookie)
    assert thief.get("/settings").status_code == 302


def test_deactivated_account_cannot_log_in(client, ana):
    from agora.accounts import services
    services.deactivate(ana)
    response = client.post("/login", data={"email": ana.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_last_seen_is_written_at_most_once_a_minute(app, client, ana, login, count_queries):
    from agora.accounts.models import UserSession
    from agora.extensions import db
    login(ana)
    row = db.session.scalars(db.select(UserSession)).one()
    first_seen = row.last_seen_at
    with count_queries() as q:
        client.get("/settings")
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in q.statements)
    row.last_seen_at = first_seen - timedelta(minutes=5)
    db.session.commit()
    with count_queries() as q:
        client.get("/settings")
    assert sum(s.lstrip().upper().startswith("UPDATE user_sessions".upper()) for s in q.statements) == 1
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).last_seen_at > first_seen - timedelta(minutes=1)


# --- Settings: language --------------------------------------------------------------------

def test_language_preference_is_saved(client, ana, login):
    login(ana)
    response = client.post("/settings/language", data={"language": "fr"})
    assert response.status_code == 302
    page = client.get("/settings")
    assert '<html lang="fr">' in page.get_data(as_text=True)


def test_unknown_language_is_a_field_error(client, ana, login):
    login(ana)
    response = client.post("/settings/language", data={"language": "xx"})
    assert response.status_code == 400
    assert 'id="language-error"' in response.get_data(as_text=True)


# --- Settings: password --------------------------------------------------------------------

def test_password_change_keeps_this_session_and_ends_the_others(app, client, ana, login):
    other = login(ana, c=_second_client(app))
    login(ana)
    response = client.post("/settings/password", data={
        "current_password": PASSWORD, "new_password": "a much longer secret", "confirm": "a much longer secret"})
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200
    assert other.get("/settings").status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": ana.email, "password": PASSWORD}).status_code == 400
    assert client.post("/login", data={"email": ana.email, "password": "a much longer secret"}).status_code == 302


@pytest.mark.parametrize("data, field", [
    ({"current_password": "wrong one!!", "new_password": "a much longer secret", "confirm": "a much longer secret"},
     "current_password"),
    ({"current_password": PASSWORD, "new_password": "short", "confirm": "short"}, "new_password"),
    ({"current_password": PASSWORD, "new_password": "a much longer secret", "confirm": "something else"}, "confirm"),
])
def test_bad_password_change_shows_the_field_error_and_changes_nothing(client, ana, login, data, field):
    login(ana)
    response = client.post("/settings/password", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    client.post("/logout")
    assert client.post("/login", data={"email": ana.email, "password": PASSWORD}).status_code == 302


# --- Settings: sessions --------------------------------------------------------------------

def test_sessions_are_listed_and_others_can_be_logged_out(app, client, ana, login):
    other = _second_client(app)
    other.environ_base["HTTP_USER_AGENT"] = "OtherBrowser/1.0"
    login(ana, c=other)
    login(ana)
    page = client.get("/settings").get_data(as_text=True)
    assert "OtherBrowser/1.0" in page
    assert "this session" in page
    response = client.post("/settings/sessions/end-others")
    assert response.status_code == 302
    assert other.get("/settings").status_code == 302
    page = client.get("/settings").get_data(as_text=True)
    assert "OtherBrowser/1.0" not in page
    assert "1 other session(s) logged out." in page


def test_settings_page_runs_a_constant_number_of_queries(app, client, ana, login, count_queries):
    from agora.accounts import services
    login(ana)
    client.get("/settings")
    with count_queries() as few:
        client.get("/settings")
    for i in range(5):
        services.create_token(ana, f"script {i}")
        login(ana, c=_second_client(app))
    with count_queries() as many:
        client.get("/settings")
    assert many.count == few.count


# --- Registration --------------------------------------------------------------------------

def test_registration_is_404_when_disabled(client):
    assert client.get("/register").status_code == 404
    assert client.post("/register", data={"name": "X", "email": "x@example.com",
                                          "password": PASSWORD, "confirm": PASSWORD}).status_code == 404
    assert "/register" not in client.get("/login").get_data(as_text=True)


OPEN = {"auth": {"self_registration": True}}
WORK_ONLY = {"auth": {"self_registration": True, "allowed_email_domains": ["example.com"]}}
NEW = {"name": "Zoé Martin", "email": "zoe@example.com", "password": PASSWORD, "confirm": PASSWORD}


@pytest.mark.parametrize("app_config", [OPEN])
def test_self_registration_creates_the_account_and_logs_in(client):
    assert "/register" in client.get("/login").get_data(as_text=True)
    assert client.get("/register").status_code == 200
    response = client.post("/register", data=NEW)
    assert response.status_code == 302
    assert "Zoé Martin" in client.get("/settings").get_data(as_text=True)
    client.post("/logout")
    assert client.post("/login", data={"email": "zoe@example.com", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("app_config", [OPEN])
def test_registration_errors_keep_what_was_typed(client, make_user):
    make_user("zoe@example.com")
    response = client.post("/register", data=NEW)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'id="email-error"' in text and "Zoé Martin" in text
    response = client.post("/register", data={**NEW, "email": "new@example.com", "password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert 'id="password-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [WORK_ONLY])
def test_registration_is_restricted_to_the_allowed_domains(client):
    response = client.post("/register", data={**NEW, "email": "zoe@gmail.com"})
    assert response.status_code == 400
    assert "@example.com" in response.get_data(as_text=True)
    assert client.get("/settings").status_code == 302
    assert client.post("/register", data={**NEW, "email": "Zoe@EXAMPLE.com"}).status_code == 302

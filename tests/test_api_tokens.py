"""Personal API tokens over HTTP: created and revoked on the settings page, used as Bearer."""
import re

import pytest


@pytest.fixture
def ana(make_user):
    return make_user("ana@example.com", name="Ana Lima", department="Sales", title="Account manager")


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def _create(client, name="deploy script"):
    response = client.post("/settings/tokens", data={"name": name})
    assert response.status_code == 200
    return re.search(r'id="new-token"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_token_is_shown_once_then_works_as_bearer(app, client, ana, login):
    login(ana)
    secret = _create(client)
    assert secret.startswith("agora_")
    page = client.get("/settings").get_data(as_text=True)
    assert "deploy script" in page and secret[:12] in page and secret not in page
    api = app.test_client()
    response = api.get("/api/v1/me", headers=_bearer(secret))
    assert response.status_code == 200
    assert response.json == {"id": ana.id, "handle": ana.handle, "name": "Ana Lima", "email": "ana@example.com",
                             "language": None, "title": "Account manager", "department": "Sales",
                             "roles": ["employee"]}
    assert "Never" not in client.get("/settings").get_data(as_text=True)  # last use is now recorded


@pytest.mark.parametrize("app_config", [{"hr": {"emails": ["ana@example.com"]}}])
def test_me_lists_roles_from_the_policy(app, ana):
    from agora.accounts import services
    _token, secret = services.create_token(ana, "x")
    assert app.test_client().get("/api/v1/me", headers=_bearer(secret)).json["roles"] == ["employee", "hr"]


def test_revoked_token_is_refused(app, client, ana, login):
    from agora.accounts import services
    login(ana)
    secret = _create(client)
    token = services.list_tokens(ana)[0]
    assert client.post(f"/settings/tokens/{token.id}/revoke").status_code == 302
    assert "Revoked on" in client.get("/settings").get_data(as_text=True)
    response = app.test_client().get("/api/v1/me", headers=_bearer(secret))
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer agora_not-a-real-token"},
    {"Authorization": "Basic YW5hQGV4YW1wbGUuY29tOnBhc3N3b3Jk"},
    {"Authorization": "bearer\x7f\x00junk"},
])
def test_missing_or_malformed_token_gets_json_401(app, ana, headers):
    response = app.test_client().get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.is_json and response.json["error"]["status"] == 401


def test_session_cookie_does_not_open_the_api(client, ana, login):
    login(ana)
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.is_json


def test_another_users_token_cannot_be_revoked(app, client, ana, make_user, login):
    from agora.accounts import services
    bob = make_user("bob@example.com", name="Bob")
    bob_token, bob_secret = services.create_token(bob, "bob's script")
    login(ana)
    assert client.post(f"/settings/tokens/{bob_token.id}/revoke").status_code == 404
    assert client.post("/settings/tokens/999999/revoke").status_code == 404
    assert app.test_client().get("/api/v1/me", headers=_bearer(bob_secret)).status_code == 200
    assert "bob&#39;s script" not in client.get("/settings").get_data(as_text=True)


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_bad_token_name_is_a_field_error(client, ana, login, name):
    login(ana)
    response = client.post("/settings/tokens", data={"name": name})
    assert response.status_code == 400
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert "new-token" not in response.get_data(as_text=True)


def test_cli_token_works_on_the_api(app, ana):
    result = app.test_cli_runner().invoke(args=["users", "token", "ana@example.com", "--name", "cron"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert app.test_client().get("/api/v1/me", headers=_bearer(secret)).json["email"] == "ana@example.com"

"""Rate limits, CSRF, security headers, cookies and session invalidation."""
import pytest

from tests.conftest import PASSWORD


def _client(app):
    c = app.test_client()
    c.environ_base["wsgi.url_scheme"] = "https"
    return c


@pytest.fixture
def ana(make_user):
    return make_user("ana@example.com", name="Ana Lima")


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "limits": {"login": "3 per minute"}}])
def test_login_is_rate_limited_with_retry_after(client, ana):
    for _ in range(3):
        assert client.post("/login", data={"email": ana.email, "password": "wrong password"}).status_code == 400
    blocked = client.post("/login", data={"email": ana.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    assert "Too many requests" in blocked.get_data(as_text=True)
    assert client.get("/settings").status_code == 302  # the right password did not get through
    # Reading the page is not limited, only attempts are.
    assert client.get("/login").status_code == 200


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_HEADERS_ENABLED": False,
                                         "limits": {"login": "1 per minute"}}])
def test_retry_after_comes_from_the_error_handler_too(client, ana):
    client.post("/login", data={"email": ana.email, "password": "wrong password"})
    blocked = client.post("/login", data={"email": ana.email, "password": "wrong password"})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0


CSRF_ON = {"WTF_CSRF_ENABLED": True}


def _csrf_token(client, path):
    import re
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("app_config", [CSRF_ON])
def test_login_without_csrf_token_is_refused(client, ana):
    refused = client.post("/login", data={"email": ana.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert client.get("/settings").status_code == 302
    token = _csrf_token(client, "/login")
    ok = client.post("/login", data={"email": ana.email, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302


@pytest.mark.parametrize("app_config", [CSRF_ON])
def test_logout_and_settings_forms_need_the_csrf_token(client, ana):
    token = _csrf_token(client, "/login")
    assert client.post("/login", data={"email": ana.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    from agora.accounts import services
    api_token, _secret = services.create_token(ana, "script")
    attempts = [
        ("/settings/language", {"language": "fr"}),
        ("/settings/password", {"current_password": PASSWORD, "new_password": "x" * 20, "confirm": "x" * 20}),
        ("/settings/sessions/end-others", {}),
        ("/settings/tokens", {"name": "sneaky"}),
        (f"/settings/tokens/{api_token.id}/revoke", {}),
        ("/logout", {}),
    ]
    for path, data in attempts:
        assert client.post(path, data=data).status_code == 400, path
        assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 400, path
    page = client.get("/settings")
    assert page.status_code == 200  # still logged in: the logout without a token did nothing
    text = page.get_data(as_text=True)
    assert "sneaky" not in text and "Revoked" not in text and '<html lang="en">' in text
    token = _csrf_token(client, "/settings")
    assert client.post("/settings/tokens", data={"name": "real", "csrf_token": token}).status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/settings").status_code == 302


def test_security_headers_and_cookie_flags_on_a_real_login(client, ana):
    response = client.post("/login", data={"email": ana.email, "password": PASSWORD})
    assert response.status_code == 302
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("agora_session="))
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags
    page = client.get("/settings")
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(client, ana, login):
    import re
    login(ana)
    for path in ("/settings", "/login"):
        text = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert " style=" not in text and "<style" not in text, path
        assert '="None"' not in text, path  # aria-describedby="None" would point screen readers nowhere


def test_password_change_ends_other_sessions_only(app, client, ana, login):
    second = login(ana, c=_client(app))
    login(ana)
    client.post("/settings/password", data={"current_password": PASSWORD, "new_password": "brand new secret",
                                            "confirm": "brand new secret"})
    assert client.get("/settings").status_code == 200
    assert second.get("/settings").status_code == 302


def test_deactivation_ends_everything_but_keeps_the_account(app, client, ana, login):
    from agora.accounts import services
    from agora.accounts.models import User
    from agora.extensions import db
    second = login(ana, c=_client(app))
    login(ana)
    _token, secret = services.create_token(ana, "script")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    result = app.test_cli_runner().invoke(args=["users", "deactivate", "ana@example.com"])
    assert result.exit_code == 0, result.output
    assert client.get("/settings").status_code == 302
    assert second.get("/settings").status_code == 302
    assert client.post("/login", data={"email": ana.email, "password": PASSWORD}).status_code == 400
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    db.session.expire_all()
    assert db.session.scalar(db.select(User).where(User.email == "ana@example.com")).active is False


def test_reactivation_allows_login_again(app, client, ana):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "deactivate", ana.email])
    result = runner.invoke(args=["users", "reactivate", ana.email])
    assert result.exit_code == 0, result.output
    assert client.post("/login", data={"email": ana.email, "password": PASSWORD}).status_code == 302

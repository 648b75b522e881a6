"""Error pages: every status in both languages, JSON on the API, never a stack trace."""
import pytest
from flask import abort

FR = {"Accept-Language": "fr"}


def fr(english: str) -> str:
    """The French catalogue's translation of `english` (whatever wording the translator chose)."""
    from flask_babel import force_locale, gettext
    from markupsafe import escape

    with force_locale("fr"):
        return str(escape(gettext(english)))


@pytest.fixture
def app_config():
    return {"content": {"max_upload_mb": 1}}


@pytest.fixture
def boom(app):
    """Test-only routes that fail the way real code can, registered before the first request."""

    def explode():
        raise RuntimeError("secret-internal-detail in /srv/agora/agora/walls/services.py line 42")

    def sql_explode():
        from agora.extensions import db
        db.session.execute(db.text("SELECT * FROM no_such_table_here"))

    def status(code):
        abort(code)

    app.add_url_rule("/test-boom", "test_boom", explode)
    app.add_url_rule("/test-sql-boom", "test_sql_boom", sql_explode)
    app.add_url_rule("/api/v1/test-boom", "test_api_boom", explode)
    def echo():
        from flask import request
        return {"size": len(request.get_json())}

    app.add_url_rule("/api/v1/test-echo", "test_api_echo", echo, methods=["POST"])
    app.add_url_rule("/test-status/<int:code>", "test_status", status)
    app.add_url_rule("/api/v1/test-status/<int:code>", "test_api_status", status)
    return app


def _no_trace(response):
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    assert "secret-internal-detail" not in body
    assert "RuntimeError" not in body
    assert ".py" not in body
    return body


@pytest.mark.parametrize("code, english", [
    (400, "Bad request"), (403, "Not allowed"), (404, "Page not found"), (405, "Method not allowed"),
    (413, "Too large"), (429, "Too many requests"), (500, "Something went wrong"),
])
def test_error_pages_in_english_and_french(client, boom, code, english):
    response = client.get(f"/test-status/{code}")
    assert response.status_code == code
    assert response.mimetype == "text/html"
    body = _no_trace(response)
    assert f"<h1 id=\"error-title\">{english}</h1>" in body
    assert '<html lang="en">' in body
    assert '<main id="main"' in body  # the page keeps the site's landmarks and skip link

    response = client.get(f"/test-status/{code}", headers=FR)
    assert response.status_code == code
    body = _no_trace(response)
    assert '<html lang="fr">' in body
    french = fr(english)
    assert french != english, f"{code}: '{english}' has no French translation yet"
    assert f"<h1 id=\"error-title\">{french}</h1>" in body


@pytest.mark.parametrize("code, name", [
    (400, "bad_request"), (403, "forbidden"), (404, "not_found"), (405, "method_not_allowed"),
    (413, "too_large"), (429, "rate_limited"), (500, "server_error"),
])
def test_api_errors_are_json(client, boom, code, name):
    response = client.get(f"/api/v1/test-status/{code}")
    assert response.status_code == code
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["status"] == code
    assert error["code"] == name
    assert error["message"]


def test_unexpected_exception_is_a_plain_500_page(client, boom):
    response = client.get("/test-boom", headers=FR)
    assert response.status_code == 500
    body = _no_trace(response)
    assert fr("Something went wrong") in body


def test_unexpected_exception_on_the_api_is_json_without_details(client, boom):
    response = client.get("/api/v1/test-boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    _no_trace(response)


def test_failed_sql_statement_still_renders_the_error_page_for_a_logged_in_user(client, boom, make_user, login):
    # On PostgreSQL a failed statement aborts the transaction; the page must still render.
    login(make_user("ana@example.com", name="Ana Lima"))
    response = client.get("/test-sql-boom")
    assert response.status_code == 500
    body = _no_trace(response)
    assert "no_such_table_here" not in body
    assert "Ana Lima" in body  # the full page, with the reader's menu
    assert client.get("/people").status_code == 200


def test_unknown_page_is_404_html_and_unknown_api_path_is_404_json(client):
    response = client.get("/no/such/page", headers=FR)
    assert response.status_code == 404
    assert fr("Page not found") in response.get_data(as_text=True)
    response = client.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_with_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Method not allowed" in response.get_data(as_text=True)


def test_oversized_body_is_413(client):
    big = "x" * (3 * 1024 * 1024)  # the test config allows 1 MB uploads (+1 MB for the form)
    response = client.post("/login", data={"email": "a@example.com", "password": big}, headers=FR)
    assert response.status_code == 413
    assert fr("Too large") in _no_trace(response)


def test_oversized_api_body_is_413_json(client, boom):
    assert client.post("/api/v1/test-echo", json={"a": 1}).get_json() == {"size": 1}
    response = client.post("/api/v1/test-echo", data=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                           content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_missing_csrf_token_explains_what_to_do(self, client):
        response = client.post("/login", data={"email": "a@example.com", "password": "whatever-long"})
        assert response.status_code == 400
        body = _no_trace(response)
        assert "The form expired" in body


class TestRealRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"limits": {"login": "2 per minute"}, "RATELIMIT_ENABLED": True}

    def test_login_rate_limit_answers_a_translated_429_with_retry_after(self, client):
        for _ in range(2):
            client.post("/login", data={"email": "a@example.com", "password": "wrong password"})
        response = client.post("/login", data={"email": "a@example.com", "password": "wrong password"},
                               headers=FR)
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        assert fr("Too many requests") in _no_trace(response)


def _every_route_with(app, client, make_user, login, converter_class, value) -> tuple[int, list[str]]:
    """Each route with an argument of `converter_class`, called with `value` in it: how many, and what was no 404.

    (Never a 405: Werkzeug finds a route of another method for the path before it converts the arguments.)
    """
    from agora.accounts.services import create_token

    ana = make_user("ana@example.com", name="Ana Lima")
    login(ana)
    headers = {"Authorization": f"Bearer {create_token(ana, 'x')[1]}"}
    adapter, wrong, tried = app.url_map.bind("localhost"), [], 0
    for rule in app.url_map.iter_rules():
        chosen = [name for name, converter in rule._converters.items() if type(converter) is converter_class]
        if not chosen or rule.rule.startswith("/static"):
            continue
        values = {name: (value if name in chosen else sorted(converter.items)[0] if hasattr(converter, "items")
                         else 1 if hasattr(converter, "signed") else "x")
                  for name, converter in rule._converters.items()}
        path = adapter.build(rule.endpoint, values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            tried += 1
            answer = client.open(path, method=method, headers=headers if path.startswith("/api/") else {})
            if answer.status_code != 404:
                wrong.append(f"{method} {path}: {answer.status_code}")
    return tried, wrong


def test_a_number_too_large_for_the_database_in_any_route_is_a_404(app, client, make_user, login):
    # Found by the fuzzer: /api/v1/posts/99999999999999999999 raised OverflowError in SQLite's driver, and
    # /api/v1/moderation/appeals/3073755722/decision "integer out of range" in PostgreSQL (500s).
    type_ = type(app.url_map.converters["int"](app.url_map))
    tried, wrong = _every_route_with(app, client, make_user, login, type_, 2**31)
    assert tried > 20 and wrong == [], "\n".join(wrong)
    headers = {"Authorization": f"Bearer {_token(make_user)}"}
    assert client.get(f"/api/v1/posts/{2**31 - 1}", headers=headers).status_code == 404  # the largest id: unknown
    assert client.get(f"/api/v1/posts/{10**20}", headers=headers).status_code == 404


def test_a_nul_in_any_route_s_text_argument_is_a_404(app, client, make_user, login):
    # Found after the fuzzer: /api/v1/spaces/a%00b answered 500 on PostgreSQL, which refuses NUL in a parameter.
    type_ = type(app.url_map.converters["default"](app.url_map))
    tried, wrong = _every_route_with(app, client, make_user, login, type_, "a\x00b")
    assert tried > 20 and wrong == [], "\n".join(wrong)


def _token(make_user) -> str:
    from agora.accounts.services import create_token

    return create_token(make_user("zoe@example.com", name="Zoé"), "x")[1]

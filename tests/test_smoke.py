def test_login_page_renders_with_security_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_login_and_logout(client, make_user, login):
    user = make_user("ana@example.com", name="Ana Lima")
    login(user)
    assert client.get("/people").status_code == 200
    client.post("/logout")
    assert client.get("/people").status_code == 302

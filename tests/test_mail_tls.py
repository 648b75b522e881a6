"""Email over STARTTLS and TLS: delivered intact, the certificate and its host name checked, a login over TLS,
plain SMTP refused by a server that requires STARTTLS, and `flask mail test` saying which went wrong."""
from __future__ import annotations

import ssl
from email.message import EmailMessage

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, LoginPassword

from agora.extensions import db
from tests.mail_helpers import BASE_URL, run_jobs
from tests.smtp_server import SmtpServer

LOGIN, PASSWORD = "agora-relay", "s3cret relay pass"


@pytest.fixture(scope="module")
def ca():
    """The company's own CA, which signed the mail servers' certificates."""
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca, tmp_path_factory):
    path = tmp_path_factory.mktemp("ca") / "company-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _server_context(ca, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (LOGIN.encode(),
                                                                                            PASSWORD.encode())
    return AuthResult(success=ok, handled=False, auth_data=auth_data)  # handled=False: aiosmtpd answers 535


@pytest.fixture(scope="module")
def servers(ca):
    """A STARTTLS server that refuses mail before it (and offers a login after), a TLS one, a misnamed one."""
    started = {
        "starttls": SmtpServer(tls_context=_server_context(ca, "127.0.0.1"), require_starttls=True,
                               authenticator=_authenticator),
        "tls": SmtpServer(ssl_context=_server_context(ca, "127.0.0.1")),
        "misnamed": SmtpServer(ssl_context=_server_context(ca, "mail.other.example")),
    }
    for server in started.values():
        server.start()
    yield started
    for server in started.values():
        server.stop()


@pytest.fixture
def app_config(servers, ca_file):
    return {"mail": {"enabled": True, "host": "127.0.0.1", "port": servers["starttls"].port, "security": "starttls",
                     "ca_file": ca_file, "sender": "Agora <agora@agora.example>"},
            "site": {"base_url": BASE_URL}}


def _use(app, servers, name: str, **mail) -> SmtpServer:
    """Point [mail] at server `name` (its security unless given) with the other keys of `mail`; cleared."""
    server = servers[name]
    security = "tls" if name in ("tls", "misnamed") else "starttls"
    app.config["AGORA"]["mail"].update({"port": server.port, "security": security, **mail})
    server.clear()
    return server


def _mail_test(app, address="admin@example.com"):
    return app.test_cli_runner().invoke(args=["mail", "test", address])


def _tricky_message() -> EmailMessage:
    # What SMTP could damage on the way: non-ASCII, a line longer than 998 bytes, lines starting with a dot
    # (dot-stuffing) or "From ", a lone dot.
    text = "Réunion à 9 h — ça marche ?\n.\n.hidden\nFrom the team\n" + "long " * 300 + "\nfin\n"
    message = EmailMessage()
    message["Subject"] = "Compte rendu : ça avance"
    message["From"] = "Agora <agora@agora.example>"
    message["To"] = "Zoé Çelik <zoe@example.com>"
    message["Message-ID"] = "<tls-test@agora.example>"
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(f"<p>{text}</p>", subtype="html", cte="quoted-printable")
    return message


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_a_message_arrives_intact_over_starttls_and_tls(app, servers, mode):
    from agora.mail import smtp

    server = _use(app, servers, mode)
    sent = _tricky_message()
    assert smtp.send(app.config["AGORA"]["mail"], sent) == "250 2.0.0 Ok: queued as TEST1"
    [received] = server.messages
    assert server.sessions == [{"tls": True, "login": None}]
    for header in ("Subject", "From", "To", "Message-ID"):
        assert received[header] == sent[header]
    for kind in ("plain", "html"):  # line for line: on the wire every line ends in CRLF
        assert received.get_body((kind,)).get_content().splitlines() == \
            sent.get_body((kind,)).get_content().splitlines()
    result = _mail_test(app)
    assert result.exit_code == 0, result.output
    assert "The server answered: 250 2.0.0 Ok: queued as TEST1" in result.output
    assert server.messages[-1]["Subject"] == "Agora: a test message" and server.sessions[-1]["tls"]


def test_a_mention_is_emailed_over_starttls_after_logging_in_with_the_password_from_the_environment(
        app, servers, make_user, monkeypatch):
    from agora.walls.services import create_post

    monkeypatch.setenv("AGORA_TEST_SMTP_PASSWORD", PASSWORD)
    server = _use(app, servers, "starttls", username=LOGIN, password_env="AGORA_TEST_SMTP_PASSWORD")
    ana, bob = make_user("ana@example.com", name="Ana Lima"), make_user("bob@example.com", name="Bob Martin")
    create_post(bob, person=bob, body=f"@{ana.handle} the figures are in")
    assert run_jobs() == ["done"]
    [message] = server.messages
    assert message["Subject"] == "Bob Martin mentioned you" and message["To"] == "Ana Lima <ana@example.com>"
    assert server.sessions == [{"tls": True, "login": LOGIN}]


def test_a_wrong_password_is_refused_and_flask_mail_test_says_it_was_the_login(app, servers):
    server = _use(app, servers, "starttls", username=LOGIN, password="not it")
    result = _mail_test(app)
    assert result.exit_code == 1
    assert "The server refused the login of [mail] username: 535" in result.output
    assert server.messages == []


def test_plain_smtp_to_a_server_that_requires_starttls_is_refused_and_retried_not_sent(app, servers, make_user):
    from agora.jobs.models import Job
    from agora.mail import smtp
    from agora.walls.services import create_post

    server = _use(app, servers, "starttls", security="none")
    with pytest.raises(smtp.Refused) as refused:
        smtp.send(app.config["AGORA"]["mail"], _tricky_message())
    assert (refused.value.stage, refused.value.code) == ("mail", 530)
    result = _mail_test(app)
    assert result.exit_code == 1
    assert "The server refused the message: 530 Must issue a STARTTLS command first" in result.output
    ana, bob = make_user("ana@example.com"), make_user("bob@example.com")
    create_post(bob, person=bob, body=f"@{ana.handle} hello")
    assert run_jobs() == ["queued"]  # a refusal of the connection, not of the address: tried again later
    job = db.session.scalars(db.select(Job)).one()
    assert "530" in job.detail and job.attempts == 1
    assert server.messages == []


@pytest.mark.parametrize("mode", ["starttls", "tls"])
@pytest.mark.parametrize("trusted", ["the system's CAs", "another CA"])
def test_a_certificate_signed_by_a_ca_the_client_does_not_trust_is_refused(app, servers, make_user, tmp_path,
                                                                            mode, trusted):
    from agora.jobs.models import Job
    from agora.walls.services import create_post

    ca_file = ""
    if trusted == "another CA":
        ca_file = str(tmp_path / "other-ca.pem")
        trustme.CA().cert_pem.write_to_path(ca_file)
    server = _use(app, servers, mode, ca_file=ca_file)
    result = _mail_test(app)
    assert result.exit_code == 1
    assert "The server's certificate was refused: unable to get local issuer certificate." in result.output
    assert "[mail] ca_file" in result.output
    ana, bob = make_user("ana@example.com"), make_user("bob@example.com")
    create_post(bob, person=bob, body=f"@{ana.handle} hello")
    assert run_jobs() == ["queued"]
    assert "CERTIFICATE_VERIFY_FAILED" in db.session.scalars(db.select(Job)).one().detail
    assert server.messages == []


def test_a_trusted_certificate_for_another_host_name_is_refused(app, servers):
    server = _use(app, servers, "misnamed")
    result = _mail_test(app)
    assert result.exit_code == 1
    assert ("The server's certificate was refused: IP address mismatch, certificate is not valid for '127.0.0.1'. "
            "Check [mail] host") in result.output
    assert server.messages == []

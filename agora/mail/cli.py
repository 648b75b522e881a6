"""`flask mail test ADDRESS`."""
import ssl

import click
from flask.cli import AppGroup

from agora.mail import services, smtp

mail_cli = AppGroup("mail", help="Outgoing email.")


@mail_cli.command("test")
@click.argument("address")
def test_command(address):
    """Send a test message to ADDRESS now and print the SMTP server's answer."""
    if not services.enabled():
        raise click.ClickException("Mail is switched off: set [mail] enabled = true in the config file.")
    try:
        answer = services.send_test(address)
    except smtp.Refused as refusal:
        raise click.ClickException(f"The server refused the message: {refusal.code} {refusal.answer}") from None
    except ssl.SSLCertVerificationError as exc:
        raise click.ClickException(
            f"The server's certificate was refused: {exc.verify_message.rstrip('.')}. Check [mail] host, or give the CA "
            "that signed it in [mail] ca_file.") from None
    except smtp.smtplib.SMTPAuthenticationError as exc:
        answer = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        raise click.ClickException(
            f"The server refused the login of [mail] username: {exc.smtp_code} {answer}") from None
    except (OSError, smtp.smtplib.SMTPException) as exc:
        raise click.ClickException(f"Could not send: {type(exc).__name__}: {exc}") from None
    click.echo(f"Sent to {address}. The server answered: {answer}")

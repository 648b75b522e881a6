"""Domain errors raised by services, and how they reach users (HTML or JSON, never a traceback)."""
from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from agora.extensions import db


class DomainError(Exception):
    """A rule of the product refused the request; `status` is the HTTP answer."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = str(message) if message else ""
        self.field_errors = field_errors or {}


class ValidationError(DomainError):
    """Input that breaks a rule; `field_errors` maps field names to messages."""

    status = 400
    code = "invalid"


class NotFound(DomainError):
    """The thing does not exist, or the reader may not know it exists."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The reader may see the thing but not do this to it."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate, a stale edit)."""

    status = 409
    code = "conflict"


TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Temporarily unavailable"),
}
EXPLANATIONS = {
    400: _l("The request could not be understood. Check what you entered and try again."),
    401: _l("You need to log in to see this page."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist, or you are not allowed to see it."),
    405: _l("This address does not accept this kind of request."),
    409: _l("This conflicts with a change made in the meantime. Reload and try again."),
    413: _l("What you sent is larger than the limit allowed."),
    429: _l("You have made too many requests. Please wait a moment and try again."),
    500: _l("An unexpected error happened. It has been logged; please try again later."),
    503: _l("This service is temporarily unavailable. Please try again shortly."),
}
DATABASE_RETRY_AFTER = 5  # seconds: PostgreSQL restarts in a few
CSRF_EXPIRED = _l("The form expired or was sent from another page. Go back, reload the page and send it again.")


def wants_json() -> bool:
    """API paths and JSON clients get JSON errors."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, message: str = "", code: str | None = None, field_errors=None):
    """Render an error as JSON on the API, else as a page in the reader's language."""
    message = message or str(EXPLANATIONS.get(status, EXPLANATIONS[500]))
    if wants_json():
        body = {"error": {"status": status, "code": code or _code_for(status), "message": message}}
        if field_errors:
            body["error"]["fields"] = field_errors
        return jsonify(body), status
    title = str(TITLES.get(status, TITLES[500]))
    try:
        return render_template("errors/error.html", status=status, title=title, message=message), status
    except Exception:  # noqa: BLE001 - e.g. the database is down; still no traceback for the reader
        current_app.logger.exception("The error page itself failed to render")
        return Response(FALLBACK_PAGE.format(status=status, title=escape(str(title)), message=escape(message)),
                        status=status, mimetype="text/html"), status


FALLBACK_PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body><main><h1>{title}</h1><p>{message}</p><p><a href="/">Agora</a></p></main></body></html>'
)


def _code_for(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "rate_limited",
            500: "server_error", 503: "unavailable"}.get(status, "error")


def register_error_handlers(app: Flask) -> None:
    """Route every error through `error_response`."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return error_response(exc.status, exc.message, exc.code, exc.field_errors)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if status == 405 and request.routing_exception is exc and not _routed_by_another_method(exc):
            status = 404  # e.g. PATCH /posts/<an id too large>: Werkzeug checks methods before arguments
        # Our own explanations are translated; Werkzeug's descriptions are not.
        message = str(CSRF_EXPIRED) if isinstance(exc, CSRFError) else ""
        response = error_response(status, message)
        if status == 429:
            resp = app.make_response(response)
            retry = getattr(exc, "retry_after", None) or _retry_after(exc)
            resp.headers["Retry-After"] = str(retry)
            return resp
        if status == 405 and exc.valid_methods:
            resp = app.make_response(response)
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
            return resp
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(exc):
        # The database went away (restart, network): a clear 503 now; the pool reconnects by itself later.
        if not _is_outage(exc):
            return unexpected(exc)
        app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path,
                           str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        try:
            db.session.close()  # detached, not expired: the page can still read the reader's language
        except Exception:  # noqa: BLE001 - the connection is gone; the session is discarded at teardown
            pass
        try:
            response = error_response(503)
        except Exception:  # noqa: BLE001 - choosing the reader's language needed the database too
            response = _untranslated_503()
        resp = app.make_response(response)
        resp.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return resp

    @app.teardown_appcontext
    def close_session_on_a_lost_connection(exc):
        # Registered after Flask-SQLAlchemy's teardown, so it runs first: its ROLLBACK on a connection the
        # database closed (a restart) would raise after the answer was ready and turn it into a bare 500.
        try:
            db.session.remove()
        except (OperationalError, InterfaceError):
            try:
                db.session.invalidate()  # hand the dead connection back to the pool as unusable
            except Exception:  # noqa: BLE001
                pass
            db.session.registry.clear()

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        # A failed statement leaves the transaction unusable (PostgreSQL), and the page needs the session.
        db.session.rollback()
        return error_response(500)


SQLITE_OUTAGES = ("database is locked", "unable to open database", "disk i/o error")


def _is_outage(exc) -> bool:
    """A lost, busy or unreachable database (503), rather than a faulty statement (a bug: 500)."""
    if getattr(exc, "connection_invalidated", False) or isinstance(exc, InterfaceError):
        return True
    original = getattr(exc, "orig", None)
    if type(original).__module__.startswith("sqlite3"):
        # SQLite also reports a missing table or a syntax error as an OperationalError.
        return any(text in str(original).lower() for text in SQLITE_OUTAGES)
    return True  # PostgreSQL's OperationalError: connections refused or cut, server shutting down


def _untranslated_503():
    # Only when even the locale cannot be chosen without the database: English, never a traceback.
    title, message = "Temporarily unavailable", "This service is temporarily unavailable. Please try again shortly."
    if wants_json():
        return jsonify({"error": {"status": 503, "code": "unavailable", "message": message}}), 503
    return Response(FALLBACK_PAGE.format(status=503, title=title, message=message), status=503,
                    mimetype="text/html"), 503


def _routed_by_another_method(exc) -> bool:
    """Whether the path is served under one of the methods a 405 offers (their arguments may not convert)."""
    from flask.globals import request_ctx

    adapter = request_ctx.url_adapter if request_ctx else None
    if adapter is None:
        return True
    for method in exc.valid_methods or ():
        try:
            adapter.match(method=method)
            return True
        except HTTPException:
            continue
    return False


def _retry_after(exc) -> int:
    limit = getattr(exc, "limit", None)
    try:
        return int(limit.limit.get_expiry()) if limit else 60
    except Exception:  # noqa: BLE001 - a header must never turn a 429 into a 500
        return 60

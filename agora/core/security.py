"""Security headers on every response: a strict CSP with no inline script; the per-person write limit."""
import time

from flask import Flask, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


def register_security_headers(app: Flask) -> None:
    """Add CSP and the usual hardening headers; no-store on pages for logged-in readers."""
    register_write_limit(app)
    register_nul_guard(app)

    @app.after_request
    def headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not request.path.startswith("/static/") and "Cache-Control" not in h:
            # Private pages must not linger in shared caches or the back-button after logout.
            h["Cache-Control"] = "no-store"
        return response


# Logging in and out and choosing a language are not writes; the API has its own limit per token.
NOT_WRITES = ("/api/", "/login", "/logout", "/register", "/language")


def register_write_limit(app: Flask) -> None:
    """[limits] writes: one allowance per person shared by every form (posts, comments, reactions...)."""
    from flask_login import current_user
    from limits import parse_many
    from werkzeug.exceptions import TooManyRequests

    from agora.extensions import limiter

    allowances = parse_many(app.config["AGORA"]["limits"]["writes"])  # the config is fixed for the app's life

    @app.before_request
    def writes_limit():
        if (request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith(NOT_WRITES)
                or not app.config.get("RATELIMIT_ENABLED", True) or not current_user.is_authenticated):
            return None
        key = f"user:{current_user.id}"
        for item in allowances:
            if not limiter.limiter.hit(item, "writes", key):
                reset = limiter.limiter.get_window_stats(item, "writes", key).reset_time
                raise TooManyRequests(retry_after=max(1, int(reset - time.time()) + 1))
        return None


def register_nul_guard(app: Flask) -> None:
    """Refuse forms carrying NUL characters: nobody types one, and PostgreSQL cannot store them."""
    from werkzeug.exceptions import BadRequest

    @app.before_request
    def refuse_nul():
        if request.method in ("GET", "HEAD", "OPTIONS") or request.mimetype not in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            return None  # JSON bodies are checked field by field (core.api.string_field)
        for key, values in request.form.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise BadRequest()
        return None

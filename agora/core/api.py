"""What every JSON API blueprint shares: Bearer-only auth, JSON bodies, rate limits, no CSRF."""
from __future__ import annotations

import re
from functools import wraps

from flask import Blueprint, current_app, request
from flask_login import current_user

from agora.core.errors import DomainError, ValidationError


class Unauthorized(DomainError):
    """No valid Bearer token."""

    status = 401
    code = "unauthorized"


def api_blueprint(name: str, import_name: str, *, tag: tuple, schemas: dict | None = None) -> Blueprint:
    """A blueprint under /api/v1 whose every view needs a valid Bearer token.

    `tag` is (name, description) grouping its operations in the description; `schemas` are the JSON shapes
    its views' `@operation(...)` refer to (agora/core/openapi.py).
    """
    from agora.extensions import csrf, limiter

    bp = Blueprint(name, import_name, url_prefix="/api/v1")
    bp.openapi_tag, bp.openapi_schemas = tag, dict(schemas or {})
    # Bearer tokens are not sent by browsers on their own, so CSRF cannot apply; cookies are refused.
    csrf.exempt(bp)
    limiter.limit(lambda: current_app.config["AGORA"]["limits"]["api"])(bp)

    @bp.before_request
    def _require_token():
        if not current_user.is_authenticated:
            raise Unauthorized("A valid Bearer token is required (Authorization: Bearer <token>).")

    return bp


def json_body(*required: str) -> dict:
    """The request's JSON object; a missing or malformed body is a 400 with a clear message."""
    try:
        data = _whole_numbers(request.get_json(silent=True))
    except RecursionError:  # nesting deeper than the JSON parser can follow
        data = None
    if not isinstance(data, dict):
        raise ValidationError("The request body must be a JSON object (Content-Type: application/json).")
    missing = [key for key in required if key not in data]
    if missing:
        raise ValidationError(f"Missing field(s): {', '.join(missing)}.",
                              {key: ["This field is required."] for key in missing})
    return data


def _whole_numbers(value):
    """JSON numbers without a fraction as ints: 19.0 is the integer 19 to JSON Schema, and so to the API."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


def int_arg(name: str, default: int | None = None) -> int | None:
    """A whole-number query parameter: absent is `default`; anything but digits (with a sign) is a 400."""
    value = request.args.get(name)
    if value is None:
        return default
    try:
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise ValueError
        return int(value)
    except ValueError:  # also more digits than Python converts
        raise ValidationError(f"'{name}' must be a whole number.", {name: ["Must be a whole number."]}) from None


def string_field(data: dict, key: str, default: str | None = None, max_length: int | None = None) -> str | None:
    """A string value from a JSON body, type- and length-checked."""
    value = data.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"'{key}' must be a string.", {key: ["Must be a string."]})
    if "\x00" in value:
        raise ValidationError(f"'{key}' contains a NUL character.", {key: ["Contains a NUL character."]})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800": valid JSON, but no text can hold it
        raise ValidationError(f"'{key}' is not valid Unicode text.", {key: ["Not valid Unicode text."]}) from None
    if max_length is not None and len(value) > max_length:
        raise ValidationError(f"'{key}' is longer than {max_length} characters.",
                              {key: [f"At most {max_length} characters."]})
    return value


def api_login_required(view):
    """For API views outside an `api_blueprint`."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise Unauthorized("A valid Bearer token is required.")
        return view(*args, **kwargs)
    return wrapper

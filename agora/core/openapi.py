"""The OpenAPI 3.1 description of /api/v1: each view declares its operation, the URL map gives its path.

A view's path and path parameters are read from its route, so they cannot drift from the code; what only
the view knows (summary, query parameters, body, responses) sits on the view, in `@operation(...)`, and the
JSON shapes sit beside the functions that build them, handed to `api_blueprint(schemas=...)`. Any string may
be a lazy translation: `describe(app)` renders them in the current locale (the JSON is always English).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

PREFIX = "/api/v1"
VERSION = "1"
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {"error": {
        "type": "object",
        "required": ["status", "code", "message"],
        "additionalProperties": False,
        "properties": {
            "status": {"type": "integer", "description": _l("The HTTP status, repeated.")},
            "code": {"type": "string", "description": _l("A stable name for the error, e.g. not_found.")},
            "message": {"type": "string", "description": _l("What went wrong, in a sentence.")},
            "fields": {"type": "object", "description": _l("For invalid input: each field's messages."),
                       "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    }},
}
ERRORS = {
    400: _l("The request is malformed or breaks a rule (see `fields`)."),
    401: _l("No valid Bearer token."),
    403: _l("The token's owner may see this but not do this."),
    404: _l("It does not exist, or the token's owner may not know it exists."),
    409: _l("It clashes with the current state (a duplicate, a stale change)."),
    413: _l("The body is larger than the upload limit."),
    414: _l("The address is longer than the web server reads (gunicorn: 4094 bytes); not JSON, the server answers."),
    429: _l("Too many requests: wait the seconds of `Retry-After`."),
    503: _l("The database or the search index is briefly unavailable: retry after `Retry-After` seconds."),
}
# The token check, the rate limit, the web server's limit on the request line and a database outage can
# answer any request.
ALWAYS = (401, 414, 429, 503)
FROM_THE_SERVER = (414,)  # answered by gunicorn before the app: no JSON body
WITH_BODY = (400, 413)
RETRY_AFTER = {"Retry-After": {"description": _l("Seconds to wait before trying again."),
                               "schema": {"type": "integer", "minimum": 0}}}


def ref(name: str) -> dict:
    """A reference to a schema of `components.schemas`."""
    return {"$ref": f"#/components/schemas/{name}"}


def query(name: str, schema: dict, description, required: bool = False) -> dict:
    """A query-string parameter."""
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def operation(summary, *, description=None, params: Iterable[dict] = (), path: dict | None = None,
              body: dict | None = None, body_required: bool = True, responses: dict, errors: Iterable[int] = ()):
    """Describe an API view: `responses` maps a status to (description, schema or None for no body).

    `params` are query parameters (`query(...)`); `path` narrows a path parameter's schema beyond its route's
    converter (e.g. an enum of the names a view accepts); `errors` are the 4xx it may answer besides the
    ones every request may get (401, 414, 429, 503, and 400 and 413 with a body).
    """
    def attach(view):
        view.openapi = {"summary": summary, "description": description, "params": list(params), "path": path or {},
                        "body": body, "body_required": body_required, "responses": responses,
                        "errors": tuple(errors)}
        return view
    return attach


def json_object(properties: dict, required: Iterable[str] = ()) -> dict:
    """A request body: a JSON object with these fields (others are ignored)."""
    return {"type": "object", "required": list(required), "properties": properties}


def openapi_path(rule: Rule) -> str:
    """`/api/v1/posts/<int:post_id>` -> `/api/v1/posts/{post_id}`."""
    return _ARGUMENT.sub(lambda m: "{" + m.group(1) + "}", rule.rule)


def path_parameter(rule: Rule, name: str) -> dict:
    """The OpenAPI parameter for one argument of a route, from its converter."""
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        schema = {"type": "integer", "minimum": 0 if converter.min is None else converter.min}
        if converter.max is not None:
            schema["maximum"] = converter.max
    elif isinstance(converter, AnyConverter):
        schema = {"type": "string", "enum": sorted(converter.items)}
    else:  # any text without a slash or a NUL (agora/core/routing.py)
        schema = {"type": "string", "pattern": "^[^/\\u0000]+$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def api_rules(app: Flask) -> list[Rule]:
    """The URL map's rules under /api/v1, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX + "/")),
                  key=lambda r: (r.rule, sorted(r.methods or ())))


def methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def describe(app: Flask | None = None) -> dict:
    """The description in the current locale (English outside a request), built once per locale."""
    app = app or current_app
    from flask_babel import get_locale

    try:
        locale = str(get_locale() or "en")
    except RuntimeError:  # outside a request
        locale = "en"
    cache = app.extensions.setdefault("agora.openapi", {})
    if locale not in cache:
        cache[locale] = _plain(_build(app))
    return cache[locale]


def describe_in_english(app: Flask | None = None) -> dict:
    """The description as `/api/v1/openapi.json` serves it."""
    app = app or current_app
    with force_locale("en"):
        return describe(app)


def _build(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {"Error": ERROR_SCHEMA}
    tags: dict[str, dict] = {}
    for blueprint in app.blueprints.values():
        for name, schema in getattr(blueprint, "openapi_schemas", {}).items():
            if name in schemas and schemas[name] is not schema:
                raise ValueError(f"OpenAPI schema {name!r} is declared twice")
            schemas[name] = schema
    for rule in api_rules(app):
        view = app.view_functions.get(rule.endpoint)
        described = getattr(view, "openapi", None)
        if described is None:
            continue  # tests/test_openapi.py names every route left out
        blueprint = app.blueprints.get(rule.endpoint.rpartition(".")[0])
        tag = getattr(blueprint, "openapi_tag", None)
        item = paths.setdefault(openapi_path(rule), {})
        for method in methods(rule):
            op = _operation(rule, method, described, tag)
            item[method.lower()] = op
            if tag is not None:
                tags.setdefault(str(tag[0]), {"name": tag[0], "description": tag[1]})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _l("Agora API"),
            "version": VERSION,
            "description": _l("Everything a person can read and do in Agora, as JSON, under the same rules as "
                              "the pages. Send a personal token (Settings, API tokens) in every request: "
                              "`Authorization: Bearer agora_…`. Errors are JSON: "
                              "`{\"error\": {\"status\", \"code\", \"message\"}}`."),
        },
        "tags": list(tags.values()),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {f"Error{status}": _error_response(status) for status in sorted(ERRORS)},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": _l("A personal API token, made on the settings page "
                                                             "or with `flask users token`.")}},
        },
        "security": [{"bearer": []}],
    }


def _operation(rule: Rule, method: str, described: dict, tag) -> dict:
    params = [path_parameter(rule, name) for name in _ARGUMENT.findall(rule.rule)]
    for param in params:
        param["schema"].update(described["path"].get(param["name"], {}))
    params += described["params"]
    op = {"operationId": rule.endpoint, "summary": described["summary"]}
    if described["description"]:
        op["description"] = described["description"]
    if tag is not None:
        op["tags"] = [tag[0]]
    if params:
        op["parameters"] = params
    if described["body"] is not None:
        op["requestBody"] = {"required": described["body_required"],
                             "content": {"application/json": {"schema": described["body"]}}}
    responses: dict[str, dict] = {}
    for status, (text, schema) in sorted(described["responses"].items()):
        answer = {"description": text}
        if schema is not None:
            answer["content"] = {"application/json": {"schema": schema}}
        responses[str(status)] = answer
    errors = set(described["errors"]) | set(ALWAYS) | (set(WITH_BODY) if described["body"] is not None else set())
    for status in sorted(errors):
        responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}
    op["responses"] = responses
    return op


def _error_response(status: int) -> dict:
    answer = {"description": ERRORS[status]}
    if status not in FROM_THE_SERVER:
        answer["content"] = {"application/json": {"schema": ref("Error")}}
    if status in (429, 503):
        answer["headers"] = RETRY_AFTER
    return answer


def _plain(value):
    """Lazy strings rendered, tuples as lists: JSON-ready."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def obj(properties: dict, optional: Iterable[str] = (), description=None) -> dict:
    """A JSON object with exactly these properties, all present but `optional` ones."""
    schema = {"type": "object", "additionalProperties": False,
              "required": [name for name in properties if name not in set(optional)], "properties": properties}
    if description is not None:
        schema["description"] = description
    return schema


def nullable(schema: dict) -> dict:
    """`schema` or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: dict, description=None) -> dict:
    schema = {"type": "array", "items": items}
    if description is not None:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE_TIME = {"type": "string", "format": "date-time"}
# A character that Python's str.strip() keeps and the services do not drop (NUL), as a JSON Schema regular
# expression: exactly the complement of str.isspace() (ECMA-262's \s differs: it has \ufeff, lacks \x1c-\x1f
# and \x85). Texts the services strip must contain one; tests/test_openapi.py checks every character.
NOT_BLANK = ("[^\\u0000\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029"
             "\\u202f\\u205f\\u3000]")
TEXT = {"type": "string", "minLength": 1, "pattern": NOT_BLANK, "description": _l("Markdown; not blank.")}
CURSOR = {"type": "string", "description": _l("Opaque: the `next_cursor` of the previous page.")}
NEXT_CURSOR = nullable({"type": "string", "description": _l("Pass it as `cursor` for the next page; null on the last.")})

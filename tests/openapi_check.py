"""Every /api/v1 answer a test receives is checked against the API's description (agora/core/openapi.py).

`install(app)` adds an after-request check to a test app: the route's operation must list the status, and a
JSON answer must match its schema (formats included); an answer the description does not cover fails the
test that got it, with what was wrong. Routes left out of the description are tests/test_openapi.py's to name.
"""
from __future__ import annotations

import json

import jsonschema_rs
from flask import Flask, request

from agora.core.openapi import describe_in_english, openapi_path

_VALIDATORS: dict[tuple[str, str], jsonschema_rs.Validator] = {}


class UndescribedResponse(AssertionError):
    """An /api/v1 answer that its operation's description does not allow."""


def install(app: Flask) -> None:
    """Check each /api/v1 response of `app` against the description."""

    @app.after_request
    def _check_against_the_description(response):
        rule = request.url_rule
        if rule is not None and rule.rule.startswith("/api/v1/"):
            problem = check(app, openapi_path(rule), request.method, response)
            if problem:
                raise UndescribedResponse(f"{request.method} {request.path}: {problem}")
        return response


def check(app: Flask, path: str, method: str, response) -> str | None:
    """What is wrong with `response` for the operation at `path` and `method`, or None."""
    if "tests.openapi" not in app.extensions:
        doc = describe_in_english(app)
        app.extensions["tests.openapi"] = (doc, json.dumps(doc["components"], sort_keys=True))
    doc, components = app.extensions["tests.openapi"]
    operation = doc["paths"].get(path, {}).get(method.lower())
    if operation is None:
        return None  # not described at all: tests/test_openapi.py fails on it
    status = str(response.status_code)
    answer = operation["responses"].get(status)
    if answer is None:
        return f"answered {status}, which the description does not list ({sorted(operation['responses'])}): " \
               f"{response.get_data(as_text=True)[:300]}"
    if "$ref" in answer:
        answer = doc["components"]["responses"][answer["$ref"].rpartition("/")[2]]
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        # (A 204 has no body; an answer described without content, such as gunicorn's 414, may have any.)
        return f"answered {status} with a body" if status == "204" and response.get_data() else None
    if response.mimetype != "application/json":
        return f"answered {status} as {response.mimetype}, not application/json"
    try:
        body = json.loads(response.get_data())
    except ValueError:
        return f"answered {status} with a body that is not JSON"
    errors = list(_validator(doc, components, schema).iter_errors(body))
    if errors:
        details = "; ".join(f"at /{'/'.join(map(str, e.instance_path))}: {e.message[:200]}" for e in errors[:5])
        return f"answered {status} with JSON that does not match its schema: {details}"
    return None


def _validator(doc: dict, components: str, schema: dict) -> jsonschema_rs.Validator:
    # One validator per schema and set of components, shared by every test app of the process.
    key = (json.dumps(schema, sort_keys=True), components)
    if key not in _VALIDATORS:
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": doc["components"],
                **schema}
        _VALIDATORS[key] = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
    return _VALIDATORS[key]

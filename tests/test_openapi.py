"""The API's description: complete, right about every route, valid OpenAPI 3.1, served, and enforced in tests."""
from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.openapi_check import UndescribedResponse, check

ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


@pytest.fixture
def token(app, make_user):
    from agora.accounts.services import create_token

    return create_token(make_user("ana@example.com", name="Ana Lima"), "docs")[1]


def _doc(app: Flask) -> dict:
    from agora.core.openapi import describe_in_english

    return describe_in_english(app)


def _expected(rule) -> tuple[str, dict[str, dict]]:
    """The OpenAPI path of a Werkzeug rule and its parameters' schemas, read from the rule's text."""
    params = {}
    for converter, args, name in ARGUMENT.findall(rule.rule):
        if converter == "int":
            params[name] = {"type": "integer"}
        elif converter == "any":
            params[name] = {"type": "string", "enum": sorted(a.strip() for a in args.split(","))}
        else:
            assert converter in ("", "string"), f"{rule.rule}: teach this test the {converter!r} converter"
            params[name] = {"type": "string"}
    return ARGUMENT.sub(lambda m: "{" + m.group(3) + "}", rule.rule), params


def test_every_api_route_is_described_with_its_method_and_path_parameters(app):
    doc = _doc(app)
    routes = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    assert len(routes) >= 30, "the URL map lost its API routes?"
    wrong, seen = [], set()
    for rule in routes:
        path, params = _expected(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            seen.add((path, method.lower()))
            op = doc["paths"].get(path, {}).get(method.lower())
            if op is None:
                wrong.append(f"{method} {path} ({rule.endpoint}) is not described: add @operation(...) to its view")
                continue
            described = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "path"}
            if set(described) != set(params):
                wrong.append(f"{method} {path}: path parameters {sorted(described)}, the route has {sorted(params)}")
            for name, expected in params.items():
                found = described.get(name)
                if found is None:
                    continue
                if not found.get("required") or found["schema"].get("type") != expected["type"]:
                    wrong.append(f"{method} {path}: {name} is {found}, the route takes {expected['type']}")
                enum = found["schema"].get("enum")
                if "enum" in expected and enum != expected["enum"]:
                    wrong.append(f"{method} {path}: {name} is one of {enum}, the route takes {expected['enum']}")
            if not any(status.startswith("2") for status in op["responses"]):
                wrong.append(f"{method} {path}: no successful answer described")
    stale = sorted(f"{m.upper()} {p}" for p, item in doc["paths"].items() for m in item if (p, m) not in seen)
    assert wrong == [] and stale == [], "\n".join(wrong + [f"{s} is described but not routed" for s in stale])


def test_the_description_is_valid_openapi_3_1_with_unique_operations(app):
    from schemathesis.specs.openapi.adapter.validators import OPENAPI_31_VALIDATOR

    doc = _doc(app)
    assert doc["openapi"].startswith("3.1")
    OPENAPI_31_VALIDATOR.validate(doc)
    with pytest.raises(Exception, match="responses"):  # the meta-schema does check: a broken operation fails
        OPENAPI_31_VALIDATOR.validate({**doc, "paths": {"/x": {"get": {"responses": "none"}}}})
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    tags = {tag["name"] for tag in doc["tags"]}
    assert all(op["tags"][0] in tags and op["summary"] for item in doc["paths"].values() for op in item.values())
    text = repr(doc)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in doc["components"]["schemas"], f"{name} is referred to but not declared"
    assert doc["security"] == [{"bearer": []}]
    assert doc["components"]["securitySchemes"]["bearer"] == {**doc["components"]["securitySchemes"]["bearer"],
                                                             "type": "http", "scheme": "bearer"}


def test_openapi_json_is_served_in_english_with_a_token_and_refused_without(app, client, make_user):
    from agora.accounts.services import create_token, set_language

    assert client.get("/api/v1/openapi.json").status_code == 401
    french = make_user("zoe@example.com", name="Zoé Martin")
    set_language(french, "fr")
    served = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {create_token(french, 'x')[1]}",
                                                         "Accept-Language": "fr"})
    assert served.status_code == 200 and served.mimetype == "application/json"
    assert served.get_json() == _doc(app)
    assert served.get_json()["paths"]["/api/v1/me"]["get"]["summary"] == "The token owner's account"


def test_an_answer_the_description_does_not_allow_fails_the_test_that_got_it(app, client, token):
    from agora.accounts import api

    original = app.view_functions["accounts_api.me"]

    def me_with_a_stray_field():
        data = original()
        data["stray"] = 1
        return data

    me_with_a_stray_field.openapi = original.openapi
    app.view_functions["accounts_api.me"] = me_with_a_stray_field
    with pytest.raises(UndescribedResponse, match="stray"):
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    app.view_functions["accounts_api.me"] = api.me


def test_the_check_names_an_undescribed_status_a_wrong_type_and_a_missing_field(app):
    from flask import Response

    def answer(status, body):
        return Response(body, status=status, mimetype="application/json")

    me = '{"id": 1, "handle": "ana", "name": "Ana", "email": "ana@example.com", "language": null, ' \
         '"title": null, "department": null, "roles": ["employee"]}'
    assert check(app, "/api/v1/me", "GET", answer(200, me)) is None
    assert "does not list" in check(app, "/api/v1/me", "GET", answer(418, "{}"))
    assert "does not match" in check(app, "/api/v1/me", "GET", answer(200, me.replace('"id": 1', '"id": "1"')))
    assert "does not match" in check(app, "/api/v1/me", "GET", answer(200, me.replace('"handle": "ana", ', "")))
    assert "does not match" in check(app, "/api/v1/me", "GET", answer(401, '{"error": {"status": 401}}'))
    assert check(app, "/api/v1/posts/{post_id}", "DELETE", answer(204, "")) is None
    assert "not application/json" in check(app, "/api/v1/me", "GET", Response("<p>", status=200))


def test_every_query_parameter_described_as_a_whole_number_refuses_other_text(app, client, token):
    # The fuzzer found GET /search?page=null answered 200 while page was described as an integer: what the
    # description calls a number must be one. (Search reads any other page as 1, and now says so.)
    from agora.spaces.services import create_space

    create_space("town", "Town square")
    headers = {"Authorization": f"Bearer {token}"}
    checked = []
    for path, item in _doc(app)["paths"].items():
        op = item.get("get")
        for param in (op or {}).get("parameters", []):
            if param["in"] == "query" and param["schema"].get("type") == "integer":
                url = path.replace("{slug}", "town")
                assert "{" not in url, f"teach this test a value for {url}"
                answer = client.get(url, query_string={param["name"]: "null"}, headers=headers)
                assert answer.status_code == 400, f"{url}?{param['name']}=null: {answer.status_code}"
                checked.append(url)
    assert len(checked) >= 4


@pytest.mark.parametrize("operation, field", [
    ("moderation_api.report", "text"), ("moderation_api.appeal", "text"), ("moderation_api.decide", "reason"),
    ("walls_api.comment", "body"), ("walls_api.post_on_person", "body"),
])
def test_texts_the_services_strip_are_described_as_not_blank(app, operation, field):
    # The fuzzer sent a report with text "" and got 400 for a body its description called valid.
    import jsonschema_rs

    body = next(op for item in _doc(app)["paths"].values() for op in item.values()
                if op["operationId"] == operation)["requestBody"]["content"]["application/json"]["schema"]
    schema = jsonschema_rs.Draft202012Validator(body["properties"][field])
    for blank in ("", " ", "\n\t", "\u00a0\u2003", "\x1c\x1f", "\x85", "\x00 \x00"):
        assert not schema.is_valid(blank), f"{operation}: {field}={blank!r} is described as valid"
    wrong = [hex(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF  # (no whitespace beyond)
             and schema.is_valid(f" {chr(c)} ") != bool(chr(c).replace("\x00", "").strip())]
    assert wrong == [], f"{operation}: {field}: these characters are described wrongly: {wrong[:20]}"


def test_a_cursor_carrying_a_number_beyond_the_id_columns_is_a_400_on_every_endpoint_that_pages(app, client, token):
    # Found following the fuzzer's ids: such a cursor reached the database, which refused it (500).
    import base64
    import json

    from agora.spaces.services import create_space

    create_space("town", "Town square")
    headers, pages = {"Authorization": f"Bearer {token}"}, []
    for path, item in _doc(app)["paths"].items():
        if "get" in item and any(p["name"] == "cursor" for p in item["get"].get("parameters", [])):
            pages.append(path.replace("{slug}", "town"))
    assert len(pages) >= 5
    for first in ("2026-12-07T10:00:00", "Ana"):
        cursor = base64.urlsafe_b64encode(json.dumps([first, 2**31]).encode()).decode().rstrip("=")
        for path in pages:
            answer = client.get(path, query_string={"cursor": cursor}, headers=headers)
            assert answer.status_code == 400, f"{path}: {answer.status_code}"


def test_every_operation_allows_gunicorns_414_for_a_request_line_too_long(app):
    # Found by the fuzzer on a live server: a long query string got gunicorn's own 414 (HTML) before the app.
    from flask import Response

    too_long = Response("<h1>Bad Request</h1>Request Line is too large", status=414, mimetype="text/html")
    for path, item in _doc(app)["paths"].items():
        for method in item:
            assert check(app, path, method, too_long) is None, f"{method} {path}"

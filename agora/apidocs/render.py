"""The description turned into what the page shows: operations by tag, schemas as rows of fields."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

REF = "#/components/schemas/"
RESPONSE_REF = "#/components/responses/"
_CODE = re.compile(r"`([^`]+)`")


@dataclass
class Row:
    """One field of a JSON shape: its name, type in words, whether it is always there, and its own fields."""

    name: str
    type: str
    required: bool
    description: str = ""
    ref: str | None = None
    fields: list[Row] = field(default_factory=list)
    is_array: bool = False

    @property
    def around_ref(self) -> tuple[str, str]:
        """The type's words before and after the shape it names, which the page links."""
        before, _sep, after = self.type.partition(self.ref or "")
        return before, after


def parts(text: str | None) -> list[tuple[bool, str]]:
    """`text` split into (is_code, piece): the description's `backticks` become <code> on the page."""
    pieces = _CODE.split(text or "")
    return [(i % 2 == 1, piece) for i, piece in enumerate(pieces) if piece]


def ref_name(schema: dict) -> str | None:
    target = schema.get("$ref", "")
    return target[len(REF):] if target.startswith(REF) else None


def type_label(schema: dict) -> str:
    """A schema's type in a few words: "integer", "one of: open, closed", "array of Post", "string or null"."""
    if ref_name(schema):
        return ref_name(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            labels = [type_label(option) for option in schema[key]]
            return functools.reduce(lambda first, second: _("%(first)s or %(second)s", first=first, second=second),
                                    labels)
    if "const" in schema:
        return repr(schema["const"]).replace("'", '"')
    if "enum" in schema:
        return _("one of: %(values)s", values=", ".join(str(v) for v in schema["enum"]))
    kind = schema.get("type", _("any"))
    if kind == "array":
        return _("array of %(items)s", items=type_label(schema.get("items", {})))
    if kind == "object" and "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        names = schema.get("propertyNames", {}).get("enum")
        keys = _("keys %(names)s", names=", ".join(names)) if names else _("any keys")
        return _("object (%(keys)s) of %(values)s", keys=keys, values=type_label(schema["additionalProperties"]))
    if kind == "null":
        return "null"
    label = kind if isinstance(kind, str) else " | ".join(kind)
    extras = [schema["format"]] if "format" in schema else []
    if "minimum" in schema:
        extras.append(f"≥ {schema['minimum']}")
    if "maximum" in schema:
        extras.append(f"≤ {schema['maximum']}")
    if "maxLength" in schema:
        extras.append(_("at most %(count)s characters", count=schema["maxLength"]))
    return f"{label} ({', '.join(extras)})" if extras else label


def rows(schema: dict, depth: int = 0) -> list[Row]:
    """The fields of an object schema (inline objects nested, named shapes linked), or none."""
    if schema.get("type") != "object" or "properties" not in schema:
        inner = schema.get("items") if schema.get("type") == "array" else None
        return rows(inner, depth) if inner and not ref_name(inner) else []
    required = set(schema.get("required", ()))
    found = []
    for name, sub in schema["properties"].items():
        option = _nested(sub)
        found.append(Row(name=name, type=type_label(sub), required=name in required,
                         description=str(sub.get("description") or (option or {}).get("description") or ""),
                         ref=_first_ref(sub), is_array=sub.get("type") == "array",
                         fields=rows(option, depth + 1) if option and depth < 4 else []))
    return found


def _first_ref(schema: dict) -> str | None:
    """The named shape a field holds: itself, its items, or one of its options."""
    options = [schema, schema.get("items") or {}, *schema.get("anyOf", ()), *schema.get("oneOf", ())]
    return next((ref_name(option) for option in options if ref_name(option)), None)


def _nested(schema: dict) -> dict | None:
    """The inline object (or array of objects) under a field, looking through "or null"."""
    for key in ("anyOf", "oneOf"):
        options = [o for o in schema.get(key, ()) if o.get("type") != "null"]
        if len(options) == 1:
            return _nested(options[0])
    if schema.get("type") == "object" and "properties" in schema:
        return schema
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return _nested(schema["items"])
    return None


@dataclass
class Operation:
    """One endpoint as the page lists it."""

    id: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict]
    body: dict | None
    body_required: bool
    responses: list[dict]


def operations_by_tag(doc: dict) -> list[tuple[dict, list[Operation]]]:
    """The description's tags in order, each with its operations (path order)."""
    grouped: dict[str, list[Operation]] = {tag["name"]: [] for tag in doc.get("tags", [])}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            responses = []
            for status, answer in op["responses"].items():
                error = "$ref" in answer  # the shared error answers, listed once on the page
                if error:
                    answer = doc["components"]["responses"][answer["$ref"][len(RESPONSE_REF):]]
                schema = answer.get("content", {}).get("application/json", {}).get("schema")
                responses.append({"status": status, "error": error, "description": answer["description"],
                                  "schema": schema,
                                  "type": type_label(schema) if schema else None,
                                  "rows": rows(schema) if schema and not ref_name(schema) else []})
            body = op.get("requestBody")
            schema = body["content"]["application/json"]["schema"] if body else None
            grouped.setdefault(op.get("tags", [""])[0], []).append(Operation(
                id=op["operationId"], method=method.upper(), path=path, summary=op["summary"],
                description=op.get("description", ""), parameters=op.get("parameters", []),
                body=schema, body_required=bool(body and body.get("required")), responses=responses))
    tags = {tag["name"]: tag for tag in doc.get("tags", [])}
    return [(tags.get(name, {"name": name, "description": ""}), ops) for name, ops in grouped.items() if ops]

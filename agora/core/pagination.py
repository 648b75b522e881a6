"""Keyset pagination: stable pages without OFFSET, with opaque cursors."""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, or_

from agora.core.errors import ValidationError
from agora.core.ids import in_range


@dataclass
class Page:
    """One page of rows and the cursor of the next page, if any."""

    items: list
    next_cursor: str | None


def encode_cursor(values: tuple) -> str:
    """An opaque, URL-safe cursor for a tuple of sort values."""
    raw = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...]) -> tuple:
    """Decode a cursor made by `encode_cursor`; a bad one is a ValidationError."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError
        values = []
        for value, kind in zip(raw, kinds, strict=True):
            if kind is datetime:
                values.append(datetime.fromisoformat(value))
            elif kind is int:
                if isinstance(value, bool) or not isinstance(value, int) or not in_range(value):
                    raise ValueError  # (out of range: no row has it, and the database would refuse it)
                values.append(value)
            else:
                values.append(kind(value))
        return tuple(values)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError("invalid cursor", {"cursor": ["This page link is no longer valid."]}) from None


def keyset(stmt: Select, columns: tuple, cursor: str | None, limit: int,
           kinds: tuple[type, ...], descending: bool = True, session=None, attributes: tuple | None = None) -> Page:
    """Run `stmt` ordered by `columns` (the last one unique), after `cursor`, `limit` rows.

    Rows must expose the sort values as attributes named like the columns' keys, or as `attributes`.
    """
    from agora.extensions import db  # late: core modules stay importable without an app

    if cursor:
        values = decode_cursor(cursor, kinds)
        stmt = stmt.where(after(columns, values, descending))
    order = [c.desc() if descending else c.asc() for c in columns]
    rows = list((session or db.session).execute(stmt.order_by(*order).limit(limit + 1)).scalars())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(tuple(getattr(last, name) for name in attributes or [c.key for c in columns]))
    return Page(rows, next_cursor)


def after(columns: tuple, values: tuple, descending: bool):
    # (a, b) < (x, y) written out, because row-value comparison is not portable.
    clauses = []
    for i, col in enumerate(columns):
        equal = [columns[j] == values[j] for j in range(i)]
        beyond = col < values[i] if descending else col > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)

"""Integers from outside (URLs, cursors, JSON) that reach the database: the range a stored integer holds."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

# Ids are PostgreSQL `integer` columns: past 2**31 - 1 no row exists, and PostgreSQL refuses the comparison
# ("integer out of range", a 500), as SQLite's driver does past 2**63 - 1 (OverflowError).
MAX_ID = 2**31 - 1


def in_range(value: int) -> bool:
    """Whether `value` fits an id column."""
    return -MAX_ID - 1 <= value <= MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number too large for the database matches no route (404), not a 500."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def register_converters(app) -> None:
    """Make `int` in routes the database-sized one; before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter

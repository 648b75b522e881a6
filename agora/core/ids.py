"""Integers from outside (URLs, cursors, JSON) that reach the database: the range an id column holds."""
from __future__ import annotations

# Ids are PostgreSQL `integer` columns: past 2**31 - 1 no row exists, and PostgreSQL refuses the comparison
# ("integer out of range", a 500), as SQLite's driver does past 2**63 - 1 (OverflowError).
MAX_ID = 2**31 - 1


def in_range(value: int) -> bool:
    """Whether `value` fits an id column."""
    return -MAX_ID - 1 <= value <= MAX_ID

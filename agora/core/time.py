"""UTC timestamps stored naive, the same way on SQLite and PostgreSQL."""
from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (columns store UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)

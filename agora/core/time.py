"""UTC timestamps stored naive, the same way on SQLite and PostgreSQL."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (columns store UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)

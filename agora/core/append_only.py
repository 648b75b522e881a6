"""Append-only tables (the moderation ledger, the audit log): the ORM and database triggers refuse changes."""
from __future__ import annotations

from sqlalchemy import event, text

TABLES: list[str] = []  # filled by @append_only, in import order

# Strict on purpose: accounts are deactivated, never deleted, and spaces are never deleted, so no
# ON DELETE SET NULL ever needs to touch these rows; a deletion that would is refused with them.
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION agora_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a row of an append-only table."""


def _refuse(mapper, connection, target):
    raise AppendOnlyError(f"{type(target).__name__} rows are append-only")


def append_only(model):
    """Class decorator: the ORM refuses updates and deletes of `model`; its table gets the triggers below."""
    event.listen(model, "before_update", _refuse)
    event.listen(model, "before_delete", _refuse)
    if model.__tablename__ not in TABLES:
        TABLES.append(model.__tablename__)
    return model


def append_only_statements(dialect: str, tables=None) -> list[str]:
    """The SQL that makes `tables` (default: every append-only model's) refuse UPDATE and DELETE on `dialect`."""
    tables = list(TABLES if tables is None else tables)
    statements: list[str] = []
    if dialect == "sqlite":
        for table in tables:
            for event_ in ("update", "delete"):
                statements += [
                    f"DROP TRIGGER IF EXISTS {table}_no_{event_}",
                    f"CREATE TRIGGER {table}_no_{event_} BEFORE {event_.upper()} ON {table} FOR EACH ROW "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
                ]
        return statements
    if dialect == "postgresql":
        statements.append(_PG_FUNCTION.strip())
        for table in tables:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION agora_append_only()",
            ]
        return statements
    raise ValueError(f"no append-only triggers for the {dialect} dialect")


def install_append_only_triggers(connection, tables=None) -> None:
    """Install (idempotently) the triggers that refuse UPDATE and DELETE on `tables` (default: all of them).

    `connection`: a SQLAlchemy Connection (in a migration: `op.get_bind()`).
    """
    for sql in append_only_statements(connection.dialect.name, tables):
        connection.execute(text(sql))

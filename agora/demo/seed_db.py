"""Bulk writing for the seeder: batched executemany on SQLite, COPY on PostgreSQL, bulk pragmas, id counters."""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection, Engine

from agora.core.transactions import begin_writing

# SQLite settings for one big write, restored on the same connection afterwards. The journal stays WAL:
# the rendering processes read the accounts (for @mentions) while this connection writes.
SQLITE_BULK = {"synchronous": "OFF", "cache_size": "-262144", "temp_store": "MEMORY", "wal_autocheckpoint": "10000"}
SQLITE_NORMAL = {"synchronous": "NORMAL", "cache_size": "-2000", "temp_store": "DEFAULT", "wal_autocheckpoint": "1000"}


class BulkWriter:
    """Inserts rows as tuples on one connection and counts what it wrote and the time it took."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds = 0.0

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
        """Write `rows` (tuples in `columns` order) into `table`."""
        if not rows:
            return
        started = time.perf_counter()
        names = ", ".join(columns)
        if self.postgres:
            begin_writing(self.conn)  # COPY goes round SQLAlchemy, which would otherwise open the transaction
            raw = self.conn.connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        self.rows[table.name] += len(rows)
        self.seconds += time.perf_counter() - started

    def update(self, table: Table, column: str, values: list[tuple]) -> None:
        """Set `column` for many rows at once: `values` holds (new value, id) pairs."""
        if not values:
            return
        started = time.perf_counter()
        mark = "%s" if self.postgres else "?"
        self.conn.exec_driver_sql(f"UPDATE {table.name} SET {column} = {mark} WHERE id = {mark}", values)
        self.seconds += time.perf_counter() - started

    def commit(self) -> None:
        started = time.perf_counter()
        self.conn.commit()
        self.seconds += time.perf_counter() - started


def next_id(conn: Connection, table: Table) -> int:
    """The first free id in `table` (the seeder assigns ids itself, so children can refer to them at once)."""
    return (conn.scalar(select(func.max(table.c.id))) or 0) + 1


@contextmanager
def bulk_connection(engine: Engine) -> Iterator[Connection]:
    """A connection tuned for bulk writes during the seed only; normal settings come back on the way out."""
    conn = engine.connect()
    sqlite = conn.dialect.name == "sqlite"
    try:
        if sqlite:
            for name, value in SQLITE_BULK.items():
                conn.exec_driver_sql(f"PRAGMA {name}={value}")
        else:
            conn.exec_driver_sql("SET synchronous_commit = off")
        conn.commit()
        yield conn
    finally:
        conn.rollback()
        if sqlite:
            for name, value in SQLITE_NORMAL.items():
                conn.exec_driver_sql(f"PRAGMA {name}={value}")
        else:
            conn.exec_driver_sql("RESET synchronous_commit")
        conn.commit()
        conn.close()


def finish(engine: Engine, tables: list[Table]) -> None:
    """After the load: PostgreSQL sequences catch up with the assigned ids and statistics are gathered
    (as autovacuum would); SQLite folds its write-ahead log back into the database file."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            for table in tables:
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.commit()

"""Writes that escaped a test's rollback: rows committed to the clone outside its transaction.

A session captured before kiln's per-test transaction existed (factory_boy's
``sqlalchemy_session = db.session``, set at import; a ``Session(engine)`` of the project's own)
commits for real, and the clone, reused as pristine by the next session, keeps the rows. After
each test, one query on a connection of its own counts the rows of every table; a count that moved
means a write escaped. Counting the few rows of a test database costs well under a millisecond.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

DROPPED = "a table dropped"
_REPLACED = "kiln replaces this test database before the next session (kiln test --fresh forces it)"
ROWS_CAUSE = (
    "usually a session captured at import, outside kiln's per-test transaction: factory_boy's "
    "`sqlalchemy_session = db.session` (use `sqlalchemy_session_factory = lambda: db.session`), "
    f"or a Session(engine) of the project's own; {_REPLACED}"
)
SCHEMA_CAUSE = f"usually db.drop_all() in a fixture or tearDown; {_REPLACED}"


def cause(changes: dict[str, str]) -> str:
    """Why a test's changes escaped, in the words that fit them."""
    return SCHEMA_CAUSE if DROPPED in changes.values() else ROWS_CAUSE


class RowCounts:
    """The row count of every table of one database, compared test after test."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._connection: psycopg.Connection = psycopg.connect(url, autocommit=True)
        self._connection.execute("SET lock_timeout = '2s'")  # a test's open DDL must not hang us
        self._counts: dict[tuple[str, str], int] = {}
        self.rebase()

    def rebase(self) -> None:
        """Take the current counts as the clean state (after a test that commits on purpose)."""
        rows = self._connection.execute(
            "SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        self._counts = self._count([(schema, table) for schema, table in rows])

    def changes(self) -> dict[str, str]:
        """Each table whose rows changed since the last look, with how (``+3 rows``). Rows left
        in a table that was empty are removed, so the tests after it start clean again."""
        import psycopg

        try:
            now = self._count(list(self._counts))
        except psycopg.errors.UndefinedTable:
            self.rebase()
            return {"schema": DROPPED}
        except psycopg.errors.LockNotAvailable:
            return {}  # a test left a schema change open; the next look tells
        changed = {table: now[table] - before for table, before in self._counts.items()}
        changed = {table: delta for table, delta in changed.items() if delta}
        if not changed:
            return {}
        leftovers = [table for table in changed if now[table] and not self._counts[table]]
        if leftovers:
            self._empty(leftovers)
        self.rebase()
        return {_shown(table): f"{delta:+d} rows" for table, delta in changed.items()}

    def close(self) -> None:
        self._connection.close()

    def _empty(self, tables: list[tuple[str, str]]) -> None:
        import psycopg
        from psycopg import sql

        names = sql.SQL(", ").join(sql.Identifier(*table) for table in tables)
        with suppress(psycopg.errors.LockNotAvailable):  # the clone is replaced anyway
            self._connection.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))

    def _count(self, tables: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        from psycopg import sql

        if not tables:
            return {}
        union = sql.SQL(" UNION ALL ").join(
            sql.SQL("SELECT {}, count(*) FROM {}").format(index, sql.Identifier(*table))
            for index, table in enumerate(tables)
        )
        rows = self._connection.execute(union).fetchall()
        return {tables[index]: count for index, count in rows}


def _shown(table: tuple[str, str]) -> str:
    schema, name = table
    return name if schema == "public" else f"{schema}.{name}"

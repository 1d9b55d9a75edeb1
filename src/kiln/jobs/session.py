"""A procrastinate connector on the app's SQLAlchemy session: its queries join that transaction.

What the ``jobs`` fixture and ``kiln jobs`` use in place of the App's own connector: a job deferred
in a test lands in the test's transaction (rolled back with it), and the jobs it runs read and
write there too. Queries run in place, one at a time, so the asynchronous API procrastinate's
job manager uses is the same code, awaited.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, LiteralString

from procrastinate import connector
from procrastinate.exceptions import NoResult
from procrastinate.sync_psycopg_connector import wrap_exceptions

if TYPE_CHECKING:
    import psycopg
    from flask_sqlalchemy import SQLAlchemy

Row = dict[str, Any]


class SessionConnector(connector.BaseAsyncConnector):
    def __init__(self, db: SQLAlchemy) -> None:
        self._db = db

    def get_sync_connector(self) -> connector.BaseConnector:
        return self

    def open(self, pool: Any = None) -> None:
        """Nothing to open: the session has the connection."""

    def close(self) -> None:
        """Nothing to close: the session owns the connection."""

    async def open_async(self, pool: Any = None) -> None:
        """Nothing to open: the session has the connection."""

    async def close_async(self) -> None:
        """Nothing to close: the session owns the connection."""

    def session_connection(self) -> psycopg.Connection[Any]:
        """The psycopg connection under the session, inside the session's transaction."""
        connection = self._db.session.connection().connection.driver_connection
        assert connection is not None  # a connection checked out of the pool has one
        return connection

    def execute_query(self, query: LiteralString, **arguments: Any) -> None:
        with self._cursor(self.session_connection()) as cursor:
            cursor.execute(query, _parameters(arguments))

    def execute_query_one(self, query: LiteralString, **arguments: Any) -> Row:
        return self.execute_query_one_with_connection(self.session_connection(), query, **arguments)

    def execute_query_all(self, query: LiteralString, **arguments: Any) -> list[Row]:
        return self.execute_query_all_with_connection(self.session_connection(), query, **arguments)

    def execute_query_one_with_connection(
        self, connection: psycopg.Connection[Any], query: LiteralString, **arguments: Any
    ) -> Row:
        with self._cursor(connection) as cursor:
            cursor.execute(query, _parameters(arguments))
            row: Row | None = cursor.fetchone()
        if row is None:
            raise NoResult
        return row

    def execute_query_all_with_connection(
        self, connection: psycopg.Connection[Any], query: LiteralString, **arguments: Any
    ) -> list[Row]:
        with self._cursor(connection) as cursor:
            cursor.execute(query, _parameters(arguments))
            rows: list[Row] = cursor.fetchall()
        return rows

    async def execute_query_async(self, query: LiteralString, **arguments: Any) -> None:
        self.execute_query(query, **arguments)

    async def execute_query_one_async(self, query: LiteralString, **arguments: Any) -> Row:
        return self.execute_query_one(query, **arguments)

    async def execute_query_all_async(self, query: LiteralString, **arguments: Any) -> list[Row]:
        return self.execute_query_all(query, **arguments)

    async def execute_query_one_async_with_connection(
        self, connection: psycopg.Connection[Any], query: LiteralString, **arguments: Any
    ) -> Row:
        return self.execute_query_one_with_connection(connection, query, **arguments)

    async def execute_query_all_async_with_connection(
        self, connection: psycopg.Connection[Any], query: LiteralString, **arguments: Any
    ) -> list[Row]:
        return self.execute_query_all_with_connection(connection, query, **arguments)

    @contextmanager
    def _cursor(self, connection: psycopg.Connection[Any]) -> Iterator[psycopg.Cursor[Row]]:
        from psycopg.rows import dict_row

        with wrap_exceptions(), connection.cursor(row_factory=dict_row) as cursor:
            yield cursor


def _parameters(arguments: dict[str, Any]) -> dict[str, Any]:
    return {name: _adapted(value) for name, value in arguments.items()}


def _adapted(value: Any) -> Any:
    """A value as procrastinate's own connectors pass it: a dict (job arguments) as ``jsonb``."""
    from psycopg.types.json import Jsonb

    if isinstance(value, dict):
        return Jsonb(value)
    if isinstance(value, list):
        return [_adapted(item) for item in value]
    if isinstance(value, tuple):  # a row of a composite type: plain, whatever named it
        return tuple(_adapted(item) for item in value)
    return value

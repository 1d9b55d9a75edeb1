"""Creating, dropping and listing databases on a server, through its ``postgres`` database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.postgres.server import Server

if TYPE_CHECKING:
    import psycopg


def create_database(server: Server, name: str) -> bool:
    """Create ``name``; ``False`` if it already existed, which is not an error.

    Checked first so the usual case leaves no ERROR in the server's log; the exception covers a
    concurrent creator.
    """
    import psycopg
    from psycopg import sql

    with server.connect() as connection:
        if _exists(connection, name):
            return False
        try:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False
    return True


def drop_database(server: Server, name: str, force: bool = False) -> bool:
    """Drop ``name`` if it exists (``force`` ends its sessions first); ``True`` if it existed."""
    from psycopg import sql

    with server.connect() as connection:
        if not _exists(connection, name):
            return False
        statement = (
            "DROP DATABASE IF EXISTS {} WITH (FORCE)" if force else "DROP DATABASE IF EXISTS {}"
        )
        connection.execute(sql.SQL(statement).format(sql.Identifier(name)))
    return True


def database_exists(server: Server, name: str) -> bool:
    with server.connect() as connection:
        return _exists(connection, name)


def list_databases(server: Server) -> list[str]:
    """The databases users work in (templates left out), by name."""
    with server.connect() as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname"
        ).fetchall()
    return [name for (name,) in rows]


def _exists(connection: psycopg.Connection, name: str) -> bool:
    query = "SELECT 1 FROM pg_database WHERE datname = %s"
    return connection.execute(query, (name,)).fetchone() is not None

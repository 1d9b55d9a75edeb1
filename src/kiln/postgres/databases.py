"""Creating, dropping and listing databases on a server, through its ``postgres`` database."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from kiln.errors import KilnError
from kiln.postgres.server import Server
from kiln.postgres.urls import describe

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
        except psycopg.errors.InsufficientPrivilege as error:
            raise KilnError(
                f"cannot create the database {name}: {error.diag.message_primary}",
                where=f"PostgreSQL at {describe(server.url(name))}",
                fix="let the user create databases (ALTER ROLE … CREATEDB), or unset DATABASE_URL "
                "to use kiln's own PostgreSQL",
            ) from None
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


@contextmanager
def temporary_database(server: Server, prefix: str) -> Iterator[str]:
    """A new, empty database named ``<prefix>_<random>``, dropped afterwards whatever happens."""
    name = f"{prefix[:40]}_{secrets.token_hex(4)}"
    create_database(server, name)
    try:
        yield name
    finally:
        drop_database(server, name, force=True)


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

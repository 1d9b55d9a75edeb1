"""A server someone else runs, named by ``DATABASE_URL``: kiln starts and stops nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiln.errors import KilnError, UsageError
from kiln.masking import mask_url
from kiln.postgres.connection import open_connection, reason
from kiln.postgres.server import Mode, Progress, Status, quiet
from kiln.postgres.urls import check_url, database_of, describe, with_database

if TYPE_CHECKING:
    import psycopg

MAINTENANCE_DB = "postgres"


class ExternalServer:
    mode: Mode = "external"
    already_up = "DATABASE_URL's server answers"

    def __init__(self, database_url: str) -> None:
        self.database_url = check_url(database_url, where="DATABASE_URL")

    def url(self, database: str) -> str:
        return with_database(self.database_url, database)

    def connect(self, database: str = MAINTENANCE_DB) -> psycopg.Connection:
        import psycopg

        url = self.url(database)
        try:
            return open_connection(url)
        except psycopg.OperationalError as error:
            raise KilnError(
                f"cannot connect to PostgreSQL at {describe(url)}: {reason(error)}",
                where=f"DATABASE_URL={mask_url(self.database_url)}",
                fix="check the host, port, user and password in DATABASE_URL and that the server "
                "runs; or unset DATABASE_URL to let kiln run its own PostgreSQL",
            ) from None

    def up(self, progress: Progress = quiet) -> bool:
        """Only check the server answers; its database may not exist yet (``kiln db create``)."""
        self._version()
        return False

    def down(self) -> str:
        return "DATABASE_URL names an external server; kiln started nothing, so nothing to stop"

    def ensure_database(self, name: str) -> bool:
        """A ``DATABASE_URL``'s databases are its owner's to create (``kiln db create``)."""
        return False

    def log_file(self) -> Path:
        raise UsageError(
            "DATABASE_URL names an external server, whose log kiln cannot see",
            where="kiln db logs",
            fix="read the log where that server runs; or unset DATABASE_URL",
        )

    def status(self) -> Status:
        try:
            version = self._version()
        except KilnError:
            version = None
        return Status(
            mode=self.mode,
            running=version is not None,
            initialised=True,
            version=version,
            target=mask_url(self.database_url),
        )

    def _version(self) -> str:
        """The server's version, asked through the URL's database, else the maintenance one
        (the URL's database may not be created yet; then the server is reachable all the same)."""
        database = database_of(self.database_url) or MAINTENANCE_DB
        try:
            connection = self.connect(database)
        except KilnError as error:
            if database == MAINTENANCE_DB:
                raise
            try:
                connection = self.connect(MAINTENANCE_DB)
            except KilnError:
                raise error from None
        with connection:
            row = connection.execute("SHOW server_version").fetchone()
        assert row is not None  # SHOW returns exactly one row
        return row[0]

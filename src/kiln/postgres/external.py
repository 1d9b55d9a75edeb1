"""A server someone else runs, named by ``DATABASE_URL``: kiln starts and stops nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiln.errors import KilnError
from kiln.postgres.connection import open_connection, reason
from kiln.postgres.server import Mode, Progress, Status, quiet
from kiln.postgres.urls import check_url, database_of, describe, mask, with_database

if TYPE_CHECKING:
    import psycopg

MAINTENANCE_DB = "postgres"


class ExternalServer:
    mode: Mode = "external"

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
                where=f"DATABASE_URL={mask(self.database_url)}",
                fix="check the host, port, user and password in DATABASE_URL and that the server "
                "runs; or unset DATABASE_URL to let kiln run its own PostgreSQL",
            ) from None

    def up(self, progress: Progress = quiet) -> bool:
        """Only check the server answers; its database may not exist yet (``kiln db create``)."""
        self._version()
        return False

    def down(self) -> bool:
        return False

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
            target=mask(self.database_url),
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
            return connection.execute("SHOW server_version").fetchone()[0]

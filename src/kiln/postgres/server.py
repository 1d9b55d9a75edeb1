"""What every server kiln talks to offers, whether kiln runs it (embedded) or not (external)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import psycopg

    from kiln.postgres.binaries import Binaries

Mode = Literal["embedded", "external"]
Progress = Callable[[str], None]
"""Receives one-line status messages (``Initialising PostgreSQL …``) so a wait is never silent."""


def quiet(message: str) -> None:
    """The progress callback for callers that show nothing."""


@dataclass(frozen=True)
class Status:
    """What ``kiln db status`` shows; paths and binaries are ``None`` for an external server."""

    mode: Mode
    running: bool
    initialised: bool
    version: str | None
    pid: int | None = None
    data_dir: Path | None = None
    socket_dir: Path | None = None
    binaries: Binaries | None = None
    target: str | None = None  # the external server's URL, password masked


class Server(Protocol):
    """A PostgreSQL server that holds the project's databases."""

    mode: Mode

    def up(self, progress: Progress = quiet) -> bool:
        """Make the server accept connections; ``True`` if this call started it."""
        ...

    def down(self) -> bool:
        """Stop the server if kiln runs it; ``True`` if it was running."""
        ...

    def status(self) -> Status: ...

    def url(self, database: str) -> str:
        """A ``postgresql://`` URL for ``database`` that psql, psycopg and SQLAlchemy accept."""
        ...

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        """An autocommit connection, or a ``KilnError`` saying why the server cannot be reached."""
        ...

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

    def rows(self) -> list[tuple[str, str]]:
        """``kiln db status``'s label and value lines."""
        if self.mode == "external":
            answer = f"yes (PostgreSQL {self.version})" if self.running else "no answer"
            return [
                ("mode", "external (DATABASE_URL)"),
                ("server", f"{self.target}"),
                ("running", answer),
            ]
        rows = [("mode", "embedded (kiln runs it)")]
        if self.binaries:
            programs = self.binaries
            rows.append(("postgres", f"{programs.version} ({programs.source}: {programs.bindir})"))
        created = "" if self.initialised else " (not created yet)"
        return [
            *rows,
            ("running", f"yes (pid {self.pid})" if self.running else "no"),
            ("data", f"{self.data_dir}{created}"),
            ("socket", f"{self.socket_dir}"),
        ]

    def summary(self) -> str:
        """One line on who runs the server and whether it runs, for ``kiln doctor``."""
        if self.mode == "external":
            return "DATABASE_URL is set: kiln uses that server and starts none"
        if self.running:
            return f"embedded PostgreSQL running (pid {self.pid})"
        return "embedded PostgreSQL stopped (kiln serve and kiln test start it; or kiln db up)"


class Server(Protocol):
    """A PostgreSQL server that holds the project's databases."""

    mode: Mode
    already_up: str
    """What ``kiln db up`` says when the server was ready before it asked."""

    def up(self, progress: Progress = quiet) -> bool:
        """Make the server accept connections; ``True`` if this call started it."""
        ...

    def down(self) -> str:
        """Stop the server if kiln runs it; what happened, in a sentence."""
        ...

    def ensure_database(self, name: str) -> bool:
        """Create ``name`` if kiln provides this server's databases; ``True`` if this call did."""
        ...

    def log_file(self) -> Path:
        """The server's log, or a ``KilnError`` saying why kiln cannot show it."""
        ...

    def status(self) -> Status: ...

    def url(self, database: str) -> str:
        """A ``postgresql://`` URL for ``database`` that psql, psycopg and SQLAlchemy accept."""
        ...

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        """An autocommit connection, or a ``KilnError`` saying why the server cannot be reached."""
        ...

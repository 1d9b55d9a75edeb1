"""Opening a psycopg connection; psycopg is imported here, on first use, to keep the CLI fast."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

CONNECT_TIMEOUT = 5  # seconds; libpq's minimum is 2


def open_connection(url: str, timeout: int = CONNECT_TIMEOUT) -> psycopg.Connection:
    """Autocommit, because CREATE and DROP DATABASE cannot run inside a transaction."""
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=timeout)


def reason(error: Exception) -> str:
    """The first line of libpq's message (the rest is a hint kiln replaces with its own fix)."""
    return str(error).strip().split("\n", 1)[0] or type(error).__name__

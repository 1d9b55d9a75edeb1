"""PostgreSQL URLs: the embedded server's socket URL, and reading a user's ``DATABASE_URL``.

URLs kiln hands out use the plain ``postgresql://`` scheme that libpq (psql, psycopg) and
SQLAlchemy all accept; the app adds its driver (``+psycopg``) itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

from kiln.errors import UsageError
from kiln.masking import mask_url

SCHEME = "postgresql"
_SCHEME = re.compile(r"^postgres(ql)?(\+\w+)?$")


def socket_url(socket_dir: Path, database: str) -> str:
    """``postgresql://postgres@/DB?host=/socket/dir``: the superuser, over the Unix socket."""
    return f"{SCHEME}://postgres@/{quote(database, safe='')}?host={quote(str(socket_dir))}"


def check_url(url: str, where: str) -> str:
    """``url`` if it is a PostgreSQL URL, else a ``UsageError`` naming ``where`` it was set."""
    scheme = urlsplit(url).scheme
    if not _SCHEME.match(scheme):
        raise UsageError(
            f"{mask_url(url)!r} is not a PostgreSQL URL",
            where=where,
            fix="write it as postgresql://USER:PASSWORD@HOST:5432/DATABASE",
        )
    return url


def with_database(url: str, database: str) -> str:
    """The same server and credentials, another database, in the plain ``postgresql`` scheme."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=SCHEME, path="/" + quote(database, safe="")))


def database_of(url: str) -> str | None:
    return unquote(urlsplit(url).path.lstrip("/")) or None


def describe(url: str) -> str:
    """``host:port, database db``: where a connection goes, for error messages."""
    parts = urlsplit(url)
    sockets = parse_qs(parts.query).get("host", [])
    hosts = parts.netloc.rpartition("@")[2] or ",".join(sockets) or "localhost:5432 (default)"
    return f"{hosts}, database {database_of(url) or '(default)'}"

"""The variables that carry a database to the app, whichever way the app reads it.

Apps read ``DATABASE_URL``, Flask-SQLAlchemy's ``SQLALCHEMY_DATABASE_URI``, libpq's ``PG*`` or
names of their own for each part of the URL (``[tool.kiln] database_variables``), often when their
config module is imported. kiln sets all of them to the same database.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from kiln.errors import KilnError
from kiln.masking import mask_url
from kiln.postgres.urls import database_of
from kiln.project import Project

DEFAULT_PORT = "5432"
# kiln brings psycopg (3) into the project's environment, so SQLAlchemy's URL names that driver:
# ``postgresql://`` alone means psycopg2, which a project that used SQLite has not installed.
SQLALCHEMY_SCHEME = "postgresql+psycopg"

_SETTING = re.compile(r"SQLALCHEMY_DATABASE_URI|DATABASE_URL|SQLALCHEMY_BINDS|create_engine\(")
_SKIPPED = {".venv", "venv", ".tox", "node_modules", ".git", ".kiln"}
_SHOWN = 3


def url_parts(url: str) -> dict[str, str]:
    """``url``, ``user``, ``password``, ``host``, ``port``, ``database`` of a PostgreSQL URL.

    A Unix-socket server has no host a URL can carry in its place: ``host`` is empty then, so a
    URL built from the parts (``postgresql://u:p@:5432/db``) leaves it to libpq, which reads
    ``PGHOST``, the socket folder.
    """
    parts = urlsplit(url)
    return {
        "url": url,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "host": parts.hostname or "",
        "port": str(parts.port or DEFAULT_PORT),
        "database": database_of(url) or "",
    }


def database_environ(project: Project, url: str) -> dict[str, str]:
    """Every variable an app may take its database from, all naming the database at ``url``."""
    parts = url_parts(url)
    sockets = parse_qs(urlsplit(url).query).get("host", [])
    libpq = {
        "PGHOST": parts["host"] or (sockets[0] if sockets else "localhost"),
        "PGPORT": parts["port"],
        "PGDATABASE": parts["database"],
        "PGUSER": parts["user"],
    }
    if parts["password"]:
        libpq["PGPASSWORD"] = parts["password"]
    own = {name: parts[part] for name, part in project.database_variables.items()}
    sqlalchemy_url = SQLALCHEMY_SCHEME + url.removeprefix("postgresql")
    return {"DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": sqlalchemy_url, **libpq, **own}


def match_installed_driver(environ: MutableMapping[str, str]) -> None:
    """Where psycopg2 is not installed, ``DATABASE_URL`` names psycopg (3) for SQLAlchemy, so a
    config that passes it on as is (``SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]``)
    works. Run in the project's Python, before its code is imported."""
    url = environ.get("DATABASE_URL", "")
    if url.startswith("postgresql://") and importlib.util.find_spec("psycopg2") is None:
        environ["DATABASE_URL"] = SQLALCHEMY_SCHEME + url.removeprefix("postgresql")


def other_database(project: Project, url: str, database: str) -> KilnError:
    """The app connects to ``url`` instead of kiln's ``database``: where the project sets its URL,
    and how to make it take kiln's."""
    places = list(_settings_in(project.root))
    shown = ", ".join(places[:_SHOWN]) + (", …" if len(places) > _SHOWN else "")
    return KilnError(
        f"the app connects to {mask_url(url)}, not to kiln's database {database}, so it would "
        "not run on kiln's PostgreSQL (its URL is set by the project, not taken from kiln)",
        where=shown or "the project's config",
        fix="read the URL from the environment where the config sets it, e.g. "
        "SQLALCHEMY_DATABASE_URI = os.environ['DATABASE_URL'] (kiln exports DATABASE_URL, "
        "SQLALCHEMY_DATABASE_URI and PGHOST/PGPORT/PGDATABASE/PGUSER before the app is "
        "imported; a URL built from parts: map its variables in [tool.kiln.database_variables])",
    )


def _settings_in(root: Path) -> Iterator[str]:
    """``file:line`` of each line of the project's Python that sets a database URL."""
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if _SKIPPED & set(relative.parts) or "site-packages" in relative.parts:
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if _SETTING.search(line) and ("=" in line or "create_engine(" in line):
                yield f"{relative}:{number}"

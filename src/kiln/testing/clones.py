"""Test databases on the project's server: one migrated template per schema, pristine clones reused.

Cloning a template costs 0.3 s on disk, too much for every session, so clones are kept between
sessions: per-test rollback leaves them exactly as cloned. A session claims a clone by holding a
PostgreSQL advisory lock on it for its lifetime, so parallel sessions and xdist workers never share
one, and a session killed with SIGKILL frees its claim the moment its connection drops. A clone that
saw real commits is marked dirty and replaced by the next session that claims it.

The databases of the few schemas used last are kept (each template records when a session last
used it), so going back to a branch, or unstashing a migration, finds its template built.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiln.errors import KilnError

if TYPE_CHECKING:
    import psycopg

DIRTY = "kiln: dirty"
USED = "kiln: used at "  # a template's comment: when a session last claimed one of its clones
KEPT_SCHEMAS = 3  # the current schema's databases and those of the two used last before it
MAX_CLONES = 64
MAX_PREFIX = 40  # PostgreSQL names stop at 63 bytes; keep room for "_tpl_<hash>" and "_<hash>_<n>"


def _lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a database name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@dataclass(frozen=True)
class Names:
    """The databases one schema version uses on a server."""

    prefix: str
    schema: str

    @property
    def template(self) -> str:
        return f"{self.prefix}_tpl_{self.schema}"

    @property
    def build(self) -> str:
        return f"{self.prefix}_build_{self.schema}"

    def clone(self, slot: int) -> str:
        return f"{self.prefix}_{self.schema}_{slot}"

    def schema_of(self, name: str) -> str | None:
        """The schema hash of a database kiln made for this prefix; ``None`` for any other name,
        so a database a user made is never dropped."""
        pattern = rf"{re.escape(self.prefix)}_(?:tpl_|build_)?([0-9a-f]{{10}})(?:_\d+)?"
        found = re.fullmatch(pattern, name)
        return found[1] if found else None

    def of_schema(self, schema: str) -> Names:
        return Names(self.prefix, schema)


class TestDatabases:
    """Claims a pristine, migrated database for one test session on a server."""

    __test__ = False  # not a pytest test class

    def __init__(self, admin_url: str, names: Names) -> None:
        import psycopg

        self.names = names
        self._clone: str | None = None
        self._admin: psycopg.Connection = psycopg.connect(admin_url, autocommit=True)

    def claim(self, migrate: Callable[[str], object], *, fresh: bool = False) -> str:
        """Make sure the template exists (``migrate`` fills a new one), then claim a clone;
        ``fresh`` (``kiln test --fresh``) replaces it even when it looks pristine."""
        self._ensure_template(migrate)
        self._record_use()
        self._drop_outdated()
        for slot in range(MAX_CLONES):
            name = self.names.clone(slot)
            if self._try_lock(name):
                self._prepare_clone(name, fresh=fresh)
                self._clone = name
                return name
        raise KilnError(
            f"all {MAX_CLONES} test databases for this schema are in use",
            where=self.names.prefix,
            fix="stop some of the test sessions running against this project",
        )

    @property
    def clone(self) -> str:
        """The database this session claimed."""
        if self._clone is None:
            raise RuntimeError("no test database claimed yet: call claim() first")
        return self._clone

    def mark_dirty(self) -> None:
        """Record that the claimed clone saw real commits, so it is rebuilt before its next use."""
        self._comment_on(self.clone, DIRTY)

    def release(self) -> None:
        """Give the clone back (dropping it if dirty) and close the admin connection."""
        try:
            if self._clone and self._comment(self._clone) == DIRTY:
                self._drop(self._clone)
        finally:
            self._admin.close()

    def _ensure_template(self, migrate: Callable[[str], object]) -> None:
        if self._exists(self.names.template):
            return
        key = _lock_key(self.names.template)
        self._admin.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            if self._exists(self.names.template):
                return  # another session built it while we waited
            self._drop(self.names.build)  # left by a session killed while building
            self._create(self.names.build)
            try:
                migrate(self.names.build)
            except BaseException:
                self._drop(self.names.build)
                raise
            self._execute("ALTER DATABASE {} RENAME TO {}", self.names.build, self.names.template)
            self._execute("ALTER DATABASE {} WITH IS_TEMPLATE true", self.names.template)
        finally:
            self._admin.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def _prepare_clone(self, name: str, *, fresh: bool) -> None:
        if not fresh and self._exists(name) and self._comment(name) != DIRTY:
            return
        self._drop(name)
        self._execute("CREATE DATABASE {} TEMPLATE {}", name, self.names.template)

    def _record_use(self) -> None:
        """Note on the template that a session used it now, so it is among the last dropped. A
        best effort: sessions starting together (xdist workers) may update the same catalog row
        at once, and PostgreSQL then refuses one of them; theirs is as recent."""
        import psycopg

        with suppress(psycopg.errors.InternalError_):  # "tuple concurrently updated"
            self._comment_on(self.names.template, f"{USED}{time.time():.3f}")

    def _drop_outdated(self) -> None:
        """Drop the databases of schemas older than the ``KEPT_SCHEMAS`` used last, unless a
        session holds them (a template half-built when its builder holds its lock)."""
        rows = self._admin.execute(
            "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
        ).fetchall()
        databases: dict[str, list[str]] = {}
        used_at: dict[str, float] = {}
        for name, comment in rows:
            schema = self.names.schema_of(name)
            if schema is None:
                continue
            databases.setdefault(schema, []).append(name)
            if name == self.names.of_schema(schema).template:
                used_at[schema] = _used_at(comment)
        earlier = sorted(used_at.keys() - {self.names.schema}, key=lambda s: -used_at[s])
        kept = {self.names.schema, *earlier[: KEPT_SCHEMAS - 1]}
        for schema in databases.keys() - kept:
            template = self.names.of_schema(schema).template
            for name in databases[schema]:
                lock = template if name == self.names.of_schema(schema).build else name
                if self._try_lock(lock):
                    self._drop(name)
                    self._unlock(lock)

    def _exists(self, name: str) -> bool:
        row = self._admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return row.fetchone() is not None

    def _comment(self, name: str) -> str | None:
        row = self._admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
        return row[0] if row else None

    def _comment_on(self, name: str, comment: str) -> None:
        from psycopg import sql

        self._admin.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(comment)
            )
        )

    def _try_lock(self, name: str) -> bool:
        row = self._admin.execute("SELECT pg_try_advisory_lock(%s)", (_lock_key(name),)).fetchone()
        assert row is not None  # a SELECT without FROM returns exactly one row
        return bool(row[0])

    def _unlock(self, name: str) -> None:
        self._admin.execute("SELECT pg_advisory_unlock(%s)", (_lock_key(name),))

    def _create(self, name: str) -> None:
        self._execute("CREATE DATABASE {}", name)

    def _drop(self, name: str) -> None:
        self._execute("ALTER DATABASE {} WITH IS_TEMPLATE false", name, missing_ok=True)
        self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    def _execute(self, statement: str, *names: str, missing_ok: bool = False) -> None:
        import psycopg
        from psycopg import sql

        query = sql.SQL(statement).format(*(sql.Identifier(n) for n in names))
        try:
            self._admin.execute(query)
        except psycopg.errors.InvalidCatalogName:
            if not missing_ok:
                raise


def _used_at(comment: str | None) -> float:
    """When a template was last used, from its comment; 0 for one that never recorded it."""
    if comment is None or not comment.startswith(USED):
        return 0.0
    try:
        return float(comment.removeprefix(USED))
    except ValueError:
        return 0.0

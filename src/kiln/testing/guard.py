"""A test session never runs silently on another database.

A project whose config hard-codes its URL (``sqlite:///app.db``, a server on localhost), or
builds its own app in ``setUp`` with another config, would run its tests there while kiln reports
green. Every SQLAlchemy engine in the test process is checked on its first connection: one that
does not point at the session's clone stops the session, naming the URL and where it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from kiln.postgres.variables import other_database

if TYPE_CHECKING:
    from kiln.errors import KilnError
    from kiln.project import Project


class DatabaseGuard:
    """Checks each engine's URL against the claimed database; ``stop`` raises the error so the
    test that connected fails with it (and stops the session)."""

    def __init__(
        self, project: Project, database: str, stop: Callable[[KilnError], NoReturn]
    ) -> None:
        self.project = project
        self.database = database
        self._stop = stop
        self._seen: set[int] = set()

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "engine_connect", self._on_connect)

    def uninstall(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        if event.contains(Engine, "engine_connect", self._on_connect):
            event.remove(Engine, "engine_connect", self._on_connect)

    def _on_connect(self, connection: Any, *args: Any) -> None:
        engine = connection.engine
        if id(engine) in self._seen:
            return
        url = engine.url
        if url.get_backend_name() == "postgresql" and url.database == self.database:
            self._seen.add(id(engine))
            return
        shown = url.render_as_string(hide_password=True)
        self._stop(other_database(self.project, shown, self.database))

"""What most commands start from: the project, its environment's config, and its server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from kiln.config import Config, load_config
from kiln.postgres import Server, server_for
from kiln.postgres.urls import database_of
from kiln.project import Project, find_project


@dataclass(frozen=True)
class ProjectContext:
    project: Project
    config: Config
    server: Server
    database: str | None = None
    """Another database on the same server to work on (a scenario's, a scratch one)."""
    python: Path | None = None
    """The interpreter the project's code runs in, when already known (a test session runs in
    it); ``None``: ``kiln.runner.interpreter`` finds the project's own."""
    environ: Mapping[str, str] = field(default_factory=dict)
    """Settings the project's services gave (``kiln serve``), under the config's own."""

    @property
    def database_name(self) -> str:
        """The database the commands work on (e.g. ``shop_development``)."""
        if self.database:
            return self.database
        given = self.config.get("DATABASE_URL")
        return (given and database_of(given)) or self.project.database_name(self.config.env)

    @property
    def database_url(self) -> str:
        """That database's URL: ``DATABASE_URL`` as given, else on the embedded server."""
        if self.database is None and (given := self.config.get("DATABASE_URL")):
            return given
        return self.server.url(self.database_name)

    def on(self, database: str) -> ProjectContext:
        """The same project, environment and server, working on ``database`` instead."""
        return replace(self, database=database)


def load_context(env: str | None) -> ProjectContext:
    """``env`` is ``--env``; ``None`` lets the config choose (``KILN_ENV``, else development)."""
    project = find_project()
    config = load_config(project, env).require()
    return ProjectContext(project, config, server_for(project, config.get("DATABASE_URL")))

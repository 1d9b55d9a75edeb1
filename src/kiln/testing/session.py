"""One test session's database, in steps: the testing context, a claimed clone, its variables.

Each step is a function of its own so it can be tested (and timed) alone; ``TestSession.open``
runs them in order and ``close`` undoes exactly what they did.
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from pathlib import Path

import psycopg
import pytest

from kiln.config import load_config
from kiln.context import ProjectContext
from kiln.database.rebuild import build
from kiln.postgres import Progress, server_for
from kiln.postgres.variables import database_environ, match_installed_driver
from kiln.project import Project, find_project
from kiln.runner.commands import recipe_variables
from kiln.testing.clones import MAX_PREFIX, Names, TestDatabases
from kiln.testing.fingerprint import schema_fingerprint
from kiln.testing.run import FRESH, environment_under_test


def session_context(rootdir: Path) -> ProjectContext:
    """The project holding ``rootdir``, the tested environment's configuration and its server;
    its code runs in this Python, which runs the tests."""
    project = find_project(rootdir)
    config = load_config(project, environment_under_test()).require()
    server = server_for(project, config.get("DATABASE_URL"))
    return ProjectContext(project, config, server, python=Path(sys.executable))


def template_names(project: Project) -> Names:
    """The test databases of the project's current schema."""
    return Names(project.database_name("test")[:MAX_PREFIX], schema_fingerprint(project))


def claim_database(ctx: ProjectContext, progress: Progress) -> TestDatabases:
    """Start the server if needed and claim a clone of the migrated template (built if new)."""
    ctx.server.up(progress)
    databases = TestDatabases(ctx.server.url("postgres"), template_names(ctx.project))
    fresh = bool(os.environ.get(FRESH))
    databases.claim(lambda template: build(ctx.on(template)), fresh=fresh)
    return databases


def session_environ(ctx: ProjectContext, database_url: str) -> dict[str, str]:
    """What the app under test reads: the testing settings, the claimed database under every
    name an app reads it by, and what the environment's recipe sets."""
    return {
        **ctx.config.as_environ(),
        **database_environ(ctx.project, database_url),
        **recipe_variables(ctx),
    }


class TestSession:
    """The claimed database and the variables set for the app under test, until ``close``."""

    __test__ = False  # not a pytest test class

    def __init__(self, ctx: ProjectContext, databases: TestDatabases) -> None:
        self.ctx = ctx
        self.databases = databases
        self._environ = pytest.MonkeyPatch()

    @classmethod
    def open(cls, rootdir: Path, progress: Progress) -> TestSession:
        ctx = session_context(rootdir)
        for note in ctx.config.notes:
            progress(note)
        session = cls(ctx, claim_database(ctx, progress))
        session.export()
        return session

    @property
    def project(self) -> Project:
        return self.ctx.project

    @property
    def database_url(self) -> str:
        return self.ctx.server.url(self.databases.clone)

    def export(self) -> None:
        """Set the app's variables in this process; ``close`` restores only those."""
        for name, value in session_environ(self.ctx, self.database_url).items():
            self._environ.setenv(name, value)
        if self.project.adopted:  # kiln's own projects name their driver themselves
            match_installed_driver(os.environ)

    def close(self) -> None:
        self._environ.undo()
        with suppress(psycopg.Error):  # the server may be gone already; nothing to tidy then
            self.databases.release()

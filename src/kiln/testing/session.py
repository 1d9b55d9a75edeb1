"""One test session's view of the project: its config, its server and the database it claimed."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from kiln import schema
from kiln.context import ProjectContext
from kiln.project import Project, find_project
from kiln.testing.databases import MAX_PREFIX, Names, TestDatabases
from kiln.testing.schema import schema_hash

ENV = "testing"


class TestSession:
    """Sets up the environment for the app under test and hands it a freshly claimed database."""

    __test__ = False  # not a pytest test class

    def __init__(self, rootdir: Path, progress: Callable[[str], None]) -> None:
        from kiln.config import load_config
        from kiln.postgres import server_for

        self.project: Project = find_project(rootdir)
        self.config = load_config(self.project, ENV).require()
        self.server = server_for(self.project, self.config.get("DATABASE_URL"))
        self.server.up(progress)
        names = Names(self.project.database_name("test")[:MAX_PREFIX], schema_hash(self.project))
        self.databases = TestDatabases(self.server.url("postgres"), names)
        context = ProjectContext(self.project, self.config, self.server)
        self.database_url = self.server.url(
            self.databases.claim(lambda template: schema.build(context.on(template)))
        )
        self._saved_environ = dict(os.environ)
        os.environ.update(self.config.as_environ())
        os.environ["DATABASE_URL"] = self.database_url

    def close(self) -> None:
        os.environ.clear()
        os.environ.update(self._saved_environ)
        with suppress(Exception):  # the server may be gone already; nothing left to tidy then
            self.databases.release()

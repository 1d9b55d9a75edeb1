"""One test session's view of the project: its config, its server and the database it claimed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from kiln.errors import KilnError
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
        self.database_url = self.server.url(self.databases.claim(self._migrate))
        self._saved_environ = dict(os.environ)
        os.environ.update(self.config.as_environ())
        os.environ["DATABASE_URL"] = self.database_url

    def close(self) -> None:
        os.environ.clear()
        os.environ.update(self._saved_environ)
        with suppress(Exception):  # the server may be gone already; nothing left to tidy then
            self.databases.release()

    def _migrate(self, database: str) -> None:
        """Build a template: run the project's migrations, or ``create_all`` when it has none."""
        environ = {
            **os.environ,
            **self.config.as_environ(),
            "DATABASE_URL": self.server.url(database),
        }
        if self.project.has_migrations:
            flask = ["flask", "--app", self.project.flask_app(ENV), "db", "upgrade"]
            argv = [*flask, "--directory", str(self.project.migrations_dir)]
        else:
            argv = ["kiln.testing.create_all", ENV]
        done = subprocess.run(
            [sys.executable, "-m", *argv],
            cwd=self.project.root,
            env=environ,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise KilnError(
                f"building the test database failed:\n{tail}",
                where=f"python -m {' '.join(argv)} (test template {database})",
                fix="fix the error above; `kiln db upgrade` shows the same on the dev database",
            )

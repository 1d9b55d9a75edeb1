"""A copy of the ``chores`` project, completed with the api template's own job queue.

The queue's migration comes from src/kiln/templates/api/project; ``queue.py`` and the migrations'
``env.py``/``alembic.ini`` from the shared layer every template renders from (templates/_shared),
as they are, so these tests run the code a generated project ships.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiln_cli import kiln_command, run_kiln, user_environ

from kiln.postgres import EmbeddedServer
from kiln.project import find_project

HERE = Path(__file__).parent
TEMPLATES = HERE.parents[2] / "src" / "kiln" / "templates"
TEMPLATE = TEMPLATES / "api" / "project"
SHARED = TEMPLATES / "_shared" / "project"
QUEUE_MIGRATION = "5b1e0c9a7f42_add_the_job_queue.py"


class Chores:
    """The project's folder, its server, and the commands the tests run in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.server = EmbeddedServer(find_project(root))

    def environ(self, **extra: str) -> dict[str, str]:
        return user_environ({"PYTHONPATH": str(self.root / "src"), **extra})

    def kiln(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return run_kiln(*args, cwd=self.root, env={"PYTHONPATH": str(self.root / "src"), **extra})

    def pytest(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The project's own tests, kiln's plugin active through its entry point."""
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=self.root,
            env=self.environ(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    @contextmanager
    def running(self, *args: str, **extra: str) -> Iterator[Output]:
        """``kiln ARGS`` in the background, its output readable line by line; stopped after."""
        process = subprocess.Popen(
            kiln_command(*args),
            cwd=self.root,
            env=self.environ(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # signals come from the test, not a terminal
        )
        try:
            yield Output(process)
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=60)

    def rows(self, sql: str, *params: Any, database: str = "chores_development") -> list[tuple]:
        with self.server.connect(database) as connection:
            return connection.execute(sql, params or None).fetchall()

    def write(self, relative: str, text: str) -> None:
        (self.root / relative).write_text(text)


class Output:
    """A running command's lines, read until the one a test waits for (no sleeping)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """The first line matching ``pattern``; the output so far if none comes in time."""
        import selectors
        import time

        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if not selector.select(left):
                    break
                line = self.process.stdout.readline()
                if not line:
                    break
                self.lines.append(line)
                if match := re.search(pattern, line):
                    return match
        raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(self.lines)}")

    def rest(self, timeout: float = 60) -> str:
        """Everything until the command exits."""
        remaining, _ = self.process.communicate(timeout=timeout)
        self.lines.append(remaining)
        return "".join(self.lines)


def copy_chores(destination: Path) -> Chores:
    shutil.copytree(HERE / "chores", destination, ignore=shutil.ignore_patterns("__pycache__"))
    package = destination / "src" / "chores"
    shutil.copy(SHARED / "src" / "{{ package }}" / "queue.py", package / "queue.py")
    for name in ("env.py", "alembic.ini", "script.py.mako"):
        shutil.copy(SHARED / "migrations" / name, destination / "migrations" / name)
    migration = (TEMPLATE / "migrations" / "versions" / QUEUE_MIGRATION).read_text()
    first = re.sub(r'down_revision = "\w+"', "down_revision = None", migration, count=1)
    (destination / "migrations" / "versions" / QUEUE_MIGRATION).write_text(first)
    return Chores(destination)

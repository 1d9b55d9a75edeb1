"""A copy of the tiny ``mini`` project (no migrations), whose own tests exercise kiln's plugin."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from kiln_cli import user_environ

from kiln.postgres import EmbeddedServer
from kiln.project import find_project

MINI = Path(__file__).parent / "mini"


class Mini:
    """A copy of the mini project, with helpers to run pytest and SQL inside it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.server = EmbeddedServer(find_project(root))

    def pytest(self, *args: str, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
        """Start the project's own test run (the plugin is active through its entry point)."""
        return subprocess.Popen(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
            cwd=self.root,
            env=user_environ({"PYTHONPATH": str(self.root / "src"), **(env or {})}),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            **popen,
        )

    def run_tests(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        process = self.pytest(*args, env=env)
        output, _ = process.communicate(timeout=120)
        return process.returncode, output

    def databases(self) -> set[str]:
        with self.server.connect() as connection:
            rows = connection.execute("SELECT datname FROM pg_database").fetchall()
        return {name for (name,) in rows if name.startswith("mini_test_")}

    def templates(self) -> dict[str, int]:
        """The test templates on the server, each with its oid (which a rebuild changes)."""
        with self.server.connect() as connection:
            rows = connection.execute(
                "SELECT datname, oid FROM pg_database WHERE datname LIKE 'mini_test_tpl_%'"
            ).fetchall()
        return dict(rows)

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def copy_mini(destination: Path) -> Mini:
    shutil.copytree(MINI, destination, ignore=shutil.ignore_patterns("__pycache__"))
    return Mini(destination)
